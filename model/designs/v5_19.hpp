// v5.19: PageAnonExclusive, David Hildenbrand's "mm: COW fixes part 2: reliable GUP pins
// of anonymous pages" (<20220428083441.37290-1-david@redhat.com>: 6c287605fd56,
// c89357e27f20, a7f226604170, ...) and "part 3: reliable GUP R/W FOLL_GET of anonymous
// pages" (<20220329164329.208407-1-david@redhat.com>: 1493a1913e34 keeps the bit in swap
// PTEs), on top of v5.11 and the 5.18 "COW fixes part 1" reuse rule. From the cover
// letter: "we track via a pageflag (PG_anon_exclusive) whether a mapped anonymous page is
// exclusive. Exclusive anonymous pages that are mapped R/O can directly be mapped R/W by
// the COW logic in the write fault handler. Exclusive anonymous pages that want to be
// shared (fork(), KSM) first have to mark a mapped anonymous page shared -- which will
// fail if there are GUP pins on the page. GUP is only allowed to take a pin on anonymous
// pages that is exclusive."
//
// Where the flag is set and cleared (mm/memory.c, mm/rmap.c, mm/gup.c, v5.19):
//   page_add_new_anon_rmap (do_anonymous_page, wp_page_copy, fork's copy): AE = 1
//   do_wp_page reuse of a non-exclusive page: page_move_anon_rmap: AE = 1
//   fork, copy_present_pte: page_try_dup_anon_rmap: AE = 0, or -EBUSY when the mm has
//       pinned and the page is maybe pinned (then copy_present_page gives the child a copy)
//   swap-out, try_to_unmap_one: page_try_share_anon_rmap: AE = 0 (kept in the swap PTE's
//       exclusive bit), or the unmap fails for a maybe-pinned page
//   do_swap_page: exclusive = pte_swp_exclusive(orig_pte) -> RMAP_EXCLUSIVE
#pragma once
#include "model/designs/v5_11.hpp"
#include "model/kernel.hpp"

namespace cow::designs {

class V5_19 : public V5_11 {
 public:
  std::string_view name() const override { return "v5.19"; }
  std::string_view summary() const override {
    return "PageAnonExclusive: reuse exclusive pages, fork and swap-out fail to share pinned ones, R/O pins unshare";
  }
  std::string_view source() const override {
    return "6c287605fd56, c89357e27f20, a7f226604170, 1493a1913e34 (5.19): mm/memory.c do_wp_page, "
           "copy_present_pte, do_swap_page; mm/rmap.c page_try_dup_anon_rmap; mm/gup.c gup_must_unshare";
  }
  bool has_anon_exclusive() const override { return true; }

  // A populated anonymous page was faulted in by its owner: do_anonymous_page's
  // page_add_new_anon_rmap marked it exclusive.
  void initial_state(const Scenario&, State& s) const override {
    for (unsigned f = 0; f < kMaxFrames; ++f)
      if (s.frames[f].refcount && (s.frames[f].flags & kFrameAnon) && s.frames[f].mapcount == 1)
        set_exclusive(s, static_cast<u8>(f));
  }
  void new_anon_page(Step& st, u8 f) const override { set_exclusive(st.s, f); }

