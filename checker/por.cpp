#include "checker/por.hpp"

#include <algorithm>
#include <bit>

#include "model/footprint.hpp"

namespace cow {

Reducer::Reducer(const Scenario& sc, const Design& d, const std::vector<const Property*>& props)
    : sc_(sc), d_(d) {
  for (const Property* p : props)
    for (ConjunctReads& c : p->reads()) {
      if (c.final_only) continue;
      std::sort(c.frames.begin(), c.frames.end());
      c.frames.erase(std::unique(c.frames.begin(), c.frames.end()), c.frames.end());
      auto same = [&](const ConjunctReads& o) { return o.fixed == c.fixed && o.frames == c.frames; };
      if (std::find_if(conj_.begin(), conj_.end(), same) == conj_.end()) conj_.push_back(std::move(c));
    }
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

  // What each conjunct reads in this state, and which threads may later change it.
  struct Seen {
    unsigned visible;  // threads whose next step may change it
    unsigned writers;  // threads that may change it from now on
  };
  unsigned fut_writers[res::kBits] = {}, next_writers[res::kBits] = {};  // by resource
  for (unsigned t = 0; t < n; ++t) {
    for (ResMask b = fut[t].writes(); b; b &= b - 1) fut_writers[std::countr_zero(b)] |= 1u << t;
    for (ResMask b = next[t].writes(); b; b &= b - 1) next_writers[std::countr_zero(b)] |= 1u << t;
  }
  thread_local std::vector<Seen> vis;
  vis.clear();
  for (const ConjunctReads& c : conj_) {
    ResMask m = c.fixed;
    for (u8 f : c.frames) m |= cm.of(f);
    unsigned w = 0, vt = 0;
    for (ResMask b = m; b; b &= b - 1) {
      w |= fut_writers[std::countr_zero(b)];
      vt |= next_writers[std::countr_zero(b)];
    }
    if (!(w & ~(w & (0u - w)))) continue;  // one writer only: it is in T whenever it matters
    vis.push_back({vt, w});
  }
  unsigned conflict[kMaxThreads] = {};  // conflict[t]: the threads whose future t's next step conflicts with
  for (unsigned t = 0; t < n; ++t)
    if (live >> t & 1u)
      for (unsigned u = 0; u < n; ++u)
        if (u != t && (live >> u & 1u) && next[t].conflicts(fut[u])) conflict[t] |= 1u << u;

  auto closure = [&](unsigned seed) {
    unsigned T = 1u << seed, done = 0;
    for (;;) {
      while (unsigned todo = T & ~done) {
        unsigned t = static_cast<unsigned>(std::countr_zero(todo));
        done |= 1u << t;
        T |= conflict[t];
      }
      // Visibility: a conjunct every enabled step of T may change must not be changed
      // by a thread outside T.
      unsigned before = T;
      for (const Seen& v : vis)
        if ((v.writers & ~T) && !(T & enabled & ~v.visible)) T |= v.writers;
      if (T == before) return T;
    }
  };

  // The cycle proviso: a set with a backward step (a retry loop) is not taken, so every
  // cycle of the reduced graph goes through a fully expanded state.
  unsigned back = 0;
  for (const Successor& su : ex.succ)
    if (is_back_edge(s, su.next, su.tid)) back |= 1u << su.tid;
  unsigned best = enabled;
  int best_count = std::popcount(enabled);
  for (unsigned e = enabled & ~back; e && best_count > 1; e &= e - 1) {
    unsigned T = closure(static_cast<unsigned>(std::countr_zero(e)));
    int c = std::popcount(T & enabled);
    if (c < best_count && !(T & enabled & back)) {
      best = T;
      best_count = c;
    }
  }
  if ((best & enabled) == enabled) return;
  std::erase_if(ex.succ, [&](const Successor& su) { return !(best >> su.tid & 1u); });
}

}  // namespace cow
