// Loading a scenario file (TOML). docs/writing-a-scenario.md documents the format;
// model/scenario_stages.hpp says how the loader is split.
#pragma once
#include <map>
#include <string>

#include "model/scenario.hpp"

namespace cow {

// Parses `path`, applies `overrides` (from --param K=V) and builds the Scenario with its
// initial State. Throws InputError with file, line and what was expected.
Scenario load_scenario(const std::string& path, const std::map<std::string, long>& overrides = {});

}  // namespace cow
