// Design v6.3: Linux 6.3, the baseline for the per-VMA-lock designs. Its fork, COW and GUP
// paths are v6.1's as the model has them (v6.0's, with 088b8aa537c2's memory barriers,
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

namespace cow::designs {

static const RegisterDesign<V6_3> registered;

}  // namespace cow::designs
