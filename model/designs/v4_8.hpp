// v4.8 (2016): the kernel Dirty COW (CVE-2016-5195) was found in. For the races of the
// 2008 thread it is v2.6.27: fork write-protects and shares, do_wp_page reuses an
// anonymous page on its mapcount (reuse_swap_page), x86 GUP-fast takes its reference with
// no re-check; clear_refs has soft-dirty (3.11+). What this file adds is __get_user_pages'
// retry loop after a FOLL_FORCE write fault (mm/gup.c faultin_page, v4.8):
//   if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE))
//           *flags &= ~FOLL_WRITE;
// "an ancient bug that was actually attempted to be fixed once (badly) by me eleven years
// ago in commit 4ceb5db9757a" (19be0eaffa3a): once the write fault has broken COW, the
// loop looks the page up as a read; if madvise(MADV_DONTNEED) zaps the private copy in
// between, the read finds the page-cache page and the kernel writes the file.
// The loop itself is model/proc_mem.cpp; Design::foll_cow() is false here.
#pragma once
#include "model/designs/v2_6_27.hpp"

namespace cow::designs {

class V4_8 : public V2_6_27 {
 public:
  std::string_view name() const override { return "v4.8"; }
  std::string_view summary() const override {
    return "v2.6.27's fork and COW; a FOLL_FORCE write fault drops FOLL_WRITE (Dirty COW, CVE-2016-5195)";
  }
  std::string_view source() const override {
    return "v4.8: mm/gup.c faultin_page, follow_page_pte; mm/memory.c do_wp_page (reuse_swap_page)";
  }
  SoftDirty soft_dirty() const override { return SoftDirty::Wrprotect; }
  bool mlock_writes_shared() const override { return false; }  // 5ecfda041e4b (2.6.38)
  KsmProtect ksm_protect() const override { return KsmProtect::ClearFlush; }  // mm/ksm.c (2.6.32)
};

}  // namespace cow::designs
