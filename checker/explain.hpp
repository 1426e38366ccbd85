// What a step's decision read. Where a step's outcome depends on a test (do_wp_page's
// reuse rule, fork's page_maybe_dma_pinned / has_pinned check, GUP-fast's PTE re-check,
// gup_must_unshare, the FOLL_FORCE lookup's pte_write / pte_dirty), the trace says what
// the test found in the state the step started from ("tested: page_count 2,
// page_mapcount 1 -> copy"), so a reader need not work it out from the changes.
#pragma once
#include <string>

#include "checker/trace.hpp"

namespace cow {

// The note for one step taken by `tid` from `from` with `label`; "" when the step decides
// nothing the trace does not already show.
std::string explain_step(const Scenario& sc, const Design& d, const State& from, u8 tid, std::string_view label);

// Fills TraceStep::why along t, re-running the steps from the initial state.
void explain_steps(const Scenario& sc, const Design& d, Trace& t);

}  // namespace cow
