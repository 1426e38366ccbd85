// Kernel primitives shared by every design: frame allocation, reference and mapcount
// updates, VMA lookup. Each names the kernel function it stands for.
#pragma once
#include "model/step.hpp"

namespace cow::kernel {

// find_vma (mm/mmap.c): the VMA of `mm` containing virtual page v, or nullptr.
const Vma* find_vma(const State& s, unsigned mm, unsigned v);
inline Vma* find_vma(State& s, unsigned mm, unsigned v) {
  return const_cast<Vma*>(find_vma(static_cast<const State&>(s), mm, v));
}

// is_cow_mapping (mm/memory.c v2.6.27): private and may be written.
inline bool is_cow_mapping(const Vma& vma) {
  return !(vma.flags & kVmShared) && (vma.flags & kVmWrite);
}

// alloc_page_vma + copy_user_highpage (mm/memory.c do_wp_page, v2.6.27): the lowest
// numbered free frame gets a copy of `from`'s data, refcount 1, mapcount 1, anon.
// Returns kNone (and flags the step) when the pool is exhausted.
u8 alloc_copy(Step& st, u8 from);
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
// pte_val(*ptep)): the PTE still maps f, present and writable.
inline bool pte_still_maps_writable(const State& s, unsigned mm, unsigned v, u8 f) {
  const Pte& p = s.pte(mm, v);
  return p.present() && p.writable() && p.frame == f;
}
inline void pte_wrprotect(Pte& p) { p.flags &= static_cast<u8>(~kPteWrite); }
// ptep_set_wrprotect and friends: write-protects a PTE, counting it when it was writable.
inline void pte_wrprotect(Step& st, Pte& p) {
  if (p.writable()) st.count(Cost::PteWrprotect);
  pte_wrprotect(p);
}
inline void pte_mkwrite(Pte& p) { p.flags |= kPteWrite; }

// Pin bookkeeping (the model's record of a GUP reference held by a driver); the
// reference itself is get_page/put_page on the frame. A released pin holds no frame.
void pin_taken(Step& st, u8 pin, u8 f);
void pin_released(Step& st, u8 pin);

}  // namespace cow::kernel
