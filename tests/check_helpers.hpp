// One check run of a scenario file under a design, as the golden tests make it.
#pragma once
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <string_view>
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

// scenarios/NAME in the source tree.
inline std::string scenario_path(const std::string& name) { return std::string(COWCHECK_SOURCE_DIR) + "/scenarios/" + name; }

// scenarios/NAME under a design, the whole state space explored (--full).
inline cow::CheckRun run_full(const std::string& name, const std::string& design, std::map<std::string, long> params,
                              std::vector<std::string> props = {}) {
  return run_scenario(scenario_path(name), design, std::move(params), std::move(props), /*full=*/true);
}

// The outcome of `property` in a run (a test failure when the run did not check it).
inline const cow::PropertyOutcome& outcome(const cow::CheckRun& run, std::string_view property) {
  for (const cow::PropertyOutcome& o : run.result.outcomes)
    if (o.property->name() == property) return o;
  FAIL("no outcome for " << property);
  return run.result.outcomes.front();
}

// The verdict of `property` in a run (a test failure when the run did not check it).
inline bool violated(const cow::CheckRun& run, std::string_view property) { return outcome(run, property).violated; }

}  // namespace cowtest
