// `cowcheck replay TRACE.json`: re-executes a counterexample written by `check
// --trace-out` (or found in `check --format json`) step by step against the model, prints
// it, and checks its property at the end. A step that cannot be taken is bad input. An
// ITF trace (`check --format itf`) is replayed too, and each state it recorded must be
// the one re-executed (checker/itf_read.hpp).
#pragma once
#include <string>
#include <vector>

#include "model/design.hpp"
#include "model/scenario.hpp"

namespace cow {

// Returns the exit status: 1 if every replayed trace ends in a violation of its property,
// 0 if one ends where its property holds. Throws InputError on a malformed or foreign trace.
int replay(const std::string& path, std::string& out);

// A trace re-executed against the model: its scenario (loaded with the trace's
// parameters and CPU options), design and property, the states it passes through
// (states[0] initial, states[i + 1] after step i), who took each step and its label, and
// whether its property is violated in the last state.
struct ReexecutedTrace {
  Scenario sc;
  const Design* design = nullptr;
  std::string property;
  std::vector<State> states;
  std::vector<u8> tids;
  std::vector<std::string> labels;
  bool violated = false;
  std::string detail;
};

// Every trace of a file replay accepts, re-executed (InputError as replay).
std::vector<ReexecutedTrace> reexecute_traces(const std::string& path);

}  // namespace cow
