// A property grounded for one scenario: quantifiers unrolled over the finite sorts,
// functions of the scenario alone folded into constants, identical sub-terms shared (a
// DAG). Built by properties/ground.cpp, compiled by properties/program.cpp.
#pragma once
#include <cstdint>
#include <vector>

#include "properties/signature.hpp"

namespace cow {

// Node kinds. Var, Forall and Exists appear only in the interpreted (not grounded) form.
enum class K : std::uint8_t { Const, Var, App, And, Or, Not, Implies, Eq, Distinct, Ite, Le, Lt, Ge, Gt, Add, Sub, Mul, Neg, Forall, Exists };

struct GNode {
  K k{};
  bool baked = false;  // App whose arguments are all constants, kept in args
  std::uint16_t nkids = 0;
  std::uint32_t first = 0;  // index of the first child in Ground::kids
  long v = 0;               // Const: the value
  SigEval fn = nullptr;     // App: the signature function
  long args[4] = {0, 0, 0, 0};
};

struct Ground {
  std::vector<GNode> nodes;
  std::vector<int> kids;
  int root = -1;
  const GNode& at(int i) const { return nodes[static_cast<std::size_t>(i)]; }
  const int* kids_of(int i) const { return kids.data() + at(i).first; }
};

struct Z3Formula;  // properties/front_end.hpp

// Grounds the formula Z3 parsed (properties/ground.cpp); `env` evaluates the functions of
// the scenario alone. Throws InputError when the expansion grows past a bound.
Ground ground_formula(const Z3Formula& f, const SigEnv& env);

}  // namespace cow
