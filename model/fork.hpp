// fork(2): kernel/fork.c dup_mmap -> mm/memory.c copy_page_range, with the design's
// copy_one_pte, and the lock or seqcount its traits put around the copy.
#pragma once
#include "model/design.hpp"

namespace cow {

bool step_fork(Step& st, const Design& d);

}  // namespace cow
