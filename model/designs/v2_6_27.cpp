// Design v2.6.27 — mainline Linux 2.6.27 (October 2008), the kernel of the linux-mm
// thread "RFC: race between o_direct and fork" <20080925183846.GA6877@duo.random>.
//
//   fork:        copy_one_pte write-protects the parent PTE of a COW mapping and maps
//                the same page read-only in the child (refcount++, mapcount++).
//   write fault: do_wp_page reuses the page when can_share_swap_page() says the mapcount
//                is 1, else copies; page_count (GUP references) is ignored.
//   GUP-fast:    x86 gup_pte_range reads the PTE locklessly, checks PRESENT|USER|RW and
//                takes get_page(); it never re-reads the PTE (8174c430e445).
#include "model/designs/v2_6_27.hpp"

#include "model/kernel.hpp"
#include "model/locks.hpp"

namespace cow::designs {
using namespace cow::kernel;

// copy_pte_range (mm/memory.c, v2.6.27): spin_lock(dst_ptl); spin_lock_nested(src_ptl).
// The child's table is not reachable by anyone else yet, so only the parent's PT lock
// is observable.
bool V2_6_27::fork_pte_lock(Step& st, unsigned src_mm) const {
  st.label = "copy_pte_range:spin_lock(ptl)";
  return locks::try_spin_lock(st.s.ptl(src_mm), st.tid);
}

// copy_pte_range (mm/memory.c, v2.6.27): spin_unlock(src_ptl); pte_unmap_unlock(dst).
void V2_6_27::fork_pte_unlock(Step& st, unsigned src_mm) const {
  st.label = "copy_pte_range:spin_unlock(ptl)";
  locks::spin_unlock(st.s.ptl(src_mm), st.tid);
}

// copy_one_pte (mm/memory.c, v2.6.27, lines 491-555):
//   if (is_cow_mapping(vm_flags)) { ptep_set_wrprotect(src_mm, addr, src_pte);
//                                   pte = pte_wrprotect(pte); }
//   page = vm_normal_page(vma, addr, pte);
//   if (page) { get_page(page); page_dup_rmap(page, vma, addr); }
//   set_pte_at(dst_mm, addr, dst_pte, pte);
void V2_6_27::share_wrprotected(Step& st, unsigned src, unsigned dst, unsigned v) {
  Pte& p = st.s.pte(src, v);
  const Vma* vma = find_vma(st.s, src, v);
  if (vma && is_cow_mapping(*vma)) pte_wrprotect(st, p);  // ptep_set_wrprotect: no TLB flush here
  get_page(st.s, p.frame);
  page_dup_rmap(st.s, p.frame);
  st.s.pte(dst, v) = p;  // set_pte_at(dst_mm, ...)
}

bool V2_6_27::copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const {
  st.label = "copy_one_pte";
  if (!st.s.pte(src, v).present()) return true;  // pte_none: copy_pte_range skips it
  share_wrprotected(st, src, dst, v);
  return true;
}

bool V2_6_27::gup_fast_enter(Step&) const { UNREACHABLE("v2.6.27 GUP-fast has no entry step"); }

// gup_pte_range (arch/x86/mm/gup.c, v2.6.27): local_irq_disable() is held by the caller;
//   pte_t pte = gup_get_pte(ptep);
//   if ((pte_val(pte) & (mask | _PAGE_SPECIAL)) != mask) return 0;   -> slow path
// mask = _PAGE_PRESENT|_PAGE_USER, plus _PAGE_RW for a write.
bool V2_6_27::gup_fast_read_pte(Step& st, unsigned mm, unsigned v, bool write) const {
  st.label = "gup_pte_range:gup_get_pte";
  const Pte& p = st.s.pte(mm, v);
  if (!p.present() || (write && !p.writable())) return false;
  st.self().frame = p.frame;
  return true;
}

// gup_pte_range (arch/x86/mm/gup.c, v2.6.27): page = pte_page(pte); get_page(page);
// no re-read of the PTE afterwards.
bool V2_6_27::gup_fast_get_page(Step& st) const {
  st.label = "gup_pte_range:get_page";
  u8 f = st.self().frame;
  get_page(st.s, f);
  pin_taken(st, st.op().pin, f);
  return true;
}

// do_wp_page (mm/memory.c, v2.6.27, lines 1762-1918), PT lock held, anonymous page:
//   if (trylock_page(old_page)) { reuse = can_share_swap_page(old_page); unlock_page(); }
//   can_share_swap_page (mm/swapfile.c): page_mapcount(page) (+ swapcount) == 1
// reuse: entry = maybe_mkwrite(pte_mkdirty(entry)); the page stays.
// copy:  new_page = alloc + cow_user_page; set_pte(new, writable);
//        page_add_new_anon_rmap(new); page_remove_rmap(old); page_cache_release(old).
// The kernel drops the PT lock around the copy and re-checks pte_same(); the reference
// scenario makes the whole fault one step, which is equivalent while every other PTE
// writer takes the PT lock. Swap and the page lock are not in this model yet (no
// swapcache, trylock_page always succeeds).
//   can_share_swap_page (mm/swapfile.c, v2.6.27): count = page_mapcount(page);
//       if (count <= 1 && PageSwapCache(page)) count += page_swapcount(page);
//       return count == 1;
void V2_6_27::do_wp_page(Step& st, unsigned mm, unsigned v) const {
  st.label = "do_wp_page";
  Pte& p = st.s.pte(mm, v);
  u8 old = p.frame;
  if (mapcount_reuse(st.s.frames[old])) {  // can_share_swap_page
    st.label = "do_wp_page:can_share_swap_page(reuse)";
    pte_mkwrite(p);
    return;
  }
  st.label = "do_wp_page:cow_user_page";
  wp_page_copy(st, mm, v, true);
}

}  // namespace cow::designs
