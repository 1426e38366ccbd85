// One check run of a scenario file under a design, as the golden tests make it.
#pragma once
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

}  // namespace cowtest
