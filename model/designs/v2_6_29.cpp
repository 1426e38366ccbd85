// v2.6.29: ab967d86015a "mm: wp lock page before deciding cow" (Hugh Dickins, posted as
// <Pine.LNX.4.64.0811232155180.4142@blonde.site>, linux-mm, 23 Nov 2008; merged for
// 2.6.29, which Hugh dates "2.6.29 06jan09 ab967d86015a" in
// <alpine.LSU.2.11.2008312207450.1212@eggly.anvils>). The commit message:
//
//   An application may rely on get_user_pages() to give it pages writable
//   from userspace and shared with a driver, GUP breaking COW if necessary.
//   It may mprotect() the pages' writability, off and on, from time to time.
//
//   Normally this works fine (so long as the app does not fork); but just
//   occasionally, under memory pressure, a readonly pte in a newly writable
//   area is COWed unnecessarily, breaking the link with the driver: because
//   do_wp_page() does trylock_page, and falls back to COW whenever that fails.
//
//   For reliable behaviour in the unshared case, when the trylock_page fails,
//   now unlock pagetable, lock page and relock pagetable, before deciding
//   whether Copy-On-Write is really necessary.
//
// The design is 2.6.27 with this patch and nothing else of 2.6.28/2.6.29 (the model's
// other paths did not change in between as far as it covers them; 2.6.28's PG_mlocked
// comes in with mlock-v2.6.37). scenarios/wp_trylock_cow.toml is the commit message's
// scenario. Every release up to 5.8 keeps the sleep (v5_8.cpp quotes 5.8's form); 5.9's
// 09854ba94c6a goes back to "if (!trylock_page(page)) goto copy;" (v5_9_rc.cpp).
#include "model/designs/v2_6_29.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

// do_wp_page (mm/memory.c, ab967d86015a), PT lock held, anonymous page:
//   if (PageAnon(old_page)) {
//           if (!trylock_page(old_page)) {
//                   page_cache_get(old_page);
//                   pte_unmap_unlock(page_table, ptl);
//                   lock_page(old_page);
//                   page_table = pte_offset_map_lock(mm, pmd, address,
//                                                    &ptl);
//                   if (!pte_same(*page_table, orig_pte)) {
//                           unlock_page(old_page);
//                           page_cache_release(old_page);
//                           goto unlock;
//                   }
//                   page_cache_release(old_page);
//           }
//           reuse = can_share_swap_page(old_page);
//           unlock_page(old_page);
//   }
// (2.6.30 renames can_share_swap_page to reuse_swap_page, which also frees the swap slot:
// v4_8.cpp, v5_8.cpp.) The sleep is model/fault.cpp's (w6: lock_page; w7:
// pte_offset_map_lock, pte_same, then this hook again with kFaultFlagPageLocked); here is
// the decision, 2.6.27's once the page is locked.
VmFault V2_6_29::do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const {
  const u8 old = st.s.pte(mm, v).frame;
  if (must_sleep_for_page_lock(st, old, flags)) return 0;
  if (mapcount_reuse(st.s.frames[old])) {  // can_share_swap_page
    st.label = "do_wp_page:can_share_swap_page(reuse)";
    return wp_page_reuse(st, mm, v);
  }
  st.label = "do_wp_page:cow_user_page";
  return wp_page_copy(st, *this, mm, v, kFaultFlagWrite);
}

static const RegisterDesign<V2_6_29> registered;

}  // namespace cow::designs
