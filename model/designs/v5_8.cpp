// v5.8: 17839856fd58 "gup: document and work around 'COW can break either way' issue"
// (Linus, 5.8; CVE-2020-29374, reported by Jann Horn): "Doing a 'get_user_pages()' on a
// copy-on-write page for reading can be ambiguous: the page can be COW'ed at any time
// afterwards, and the direction of a COW event isn't defined. [...] This adds logic to
// force a COW event by setting FOLL_WRITE on any copy-on-write mapping when FOLL_GET (or
// FOLL_PIN) is used" (traits gup_breaks_cow_for_read, model/gup.cpp):
//
//   should_force_cow_break (mm/gup.c, v5.8): is_cow_mapping(vma->vm_flags) && (flags & FOLL_GET)
//   __get_user_pages: if (should_force_cow_break(vma, foll_flags)) foll_flags |= FOLL_WRITE;
//   internal_get_user_pages_fast: "The FAST_GUP case requires FOLL_WRITE even for pure
//       reads, because a read-only PTE may be a COW page" -> gup_flags | FOLL_WRITE
//
// fork and the write fault are those of 4.x: copy_one_pte write-protects and shares;
// do_wp_page reuses an anonymous page when reuse_swap_page says its mappings plus swap
// entries come to one (mapcount, not page_count). GUP-fast is the generic gup_pte_range,
// which re-checks the PTE after taking its reference (traits gup_fast_walk = Recheck).
// The FOLL_FORCE rule is 4.9's (FOLL_COW).
#include "model/designs/v5_8.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

// do_wp_page (mm/memory.c, v5.8), anonymous page, PT lock held; the lines 09854ba94c6a
// removes in 5.9, 2.6.29's ab967d86015a in 5.8's names (v2_6_29.cpp; the sleep is
// model/fault.cpp's):
//   if (PageAnon(vmf->page)) {
//           int total_map_swapcount;
//           if (PageKsm(vmf->page) && (PageSwapCache(vmf->page) ||
//                                      page_count(vmf->page) != 1))
//                   goto copy;
//           if (!trylock_page(vmf->page)) {
//                   get_page(vmf->page);
//                   pte_unmap_unlock(vmf->pte, vmf->ptl);
//                   lock_page(vmf->page);
//                   vmf->pte = pte_offset_map_lock(vma->vm_mm, vmf->pmd,
//                                   vmf->address, &vmf->ptl);
//                   if (!pte_same(*vmf->pte, vmf->orig_pte)) {
//                           unlock_page(vmf->page);
//                           pte_unmap_unlock(vmf->pte, vmf->ptl);
//                           put_page(vmf->page);
//                           return 0;
//                   }
//                   put_page(vmf->page);
//           }
//           ...
//           if (reuse_swap_page(vmf->page, &total_map_swapcount)) {
//                   if (total_map_swapcount == 1) page_move_anon_rmap(...);
//                   unlock_page(vmf->page); wp_page_reuse(vmf); return VM_FAULT_WRITE; }
//           unlock_page(vmf->page);
//   }
//   ... copy: return wp_page_copy(vmf);
// reuse_swap_page also drops the page from the swap cache once no swap entry names it.
// (A KSM page never gets here: model/fault.cpp copies it first.)
VmFault V5_8::do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const {
  const u8 old = st.s.pte(mm, v).frame;
  if (must_sleep_for_page_lock(st, old, flags)) return 0;
  if (mapcount_reuse(st.s.frames[old])) {
    st.label = "do_wp_page:reuse_swap_page(reuse)";
    try_to_free_swap(st, old);
    return wp_page_reuse(st, mm, v);
  }
  st.label = "do_wp_page:wp_page_copy";
  return wp_page_copy(st, *this, mm, v, kFaultFlagWrite);
}

static const RegisterDesign<V5_8> registered;

}  // namespace cow::designs
