#include "model/kernel.hpp"

#include "model/design.hpp"
#include "model/invariant.hpp"
#include "model/locks.hpp"
#include "model/tlb.hpp"

namespace cow::kernel {

const Vma* find_vma(const State& s, unsigned mm, unsigned v) {
  for (const Vma& vma : s.mms[mm].vma)
    if (vma.contains(v)) return &vma;
  return nullptr;
}

static u8 lowest_free(const State& s) {
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (s.frames[f].refcount == 0) return static_cast<u8>(f);
  return kNone;
}

u8 alloc_copy(Step& st, u8 from) {
  u8 g = lowest_free(st.s);
  if (g == kNone) {
    st.out_of_frames = true;
    return kNone;
  }
  st.count(st.op().kind == OpKind::Fork ? Cost::ForkCopy : Cost::CowCopy);
  Frame& nf = st.s.frames[g];
  nf = Frame{};
  nf.refcount = 1;
  nf.mapcount = 1;
  nf.flags = kFrameAnon;
  nf.data = st.s.frames[from].data;
  return g;
}

void maybe_mkwrite_dirty(State& s, unsigned mm, unsigned v) {
  Pte& p = s.pte(mm, v);
  p.flags |= kPteDirty;
  const Vma* vma = find_vma(s, mm, v);
  if (vma && (vma->flags & kVmWrite)) pte_mkwrite(p);
}

VmFault wp_page_reuse(Step& st, unsigned mm, unsigned v) {
  maybe_mkwrite_dirty(st.s, mm, v);
  return kVmFaultWrite;
}

VmFault wp_page_copy(Step& st, const Design& d, unsigned mm, unsigned v, FaultFlags flags, u8* copied) {
  if (copied) *copied = kNone;
  const u8 old = st.s.pte(mm, v).frame;
  anon_vma_prepare(st.s, mm, v);
  const u8 g = alloc_copy(st, old);
  if (g == kNone) return 0;
  const bool unshare = flags & kFaultFlagUnshare;
  if (st.split_copy && !unshare) {
    // The copy is made; the PT lock is dropped; wp_page_copy_install takes it again.
    st.s.frames[g].mapcount = 0;
    st.self().frame = g;
    st.self().idx = static_cast<u8>((st.self().idx & 0xF0) | old);  // (the fault's flags keep the high bits)
    st.copy_pending = true;
    if (copied) *copied = g;
    return kVmFaultWrite;
  }
  flush_tlb_page(st, mm, v);  // ptep_clear_flush_notify: no CPU keeps the old translation
  set_pte(st.s, mm, v, g, false);
  if (!unshare) maybe_mkwrite_dirty(st.s, mm, v);
  page_add_new_anon_rmap(st, d, g, mm, v);
  page_remove_rmap(st.s, old);
  put_page(st.s, old);
  if (copied) *copied = g;
  return unshare ? 0 : kVmFaultWrite;
}

bool wp_page_copy_install(Step& st, const Design& d, unsigned mm, unsigned v) {
  Thread& t = st.self();
  const u8 g = t.frame, old = static_cast<u8>(t.idx & 0x0F);
  t.frame = kNone;
  t.idx = 0;
  const Pte& p = st.s.pte(mm, v);
  if (!p.present() || p.frame != old || p.writable()) {  // !pte_same: someone else changed it
    put_page(st.s, g);
    return false;
  }
  flush_tlb_page(st, mm, v);  // ptep_clear_flush_notify
  set_pte(st.s, mm, v, g, false);
  maybe_mkwrite_dirty(st.s, mm, v);
  st.s.frames[g].mapcount = 1;
  page_add_new_anon_rmap(st, d, g, mm, v);
  page_remove_rmap(st.s, old);
  put_page(st.s, old);
  return true;
}

bool vma_start_write(Step& st, const Design& d, unsigned mm, unsigned v) {
  if (!d.has_vma_locks()) return true;
  Vma* vma = find_vma(st.s, mm, v);
  if (!vma) return true;
  vma->lock |= kVmaWriteLocked;
  return vma_readers(*vma) == 0;
}

void mmap_write_unlock(Step& st, unsigned mm) {
  for (Vma& vma : st.s.mms[mm].vma) vma.lock &= static_cast<u8>(~kVmaWriteLocked);  // vma_end_write_all
  locks::up_write(st.s.mms[mm].mmap_lock, st.tid);
}

void anon_vma_prepare(State& s, unsigned mm, unsigned v) {
  Vma* vma = find_vma(s, mm, v);
  if (!vma || vma->anon_vma) return;
  const unsigned slot = static_cast<unsigned>(vma - s.mms[mm].vma.data());
  vma->anon_vma = anon_vma_id(mm, slot);
  vma->avc |= static_cast<u8>(1u << vma->anon_vma);
}

void page_add_new_anon_rmap(Step& st, const Design& d, u8 f, unsigned mm, unsigned v) {
  const Vma* vma = find_vma(st.s, mm, v);
  st.s.frames[f].anon_vma = vma ? vma->anon_vma : 0;
  d.new_anon_page(st, f);
}

u8 alloc_zeroed(Step& st) {
  u8 g = lowest_free(st.s);
  if (g == kNone) {
    st.out_of_frames = true;
    return kNone;
  }
  Frame& nf = st.s.frames[g];
  nf = Frame{};
  nf.refcount = 1;
  nf.mapcount = 1;
  nf.flags = kFrameAnon;
  return g;
}

void get_page(State& s, u8 f) {
  INVARIANT(f < kMaxFrames && s.frames[f].refcount > 0, "get_page on a free frame");
  INVARIANT(s.frames[f].refcount < 0xFF, "refcount overflow");
  s.frames[f].refcount++;
}

void put_page(State& s, u8 f) {
  INVARIANT(f < kMaxFrames && s.frames[f].refcount > 0, "put_page on a free frame");
  if (--s.frames[f].refcount == 0) {
    // "we must never free a page before we have ensured there are no live translations
    // left to it" (include/asm-generic/tlb.h): every path flushes before it frees.
    for (const auto& row : s.tlb)
      for (u8 e : row) INVARIANT(!(e & kTlbValid) || (e & kTlbFrame) != f, "a page freed while a TLB entry maps it");
    s.frames[f] = Frame{};
  }
}

void page_dup_rmap(State& s, u8 f) {
  INVARIANT(s.frames[f].mapcount < 0xFF, "mapcount overflow");
  s.frames[f].mapcount++;
}

void page_remove_rmap(State& s, u8 f) {
  INVARIANT(s.frames[f].mapcount > 0, "page_remove_rmap on an unmapped frame");
  s.frames[f].mapcount--;
}

// FOLL_PIN (pin_user_pages, 5.7+; mm/gup.c try_grab_page, v5.9): the reference is also
// counted as a pin (the kernel adds GUP_PIN_COUNTING_BIAS to the refcount; the model keeps
// the count apart, so page_maybe_dma_pinned is exact here). The mm was marked at GUP's
// entry (gup_entry_marks_pinned).
void pin_taken(Step& st, u8 pin, u8 f) {
  INVARIANT(pin < kMaxPins, "pin slot out of range");
  st.s.pins[pin].state = kPinActive;
  st.s.pins[pin].frame = f;
  if (st.sc.pins[pin].foll_pin) {
    INVARIANT(st.s.mms[st.sc.pins[pin].owner_mm].has_pinned, "a FOLL_PIN pin in an mm not marked at GUP's entry");
    INVARIANT(st.s.frames[f].pincount < 0xFF, "pincount overflow");
    st.s.frames[f].pincount++;
  }
}

// A FOLL_PIN GUP marks the mm at its entry, before the walk and whether or not it pins:
//   internal_get_user_pages_fast (mm/gup.c, v5.9 .. 5.14):
//           if (gup_flags & FOLL_PIN)
//                   atomic_set(&current->mm->has_pinned, 1);
//   __get_user_pages_locked (mm/gup.c, v5.9 .. 5.14), mmap_lock held:
//           if (flags & FOLL_PIN)
//                   atomic_set(&mm->has_pinned, 1);
// and from 5.15 ("mm: gup: pack has_pinned in MMF_HAS_PINNED", Peter Xu) the same places
// call mm_set_has_pinned_flag(&mm->flags). Designs before 5.9 never read the field.
void gup_entry_marks_pinned(Step& st, u8 pin) {
  if (st.sc.pins[pin].foll_pin) st.s.mms[st.sc.pins[pin].owner_mm].has_pinned = 1;
}

void pin_released(Step& st, u8 pin) {
  INVARIANT(st.s.pins[pin].state == kPinActive, "releasing a pin that is not held");
  if (st.sc.pins[pin].foll_pin) {  // unpin_user_page
    u8 f = st.s.pins[pin].frame;
    INVARIANT(st.s.frames[f].pincount > 0, "unpin of a frame with no pin");
    st.s.frames[f].pincount--;
  }
  st.s.pins[pin].state = kPinReleased;
  st.s.pins[pin].frame = kNone;  // the reference is gone: it holds no frame any more
}

}  // namespace cow::kernel
