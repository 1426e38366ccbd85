// The explorer's breadth-first search (checker/explorer.hpp): expansion in parallel,
// insertion in state order, the stop conditions; the properties of the new states are
// checked by checker/incremental_check.cpp, the progress line is checker/progress.cpp.
#include "checker/explorer.hpp"
#include "model/run_limits.hpp"

#include <algorithm>
#include <chrono>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

#include "checker/incremental_check.hpp"
#include "checker/parallel.hpp"
#include "checker/por.hpp"
#include "checker/progress.hpp"
#include "model/paths.hpp"
#include "model/symmetry.hpp"
#include "model/threads.hpp"

namespace cow {

std::uint64_t peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss);
}

// Breadth-first, a block of states at a time: the block's successors are computed in
// parallel, inserted into the store in state order by one thread (so ids, counts and
// parents are those of the sequential search whatever the number of threads), and the
// new states' properties are checked in parallel, the first violation of each property
// being the lowest id. Stop conditions are checked between blocks and, for the limits
// and out-of-frames, between states of the insertion phase.
ExploreResult Explorer::run() {
  ExploreResult r = opt_.hash_compact ? run_in(compact_) : run_in(store_);
  r.por = opt_.por;
  r.symmetry = opt_.symmetry;
  r.hash_compact = opt_.hash_compact;
  if (opt_.hash_compact) r.omission_probability = compact_.omission_probability();
  return r;
}

std::vector<u8> Explorer::path_to(StateId id) const {
  std::vector<u8> tids;
  for (; compact_.parent(id) != kNoState; id = compact_.parent(id)) tids.push_back(compact_.tid(id));
  std::reverse(tids.begin(), tids.end());
  return tids;
}

template <class Store>
ExploreResult Explorer::run_in(Store& store_) {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  const unsigned threads = std::max(1u, opt_.threads);
  ExploreResult r;
  for (const Property* p : opt_.properties) r.outcomes.push_back(PropertyOutcome{p, false, kNoState, {}, {}});
  std::size_t open = r.outcomes.size();  // properties not yet violated
  IncrementalCheck checker(sc_, r.outcomes, threads);

  const Reducer reducer(sc_, design_, opt_.properties);
  State initial = initial_state(sc_, design_);
  if (opt_.symmetry) canonicalize(sc_, initial);
  store_.insert(initial, kNoState);
  open -= checker.check(store_, 0, 1);
  constexpr std::size_t kBlock = 8192;
  std::vector<Expansion> exps(kBlock);
  std::vector<std::vector<typename Store::Prepared>> preps(kBlock);
  std::vector<char> finals(kBlock);
  Progress progress(opt_.progress);
  StateId level_end = 1;  // the first id of the next BFS level
  StateId level_start = 0;
  unsigned depth = 0;
  bool stop = false;
  for (StateId next = 0; next < store_.size() && !stop;) {
    if (open == 0 && !r.outcomes.empty() && !opt_.full) {
      r.completion = Completion::StoppedAllViolated;
      break;
    }
    double secs = std::chrono::duration<double>(clock::now() - t0).count();
    // The run's limits (model/run_limits.hpp: the clock started before loading) and a
    // stop signal.
    if (std::string l = run_limit_reached(); !l.empty()) {
      r.completion = Completion::LimitHit;
      r.limit = l;
      break;
    }
    progress.tick(secs, store_.size(), next, level_end, depth);

    if constexpr (requires { store_.release_below(next); }) store_.release_below(next);
    // 1. Successors of the block, in parallel (the store is only read).
    const StateId end = static_cast<StateId>(std::min<std::size_t>(next + kBlock, store_.size()));
    parallel_for(next, end, threads, [&](std::size_t id, unsigned) {
      const State s = store_.state(static_cast<StateId>(id));
      Expansion& ex = exps[id - next];
      ex.out_of_frames = false;
      successors(sc_, design_, s, ex);
      if (opt_.por) reducer.reduce(s, ex);
      if (opt_.symmetry)
        for (Successor& su : ex.succ) canonicalize(sc_, su.next);
      finals[id - next] = all_threads_finished(sc_, s);
      auto& pr = preps[id - next];
      pr.clear();
      for (const Successor& su : ex.succ) pr.push_back(store_.prepare(su.next, s));
    });

    // 2. Insertion, in state order, by this thread. The collapse store first interns
    // every successor's chunks, fetching memory a few successors ahead.
    constexpr bool staged = requires { store_.insert_interned(StateId{}, preps[0][0]); };
    constexpr std::size_t kAhead = 24;
    std::vector<typename Store::Prepared*> flat;
    if constexpr (staged) {
      for (StateId i = next; i < end; ++i)
        for (auto& p : preps[i - next]) flat.push_back(&p);
      std::size_t f = 0;
      for (StateId i = next; i < end; ++i)
        for (std::size_t j = 0; j < preps[i - next].size(); ++j, ++f) {
          if (f + 2 * kAhead < flat.size()) store_.prefetch_chunks(*flat[f + 2 * kAhead], false);
          if (f + kAhead < flat.size()) store_.prefetch_chunks(*flat[f + kAhead], true);
          store_.intern_chunks(exps[i - next].succ[j].next, i, *flat[f]);
        }
    }
    std::size_t flat_at = 0;
    const StateId first_new = static_cast<StateId>(store_.size());
    StateId id = next;
    for (; id < end; ++id) {
      if (id == level_end) {
        progress.level_done(level_end - level_start);
        level_start = level_end;
        ++depth;
        level_end = static_cast<StateId>(store_.size());
      }
      const Expansion& ex = exps[id - next];
      if (ex.out_of_frames) {
        r.completion = Completion::OutOfFrames;
        r.out_of_frames_at = id;
        stop = true;
        break;
      }
      if (finals[id - next]) ++r.final_states;
      if (ex.succ.empty() && !finals[id - next]) {
        ++r.deadlocks;
        for (PropertyOutcome& o : r.outcomes)
          if (o.property->is_deadlock() && !o.violated) {
            o.violated = true;
            o.state = id;
            o.detail = "no step is enabled and some thread has not finished";
            --open;
          }
      }
      for (std::size_t j = 0; j < ex.succ.size(); ++j) {
        ++r.transitions;
        if constexpr (staged) {
          if (flat_at + 2 * kAhead < flat.size()) store_.prefetch_key(*flat[flat_at + 2 * kAhead], false);
          if (flat_at + kAhead < flat.size()) store_.prefetch_key(*flat[flat_at + kAhead], true);
          store_.insert_interned(id, *flat[flat_at++]);
        } else {
          store_.insert(ex.succ[j].next, id, preps[id - next][j], ex.succ[j].tid);
        }
      }
      if (opt_.max_states && store_.size() >= opt_.max_states && id + 1 < store_.size()) {
        r.completion = Completion::LimitHit;
        r.limit = "--max-states";
        stop = true;
        ++id;
        break;
      }
    }

    // 3. Properties of the new states, in parallel.
    open -= checker.check(store_, first_new, static_cast<StateId>(store_.size()));
    next = id;
  }
  progress.finish();
  r.states = store_.size();
  r.depth = depth;
  r.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  r.peak_rss_kb = peak_rss_kb();
  r.store_bytes = store_.bytes();
  return r;
}

template ExploreResult Explorer::run_in<StateStore>(StateStore&);
template ExploreResult Explorer::run_in<CompactStore>(CompactStore&);

}  // namespace cow
