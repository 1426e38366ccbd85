// Design fork-lock-cow-mapping: the 2026 proposal P1 as the reviewers restated it, on
// v6.18. In the replies to Barry Song's P1
// (<CAGsJ_4ysMcrmDLSOwBkf7qwCQrcDWeEMXkHDajTJFMLKUk0bSQ@mail.gmail.com>): Lorenzo
// Stoakes, "I think this has to be VM_MAYWRITE, because somebody could otherwise
// mprotect() it R/W"; David Hildenbrand, "Likely is_cow_mapping() is what you would want
// to check"; Suren Baghdasaryan, "you want to lock VMA on fork only if
// vma_is_anonymous(vma) || is_cow_mapping(vma->vm_flags) [...] I think it's worth a try."
// The model takes that last form:
//   if (vma_is_anonymous(mpnt) || is_cow_mapping(mpnt->vm_flags))
//           retval = vma_start_write_killable(mpnt);
// is_cow_mapping (include/linux/mm.h): "(flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE"
// (fork_vma_lock = AnonOrCow). No patch was posted in this form.
#include "model/design_registry.hpp"
#include "model/designs/v6_18.hpp"

namespace cow::designs {

class ForkLockCowMapping : public V6_18 {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V6_18::kTraits;
    t.name = "fork-lock-cow-mapping";
    t.base = "v6.18";
    t.kernel = "6.18";
    t.kind = DesignKind::Proposal;
    t.date = "2026-05-17";
    t.summary = "P1': dup_mmap write-locks a VMA only if vma_is_anonymous(vma) || is_cow_mapping(vm_flags)";
    t.source = "replies to <CAGsJ_4ysMcrmDLSOwBkf7qwCQrcDWeEMXkHDajTJFMLKUk0bSQ@mail.gmail.com> "
               "(Lorenzo Stoakes, David Hildenbrand, Suren Baghdasaryan)";
    t.fork_vma_lock = ForkVmaLock::AnonOrCow;
    return t;
  }();
};

static const RegisterDesign<ForkLockCowMapping> registered;

}  // namespace cow::designs
