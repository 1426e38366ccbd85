// v6.1: 088b8aa537c2, the memory barriers of the PageAnonExclusive protocol (see v6_1.cpp).
// The class is here because later designs (v6.3 on) derive from it.
#pragma once
#include "model/designs/v6_0.hpp"

namespace cow::designs {

class V6_1 : public V6_0 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_0::kTraits;
    t.name = "v6.1";
    t.base = "v6.0";
    t.kernel = "6.1";
    t.kind = DesignKind::Release;
    t.date = "2022-12-11";
    t.summary = "v6.0 with 088b8aa537c2's barriers: smp_mb/smp_mb__after_atomic around PageAnonExclusive clearing, "
                "smp_mb__after_atomic after GUP-fast's pin, smp_rmb in gup_must_unshare";
    t.source = "088b8aa537c2 (6.1) <20220901083559.67446-1-david@redhat.com>: include/linux/rmap.h "
               "page_try_share_anon_rmap, mm/gup.c try_grab_folio, include/linux/mm.h gup_must_unshare";
    t.ae_barriers = kAeAllBarriers;
    return t;
  }();
};

}  // namespace cow::designs
