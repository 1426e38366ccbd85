// Design fork-lock-anon-vma: the 2026 proposal P2 (Yang Shi, 18 May 2026,
// <CAHbLzkrOSoh-jmR=uaNvx73n_wn+vExoKY0UzH5zGcfdAiDbNg@mail.gmail.com>), on v6.18:
//   "We may be able to just take vma write lock iff vma->anon_vma is not NULL. First of
//   all, write mmap_lock is held, so the vma can't go or be changed under us. Secondly,
//   if vma->anon_vma is NULL, it basically means either no page fault happened or no cow
//   happened, so there is no page table to copy, this is also what copy_page_range()
//   does currently. So we can shrink the critical section to:
//   if (vma->anon_vma) {
//       vma_start_write_killable(src_vma);
//       anon_vma_fork(dst_vma, src_vma);
//       copy_page_range(dst_vma, src_vma);
//   }
//   But page fault can happen before write mmap_lock is taken, when we check
//   vma->anon_vma, it is possible it has not been set up yet. But it seems to be
//   equivalent to page fault after fork and won't break the semantic."
// (fork_vma_lock = WithAnonVma: the test is made once, and copy_page_range runs only if
// it passed; model/fork.cpp fork_locks_vma, vma_needs_copy.)
#include "model/design_registry.hpp"
#include "model/designs/v6_18.hpp"

namespace cow::designs {

class ForkLockAnonVma : public V6_18 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_18::kTraits;
    t.name = "fork-lock-anon-vma";
    t.base = "v6.18";
    t.kernel = "6.18";
    t.kind = DesignKind::Proposal;
    t.date = "2026-05-18";
    t.summary = "P2: dup_mmap write-locks, forks the anon_vma of and copies only a VMA whose anon_vma is set";
    t.source = "Yang Shi <CAHbLzkrOSoh-jmR=uaNvx73n_wn+vExoKY0UzH5zGcfdAiDbNg@mail.gmail.com> (mm/mmap.c dup_mmap)";
    t.fork_vma_lock = ForkVmaLock::WithAnonVma;
    return t;
  }();
};

static const RegisterDesign<ForkLockAnonVma> registered;

}  // namespace cow::designs
