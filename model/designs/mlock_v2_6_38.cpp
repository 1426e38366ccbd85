// Design mlock-v2.6.38 — Linux 2.6.38 (March 2011): mlock-v2.6.37 with Michel
// Lespinasse's 5ecfda041e4b "mlock: avoid dirtying pages and triggering writeback"
// (authored 13 Jan 2011; posted as <1289996638-21439-4-git-send-email-walken@google.com>)
// and fed067da46ad "mlock: only hold mmap_sem in shared mode when faulting in pages".
// The one line the first patch changes, in mm/mlock.c __mlock_vma_pages_range (and the
// same in mm/memory.c make_pages_present):
//
//  	gup_flags = FOLL_TOUCH | FOLL_GET;
// -	if (vma->vm_flags & VM_WRITE)
// +	/*
// +	 * We want to touch writable mappings with a write fault in order
// +	 * to break COW, except for shared mappings because these don't COW
// +	 * and we would not want to dirty them for nothing.
// +	 */
// +	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
//  		gup_flags |= FOLL_WRITE;
//
// is traits mlock = ReadFaultsShared (model/mlock.cpp): mlock read-faults a shared
// mapping's pages; "a later write access will be caught as a write fault at" which point
// page_mkwrite runs (Lespinasse, 18 Nov 2010). With fed067da46ad the population runs
// under mmap_sem held for read, after mlock_fixup set VM_LOCKED under the write lock.
#include "model/designs/mlock_v2_6_38.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<MlockV2_6_38> registered;

}  // namespace cow::designs
