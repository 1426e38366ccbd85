// v6.3: the last kernel whose page faults all take mmap_lock (see v6_3.cpp).
#pragma once
#include "model/designs/v6_1.hpp"

namespace cow::designs {

class V6_3 : public V6_1 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_1::kTraits;
    t.name = "v6.3";
    t.base = "v6.1";
    t.kernel = "6.3";
    t.kind = DesignKind::Release;
    t.date = "2023-04-23";
    t.summary = "v6.1's fork and COW, 6.2's R/O long-term unshare of non-anonymous pages; every page fault under mmap_read_lock, so fork's mmap_write_lock keeps them out";
    t.source = "kernel/fork.c dup_mmap, arch/x86/mm/fault.c do_user_addr_fault (read at 6.4.0 with CONFIG_PER_VMA_LOCK=n; "
               "no 6.3 tree read); 84209e87c696 (6.2): include/linux/mm.h gup_must_unshare";
    t.fault_lock = FaultLock::MmapLock;
    t.fork_vma_lock = ForkVmaLock::None;
    return t;
  }();
  bool gup_must_unshare(const State& s, const Op& op, u8 f, const Vma* vma) const override;
};

}  // namespace cow::designs
