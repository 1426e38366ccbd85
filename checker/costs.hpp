// The costs pass: for each cost kind (model/cost.hpp), the least and the greatest total
// over every execution of a scenario that ends with every thread finished.
//
// The whole reachable graph is explored (plain: no reduction, so every execution is in
// it) and kept as edges (target id and cost vector, 6 bytes an edge; the states themselves
// are dropped once the graph is built). The minimum is a shortest path (Dijkstra from the
// initial state; the weights are non-negative). The maximum is a longest path over the
// strongly connected components (iterative Tarjan, components come out successors
// first): a component that can reach a finished state and has an inner edge of positive
// cost lies on a cycle that an execution can run as often as it likes, so that cost's
// maximum is unbounded; otherwise it is the longest path in the DAG of components.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "model/cost.hpp"
#include "model/design.hpp"

namespace cow {

struct CostBound {
  std::uint32_t min = 0, max = 0;
  bool unbounded = false;  // max: a cycle of positive cost lies on a finishing execution
};
using CostBounds = std::array<CostBound, kCostKinds>;

enum class CostStatus {
  Computed,      // bounds are exact
  NoFinish,      // no finishing execution: every one deadlocks or loops (costs "n/a")
  TooManyStates, // more than CostOptions::max_states states
  TimeLimit,     // CostOptions::time_limit was reached while exploring
  OutOfFrames,   // some step needs more than kMaxFrames frames
};

struct CostOptions {
  std::uint64_t max_states = 5'000'000;
  double time_limit = 0;  // seconds, 0: none
};

struct CostResult {
  CostStatus status = CostStatus::Computed;
  CostBounds bounds{};
  std::uint64_t states = 0, transitions = 0;
  std::uint64_t finished = 0;   // distinct end states of finishing executions
  std::uint64_t deadlocks = 0;  // states with no step where some thread has not finished
  std::uint64_t max_states = 0; // the limit that was in force
  std::uint64_t peak_bytes = 0; // the most the pass held at once (graph, store, analysis)
  double seconds = 0;
};

CostResult compute_costs(const Scenario& sc, const Design& d, const CostOptions& opt = {});

// The graph-level analysis, on its own for tests: state 0 is initial; the edges of state
// v are [offsets[v], offsets[v+1]) with target targets[e] and costs cost_table[cost_ids[e]].
struct CostGraph {
  std::vector<std::uint64_t> offsets{0};
  std::vector<std::uint32_t> targets;
  std::vector<std::uint16_t> cost_ids;
  std::vector<CostVec> cost_table;
  std::vector<bool> finished;
  std::size_t states() const { return offsets.size() - 1; }
  std::uint16_t cost_id(const CostVec& c);  // interns c in cost_table
  std::size_t bytes() const;
};

struct GraphCosts {
  bool any_finished = false;
  CostBounds bounds{};
  std::uint64_t analysis_bytes = 0;
};
GraphCosts analyse_costs(const CostGraph& g);

// "2", "0–1" (min–max, en dash), "1–∞".
std::string bound_text(const CostBound& b);
// One cell of a table: the bound, "n/a" (no finishing execution) or why it was not computed.
std::string cost_cell(const CostResult& r, unsigned kind);
// Why no bounds were computed ("" when they were).
std::string cost_note(const CostResult& r);

}  // namespace cow
