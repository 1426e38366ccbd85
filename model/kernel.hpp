// Kernel primitives shared by every design: frame allocation, reference and mapcount
// updates, VMA lookup. Each names the kernel function it stands for.
#pragma once
#include "model/step.hpp"
#include "model/vm_fault.hpp"

namespace cow {
class Design;
}

namespace cow::kernel {

// find_vma (mm/mmap.c): the VMA of `mm` containing virtual page v, or nullptr.
const Vma* find_vma(const State& s, unsigned mm, unsigned v);
inline Vma* find_vma(State& s, unsigned mm, unsigned v) {
  return const_cast<Vma*>(find_vma(static_cast<const State&>(s), mm, v));
}

// is_cow_mapping (mm/memory.c v2.6.27): (flags & (VM_SHARED | VM_MAYWRITE)) == VM_MAYWRITE,
// private and may be written (also while mprotect has made it read-only).
inline bool is_cow_mapping(const Vma& vma) {
  return !(vma.flags & kVmShared) && (vma.flags & kVmMayWrite);
}

// alloc_page_vma + copy_user_highpage (mm/memory.c do_wp_page, v2.6.27): the lowest
// numbered free frame gets a copy of `from`'s data, refcount 1, mapcount 1, anon.
// Returns kNone (and flags the step) when the pool is exhausted.
u8 alloc_copy(Step& st, u8 from);
// maybe_mkwrite(pte_mkdirty(entry), vma) (mm/memory.c): the PTE of (mm, v) becomes dirty,
// and writable only in a VMA with VM_WRITE (a FOLL_FORCE write into a read-only private
// mapping leaves it read-only and dirty).
void maybe_mkwrite_dirty(State& s, unsigned mm, unsigned v);
// The reuse branch of do_wp_page (v2.6.27's "reuse:" label; wp_page_reuse since 4.0):
//   entry = maybe_mkwrite(pte_mkdirty(entry), vma); ptep_set_access_flags(...);
//   return VM_FAULT_WRITE;
VmFault wp_page_reuse(Step& st, unsigned mm, unsigned v);
// The copy half of the write fault (do_wp_page's copy, wp_page_copy in 4.x/5.x), PT lock
// held: a copy of the old page mapped at (mm, v), the old page's mapping and reference
// dropped, page_add_new_anon_rmap (Design::new_anon_page) on the copy:
//   entry = maybe_mkwrite(pte_mkdirty(entry), vma);      (a write fault)
//   5.19 FAULT_FLAG_UNSHARE: the copy is mapped R/O and clean
//   return (page_copied && !unshare) ? VM_FAULT_WRITE : 0;
// Returns the new frame in *copied (kNone when the pool ran out: the step is abandoned).
VmFault wp_page_copy(Step& st, const Design& d, unsigned mm, unsigned v, FaultFlags flags, u8* copied = nullptr);
// wp_page_copy's second half, when the copy was made in a step of its own
// (Step::split_copy): the PT lock taken again, "if (likely(pte_same(*vmf->pte,
// vmf->orig_pte)))" the old translation cleared and flushed and the copy mapped; else the
// copy is dropped and the fault retried. Thread::frame holds the copy, Thread::idx the old
// page. Returns whether the copy was installed.
bool wp_page_copy_install(Step& st, const Design& d, unsigned mm, unsigned v);
// anon_vma_prepare (mm/rmap.c): the VMA containing v gets its anon_vma if it has none.
void anon_vma_prepare(State& s, unsigned mm, unsigned v);
// page_add_new_anon_rmap (folio_add_new_anon_rmap): the fresh anonymous page f, mapped at
// (mm, v), belongs to that VMA's anon_vma; the design's bookkeeping follows
// (Design::new_anon_page: 5.19 marks it exclusive).
void page_add_new_anon_rmap(Step& st, const Design& d, u8 f, unsigned mm, unsigned v);
// alloc_zeroed_user_highpage (do_anonymous_page): a fresh zeroed anon frame, mapped once.
u8 alloc_zeroed(Step& st);

// get_page / put_page (include/linux/mm.h): a frame whose refcount drops to 0 is freed
// and its contents forgotten.
void get_page(State& s, u8 f);
void put_page(State& s, u8 f);
// page_dup_rmap / page_remove_rmap (mm/rmap.c): mapcount only.
void page_dup_rmap(State& s, u8 f);
void page_remove_rmap(State& s, u8 f);

// Sets a PTE to map frame f, present, writable or not.
inline void set_pte(State& s, unsigned mm, unsigned v, u8 f, bool writable) {
  s.pte(mm, v) = Pte{f, static_cast<u8>(kPtePresent | (writable ? kPteWrite : 0))};
}
// GUP-fast's re-check after taking its reference (gup_pte_range: pte_val(pte) ==
// pte_val(*ptep)): the PTE still maps f, present, and writable for a FOLL_WRITE GUP. (The
// model compares what the walk relied on, not every PTE bit.)
inline bool pte_still_maps(const State& s, unsigned mm, unsigned v, u8 f, bool write) {
  const Pte& p = s.pte(mm, v);
  return p.present() && (!write || p.writable()) && p.frame == f;
}
inline void pte_wrprotect(Pte& p) { p.flags &= static_cast<u8>(~kPteWrite); }
// ptep_set_wrprotect and friends: write-protects a PTE, counting it when it was writable.
inline void pte_wrprotect(Step& st, Pte& p) {
  if (p.writable()) st.count(Cost::PteWrprotect);
  pte_wrprotect(p);
}
inline void pte_mkwrite(Pte& p) { p.flags |= kPteWrite; }

// Per-VMA locks (include/linux/mmap_lock.h, 6.4+; Vma::lock). vma_start_read: a fault's
// attempt, which fails (no wait) while the VMA is write-locked. vma_start_write, by the
// mmap_lock writer: the VMA is marked at once (new readers fail), and the writer waits
// until its readers are gone before it changes the VMA. mmap_write_unlock unlocks every
// VMA of the mm (vma_end_write_all), then the mmap_lock.
inline bool vma_start_read(Vma& v) {
  if (v.lock & kVmaWriteLocked) return false;
  v.lock++;
  return true;
}
inline void vma_end_read(Vma& v) { v.lock--; }
inline unsigned vma_readers(const Vma& v) { return v.lock & kVmaReaders; }
// For an mmap_lock writer about to change the VMA containing v (mprotect, munmap, mlock,
// madvise(MADV_DONTFORK)): vma_start_write on a design with per-VMA locks; false (the
// step waits) while the VMA has readers.
bool vma_start_write(Step& st, const Design& d, unsigned mm, unsigned v);
void mmap_write_unlock(Step& st, unsigned mm);

// Pin bookkeeping (the model's record of a GUP reference held by a driver); the
// reference itself is get_page/put_page on the frame. A released pin holds no frame.
void pin_taken(Step& st, u8 pin, u8 f);
void gup_entry_marks_pinned(Step& st, u8 pin);  // mm->has_pinned at a FOLL_PIN GUP's entry
void pin_released(Step& st, u8 pin);

}  // namespace cow::kernel

