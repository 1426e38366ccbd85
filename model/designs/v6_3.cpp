// Design v6.3: Linux 6.3, the baseline for the per-VMA-lock designs. Its fork, COW and GUP
// paths are v6.1's as the model has them (but for 6.2's gup_must_unshare, below) (v6.0's, with 088b8aa537c2's memory barriers,
// which order only under a weak --memory-model; the folio conversions change names, not
// steps). What matters here
// is what it lacks: every user page fault takes mmap_lock, so fork's
//   mmap_write_lock_killable(oldmm)               (kernel/fork.c dup_mmap)
// keeps every fault of the parent out until
//   out:
//   	mmap_write_unlock(mm);
//   	flush_tlb_mm(oldmm);
//   	mmap_write_unlock(oldmm);
// so no parent CPU faults, or copies a page, while it may still hold a writable TLB entry
// for a PTE that copy_present_pte write-protected (ptep_set_wrprotect, which does not
// flush). do_user_addr_fault (arch/x86/mm/fault.c):
//   lock_mmap:
//   	vma = lock_mm_and_find_vma(mm, address, regs);    [6.4.0 names; mmap_read_lock in 6.3]
// No 6.3 tree was read: 6.4.0 with CONFIG_PER_VMA_LOCK=n stands in, where
// vma_start_write() and vma_start_read() are empty (include/linux/mm.h, 6.4.0:
// "static inline void vma_start_write(struct vm_area_struct *vma) {}").
#include "model/designs/v6_3.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"

namespace cow::designs {

// 84209e87c696 "mm/gup: reliable R/O long-term pinning in COW mappings" (David
// Hildenbrand, 6.2) extends gup_must_unshare (include/linux/mm.h, v6.2) to pages that are
// not anonymous, the shared zero page and page-cache pages of private mappings:
//   	if (!PageAnon(page)) {
//   		/*
//   		 * We only care about R/O long-term pining: R/O short-term
//   		 * pinning does not have the semantics to observe successive
//   		 * changes through the process page tables.
//   		 */
//   		if (!(flags & FOLL_LONGTERM))
//   			return false;
//
//   		/* We really need the vma ... */
//   		if (!vma)
//   			return true;
//
//   		/*
//   		 * ... because we only care about writable private ("COW")
//   		 * mappings where we have to break COW early.
//   		 */
//   		return is_cow_mapping(vma->vm_flags);
//   	}
// GUP-fast passes a NULL vma (gup_pte_range: gup_must_unshare(NULL, flags, page)), so it
// falls back to slow GUP, whose unshare fault copies the page (model/gup.cpp).
bool V6_3::gup_must_unshare(const State& s, const Op& op, u8 f, const Vma* vma) const {
  if (!op.foll_pin || op.gup_write || f >= kMaxFrames) return false;
  if (!(s.frames[f].flags & kFrameAnon)) {
    if (!op.foll_longterm) return false;
    if (!vma) return true;
    return kernel::is_cow_mapping(*vma);
  }
  return V6_1::gup_must_unshare(s, op, f, vma);
}

static const RegisterDesign<V6_3> registered;

}  // namespace cow::designs
