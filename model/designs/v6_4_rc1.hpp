// v6.4-rc1: per-VMA locks for anonymous faults; dup_mmap does not take them (see v6_4_rc1.cpp).
#pragma once
#include "model/designs/v6_3.hpp"

namespace cow::designs {

class V6_4_rc1 : public V6_3 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_3::kTraits;
    t.name = "v6.4-rc1";
    t.base = "v6.3";
    t.kernel = "6.4-rc1";
    t.kind = DesignKind::Release;
    t.date = "2023-05-07";
    t.summary = "per-VMA locks: anonymous faults under lock_vma_under_rcu; dup_mmap takes no VMA write lock";
    t.source = "0bff0aaea03e \"x86/mm: try VMA lock-based page fault handling first\", c7f8f31c00d1 (6.4-rc1): "
               "mm/memory.c lock_vma_under_rcu, do_swap_page; include/linux/mm.h vma_start_read, vma_start_write; "
               "kernel/fork.c dup_mmap (read at 6.4.0)";
    t.fault_lock = FaultLock::VmaLockAnon;
    t.fork_vma_lock = ForkVmaLock::None;
    return t;
  }();
};

}  // namespace cow::designs
