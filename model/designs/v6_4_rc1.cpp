// Design v6.4-rc1: Suren Baghdasaryan's per-VMA locks as merged for 6.4 (0bff0aaea03e
// "x86/mm: try VMA lock-based page fault handling first", c7f8f31c00d1 and the series
// before them), on v6.3. Read at 6.4.0 (the release has the same fork, which is what
// Jiri Slaby's Go builds and Jacob Young's reproducer ran: bugzilla.kernel.org 217624,
// <dbdef34c-3a07-5951-e1ae-e9c6e3cdf51b@kernel.org>).
//
// do_user_addr_fault (arch/x86/mm/fault.c, 6.4.0) tries the VMA lock first:
//   	vma = lock_vma_under_rcu(mm, address);
//   	if (!vma)
//   		goto lock_mmap;
//
//   	if (unlikely(access_error(error_code, vma))) {
//   		vma_end_read(vma);
//   		goto lock_mmap;
//   	}
//   	fault = handle_mm_fault(vma, address, flags | FAULT_FLAG_VMA_LOCK, regs);
//   	vma_end_read(vma);
//
//   	if (!(fault & VM_FAULT_RETRY)) {
//   		count_vm_vma_lock_event(VMA_LOCK_SUCCESS);
//   		goto done;
//   	}
// lock_vma_under_rcu (mm/memory.c, 6.4.0) refuses what it does not handle yet:
//   	/* Only anonymous vmas are supported for now */
//   	if (!vma_is_anonymous(vma))
//   		goto inval;
//
//   	/* find_mergeable_anon_vma uses adjacent vmas which are not locked */
//   	if (!vma->anon_vma)
//   		goto inval;
//
//   	if (!vma_start_read(vma))
//   		goto inval;
// vma_start_read (include/linux/mm.h, 6.4.0) never waits: it fails while the VMA is
// write-locked in this mmap_lock write section ("if (vma->vm_lock_seq ==
// READ_ONCE(vma->vm_mm->mm_lock_seq)) return false;") or down_read_trylock fails; the
// fault then takes mmap_read_lock, which waits for the writer. do_swap_page under the
// VMA lock gives up at once:
//   	if (vmf->flags & FAULT_FLAG_VMA_LOCK) {
//   		ret = VM_FAULT_RETRY;
//   		goto out;
//   	}
// These rules are the traits row's fault_lock = VmaLockAnon (model/fault.cpp
// lock_vma_under_rcu, fault_needs_retry). The access_error case is SIGSEGV in the model
// at once; 6.4.0 retries it under mmap_read_lock first, to the same end.
//
// dup_mmap (kernel/fork.c, 6.4.0) copies each VMA under mmap_write_lock(oldmm) alone:
//   	for_each_vma(old_vmi, mpnt) {
//   		struct file *file;
//
//   		if (mpnt->vm_flags & VM_DONTCOPY) {
// with no vma_start_write(mpnt): a COW fault on the parent's VMA runs under its VMA lock
// during the copy, before "flush_tlb_mm(oldmm)" at the end of dup_mmap. That is the
// corruption fb49c455323f (design v6.4) fixed (fork_vma_lock = None).
#include "model/designs/v6_4_rc1.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V6_4_rc1> registered;

}  // namespace cow::designs
