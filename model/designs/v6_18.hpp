// v6.18: per-VMA locks for every fault, vmf_anon_prepare, dup_mmap locking every VMA (see v6_18.cpp).
#pragma once
#include "model/designs/v6_4.hpp"

namespace cow::designs {

class V6_18 : public V6_4 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_4::kTraits;
    t.name = "v6.18";
    t.base = "v6.4";
    t.kernel = "6.18";
    t.kind = DesignKind::Release;
    t.date = "2025-11-30";
    t.summary = "every fault under lock_vma_under_rcu; vmf_anon_prepare retries under mmap_lock; dup_mmap locks every VMA";
    t.source = "mm/mmap_lock.c lock_vma_under_rcu, mm/memory.c __vmf_anon_prepare, copy_page_range, vma_needs_copy, "
               "mm/mmap.c dup_mmap, arch/x86/mm/fault.c do_user_addr_fault, fs/proc/task_mmu.c clear_refs_walk_ops (read at 6.18.35)";
    t.fault_lock = FaultLock::VmaLock;
    t.fork_vma_lock = ForkVmaLock::Every;
    t.soft_dirty = SoftDirty::SkipPinnedVmaLocked;
    return t;
  }();
};

}  // namespace cow::designs
