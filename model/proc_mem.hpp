// write(2) to /proc/self/mem: the FOLL_FORCE write that Dirty COW (CVE-2016-5195) abused.
#pragma once
#include "model/design.hpp"

namespace cow {

bool step_proc_mem_write(Step& st, const Design& d);

}  // namespace cow
