// Design brlock — Andrea Arcangeli's proposal in "RFC: race between o_direct and fork
// (harder to fix with get_user_page_fast)" <20080925183846.GA6877@duo.random>, on top of
// v2.6.27 with the forcecow check at fork:
//
//   fork:               br_write_lock(); if (page_count != page_mapcount) copy_page()
//                       else make pte readonly; br_write_unlock()
//   get_user_page_fast: br_read_lock(); walk ptes out of order w/o mmap_sem; br_read_unlock()
//   ksm:                br_write_lock(); if (page_count != page_mapcount) goto fail;
//                       make pte readonly; br_write_unlock()
//
// The count check now happens while no GUP-fast walker can be between reading the PTE
// and taking its reference. The brlock is global (per-CPU reader locks, the writer takes
// them all). Everything the patch adds is the lock, so the design is forcecow's code with
// traits gup_fast_sync = Brlock and ksm_protect = Brlock; the steps are the shared ones:
// model/fork.cpp (fork_pte_lock, fork_pte_unlock: "copy_pte_range:br_write_lock+
// spin_lock(ptl)", one step each as in the reference scenario ODF), model/gup.cpp
// (gup_fast_enter, gup_fast_read_pte, gup_fast_get_page: br_read_lock before the walk,
// br_read_unlock after the reference or on the fall back) and model/ksm.cpp.
#include "model/designs/brlock.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<BrLock> registered;

}  // namespace cow::designs
