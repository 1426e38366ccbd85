// Design fork-no-vma-lock: the 2026 proposal P3 (Barry Song, 19 May 2026,
// <CAGsJ_4w_-Y8qNLDeLX9OWpLpK01YG2bF-N6_mGypgsauvfCvkA@mail.gmail.com>), on v6.18:
//   "Nowadays, nobody calls anon_vma_prepare(vma) directly. Instead, vmf_anon_prepare() is
//   used, and we always require the mmap_lock read lock before calling
//   __anon_vma_prepare(). As a result, anon_vma cannot transition from NULL to non-NULL
//   during fork. So the original race condition has effectively disappeared. [...] To me,
//   it seems that we could remove vma_start_write() entirely now. Or is that an even
//   crazier idea?"
// dup_mmap without vma_start_write (fork_vma_lock = None): v6.4-rc1's fork with 6.18's
// faults. Lorenzo Stoakes answered (<agxhwM9i-in8TpIz@lucifer>): "Err the page tables?
// All the other cases which require page table copying?" and "NAK".
#include "model/design_registry.hpp"
#include "model/designs/v6_18.hpp"

namespace cow::designs {

class ForkNoVmaLock : public V6_18 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_18::kTraits;
    t.name = "fork-no-vma-lock";
    t.base = "v6.18";
    t.kernel = "6.18";
    t.kind = DesignKind::Proposal;
    t.date = "2026-05-19";
    t.summary = "P3: dup_mmap takes no VMA write lock (anon_vma cannot appear during fork under vmf_anon_prepare)";
    t.source = "Barry Song <CAGsJ_4w_-Y8qNLDeLX9OWpLpK01YG2bF-N6_mGypgsauvfCvkA@mail.gmail.com> (mm/mmap.c dup_mmap)";
    t.fork_vma_lock = ForkVmaLock::None;
    return t;
  }();
};

static const RegisterDesign<ForkNoVmaLock> registered;

}  // namespace cow::designs
