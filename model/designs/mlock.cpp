// Designs mlock-v2.6.37 and mlock-v2.6.38: the kernel before and after Michel Lespinasse's
// 5ecfda041e4b "mlock: avoid dirtying pages and triggering writeback" (authored 13 Jan
// 2011, merged for 2.6.38; posted as <1289996638-21439-4-git-send-email-walken@google.com>,
// the thread ../shared/seeds/lkml-2010-mlock-avoid-dirtying.txt).
//
// For every path the earlier designs model (fork's copy_one_pte, do_wp_page's mapcount
// reuse, x86 GUP-fast without a re-check) 2.6.37 is 2.6.27, so both derive from v2.6.27.
// What they add is the 2.6.28 mlock of the unevictable LRU (PG_mlocked, mlock_vma_page,
// b291f000393f) that model/mlock.cpp runs, and the one line the patch changes:
//
// mm/mlock.c __mlock_vma_pages_range (and the same in mm/memory.c make_pages_present):
//  	gup_flags = FOLL_TOUCH | FOLL_GET;
// -	if (vma->vm_flags & VM_WRITE)
// +	/*
// +	 * We want to touch writable mappings with a write fault in order
// +	 * to break COW, except for shared mappings because these don't COW
// +	 * and we would not want to dirty them for nothing.
// +	 */
// +	if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
//  		gup_flags |= FOLL_WRITE;
//
// Before it, mlock of a shared writable file mapping write-faults every page: do_wp_page's
// shared branch calls ->page_mkwrite (allocating the blocks of a sparse file) and
// set_page_dirty, and every page is queued for write-back. After it, mlock read-faults
// them; "a later write access will be caught as a write fault at" which point page_mkwrite
// runs (Lespinasse, 18 Nov 2010).
#include "model/designs/v2_6_27.hpp"

namespace cow::designs {
namespace {

class MlockV2_6_37 : public V2_6_27 {
 public:
  std::string_view name() const override { return "mlock-v2.6.37"; }
  std::string_view summary() const override {
    return "mlock write-faults every page of a VM_WRITE VMA, shared file mappings too (dirtying them)";
  }
  std::string_view source() const override {
    return "v2.6.37: mm/mlock.c __mlock_vma_pages_range (gup_flags |= FOLL_WRITE if VM_WRITE), mm/memory.c "
           "do_wp_page, __do_fault";
  }
  bool mlock_writes_shared() const override { return true; }
  KsmProtect ksm_protect() const override { return KsmProtect::ClearFlush; }  // mm/ksm.c (2.6.32)
};

class MlockV2_6_38 : public MlockV2_6_37 {
 public:
  std::string_view name() const override { return "mlock-v2.6.38"; }
  std::string_view summary() const override {
    return "mlock write-faults only private writable VMAs (to break COW); shared mappings are read-faulted";
  }
  std::string_view source() const override {
    return "5ecfda041e4b (2.6.38) \"mlock: avoid dirtying pages and triggering writeback\"";
  }
  bool mlock_writes_shared() const override { return false; }
};

}  // namespace

const Design* make_mlock_v2_6_37() {
  static const MlockV2_6_37 d;
  return &d;
}
const Design* make_mlock_v2_6_38() {
  static const MlockV2_6_38 d;
  return &d;
}

}  // namespace cow::designs
