// Certification (properties/certify.cpp): Z3, given a state's tables (every signature
// function on every argument tuple), decides the property on that state, confirms a
// violation the compiled evaluator reported, and names the failing instance.
#pragma once
#include <string>

#include "properties/front_end.hpp"

namespace cow {

// Z3 on the violating state s: expects the negated property to be sat, and returns the
// failing instance read from the model ("Z3 confirms it for p = pin:mr; where ...").
// An unsat or unknown answer is an internal error (never a silent pass). Bumps
// env.epoch: s is a new state for the derived tables.
std::string certify_violation(Z3Formula& f, SigEnv& env, const State& s);
// Whether the property holds in s, decided by Z3 alone. Bumps env.epoch likewise.
bool holds_by_z3(Z3Formula& f, SigEnv& env, const State& s);

}  // namespace cow
