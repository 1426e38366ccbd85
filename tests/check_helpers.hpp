// One check run of a scenario file under a design, as the golden tests make it.
#pragma once
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "checker/run.hpp"

namespace cowtest {

inline cow::CheckRun run_scenario(const std::string& path, const std::string& design, std::map<std::string, long> params,
                                  std::vector<std::string> props = {}, bool full = false) {
  cow::CheckRequest req;
  req.scenario_file = path;
  req.design = design;
  req.params = std::move(params);
  req.properties = std::move(props);
  req.explore.full = full;
  return cow::run_check(req);
}

// The verdict of `property` in a run (a test failure when the run did not check it).
inline bool violated(const cow::CheckRun& run, const char* property) {
  for (const cow::PropertyOutcome& o : run.result.outcomes)
    if (o.property->name() == property) return o.violated;
  FAIL("no outcome for " << property);
  return false;
}

}  // namespace cowtest
