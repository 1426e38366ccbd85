// Swap-out and swap-in, and unmapping. The model's swap device is the swap cache: a
// swapped-out page is never written out and freed, so a swap-in always finds it in the
// swap cache (lookup_swap_cache), with the reference the cache holds. That is the case
// the reuse rules of do_wp_page and do_swap_page disagree on (refcount vs mapcount).
#include "model/design.hpp"
#include "model/invariant.hpp"
#include "model/kernel.hpp"

namespace cow {
namespace kernel {

void try_to_free_swap(Step& st, u8 f) {
  Frame& fr = st.s.frames[f];
  if (!(fr.flags & kFrameSwapCache) || fr.swapcount != 0) return;
  fr.flags &= static_cast<u8>(~kFrameSwapCache);  // delete_from_swap_cache
  put_page(st.s, f);
}

void swap_in_map(Step& st, unsigned mm, unsigned v, bool writable) {
  Pte& p = st.s.pte(mm, v);
  INVARIANT(p.swapped(), "swap-in of a PTE that is not a swap entry");
  const u8 f = p.frame;
  Frame& fr = st.s.frames[f];
  INVARIANT(fr.swapcount > 0 && (fr.flags & kFrameSwapCache), "swap entry without its swap-cache page");
  fr.swapcount--;  // swap_free(entry)
  get_page(st.s, f);
  page_dup_rmap(st.s, f);  // page_add_anon_rmap
  set_pte(st.s, mm, v, f, writable);
  if (writable) p.flags |= kPteDirty;  // maybe_mkwrite(pte_mkdirty(pte))
}

void zap_pte(Step& st, unsigned mm, unsigned v) {
  Pte& p = st.s.pte(mm, v);
  if (p.present()) {
    const u8 f = p.frame;
    page_remove_rmap(st.s, f);
    p = Pte{};
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

// do_swap_page (mm/memory.c, v5.8), PT lock held:
//   if ((vmf->flags & FAULT_FLAG_WRITE) && reuse_swap_page(page, NULL)) {
//           pte = maybe_mkwrite(pte_mkdirty(pte), vma); vmf->flags &= ~FAULT_FLAG_WRITE; }
//   set_pte_at(...); do_page_add_anon_rmap(...); swap_free(entry);
//   if (vmf->flags & FAULT_FLAG_WRITE) ret |= do_wp_page(vmf);   (the caller, here)
// reuse_swap_page (mm/swapfile.c, v5.8): count = page_mapcount + page_swapcount (this
// entry included); reuse iff count <= 1, and then delete_from_swap_cache. 2.6.27's
// do_swap_page uses can_share_swap_page, which counts the same way. Neither looks at
// page_count: a GUP reference does not stop the reuse.
void Design::do_swap_page(Step& st, unsigned mm, unsigned v, bool write) const {
  using namespace kernel;
  st.label = write ? "do_swap_page(write)" : "do_swap_page";
  const u8 f = st.s.pte(mm, v).frame;
  const Frame& fr = st.s.frames[f];
  const bool reuse = write && fr.mapcount + fr.swapcount <= 1;  // reuse_swap_page
  swap_in_map(st, mm, v, reuse);
  if (reuse) {
    st.label = "do_swap_page(write):reuse_swap_page";
    try_to_free_swap(st, f);
  }
}

}  // namespace cow
