// Preemptions, and the counterexample with the fewest of them.
//
// A preemption is a step by thread B right after a step of thread A while A could still
// have taken a step (A had an enabled step in the state B stepped from). A reader follows
// an interleaving by its switches rather than its length: CHESS (Musuvathi and Qadeer,
// PLDI 2007) found each bug it reported within two preemptions. A switch away from a
// thread that has finished, blocked or waits is not a preemption.
#pragma once
#include <cstdint>
#include <optional>

#include "checker/trace.hpp"
#include "properties/property.hpp"

namespace cow {

// Marks each step of t that preempts (TraceStep::preempts), re-running the successor
// function from the initial state along t's steps.
void mark_preemptions(const Scenario& sc, const Design& d, Trace& t);
unsigned preemption_count(const Trace& t);

// The counterexample for p with the fewest preemptions and, among those, the fewest
// steps: a Dijkstra search, from the initial state, over (state, thread of the last step)
// with the cost (preemptions, steps) in lexicographic order, up to the first node whose
// state violates p (for no-deadlock: has no step and is not final). It runs on the whole
// state graph, which it builds as it goes, whatever reductions found the verdict: POR and
// symmetry may cut exactly the interleaving with the fewest preemptions. nullopt when no
// violation is reachable, or when it would visit more than max_nodes nodes (0: no limit).
std::optional<Trace> fewest_preemption_trace(const Scenario& sc, const Design& d, const Property& p,
                                             std::uint64_t max_nodes = 0);

}  // namespace cow
