// pg_gup: Arcangeli's 2009 PG_gup fork fix, on v2.6.27 (see pg_gup.cpp).
#pragma once
#include "model/designs/v2_6_27.hpp"

namespace cow::designs {

class PgGup : public V2_6_27 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V2_6_27::kTraits;
    t.name = "pg_gup";
    t.base = "v2.6.27";
    t.kernel = "2.6.29";
    t.kind = DesignKind::Proposal;
    t.date = "2009-03-16";
    t.summary = "fork write-protects first, then copies PG_gup anon pages with page_count != page_mapcount; "
                "GUP-fast re-checks the PTE after get_page";
    t.source = "Arcangeli <20090316135654.GA17949@random.random> (2009, not merged)";
    t.gup_fast_walk = GupFastWalk::Recheck;  // its own re-check, gup_fast_grab below
    return t;
  }();

  bool gup_fast_grab(Step& st) const override;
  void gup_slow_got_page(Step& st, u8 f) const override;
  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override;
};

}  // namespace cow::designs
