// Design mlock-v2.6.37 — Linux 2.6.37 (January 2011), the kernel before Michel
// Lespinasse's 5ecfda041e4b "mlock: avoid dirtying pages and triggering writeback"
// (merged for 2.6.38; posted as <1289996638-21439-4-git-send-email-walken@google.com>,
// lkml, November 2010). mlock-v2.6.38 (mlock_v2_6_38.cpp) is the patch.
//
// For every path the earlier designs model (fork's copy_one_pte, do_wp_page's mapcount
// reuse after 2.6.29's sleep for the page lock, x86 GUP-fast without a re-check) 2.6.37
// is 2.6.29 (v2_6_29.cpp). What it adds is the 2.6.28
// mlock of the unevictable LRU (PG_mlocked, mlock_vma_page, b291f000393f) that
// model/mlock.cpp runs, whose population write-faults every page of a VM_WRITE VMA
// (traits mlock = WriteFaultsShared): a shared file mapping gets a write fault on every
// page, do_wp_page's shared branch calls ->page_mkwrite (allocating the blocks of a
// sparse file) and set_page_dirty, and every page is queued for write-back. It also has
// KSM (2.6.32, with 2.6.36's dirty-PTE fix: traits ksm_protect, ksm_wrprotect) and the
// later get_user_pages rule below.
#include "model/designs/mlock_v2_6_37.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

// __get_user_pages (mm/memory.c, v2.6.32 .. v2.6.37; later faultin_page, mm/gup.c):
//   /* The VM_FAULT_WRITE bit tells us that do_wp_page has broken COW when
//    * necessary, even if maybe_mkwrite decided not to set pte_write. We
//    * can thus safely do subsequent page lookups as if they were reads.
//    * But only do so when looping for pte_write is futile: in some cases
//    * userspace may also be wanting to write to the gotten user page,
//    * which a read fault here might prevent (a readonly page might get
//    * reCOWed by userspace write). */
//   if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE))
//           foll_flags &= ~FOLL_WRITE;
FollFlags MlockV2_6_37::faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const {
  if ((ret & kVmFaultWrite) && !(vma.flags & kVmWrite)) flags &= static_cast<FollFlags>(~kFollWrite);
  return flags;
}

static const RegisterDesign<MlockV2_6_37> registered;

}  // namespace cow::designs
