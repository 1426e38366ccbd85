// v5.9: the early COW of maybe-pinned pages at fork, on top of v5.9-rc — Peter Xu's
// "mm: Break COW for pinned pages during fork()" <20200925222600.6832-1-peterx@redhat.com>
// (008cfe4418b3 mm->has_pinned, 70e806e4e645) with Linus's f3c64eda3e50 "mm: avoid early
// COW write protect games during fork()" (5.9 final). Prompted by the RDMA regression of
// 09854ba94c6a: "basically do the 'early COW', but only do it for FOLL_PIN"
// <CAHk-=wj1EDd3dUGz_992_oRqvsy3LGDvxvyQBvutLhBqkYqgcQ@mail.gmail.com>.
#pragma once
#include "model/designs/v5_9_rc.hpp"
#include "model/zero_page.hpp"
#include "model/kernel.hpp"

namespace cow::designs {

class V5_9 : public V5_9_rc {
 public:
  static constexpr DesignTraits kTraits = [] {
    DesignTraits t = V5_9_rc::kTraits;
    t.name = "v5.9";
    t.base = "v5.9-rc";
    t.kernel = "5.9";
    t.date = "2020-10-11";
    t.summary = "v5.9-rc plus early COW at fork of pages that may be pinned (mm->has_pinned, page_maybe_dma_pinned)";
    t.source = "70e806e4e645 + f3c64eda3e50 (v5.9): mm/memory.c copy_present_pte, copy_present_page";
    return t;
  }();

  // copy_present_pte / copy_present_page (mm/memory.c, v5.9):
  //   if (!is_cow_mapping(src_vma->vm_flags)) return 1;          // share as before
  //   if (likely(!atomic_read(&src_mm->has_pinned))) return 1;
  //   if (likely(!page_maybe_dma_pinned(page))) return 1;
  //   copy_user_highpage(new_page, page, addr, src_vma);        // the child gets a copy,
  //   page_add_new_anon_rmap(new_page, dst_vma, addr, false);   // mapped writable; the
  //   pte = maybe_mkwrite(pte_mkdirty(mk_pte(new_page, ...)));  // parent PTE is untouched
  //   set_pte_at(dst_vma->vm_mm, addr, dst_pte, pte); return 0;
  // otherwise get_page + page_dup_rmap, and write-protect both PTEs of a COW mapping.
  // The kernel preallocates the page (dropping both PT locks and retrying the PTE on
  // -EAGAIN); the model allocates inside the step, as forcecow. page_maybe_dma_pinned is
  // the model's exact pin count (the kernel's refcount >= 1024 test can also be a false
  // positive, costing a needless copy).
  // The check and the write-protect are two steps (f2, f2b), as they are two points in
  // the kernel's code with no lock GUP-fast respects between them.
  bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const override {
    using namespace cow::kernel;
    st.label = "copy_present_page:page_maybe_dma_pinned";
    const Pte& p = st.s.pte(src, v);
    const Vma* vma = find_vma(st.s, src, v);
    // (copy_present_pte: "page = vm_normal_page(src_vma, addr, pte); if (page) { ... }":
    // the zero page is never copied)
    if (vma && is_cow_mapping(*vma) && st.s.mms[src].has_pinned && st.s.frames[p.frame].pincount > 0 &&
        !is_zero_page(st.s, p.frame)) {
      st.label = "copy_present_page:early_cow";
      const u8 g = alloc_copy(st, p.frame);
      if (g == kNone) return true;
      set_pte(st.s, dst, v, g, false);
      maybe_mkwrite_dirty(st.s, dst, v);
      page_add_new_anon_rmap(st, *this, g, dst, v);
      return true;
    }
    return false;  // not pinned (yet): share it, in the next step
  }
  // copy_present_pte after copy_present_page returned 1: get_page, page_dup_rmap,
  // ptep_set_wrprotect(src) and set_pte_at(dst): a GUP-fast on another CPU can take its
  // FOLL_PIN between the check above and this write-protect (fixed in 5.11, v5_11.cpp).
  void copy_one_pte_finish(Step& st, unsigned src, unsigned dst, unsigned v) const override {
    st.label = "copy_present_pte:get_page+ptep_set_wrprotect";
    share_wrprotected(st, src, dst, v);
  }
};

}  // namespace cow::designs
