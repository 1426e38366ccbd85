// `cowcheck compare`: every chosen design on every chosen scenario (one row per entry of
// the scenario's `matrix`), full exploration (so state counts are whole graphs), with
// the costs of every finishing execution (checker/costs.hpp), as one table; with
// `--papers DIR`, also the design matrix paper (checker/design_matrix.hpp).
#pragma once
#include "checker/run.hpp"
#include "model/cpu_options.hpp"
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "checker/costs.hpp"

namespace cow {

struct CompareOptions {
  std::vector<std::string> designs;    // names; {"all"} for every design
  std::vector<std::string> scenarios;  // files or directories
  std::map<std::string, long> params;  // applied to the scenarios that have them, over the matrix
  std::string format = "md";           // md | csv | json | text (checker/compare_text.hpp)
  bool color = false;                  // text: ANSI colours (a terminal)
  double time_limit = 0;
  unsigned long long max_states = 0;
  bool por = false, symmetry = false;  // reductions (state counts are then of the reduced graph)
  bool costs = true;                   // run the costs pass on every row
  bool seconds = true;                 // md, csv and text: the seconds column (--no-seconds drops it: a
                                       // table quoted in a paper must print the same on every run)
  std::uint64_t costs_max_states = CostOptions{}.max_states;
  CpuOverrides cpu;                    // --tlb, --arch for every scenario
  TraceMode trace = TraceMode::Shortest;  // the counterexample each VIOLATED of a paper links to
  // The paper --papers writes: "design-matrix" (DIR/design-matrix.md, traces in
  // DIR/traces/), or a named one (--paper NAME: DIR/NAME.md, traces in DIR/NAME/) that
  // starts with the Markdown of --intro FILE (its title and argument, written by hand).
  std::string paper = "design-matrix", intro;
  std::string papers;                  // directory for design-matrix.md and traces/; empty: none
};

struct CompareRow {
  std::string scenario, summary, file, design;
  std::string cpu;                           // cpu_text of the scenario as run (TLBs, arch)
  std::map<std::string, long> params;        // every parameter of the scenario, as run
  std::vector<std::string> properties;       // in the scenario's order
  std::map<std::string, std::string> verdicts;  // holds | VIOLATED | unknown | vacuous
  bool no_execution_finishes = false;           // exhaustive, and no execution finishes: vacuous verdicts
  unsigned long long states = 0, transitions = 0;
  double seconds = 0;
  std::optional<CostResult> costs;  // absent with --no-costs
};

// The rows, in order: scenario files (directories sorted), matrix entries, designs. A
// design the scenario's arch refuses (check_arch) has no row; `refused` gets
// "scenario: design" for each. Throws InputError on bad input.
std::vector<CompareRow> compare_rows(const CompareOptions& opt, std::vector<std::string>* refused = nullptr);

// The table in opt.format.
std::string render_compare(const std::vector<CompareRow>& rows, const CompareOptions& opt);

// Rows, table, and the paper when opt.papers is set. Returns the table.
std::string run_compare(const CompareOptions& opt);

// What a vacuous cell means, for the notes under a table.
extern const char* const kVacuousNote;

}  // namespace cow
