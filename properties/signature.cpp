#include "properties/signature.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/names.hpp"
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
    case Sort::Value: return "Value";
  }
  UNREACHABLE("bad sort");
}

std::vector<std::string> sort_elements(const Scenario& sc, Sort s) {
  std::vector<std::string> out;
  switch (s) {
    case Sort::Bool:
    case Sort::Int:
      UNREACHABLE("not a finite sort");
    case Sort::Mm:
      for (const auto& p : sc.processes) out.push_back("mm:" + p.name);
      out.push_back("no_mm");
      break;
    case Sort::Vpage:
      for (unsigned v = 0; v < kMaxVpages; ++v) out.push_back("vpage" + std::to_string(v));
      break;
    case Sort::Frame:
      for (unsigned f = 0; f < kMaxFrames; ++f) out.push_back(frame_name(static_cast<u8>(f)));
      out.push_back("no_frame");
      break;
    case Sort::Pin:
      for (const auto& p : sc.pins) out.push_back("pin:" + p.name);
      out.push_back("no_pin");
      break;
    case Sort::Thread:
      for (const auto& t : sc.threads) out.push_back("thread:" + t.name);
      out.push_back("no_thread");
      break;
    case Sort::Value:  // index = write id; 0 is the initial contents
      out.push_back("initial");
      for (const auto& w : sc.writes) out.push_back("val:" + w.name);
      break;
  }
  return out;
}

long nil_of(const Scenario& sc, Sort s) {
  switch (s) {
    case Sort::Mm: return static_cast<long>(sc.processes.size());
    case Sort::Vpage: return -1;
    case Sort::Frame: return static_cast<long>(kMaxFrames);
    case Sort::Pin: return static_cast<long>(sc.pins.size());
    case Sort::Thread: return static_cast<long>(sc.threads.size());
    case Sort::Value: return 0;
    case Sort::Bool:
    case Sort::Int:
      return -1;
  }
  UNREACHABLE("bad sort");
}

long sort_size(const Scenario& sc, Sort s) {
  switch (s) {
    case Sort::Mm: return static_cast<long>(sc.processes.size() + 1);
    case Sort::Vpage: return static_cast<long>(kMaxVpages);
    case Sort::Frame: return static_cast<long>(kMaxFrames + 1);
    case Sort::Pin: return static_cast<long>(sc.pins.size() + 1);
    case Sort::Thread: return static_cast<long>(sc.threads.size() + 1);
    case Sort::Value: return static_cast<long>(sc.writes.size() + 1);
    case Sort::Bool: return 2;
    case Sort::Int: return 0;
  }
  UNREACHABLE("bad sort");
}

