// mlock-v2.6.38: Linux 2.6.38 with Michel Lespinasse's 5ecfda041e4b "mlock: avoid
// dirtying pages and triggering writeback" (see mlock_v2_6_38.cpp).
#pragma once
#include "model/designs/mlock_v2_6_37.hpp"

namespace cow::designs {

class MlockV2_6_38 : public MlockV2_6_37 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = MlockV2_6_37::kTraits;
    t.name = "mlock-v2.6.38";
    t.base = "mlock-v2.6.37";
    t.kernel = "2.6.38";
    t.date = "2011-03-14";
    t.summary = "mlock write-faults only private writable VMAs (to break COW); shared mappings are read-faulted";
    t.source = "5ecfda041e4b (2.6.38) \"mlock: avoid dirtying pages and triggering writeback\"; fed067da46ad";
    t.mlock = MlockPopulate::ReadFaultsShared;
    return t;
  }();
};

}  // namespace cow::designs
