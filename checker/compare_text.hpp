// `cowcheck compare` for a person at a terminal (the default when stdout is one, or
// --format text): per scenario, one row per parameter setting and design, one short
// column per property (abbreviated, with a legend), states and seconds; then the costs
// that are not zero on every row, in a second table; at most 100 columns for up to eight
// properties and eight costs. Coloured (ANSI) when `color`. The Markdown table
// (--format md) stays what papers/ and pipes get.
#pragma once
#include <string>
#include <vector>

#include "checker/compare.hpp"

namespace cow {

std::string render_compare_text(const std::vector<CompareRow>& rows, bool costs, bool color, bool seconds = true);

// The short column title of a property or cost name: the initials of its words
// ("pin-writable-in-owner" -> "pwio"), the first three letters of a one-word name.
std::string short_title(const std::string& name);

}  // namespace cow
