// Step footprints over the resources of model/footprint.hpp, one case per pc of the
// kernel paths (model/fault.cpp, gup.cpp, fork.cpp, madvise.cpp, ...: the same step
// names). A new step, op or design hook that touches something else must say so here:
// tests/test_por.cpp checks, on every reachable state of every scenario and design, that
// the writes a step really makes are declared and that steps declared independent commute.
#include "model/footprint.hpp"

#include <cstring>

#include "model/paths.hpp"
#include "model/zero_page.hpp"

namespace cow {

ColumnMap column_map(const Scenario& sc, const State& s) {
  ColumnMap cm;
  ResMask seen[kMaxFrames] = {};
  for (const Mm& m : s.mms) {
    if (m.table == kNone) continue;
    const PageTable& pt = s.tables[m.table];
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if ((pt.pte[v].present() || pt.pte[v].swapped()) && pt.pte[v].frame < kMaxFrames)
        seen[pt.pte[v].frame] |= res::col(v);  // (a swap entry names its swap-cache frame)
  }
  for (unsigned p = 0; p < sc.pins.size(); ++p)
    if (s.pins[p].state == kPinActive && s.pins[p].frame < kMaxFrames)
      seen[s.pins[p].frame] |= res::col(sc.pins[p].vpage);
  for (unsigned f = 0; f < kMaxFrames; ++f) {
    if (s.frames[f].refcount == 0) {
      cm.frame[f] = res::kFree;
      if (seen[f]) cm.linked = true;  // mapped or pinned yet free: use after free
      continue;
    }
    if (seen[f] == 0) cm.frame[f] = res::kAllCols;  // held by nothing we can see
    else cm.frame[f] = seen[f];
    if (seen[f] & (seen[f] - 1)) cm.linked = true;
  }
  return cm;
}

namespace {

struct Ctx {
  const Scenario& sc;
  const Design& d;
  const State& s;
  const ColumnMap& cm;
  unsigned t;
  u8 mm() const { return sc.threads[t].mm; }
  ResMask mmres() const { return mm() == kNone ? 0 : res::mm(mm()); }
  ResMask mmap() const { return mm() == kNone ? 0 : res::mmap(mm()); }
  ResMask ptl() const {
    if (mm() == kNone) return 0;
    u8 tb = s.mms[mm()].table;
    return tb == kNone ? res::kAllPtl : res::ptl(tb);
  }
  // A fault may give the page's VMA its anon_vma (anon_vma_prepare): a write of the mm's
  // VMAs, unless the VMA has one already (it keeps it).
  ResMask anon_vma_prepare(const Op& op) const {
    if (mm() == kNone) return 0;
    for (const Vma& vma : s.mms[mm()].vma)
      if (vma.contains(op.page) && vma.anon_vma) return 0;
    return mmres();
  }
  ResMask pin_col(const Op& op) const {
    return op.pin < sc.pins.size() ? res::col(sc.pins[op.pin].vpage) : res::kAllCols;
  }
  // A frame the thread holds (its local, or a pin's frame): its column, and FREE when
  // a put_page may free it (it is no longer mapped) or it is free already.
  ResMask held(u8 f, bool put) const {
    if (f >= kMaxFrames) return res::kAllCols | res::kFree;
    ResMask m = cm.of(f);
    if (put && s.frames[f].mapcount == 0) m |= res::kFree;
    return m;
  }
};

// The frame the thread's current op holds from s, if it has taken it already.
bool frame_known(const Op& op, u8 pc) {
  return op.kind == OpKind::OdirectRead && (pc == kPcR2 || pc == kPcD0 || pc == kPcD1);
}

// The access of the step at `pc` of `op`, as far as the page tables, pins and locks
// show it (step_access adds what the swap cache hides).
Access table_access(const Ctx& c, const Op& op, u8 pc, bool now) {
  Access a;
  a.w = res::thr(c.t);
  // Moving tables, page-cache, KSM and zero-page frames, TLB entries, per-VMA locks and page locks: not tracked.
  if (c.d.shares_page_tables() || c.sc.has_file || c.sc.has_ksm || c.sc.tlb || c.d.has_vma_locks() ||
      c.sc.has_page_lock || (c.sc.may_map_zero_page && kernel::has_zero_page(c.d))) {
    a.w |= res::kAll;
    return a;
  }
  const ResMask v = res::col(op.page);
  switch (op.kind) {
    case OpKind::Write:
      switch (pc) {
        case kPcStart: a.r |= c.mmres(); a.w |= v; break;                 // store
        case kPcW1: a.inc |= c.mmap(); a.r |= c.mmres(); break;         // down_read
        case kPcW2: a.w |= c.ptl(); break;                              // spin_lock
        case kPcW3: a.w |= v | res::kFree | c.ptl() | c.anon_vma_prepare(op); a.r |= c.mmres(); break;  // fault
        case kPcW4: a.inc |= c.mmap(); break;                           // up_read
        default: a.w |= res::kAll; break;
      }
      return a;
    case OpKind::Read:
      if (pc == kPcStart) {  // the load (or, on a swap entry, the page fault it takes)
        a.r |= v | c.mmres();
        return a;
      }
      switch (pc) {  // do_swap_page for a read: the write fault's steps
        case kPcW1: a.inc |= c.mmap(); a.r |= c.mmres(); break;
        case kPcW2: a.w |= c.ptl(); break;
        case kPcW3: a.w |= v | res::kFree | c.ptl() | c.anon_vma_prepare(op); a.r |= c.mmres(); break;
        case kPcW4: a.inc |= c.mmap(); break;
        default: a.w |= res::kAll; break;
      }
      return a;
    case OpKind::OdirectRead:
    case OpKind::PinLongterm: {
      const bool longterm = op.kind == OpKind::PinLongterm;
      const bool brlock = c.d.has_brlock();
      const u8 f = c.s.threads[c.t].frame;
      const ResMask marks = op.foll_pin ? c.mmres() : 0;  // mm->has_pinned at GUP's entry (fast and slow)
      switch (pc) {
        case kPcStart:
          if (longterm || !op.gup_fast) {  // = S0
            if (longterm) a.w |= c.mmap(); else a.inc |= c.mmap();
            a.r |= c.mmres();
            a.w |= marks;
            break;
          }
          a.w |= marks;
          if (brlock) { a.inc |= res::kBrlock; break; }                   // r0
          if (c.d.gup_fast_has_enter(op)) { a.r |= c.mmres(); break; }     // r0 (v5.11: read the seqcount)
          [[fallthrough]];
        case kPcR1:
          a.r |= v | c.mmres();
          if (brlock) a.inc |= res::kBrlock;
          break;
        case kPcR2:  // get_page, maybe a re-check of the PTE
          a.w |= c.pin_col(op) | v | (now ? c.held(f, false) : res::kFree);
          if (c.d.has_write_protect_seq()) a.r |= c.mmres();  // the seqcount re-check
          if (brlock) a.inc |= res::kBrlock;
          break;
        case kPcS0:
          if (longterm) a.w |= c.mmap(); else a.inc |= c.mmap();
          a.r |= c.mmres();
          a.w |= marks;
          break;
        case kPcS1: a.w |= c.ptl(); break;
        case kPcS2:
          a.w |= v | c.pin_col(op) | res::kFree | c.ptl();
          a.r |= c.mmres();
          break;
        case kPcS3: if (longterm) a.w |= c.mmap(); else a.inc |= c.mmap(); break;
        case kPcD0: a.w |= c.pin_col(op) | v | (now ? c.held(f, false) : 0); break;
        case kPcD1: a.w |= c.pin_col(op) | v | (now ? c.held(f, true) : res::kFree); break;
        default: a.w |= res::kAll; break;
      }
      return a;
    }
    case OpKind::Fork: {
      const ResMask child = op.child < kMaxMms ? res::mm(op.child) : res::kAllMm;
      const ResMask seq = c.d.has_write_protect_seq() ? c.mmres() : 0;  // write_protect_seq
      switch (pc) {
        case kPcStart: a.w |= c.mmap() | child | seq; a.r |= c.mmres(); break;
        case kPcF1:
        case kPcF3:
          a.w |= c.ptl() | (c.d.has_brlock() ? res::kBrlock : 0);
          a.r |= c.mmres();
          break;
        case kPcF2:
        case kPcF2b: {
          // copy_one_pte of the page being copied (now) or of any page left to copy.
          unsigned from = now ? c.s.threads[c.t].idx : 0;
          for (unsigned p = from; p < kMaxVpages; ++p) a.w |= res::col(p);
          if (now && from >= kMaxVpages) a.w |= res::kAllCols;
          a.w |= res::kFree;
          a.r |= c.mmres() | child;
          break;
        }
        case kPcF4: a.w |= c.mmap() | child | seq; break;
        default: a.w |= res::kAll; break;
      }
      return a;
    }
    case OpKind::Unpin: {
      const Pin& p = c.s.pins[op.pin];
      a.w |= c.pin_col(op);
      if (now && p.state == kPinActive) a.w |= c.held(p.frame, true);
      else a.w |= res::kFree;  // the frame it will hold is in the pin's column
      return a;
    }
    case OpKind::Dma: {
      const Pin& p = c.s.pins[op.pin];
      a.w |= c.pin_col(op);
      if (now && p.state == kPinActive) a.w |= c.held(p.frame, false);
      return a;
    }
    case OpKind::Madvise:
      if (op.advice == Advice::DontNeed) {  // zaps a PTE: everything, as the operations below
        a.w |= res::kAll;
        return a;
      }
      switch (pc) {
        case kPcStart: case kPcM2: a.w |= c.mmap(); break;
        case kPcM1: a.w |= c.mmres(); break;
        default: a.w |= res::kAll; break;
      }
      return a;
    // The operations of pins, swap, files, mlock and KSM: declared to touch everything (every step of them is
    // dependent on every other step), which keeps --por sound and does not reduce there.
    case OpKind::OdirectWrite:
    case OpKind::Vmsplice:
    case OpKind::PinUserPages:
    case OpKind::PinRead:
    case OpKind::Munmap:
    case OpKind::Exit:
    case OpKind::Mprotect:
    case OpKind::ClearRefs:
    case OpKind::SwapOut:
    case OpKind::Wait:
    case OpKind::ProcMemWrite:
    case OpKind::Mlock:
    case OpKind::Munlock:
    case OpKind::Msync:
    case OpKind::KsmScan:
    case OpKind::HoldPageLock:
    case OpKind::SyncFileRange:
    case OpKind::Disk:
      a.w |= res::kAll;
      return a;
  }
  a.w |= res::kAll;
  return a;
}

// The access of the step at `pc` of `op`. `now`: the thread is at that pc in s (its
// locals are those of s); otherwise a later step, whose frame is the one its page maps.
// With swap, a step that may free a frame (a COW copy, a put_page) may instead leave it
// held by the swap cache alone, with no PTE, swap entry or pin naming it: a frame no one
// can see, which column_map puts in every column.
Access step_access(const Ctx& c, const Op& op, u8 pc, bool now) {
  Access a = table_access(c, op, pc, now);
  if (c.sc.has_swap && (a.w & res::kFree)) a.w |= res::kAllCols;
  return a;
}

// The pcs an op may still run from pc (in any order: loops included).
template <class F>
void remaining_pcs(const Scenario& sc, const Design& d, const Op& op, u8 pc, F&& f) {
  switch (op.kind) {
    case OpKind::Write:
      for (u8 p : {kPcStart, kPcW1, kPcW2, kPcW3, kPcW4}) f(p);
      return;
    case OpKind::OdirectRead:
    case OpKind::PinLongterm: {
      const bool gup = pc == kPcStart || pc == kPcR1;
      if (pc == kPcStart) f(kPcStart);
      if (gup) f(kPcR1);
      if (gup || pc == kPcR2) f(kPcR2);
      const bool from_r2 = pc == kPcR2 && d.gup_fast_rechecks();  // r2 may fall back
      const bool slow = gup || from_r2 || (pc >= kPcS0 && pc <= kPcS3);
      if (slow)
        for (unsigned p = (gup || from_r2 ? unsigned{kPcS0} : unsigned{pc}); p <= kPcS3; ++p) f(static_cast<u8>(p));
      if (op.kind == OpKind::OdirectRead) {
        if (pc != kPcD1) f(kPcD0);
        f(kPcD1);
      }
      return;
    }
    case OpKind::Fork:
      if (pc == kPcStart) f(kPcStart);
      if (pc != kPcF4) for (u8 p : {kPcF1, kPcF2, kPcF2b, kPcF3}) f(p);
      f(kPcF4);
      return;
    case OpKind::Read:  // a load faults only on a swap entry, or to map the zero page
      f(kPcStart);
      if (sc.has_swap || (sc.may_map_zero_page && kernel::has_zero_page(d)))
        for (u8 p : {kPcW1, kPcW2, kPcW3, kPcW4}) f(p);
      return;
    case OpKind::Madvise:
      if (pc == kPcStart) f(kPcStart);
      if (pc != kPcM2) f(kPcM1);
      f(kPcM2);
      return;
    default:
      f(pc);
      return;
  }
}

}  // namespace

Access next_access(const Scenario& sc, const Design& d, const State& s, const ColumnMap& cm, unsigned t) {
  if (thread_finished(sc, s, t)) return {};
  Ctx c{sc, d, s, cm, t};
  const Thread& th = s.threads[t];
  Access a = step_access(c, sc.threads[t].ops[th.op], th.pc, true);
  a.r |= c.mmres();  // whether the thread's process runs yet
  return a;
}

Access future_access(const Scenario& sc, const Design& d, const State& s, const ColumnMap& cm, unsigned t) {
  if (thread_finished(sc, s, t)) return {};
  Ctx c{sc, d, s, cm, t};
  const Thread& th = s.threads[t];
  const auto& ops = sc.threads[t].ops;
  Access a = next_access(sc, d, s, cm, t);
  const Op& cur = ops[th.op];
  // A fork in progress touches the pages it has still to copy (from its idx on).
  const bool fork_started = cur.kind == OpKind::Fork && th.pc != kPcStart;
  remaining_pcs(sc, d, cur, th.pc, [&](u8 p) {
    a |= step_access(c, cur, p, p == th.pc || frame_known(cur, th.pc) || fork_started);
  });
  for (std::size_t o = th.op + 1u; o < ops.size(); ++o)
    remaining_pcs(sc, d, ops[o], kPcStart, [&](u8 p) { a |= step_access(c, ops[o], p, false); });
  return a;
}

ResMask changed_resources(const Scenario& sc, const State& a, const State& b, const ColumnMap& ca) {
  ResMask m = 0;
  for (unsigned f = 0; f < kMaxFrames; ++f) {
    if (std::memcmp(&a.frames[f], &b.frames[f], sizeof(Frame)) == 0) continue;
    m |= ca.of(static_cast<u8>(f));
    if ((a.frames[f].refcount == 0) != (b.frames[f].refcount == 0)) m |= res::kFree;
  }
  for (unsigned tb = 0; tb < kMaxMms; ++tb) {
    const PageTable &x = a.tables[tb], &y = b.tables[tb];
    if (std::memcmp(&x, &y, sizeof x) == 0) continue;
    if (x.ptl != y.ptl) m |= res::ptl(tb);
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (x.pte[v] != y.pte[v])
        m |= res::col(v) | (x.pte[v].none() ? 0 : ca.of(x.pte[v].frame)) |
             (y.pte[v].none() ? 0 : ca.of(y.pte[v].frame));
    if (x.users != y.users)
      for (unsigned mm = 0; mm < kMaxMms; ++mm)
        if (a.mms[mm].table == tb || b.mms[mm].table == tb) m |= res::mm(mm);
  }
  if (std::memcmp(&a.mms, &b.mms, sizeof a.mms) != 0)
    for (unsigned mm = 0; mm < kMaxMms; ++mm) {
      const Mm &x = a.mms[mm], &y = b.mms[mm];
      if (x.mmap_lock != y.mmap_lock) m |= res::mmap(mm);
      Mm rest = x;
      rest.mmap_lock = y.mmap_lock;
      if (!(rest == y)) m |= res::mm(mm);  // alive, table, VMAs, has_pinned, write_protect_seq
    }
  if (std::memcmp(&a.pins, &b.pins, sizeof a.pins) != 0)
    for (unsigned p = 0; p < kMaxPins; ++p)
      if (a.pins[p] != b.pins[p])
        m |= (p < sc.pins.size() ? res::col(sc.pins[p].vpage) : res::kAllCols) | ca.of(a.pins[p].frame) |
             ca.of(b.pins[p].frame);
  for (unsigned t = 0; t < kMaxThreads; ++t)
    if (std::memcmp(&a.threads[t], &b.threads[t], sizeof(Thread)) != 0) m |= res::thr(t);
  if (a.brlock != b.brlock) m |= res::kBrlock;
  if (a.tlb != b.tlb) m |= res::kAll;  // (only TLB scenarios, whose steps are all kAll)
  if (a.free_blocks != b.free_blocks) m |= res::kAll;  // (only scenarios with files, whose steps are all kAll)
  if (a.disk != b.disk || a.disk_read != b.disk_read) m |= res::kAll;  // (the same: sync_file_range and the disk)
  return m;
}

bool is_back_edge(const State& s, const State& after, unsigned t) {
  const Thread& a = s.threads[t];
  const Thread& b = after.threads[t];
  if (b.op != a.op) return b.op < a.op;
  if (b.idx != a.idx) return b.idx < a.idx;
  return b.pc <= a.pc;
}

}  // namespace cow
