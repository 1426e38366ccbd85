// Test fixtures (not kernels): v6.1 with one of 088b8aa537c2's four barriers taken out,
// to find which of them the model needs on which scenario (tests/test_memory_model.cpp,
// papers/memory-ordering.md). The patch's message expects the GUP-fast side's barrier to
// be the one that matters most: "the problematic missing part should be the missing
// memory barrier after pinning but before checking if the PTE changed".
#include "model/design_registry.hpp"
#include "model/designs/v6_1.hpp"

namespace cow::designs {

template <unsigned char Missing>
class V6_1Without : public V6_1 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_1::kTraits;
    t.name = Missing == kAeShareMb     ? "fixture-v6.1-no-share-mb"
             : Missing == kAeClearMb   ? "fixture-v6.1-no-clear-mb"
             : Missing == kAePinMb     ? "fixture-v6.1-no-pin-mb"
                                       : "fixture-v6.1-no-unshare-rmb";
    t.base = "v6.1";
    t.kind = DesignKind::Proposal;
    t.summary = Missing == kAeShareMb     ? "test fixture: v6.1 without page_try_share_anon_rmap's smp_mb()"
                : Missing == kAeClearMb   ? "test fixture: v6.1 without the smp_mb__after_atomic() after ClearPageAnonExclusive"
                : Missing == kAePinMb     ? "test fixture: v6.1 without try_grab_folio's smp_mb__after_atomic()"
                                          : "test fixture: v6.1 without gup_must_unshare's smp_rmb()";
    t.source = "088b8aa537c2 with one barrier removed";
    t.ae_barriers = static_cast<unsigned char>(kAeAllBarriers & ~Missing);
    return t;
  }();
};

static const RegisterDesign<V6_1Without<kAeShareMb>> no_share_mb{Registration::TestFixture};
static const RegisterDesign<V6_1Without<kAeClearMb>> no_clear_mb{Registration::TestFixture};
static const RegisterDesign<V6_1Without<kAePinMb>> no_pin_mb{Registration::TestFixture};
static const RegisterDesign<V6_1Without<kAeUnshareRmb>> no_unshare_rmb{Registration::TestFixture};

}  // namespace cow::designs
