// v2.6.27 (2008): the baseline the O_DIRECT-vs-fork thread argued about. forcecow and
// brlock derive from it and override only the steps their patches change.
#pragma once
#include "model/design.hpp"

namespace cow::designs {

class V2_6_27 : public Design {
 public:
  std::string_view name() const override { return "v2.6.27"; }
  std::string_view summary() const override {
    return "fork write-protects and shares; do_wp_page reuses on mapcount; GUP-fast without re-check";
  }
  std::string_view source() const override {
    return "v2.6.27: kernel/fork.c dup_mmap, mm/memory.c copy_one_pte/do_wp_page/get_user_pages, "
           "arch/x86/mm/gup.c (8174c430e445)";
  }
  bool fork_pte_lock(Step& st, unsigned src_mm) const override;
  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override;
  void fork_pte_unlock(Step& st, unsigned src_mm) const override;
  bool gup_fast_has_enter(const Op&) const override { return false; }
  bool gup_fast_enter(Step& st) const override;
  bool gup_fast_read_pte(Step& st, unsigned mm, unsigned v, bool write) const override;
  bool gup_fast_get_page(Step& st) const override;
  void do_wp_page(Step& st, unsigned mm, unsigned v) const override;
  // make_pages_present (mm/memory.c, v2.6.27): write = (vma->vm_flags & VM_WRITE) != 0;
  // mlock faults every page of a writable VMA for write, shared ones too (until 2.6.38).
  bool mlock_writes_shared() const override { return true; }
  // KSM (merged in 2.6.32) as the 2008 thread describes it before the GUP-fast problem:
  // "1) take PT lock, 2) compare count vs mapcount 3) mark the pte wrprotected 4) bailout
  // if they aren't the same, 5) release PT lock" (Arcangeli, <20081104150449.GA31975@random.random>).
  KsmProtect ksm_protect() const override { return KsmProtect::PtLock; }

 protected:
  // The parent's half of copy_one_pte for a COW mapping: write-protect both PTEs and
  // share the frame (get_page + page_dup_rmap).
  static void share_wrprotected(Step& st, unsigned src, unsigned dst, unsigned v);
  // can_share_swap_page (2.6.27) / reuse_swap_page (5.8): the page's mappings plus the swap
  // entries naming it come to one: this PTE's.
  static bool mapcount_reuse(const Frame& f) {
    unsigned count = f.mapcount;
    if (count <= 1 && (f.flags & kFrameSwapCache)) count += f.swapcount;
    return count == 1;
  }
};

}  // namespace cow::designs
