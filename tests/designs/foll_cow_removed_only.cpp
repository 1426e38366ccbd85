// Test fixture (not a kernel): v5.19 with only half of 5535be309971, the half that removes
// FOLL_COW from faultin_page, and v5.19's can_follow_write_pte (FOLL_COW and a dirty PTE)
// kept. A FOLL_FORCE write into a read-only private page then never finds a page it may
// follow: the fault reuses the page but cannot make it writable (no VM_WRITE), the lookup
// still wants pte_write or FOLL_COW, and __get_user_pages retries forever. The checker must
// say that no execution finishes instead of "holds" (docs/writing-a-design.md, "The mistake
// the tool catches").
#include "model/design_registry.hpp"
#include "model/designs/v5_19.hpp"

namespace cow::designs {

class FollCowRemovedOnly : public V5_19 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_19::kTraits;
    t.name = "fixture-foll-cow-removed-only";
    t.base = "v5.19";
    t.kernel = "6.0";
    t.kind = DesignKind::Proposal;
    t.date = "2022-08-09";
    t.summary = "test fixture: FOLL_COW removed from faultin_page, can_follow_write_pte left as in 5.19";
    t.source = "half of 5535be309971 (a mistake, not a kernel)";
    return t;
  }();

  FollFlags faultin_page(FollFlags flags, VmFault, const Vma&) const override { return flags; }
};

static const RegisterDesign<FollCowRemovedOnly> registered{Registration::TestFixture};

}  // namespace cow::designs