namespace {

using E = const SigEnv&;
using St = const State&;
using A = const long*;

bool is_mm(E e, long m) { return m >= 0 && m < static_cast<long>(e.sc.processes.size()); }
bool is_frame(long f) { return f >= 0 && f < static_cast<long>(kMaxFrames); }
bool is_pin(E e, long p) { return p >= 0 && p < static_cast<long>(e.sc.pins.size()); }
bool is_thread(E e, long t) { return t >= 0 && t < static_cast<long>(e.sc.threads.size()); }
bool is_write(E e, long w) { return w >= 1 && w <= static_cast<long>(e.sc.writes.size()); }

// The PTE of (mm, vpage), or an empty one for no_mm.
Pte pte(E e, St s, A a) { return is_mm(e, a[0]) ? s.pte(static_cast<unsigned>(a[0]), static_cast<unsigned>(a[1])) : Pte{}; }
Frame frame(St s, long f) { return is_frame(f) ? s.frames[static_cast<std::size_t>(f)] : Frame{}; }
const Vma* vma(E e, St s, A a) {
  return is_mm(e, a[0]) ? kernel::find_vma(s, static_cast<unsigned>(a[0]), static_cast<unsigned>(a[1])) : nullptr;
}
long frame_or_nil(u8 f) { return f == kNone ? static_cast<long>(kMaxFrames) : f; }
long mm_or_nil(E e, u8 m) { return m == kNone ? static_cast<long>(e.sc.processes.size()) : m; }
long thread_or_nil(E e, u8 t) { return t == kNone ? static_cast<long>(e.sc.threads.size()) : t; }
const Op* read_op(E e, St s, long t) {
  if (!is_thread(e, t)) return nullptr;
  const Thread& th = s.threads[static_cast<std::size_t>(t)];
  if (th.read_op == 0 || th.seen == kSegv) return nullptr;
  return &e.sc.threads[static_cast<std::size_t>(t)].ops[th.read_op - 1u];
}
// The rmap counts of every frame in this state, one pass over the page tables and pins.
const SigEnv::Derived& derived(E e, St s) {
  SigEnv::Derived& d = e.derived;
  if (d.epoch == e.epoch) return d;
  d = SigEnv::Derived{};
  d.epoch = e.epoch;
  for (unsigned mm = 0; mm < e.sc.processes.size(); ++mm)
    for (const Pte& p : s.tables[s.mms[mm].table].pte)
      if ((p.present() || p.cleared()) && p.frame < kMaxFrames) d.mapped[p.frame]++;  // cleared: to be set again
  for (unsigned i = 0; i < e.sc.pins.size(); ++i)
    if (s.pins[i].state == kPinActive && s.pins[i].frame < kMaxFrames) d.pinned[s.pins[i].frame]++;
  return d;
}

std::vector<SigFunction> build() {
  const Sort M = Sort::Mm, V = Sort::Vpage, F = Sort::Frame, P = Sort::Pin, T = Sort::Thread, B = Sort::Bool,
             I = Sort::Int, D = Sort::Value;
  return {
      // processes and their page tables
      {"mm_alive", {M}, B, "the process exists and runs (initial, or its fork returned)",
       [](E e, St s, A a) -> long { return is_mm(e, a[0]) && s.mms[a[0]].alive; }},
      {"pte_present", {M, V}, B, "the PTE of (mm, vpage) maps a frame", [](E e, St s, A a) -> long { return pte(e, s, a).present(); }},
      {"pte_writable", {M, V}, B, "the PTE is present and writable (pte_write)",
       [](E e, St s, A a) -> long { return pte(e, s, a).present() && pte(e, s, a).writable(); }},
      {"pte_dirty", {M, V}, B, "the PTE is present and dirty (pte_dirty)",
       [](E e, St s, A a) -> long { return pte(e, s, a).present() && (pte(e, s, a).flags & kPteDirty); }},
      {"pte_swapped", {M, V}, B, "the PTE is a swap entry (reclaim unmapped the page: swap_out)",
       [](E e, St s, A a) -> long { return pte(e, s, a).swapped(); }},
      {"pte_frame", {M, V}, F, "the frame the PTE maps; no_frame when not present",
       [](E e, St s, A a) -> long { return pte(e, s, a).present() ? pte(e, s, a).frame : static_cast<long>(kMaxFrames); }},
      {"table_shared", {M}, B, "the mm's page table is shared with another mm (cow-pte-table)",
       [](E e, St s, A a) -> long { return is_mm(e, a[0]) && s.mms[a[0]].table != kNone && s.tables[s.mms[a[0]].table].users >= 2; }},
      {"table_modified_shared", {M}, B, "an entry of the mm's page table changed while two mms shared it",
       [](E e, St s, A a) -> long {
         return is_mm(e, a[0]) && s.mms[a[0]].table != kNone && (s.tables[s.mms[a[0]].table].flags & kTableModifiedShared);
       }},
      {"vma_mapped", {M, V}, B, "a VMA of the mm covers the virtual page", [](E e, St s, A a) -> long { return vma(e, s, a) != nullptr; }},
      {"vma_writable", {M, V}, B, "the covering VMA has VM_WRITE",
       [](E e, St s, A a) -> long { return vma(e, s, a) && (vma(e, s, a)->flags & kVmWrite); }},
      {"vma_shared", {M, V}, B, "the covering VMA has VM_SHARED",
       [](E e, St s, A a) -> long { return vma(e, s, a) && (vma(e, s, a)->flags & kVmShared); }},
      {"vma_dontcopy", {M, V}, B, "the covering VMA has VM_DONTCOPY (madvise MADV_DONTFORK)",
       [](E e, St s, A a) -> long { return vma(e, s, a) && (vma(e, s, a)->flags & kVmDontCopy); }},
      {"vma_locked", {M, V}, B, "the covering VMA has VM_LOCKED (mlock)",
       [](E e, St s, A a) -> long { return vma(e, s, a) && (vma(e, s, a)->flags & kVmLocked); }},
      {"anon_vma_linked", {M, V}, B,
       "the covering VMA's anon_vma_chain links the anon_vma of the anonymous page its PTE maps (rmap finds the mapping)",
       [](E e, St s, A a) -> long {
         const Vma* m = vma(e, s, a);
         const Pte& p = pte(e, s, a);
         if (!m || !p.present() || p.frame >= kMaxFrames) return 0;
         const u8 av = s.frames[p.frame].anon_vma;
         return av != 0 && (m->avc & (1u << av)) != 0;
       }},
      {"vma_file", {M, V}, B, "the covering VMA maps a file (private or shared)",
       [](E e, St s, A a) -> long { return vma(e, s, a) && (vma(e, s, a)->flags & kVmFile); }},
      // frames (struct page)
      {"refcount", {F}, I, "page_count(): mappings plus GUP references (0 for no_frame)",
       [](E, St s, A a) -> long { return frame(s, a[0]).refcount; }},
      {"mapcount", {F}, I, "page_mapcount(): the frame's own count of PTEs mapping it",
       [](E, St s, A a) -> long { return frame(s, a[0]).mapcount; }},
      {"pincount", {F}, I, "FOLL_PIN pins on the frame (0 before the 5.x designs)",
       [](E, St s, A a) -> long { return frame(s, a[0]).pincount; }},
      {"mapped_count", {F}, I, "present PTEs that map the frame, counted over every page table (an rmap walk)",
       [](E e, St s, A a) -> long { return is_frame(a[0]) ? derived(e, s).mapped[a[0]] : 0; }},
      {"pinned_count", {F}, I, "GUP references held on the frame (active pins)",
       [](E e, St s, A a) -> long { return is_frame(a[0]) ? derived(e, s).pinned[a[0]] : 0; }},
      {"frame_free", {F}, B, "refcount 0: on the free list (no_frame counts as free)",
       [](E, St s, A a) -> long { return frame(s, a[0]).refcount == 0; }},
      {"frame_pagecache", {F}, B, "a page-cache page of a file (the page cache holds a reference)",
       [](E, St s, A a) -> long { return (frame(s, a[0]).flags & kFramePageCache) != 0; }},
      {"frame_anon", {F}, B, "PageAnon", [](E, St s, A a) -> long { return (frame(s, a[0]).flags & kFrameAnon) != 0; }},
      {"frame_ksm", {F}, B, "PageKsm: a KSM page, shared read-only by merged mappings",
       [](E, St s, A a) -> long { return (frame(s, a[0]).flags & kFrameKsm) != 0; }},
      {"file_writable", {F}, B, "a page of a file some process opened for writing (a shared writable mapping's)",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgFileRw) != 0; }},
      {"page_dirty", {F}, B, "PG_dirty: the page cache will write the page back",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgDirty) != 0; }},
      {"page_writeback", {F}, B, "PG_writeback: its write-back I/O is in flight",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgWriteback) != 0; }},
      {"page_mlocked", {F}, B, "PG_mlocked: on the unevictable list (a VM_LOCKED VMA maps it)",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgMlocked) != 0; }},
      {"page_block", {F}, B, "the file block behind the page is allocated (not a hole of a sparse file)",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgBlock) != 0; }},
      {"page_mkwrite_done", {F}, B, "->page_mkwrite has set the page up for writing since it was last cleaned",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgMkwrite) != 0; }},
      {"page_dirtied_by_mlock", {F}, B, "the page was dirtied by a fault mlock took (an access that writes nothing)",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgDirtiedByMlock) != 0; }},
      {"page_write_lost", {F}, B, "write-back of the page failed with ENOSPC: what was written through the mapping is lost",
       [](E, St s, A a) -> long { return (frame(s, a[0]).pg & kPgWriteLost) != 0; }},
      {"anon_exclusive", {F}, B, "PageAnonExclusive (5.19 designs; never set before)",
       [](E, St s, A a) -> long { return (frame(s, a[0]).flags & kFrameAnonExclusive) != 0; }},
      {"data_h0", {F}, D, "the value last written to the frame's first half (initial: never written)",
       [](E, St s, A a) -> long { return frame(s, a[0]).data[0]; }},
      {"data_h1", {F}, D, "the value last written to the frame's second half",
       [](E, St s, A a) -> long { return frame(s, a[0]).data[1]; }},
      {"disk_h0", {F}, D, "what the disk block behind the page-cache frame holds in its first half (sync_file_range scenarios; initial otherwise)",
       [](E, St s, A a) -> long { return a[0] >= 0 && a[0] < long{kMaxDiskPages} ? s.disk[a[0]][0] : 0; }},
      {"disk_h1", {F}, D, "the same for the second half",
       [](E, St s, A a) -> long { return a[0] >= 0 && a[0] < long{kMaxDiskPages} ? s.disk[a[0]][1] : 0; }},
      {"disk_expect_h0", {F}, D,
       "what the disk must hold in h0 at the end: the single writer's last store before its last sync_file_range with "
       "SYNC_FILE_RANGE_WAIT_AFTER (initial: no expectation)",
       [](E e, St, A a) -> long { return a[0] >= 0 && a[0] < long{kMaxDiskPages} ? e.sc.disk_expect[a[0]][0] : 0; }},
      {"disk_expect_h1", {F}, D, "the same for h1",
       [](E e, St, A a) -> long { return a[0] >= 0 && a[0] < long{kMaxDiskPages} ? e.sc.disk_expect[a[0]][1] : 0; }},
      // pins: GUP references held by drivers and devices
      {"pin_active", {P}, B, "the GUP reference is held (taken, not yet put)",
       [](E e, St s, A a) -> long { return is_pin(e, a[0]) && s.pins[a[0]].state == kPinActive; }},
      {"pin_released", {P}, B, "the reference was taken and put again",
       [](E e, St s, A a) -> long { return is_pin(e, a[0]) && s.pins[a[0]].state == kPinReleased; }},
      {"pin_owner", {P}, M, "the mm whose memory is pinned",
       [](E e, St, A a) -> long { return is_pin(e, a[0]) ? e.sc.pins[a[0]].owner_mm : mm_or_nil(e, kNone); }},
      {"pin_vpage", {P}, V, "the virtual page that is pinned", [](E e, St, A a) -> long { return is_pin(e, a[0]) ? e.sc.pins[a[0]].vpage : 0; }},
      {"pin_frame", {P}, F, "the frame the reference holds (no_frame before it is taken and after it is put)",
       [](E e, St s, A a) -> long { return is_pin(e, a[0]) ? frame_or_nil(s.pins[a[0]].frame) : static_cast<long>(kMaxFrames); }},
      {"pin_write", {P}, B, "pinned for write (FOLL_WRITE: the device writes memory)",
       [](E e, St, A a) -> long { return is_pin(e, a[0]) && e.sc.pins[a[0]].write; }},
      {"pin_foll_pin", {P}, B, "a FOLL_PIN pin (pin_user_pages: pincount, page_maybe_dma_pinned), else a FOLL_GET reference",
       [](E e, St, A a) -> long { return is_pin(e, a[0]) && e.sc.pins[a[0]].foll_pin; }},
      {"pin_longterm", {P}, B, "a long-term pin (RDMA, FOLL_LONGTERM)",
       [](E e, St, A a) -> long { return is_pin(e, a[0]) && e.sc.pins[a[0]].longterm; }},
      {"pin_dma_done", {P}, B, "the device has written through the pin",
       [](E e, St s, A a) -> long { return is_pin(e, a[0]) && s.pins[a[0]].dma; }},
      // threads
      {"thread_mm", {T}, M, "the process the thread runs in (no_mm for a device)",
       [](E e, St, A a) -> long { return is_thread(e, a[0]) ? mm_or_nil(e, e.sc.threads[a[0]].mm) : mm_or_nil(e, kNone); }},
      {"thread_finished", {T}, B, "the thread has run all its operations (or was killed)",
       [](E e, St s, A a) -> long { return is_thread(e, a[0]) && thread_finished(e.sc, s, static_cast<unsigned>(a[0])); }},
      {"thread_killed", {T}, B, "the thread died of SIGSEGV (or SIGBUS)",
       [](E e, St s, A a) -> long { return is_thread(e, a[0]) && s.threads[a[0]].seen == kSegv; }},
      {"thread_has_read", {T}, B, "the thread has done a read (a load)", [](E e, St s, A a) -> long { return read_op(e, s, a[0]) != nullptr; }},
      {"thread_read_value", {T}, D, "the value the thread's last read returned (initial if none)",
       [](E e, St s, A a) -> long { return read_op(e, s, a[0]) ? s.threads[a[0]].seen : 0; }},
      {"thread_read_via_pin", {T}, B, "that read went through a GUP reference (pipe read, io_uring write_fixed, gup_test read)",
       [](E e, St s, A a) -> long { return read_op(e, s, a[0]) && read_op(e, s, a[0])->kind == OpKind::PinRead; }},
      {"thread_read_expect", {T}, D, "what that read should return: the thread's own last write there (initial: nothing expected)",
       [](E e, St s, A a) -> long { return read_op(e, s, a[0]) ? read_op(e, s, a[0])->expect : 0; }},
      {"all_finished", {}, B, "every thread has finished: the end of an execution",
       [](E e, St s, A) -> long {
         for (unsigned t = 0; t < e.sc.threads.size(); ++t)
           if (!thread_finished(e.sc, s, t)) return 0;
         return 1;
       }},
      // values: who wrote what (static, from the scenario)
      {"write_thread", {D}, T, "the thread (or device) that writes the value (no_thread for initial)",
       [](E e, St, A a) -> long { return is_write(e, a[0]) ? e.sc.writes[a[0] - 1].thread : thread_or_nil(e, kNone); }},
      {"write_mm", {D}, M, "the process whose memory the value is written for (no_mm for initial)",
       [](E e, St, A a) -> long { return is_write(e, a[0]) ? e.sc.writes[a[0] - 1].mm : mm_or_nil(e, kNone); }},
      {"write_vpage", {D}, V, "the virtual page the value is written to", [](E e, St, A a) -> long { return is_write(e, a[0]) ? e.sc.writes[a[0] - 1].vpage : 0; }},
      {"write_is_dma", {D}, B, "the value is written by a device through a pin (else by a CPU store)",
       [](E e, St, A a) -> long { return is_write(e, a[0]) && e.sc.writes[a[0] - 1].dma; }},
      {"write_before_fork", {D}, B, "the writing thread forks after writing it (program order): the child may see it",
       [](E e, St, A a) -> long { return is_write(e, a[0]) && e.sc.write_before_fork(static_cast<u8>(a[0])); }},
      {"final_expect_h0", {M, V}, D, "what (mm, vpage) h0 must hold at the end: its single writer's last value (initial: no expectation)",
       [](E e, St, A a) -> long { return is_mm(e, a[0]) ? e.sc.final_expect[a[0]][a[1]][0] : 0; }},
      {"final_expect_h1", {M, V}, D, "the same for h1", [](E e, St, A a) -> long { return is_mm(e, a[0]) ? e.sc.final_expect[a[0]][a[1]][1] : 0; }},
      // locks
      {"mmap_lock_readers", {M}, I, "readers holding mm->mmap_lock",
       [](E e, St s, A a) -> long { return is_mm(e, a[0]) ? s.mms[a[0]].mmap_lock.readers : 0; }},
      {"mmap_lock_writer", {M}, T, "the thread holding mm->mmap_lock for write (no_thread: none)",
       [](E e, St s, A a) -> long { return thread_or_nil(e, is_mm(e, a[0]) ? s.mms[a[0]].mmap_lock.writer : kNone); }},
      {"ptl_holder", {M}, T, "the thread holding the PT lock of the mm's page table (no_thread: none)",
       [](E e, St s, A a) -> long { return thread_or_nil(e, is_mm(e, a[0]) ? s.tables[s.mms[a[0]].table].ptl.holder : kNone); }},
      {"design_has_anon_exclusive", {}, B, "the design keeps PageAnonExclusive (5.19 and later)",
       [](E e, St, A) -> long { return e.design_has_anon_exclusive; }},
  };
}

