// v6.0: 5535be309971, the FOLL_FORCE rule (see v6_0.cpp for the patch and its message).
// The class is here because later designs (v6.3 on) derive from it.
#pragma once
#include "model/designs/v5_19.hpp"
#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

class V6_0 : public V5_19 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_19::kTraits;
    t.name = "v6.0";
    t.base = "v5.19";
    t.kernel = "6.0";
    t.kind = DesignKind::Release;
    t.date = "2022-10-02";
    t.summary = "v5.19 with the FOLL_FORCE rule of 5535be309971: write only to an exclusive anonymous page, no FOLL_COW";
    t.source = "5535be309971 (6.0) <20220808073232.8808-1-david@redhat.com>: mm/gup.c can_follow_write_pte, "
               "faultin_page (quoted from v6.1.119)";
    return t;
  }();

  // can_follow_write_pte (mm/gup.c, 5535be309971; as in v6.1.119):
  //   /* If the pte is writable, we can write to the page. */
  //   if (pte_write(pte))
  //           return true;
  //
  //   /* Maybe FOLL_FORCE is set to override it? */
  //   if (!(flags & FOLL_FORCE))
  //           return false;
  //
  //   /* But FOLL_FORCE has no effect on shared mappings */
  //   if (vma->vm_flags & (VM_MAYSHARE | VM_SHARED))
  //           return false;
  //
  //   /* ... or read-only private ones */
  //   if (!(vma->vm_flags & VM_MAYWRITE))
  //           return false;
  //
  //   /* ... or already writable ones that just need to take a write fault */
  //   if (vma->vm_flags & VM_WRITE)
  //           return false;
  //
  //   /*
  //    * See can_change_pte_writable(): we broke COW and could map the page
  //    * writable if we have an exclusive anonymous page ...
  //    */
  //   if (!page || !PageAnon(page) || !PageAnonExclusive(page))
  //           return false;
  //
  //   /* ... and a write-fault isn't required for other reasons. */
  //   if (vma_soft_dirty_enabled(vma) && !pte_soft_dirty(pte))
  //           return false;
  //   return !userfaultfd_pte_wp(vma, pte);
  bool can_follow_write_pte(const State& s, const Pte& pte, const Vma& vma, FollFlags flags) const override {
    if (pte.writable()) return true;
    if (!(flags & kFollForce)) return false;
    if (vma.flags & kVmShared) return false;
    if (!(vma.flags & kVmMayWrite)) return false;
    if (vma.flags & kVmWrite) return false;
    const Frame& page = s.frames[pte.frame];
    return (page.flags & kFrameAnon) && exclusive(page);
  }

  // faultin_page (mm/gup.c, 5535be309971) loses its last lines:
  //   -	/*
  //   -	 * The VM_FAULT_WRITE bit tells us that do_wp_page has broken COW when
  //   -	 * necessary, even if maybe_mkwrite decided not to set pte_write. We
  //   -	 * can thus safely do subsequent page lookups as if they were reads.
  //   -	 * But only do so when looping for pte_write is futile: in some cases
  //   -	 * userspace may also be wanting to write to the gotten user page,
  //   -	 * which a read fault here might prevent (a readonly page might get
  //   -	 * reCOWed by userspace write).
  //   -	 */
  //   -	if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE))
  //   -		*flags |= FOLL_COW;
  //   	return 0;
  // The GUP flags no longer change after a fault.
  FollFlags faultin_page(FollFlags flags, VmFault, const Vma&) const override { return flags; }
};

}  // namespace cow::designs
