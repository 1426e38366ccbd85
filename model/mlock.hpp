// mlock(2) and munlock(2), and what a VM_LOCKED VMA changes elsewhere (issue 6; the 2010
// thread ../shared/seeds/lkml-2010-mlock-avoid-dirtying.txt and
// ../shared/domain-kernel-designs.md D7, S9). Which faults mlock's population takes is
// the design's (Design::mlock_write_fault).
#pragma once
#include "model/design.hpp"

namespace cow {

// mlock / munlock of the VMA holding the op's page.
bool step_mlock(Step& st, const Design& d);
bool step_munlock(Step& st);

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
