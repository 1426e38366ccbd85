// Loading a scenario file: the four stages of model/scenario_stages.hpp, in order:
// parse (model/scenario_parse.cpp), validate (model/scenario_validate.cpp), derive
// (model/scenario_derive.cpp), the initial state (model/scenario_initial.cpp).
#include "model/scenario_load.hpp"

#include "model/scenario_stages.hpp"
#include "model/writeback.hpp"

namespace cow {

Scenario load_scenario(const std::string& path, const std::map<std::string, long>& overrides) {
  ParsedScenario p = parse_scenario(path, overrides);
  validate::whole(p);
  derive(p);
  build_initial_state(p);
  writeback_stage(p);  // sync_file_range's checks need the file frames of the initial state
  return std::move(p.sc);
}

}  // namespace cow
