// Design v2.6.27 — mainline Linux 2.6.27 (October 2008), the kernel of the linux-mm
// thread "RFC: race between o_direct and fork" <20080925183846.GA6877@duo.random>.
//
//   fork:        copy_one_pte write-protects the parent PTE of a COW mapping and maps
//                the same page read-only in the child (refcount++, mapcount++).
//   write fault: do_wp_page reuses the page when can_share_swap_page() says the mapcount
//                is 1, else copies; page_count (GUP references) is ignored.
//   GUP-fast:    x86 gup_pte_range reads the PTE locklessly, checks PRESENT|USER|RW and
//                takes get_page(); it never re-reads the PTE (8174c430e445): traits
//                gup_fast_walk = NoRecheck, the shared code in model/gup.cpp.
//   FOLL_FORCE:  follow_page needs pte_write for FOLL_WRITE; after a fault that returned
//                VM_FAULT_WRITE, get_user_pages looks the page up as a read.
#include "model/designs/v2_6_27.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"
#include "model/page_lock.hpp"

namespace cow::designs {
using namespace cow::kernel;

// copy_one_pte (mm/memory.c, v2.6.27, lines 491-555):
//   if (is_cow_mapping(vm_flags)) {
//           ptep_set_wrprotect(src_mm, addr, src_pte);
//           pte = pte_wrprotect(pte);
//   }
//   /*
//    * If it's a shared mapping, mark it clean in
//    * the child
//    */
//   if (vm_flags & VM_SHARED)
//           pte = pte_mkclean(pte);
//   pte = pte_mkold(pte);
//   page = vm_normal_page(vma, addr, pte);
//   if (page) {
//           get_page(page);
//           page_dup_rmap(page, vma, addr);
//           rss[!!PageAnon(page)]++;
//   }
//   set_pte_at(dst_mm, addr, dst_pte, pte);
void V2_6_27::share_wrprotected(Step& st, unsigned src, unsigned dst, unsigned v) {
  Pte& p = st.s.pte(src, v);
  const Vma* vma = find_vma(st.s, src, v);
  if (vma && is_cow_mapping(*vma)) pte_wrprotect(st, p);  // ptep_set_wrprotect: no TLB flush here
  get_page(st.s, p.frame);
  page_dup_rmap(st.s, p.frame);
  Pte child = p;
  if (vma && (vma->flags & kVmShared)) child.flags &= static_cast<u8>(~kPteDirty);  // pte_mkclean
  st.s.pte(dst, v) = child;  // set_pte_at(dst_mm, ...)
}

bool V2_6_27::copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const {
  st.label = "copy_one_pte";
  share_wrprotected(st, src, dst, v);
  return true;
}

// do_wp_page (mm/memory.c, v2.6.27, lines 1762-1918), PT lock held, anonymous page:
//   if (trylock_page(old_page)) { reuse = can_share_swap_page(old_page); unlock_page(); }
//   can_share_swap_page (mm/swapfile.c): page_mapcount(page) (+ swapcount) == 1
// reuse: entry = maybe_mkwrite(pte_mkdirty(entry), vma); ret |= VM_FAULT_WRITE; the
//        page stays.
// copy:  new_page = alloc + cow_user_page; entry = maybe_mkwrite(pte_mkdirty(entry), vma);
//        page_add_new_anon_rmap(new); page_remove_rmap(old); page_cache_release(old);
//        ret |= VM_FAULT_WRITE.
// The kernel drops the PT lock around the copy and re-checks pte_same(); the reference
// scenario makes the whole fault one step, which is equivalent while every other PTE
// writer takes the PT lock. The page lock (PG_locked, model/page_lock.hpp): when another
// holds it (reclaim's shrink_page_list, swap-in, migration: op hold_page_lock), trylock_page
// fails, reuse stays 0, and the page is copied, however many mappings it has: what
// ab967d86015a fixed in 2.6.29 (v2_6_29.cpp).
//   can_share_swap_page (mm/swapfile.c, v2.6.27): count = page_mapcount(page);
//       if (count <= 1 && PageSwapCache(page)) count += page_swapcount(page);
//       return count == 1;
VmFault V2_6_27::do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags) const {
  const u8 old = st.s.pte(mm, v).frame;
  if (page_locked(st.s, old)) {  // trylock_page fails: reuse = 0
    st.label = "do_wp_page:trylock_page(failed):cow_user_page";
    return wp_page_copy(st, *this, mm, v, kFaultFlagWrite);
  }
  if (mapcount_reuse(st.s.frames[old])) {  // can_share_swap_page
    st.label = "do_wp_page:can_share_swap_page(reuse)";
    return wp_page_reuse(st, mm, v);
  }
  st.label = "do_wp_page:cow_user_page";
  return wp_page_copy(st, *this, mm, v, kFaultFlagWrite);
}

// do_swap_page (mm/memory.c, v2.6.27), PT lock held:
//   if (write_access && can_share_swap_page(page)) {
//           pte = maybe_mkwrite(pte_mkdirty(pte), vma); write_access = 0; }
//   set_pte_at(...); page_add_anon_rmap(...); swap_free(entry);
//   if (write_access) { ret |= do_wp_page(...); }        (the caller, model/fault.cpp)
// can_share_swap_page counts mappings plus swap entries (this one included), as 5.8's
// reuse_swap_page does (and then delete_from_swap_cache); neither looks at page_count: a
// GUP reference does not stop the reuse. The reuse reports no VM_FAULT_WRITE (v2.6.32
// neither; v4.8 does, v4_8.hpp).
bool V2_6_27::swap_in(Step& st, unsigned mm, unsigned v, FaultFlags flags) {
  const bool write = flags & kFaultFlagWrite;
  st.label = write ? "do_swap_page(write)" : "do_swap_page";
  const u8 f = st.s.pte(mm, v).frame;
  const Frame& fr = st.s.frames[f];
  const bool reuse = write && fr.mapcount + fr.swapcount <= 1;  // can_share_swap_page
  swap_in_map(st, mm, v, reuse);
  if (!reuse) return false;
  st.label = "do_swap_page(write):reuse_swap_page";
  try_to_free_swap(st, f);
  return true;
}

VmFault V2_6_27::do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const {
  swap_in(st, mm, v, flags);
  return 0;
}

// follow_page (mm/memory.c, v2.6.27):
//   if ((flags & FOLL_WRITE) && !pte_write(pte)) goto unlock;
bool V2_6_27::can_follow_write_pte(const State&, const Pte& pte, const Vma&, FollFlags) const {
  return pte.writable();
}

// __get_user_pages (mm/memory.c, v2.6.27), after handle_mm_fault:
//   /* The VM_FAULT_WRITE bit tells us that do_wp_page has broken COW when necessary,
//    * even if maybe_mkwrite decided not to set pte_write. We can thus safely do
//    * subsequent page lookups as if they were reads. */
//   if (ret & VM_FAULT_WRITE) foll_flags &= ~FOLL_WRITE;
FollFlags V2_6_27::faultin_page(FollFlags flags, VmFault ret, const Vma&) const {
  if (ret & kVmFaultWrite) flags &= static_cast<FollFlags>(~kFollWrite);
  return flags;
}

static const RegisterDesign<V2_6_27> registered;

}  // namespace cow::designs
