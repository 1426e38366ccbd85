// v4.9: 19be0eaffa3a "mm: remove gup_flags FOLL_WRITE games from __get_user_pages()"
// (Linus, 18 Oct 2016), the Dirty COW fix: "we introduce a new internal FOLL_COW flag to
// mark the 'yes, we already did a COW' rather than play racy games with FOLL_WRITE [...]
// and then use the pte dirty flag to validate that the FOLL_COW flag is still valid."
// After MADV_DONTNEED zaps the private copy, the page-cache page a read fault maps is
// clean: FOLL_WRITE is still set, the lookup fails, and a new write fault makes a new copy.
#include "model/designs/v4_9.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

// can_follow_write_pte (mm/gup.c, v4.9):
//   /*
//    * FOLL_FORCE can write to even unwritable pte's, but only
//    * after we've gone through a COW cycle and they are dirty.
//    */
//   return pte_write(pte) ||
//           ((flags & FOLL_FORCE) && (flags & FOLL_COW) && pte_dirty(pte));
bool V4_9::can_follow_write_pte(const State&, const Pte& pte, const Vma&, FollFlags flags) const {
  return pte.writable() || ((flags & kFollForce) && (flags & kFollCow) && (pte.flags & kPteDirty));
}

// faultin_page (mm/gup.c, v4.9):
//   if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE))
//           *flags |= FOLL_COW;
FollFlags V4_9::faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const {
  if ((ret & kVmFaultWrite) && !(vma.flags & kVmWrite)) flags |= kFollCow;
  return flags;
}

static const RegisterDesign<V4_9> registered;

}  // namespace cow::designs
