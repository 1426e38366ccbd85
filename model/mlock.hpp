// mlock(2) and munlock(2), and what a VM_LOCKED VMA changes elsewhere (the 2010 lkml
// thread "mlock: avoid dirtying pages and triggering writeback",
// <1289996638-21439-4-git-send-email-walken@google.com>). Which faults mlock's population
// takes, and under which mmap_sem mode, is the design's (traits mlock: MlockPopulate).
#pragma once
#include "model/design.hpp"

namespace cow {

// mlock / munlock of the VMA holding the op's page.
bool step_mlock(Step& st, const Design& d);
bool step_munlock(Step& st, const Design& d);

namespace kernel {

// After a fault in a VM_LOCKED VMA replaced the page at (mm, v) (a COW copy, a fresh
// anonymous page), PT lock held: the new page is mlocked and the old one, still mapped
// elsewhere by a VMA that may not be locked, loses PG_mlocked (v2.6.37 do_wp_page).
void mlock_fault_fixup(Step& st, unsigned mm, unsigned v, u8 old_frame);
// munlock_vma_pages_range (mm/mlock.c, v2.6.37) for a VMA about to lose VM_LOCKED or go
// away (munlock, munmap, exit): each page it maps loses PG_mlocked unless another
// VM_LOCKED VMA maps it (try_to_munlock).
void munlock_vma_pages(Step& st, unsigned mm, const Vma& vma);

}  // namespace kernel
}  // namespace cow
