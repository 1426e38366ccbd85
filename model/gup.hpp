// get_user_pages and what the ops that take a GUP reference do with it: GUP-fast (the
// lockless walk, with the design's walk and its lock against fork from the traits), slow
// GUP (follow_page and faultin_page under mmap_lock), and the O_DIRECT bio's DMA and
// completion. /proc/PID/mem's FOLL_FORCE loop is model/proc_mem.cpp.
#pragma once
#include "model/design.hpp"

namespace cow {

// odirect_read, odirect_write, vmsplice, pin_user_pages: GUP-fast then (or else) slow GUP,
// then the DMA and completion of an O_DIRECT bio.
bool step_gup_op(Step& st, const Design& d);
// pin_longterm: slow GUP under mmap_lock held for write (ib_umem_get).
bool step_pin_longterm(Step& st, const Design& d);

}  // namespace cow
