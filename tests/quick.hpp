// COWCHECK_QUICK (set by the asan test preset): the costliest whole-library tests run on a
// subset of designs and cases under the sanitizers, whose job is memory and UB errors; the
// release run covers every design and case.
#pragma once
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/cpu_options.hpp"
#include "model/design.hpp"
#include "model/input_error.hpp"
#include "model/scenario_load.hpp"

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

// Whether cowcheck runs design d on the scenario at all: a scenario with arch = "rcu"
// and GUP-fast is refused (exit 2) by the designs whose GUP-fast relies on the x86 flush
// IPI (check_arch); the whole-library tests skip those pairs, tests/test_memory_model.cpp
// checks the refusal.
inline bool runs_on(const std::string& file, const Design& d) {
  try {
    check_arch(load_scenario(file), d);
    return true;
  } catch (const InputError&) {
    return false;
  }
}

}  // namespace cow::test
