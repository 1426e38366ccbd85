// Design v4.8 — Linux 4.8 (October 2016): the kernel Dirty COW (CVE-2016-5195) was found
// in. For the races of the 2008 thread it is v2.6.27: fork write-protects and shares,
// do_wp_page reuses an anonymous page on its mapcount (reuse_swap_page), x86 GUP-fast
// takes its reference with no re-check (arch/x86/mm/gup.c until 4.13); clear_refs has
// soft-dirty (3.11+). Its __get_user_pages retry loop (model/proc_mem.cpp) after a
// FOLL_FORCE write fault is 2.6.32's, inherited from mlock-v2.6.37 (mm/gup.c
// faultin_page, v4.8):
//   if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE))
//           *flags &= ~FOLL_WRITE;
// "an ancient bug that was actually attempted to be fixed once (badly) by me eleven years
// ago in commit 4ceb5db9757a" (19be0eaffa3a): once the write fault has broken COW, the
// loop looks the page up as a read; if madvise(MADV_DONTNEED) zaps the private copy in
// between, the read finds the page-cache page and the kernel writes the file.
#include "model/designs/v4_8.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

// do_swap_page (mm/memory.c, v4.8), PT lock held:
//   if ((fe->flags & FAULT_FLAG_WRITE) && reuse_swap_page(page, NULL)) {
//           pte = maybe_mkwrite(pte_mkdirty(pte), vma);
//           fe->flags &= ~FAULT_FLAG_WRITE;
//           ret |= VM_FAULT_WRITE;
//           exclusive = RMAP_EXCLUSIVE; }
// The rule is 2.6.27's; the reuse now reports VM_FAULT_WRITE (v2.6.32 did not).
VmFault V4_8::do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const {
  return swap_in(st, mm, v, flags) ? kVmFaultWrite : 0;
}

static const RegisterDesign<V4_8> registered;

}  // namespace cow::designs
