// madvise(2): MADV_DONTFORK / MADV_DOFORK (VM_DONTCOPY) and MADV_DONTNEED (zap the page).
// MADV_PAGEOUT is reclaim (model/mm_ops.cpp).
#pragma once
#include "model/design.hpp"

namespace cow {

bool step_madvise(Step& st, const Design& d);

}  // namespace cow
