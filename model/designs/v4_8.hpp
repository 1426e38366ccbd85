// v4.8 (2016): the kernel Dirty COW (CVE-2016-5195) was found in (see v4_8.cpp).
#pragma once
#include "model/designs/mlock_v2_6_38.hpp"

namespace cow::designs {

class V4_8 : public MlockV2_6_38 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = MlockV2_6_38::kTraits;
    t.name = "v4.8";
    t.base = "mlock-v2.6.38";
    t.kernel = "4.8";
    t.date = "2016-10-02";
    t.summary = "v2.6.27's fork and COW; a FOLL_FORCE write fault drops FOLL_WRITE (Dirty COW, CVE-2016-5195)";
    t.source = "v4.8: mm/gup.c faultin_page, follow_page_pte; mm/memory.c do_wp_page (reuse_swap_page), do_swap_page";
    t.soft_dirty = SoftDirty::Wrprotect;  // clear_soft_dirty (3.11, 0f8975ec4db2)
    return t;
  }();

  VmFault do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
};

}  // namespace cow::designs
