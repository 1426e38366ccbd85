// v2.6.27 (October 2008): the kernel of the linux-mm thread "RFC: race between o_direct and
// fork" <20080925183846.GA6877@duo.random>, and the root of the design tree: it defines
// every hook model/design.hpp leaves to the designs. Every other design derives from the
// design its patch applies to. See v2_6_27.cpp.
#pragma once
#include "model/design.hpp"
#include "model/state.hpp"

namespace cow::designs {

class V2_6_27 : public Design {
 public:
  static constexpr DesignTraits kTraits{
      .name = "v2.6.27",
      .base = "",
      .kernel = "2.6.27",
      .kind = DesignKind::Release,
      .date = "2008-10-09",
      .summary = "fork write-protects and shares; do_wp_page reuses on mapcount; GUP-fast without re-check",
      .source = "v2.6.27: kernel/fork.c dup_mmap, mm/memory.c copy_one_pte/do_wp_page/get_user_pages, "
                "arch/x86/mm/gup.c (8174c430e445)",
      .gup_fast_walk = GupFastWalk::NoRecheck,
      .gup_fast_sync = GupFastSync::None,
      .gup_breaks_cow_for_read = false,
      .page_tables = PageTables::PerMm,
      .anon_exclusive = false,
      .soft_dirty = SoftDirty::None,
      .reclaim = Reclaim::UnmapsPinned,
      // make_pages_present (mm/memory.c, v2.6.27): write = (vma->vm_flags & VM_WRITE) != 0.
      .mlock = MlockPopulate::WriteFaultsShared,
      // KSM (merged in 2.6.32) as the 2008 thread describes it before the GUP-fast
      // problem: "1) take PT lock, 2) compare count vs mapcount 3) mark the pte
      // wrprotected 4) bailout if they aren't the same, 5) release PT lock" (Arcangeli,
      // <20081104150449.GA31975@random.random>).
      .ksm_protect = KsmProtect::PtLock,
      .ksm_wrprotect = KsmWrprotect::PteWrite,
  };

  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override;
  VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
  VmFault do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
  bool can_follow_write_pte(const State& s, const Pte& pte, const Vma& vma, FollFlags flags) const override;
  FollFlags faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const override;

 protected:
  // The parent's half of copy_one_pte for a COW mapping: write-protect both PTEs and
  // share the frame (get_page + page_dup_rmap).
  static void share_wrprotected(Step& st, unsigned src, unsigned dst, unsigned v);
  // can_share_swap_page (2.6.27) / reuse_swap_page (5.8): the page's mappings plus the swap
  // entries naming it come to one: this PTE's.
  // do_swap_page's mapping of the swap-cache page, reusing it for a write fault when
  // can_share_swap_page / reuse_swap_page allows it; returns whether it did.
  static bool swap_in(Step& st, unsigned mm, unsigned v, FaultFlags flags);
  static bool mapcount_reuse(const Frame& f) {
    unsigned count = f.mapcount;
    if (count <= 1 && (f.flags & kFrameSwapCache)) count += f.swapcount;
    return count == 1;
  }
};

}  // namespace cow::designs
