// v4.9: the Dirty COW fix, 19be0eaffa3a (see v4_9.cpp).
#pragma once
#include "model/designs/v4_8.hpp"

namespace cow::designs {

class V4_9 : public V4_8 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V4_8::kTraits;
    t.name = "v4.9";
    t.base = "v4.8";
    t.kernel = "4.9";
    t.date = "2016-12-11";
    t.summary = "v4.8 plus FOLL_COW: a FOLL_FORCE write keeps FOLL_WRITE and trusts only a dirty PTE (19be0eaffa3a)";
    t.source = "19be0eaffa3a (4.9): mm/gup.c faultin_page, can_follow_write_pte";
    return t;
  }();

  bool can_follow_write_pte(const State& s, const Pte& pte, const Vma& vma, FollFlags flags) const override;
  FollFlags faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const override;
};

}  // namespace cow::designs
