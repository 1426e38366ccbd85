#include "model/designs/v5_9_rc.hpp"

#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

// gup_pte_range (mm/gup.c, v5.9), after the access check of gup_get_pte at r1:
//   head = try_grab_compound_head(page, 1, flags);   // FOLL_GET: get_page_unless_zero;
//   if (!head) goto pte_unmap;                        // FOLL_PIN: + GUP_PIN_COUNTING_BIAS
//   if (unlikely(pte_val(pte) != pte_val(*ptep))) {
//           put_compound_head(head, 1, flags); goto pte_unmap; }   -> slow GUP
// The grab and the re-check are one step here (the window between them is not modelled).
bool V5_9_rc::gup_fast_get_page(Step& st) const {
  const Op& op = st.op();
  const u8 f = st.self().frame;
  if (st.s.frames[f].refcount == 0) {  // get_page_unless_zero failed: the page was freed
    st.label = "gup_pte_range:try_grab_compound_head(failed)";
    return false;
  }
  if (!pte_still_maps(st.s, st.def().mm, op.page, f, op.gup_write || gup_forces_write())) {  // grabbed, the PTE changed: put it back
    st.label = "gup_pte_range:try_grab_compound_head+pte_changed(put_compound_head)";
    return false;
  }
  st.label = "gup_pte_range:try_grab_compound_head";
  get_page(st.s, f);
  pin_taken(st, op.pin, f);
  return true;
}

// do_wp_page (mm/memory.c, 09854ba94c6a, as in v5.9), PT lock held, anonymous page:
//   if (PageKsm(page) || page_count(page) != 1) goto copy;
//   if (!trylock_page(page)) goto copy;
//   if (PageKsm(page) || page_mapcount(page) != 1 || page_count(page) != 1) {
//           unlock_page(page); goto copy; }
//   unlock_page(page); wp_page_reuse(vmf); return VM_FAULT_WRITE;
// copy: wp_page_copy (new page, set_pte writable, page_remove_rmap + put of the old one).
// No KSM, swap cache or page lock contention in this model yet (trylock succeeds).
void V5_9_rc::do_wp_page(Step& st, unsigned mm, unsigned v) const {
  st.label = "do_wp_page";
  Pte& p = st.s.pte(mm, v);
  const u8 old = p.frame;
  const Frame& f = st.s.frames[old];
  if (f.refcount == 1 && f.mapcount == 1) {
    st.label = "do_wp_page:wp_page_reuse";
    pte_mkwrite(p);
    return;
  }
  st.label = "do_wp_page:wp_page_copy";
  wp_page_copy(st, mm, v, true);
}

const Design* make_v5_9_rc() {
  static const V5_9_rc d;
  return &d;
}

}  // namespace cow::designs
