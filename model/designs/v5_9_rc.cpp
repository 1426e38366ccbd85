// v5.9-rc: 09854ba94c6a "mm: do_wp_page() simplification" (Linus, merged 4 Sep 2020,
// b25d1dc9474e) on 5.8, with a308c71bf1e6 removing 5.8's forced COW break for read GUP:
// do_wp_page reuses an anonymous page only when it is the sole reference
// (page_count == 1), so a page with a GUP reference is always copied on a write fault.
// The generic GUP-fast re-checks the PTE after taking its reference (traits
// gup_fast_walk = Recheck, Design::gup_fast_grab). v5.9 (v5_9.cpp) adds the early COW at
// fork on top.
#include "model/designs/v5_9_rc.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"
#include "model/page_lock.hpp"

namespace cow::designs {
using namespace cow::kernel;

// do_wp_page (mm/memory.c, 09854ba94c6a, as in v5.9), PT lock held, anonymous page:
//   if (PageKsm(page) || page_count(page) != 1) goto copy;
//   if (!trylock_page(page)) goto copy;
//   if (PageKsm(page) || page_mapcount(page) != 1 || page_count(page) != 1) {
//           unlock_page(page); goto copy; }
//   unlock_page(page); wp_page_reuse(vmf); return VM_FAULT_WRITE;
// copy: return wp_page_copy(vmf);
// The trylock comes after the refcount test: a page-lock holder has a reference of its
// own (reclaim's isolate_lru_page, the others' get_page; op hold_page_lock takes one), so
// the refcount test copies first whenever another holds the lock; trylock_page failing
// (kFramePageLocked) copies too. Linus, on why 5.9 stopped sleeping in lock_page (quoted
// in <alpine.LSU.2.11.2008312207450.1212@eggly.anvils>): "The 'lock_page()' we had here
// used to be very expensive ... this is _the_ hottest non-IO path there is".
VmFault V5_9_rc::do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags) const {
  const u8 old = st.s.pte(mm, v).frame;
  const Frame& f = st.s.frames[old];
  if (f.refcount == 1 && !page_locked(st.s, old) && f.mapcount == 1) {  // count; trylock_page; recheck
    st.label = "do_wp_page:wp_page_reuse";
    return wp_page_reuse(st, mm, v);
  }
  st.label = "do_wp_page:wp_page_copy";
  return wp_page_copy(st, *this, mm, v, kFaultFlagWrite);
}

static const RegisterDesign<V5_9_rc> registered;

}  // namespace cow::designs
