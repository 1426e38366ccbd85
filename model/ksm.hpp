// KSM: ksmd merging two identical anonymous pages into one read-only KSM page, racing
// with GUP (issue 6; ../shared/domain-kernel-designs.md D6, S7). How write_protect_page
// keeps GUP-fast out of its page_count check is the design's (Design::ksm_protect).
#pragma once
#include "model/design.hpp"

namespace cow {

// ksm_scan: ksmd merges the op's `merge` page into its `page`, which becomes the KSM page.
bool step_ksm_scan(Step& st, const Design& d);

// Whether a GUP-fast walker of mm is between reading a PTE and taking its reference
// (arch/x86/mm/gup.c get_user_pages_fast: local_irq_disable() ... local_irq_enable()):
// a TLB-flush IPI to the mm's CPUs cannot complete meanwhile.
bool gup_fast_irqs_off(const Scenario& sc, const State& s, unsigned mm);

}  // namespace cow
