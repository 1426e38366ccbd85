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
//   KSM write_protect_page (model/ksm.cpp): page_try_share_anon_rmap
#include "model/designs/v5_19.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"
#include "model/page_lock.hpp"

namespace cow::designs {
using namespace cow::kernel;

// A populated anonymous page was faulted in by its owner: do_anonymous_page's
// page_add_new_anon_rmap marked it exclusive.
void V5_19::initial_state(const Scenario&, State& s) const {
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (s.frames[f].refcount && (s.frames[f].flags & kFrameAnon) && s.frames[f].mapcount == 1)
      set_exclusive(s, static_cast<u8>(f));
}

// page_add_new_anon_rmap (mm/rmap.c, v5.19): __page_set_anon_rmap(page, vma, address, 1),
// which does SetPageAnonExclusive(page).
void V5_19::new_anon_page(Step& st, u8 f) const { set_exclusive(st.s, f); }

// copy_present_pte (mm/memory.c, v5.19), both PT locks held, write_protect_seq odd:
//   page = vm_normal_page(src_vma, addr, pte);
//   if (page && PageAnon(page)) {
//           get_page(page);
//           if (unlikely(page_try_dup_anon_rmap(page, false, src_vma))) {
//                   /* Page maybe pinned, we have to copy. */
//                   put_page(page);
//                   return copy_present_page(dst_vma, src_vma, dst_pte, src_pte,
//                                            addr, rss, prealloc, page);
//           }
//           rss[mm_counter(page)]++;
//   } ...
//   if (is_cow_mapping(vm_flags) && pte_write(pte)) {
//           ptep_set_wrprotect(src_mm, addr, src_pte);
//           pte = pte_wrprotect(pte);
//   }
// page_try_dup_anon_rmap (include/linux/rmap.h):
//   if (!PageAnonExclusive(page))
//           goto dup;
//   if (likely(!is_device_private_page(page) &&
//       unlikely(page_needs_cow_for_dma(vma, page))))   // MMF_HAS_PINNED && page_maybe_dma_pinned
//           return -EBUSY;
//   ClearPageAnonExclusive(page);
// dup:
//   __page_dup_rmap(page, compound);
// As in v5.9, the decision (f2) and the write-protect (f2b, copy_one_pte_finish) are two
// steps; the seqcount keeps FOLL_PIN GUP-fast out of the window between them, FOLL_GET
// is not.
bool V5_19::copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const {
  st.label = "copy_present_pte:page_try_dup_anon_rmap";
  const u8 f = st.s.pte(src, v).frame;
  const Vma* vma = find_vma(st.s, src, v);
  if ((st.s.frames[f].flags & kFrameAnon) && exclusive(st.s.frames[f])) {
    if (vma && is_cow_mapping(*vma) && st.s.mms[src].has_pinned && st.s.frames[f].pincount > 0) {
      st.label = "copy_present_pte:page_try_dup_anon_rmap(EBUSY)+copy_present_page";
      const u8 g = alloc_copy(st, f);
      if (g == kNone) return true;
      set_pte(st.s, dst, v, g, false);
      maybe_mkwrite_dirty(st.s, dst, v);
      page_add_new_anon_rmap(st, *this, g, dst, v);
      return true;
    }
    clear_exclusive(st.s, f);
  }
  return false;  // get_page, page_dup_rmap, write-protect and the child's PTE: f2b
}

// do_wp_page (mm/memory.c, v5.19), PT lock held, anonymous page; with
// FAULT_FLAG_UNSHARE (an R/O pin) the same decision, but a reused page stays mapped R/O
// and a copy is mapped R/O (wp_page_copy: "if (unlikely(unshare)) { ... } else { entry =
// maybe_mkwrite(pte_mkdirty(entry), vma); }"):
//   if (PageAnon(vmf->page)) {
//           struct page *page = vmf->page;
//           if (PageAnonExclusive(page))
//                   goto reuse;
//           if (PageKsm(page) || page_count(page) > 3)
//                   goto copy;
//           if (!PageLRU(page))
//                   lru_add_drain();
//           if (page_count(page) > 1 + PageSwapCache(page))
//                   goto copy;
//           if (!trylock_page(page))
//                   goto copy;
//           if (PageSwapCache(page))
//                   try_to_free_swap(page);
//           if (PageKsm(page) || page_count(page) != 1) {
//                   unlock_page(page);
//                   goto copy;
//           }
//           page_move_anon_rmap(page, vma);
//           unlock_page(page);
//   reuse:
//           if (unlikely(unshare)) {
//                   pte_unmap_unlock(vmf->pte, vmf->ptl);
//                   return 0;
//           }
//           wp_page_reuse(vmf);
//           return VM_FAULT_WRITE;
//   }
//   ...
//   copy: ... return wp_page_copy(vmf);
// (The counts are the kernel's: do_wp_page takes its own reference only on the copy
// path.) The page lock: a PageAnonExclusive page is reused without it; otherwise
// trylock_page failing (kFramePageLocked: another holds it, op hold_page_lock) copies,
// after the refcount tests that a holder's own reference already fails. 6.18 (v6_18.cpp
// runs this code) has it as wp_can_reuse_anon_folio (mm/memory.c, 6.18) for a small
// folio: "if (!folio_trylock(folio)) return false;" between the same count tests.
VmFault V5_19::do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const {
  const bool unshare = flags & kFaultFlagUnshare;
  const u8 old = st.s.pte(mm, v).frame;
  const Frame& f = st.s.frames[old];
  bool reuse = false;
  if (!(f.flags & kFrameAnon) || (f.flags & kFrameKsm)) {
    reuse = false;
  } else if (exclusive(f)) {
    reuse = true;
  } else if (f.refcount <= 3 && f.refcount <= 1u + ((f.flags & kFrameSwapCache) ? 1u : 0u) &&
             !page_locked(st.s, old)) {  // page_count tests; trylock_page
    try_to_free_swap(st, old);
    if (st.s.frames[old].refcount == 1) {
      set_exclusive(st.s, old);  // page_move_anon_rmap
      reuse = true;
    }
  }
  if (reuse) {
    if (unshare) {
      st.label = "do_wp_page(FAULT_FLAG_UNSHARE):exclusive(stays R/O)";
      return 0;
    }
    st.label = "do_wp_page:wp_page_reuse";
    return wp_page_reuse(st, mm, v);
  }
  st.label = unshare ? "do_wp_page(FAULT_FLAG_UNSHARE):wp_page_copy(R/O)" : "do_wp_page:wp_page_copy";
  return wp_page_copy(st, *this, mm, v, flags);  // page_add_new_anon_rmap: the copy is exclusive
}

// do_swap_page (mm/memory.c, v5.19), PT lock held, the page in the swap cache:
//   exclusive = pte_swp_exclusive(vmf->orig_pte);
//   swap_free(entry);
//   if (should_try_to_free_swap(page, vma, vmf->flags))
//           try_to_free_swap(page);   // FAULT_FLAG_WRITE && page_count(page) == 2: the swap cache and this fault
//   if (!PageKsm(page) && (exclusive || page_count(page) == 1)) {
//           if (vmf->flags & FAULT_FLAG_WRITE) {
//                   pte = maybe_mkwrite(pte_mkdirty(pte), vma);
//                   vmf->flags &= ~FAULT_FLAG_WRITE;
//                   ret |= VM_FAULT_WRITE;
//           }
//           rmap_flags |= RMAP_EXCLUSIVE;
//   }
// (The kernel's counts include the fault's own reference; the model's do not.)
VmFault V5_19::do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const {
  const bool write = flags & kFaultFlagWrite;
  Pte& p = st.s.pte(mm, v);
  const u8 f = p.frame;
  const bool was_exclusive = p.flags & kPteSwpExclusive;
  Frame& fr = st.s.frames[f];
  fr.swapcount--;  // swap_free(entry)
  if (write && fr.refcount == 1 && fr.swapcount == 0 && (fr.flags & kFrameSwapCache)) {
    fr.flags &= static_cast<u8>(~kFrameSwapCache);  // try_to_free_swap: the cache's reference goes
    fr.refcount = 0;  // (the fault's own reference, which the mapping takes over, keeps the page)
  }
  const bool excl = !(fr.flags & kFrameKsm) && (was_exclusive || fr.refcount == 0);  // page_count(page) == 1
  fr.refcount++;  // the mapping's reference
  fr.mapcount++;  // page_add_anon_rmap
  set_pte(st.s, mm, v, f, false);
  if (write && excl) maybe_mkwrite_dirty(st.s, mm, v);
  if (excl) set_exclusive(st.s, f);  // RMAP_EXCLUSIVE
  st.label = excl ? (write ? "do_swap_page(write):exclusive(reuse)" : "do_swap_page:exclusive")
                  : (write ? "do_swap_page(write):shared" : "do_swap_page:shared");
  return write && excl ? kVmFaultWrite : 0;
}

// gup_must_unshare (include/linux/mm.h, v5.19):
//   if ((flags & (FOLL_WRITE | FOLL_PIN)) != FOLL_PIN)
//           return false;
//   if (!PageAnon(page))
//           return false;
//   return !PageAnonExclusive(page);
bool V5_19::gup_must_unshare(const State& s, const Op& op, u8 f, const Vma*) const {
  if (!op.foll_pin || op.gup_write || f >= kMaxFrames) return false;
  return (s.frames[f].flags & kFrameAnon) && !exclusive(s.frames[f]);
}

// try_to_unmap_one (mm/rmap.c, v5.19), the PTE cleared and flushed:
//   if (anon_exclusive &&
//       page_try_share_anon_rmap(subpage)) {
//           swap_free(entry);
//           set_pte_at(mm, address, pvmw.pte, pteval);
//           ret = false;
//           page_vma_mapped_walk_done(&pvmw);
//           break;
//   }
// page_try_share_anon_rmap (include/linux/rmap.h):
//   if (likely(!is_device_private_page(page) &&
//       unlikely(page_maybe_dma_pinned(page))))
//           return -EBUSY;
//   ClearPageAnonExclusive(page);
bool V5_19::try_to_unmap_share(Step& st, u8 f) const {
  if (!exclusive(st.s.frames[f])) return true;
  if (st.s.frames[f].pincount > 0) return false;
  clear_exclusive(st.s, f);
  return true;
}

static const RegisterDesign<V5_19> registered;

}  // namespace cow::designs
