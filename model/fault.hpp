// Page faults and user accesses (arch/x86/mm/fault.c do_page_fault -> mm/memory.c
// handle_mm_fault -> handle_pte_fault): the fault handlers every design shares
// (do_anonymous_page, do_cow_fault, do_read_fault, the shared-file write fault), the
// design's do_wp_page and do_swap_page, and the steps of a user store or load.
#pragma once
#include "model/design.hpp"

namespace cow {

// handle_mm_fault at (mm, v), PT lock held: a write fault (FAULT_FLAG_WRITE:
// do_anonymous_page, do_cow_fault, do_swap_page, do_wp_page, the shared-file write
// fault) or a read fault (do_read_fault, do_swap_page). Returns what the kernel's
// returns (VM_FAULT_WRITE); a failure sets Step::sigbus.
VmFault fault_locked(Step& st, const Design& d, unsigned mm, unsigned v, bool write);

// A user store (op write) and a user load (op read), with the page fault either takes.
bool step_write(Step& st, const Design& d);
bool step_read(Step& st, const Design& d);

// The thread dies with SIGSEGV (bad address or permission; also SIGBUS): it runs no
// further op, and its last read shows as killed.
void sigsegv(Step& st);

}  // namespace cow
