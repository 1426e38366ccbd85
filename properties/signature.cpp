#include "properties/signature.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/paths.hpp"

namespace cow {

const char* sort_name(Sort s) {
  switch (s) {
    case Sort::Bool: return "Bool";
    case Sort::Int: return "Int";
    case Sort::Mm: return "Mm";
    case Sort::Vpage: return "Vpage";
    case Sort::Frame: return "Frame";
    case Sort::Pin: return "Pin";
    case Sort::Thread: return "Thread";
  }
  UNREACHABLE("bad sort");
}

unsigned sort_size(const Scenario& sc, Sort s) {
  switch (s) {
    case Sort::Bool: return 2;
    case Sort::Int: return 0;
    case Sort::Mm: return static_cast<unsigned>(sc.processes.size());
    case Sort::Vpage: return kMaxVpages;
    case Sort::Frame: return kMaxFrames;
    case Sort::Pin: return static_cast<unsigned>(sc.pins.size());
    case Sort::Thread: return static_cast<unsigned>(sc.threads.size());
  }
  UNREACHABLE("bad sort");
}

namespace {

using A = std::vector<long>;
long frame_or_nil(u8 f) { return f == kNone ? -1 : f; }
const Pte& pte(const State& s, const A& a) { return s.pte(static_cast<unsigned>(a[0]), static_cast<unsigned>(a[1])); }
const Frame& frame(const State& s, const A& a) { return s.frames[static_cast<std::size_t>(a[0])]; }
const Pin& pin(const State& s, const A& a) { return s.pins[static_cast<std::size_t>(a[0])]; }
const Vma* vma(const State& s, const A& a) {
  return kernel::find_vma(s, static_cast<unsigned>(a[0]), static_cast<unsigned>(a[1]));
}

std::vector<SigFunction> build() {
  const Sort M = Sort::Mm, V = Sort::Vpage, F = Sort::Frame, P = Sort::Pin, T = Sort::Thread, B = Sort::Bool,
             I = Sort::Int;
  using S = const Scenario&;
  using St = const State&;
  return {
      {"mm_alive", {M}, B, "the process exists and runs (initial, or its fork returned)",
       [](S, St s, const A& a) -> long { return s.mms[a[0]].alive; }},
      {"pte_present", {M, V}, B, "the mm's PTE for the virtual page maps a frame",
       [](S, St s, const A& a) -> long { return pte(s, a).present(); }},
      {"pte_writable", {M, V}, B, "the PTE is present and writable (pte_write)",
       [](S, St s, const A& a) -> long { return pte(s, a).present() && pte(s, a).writable(); }},
      {"pte_frame", {M, V}, F, "the frame the PTE maps (-1 when not present)",
       [](S, St s, const A& a) -> long { return pte(s, a).present() ? pte(s, a).frame : -1; }},
      {"vma_mapped", {M, V}, B, "a VMA of the mm covers the virtual page",
       [](S, St s, const A& a) -> long { return vma(s, a) != nullptr; }},
      {"vma_writable", {M, V}, B, "the covering VMA has VM_WRITE",
       [](S, St s, const A& a) -> long { return vma(s, a) && (vma(s, a)->flags & kVmWrite); }},
      {"vma_dontcopy", {M, V}, B, "the covering VMA has VM_DONTCOPY (madvise MADV_DONTFORK)",
       [](S, St s, const A& a) -> long { return vma(s, a) && (vma(s, a)->flags & kVmDontCopy); }},
      {"refcount", {F}, I, "page_count(): mappings plus GUP references",
       [](S, St s, const A& a) -> long { return frame(s, a).refcount; }},
      {"mapcount", {F}, I, "page_mapcount(): PTEs mapping the frame",
       [](S, St s, const A& a) -> long { return frame(s, a).mapcount; }},
      {"pincount", {F}, I, "FOLL_PIN pins on the frame (0 before the 5.x designs)",
       [](S, St s, const A& a) -> long { return frame(s, a).pincount; }},
      {"frame_free", {F}, B, "refcount is 0: the frame is on the free list",
       [](S, St s, const A& a) -> long { return frame(s, a).refcount == 0; }},
      {"frame_anon", {F}, B, "PageAnon", [](S, St s, const A& a) -> long { return (frame(s, a).flags & kFrameAnon) != 0; }},
      {"anon_exclusive", {F}, B, "PageAnonExclusive (5.19 designs)",
       [](S, St s, const A& a) -> long { return (frame(s, a).flags & kFrameAnonExclusive) != 0; }},
      {"data_h0", {F}, I, "id of the last write to the frame's first half (0: initial contents)",
       [](S, St s, const A& a) -> long { return frame(s, a).data[0]; }},
      {"data_h1", {F}, I, "id of the last write to the frame's second half",
       [](S, St s, const A& a) -> long { return frame(s, a).data[1]; }},
      {"pin_active", {P}, B, "the GUP reference is held (taken, not yet released)",
       [](S, St s, const A& a) -> long { return pin(s, a).state == kPinActive; }},
      {"pin_owner", {P}, M, "the mm whose memory was pinned",
       [](S sc, St, const A& a) -> long { return sc.pins[a[0]].owner_mm; }},
      {"pin_vpage", {P}, V, "the virtual page that was pinned", [](S sc, St, const A& a) -> long { return sc.pins[a[0]].vpage; }},
      {"pin_frame", {P}, F, "the frame the reference holds (-1 before it is taken)",
       [](S, St s, const A& a) -> long { return frame_or_nil(pin(s, a).frame); }},
      {"pin_write", {P}, B, "pinned for write (FOLL_WRITE: the device writes memory)",
       [](S sc, St, const A& a) -> long { return sc.pins[a[0]].write; }},
      {"pin_longterm", {P}, B, "a long-term pin (RDMA, FOLL_LONGTERM)",
       [](S sc, St, const A& a) -> long { return sc.pins[a[0]].longterm; }},
      {"pin_dma_done", {P}, B, "the device has written through the pin",
       [](S, St s, const A& a) -> long { return pin(s, a).dma; }},
      {"thread_finished", {T}, B, "the thread has run all its operations",
       [](S sc, St s, const A& a) -> long { return thread_finished(sc, s, static_cast<unsigned>(a[0])); }},
      {"thread_read_value", {T}, I, "the value the thread's last read returned (0 if none)",
       [](S, St s, const A& a) -> long { return s.threads[a[0]].read_op ? s.threads[a[0]].seen : 0; }},
      {"thread_read_expect", {T}, I, "the value that read should return: the thread's own last write there (0: none)",
       [](S sc, St s, const A& a) -> long {
         const Thread& t = s.threads[a[0]];
         return t.read_op ? sc.threads[a[0]].ops[t.read_op - 1u].expect : 0;
       }},
      {"mmap_lock_readers", {M}, I, "readers holding mm->mmap_lock",
       [](S, St s, const A& a) -> long { return s.mms[a[0]].mmap_lock.readers; }},
      {"mmap_lock_writer", {M}, B, "mm->mmap_lock is held for write",
       [](S, St s, const A& a) -> long { return s.mms[a[0]].mmap_lock.writer != kNone; }},
      {"ptl_held", {M}, B, "the PT lock of the mm's page table is held",
       [](S, St s, const A& a) -> long { return s.tables[s.mms[a[0]].table].ptl.holder != kNone; }},
  };
}

}  // namespace

const std::vector<SigFunction>& signature() {
  static const std::vector<SigFunction> sig = build();
  return sig;
}

const SigFunction* find_function(std::string_view name) {
  for (const SigFunction& f : signature())
    if (f.name == name) return &f;
  return nullptr;
}

}  // namespace cow
