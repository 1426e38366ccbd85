// What a step costs besides its effect on the state: the counts a researcher compares
// between designs (the costs columns of `cowcheck compare` and papers/design-matrix.md). Each
// step carries its own counts (Step::cost); they are not part of the State, so counting
// adds no states. checker/costs.cpp sums them along the executions the explorer finds.
#pragma once
#include <array>
#include <cstdint>

namespace cow {

enum class Cost : std::uint8_t {
  ForkCopy,         // pages copied at fork (forcecow, pg_gup's fork_pre_cow, early COW of pinned pages)
  CowCopy,          // pages copied by a write (or unshare) fault: wp_page_copy / do_wp_page's copy
  Fault,            // page faults taken: user faults and GUP's handle_mm_fault / faultin_page
  GupFastFallback,  // get_user_pages_fast gave up and went to the slow path (mmap_lock)
  GupFastLock,      // lock acquisitions on the GUP-fast path (brlock's read side)
  PteWrprotect,     // PTEs turned from writable to read-only (fork, mprotect, clear_refs, reclaim)
  TableAlloc,       // page-table pages allocated: the child's at fork, a private copy when a shared one breaks
  ForkPteCopy,      // PTEs copied one by one at fork (copy_one_pte / copy_present_pte)
  PageDirtied,      // page-cache pages turned dirty (set_page_dirty on a clean page): each is queued for write-back
  Writeback,        // pages written back (clear_page_dirty_for_io + ->writepage)
  MlockBlock,       // file blocks allocated by ->page_mkwrite in a fault mlock took (a sparse file filled in)
  ForkVmaLock,      // VMAs dup_mmap write-locked (vma_start_write): fork waits for each one's faults to finish
  VmaLockFallback,  // faults that found their VMA write-locked and waited in mmap_read_lock instead
};
inline constexpr unsigned kCostKinds = 13;
using CostVec = std::array<std::uint8_t, kCostKinds>;

inline const char* cost_name(Cost c) {
  switch (c) {
    case Cost::ForkCopy: return "fork-copies";
    case Cost::CowCopy: return "cow-copies";
    case Cost::Fault: return "faults";
    case Cost::GupFastFallback: return "gup-fast-fallbacks";
    case Cost::GupFastLock: return "gup-fast-locks";
    case Cost::PteWrprotect: return "ptes-wrprotected";
    case Cost::TableAlloc: return "pt-pages-allocated";
    case Cost::ForkPteCopy: return "ptes-copied-at-fork";
    case Cost::PageDirtied: return "pages-dirtied";
    case Cost::Writeback: return "writebacks";
    case Cost::MlockBlock: return "mlock-blocks";
    case Cost::ForkVmaLock: return "fork-vma-locks";
    case Cost::VmaLockFallback: return "vma-lock-fallbacks";
  }
  return "?";
}
inline const char* cost_title(Cost c) {
  switch (c) {
    case Cost::ForkCopy: return "pages copied at fork";
    case Cost::CowCopy: return "COW copies at fault";
    case Cost::Fault: return "faults taken";
    case Cost::GupFastFallback: return "GUP-fast fallbacks to slow GUP";
    case Cost::GupFastLock: return "lock acquisitions on the GUP-fast path";
    case Cost::PteWrprotect: return "PTEs write-protected";
    case Cost::TableAlloc: return "page-table pages allocated";
    case Cost::ForkPteCopy: return "PTEs copied at fork";
    case Cost::PageDirtied: return "page-cache pages dirtied";
    case Cost::Writeback: return "pages written back";
    case Cost::MlockBlock: return "file blocks allocated by mlock";
    case Cost::ForkVmaLock: return "VMAs fork write-locked (vma_start_write in dup_mmap; each waits for the VMA's faults)";
    case Cost::VmaLockFallback: return "faults that found their VMA write-locked and waited for mmap_lock";
  }
  return "?";
}

}  // namespace cow