// Functions whose value is fixed by the scenario and the design: the compiler folds
// them into constants.
std::vector<SigFunction> build_marked() {
  std::vector<SigFunction> sig = build();
  for (SigFunction& f : sig)
    for (std::string_view n : {"pin_owner", "pin_vpage", "pin_write", "pin_longterm", "pin_foll_pin", "thread_mm", "write_thread",
                               "write_mm", "write_vpage", "write_is_dma", "write_before_fork", "final_expect_h0",
                               "final_expect_h1", "disk_expect_h0", "disk_expect_h1", "design_has_anon_exclusive"})
      if (f.name == n) f.is_static = true;
  return sig;
}

}  // namespace

const std::vector<SigFunction>& signature() {
  static const std::vector<SigFunction> sig = build_marked();
  return sig;
}

const SigFunction* find_function(std::string_view name) {
  for (const SigFunction& f : signature())
    if (f.name == name) return &f;
  return nullptr;
}

const char* signature_axioms() {
  return R"((assert (forall ((f Frame)) (and (>= (refcount f) 0) (>= (mapcount f) 0) (>= (pincount f) 0)
                                  (>= (mapped_count f) 0) (>= (pinned_count f) 0)
                                  (= (frame_free f) (= (refcount f) 0)))))
(assert (= (refcount no_frame) 0))
(assert (forall ((m Mm)) (>= (mmap_lock_readers m) 0)))
(assert (forall ((m Mm) (v Vpage)) (and (=> (pte_writable m v) (pte_present m v))
                                         (= (pte_present m v) (not (= (pte_frame m v) no_frame))))))
)";
}

}  // namespace cow
