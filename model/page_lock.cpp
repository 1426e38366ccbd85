// The page lock and the page-lock holder op: see page_lock.hpp.
#include "model/page_lock.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/paths.hpp"

namespace cow {
using namespace cow::kernel;

void lock_page(State& s, u8 f) {
  INVARIANT(!page_locked(s, f), "lock_page on a locked page");
  s.frames[f].flags |= kFramePageLocked;
}

void unlock_page(State& s, u8 f) {
  INVARIANT(page_locked(s, f), "unlock_page on a page not locked");
  s.frames[f].flags &= static_cast<u8>(~kFramePageLocked);
}

bool step_hold_page_lock(Step& st) {
  const Op& op = st.op();
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart: {
      const Pte& p = st.s.pte(st.def().mm, op.page);
      if (p.none()) {
        st.label = "hold_page_lock(no page: nothing to lock)";
        st.finish_op();
        return true;
      }
      st.label = "get_page+lock_page";
      if (page_locked(st.s, p.frame)) return false;  // lock_page sleeps until unlock_page
      get_page(st.s, p.frame);
      lock_page(st.s, p.frame);
      t.frame = p.frame;
      st.go(kPcP1);
      return true;
    }
    case kPcP1:
      st.label = "unlock_page+put_page";
      unlock_page(st.s, t.frame);
      put_page(st.s, t.frame);
      t.frame = kNone;
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in hold_page_lock");
  }
}

}  // namespace cow
