// The Z3 front end of an SMT-LIB property (properties/front_end.cpp): the signature
// declared to Z3 for one scenario, the property file parsed by Z3 against it, and the
// formula as written, checked to use only what the signature and the evaluator support.
// Grounding (properties/ground.hpp) and certification (properties/certify.hpp) work on
// what it holds.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <z3++.h>

#include "properties/ground.hpp"

namespace cow {

// One node of the formula as written (the interpreted form, whose evaluator names the
// failing instance of a violation). Quantifiers carry their bound variables' sorts;
// variables are de Bruijn indices as Z3 gives them (0: the innermost bound).
struct FormulaNode {
  K k{};
  long v = 0;
  const SigFunction* fn = nullptr;
  std::vector<int> kids;
  std::vector<Sort> vsorts;
  std::vector<std::string> vnames;
};

struct Z3Formula {
  // Declares the signature for `sc`, parses `file` and compiles it into `nodes`. Throws
  // InputError (file:line:col from Z3's parser, or what is unsupported).
  Z3Formula(const Scenario& sc, std::string file);

  // Z3 at load: a property that cannot fail, or cannot hold, is a mistake. Throws
  // InputError when the formula is valid or unsatisfiable under the signature's axioms.
  void reject_valid_or_unsatisfiable();

  // A solver with the time limit every check of a property has.
  z3::solver solver();
  // The Z3 sort of a signature sort, and back (InputError for a sort not in the signature).
  z3::sort z3_sort(Sort s);
  Sort sort_of(const z3::sort& s) const;
  [[noreturn]] void unsupported(const z3::expr& e) const;

  const Scenario& sc;
  std::string file;
  std::string text;  // the file's text (positions for the errors found after Z3 parsed it)
  z3::context ctx;
  std::map<Sort, z3::sort> sorts;
  std::map<Sort, std::vector<z3::expr>> elems;  // element constants by index
  std::map<std::string, std::pair<Sort, long>> element_index;
  std::vector<z3::func_decl> decls;  // one per signature function, same order
  z3::expr formula{ctx};
  std::vector<FormulaNode> nodes;  // the formula as written
  int root = -1;

 private:
  void declare();
  z3::expr parse(const std::string& text);
  int add(FormulaNode n);
  int compile(const z3::expr& e);
  void check_arithmetic() const;
  int bound_depth_ = 0;  // bound variables around the node being compiled
  // An error at byte `p` of the text (std::string::npos: at no position).
  [[noreturn]] void fail_at_offset(std::size_t p, const std::string& msg) const;

 public:
  // An error about something Z3 parsed, at the first place `needle` appears in the text.
  [[noreturn]] void fail_at_text(const std::string& needle, const std::string& msg) const;
  // An error at the first quantifier of the text (or its first assert).
  [[noreturn]] void fail_at_first_quantifier(const std::string& msg) const;
};

}  // namespace cow
