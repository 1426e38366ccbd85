// v5.11: 57efa1fe5957 "mm/gup: prevent gup_fast from racing with COW during fork" (Jason
// Gunthorpe), on top of v5.9: "there is a small race where get_user_pages_fast(FOLL_PIN)
// can establish a FOLL_PIN at the same time copy_present_page() is write protecting it
// [...] Instead wrap copy_p4d_range() with the write side of a seqcount and check the read
// side around gup_pgd_range(). If there is a collision then get_user_pages_fast() fails
// and falls back to slow GUP." (quoted in <20201111195920.GO26342@xz-x1>).
//
//   copy_page_range (mm/memory.c, v5.11): if (is_cow_mapping(src_vma->vm_flags)) {
//           mmap_assert_write_locked(src_mm);
//           raw_write_seqcount_begin(&src_mm->write_protect_seq); }
//       copy_p4d_range(...);                      // v5.9's per-PTE logic
//       if (is_cow) raw_write_seqcount_end(&src_mm->write_protect_seq);
//   lockless_pages_from_mm (mm/gup.c, v5.11), FOLL_PIN only:
//       seq = raw_read_seqcount(&current->mm->write_protect_seq);
//       if (seq & 1) return 0;                    // fork in progress: slow GUP
//       gup_pgd_range(...);                       // grab + PTE re-check (v5.9-rc)
//       if (read_seqcount_retry(&current->mm->write_protect_seq, seq)) {
//               unpin_user_pages(pages, nr); return 0; }   // slow GUP (mmap_lock read)
// The model begins and ends the write side around the whole page-table copy of dup_mmap
// (one VMA per scenario today: the same as per copy_page_range). The seqcount value read
// at r0 is kept in the thread's idx. FOLL_GET GUP-fast does not look at the seqcount.
#pragma once
#include "model/designs/v5_9.hpp"

#include "model/kernel.hpp"
#include "model/paths.hpp"

namespace cow::designs {

class V5_11 : public V5_9 {
 public:
  std::string_view name() const override { return "v5.11"; }
  std::string_view summary() const override {
    return "v5.9 plus mm->write_protect_seq: FOLL_PIN GUP-fast falls back to slow GUP if fork write-protects meanwhile";
  }
  std::string_view source() const override {
    return "57efa1fe5957 (5.11): mm/memory.c copy_page_range; mm/gup.c lockless_pages_from_mm";
  }

  void fork_copy_begin(Step& st, unsigned src_mm) const override {
    if (has_cow_vma(st.s, src_mm)) st.s.mms[src_mm].write_protect_seq++;  // raw_write_seqcount_begin
  }
  void fork_copy_end(Step& st, unsigned src_mm) const override {
    if (st.s.mms[src_mm].write_protect_seq & 1) st.s.mms[src_mm].write_protect_seq++;  // raw_write_seqcount_end
  }

  bool has_write_protect_seq() const override { return true; }

  // feb889fb40fa "mm: don't put pinned pages into the swap cache" (5.11-rc4), in
  // shrink_page_list: if (page_maybe_dma_pinned(page)) goto keep_locked;
  bool reclaim_skips_pinned() const override { return true; }
  // 9348b73c2e1b "mm: don't play games with pinned pages in clear_page_refs" (5.11-rc4):
  // clear_soft_dirty returns early when pte_is_pinned (COW mapping, MMF_HAS_PINNED,
  // page_maybe_dma_pinned).
  SoftDirty soft_dirty() const override { return SoftDirty::SkipPinned; }
  bool gup_fast_has_enter(const Op& op) const override { return op.foll_pin; }
  bool gup_fast_enter(Step& st) const override {
    const u8 seq = st.s.mms[st.def().mm].write_protect_seq;
    st.self().idx = seq;
    if (seq & 1) {
      st.label = "lockless_pages_from_mm:raw_read_seqcount(odd: slow GUP)";
      st.go(kPcS0);
    } else {
      st.label = "lockless_pages_from_mm:raw_read_seqcount";
    }
    return true;
  }
  bool gup_fast_get_page(Step& st) const override {
    const Op& op = st.op();
    if (op.foll_pin && st.s.mms[st.def().mm].write_protect_seq != st.self().idx) {
      // grabbed and re-checked, but fork wrote meanwhile: unpin_user_pages, slow GUP
      st.label = "lockless_pages_from_mm:read_seqcount_retry(unpin_user_pages)";
      return false;
    }
    return V5_9::gup_fast_get_page(st);
  }

 private:
  static bool has_cow_vma(const State& s, unsigned mm) {
    for (const Vma& v : s.mms[mm].vma)
      if (v.pages && !(v.flags & kVmDontCopy) && kernel::is_cow_mapping(v)) return true;
    return false;
  }
};

}  // namespace cow::designs
