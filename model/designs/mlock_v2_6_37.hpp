// mlock-v2.6.37: Linux 2.6.37, the kernel before Michel Lespinasse's "mlock: avoid
// dirtying pages and triggering writeback" (see mlock_v2_6_37.cpp).
#pragma once
#include "model/designs/v2_6_29.hpp"

namespace cow::designs {

class MlockV2_6_37 : public V2_6_29 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V2_6_29::kTraits;
    t.name = "mlock-v2.6.37";
    t.base = "v2.6.29";
    t.kernel = "2.6.37";
    t.date = "2011-01-04";
    t.summary = "mlock write-faults every page of a VM_WRITE VMA, shared file mappings too (dirtying them)";
    t.source = "v2.6.37: mm/mlock.c __mlock_vma_pages_range (gup_flags |= FOLL_WRITE if VM_WRITE), mm/memory.c "
               "do_wp_page, __do_fault, __get_user_pages; mm/ksm.c write_protect_page";
    t.mlock = MlockPopulate::WriteFaultsShared;
    t.ksm_protect = KsmProtect::ClearFlush;          // mm/ksm.c (2.6.32): ptep_clear_flush before the check
    t.ksm_wrprotect = KsmWrprotect::PteWriteOrDirty;  // "ksm: fix bad user data when swapping" (2.6.36)
    return t;
  }();

  FollFlags faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const override;
};

}  // namespace cow::designs
