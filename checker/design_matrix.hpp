// The design matrix paper (`cowcheck compare --papers DIR`): DIR/design-matrix.md, an
// overview (DIR/design-matrix.svg, a heat map of designs x scenario settings, and the
// same in Markdown marks: checker/heat_map.hpp), then one table per scenario (designs x
// matrix settings; verdicts, states, costs), and, for every VIOLATED cell, the shortest
// counterexample in DIR/traces/NAME.txt and its picture (the swim-lane timeline of
// checker/svg.hpp) in DIR/traces/NAME.svg. Nothing machine-dependent goes in (no times):
// the same command gives the same bytes.
#pragma once
#include <string>
#include <vector>

#include "checker/compare.hpp"

namespace cow {

// Creates DIR and DIR/traces and makes sure a file can be written there; InputError
// (exit 2) naming --papers otherwise.
void check_papers_dir(const CompareOptions& opt);

// The command line that produces the paper, as its header prints it.
std::string papers_command(const CompareOptions& opt);

// Writes design-matrix.md, its heat map and the traces and pictures (each from a plain
// `check` of that one property, so it is the shortest), and removes the files of
// DIR/traces that it did not write. A named paper (--paper) has no heat map.
void write_design_matrix(const std::vector<CompareRow>& rows, const CompareOptions& opt);

}  // namespace cow
