// v5.9-rc: 09854ba94c6a "mm: do_wp_page() simplification" (see v5_9_rc.cpp).
#pragma once
#include "model/designs/v5_8.hpp"

namespace cow::designs {

class V5_9_rc : public V5_8 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_8::kTraits;
    t.name = "v5.9-rc";
    t.base = "v5.8";
    t.kernel = "5.9-rc4";
    t.date = "2020-09-06";
    t.summary = "do_wp_page reuses only when page_count == 1; fork write-protects and shares; GUP-fast re-checks the PTE";
    t.source = "09854ba94c6a (5.9-rc4): mm/memory.c do_wp_page; a308c71bf1e6: mm/gup.c (no forced COW break); "
               "gup_pte_range, try_grab_compound_head (v5.9)";
    // a308c71bf1e6 "mm/gup: Remove enfornced COW mechanism": GUP no longer forces FOLL_WRITE.
    t.gup_breaks_cow_for_read = false;
    return t;
  }();

  VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
};

}  // namespace cow::designs
