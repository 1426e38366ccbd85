// Lock primitives as the model's steps use them: each try_* either takes the lock and
// returns true, or changes nothing and returns false (the step is not enabled: the thread
// waits). A waiting thread spins or sleeps in the kernel; for the interleavings the two
// are the same, so both are "not enabled until the lock is free".
#pragma once
#include "model/state.hpp"
#include "model/invariant.hpp"

namespace cow::locks {

// spin_lock / spin_unlock (the split PT lock, include/linux/spinlock.h)
inline bool try_spin_lock(SpinLock& l, u8 tid) {
  if (l.holder != kNone) return false;
  l.holder = tid;
  return true;
}
inline void spin_unlock(SpinLock& l, u8 tid) {
  INVARIANT(l.holder == tid, "spin_unlock by a thread that does not hold the lock");
  l.holder = kNone;
}

// down_read / up_read / down_write / up_write (kernel/rwsem.c). No writer preference:
// the 2008 reference scenario lets readers in whenever no writer holds the lock.
inline bool try_down_read(RwLock& l) {
  if (l.writer != kNone) return false;
  INVARIANT(l.readers < 0xFF, "rwsem reader count overflow");
  ++l.readers;
  return true;
}
inline void up_read(RwLock& l) {
  INVARIANT(l.readers > 0, "up_read without a reader");
  --l.readers;
}
inline bool try_down_write(RwLock& l, u8 tid) {
  if (l.writer != kNone || l.readers != 0) return false;
  l.writer = tid;
  return true;
}
inline void up_write(RwLock& l, u8 tid) {
  INVARIANT(l.writer == tid, "up_write by a thread that does not hold the lock");
  l.writer = kNone;
}

// br_read_lock / br_write_lock (Arcangeli's proposal <20080925183846.GA6877@duo.random>:
// per-CPU reader locks, the writer takes all of them). As seen by the model it is a
// reader/writer lock whose readers never sleep: same semantics as above.
inline bool try_br_read_lock(RwLock& l) { return try_down_read(l); }
inline void br_read_unlock(RwLock& l) { up_read(l); }
inline bool try_br_write_lock(RwLock& l, u8 tid) { return try_down_write(l, tid); }
inline void br_write_unlock(RwLock& l, u8 tid) { up_write(l, tid); }

}  // namespace cow::locks
