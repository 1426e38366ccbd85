// Incremental property checking for the explorer (checker/incremental_check.hpp).
#include "checker/incremental_check.hpp"

#include <algorithm>
#include <bit>
#include <string>

#include "checker/parallel.hpp"
#include "model/footprint.hpp"
#include "model/invariant.hpp"
#include "model/threads.hpp"

namespace cow {

IncrementalCheck::IncrementalCheck(const Scenario& sc, std::vector<PropertyOutcome>& outcomes, unsigned threads)
    : sc_(sc), outcomes_(outcomes), threads_(std::max(1u, threads)), split_(outcomes.size()) {
  for (std::size_t k = 0; k < outcomes_.size(); ++k) {
    const Property* p = outcomes_[k].property;
    const std::size_t n = p->conjunct_count();
    const std::vector<ConjunctReads> reads = n ? p->reads() : std::vector<ConjunctReads>{};
    if (n == 0 || reads.size() != n) continue;
    Split& sp = split_[k];
    sp.n = n;
    for (std::uint32_t i = 0; i < n; ++i) {
      if (reads[i].final_only) sp.at_end.push_back(i);
      for (ResMask b = reads[i].fixed; b; b &= b - 1) sp.by_bit[std::countr_zero(b)].push_back(i);
      for (u8 f : reads[i].frames) sp.by_frame[f].push_back(i);
    }
  }
}

template <class Store>
std::size_t IncrementalCheck::check(const Store& store, StateId lo, StateId hi) {
  struct Hit {
    StateId id = kNoState;
    std::string why;
  };
  const std::size_t np = outcomes_.size();
  std::vector<std::vector<Hit>> hits(threads_, std::vector<Hit>(np));
  parallel_for(lo, hi, threads_, [&](std::size_t id, unsigned w) {
    const State s = store.state(static_cast<StateId>(id));
    const bool final = all_threads_finished(sc_, s);
    const StateId pid = store.parent(static_cast<StateId>(id));
    ColumnMap cp;
    ResMask changed = res::kAll;
    if (pid != kNoState) {
      const State ps = store.state(pid);
      cp = column_map(sc_, ps);
      changed = changed_resources(sc_, ps, s, cp);
    }
    unsigned frames_hit = 0;  // frames whose column (in the parent) the step changed
    for (unsigned f = 0; f < kMaxFrames; ++f)
      if (cp.of(static_cast<u8>(f)) & changed) frames_hit |= 1u << f;
    for (std::size_t k = 0; k < np; ++k) {
      const PropertyOutcome& o = outcomes_[k];
      if (o.violated || o.property->is_deadlock() || hits[w][k].id != kNoState) continue;
      bool maybe_fails = true;
      if (split_[k].n && pid != kNoState) {
        // The conjuncts to re-evaluate, each once.
        const Split& sp = split_[k];
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
      else INVARIANT(!split_[k].n || pid == kNoState, "a conjunct fails but its property holds");
    }
  });
  std::size_t newly = 0;
  for (std::size_t k = 0; k < np; ++k) {
    PropertyOutcome& o = outcomes_[k];
    if (o.violated) continue;
    for (unsigned w = 0; w < threads_; ++w)  // workers hold consecutive slices: the first hit is the lowest
      if (hits[w][k].id != kNoState) {
        o.violated = true;
        o.state = hits[w][k].id;
        o.detail = std::move(hits[w][k].why);
        ++newly;
        break;
      }
  }
  return newly;
}

template std::size_t IncrementalCheck::check<StateStore>(const StateStore&, StateId, StateId);
template std::size_t IncrementalCheck::check<CompactStore>(const CompactStore&, StateId, StateId);

}  // namespace cow
