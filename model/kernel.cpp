#include "model/kernel.hpp"

#include "model/design.hpp"
#include "model/invariant.hpp"

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
  const u8 g = alloc_copy(st, old);
  if (g == kNone) return 0;
  const bool unshare = flags & kFaultFlagUnshare;
  set_pte(st.s, mm, v, g, false);
  if (!unshare) maybe_mkwrite_dirty(st.s, mm, v);
  d.new_anon_page(st, g);
  page_remove_rmap(st.s, old);
  put_page(st.s, old);
  if (copied) *copied = g;
  return unshare ? 0 : kVmFaultWrite;
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
  if (--s.frames[f].refcount == 0) s.frames[f] = Frame{};
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
// the count apart, so page_maybe_dma_pinned is exact here), and the mm is marked
// (internal_get_user_pages_fast / __gup_longterm_locked: atomic_set(&mm->has_pinned, 1)).
void pin_taken(Step& st, u8 pin, u8 f) {
  INVARIANT(pin < kMaxPins, "pin slot out of range");
  st.s.pins[pin].state = kPinActive;
  st.s.pins[pin].frame = f;
  if (st.sc.pins[pin].foll_pin) {
    INVARIANT(st.s.frames[f].pincount < 0xFF, "pincount overflow");
    st.s.frames[f].pincount++;
    st.s.mms[st.sc.pins[pin].owner_mm].has_pinned = 1;
  }
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
