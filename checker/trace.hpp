// Counterexamples: rebuilt from parent ids by re-running the successor function on each
// parent (mCRL2's find_action), so every printed step has been executed once more; and
// the differences between two states, in the kernel's terms.
#pragma once
#include <string>
#include <vector>

#include "checker/store.hpp"
#include "model/design.hpp"

namespace cow {

struct TraceStep {
  u8 tid;
  std::string label;
  std::vector<std::string> changes;
};

struct Trace {
  std::vector<TraceStep> steps;
  State last;
};

// With `symmetry` the store holds canonical states (model/symmetry.hpp): the trace is
// replayed from the initial state, each step chosen by its canonical successor, so the
// printed states are real ones with consistent frame numbers; Trace::last is the real
// final state.
Trace rebuild_trace(const Scenario& sc, const Design& d, const StateStore& store, StateId target,
                    bool symmetry = false);

// The execution in which the given threads take one step each, in order, from the
// initial state (how hash compaction, which keeps no states, rebuilds its traces).
// With `symmetry` the threads are those of the canonical states (model/symmetry.hpp).
Trace replay_steps(const Scenario& sc, const Design& d, const std::vector<u8>& tids, bool symmetry = false);

// What changed from a to b, one line per field, e.g. "parent pte[0]: rw frame#0 -> ro frame#0".
std::vector<std::string> describe_changes(const Scenario& sc, const Design& d, const State& a, const State& b);

// The initial state, in the same terms.
std::vector<std::string> describe_state(const Scenario& sc, const Design& d, const State& s);

}  // namespace cow
