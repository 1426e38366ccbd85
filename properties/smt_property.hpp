// A property written in SMT-LIB 2 (properties/*.smt2), parsed by Z3 against the
// signature (properties/signature.hpp) of one scenario, and compiled once into an
// evaluator over concrete states: quantifiers expand over the scenario's finite sorts,
// and Z3 is not called per explored state. Z3 is used where it is strong: at load, to
// reject a property that cannot fail or cannot hold; after a search, to certify a
// violation on the violating state and name the failing instance from its model.
//
// One file a stage: properties/front_end.cpp (Z3 parses and checks the file),
// properties/ground.cpp (quantifiers expanded over the scenario), properties/program.cpp
// (the evaluator), properties/certify.cpp (Z3 on a violating state); the files
// themselves are found by properties/property_files.hpp, and a property name is resolved
// by properties/resolve.hpp.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "properties/property.hpp"
#include "properties/property_files.hpp"  // properties_dir(), property_names(), property_summary()
#include "properties/signature.hpp"

namespace cow {

class SmtProperty : public Property {
 public:
  // Parses and compiles `file` for `sc`. Throws InputError (file:line:col from Z3's
  // parser; or what is unsupported; or a property valid / unsatisfiable under the
  // signature's axioms).
  SmtProperty(const std::string& file, const Scenario& sc, bool design_has_anon_exclusive);
  ~SmtProperty() override;

  std::string_view name() const override { return name_; }
  std::string_view summary() const override { return summary_; }
  // The compiled evaluator; the detail names the first failing instance it finds.
  std::optional<std::string> check(const Scenario& sc, const State& s, bool final) const override;
  // Z3 on the violating state: asserts the state's tables and the negated property,
  // expects sat, and returns the failing instance read from the model. An unsat or
  // unknown answer is an internal error (never a silent pass).
  std::string certify(const State& s) const;
  // Evaluates with Z3 instead of the compiled evaluator (for tests): true if it holds.
  bool holds_by_z3(const State& s) const;

  const std::string& file() const { return file_; }
  std::vector<ConjunctReads> reads() const override;
  std::size_t conjunct_count() const override;
  bool conjuncts_hold(const State& s, const std::uint32_t* ids, std::size_t n) const override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  std::string file_, name_, summary_;
};

}  // namespace cow
