// Design fork-lock-writable: the 2026 proposal P1 (Barry Song, 17 May 2026,
// <CAGsJ_4ysMcrmDLSOwBkf7qwCQrcDWeEMXkHDajTJFMLKUk0bSQ@mail.gmail.com>, in the thread
// "[PATCH v2 0/5] mm: reduce mmap_lock contention and improve page fault performance",
// <20260430040427.4672-1-baohua@kernel.org>), on v6.18. From the mail:
//   "We observed many cases where `vma_start_write()` is blocked by page-fault I/O in
//   some applications. The blocking occurs in the `dup_mmap()` path during fork(). [...]
//   My gut feeling is that Suren's commit may be overshooting [...] (we haven't tested it
//   yet and it might be wrong)"
// The diff, as posted against a tree with vma_start_write_killable:
//   -               retval = vma_start_write_killable(mpnt);
//   +               /*
//   +                * For anonymous or writable private VMAs, prevent
//   +                * concurrent CoW faults.
//   +                */
//   +               if (!mpnt->vm_file || (!(mpnt->vm_flags & VM_SHARED) &&
//   +                                       (mpnt->vm_flags & VM_WRITE)))
//   +                       retval = vma_start_write_killable(mpnt);
// (fork_vma_lock = AnonOrWritablePrivate; model/fork.cpp fork_locks_vma). Lorenzo
// Stoakes replied "I think this has to be VM_MAYWRITE, because somebody could otherwise
// mprotect() it R/W"; the is_cow_mapping() form is design fork-lock-cow-mapping.
#include "model/design_registry.hpp"
#include "model/designs/v6_18.hpp"

namespace cow::designs {

class ForkLockWritable : public V6_18 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_18::kTraits;
    t.name = "fork-lock-writable";
    t.base = "v6.18";
    t.kernel = "6.18";
    t.kind = DesignKind::Proposal;
    t.date = "2026-05-17";
    t.summary = "P1: dup_mmap write-locks only anonymous VMAs and writable private file VMAs";
    t.source = "Barry Song <CAGsJ_4ysMcrmDLSOwBkf7qwCQrcDWeEMXkHDajTJFMLKUk0bSQ@mail.gmail.com> (mm/mmap.c dup_mmap)";
    t.fork_vma_lock = ForkVmaLock::AnonOrWritablePrivate;
    return t;
  }();
};

static const RegisterDesign<ForkLockWritable> registered;

}  // namespace cow::designs
