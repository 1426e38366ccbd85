// Property names, resolved in one place for `check`, `compare` and `replay`:
// no-deadlock (the explorer's own), cxx:NAME (the C++ reference implementations of the
// foundation's properties), a path to FILE.smt2, or NAME for properties/NAME.smt2.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "properties/smt_property.hpp"

namespace cow {

// Who names a property. Both resolve a name alike, except that a trace records the
// file of an SMT-LIB property beside its name (so its names are never paths), and in
// the words of the error when a name resolves to nothing.
enum class NamedBy : std::uint8_t {
  User,   // --property, or a scenario's `properties`
  Trace,  // a counterexample being replayed
};

struct PropertyName {
  std::string name;
  NamedBy by = NamedBy::User;
  std::string where;                // the file that names it, where an error points ("" for the command line)
  std::optional<std::string> file;  // Trace: the property file it recorded (none: properties/NAME.smt2)
  int line = 0, col = 0;            // where in `where` (a scenario's `properties` list)
};

struct ResolvedProperty {
  const Property* property = nullptr;  // what to check; never null
  std::unique_ptr<SmtProperty> smt;    // an SMT-LIB property, loaded for the scenario: `property` is it
};

// Whether a name is resolved to a property file: neither no-deadlock nor cxx:NAME.
bool names_property_file(const std::string& name);

// Throws InputError: an unknown name, a missing property file, or what SmtProperty's
// constructor throws.
ResolvedProperty resolve_property(const PropertyName& n, const Scenario& sc, bool design_has_anon_exclusive);

// The names resolve_property knows without a path, each with its summary: the files in
// properties_dir() by name, then no-deadlock.
struct KnownProperty {
  std::string name, summary;
};
std::vector<KnownProperty> known_properties();

}  // namespace cow