  // copy_present_pte (mm/memory.c, v5.19), both PT locks held, write_protect_seq odd:
  //   if (page && PageAnon(page)) {
  //           get_page(page);
  //           if (unlikely(page_try_dup_anon_rmap(page, false, src_vma))) {
  //                   kernel::put_page(page);                 /* Page maybe pinned, we have to copy. */
  //                   return copy_present_page(...); }
  //   ...  if (kernel::is_cow_mapping(vm_flags) && pte_write(pte)) { ptep_set_wrprotect(src_mm, addr, src_pte); ... }
  // page_try_dup_anon_rmap (include/linux/rmap.h): if (!PageAnonExclusive(page)) goto dup;
  //   if (page_needs_cow_for_dma(vma, page)) return -EBUSY;   // MMF_HAS_PINNED && page_maybe_dma_pinned
  //   ClearPageAnonExclusive(page); dup: __page_dup_rmap(page, compound);
  // As in v5.9, the decision (f2) and the write-protect (f2b) are two steps; the
  // seqcount keeps FOLL_PIN GUP-fast out of the window between them, FOLL_GET is not.
  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override {
    st.label = "copy_present_pte:page_try_dup_anon_rmap";
    const Pte& p = st.s.pte(src, v);
    if (!p.present()) return true;
    const u8 f = p.frame;
    const Vma* vma = kernel::find_vma(st.s, src, v);
    if ((st.s.frames[f].flags & kFrameAnon) && exclusive(st.s.frames[f])) {
      if (vma && kernel::is_cow_mapping(*vma) && st.s.mms[src].has_pinned && st.s.frames[f].pincount > 0) {
        st.label = "copy_present_pte:page_try_dup_anon_rmap(EBUSY)+copy_present_page";
        u8 g = kernel::alloc_copy(st, f);
        if (g == kNone) return true;
        kernel::set_pte(st.s, dst, v, g, true);
        set_exclusive(st.s, g);  // page_add_new_anon_rmap
        return true;
      }
      clear_exclusive(st.s, f);
    }
    return false;  // get_page, page_dup_rmap, write-protect and the child's PTE: f2b
  }

  // do_wp_page (mm/memory.c, v5.19), PT lock held, anonymous page; with
  // FAULT_FLAG_UNSHARE (R/O pin) the same decision, but a reused page stays mapped R/O
  // and a copy is mapped R/O:
  //   if (PageAnonExclusive(page)) goto reuse;
  //   if (PageKsm(page) || page_count(page) > 3) goto copy;
  //   if (!PageLRU(page)) lru_add_drain();
  //   if (page_count(page) > 1 + PageSwapCache(page)) goto copy;
  //   if (!trylock_page(page)) goto copy;
  //   if (PageSwapCache(page)) kernel::try_to_free_swap(page);
  //   if (PageKsm(page) || page_count(page) != 1) { unlock_page(page); goto copy; }
  //   page_move_anon_rmap(page, vma);  unlock_page(page);
  // reuse: if (unshare) return 0; wp_page_reuse(vmf);
  // copy:  kernel::wp_page_copy(vmf): new page, page_add_new_anon_rmap (exclusive)
  void do_wp_page(Step& st, unsigned mm, unsigned v) const override { wp(st, mm, v, false); }
  void do_unshare(Step& st, unsigned mm, unsigned v) const override { wp(st, mm, v, true); }

  // gup_must_unshare (mm/internal.h, v5.19): only R/O pins (FOLL_PIN without FOLL_WRITE)
  // of anonymous pages that are not exclusive.
  bool gup_must_unshare(const State& s, const Op& op, u8 f) const override {
    if (!op.foll_pin || op.gup_write || f >= kMaxFrames) return false;
    return (s.frames[f].flags & kFrameAnon) && !exclusive(s.frames[f]);
  }
  // gup_pte_range (mm/gup.c, v5.19), after the grab and the PTE re-check:
  //   if (!pte_write(pte) && gup_must_unshare(flags, page)) { gup_put_folio(...); goto pte_unmap; }
  bool gup_fast_get_page(Step& st) const override {
    const Op& op = st.op();
    const u8 f = st.self().frame;
    const Pte& p = st.s.pte(st.def().mm, op.page);
    if (!p.writable() && gup_must_unshare(st.s, op, f)) {
      st.label = "gup_pte_range:gup_must_unshare(put back: slow GUP)";
      return false;
    }
    return V5_11::gup_fast_get_page(st);
  }

