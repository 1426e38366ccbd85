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
// is traits gup_fast_sync = WriteProtectSeq: the steps are model/fork.cpp's (the write
// side) and model/gup.cpp's (gup_fast_enter, gup_fast_get_page). FOLL_GET GUP-fast does
// not look at the seqcount.
//
// Three more 5.11 patches, as traits:
// - feb889fb40fa "mm: don't put pinned pages into the swap cache" (5.11-rc4), in
//   shrink_page_list: if (page_maybe_dma_pinned(page)) goto keep_locked;
//   (reclaim = SkipsPinned, model/mm_ops.cpp);
// - 9348b73c2e1b "mm: don't play games with pinned pages in clear_page_refs" (5.11-rc4):
//   clear_soft_dirty returns early when pte_is_pinned (COW mapping, MMF_HAS_PINNED,
//   page_maybe_dma_pinned), and with it 29a951dfb3c3 "mm: fix clear_refs_write locking"
//   (5.11-rc4) takes mmap_lock for write, not read: "Turning page table entries
//   read-only requires the mmap_sem held for writing" (soft_dirty = SkipPinned,
//   model/mm_ops.cpp).
#include "model/designs/v5_11.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V5_11> registered;

}  // namespace cow::designs
