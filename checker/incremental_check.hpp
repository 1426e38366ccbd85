// Incremental property checking for the explorer: the properties of each new state,
// checked in parallel, the first violation of each property being the lowest state id.
// A property split into conjuncts re-evaluates, in a state, only the conjuncts whose
// reads (in the parent, where every conjunct held) the step changed; the rest keep their
// value. A failing conjunct is confirmed by the whole property, which also names the
// failing instance.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "checker/explorer.hpp"
#include "model/bounds.hpp"
#include "properties/reads.hpp"

namespace cow {

class IncrementalCheck {
 public:
  // `outcomes` (one per property, as the explorer reports them) is updated in place by check().
  IncrementalCheck(const Scenario& sc, std::vector<PropertyOutcome>& outcomes, unsigned threads);
  // Checks the properties on states [lo, hi) of `store` (new, consecutive ids, whose
  // parents the store can still read) and records, for each property not yet violated,
  // its lowest violating id. Returns how many properties became violated.
  template <class Store>
  std::size_t check(const Store& store, StateId lo, StateId hi);

 private:
  // The conjuncts of one property, indexed by what they read.
  struct Split {
    std::size_t n = 0;
    std::vector<std::uint32_t> by_bit[res::kBits];     // conjuncts reading resource b whatever the state
    std::vector<std::uint32_t> by_frame[kMaxFrames];  // conjuncts reading frame f (its column in the state)
    std::vector<std::uint32_t> at_end;                // (=> all_finished X): only in final states
  };
  const Scenario& sc_;
  std::vector<PropertyOutcome>& outcomes_;
  unsigned threads_;
  std::vector<Split> split_;  // one per outcome; n == 0: checked whole
};

}  // namespace cow
