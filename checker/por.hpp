// Partial-order reduction: from each state, explore only a persistent set of threads
// instead of every enabled one (Godefroid's persistent sets, with Valmari's visibility
// condition per conjunct of the properties and a cycle proviso).
//
// A set T of threads is persistent in s when nothing the other threads can do from s
// conflicts with T's next steps (model/footprint.hpp: next_access against each other
// thread's future_access). The search then keeps every deadlock and every state where a
// conjunct of a property fails, provided that
//   - visibility: for each conjunct, if every enabled step of T may change what it reads,
//     T also holds every thread that may change it later;
//   - the cycle proviso: a set whose steps include a backward step of some thread's
//     program (a retry loop) is never chosen (the state is expanded fully when every
//     smaller persistent set has one), so every cycle of the reduced graph passes
//     through a fully expanded state and no step is postponed forever around it.
// A state where a frame is reachable from two virtual pages (ColumnMap::linked) is
// expanded fully. The smallest persistent set over every choice of first thread wins.
#pragma once
#include <vector>

#include "model/paths.hpp"
#include "properties/property.hpp"

namespace cow {

class Reducer {
 public:
  Reducer(const Scenario& sc, const Design& d, const std::vector<const Property*>& props);
  // Keeps in ex.succ (every enabled step of s) only the steps of a persistent set.
  void reduce(const State& s, Expansion& ex) const;

 private:
  const Scenario& sc_;
  const Design& d_;
  std::vector<ConjunctReads> conj_;  // final-only conjuncts left out
};

}  // namespace cow
