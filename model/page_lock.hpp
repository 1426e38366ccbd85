// The page lock (PG_locked, kFramePageLocked) and the op that holds it across steps,
// hold_page_lock: a thread of the kernel that takes the lock on a page it found and keeps
// it while it works, as these do (mm/vmscan.c, mm/memory.c, mm/migrate.c, mm/ksm.c):
//
//   reclaim, shrink_page_list (v2.6.27 .. 5.x):
//           page = lru_to_page(page_list);
//           list_del(&page->lru);
//           if (!trylock_page(page))
//                   goto keep;
//       held across add_to_swap, try_to_unmap and pageout, then unlock_page; the page has
//       the reference isolate_lru_page took.
//   swap-in, do_swap_page (v2.6.27): lock_page(page); ... held while the PTE is mapped
//       and can_share_swap_page decides, then unlock_page(page).
//   migration, unmap_and_move (v2.6.27): if (!trylock_page(page)) { if (!force) goto
//       move_newpage; lock_page(page); }
//   KSM, try_to_merge_one_page (v2.6.32): "We use trylock_page() instead of lock_page()
//       because we don't want to wait here - we prefer to continue scanning and merging
//       different pages, then come back to this page when it is unlocked."
//
// The op does the lock's part only: get_page and lock_page on the page its process maps
// at `page` (the swap-cache page of a swap entry), a step; unlock_page and put_page, the
// next. (A trylock_page that fails is, for the other threads, the holder's steps coming
// later; lock_page waits here for another holder.) With no page there, nothing.
#pragma once
#include "model/design.hpp"

namespace cow {

inline bool page_locked(const State& s, u8 f) { return f < kMaxFrames && (s.frames[f].flags & kFramePageLocked); }
void lock_page(State& s, u8 f);    // the lock must be free
void unlock_page(State& s, u8 f);  // the lock must be held

// hold_page_lock: get_page + lock_page (pc 0, waits while the page is locked), then
// unlock_page + put_page (p1).
bool step_hold_page_lock(Step& st);

}  // namespace cow
