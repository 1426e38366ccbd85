// cow-pte-table: the 2022 Copy-On-Write PTE table RFC in Hildenbrand's form, on v5.19
// (see cow_pte_table.cpp).
#pragma once
#include "model/designs/v5_19.hpp"

namespace cow::designs {

class CowPteTable : public V5_19 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_19::kTraits;
    t.name = "cow-pte-table";
    t.base = "v5.19";
    t.kind = DesignKind::Proposal;
    t.date = "2022-09-27";
    t.summary = "v5.19 plus page tables shared after fork and copied on the first change (RFC 2022, Hildenbrand's form)";
    t.source = "RFC <20220927162957.270460-1-shiyn.lin@gmail.com> (not merged), as reviewed in "
               "<c12f848d-cb54-2998-8650-2c2a5707932d@redhat.com>; on v5.19";
    t.page_tables = PageTables::SharedCow;
    return t;
  }();

  bool fork_share_table(Step& st, unsigned src, unsigned dst) const override;
  void unshare_table(Step& st, unsigned mm) const override;
};

}  // namespace cow::designs
