// Design v6.18: the fork and fault paths of Linux 6.18 (read at 6.18.35), on v6.4; the
// kernel the 2026 proposals (fork-lock-writable, fork-lock-cow-mapping,
// fork-lock-anon-vma, fork-no-vma-lock) patch.
//
// lock_vma_under_rcu (mm/mmap_lock.c, 6.18) no longer refuses file VMAs or VMAs without
// an anon_vma:
//   	vma = vma_start_read(mm, vma);
//   	if (IS_ERR_OR_NULL(vma)) {
//   		/* Check if the VMA got isolated after we found it */
//   		if (PTR_ERR(vma) == -EAGAIN) {
//   			[...]
//   			goto retry;
//   		}
//
//   		/* Failed to lock the VMA */
//   		goto inval;
//   	}
// and do_user_addr_fault (arch/x86/mm/fault.c, 6.18) answers an access error under it:
//   	if (unlikely(access_error(error_code, vma))) {
//   		bad_area_access_error(regs, error_code, address, NULL, vma);
// A fault that needs an anon_vma the VMA lacks (wp_page_copy, do_anonymous_page,
// do_cow_fault call vmf_anon_prepare) takes the mmap_lock for it, or retries:
//   vm_fault_t __vmf_anon_prepare(struct vm_fault *vmf)       (mm/memory.c, 6.18)
//   {
//   	struct vm_area_struct *vma = vmf->vma;
//   	vm_fault_t ret = 0;
//
//   	if (likely(vma->anon_vma))
//   		return 0;
//   	if (vmf->flags & FAULT_FLAG_VMA_LOCK) {
//   		if (!mmap_read_trylock(vma->vm_mm))
//   			return VM_FAULT_RETRY;
//   	}
//   	if (__anon_vma_prepare(vma))
//   		ret = VM_FAULT_OOM;
//   	if (vmf->flags & FAULT_FLAG_VMA_LOCK)
//   		mmap_read_unlock(vma->vm_mm);
//   	return ret;
//   }
// (fault_lock = VmaLock; model/fault.cpp fault_needs_retry). do_swap_page no longer
// retries under the VMA lock.
//
// dup_mmap (mm/mmap.c, 6.18) still write-locks every parent VMA first:
//   	for_each_vma(vmi, mpnt) {
//   		struct file *file;
//
//   		vma_start_write(mpnt);
//   		if (mpnt->vm_flags & VM_DONTCOPY) {
// copies page tables only where vma_needs_copy (mm/memory.c, 6.18) says so:
//   	if (src_vma->anon_vma)
//   		return true;
// (its userfaultfd-wp and VM_PFNMAP|VM_MIXEDMAP cases are outside the model), and
// copy_page_range asserts the lock for a COW mapping:
//   		vma_assert_write_locked(src_vma);
//   		raw_write_seqcount_begin(&src_mm->write_protect_seq);
// (an assertion the proposals that skip vma_start_write on COW mappings would have to
// drop). The end is 6.4's: "mmap_write_unlock(mm); flush_tlb_mm(oldmm);
// mmap_write_unlock(oldmm);".
//
// clear_refs write-locks the VMAs it walks (fs/proc/task_mmu.c, 6.18; 49b0638502da,
// which 6.4.6, v6_4.cpp, does not have):
//   static const struct mm_walk_ops clear_refs_walk_ops = {
//   	.pmd_entry		= clear_refs_pte_range,
//   	.test_walk		= clear_refs_test_walk,
//   	.walk_lock		= PGWALK_WRLOCK,
//   };
// (soft_dirty = SkipPinnedVmaLocked, model/mm_ops.cpp).
//
// Left out: vma_start_write_killable (after 6.18), the vm_refcnt form of the VMA lock
// (the model's reader count and write flag keep its waiting rules), MADV_DONTNEED and
// userfaultfd under the VMA lock (the model's madvise takes mmap_read_lock in every
// design), guard regions.
#include "model/designs/v6_18.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V6_18> registered;

}  // namespace cow::designs
