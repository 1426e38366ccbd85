// v2.6.29: Hugh Dickins's ab967d86015a "mm: wp lock page before deciding cow" on 2.6.27:
// do_wp_page sleeps for the page lock instead of copying when trylock_page fails (see
// v2_6_29.cpp). Every later release up to 5.8 has it (mlock-v2.6.37 .. v5.8 derive from
// this class).
#pragma once
#include "model/designs/v2_6_27.hpp"
#include "model/page_lock.hpp"

namespace cow::designs {

class V2_6_29 : public V2_6_27 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V2_6_27::kTraits;
    t.name = "v2.6.29";
    t.base = "v2.6.27";
    t.kernel = "2.6.29";
    t.date = "2009-03-23";
    t.summary = "do_wp_page sleeps in lock_page when trylock_page fails, then decides reuse on mapcount";
    t.source = "ab967d86015a (2.6.29) \"mm: wp lock page before deciding cow\", "
               "<Pine.LNX.4.64.0811232155180.4142@blonde.site>: mm/memory.c do_wp_page";
    return t;
  }();

  VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const override;

 protected:
  // do_wp_page's page lock, 2.6.29 .. 5.8: true when trylock_page(old) fails (another
  // holds the lock) and the fault is not already holding it: then Step::lock_page_wait
  // names the page, nothing else changed, and the caller drops the PT lock and sleeps in
  // lock_page (model/fault.cpp), calling do_wp_page again with kFaultFlagPageLocked.
  static bool must_sleep_for_page_lock(Step& st, u8 old, FaultFlags flags) {
    if ((flags & kFaultFlagPageLocked) || !page_locked(st.s, old)) return false;
    st.lock_page_wait = old;
    st.label = "do_wp_page:trylock_page(failed)";
    return true;
  }
};

}  // namespace cow::designs
