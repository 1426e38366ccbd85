// v5.11: mm->write_protect_seq, 57efa1fe5957 (see v5_11.cpp).
#pragma once
#include "model/designs/v5_9.hpp"

namespace cow::designs {

class V5_11 : public V5_9 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_9::kTraits;
    t.name = "v5.11";
    t.base = "v5.9";
    t.kernel = "5.11";
    t.date = "2021-02-14";
    t.summary = "v5.9 plus mm->write_protect_seq: FOLL_PIN GUP-fast falls back to slow GUP if fork write-protects meanwhile";
    t.source = "57efa1fe5957 (5.11): mm/memory.c copy_page_range; mm/gup.c lockless_pages_from_mm; "
               "feb889fb40fa, 9348b73c2e1b, 29a951dfb3c3";
    t.gup_fast_sync = GupFastSync::WriteProtectSeq;
    t.reclaim = Reclaim::SkipsPinned;
    t.soft_dirty = SoftDirty::SkipPinned;
    return t;
  }();
};

}  // namespace cow::designs
