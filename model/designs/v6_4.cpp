// Design v6.4: fb49c455323f "fork: lock VMAs of the parent process when forking" (Suren
// Baghdasaryan, 8 Jul 2023; 6.5-rc1, and 6.4.3 stable), on v6.4-rc1. From its message:
//   "When forking a child process, the parent write-protects anonymous pages and
//   COW-shares them with the child being forked using copy_present_pte().
//
//   We must not take any concurrent page faults on the source vma's as they are being
//   processed, as we expect both the vma and the pte's to be stable. [...]"
// and from 2b4f3b4987b5 (the v4 of the same fix, <20230706011400.2949242-2-surenb@google.com>):
//   "Parent's TLB is flushed right before we drop the parent's mmap_lock in dup_mmap(). If
//   we get a write-fault before that TLB flush in the parent, and we end up replacing that
//   anonymous page in the parent process in do_wp_page() (because, COW-shared with the
//   child), this might lead to some stale writable TLB entries targeting the wrong (old)
//   page."
//
// dup_mmap (kernel/fork.c, 6.4.6):
//   	for_each_vma(old_vmi, mpnt) {
//   		struct file *file;
//
//   		vma_start_write(mpnt);
//   		if (mpnt->vm_flags & VM_DONTCOPY) {
// vma_start_write (include/linux/mm.h, 6.4.0) waits for the VMA's readers (down_write)
// and marks it locked until mmap_write_unlock's vma_end_write_all, which dup_mmap calls
// after flush_tlb_mm(oldmm). A parent fault on a locked VMA fails vma_start_read and
// waits in mmap_read_lock until the flush is done (fork_vma_lock = Every).
#include "model/designs/v6_4.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V6_4> registered;

}  // namespace cow::designs
