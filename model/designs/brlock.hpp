// brlock: Arcangeli's 2008 big-reader-lock proposal, on forcecow (see brlock.cpp).
#pragma once
#include "model/designs/forcecow.hpp"

namespace cow::designs {

class BrLock : public ForceCow {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = ForceCow::kTraits;
    t.name = "brlock";
    t.base = "forcecow";
    t.date = "2008-09-25";
    t.summary = "fork checks page_count != page_mapcount under br_write_lock; GUP-fast walks under br_read_lock";
    t.source = "Arcangeli RFC <20080925183846.GA6877@duo.random> (not merged)";
    t.gup_fast_sync = GupFastSync::Brlock;
    t.ksm_protect = KsmProtect::Brlock;
    return t;
  }();
};

}  // namespace cow::designs
