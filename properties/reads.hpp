// What each part of a property reads, for partial-order reduction (checker/por.cpp):
// the top-level conjuncts of a grounded property (one per instance of its outer
// quantifiers) and, for each, the resources of model/footprint.hpp it may read. A step
// that writes none of them cannot change that conjunct.
#pragma once
#include <vector>

#include "model/footprint.hpp"
#include "properties/ground.hpp"

namespace cow {

struct ConjunctReads {
  ResMask fixed = 0;       // read in every state
  std::vector<u8> frames;  // frames named by constant: their column (or FREE) in the state
  // (=> all_finished X): false only once every thread has finished, so no step of a
  // thread that has not finished can be the one that matters.
  bool final_only = false;
  static ConjunctReads everything() { return ConjunctReads{res::kAll, {}, false}; }
};

// The top-level conjuncts of g (constant ones left out), and what each reads.
std::vector<int> conjunct_roots(const Ground& g);
ConjunctReads conjunct_reads(const Ground& g, int root, const Scenario& sc);

}  // namespace cow
