// Swap-out under a weak memory model (model/swap_out_weak.hpp). try_to_unmap_one
// (mm/rmap.c, v5.19 and v6.1), the PT lock held by page_vma_mapped_walk:
//   pteval = ptep_clear_flush(vma, address, pvmw.pte);                      (A1)  m1
//   anon_exclusive = folio_test_anon(folio) && PageAnonExclusive(subpage);
//   ...
//   /* See page_try_share_anon_rmap(): clear PTE first. */                  (6.1)
//   if (anon_exclusive &&
//       page_try_share_anon_rmap(subpage)) {                                (A2, A3)  sa
//           swap_free(entry);
//           set_pte_at(mm, address, pvmw.pte, pteval);
//           ret = false;
//           page_vma_mapped_walk_done(&pvmw);
//           break;
//   }
//   ...
//   swp_pte = swp_entry_to_pte(entry);
//   if (anon_exclusive)
//           swp_pte = pte_swp_mkexclusive(swp_pte);
//   set_pte_at(mm, address, pvmw.pte, swp_pte);                             (A4)  sb
// and page_vma_mapped_walk_done's pte_unmap_unlock (a release) in the same step. Unlike
// KSM's write_protect_page, nothing here compares page_count with page_mapcount: only
// page_maybe_dma_pinned (A2) stands between a concurrent GUP-fast pin and the clearing.
// (In 5.19, try_to_unmap_one flushed at once when anon_exclusive, "When having to clear
// PageAnonExclusive(), we always have to flush"; the model's flush is ptep_clear_flush.)
#include "model/swap_out_weak.hpp"

#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/memory_model.hpp"
#include "model/tlb.hpp"

namespace cow {
using namespace cow::kernel;

bool swap_out_weak_applies(const Step& st, const Design& d, unsigned mm, unsigned page) {
  if (!weak_ae_paths(st.sc, d)) return false;
  const Pte& p = st.s.pte(mm, page);
  if (!p.present()) return false;
  const Frame& fr = st.s.frames[p.frame];
  const Vma* vma = find_vma(st.s, mm, page);
  return (fr.flags & kFrameAnon) && (fr.flags & kFrameAnonExclusive) && !(fr.flags & kFrameKsm) &&
         !(fr.flags & kFrameSwapCache) && fr.mapcount == 1 && vma && !(vma->flags & kVmLocked);
}

bool swap_out_weak_step(Step& st, const Design& d, unsigned mm, unsigned page) {
  Thread& t = st.self();
  Pte& p = st.s.pte(mm, page);
  const u8 f = p.frame;
  Frame& fr = st.s.frames[f];
  switch (t.pc) {
    case kPcM1: {  // shrink_page_list: add_to_swap; try_to_unmap_one: (A1)
      if (d.traits().reclaim == Reclaim::SkipsPinned && fr.pincount > 0) {
        st.label = "shrink_page_list:page_maybe_dma_pinned(keep)";
        st.go(kPcM2);
        return true;
      }
      if (!locks::try_spin_lock(st.s.ptl(mm), st.tid)) return false;
      fr.flags |= kFrameSwapCache;  // add_to_swap
      get_page(st.s, f);
      t.saved = static_cast<u8>(1 + p.flags);
      p.flags = kPteCleared;
      flush_tlb_page(st, mm, page);
      st.label = "shrink_page_list:add_to_swap+try_to_unmap_one:ptep_clear_flush";
      st.go(kPcSa);
      return true;
    }
    case kPcSa: {  // (A2) [6.1: smp_mb] page_maybe_dma_pinned, (A3) ClearPageAnonExclusive
      const bool mb = d.traits().ae_barriers & kAeShareMb;
      if (mb && !buffer_empty(st.s, st.tid)) return false;
      if (fr.pincount > 0) {  // -EBUSY: set_pte_at(pteval); the page stays in the swap cache
        p.flags = static_cast<u8>(t.saved - 1);
        t.saved = 0;
        locks::spin_unlock(st.s.ptl(mm), st.tid);
        st.label = mb ? "try_to_unmap_one:page_try_share_anon_rmap:smp_mb+page_maybe_dma_pinned(EBUSY: set_pte_at, keep)"
                      : "try_to_unmap_one:page_try_share_anon_rmap:page_maybe_dma_pinned(EBUSY: set_pte_at, keep)";
        st.go(kPcM2);
        return true;
      }
      if (!buffer_rmw(st, kBufAeClear, f)) return false;
      st.label = mb ? "try_to_unmap_one:page_try_share_anon_rmap:smp_mb+page_maybe_dma_pinned(no)+ClearPageAnonExclusive"
                    : "try_to_unmap_one:page_try_share_anon_rmap:page_maybe_dma_pinned(no)+ClearPageAnonExclusive";
      st.go(kPcSb);
      return true;
    }
    case kPcSb: {  // [6.1: smp_mb__after_atomic] (A4) the swap entry; pte_unmap_unlock (release)
      if (!buffer_empty(st.s, st.tid)) return false;
      p = Pte{f, static_cast<u8>(kPteSwap | kPteSwpExclusive)};  // pte_swp_mkexclusive: anon_exclusive
      t.saved = 0;
      fr.swapcount++;
      page_remove_rmap(st.s, f);
      put_page(st.s, f);
      locks::spin_unlock(st.s.ptl(mm), st.tid);
      st.label = "try_to_unmap_one:set_pte_at(swp_pte, exclusive)+pte_unmap_unlock";
      st.go(kPcM2);
      return true;
    }
    default:
      UNREACHABLE("bad pc in weak swap-out");
  }
}

}  // namespace cow
