// Design v6.0 — David Hildenbrand's 5535be309971 "mm/gup: fix FOLL_FORCE COW security
// issue and remove FOLL_COW" (v1 <20220808073232.8808-1-david@redhat.com>, 8 Aug 2022; as
// merged, <20220809205640.70916-1-david@redhat.com>; in 6.0, and backported to 5.16+
// stable kernels), on v5.19. From its message:
//   "Right now, it would be sufficient to have some code that sets a PTE of a R/O-mapped
//   shared page dirty, in order for it to erroneously become writable by FOLL_FORCE."
//   [... UFFDIO_CONTINUE did exactly that on shmem: CVE-2022-2590 ...]
//   "Let's move away from this mandatory-retry + dirty handling and rely on our
//   PageAnonExclusive() flag for making a similar decision, to use the same COW logic as
//   in other kernel parts here as well. In case we stumble over a PTE in a COW mapping
//   that does not map an exclusive anonymous page, COW was not properly broken and we
//   have to trigger a fake write-fault to break COW."
//   "Fortunately, FOLL_COW is no longer required to handle FOLL_FORCE. So let's just get
//   rid of it."
//
// This is the worked example of docs/writing-a-design.md: written with
// `cowcheck new-design v6.0 --from v5.19`, then the two FOLL_FORCE hooks filled in from
// the patch; the class moved to v6_0.hpp when v6.3 came to derive from it. Everything
// else is v5.19's. The soft-dirty and userfaultfd-wp tests of can_follow_write_pte are
// left out: the model has no soft-dirty bit and no userfaultfd.
#include "model/designs/v6_0.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V6_0> registered;

}  // namespace cow::designs
