// `cowcheck compare`: every chosen design on every chosen scenario, full exploration
// (so state counts are whole graphs), as one table.
#pragma once
#include <map>
#include <string>
#include <vector>

namespace cow {

struct CompareOptions {
  std::vector<std::string> designs;    // names; {"all"} for every design
  std::vector<std::string> scenarios;  // files or directories
  std::map<std::string, long> params;  // applied to the scenarios that have them
  std::string format = "md";           // md | csv | json
  double time_limit = 0;
  unsigned long long max_states = 0;
  bool por = false, symmetry = false;  // reductions (state counts are then of the reduced graph)
};

// Returns the rendered table. Throws InputError on bad input.
std::string run_compare(const CompareOptions& opt);

}  // namespace cow
