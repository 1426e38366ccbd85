// forcecow: Nick Piggin's patch in the 2008 thread, on v2.6.27 (see forcecow.cpp). Its
// class is shared with brlock, which keeps the same count check at fork.
#pragma once
#include "model/designs/v2_6_27.hpp"

namespace cow::designs {

class ForceCow : public V2_6_27 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V2_6_27::kTraits;
    t.name = "forcecow";
    t.base = "v2.6.27";
    t.kind = DesignKind::Proposal;
    t.date = "2008-10-29";
    t.summary = "fork copies anon pages whose page_count != page_mapcount; GUP-fast unchanged";
    t.source = "Piggin <20081029004308.GH15599@wotan.suse.de> + Arcangeli <20081104150449.GA31975@random.random>";
    return t;
  }();

  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override;
};

}  // namespace cow::designs
