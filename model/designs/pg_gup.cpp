// Design pg_gup — Andrea Arcangeli's "fork-o_direct-race" fix, March 2009 (NAKed by Linus:
// "That whole fork_pre_cow function is too f*cking ugly to live"), in
// <20090316135654.GA17949@random.random>: "This fixes it by copying the anon page (instead
// of sharing it) within fork, if there can be any direct I/O in flight to the page.
// gup-fast is taken care of without flushing the smp-tlb for every parent-pte
// wrprotected, by wrprotecting the pte before checking the page count vs mapcount.
// gup-fast will then re-check that the pte is still available in write mode after having
// increased the page count". PG_gup marks pages GUP ever referenced, so that pagevec
// references (not in this model) give no false positives; it is cleared when the page
// is freed (the model's put_page forgets a freed frame's flags).
//
// Built on v2.6.27 (its do_wp_page, locks and slow GUP), with:
//   GUP-fast (x86 gup_pte_range), per pte:
//     get_page(page); if (PageAnon(page)) { if (!PageGUP(page)) SetPageGUP(page); smp_mb();
//         if ((gup_get_pte(ptep) & mask) != mask|RW) { put_page(page); return 0; } }  // slow GUP
//   follow_page (slow GUP): if (!PageGUP(page)) SetPageGUP(page); get_page(page);
//   copy_one_pte (fork), COW mapping with a writable pte:
//     ptep_set_wrprotect(src); get_page(page); page_dup_rmap(page);      // write-protect FIRST
//     if (PageAnon(page)) { smp_mb(); if (PageGUP(page) && trylock_page(page)) {
//         if (page_count(page) != page_mapcount(page) + !!PageSwapCache(page)) forcecow = 1;
//         unlock_page(page); } }
//     forcecow: fork_pre_cow() copies the page for the child (mapped writable) and makes
//     the parent's pte writable again.
// The model does fork_pre_cow inside the step (the kernel drops both PT locks to allocate
// and retries the pte if it changed); the page lock is always taken (no contention modelled,
// the kernel's failed trylock also forces the copy).
#include "model/designs/pg_gup.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

bool PgGup::gup_fast_grab(Step& st) const {
  const Op& op = st.op();
  const u8 f = st.self().frame;
  get_page(st.s, f);
  if (st.s.frames[f].flags & kFrameAnon) {
    st.s.frames[f].flags |= kFrameGup;  // SetPageGUP
    if (!pte_still_maps(st.s, st.def().mm, op.page, f, op.gup_write || traits().gup_breaks_cow_for_read)) {  // the re-check after smp_mb()
      st.label = "gup_pte_range:get_page+SetPageGUP+recheck(put_page)";
      put_page(st.s, f);
      return false;
    }
  }
  st.label = "gup_pte_range:get_page+SetPageGUP";
  pin_taken(st, op.pin, f);
  return true;
}

void PgGup::gup_slow_got_page(Step& st, u8 f) const {
  if (st.s.frames[f].flags & kFrameAnon) st.s.frames[f].flags |= kFrameGup;  // follow_page: SetPageGUP
}

bool PgGup::copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const {
  st.label = "copy_one_pte";
  Pte& p = st.s.pte(src, v);
  const Vma* vma = find_vma(st.s, src, v);
  const bool cow = vma && is_cow_mapping(*vma);
  const bool was_writable = p.writable();
  share_wrprotected(st, src, dst, v);  // ptep_set_wrprotect, get_page, page_dup_rmap, child pte
  const u8 f = p.frame;
  const Frame& fr = st.s.frames[f];
  if (cow && was_writable && (fr.flags & kFrameAnon) && (fr.flags & kFrameGup) && fr.refcount != fr.mapcount) {
    // fork_pre_cow: the child gets a copy, the parent's pte is writable again
    st.label = "copy_one_pte:PageGUP+fork_pre_cow";
    const u8 g = alloc_copy(st, f);
    if (g == kNone) return true;
    page_remove_rmap(st.s, f);
    put_page(st.s, f);
    set_pte(st.s, dst, v, g, false);
    maybe_mkwrite_dirty(st.s, dst, v);
    page_add_new_anon_rmap(st, *this, g, dst, v);
    pte_mkwrite(st.s.pte(src, v));
  }
  return true;
}

static const RegisterDesign<PgGup> registered;

}  // namespace cow::designs
