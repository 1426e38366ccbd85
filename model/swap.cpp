// Swap-out and swap-in, and unmapping. The model's swap device is the swap cache: a
// swapped-out page is never written out and freed, so a swap-in always finds it in the
// swap cache (lookup_swap_cache), with the reference the cache holds. That is the case
// the reuse rules of do_wp_page and do_swap_page disagree on (refcount vs mapcount).
#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/tlb.hpp"

namespace cow {
namespace kernel {

void try_to_free_swap(Step& st, u8 f) {
  Frame& fr = st.s.frames[f];
  if (!(fr.flags & kFrameSwapCache) || fr.swapcount != 0) return;
  fr.flags &= static_cast<u8>(~kFrameSwapCache);  // delete_from_swap_cache
  put_page(st.s, f);
}

void swap_in_map(Step& st, unsigned mm, unsigned v, bool reuse) {
  Pte& p = st.s.pte(mm, v);
  INVARIANT(p.swapped(), "swap-in of a PTE that is not a swap entry");
  const u8 f = p.frame;
  Frame& fr = st.s.frames[f];
  INVARIANT(fr.swapcount > 0 && (fr.flags & kFrameSwapCache), "swap entry without its swap-cache page");
  fr.swapcount--;  // swap_free(entry)
  get_page(st.s, f);
  page_dup_rmap(st.s, f);  // page_add_anon_rmap
  set_pte(st.s, mm, v, f, false);
  if (reuse) maybe_mkwrite_dirty(st.s, mm, v);  // pte = maybe_mkwrite(pte_mkdirty(pte), vma)
}

void zap_pte(Step& st, unsigned mm, unsigned v) {
  Pte& p = st.s.pte(mm, v);
  if (p.present()) {
    const u8 f = p.frame;
    page_remove_rmap(st.s, f);
    p = Pte{};
    flush_tlb_page(st, mm, v);  // tlb_finish_mmu: the TLB flush, then the pages are freed
    put_page(st.s, f);  // (tlb_remove_page: the reference goes when the TLB is flushed)
  } else if (p.swapped()) {
    const u8 f = p.frame;
    p = Pte{};
    INVARIANT(st.s.frames[f].swapcount > 0, "free of a swap entry no page counts");
    st.s.frames[f].swapcount--;  // free_swap_and_cache
    if (st.s.frames[f].mapcount == 0) try_to_free_swap(st, f);
  }
}

void copy_swap_pte(Step& st, unsigned src, unsigned dst, unsigned v) {
  Pte& p = st.s.pte(src, v);
  st.label = "copy_one_pte:swap_duplicate";
  INVARIANT(st.s.frames[p.frame].swapcount < 0xFF, "swapcount overflow");
  st.s.frames[p.frame].swapcount++;  // swap_duplicate(entry)
  p.flags &= static_cast<u8>(~kPteSwpExclusive);  // 5.19 copy_nonpresent_pte: pte_swp_clear_exclusive
  st.s.pte(dst, v) = p;
}

}  // namespace kernel

}  // namespace cow
