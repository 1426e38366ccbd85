// v5.19: PageAnonExclusive (see v5_19.cpp).
#pragma once
#include "model/designs/v5_11.hpp"

namespace cow::designs {

class V5_19 : public V5_11 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_11::kTraits;
    t.name = "v5.19";
    t.base = "v5.11";
    t.kernel = "5.19";
    t.date = "2022-07-31";
    t.summary = "PageAnonExclusive: reuse exclusive pages, fork and swap-out fail to share pinned ones, R/O pins unshare";
    t.source = "6c287605fd56, c89357e27f20, a7f226604170, 1493a1913e34 (5.19): mm/memory.c do_wp_page, "
               "copy_present_pte, do_swap_page; include/linux/rmap.h page_try_dup_anon_rmap; "
               "include/linux/mm.h gup_must_unshare";
    t.anon_exclusive = true;
    return t;
  }();

  void initial_state(const Scenario& sc, State& s) const override;
  void new_anon_page(Step& st, u8 f) const override;
  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override;
  VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
  VmFault do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;
  bool gup_must_unshare(const State& s, const Op& op, u8 f, const Vma* vma) const override;
  bool try_to_unmap_share(Step& st, u8 f) const override;

 protected:
  static bool exclusive(const Frame& f) { return f.flags & kFrameAnonExclusive; }
  static void set_exclusive(State& s, u8 f) { s.frames[f].flags |= kFrameAnonExclusive; }
  static void clear_exclusive(State& s, u8 f) { s.frames[f].flags &= static_cast<u8>(~kFrameAnonExclusive); }
};

}  // namespace cow::designs
