// v5.9-rc: 09854ba94c6a "mm: do_wp_page() simplification" (Linus, merged 4 Sep 2020,
// b25d1dc9474e) on the 5.8 fork: do_wp_page reuses an anonymous page only when it is the
// sole reference (page_count == 1), so a page with a GUP reference is always copied on a
// write fault. The generic GUP-fast of the era re-checks the PTE after taking its
// reference. v5.9 (model/designs/v5_9.cpp) adds the early COW at fork on top.
#pragma once
#include "model/designs/v2_6_27.hpp"

namespace cow::designs {

class V5_9_rc : public V2_6_27 {
 public:
  std::string_view name() const override { return "v5.9-rc"; }
  std::string_view summary() const override {
    return "do_wp_page reuses only when page_count == 1; fork write-protects and shares; GUP-fast re-checks the PTE";
  }
  std::string_view source() const override {
    return "09854ba94c6a (5.9-rc4): mm/memory.c do_wp_page; mm/gup.c gup_pte_range, try_grab_compound_head (v5.9)";
  }
  bool gup_fast_get_page(Step& st) const override;
  bool gup_fast_rechecks() const override { return true; }
  void do_wp_page(Step& st, unsigned mm, unsigned v) const override;
  SoftDirty soft_dirty() const override { return SoftDirty::Wrprotect; }  // clear_soft_dirty (3.11+)
  bool mlock_writes_shared() const override { return false; }  // 5ecfda041e4b (2.6.38)
  KsmProtect ksm_protect() const override { return KsmProtect::ClearFlush; }  // mm/ksm.c (2.6.32)
  bool foll_cow() const override { return true; }  // FOLL_COW + pte_dirty (19be0eaffa3a, 4.9)
};

}  // namespace cow::designs
