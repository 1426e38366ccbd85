// COWCHECK_QUICK (set by the asan test preset): the costliest whole-library tests run on a
// subset of designs and cases under the sanitizers, whose job is memory and UB errors; the
// release run covers every design and case.
#pragma once
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/design.hpp"

namespace cow::test {

inline bool quick() { return std::getenv("COWCHECK_QUICK") != nullptr; }

// The designs a quick run keeps: one per family of code paths (2008 baseline, the brlock,
// PG_gup's re-check, 5.19 with everything of 5.9 and 5.11 under it, shared page tables).
inline bool in_quick_set(const Design& d) {
  for (std::string_view n : {"v2.6.27", "brlock", "pg_gup", "v5.19", "cow-pte-table"})
    if (d.name() == n) return true;
  return false;
}
inline bool skip_design(const Design& d) { return quick() && !in_quick_set(d); }

// The scenario files a quick run of the costliest whole-library tests keeps: the top of
// scenarios/ (what those tests ran before they covered its subdirectories); the release
// run also covers scenarios/selftests/, small variations on the same kernel paths.
inline bool skip_scenario(const std::string& file) {
  return quick() && file.find("/scenarios/selftests/") != std::string::npos;
}

}  // namespace cow::test
