#include "checker/explorer.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <bit>
#include <chrono>
#include <thread>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

#include "checker/por.hpp"
#include "model/footprint.hpp"
#include "model/invariant.hpp"
#include "model/paths.hpp"
#include "model/symmetry.hpp"

namespace cow {

std::uint64_t peak_rss_kb() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return static_cast<std::uint64_t>(ru.ru_maxrss);
}

std::uint64_t current_rss_kb() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<std::uint64_t>(sysconf(_SC_PAGESIZE)) / 1024;
}

bool Explorer::is_final(const State& s) const {
  for (unsigned t = 0; t < sc_.threads.size(); ++t)
    if (!thread_finished(sc_, s, t)) return false;
  return true;
}

namespace {

// Runs f(i, worker) for i in [lo, hi) on `threads` workers, each a contiguous slice.
template <class F>
void parallel_for(std::size_t lo, std::size_t hi, unsigned threads, F&& f) {
  const std::size_t n = hi - lo;
  if (threads <= 1 || n < 64) {
    for (std::size_t i = lo; i < hi; ++i) f(i, 0u);
    return;
  }
  std::vector<std::jthread> pool;
  const std::size_t per = (n + threads - 1) / threads;
  for (unsigned w = 1; w < threads; ++w) {
    std::size_t a = lo + w * per, z = std::min(hi, a + per);
    if (a < z)
      pool.emplace_back([&f, a, z, w] {
        for (std::size_t i = a; i < z; ++i) f(i, w);
      });
  }
  for (std::size_t i = lo; i < std::min(hi, lo + per); ++i) f(i, 0u);
}

}  // namespace

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

  // Checks the properties on states [lo, hi) (new, consecutive ids) and records, for
  // each property not yet violated, its lowest violating id.
  struct Hit {
    StateId id = kNoState;
    std::string why;
  };
  // Incremental checking: a property split into conjuncts re-evaluates, in a state, only
  // the conjuncts whose reads (in the parent, where every conjunct held) the step
  // changed; the rest keep their value. A failing conjunct is confirmed by the whole
  // property, which also names the failing instance.
  struct Split {
    std::size_t n = 0;
    std::vector<std::uint32_t> by_bit[res::kBits];     // conjuncts reading resource b whatever the state
    std::vector<std::uint32_t> by_frame[kMaxFrames];  // conjuncts reading frame f (its column in the state)
    std::vector<std::uint32_t> at_end;                // (=> all_finished X): only in final states
  };
  std::vector<Split> split(r.outcomes.size());
  for (std::size_t k = 0; k < r.outcomes.size(); ++k) {
    const Property* p = r.outcomes[k].property;
    const std::size_t n = p->conjunct_count();
    const std::vector<ConjunctReads> reads = n ? p->reads() : std::vector<ConjunctReads>{};
    if (n == 0 || reads.size() != n) continue;
    Split& sp = split[k];
    sp.n = n;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (reads[i].final_only) sp.at_end.push_back(i);
      for (ResMask b = reads[i].fixed; b; b &= b - 1) sp.by_bit[std::countr_zero(b)].push_back(i);
      for (u8 f : reads[i].frames) sp.by_frame[f].push_back(i);
    }
  }
  auto check_new = [&](StateId lo, StateId hi) {
    const std::size_t np = r.outcomes.size();
    std::vector<std::vector<Hit>> hits(threads, std::vector<Hit>(np));
    parallel_for(lo, hi, threads, [&](std::size_t id, unsigned w) {
      const State s = store_.state(static_cast<StateId>(id));
      const bool final = is_final(s);
      const StateId pid = store_.parent(static_cast<StateId>(id));
      ColumnMap cp;
      ResMask changed = res::kAll;
      if (pid != kNoState) {
        const State ps = store_.state(pid);
        cp = column_map(sc_, ps);
        changed = changed_resources(sc_, ps, s, cp);
      }
      unsigned frames_hit = 0;  // frames whose column (in the parent) the step changed
      for (unsigned f = 0; f < kMaxFrames; ++f)
        if (cp.of(static_cast<u8>(f)) & changed) frames_hit |= 1u << f;
      for (std::size_t k = 0; k < np; ++k) {
        const PropertyOutcome& o = r.outcomes[k];
        if (o.violated || o.property->is_deadlock() || hits[w][k].id != kNoState) continue;
        bool maybe_fails = true;
        if (split[k].n && pid != kNoState) {
          // The conjuncts to re-evaluate, each once.
          const Split& sp = split[k];
          thread_local std::vector<std::uint32_t> stale, mark;
          thread_local std::uint32_t gen = 0;
          if (mark.size() < sp.n) mark.assign(sp.n, 0);
          if (++gen == 0) {
            std::fill(mark.begin(), mark.end(), 0);
            gen = 1;
          }
          stale.clear();
          auto add = [&](const std::vector<std::uint32_t>& ids) {
            for (std::uint32_t i : ids)
              if (mark[i] != gen) {
                mark[i] = gen;
                stale.push_back(i);
              }
          };
          for (ResMask b = changed; b; b &= b - 1) add(sp.by_bit[std::countr_zero(b)]);
          for (unsigned f = frames_hit; f; f &= f - 1) add(sp.by_frame[std::countr_zero(f)]);
          if (final) add(sp.at_end);
          maybe_fails = !o.property->conjuncts_hold(s, stale.data(), stale.size());
        }
        if (!maybe_fails) continue;
        if (auto why = o.property->check(sc_, s, final)) hits[w][k] = {static_cast<StateId>(id), std::move(*why)};
        else INVARIANT(!split[k].n || pid == kNoState, "a conjunct fails but its property holds");
      }
    });
    for (std::size_t k = 0; k < np; ++k) {
      PropertyOutcome& o = r.outcomes[k];
      if (o.violated) continue;
      for (unsigned w = 0; w < threads; ++w)  // workers hold consecutive slices: the first hit is the lowest
        if (hits[w][k].id != kNoState) {
          o.violated = true;
          o.state = hits[w][k].id;
          o.detail = std::move(hits[w][k].why);
          --open;
          break;
        }
    }
  };

  const Reducer reducer(sc_, design_, opt_.properties);
  State initial = initial_state(sc_, design_);
  if (opt_.symmetry) canonicalize(sc_, initial);
  store_.insert(initial, kNoState);
  check_new(0, 1);
  constexpr std::size_t kBlock = 8192;
  std::vector<Expansion> exps(kBlock);
  std::vector<std::vector<typename Store::Prepared>> preps(kBlock);
  std::vector<char> finals(kBlock);
  double last_progress = 0;
  StateId level_end = 1;  // the first id of the next BFS level
  StateId level_start = 0;
  std::vector<std::size_t> levels;  // sizes of the completed BFS levels
  unsigned depth = 0;
  bool stop = false;
  for (StateId next = 0; next < store_.size() && !stop;) {
    if (open == 0 && !r.outcomes.empty() && !opt_.full) {
      r.completion = Completion::StoppedAllViolated;
      break;
    }
    double secs = std::chrono::duration<double>(clock::now() - t0).count();
    if (opt_.time_limit > 0 && secs > opt_.time_limit) {
      r.completion = Completion::LimitHit;
      r.limit = "--time-limit";
      break;
    }
    if (opt_.max_memory_mb > 0 && current_rss_kb() / 1024 > opt_.max_memory_mb) {
      r.completion = Completion::LimitHit;
      r.limit = "--max-memory";
      break;
    }
    if (opt_.progress && secs >= 2.0 && secs - last_progress >= 1.0) {
      last_progress = secs;
      // ETA once the levels shrink: the rest as a geometric tail of the last two ratios.
      std::string eta;
      const std::size_t nl = levels.size();
      if (nl >= 3 && levels[nl - 1] < levels[nl - 2] && levels[nl - 2] < levels[nl - 3]) {
        const double q = static_cast<double>(levels[nl - 1]) / static_cast<double>(levels[nl - 2]);
        const double queue = static_cast<double>(store_.size() - next);
        const double future = static_cast<double>(store_.size() - level_end) * q / (1 - q);
        const double rate = static_cast<double>(next) / secs;  // states expanded per second
        if (rate > 0) eta = fmt::format("  ETA ~{:.0f} s", (queue + future) / rate);
      }
      std::fprintf(stderr, "\r%12zu states  %9.0f states/s  depth %u  queue %zu  RSS %llu MiB  %.0f s%s   ",
                   store_.size(), static_cast<double>(store_.size()) / secs, depth, store_.size() - next,
                   static_cast<unsigned long long>(current_rss_kb() / 1024), secs, eta.c_str());
      std::fflush(stderr);
    }

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
      finals[id - next] = is_final(s);
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
        levels.push_back(level_end - level_start);
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
    check_new(first_new, static_cast<StateId>(store_.size()));
    next = id;
  }
  if (opt_.progress && last_progress > 0) std::fprintf(stderr, "\r%100s\r", "");
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
