// KSM: ksmd merging two identical anonymous pages into one read-only KSM page, racing
// with GUP (mm/ksm.c, merged in 2.6.32; the race with O_DIRECT was argued in the 2008
// linux-mm thread "RFC: race between o_direct and fork", <20080925183846.GA6877@duo.random>).
// Which PTEs write_protect_page checks, and how it keeps GUP-fast out of its page_count
// check, are the design's (traits ksm_wrprotect, ksm_protect).
#pragma once
#include "model/design.hpp"

namespace cow {

// ksm_scan: ksmd merges the op's `merge` page into its `page`, which becomes the KSM page.
bool step_ksm_scan(Step& st, const Design& d);

}  // namespace cow
