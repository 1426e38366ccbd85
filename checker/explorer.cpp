#include "checker/explorer.hpp"

#include <chrono>
#include <cstdio>
#include <fstream>
#include <sys/resource.h>
#include <unistd.h>

#include "model/paths.hpp"

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

ExploreResult Explorer::run() {
  using clock = std::chrono::steady_clock;
  auto t0 = clock::now();
  ExploreResult r;
  for (const Property* p : opt_.properties) r.outcomes.push_back(PropertyOutcome{p, false, kNoState, {}, {}});
  std::size_t open = r.outcomes.size();  // properties not yet violated

  auto check = [&](StateId id) {
    const State& s = store_.state(id);
    bool final = is_final(s);
    for (PropertyOutcome& o : r.outcomes) {
      if (o.violated || o.property->is_deadlock()) continue;
      if (auto why = o.property->check(sc_, s, final)) {
        o.violated = true;
        o.state = id;
        o.detail = std::move(*why);
        --open;
      }
    }
  };

  store_.insert(sc_.initial, kNoState);
  check(0);
  Expansion ex;
  double last_progress = 0;
  StateId level_end = 1;  // ids [level_start, level_end) form the current BFS level
  unsigned depth = 0;
  for (StateId id = 0; id < store_.size(); ++id) {
    if (id == level_end) {
      ++depth;
      level_end = static_cast<StateId>(store_.size());
    }
    if (open == 0 && !r.outcomes.empty() && !opt_.full) {
      r.completion = Completion::StoppedAllViolated;
      break;
    }
    if ((id & 0xFFF) == 0) {
      double secs = std::chrono::duration<double>(clock::now() - t0).count();
      if (opt_.progress && secs >= 2.0 && secs - last_progress >= 1.0) {
        last_progress = secs;
        std::fprintf(stderr, "\r%12zu states  %9.0f states/s  depth %u  queue %zu  RSS %llu MiB  %.0f s   ",
                     store_.size(), static_cast<double>(store_.size()) / secs, depth,
                     store_.size() - id, static_cast<unsigned long long>(current_rss_kb() / 1024), secs);
        std::fflush(stderr);
      }
      if (opt_.time_limit > 0 && secs > opt_.time_limit) {
        r.completion = Completion::LimitHit;
        r.limit = "--time-limit";
        break;
      }
      if (opt_.max_memory_mb > 0 && peak_rss_kb() / 1024 > opt_.max_memory_mb) {
        r.completion = Completion::LimitHit;
        r.limit = "--max-memory";
        break;
      }
    }
    const State s = store_.state(id);  // a copy: inserting may move the store
    successors(sc_, design_, s, ex);
    if (ex.out_of_frames) {
      r.completion = Completion::OutOfFrames;
      r.out_of_frames_at = id;
      break;
    }
    if (ex.succ.empty() && !is_final(s)) {
      ++r.deadlocks;
      for (PropertyOutcome& o : r.outcomes)
        if (o.property->is_deadlock() && !o.violated) {
          o.violated = true;
          o.state = id;
          o.detail = "no step is enabled and some thread has not finished";
          --open;
        }
    }
    for (const Successor& su : ex.succ) {
      ++r.transitions;
      auto [nid, fresh] = store_.insert(su.next, id);
      if (fresh) check(nid);
    }
    if (opt_.max_states && store_.size() >= opt_.max_states && id + 1 < store_.size()) {
      r.completion = Completion::LimitHit;
      r.limit = "--max-states";
      break;
    }
  }
  if (opt_.progress && last_progress > 0) std::fprintf(stderr, "\r%100s\r", "");
  r.states = store_.size();
  r.depth = depth;
  r.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  r.peak_rss_kb = peak_rss_kb();
  r.store_bytes = store_.bytes();
  return r;
}

}  // namespace cow
