// GUP-fast's reference, PTE re-check and gup_must_unshare as separate steps, for a weak
// memory model (model/memory_model.hpp): (B3) r2, (B4) r3, (B5) r4.
#pragma once
#include "model/paths.hpp"

namespace cow {

// What GUP-fast's (B1) read saw, kept in Thread::saved.
enum GupSaved : u8 {
  kGupSavedValid = 1 << 0,
  kGupSavedWrite = 1 << 1,    // the PTE was writable
  kGupSavedDirty = 1 << 2,    // the PTE was dirty
  kGupSavedEarly = 1 << 3,    // gup_must_unshare's PageAnonExclusive load was satisfied early
  kGupSavedEarlyAe = 1 << 4,  // ... and read the bit set
};

// (B1) seen: records the PTE GUP-fast read (Thread::saved).
void gup_fast_weak_read(Step& st, const Pte& p);
// r2 .. r4 under a weak memory model; false when the step waits.
bool gup_fast_weak_step(Step& st, const Design& d);
// The early load of PageAnonExclusive a thread at r3 may take (lkmm, no smp_rmb).
void gup_fast_early_loads(const Scenario& sc, const Design& d, const State& s, Expansion& out);

}  // namespace cow
