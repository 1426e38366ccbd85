// The litmus export of the write_protect_seq race (model/fork_weak.hpp): fork's
// copy_page_range against FOLL_PIN GUP-fast's lockless_pages_from_mm (checker/litmus.cpp
// dispatches here when the trace has fork's early read).
#pragma once
#include <string>

#include "model/design.hpp"

namespace cow {

// The herd7 C litmus test: P0 fork, P1 GUP-fast, with `d`'s barriers; `fork` and `gup`
// name the trace's threads.
std::string litmus_fork(const std::string& scenario, const std::string& property, const std::string& found_by,
                        const Design& d, const std::string& fork, const std::string& gup);

}  // namespace cow