// Swap (model/swap.cpp). The model's swap device is the swap cache: a page swapped out
// stays in its frame with PageSwapCache (one reference), and each swap entry that names
// it counts in Frame::swapcount (page_swapcount).
namespace cow::kernel {

// try_to_free_swap / delete_from_swap_cache (mm/swapfile.c): once no swap entry names the
// page, it leaves the swap cache and the cache's reference is dropped.
void try_to_free_swap(Step& st, u8 f);
// do_swap_page's mapping of the swap-cache page at (mm, v), PT lock held: swap_free of
// this entry, page_add_anon_rmap, the PTE present; when the design's rule `reuse`s the
// page for a write fault, maybe_mkwrite(pte_mkdirty(pte)).
void swap_in_map(Step& st, unsigned mm, unsigned v, bool reuse);
// zap_pte_range (mm/memory.c) of one PTE: a present page loses its mapping and reference;
// a swap entry is freed (free_swap_and_cache: the page leaves the swap cache once no
// entry names it and nothing maps it).
void zap_pte(Step& st, unsigned mm, unsigned v);
// copy_one_pte / copy_nonpresent_pte of a swap entry at fork: swap_duplicate, and the
// child's entry is the same slot (5.19: both lose the exclusive bit).
void copy_swap_pte(Step& st, unsigned src, unsigned dst, unsigned v);

}  // namespace cow::kernel
