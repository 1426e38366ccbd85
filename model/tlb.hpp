// TLBs: each CPU's cached translations (State::tlb, one row per thread: the model runs a
// thread per CPU), for scenarios that model them (Scenario::tlb). A user load or store
// uses its CPU's entry when there is one, even after the PTE changed (x86: the MMU does
// not re-read the PTE while the entry lives), and fills the entry from the PTE otherwise;
// a store through a read-only entry faults, which drops the entry. The kernel removes
// entries where it flushes, as each version does:
//   - ptep_clear_flush / flush_tlb_page: one page, every CPU of the mm (wp_page_copy
//     before installing the copy; KSM's write_protect_page and replace_page; reclaim's
//     try_to_unmap_one; page_mkclean);
//   - tlb_gather_mmu / tlb_finish_mmu: the pages a zap or a protection change touched,
//     before the pages are freed and before the mmap_lock is dropped (munmap, exit,
//     madvise(MADV_DONTNEED), mprotect, clear_refs);
//   - flush_tlb_mm: every page of the mm (dup_mmap, before mmap_write_unlock(oldmm)).
// Fork's ptep_set_wrprotect does not flush: until flush_tlb_mm, the parent's CPUs may
// keep writable entries for pages fork made read-only and shared with the child.
//
// The model keeps an entry until a flush removes it (the longest a TLB may keep it).
//
// The same flush IPIs protect GUP-fast (Scenario::arch): on x86 a flush waits for every
// CPU of the mm to take the IPI, and GUP-fast runs with interrupts off, so no flush of
// the mm (and no freeing of what it walks) completes while a GUP-fast walker is between
// reading a PTE and taking its reference; with RCU table freeing nothing waits, and
// GUP-fast must take get_page_unless_zero and re-check the PTE. The successor function
// applies this (model/successors.cpp): a step that flushes, or frees the page a walker
// read, is not enabled while the walker is there.
#pragma once
#include "model/step.hpp"

namespace cow::kernel {

inline bool tlb_valid(u8 e) { return e & kTlbValid; }
inline bool tlb_writable(u8 e) { return e & kTlbWrite; }
inline u8 tlb_frame(u8 e) { return static_cast<u8>(e & kTlbFrame); }

// The page walk of a user access caches the translation on the thread's CPU.
void tlb_fill(Step& st, unsigned v, const Pte& pte);
// flush_tlb_page (mm, v): the entry for v on every CPU of mm.
void flush_tlb_page(Step& st, unsigned mm, unsigned v);
// flush_tlb_mm (mm): every entry of every CPU of mm.
void flush_tlb_mm(Step& st, unsigned mm);

// The operations whose GUP tries get_user_pages_fast first (when Op::gup_fast).
inline bool is_gup_fast_op(OpKind k) {
  return k == OpKind::OdirectRead || k == OpKind::OdirectWrite || k == OpKind::Vmsplice || k == OpKind::PinUserPages;
}

// Whether thread t is a GUP-fast walker with interrupts off: it has read a PTE and not yet
// taken its reference (pc r2 of a GUP-fast op).
bool gup_fast_walking(const Scenario& sc, const State& s, unsigned t);
// Whether some GUP-fast walker of mm has interrupts off (x86: a flush IPI to mm waits).
bool gup_fast_irqs_off(const Scenario& sc, const State& s, unsigned mm);

}  // namespace cow::kernel
