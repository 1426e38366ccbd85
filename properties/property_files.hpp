// Property files: where properties/NAME.smt2 is found, which files there are, and the
// summary each one's leading comment gives.
#pragma once
#include <string>
#include <vector>

namespace cow {

// Where property files are looked up by name: $COWCHECK_PROPERTIES_DIR, else the
// source tree's properties/ (compiled in).
std::string properties_dir();
// The file of the property NAME: properties_dir()/NAME.smt2 (whether or not it exists).
std::string property_file(const std::string& name);
// The .smt2 files there, by name.
std::vector<std::string> property_names();
// The leading comment of a property file (its summary).
std::string property_summary(const std::string& file);

}  // namespace cow
