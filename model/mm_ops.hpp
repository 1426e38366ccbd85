// The address-space operations of a process besides faults, fork and GUP: munmap, exit,
// mprotect, clear_refs (soft-dirty), MADV_PAGEOUT (reclaim to swap), and a read through
// a GUP reference (pipe read, io_uring write_fixed, gup_test PIN_LONGTERM_TEST_READ).
#pragma once
#include "model/design.hpp"

namespace cow {

// munmap, exit, mprotect, clear_refs, swap_out: mmap_lock (m0), the page-table work
// under the PT lock as one step (m1), mmap_lock released (m2).
bool step_mm_op(Step& st, const Design& d);
// pin_read: the holder of an active reference reads the page through it.
bool step_pin_read(Step& st);

}  // namespace cow
