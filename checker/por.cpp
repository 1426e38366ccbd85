#include "checker/por.hpp"

#include <algorithm>
#include <bit>

#include "model/footprint.hpp"

namespace cow {

Reducer::Reducer(const Scenario& sc, const Design& d, const std::vector<const Property*>& props)
    : sc_(sc), d_(d) {
  for (const Property* p : props)
    for (ConjunctReads& c : p->reads())
      if (!c.final_only) conj_.push_back(std::move(c));
}

void Reducer::reduce(const State& s, Expansion& ex) const {
  if (ex.succ.size() <= 1) return;
  const ColumnMap cm = column_map(sc_, s);
  if (cm.linked) return;
  const unsigned n = static_cast<unsigned>(sc_.threads.size());
  Access next[kMaxThreads], fut[kMaxThreads];
  unsigned live = 0, enabled = 0;
  for (unsigned t = 0; t < n; ++t) {
    if (thread_finished(sc_, s, t)) continue;
    live |= 1u << t;
    next[t] = next_access(sc_, d_, s, cm, t);
    fut[t] = future_access(sc_, d_, s, cm, t);
  }
  for (const Successor& su : ex.succ) enabled |= 1u << su.tid;

  // What each conjunct reads in this state.
  std::vector<ResMask> reads;
  reads.reserve(conj_.size());
  for (const ConjunctReads& c : conj_) {
    ResMask m = c.fixed;
    for (u8 f : c.frames) m |= cm.of(f);
    reads.push_back(m);
  }

  auto closure = [&](unsigned seed) {
    unsigned T = 1u << seed, done = 0;
    for (;;) {
      while (unsigned todo = T & ~done) {
        unsigned t = static_cast<unsigned>(std::countr_zero(todo));
        done |= 1u << t;
        for (unsigned u = 0; u < n; ++u)
          if ((live & ~T & (1u << u)) && next[t].conflicts(fut[u])) T |= 1u << u;
      }
      // Visibility: a conjunct every enabled step of T may change must not be changed
      // by a thread outside T.
      unsigned before = T;
      for (ResMask r : reads) {
        bool all_visible = true;
        for (unsigned e = T & enabled; e; e &= e - 1)
          if (!(next[std::countr_zero(e)].writes() & r)) { all_visible = false; break; }
        if (!all_visible) continue;
        for (unsigned u = 0; u < n; ++u)
          if ((live & ~T & (1u << u)) && (fut[u].writes() & r)) T |= 1u << u;
      }
      if (T == before) return T;
    }
  };

  unsigned best = enabled;
  int best_count = std::popcount(enabled);
  for (unsigned e = enabled; e && best_count > 1; e &= e - 1) {
    unsigned T = closure(static_cast<unsigned>(std::countr_zero(e)));
    int c = std::popcount(T & enabled);
    if (c < best_count) {
      best = T;
      best_count = c;
    }
  }
  if ((best & enabled) == enabled) return;
  for (const Successor& su : ex.succ)
    if ((best >> su.tid & 1u) && is_back_edge(s, su.next, su.tid)) return;  // cycle proviso
  std::erase_if(ex.succ, [&](const Successor& su) { return !(best >> su.tid & 1u); });
}

}  // namespace cow
