// The hooks' shared defaults: what every design does unless its patch changes it (a
// design that overrides one of these shows it in `cowcheck list hooks`).
#include "model/design.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"

namespace cow {
using namespace cow::kernel;

void Design::copy_one_pte_finish(Step&, unsigned, unsigned, unsigned) const {
  UNREACHABLE("copy_one_pte_finish of a design whose copy_one_pte takes one step");
}

bool Design::fork_share_table(Step&, unsigned, unsigned) const { return false; }
void Design::unshare_table(Step&, unsigned) const {}
void Design::new_anon_page(Step&, u8) const {}
void Design::gup_slow_got_page(Step&, u8) const {}
bool Design::gup_must_unshare(const State&, const Op&, u8, const Vma*) const { return false; }
bool Design::try_to_unmap_share(Step&, u8) const { return true; }
void Design::initial_state(const Scenario&, State&) const {}

// gup_pte_range's reference, by traits gup_fast_walk:
//
// NoRecheck, arch/x86/mm/gup.c (v2.6.27 .. 4.12), local_irq_disable() held by the caller:
//   page = pte_page(pte); get_page(page);          // no re-read of the PTE afterwards
//
// Recheck, mm/gup.c gup_pte_range (v5.9):
//   head = try_grab_compound_head(page, 1, flags);   // FOLL_GET: get_page_unless_zero;
//   if (!head) goto pte_unmap;                        // FOLL_PIN: + GUP_PIN_COUNTING_BIAS
//   if (unlikely(pte_val(pte) != pte_val(*ptep))) {
//           put_compound_head(head, 1, flags); goto pte_unmap; }   -> slow GUP
// The grab and the re-check are one step here (the window between them is not modelled).
bool Design::gup_fast_grab(Step& st) const {
  const Op& op = st.op();
  const u8 f = st.self().frame;
  switch (traits().gup_fast_walk) {
    case GupFastWalk::NoRecheck:
      st.label = "gup_pte_range:get_page";
      get_page(st.s, f);
      pin_taken(st, op.pin, f);
      return true;
    case GupFastWalk::Recheck: {
      if (st.s.frames[f].refcount == 0) {  // get_page_unless_zero failed: the page was freed
        st.label = "gup_pte_range:try_grab_compound_head(failed)";
        return false;
      }
      const bool write = op.gup_write || traits().gup_breaks_cow_for_read;
      if (!pte_still_maps(st.s, st.def().mm, op.page, f, write)) {  // grabbed, the PTE changed: put it back
        st.label = "gup_pte_range:try_grab_compound_head+pte_changed(put_compound_head)";
        return false;
      }
      st.label = "gup_pte_range:try_grab_compound_head";
      get_page(st.s, f);
      pin_taken(st, op.pin, f);
      return true;
    }
  }
  UNREACHABLE("bad GupFastWalk");
}

State initial_state(const Scenario& sc, const Design& d) {
  State s = sc.initial;
  d.initial_state(sc, s);
  return s;
}

}  // namespace cow