  // do_swap_page (mm/memory.c, v5.19), PT lock held, the page in the swap cache:
  //   exclusive = pte_swp_exclusive(vmf->orig_pte);
  //   swap_free(entry);
  //   if (should_try_to_free_swap(page, vma, vmf->flags)) kernel::try_to_free_swap(page);
  //       // FAULT_FLAG_WRITE && page_count(page) == 2: the swap cache and this fault
  //   if (!PageKsm(page) && (exclusive || page_count(page) == 1)) {
  //           if (vmf->flags & FAULT_FLAG_WRITE) pte = maybe_mkwrite(pte_mkdirty(pte), vma);
  //           rmap_flags |= RMAP_EXCLUSIVE; }
  // (The kernel's counts include the fault's own reference; the model's do not.)
  void do_swap_page(Step& st, unsigned mm, unsigned v, bool write) const override {
    Pte& p = st.s.pte(mm, v);
    const u8 f = p.frame;
    const bool was_exclusive = p.flags & kPteSwpExclusive;
    Frame& fr = st.s.frames[f];
    fr.swapcount--;  // swap_free(entry)
    if (write && fr.refcount == 1 && fr.swapcount == 0 && (fr.flags & kFrameSwapCache)) {
      fr.flags &= static_cast<u8>(~kFrameSwapCache);  // try_to_free_swap: the cache's reference goes
      fr.refcount = 0;  // (the fault's own reference, which the mapping takes over, keeps the page)
    }
    const bool excl = was_exclusive || fr.refcount == 0;  // page_count(page) == 1
    fr.refcount++;  // the mapping's reference
    fr.mapcount++;  // page_add_anon_rmap
    kernel::set_pte(st.s, mm, v, f, write && excl);
    if (write && excl) p.flags |= kPteDirty;
    if (excl) set_exclusive(st.s, f);  // RMAP_EXCLUSIVE
    st.label = excl ? (write ? "do_swap_page(write):exclusive(reuse)" : "do_swap_page:exclusive")
                    : (write ? "do_swap_page(write):shared" : "do_swap_page:shared");
  }

  // try_to_unmap_one (mm/rmap.c, v5.19), the PTE cleared and flushed:
  //   if (anon_exclusive && page_try_share_anon_rmap(subpage)) { set_pte_at(mm, address, pvmw.pte, pteval); ret = false; break; }
  // page_try_share_anon_rmap: if (unlikely(page_maybe_dma_pinned(page))) return -EBUSY;
  //   ClearPageAnonExclusive(page);
  bool try_to_unmap_share(Step& st, u8 f) const override {
    if (!exclusive(st.s.frames[f])) return true;
    if (st.s.frames[f].pincount > 0) return false;
    clear_exclusive(st.s, f);
    return true;
  }

 protected:
  static bool exclusive(const Frame& f) { return f.flags & kFrameAnonExclusive; }
  static void set_exclusive(State& s, u8 f) { s.frames[f].flags |= kFrameAnonExclusive; }
  static void clear_exclusive(State& s, u8 f) { s.frames[f].flags &= static_cast<u8>(~kFrameAnonExclusive); }

 private:
  void wp(Step& st, unsigned mm, unsigned v, bool unshare) const {
    Pte& p = st.s.pte(mm, v);
    const u8 old = p.frame;
    Frame& f = st.s.frames[old];
    bool reuse = false;
    if (!(f.flags & kFrameAnon)) {
      reuse = false;
    } else if (exclusive(f)) {
      reuse = true;
    } else if (f.refcount <= 3 && f.refcount <= 1u + ((f.flags & kFrameSwapCache) ? 1u : 0u)) {
      kernel::try_to_free_swap(st, old);
      if (st.s.frames[old].refcount == 1) {
        set_exclusive(st.s, old);  // page_move_anon_rmap
        reuse = true;
      }
    }
    if (reuse) {
      if (unshare) {
        st.label = "do_wp_page(FAULT_FLAG_UNSHARE):exclusive(stays R/O)";
        return;
      }
      st.label = "do_wp_page:wp_page_reuse";
      kernel::pte_mkwrite(p);
      p.flags |= kPteDirty;
      return;
    }
    st.label = unshare ? "do_wp_page(FAULT_FLAG_UNSHARE):wp_page_copy(R/O)" : "do_wp_page:wp_page_copy";
    u8 g = kernel::wp_page_copy(st, mm, v, !unshare);
    if (g == kNone) return;
    if (!unshare) st.s.pte(mm, v).flags |= kPteDirty;
    set_exclusive(st.s, g);  // page_add_new_anon_rmap
  }
};

}  // namespace cow::designs
