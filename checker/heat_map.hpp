// The design matrix at a glance (the top of papers/design-matrix.md): one row per
// scenario and parameter setting, one column per design, one cell per verdict: green when
// every property holds, red when one is violated, grey when the design did not run there
// (the scenario's arch refuses it) or nothing could be decided (a limit: unknown; no
// execution finishes: vacuous). Drawn as a self-contained SVG (each red cell titled with
// the properties it violates and linked to the scenario's section) and as a Markdown
// table of marks that reads without images.
#pragma once
#include <string>
#include <vector>

#include "checker/compare.hpp"

namespace cow {

enum class HeatKind { Holds, Violated, Undecided, NotRun };

struct HeatCell {
  HeatKind kind = HeatKind::NotRun;
  std::vector<std::string> properties;  // Violated: those violated; Undecided: those unknown or vacuous
};

struct HeatRow {
  std::string scenario, params;  // params: "" when the scenario has one setting only
  std::string anchor;            // the scenario section's Markdown anchor ("dirty_cow")
  std::vector<HeatCell> cells;   // one per design, in HeatMap::designs' order
};

struct HeatMap {
  std::vector<std::string> designs;  // the columns, in the tables' order
  std::vector<HeatRow> rows;         // in the tables' order
  std::size_t count(HeatKind k) const;
};

// The map of compare's rows (consecutive rows of one scenario file make a section, as in
// the paper). A design missing from a setting's rows is NotRun.
HeatMap heat_map(const std::vector<CompareRow>& rows);

// The anchor GitHub gives a Markdown heading: lower case, spaces as '-', other punctuation
// but '-' and '_' dropped.
std::string heading_anchor(const std::string& heading);

// The SVG document; red cells link to `md_file`#anchor (the paper the picture sits beside).
std::string heat_map_svg(const HeatMap& map, const std::string& md_file);

// The same as Markdown: a table with a row of marks per scenario setting (X violated,
// . holds, ? undecided, - not run), a letter per design (a, b, ...; the legend names
// them), and its legend.
std::string heat_map_md(const HeatMap& map);

}  // namespace cow
