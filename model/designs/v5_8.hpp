// v5.8: GUP breaks COW even for reads, 17839856fd58 (see v5_8.cpp).
#pragma once
#include "model/designs/v4_9.hpp"

namespace cow::designs {

class V5_8 : public V4_9 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V4_9::kTraits;
    t.name = "v5.8";
    t.base = "v4.9";
    t.kernel = "5.8";
    t.date = "2020-08-02";
    t.summary = "GUP breaks COW even for reads (FOLL_WRITE forced on COW mappings); do_wp_page reuses on mapcount";
    t.source = "17839856fd58 (5.8): mm/gup.c should_force_cow_break, internal_get_user_pages_fast; mm/memory.c do_wp_page";
    t.gup_fast_walk = GupFastWalk::Recheck;  // the generic gup_pte_range (x86 since 4.13, e585513b76f7)
    t.gup_breaks_cow_for_read = true;
    return t;
  }();

  VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
};

}  // namespace cow::designs
