// Test fixture (not a kernel): fork-no-vma-lock (the 2026 proposal P3) on a kernel whose
// faults would call anon_vma_prepare under the VMA lock alone, without
// vmf_anon_prepare's mmap_read_trylock. P3's argument is that this cannot happen in 6.18
// ("we always require the mmap_lock read lock before calling __anon_vma_prepare()");
// this fixture removes that premise, and the checker must then find the race Yang Shi
// drew (<CAHbLzkpbQ4Ca0xC74BJ6iJUVKdpH90qE+E=g7HkDXvcNH1+8+w@mail.gmail.com>): fork's
// anon_vma_fork sees no anon_vma, the fault prepares one and maps a page, vma_needs_copy
// then copies the PTE into a child VMA without an anon_vma (property rmap-complete).
#include "model/design_registry.hpp"
#include "model/designs/v6_18.hpp"

namespace cow::designs {

class AnonPrepareVmaLockOnly : public V6_18 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_18::kTraits;
    t.name = "fixture-anon-prepare-vma-lock-only";
    t.base = "v6.18";
    t.kernel = "6.18";
    t.kind = DesignKind::Proposal;
    t.date = "2026-05-19";
    t.summary = "test fixture: fork-no-vma-lock with anon_vma_prepare under the VMA lock alone (no mmap_read_trylock)";
    t.source = "fork-no-vma-lock without the premise of <CAGsJ_4w_-Y8qNLDeLX9OWpLpK01YG2bF-N6_mGypgsauvfCvkA@mail.gmail.com>";
    t.fault_lock = FaultLock::VmaLockAnonPrepareUnlocked;
    t.fork_vma_lock = ForkVmaLock::None;
    return t;
  }();
};

static const RegisterDesign<AnonPrepareVmaLockOnly> registered{Registration::TestFixture};

}  // namespace cow::designs
