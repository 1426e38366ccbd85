// The flags that travel between GUP and the fault handlers, as the kernel names them:
// what handle_mm_fault is asked to do (FAULT_FLAG_*), what it reports back (VM_FAULT_*),
// and the GUP flags the __get_user_pages retry loop changes (FOLL_*).
#pragma once
#include "model/state.hpp"

namespace cow {

// vm_fault_t bits the model uses (include/linux/mm_types.h).
using VmFault = u8;
inline constexpr VmFault kVmFaultWrite = 1 << 0;  // VM_FAULT_WRITE: do_wp_page (or do_swap_page's
                                                  // reuse) broke COW or reused the page for
                                                  // this write (removed in 6.2 with FOLL_COW's end)

// enum fault_flag bits (include/linux/mm_types.h).
using FaultFlags = u8;
inline constexpr FaultFlags kFaultFlagWrite = 1 << 0;    // FAULT_FLAG_WRITE
inline constexpr FaultFlags kFaultFlagUnshare = 1 << 1;  // FAULT_FLAG_UNSHARE (5.19): an R/O pin
                                                         // needs an exclusive anonymous page
// Not a kernel flag: do_wp_page is called again, PT lock retaken and pte_same, with the
// page lock it slept for in lock_page (2.6.29 .. 5.8; model/fault.cpp): decide under it.
inline constexpr FaultFlags kFaultFlagPageLocked = 1 << 2;

// GUP flags (include/linux/mm.h) that __get_user_pages' retry loop tests or changes.
using FollFlags = u8;
inline constexpr FollFlags kFollWrite = 1 << 0;  // FOLL_WRITE
inline constexpr FollFlags kFollCow = 1 << 1;    // FOLL_COW (4.9 .. 5.19): "we already did a COW"
inline constexpr FollFlags kFollForce = 1 << 2;  // FOLL_FORCE: ptrace and /proc/PID/mem

}  // namespace cow
