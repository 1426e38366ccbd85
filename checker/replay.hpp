// `cowcheck replay TRACE.json`: re-executes a counterexample written by `check
// --trace-out` (or found in `check --format json`) step by step against the model, prints
// it, and checks its property at the end. A step that cannot be taken is bad input. An
// ITF trace (`check --format itf`) is replayed too, and each state it recorded must be
// the one re-executed (checker/itf_read.hpp).
#pragma once
#include <string>

namespace cow {

// Returns the exit status: 1 if every replayed trace ends in a violation of its property,
// 0 if one ends where its property holds. Throws InputError on a malformed or foreign trace.
int replay(const std::string& path, std::string& out);

}  // namespace cow
