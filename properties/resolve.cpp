// Property-name resolution: what a property name means (no-deadlock, cxx:NAME, a path
// to FILE.smt2, NAME for properties/NAME.smt2), the SMT-LIB property loaded for the
// scenario when it names a file, and the errors when it names nothing.
#include "properties/resolve.hpp"

#include <filesystem>

#include "model/input_error.hpp"
#include "model/invariant.hpp"

namespace cow {

namespace {

std::string known_names() {
  std::string s;
  for (const KnownProperty& k : known_properties()) s += (s.empty() ? "" : ", ") + k.name;
  return s;
}

InputError unknown(const PropertyName& n) {
  switch (n.by) {
    case NamedBy::User:
      return InputError(n.where, n.line, n.col, "unknown property '" + n.name + "' (known: " + known_names() + ")");
    case NamedBy::Trace:
      return InputError(n.where, n.line, n.col, "the trace names an unknown property '" + n.name + "' (known: " + known_names() + ")");
  }
  UNREACHABLE("bad NamedBy");
}

}  // namespace

bool names_property_file(const std::string& name) { return name != "no-deadlock" && !name.starts_with("cxx:"); }

ResolvedProperty resolve_property(const PropertyName& n, const Scenario& sc, bool design_has_anon_exclusive) {
  const std::string& name = n.name;
  if (!names_property_file(name)) {  // no-deadlock, or cxx:NAME
    if (const Property* p = find_property(name == "no-deadlock" ? name : name.substr(4))) return {p, nullptr};
    throw unknown(n);
  }
  const bool is_path = n.by == NamedBy::User && (name.find('/') != std::string::npos || name.ends_with(".smt2"));
  const std::string file = n.file ? *n.file : is_path ? name : property_file(name);
  std::error_code ec;  // a name too long for the file system is no file, not an internal error
  if (std::filesystem::exists(file, ec)) {
    ResolvedProperty r;
    r.smt = std::make_unique<SmtProperty>(file, sc, design_has_anon_exclusive);
    r.property = r.smt.get();
    return r;
  }
  switch (n.by) {
    case NamedBy::User:
      if (is_path) throw InputError(file, 0, 0, ec ? "no such property file (" + ec.message() + ")" : "no such property file");
      throw unknown(n);
    case NamedBy::Trace:
      if (!n.file) throw unknown(n);
      throw InputError(n.where, n.line, n.col, "cannot find the property file " + file);
  }
  UNREACHABLE("bad NamedBy");
}

std::vector<KnownProperty> known_properties() {
  std::vector<KnownProperty> out;
  for (const std::string& n : property_names()) out.push_back({n, property_summary(property_file(n))});
  out.push_back({"no-deadlock", std::string(find_property("no-deadlock")->summary())});
  return out;
}

}  // namespace cow
