// One check: a scenario, a design, the properties; the explorer's result and the traces.
// Shared by `check` and `compare`.
#pragma once
#include "model/cpu_options.hpp"
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "checker/explorer.hpp"
#include "checker/trace.hpp"

namespace cow {

// Which counterexample a violated property gets: the shortest (what the breadth-first
// search finds), or the one with the fewest preemptions and, among those, the fewest
// steps (checker/preemptions.hpp).
enum class TraceMode { Shortest, FewestPreemptions };
const char* trace_mode_name(TraceMode m);

struct CheckRequest {
  std::string scenario_file;
  std::string design;
  std::map<std::string, long> params;
  std::vector<std::string> properties;  // empty: the scenario's defaults
  ExploreOptions explore;               // its properties are filled from the names above
  CpuOverrides cpu;                     // --tlb, --arch over the scenario's keys
  TraceMode trace = TraceMode::Shortest;
};

struct CheckRun {
  Scenario scenario;
  const Design* design = nullptr;
  std::vector<std::unique_ptr<Property>> owned;  // the SMT-LIB properties loaded for this run
  ExploreResult result;
  std::vector<Trace> traces;  // one per outcome (empty Trace when not violated), preemptions marked
  TraceMode trace_mode = TraceMode::Shortest;
  // When no execution finishes (ExploreResult::no_execution_finishes): where one loops
  // forever or deadlocks.
  std::optional<Lasso> no_finish;
};

// Resolves names (InputError on unknown design / property), explores, rebuilds traces,
// and has Z3 certify each violation of an SMT-LIB property.
CheckRun run_check(const CheckRequest& req);

// Vacuous: the search was exhaustive but no execution finishes, so nothing is violated
// only because nothing ends; never reported as holds.
enum class Verdict { Holds, Violated, Unknown, Vacuous };
Verdict verdict_of(const ExploreResult& r, const PropertyOutcome& o);
const char* verdict_name(Verdict v);

// Exit status of `check`: 1 any violation or no execution finishes, 3 a limit was hit,
// 0 everything holds.
int exit_status(const ExploreResult& r);

}  // namespace cow
