// Unit tests of the lock primitives (model/locks.hpp): a try_* either takes the lock and
// returns true, or returns false and changes nothing.
#include <catch2/catch.hpp>

#include "model/locks.hpp"

using namespace cow;
using namespace cow::locks;

TEST_CASE("spinlock: a free lock is taken by the first taker", "[locks][quick]") {
  SpinLock l;
  REQUIRE(l.holder == kNone);
  REQUIRE(try_spin_lock(l, 3));
  REQUIRE(l.holder == 3);
}

TEST_CASE("spinlock: a held lock refuses a second taker and is left unchanged", "[locks][quick]") {
  SpinLock l;
  REQUIRE(try_spin_lock(l, 1));
  const SpinLock before = l;
  REQUIRE_FALSE(try_spin_lock(l, 2));
  REQUIRE(l == before);
  REQUIRE(l.holder == 1);
  // Not reentrant: the holder itself is refused too.
  REQUIRE_FALSE(try_spin_lock(l, 1));
  REQUIRE(l == before);
}

TEST_CASE("spinlock: unlock frees the lock for the next taker", "[locks][quick]") {
  SpinLock l;
  REQUIRE(try_spin_lock(l, 0));
  spin_unlock(l, 0);
  REQUIRE(l.holder == kNone);
  REQUIRE(l == SpinLock{});
  REQUIRE(try_spin_lock(l, 5));
  REQUIRE(l.holder == 5);
  spin_unlock(l, 5);
  REQUIRE(l == SpinLock{});
}

TEST_CASE("rwsem: readers share the lock", "[locks][quick]") {
  RwLock l;
  REQUIRE(try_down_read(l));
  REQUIRE(try_down_read(l));
  REQUIRE(try_down_read(l));
  REQUIRE(l.readers == 3);
  REQUIRE(l.writer == kNone);
  up_read(l);
  REQUIRE(l.readers == 2);
  up_read(l);
  up_read(l);
  REQUIRE(l == RwLock{});
}

TEST_CASE("rwsem: a writer is refused while readers hold it, and nothing changes", "[locks][quick]") {
  RwLock l;
  REQUIRE(try_down_read(l));
  REQUIRE(try_down_read(l));
  const RwLock before = l;
  REQUIRE_FALSE(try_down_write(l, 4));
  REQUIRE(l == before);
  up_read(l);
  const RwLock one_reader = l;
  REQUIRE_FALSE(try_down_write(l, 4));  // one reader is enough to keep the writer out
  REQUIRE(l == one_reader);
  up_read(l);
  REQUIRE(try_down_write(l, 4));  // the last reader gone, the writer gets in
  REQUIRE(l.writer == 4);
  REQUIRE(l.readers == 0);
}

TEST_CASE("rwsem: readers and other writers are refused while a writer holds it", "[locks][quick]") {
  RwLock l;
  REQUIRE(try_down_write(l, 2));
  const RwLock before = l;
  REQUIRE_FALSE(try_down_read(l));
  REQUIRE(l == before);
  REQUIRE_FALSE(try_down_write(l, 6));
  REQUIRE(l == before);
  REQUIRE_FALSE(try_down_write(l, 2));  // not reentrant
  REQUIRE(l == before);
  up_write(l, 2);
  REQUIRE(l == RwLock{});
  REQUIRE(try_down_read(l));
  REQUIRE(l.readers == 1);
}

TEST_CASE("brlock: readers share it, a writer is refused while readers > 0", "[locks][quick]") {
  RwLock l;
  REQUIRE(try_br_read_lock(l));
  REQUIRE(try_br_read_lock(l));
  REQUIRE(l.readers == 2);
  const RwLock before = l;
  REQUIRE_FALSE(try_br_write_lock(l, 1));
  REQUIRE(l == before);
  br_read_unlock(l);
  REQUIRE(l.readers == 1);
  REQUIRE_FALSE(try_br_write_lock(l, 1));
  REQUIRE(l.readers == 1);
  REQUIRE(l.writer == kNone);
  br_read_unlock(l);
  REQUIRE(l == RwLock{});
  REQUIRE(try_br_write_lock(l, 1));
  REQUIRE(l.writer == 1);
}

TEST_CASE("brlock: readers and other writers are refused while the writer holds it", "[locks][quick]") {
  RwLock l;
  REQUIRE(try_br_write_lock(l, 7));
  const RwLock before = l;
  REQUIRE_FALSE(try_br_read_lock(l));
  REQUIRE(l == before);
  REQUIRE_FALSE(try_br_write_lock(l, 0));
  REQUIRE(l == before);
  br_write_unlock(l, 7);
  REQUIRE(l == RwLock{});
  REQUIRE(try_br_read_lock(l));
  REQUIRE(l.readers == 1);
  br_read_unlock(l);
  REQUIRE(l == RwLock{});
}

TEST_CASE("locks in a State: a refused try_* leaves the whole state unchanged", "[locks][quick]") {
  State s;
  s.mms[0].table = 0;
  REQUIRE(try_spin_lock(s.ptl(0), 0));
  REQUIRE(try_down_read(s.mms[0].mmap_lock));
  REQUIRE(try_br_write_lock(s.brlock, 1));
  const State before = s;
  REQUIRE_FALSE(try_spin_lock(s.ptl(0), 1));
  REQUIRE_FALSE(try_down_write(s.mms[0].mmap_lock, 1));
  REQUIRE_FALSE(try_br_read_lock(s.brlock));
  REQUIRE(s == before);
  REQUIRE(hash_state(s) == hash_state(before));
}
