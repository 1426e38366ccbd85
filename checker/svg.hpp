// A counterexample as a picture (`cowcheck check --svg FILE`): a self-contained SVG (no
// fonts, scripts or images from elsewhere) that a browser opens. Time runs top to bottom,
// one row per step, so that long kernel labels stay horizontal and readable; each thread
// is a swim lane (a column) with its steps' boxes and, beside them, bars for the locks it
// holds; a column per page frame shows its colour changing as it is copied, pinned,
// written by DMA or freed; preemptions and the violating final state are marked; a
// legend ends it. Hovering a step shows what it changed.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "checker/run.hpp"

namespace cow {

// `s` as XML character data or an attribute value (&, <, >, " escaped).
std::string xml_escape(std::string_view s);

// The pictures of the given outcomes' counterexamples, one below the other, as one SVG
// document.
std::string svg_picture(const CheckRun& run, const std::vector<std::size_t>& outcomes);

// The outcomes `check` prints a counterexample for: the shortest violated one, or every
// violated one with `all` (--all-traces); empty when nothing is violated.
std::vector<std::size_t> pictured_outcomes(const CheckRun& run, bool all);

// Writes the picture of pictured_outcomes(run, all) to `path` (InputError when it
// cannot); says on stderr when there is no counterexample to draw, and writes nothing.
void write_svg(const CheckRun& run, bool all, const std::string& path);

}  // namespace cow
