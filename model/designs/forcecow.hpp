// forcecow's class, shared with brlock (which keeps the same count check at fork).
#pragma once
#include "model/designs/v2_6_27.hpp"

namespace cow::designs {

class ForceCow : public V2_6_27 {
 public:
  std::string_view name() const override { return "forcecow"; }
  std::string_view summary() const override {
    return "fork copies anon pages whose page_count != page_mapcount; GUP-fast unchanged";
  }
  std::string_view source() const override {
    return "Piggin <20081029004308.GH15599@wotan.suse.de> + Arcangeli <20081104150449.GA31975@random.random>";
  }

  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override;
};

}  // namespace cow::designs
