// v6.4: fb49c455323f, dup_mmap write-locks every parent VMA (see v6_4.cpp).
#pragma once
#include "model/designs/v6_4_rc1.hpp"

namespace cow::designs {

class V6_4 : public V6_4_rc1 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_4_rc1::kTraits;
    t.name = "v6.4";
    t.base = "v6.4-rc1";
    t.kernel = "6.4.3";
    t.kind = DesignKind::Release;
    t.date = "2023-07-11";
    t.summary = "fb49c455323f: dup_mmap calls vma_start_write on every parent VMA before copying it";
    t.source = "fb49c455323f \"fork: lock VMAs of the parent process when forking\" (6.5-rc1; stable 6.4.3): "
               "kernel/fork.c dup_mmap (read at 6.4.6)";
    t.fork_vma_lock = ForkVmaLock::Every;
    return t;
  }();
};

}  // namespace cow::designs
