#include "checker/trace.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "model/invariant.hpp"
#include "model/gup_fast_weak.hpp"
#include "model/memory_model.hpp"
#include "model/names.hpp"
#include "model/paths.hpp"
#include "model/symmetry.hpp"
#include "model/tlb.hpp"
#include "model/threads.hpp"

namespace cow {

Trace rebuild_trace(const Scenario& sc, const Design& d, const StateStore& store, StateId target, bool symmetry) {
  std::vector<StateId> path;
  for (StateId id = target; id != kNoState; id = store.parent(id)) path.push_back(id);
  std::reverse(path.begin(), path.end());
  Trace tr;
  Expansion ex;
  State from = symmetry ? initial_state(sc, d) : store.state(path[0]);
  for (std::size_t i = 1; i < path.size(); ++i) {
    const State to = store.state(path[i]);
    successors(sc, d, from, ex);
    auto it = std::find_if(ex.succ.begin(), ex.succ.end(), [&](const Successor& s) {
      if (!symmetry) return s.next == to;
      State c = s.next;
      canonicalize(sc, c);
      return c == to;
    });
    INVARIANT(it != ex.succ.end(), "counterexample step cannot be replayed");
    tr.steps.push_back({it->tid, std::string(it->label), describe_changes(sc, d, from, it->next), false, {}});
    from = it->next;
  }
  tr.last = from;
  return tr;
}

const Successor& step_taken(const Scenario& sc, const Design& d, const State& from, const Expansion& ex,
                            const TraceStep& step) {
  const Successor* taken = nullptr;
  for (const Successor& su : ex.succ) {
    if (su.tid != step.tid || su.label != step.label) continue;
    if (!taken) taken = &su;
    if (describe_changes(sc, d, from, su.next) == step.changes) return su;
  }
  INVARIANT(taken, "a counterexample step cannot be replayed");
  return *taken;
}

Trace replay_steps(const Scenario& sc, const Design& d, const std::vector<u8>& tids, bool symmetry) {
  auto step = [&](const State& s, u8 tid, State& out, std::string_view& label) {
    out = s;
    Step st{sc, out, tid};
    bool ok = !thread_finished(sc, s, tid) && thread_started(sc, s, tid) && take_step(st, d) && !st.out_of_frames;
    label = st.label;
    return ok;
  };
  Trace tr;
  State from = initial_state(sc, d);
  // With symmetry the threads were recorded in the stored (canonical) states: follow the
  // canonical path alongside and take, in the real state, the step that leads to it.
  State canon = from;
  if (symmetry) canonicalize(sc, canon);
  for (u8 tid : tids) {
    State to;
    std::string_view label;
    u8 real = tid;
    if (symmetry) {
      State next;
      INVARIANT(step(canon, tid, next, label), "counterexample step cannot be replayed");
      canonicalize(sc, next);
      bool found = false;
      for (u8 u = 0; u < sc.threads.size() && !found; ++u) {
        State c;
        if (!step(from, u, c, label)) continue;
        canonicalize(sc, c);
        if (c == next) {
          real = u;
          found = true;
        }
      }
      INVARIANT(found, "counterexample step cannot be replayed up to symmetry");
      canon = next;
    }
    INVARIANT(step(from, real, to, label), "counterexample step cannot be replayed");
    tr.steps.push_back({real, std::string(label), describe_changes(sc, d, from, to), false, {}});
    from = to;
  }
  tr.last = from;
  return tr;
}

Lasso find_lasso(const Scenario& sc, const Design& d) {
  Expansion ex;
  auto steps = [&](const State& s, std::vector<std::pair<u8, State>>& out) {
    successors(sc, d, s, ex);
    out.clear();
    for (const Successor& su : ex.succ) out.emplace_back(su.tid, su.next);
  };
  const LassoWalk w = lasso_walk(initial_state(sc, d), sc.threads.size(), steps,
                                 [](const State& s) { return hash_bytes(&s, sizeof(State)); });
  Lasso l;
  l.trace = replay_steps(sc, d, w.tids);
  l.cycle_start = w.cycle_start;
  l.deadlock = w.deadlock;
  INVARIANT(!l.deadlock || !all_threads_finished(sc, l.trace.last), "the walk reached a finished execution");
  return l;
}

namespace {

unsigned vma_readers_of(const Vma& v) { return v.lock & kVmaReaders; }

// A writable PTE is dirty in the usual case (the fault that made it writable dirtied it,
// or the CPU did at the first store): the dirty bit is printed where it is not implied,
// "ro ... dirty" (what FOLL_COW and KSM test) and "rw ... clean".
std::string pte_text(const Pte& p) {
  if (p.swapped())
    return fmt::format("swap entry (slot of {}){}", frame_name(p.frame), (p.flags & kPteSwpExclusive) ? " exclusive" : "");
  if (p.cleared()) return fmt::format("none (cleared by ptep_clear_flush; {} to be set again)", frame_name(p.frame));
  if (!p.present()) return "none";
  const bool dirty = p.flags & kPteDirty;
  return fmt::format("{} {}{}", p.writable() ? "rw" : "ro", frame_name(p.frame),
                     p.writable() ? (dirty ? "" : " clean") : (dirty ? " dirty" : ""));
}

std::string thread_name(const Scenario& sc, u8 tid) {
  return tid < sc.threads.size() ? sc.threads[tid].name : fmt::format("thread#{}", tid);
}

std::string rw_text(const Scenario& sc, const RwLock& l) {
  if (l.writer != kNone) return "write-held by " + thread_name(sc, l.writer);
  if (l.readers) return fmt::format("read-held x{}", l.readers);
  return "free";
}

std::string vma_lock_text(const Vma& v) {
  if (v.lock & kVmaWriteLocked) return "write-locked";
  if (vma_readers_of(v)) return fmt::format("read-locked x{}", vma_readers_of(v));
  return "unlocked";
}

std::string tlb_text(u8 e) {
  if (!(e & kTlbValid)) return "none";
  return fmt::format("{} {}", (e & kTlbWrite) ? "rw" : "ro", frame_name(e & kTlbFrame));
}

std::string vma_text(const Design& d, const Vma& v) {
  if (!v.pages) return "none";
  std::string s = fmt::format("[{},{}) {} {}", v.start, v.start + v.pages, (v.flags & kVmWrite) ? "rw" : "r",
                              (v.flags & kVmFile)     ? ((v.flags & kVmShared) ? "file-shared" : "file-private")
                              : (v.flags & kVmShared) ? "anon-shared"
                                                      : "anon-private");
  if (v.flags & kVmDontCopy) s += " VM_DONTCOPY";
  if (v.flags & kVmLocked) s += " VM_LOCKED";
  if (d.has_vma_locks()) {  // the per-VMA lock and the anon_vma, where they decide things
    s += v.anon_vma ? fmt::format(" anon_vma#{}", v.anon_vma) : " no anon_vma";
    if (v.lock) s += " " + vma_lock_text(v);
  }
  return s;
}

std::string frame_text(const Scenario& sc, const Frame& f) {
  return fmt::format("refcount {} mapcount {} h0={} h1={}", f.refcount, f.mapcount, sc.value_name(f.data[0]),
                     sc.value_name(f.data[1]));
}

// The struct page flags a design keeps (PageAnonExclusive only where it exists).
std::string flags_text(const Design& d, const Frame& f) {
  std::string s;
  auto add = [&](const char* n) { s += (s.empty() ? "" : " ") + std::string(n); };
  if (d.has_anon_exclusive() && (f.flags & kFrameAnonExclusive)) add("PageAnonExclusive");
  if (f.flags & kFrameSwapCache) add("PageSwapCache");
  if (f.flags & kFrameGup) add("PG_gup");
  if (f.flags & kFrameKsm) add("PageKsm");
  if (f.flags & kFramePageLocked) add("PG_locked");
  if (f.flags & kFramePageCache) add((f.pg & kPgBlock) ? "page cache" : "page cache (hole: no block)");
  if (f.flags & kFrameZero) add("the zero page");
  if (f.pg & kPgDirty) add("PG_dirty");
  if (f.pg & kPgWriteback) add("PG_writeback");
  if (f.pg & kPgMlocked) add("PG_mlocked");
  if (f.pg & kPgMkwrite) add("page_mkwrite done");
  if (f.pg & kPgDirtiedByMlock) add("(dirtied by mlock)");
  if (f.pg & kPgWriteLost) add("(write-back failed: ENOSPC, data lost)");
  return s.empty() ? "-" : s;
}
unsigned shown_flags(const Design& d, const Frame& f) {
  std::uint8_t m = kFrameSwapCache | kFrameGup | kFramePageCache | kFrameKsm | kFramePageLocked | kFrameZero |
                   (d.has_anon_exclusive() ? kFrameAnonExclusive : 0);
  return (f.flags & m) | (unsigned{static_cast<std::uint8_t>(f.pg & ~kPgFileRw)} << 8);
}

// Who maps frame f in s, e.g. " (mapped by child pte[0])", so that a reader sees whose
// page a DMA or a store landed in.
std::string mappers(const Scenario& sc, const State& s, unsigned f) {
  std::string out;
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm)
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (s.pte(mm, v).present() && s.pte(mm, v).frame == f)
        out += fmt::format("{}{} pte[{}]", out.empty() ? "" : ", ", sc.processes[mm].name, v);
  return out.empty() ? " (mapped by no one)" : " (mapped by " + out + ")";
}

}  // namespace

std::vector<std::string> describe_changes(const Scenario& sc, const Design& d, const State& a, const State& b) {
  std::vector<std::string> out;
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    const std::string& name = sc.processes[mm].name;
    const Mm &ma = a.mms[mm], &mb = b.mms[mm];
    for (unsigned i = 0; i < kMaxVmas; ++i)
      if (ma.vma[i] != mb.vma[i]) {
        Vma x = ma.vma[i], y = mb.vma[i];
        if (!d.has_vma_locks()) x.lock = y.lock = x.anon_vma = y.anon_vma = x.avc = y.avc = 0;
        if (x != y) out.push_back(fmt::format("{} vma: {} -> {}", name, vma_text(d, ma.vma[i]), vma_text(d, mb.vma[i])));
      }
    if (ma.table != mb.table)
      out.push_back(fmt::format("{} page table: table#{} -> table#{}{}", name, ma.table, mb.table,
                                b.tables[mb.table].users >= 2 ? fmt::format(" (shared, {} users)", b.tables[mb.table].users)
                                                              : std::string(" (its own)")));
    else if (ma.table == mb.table && a.tables[ma.table].users != b.tables[mb.table].users && b.tables[mb.table].users >= 1 &&
             (a.tables[ma.table].users >= 2 || b.tables[mb.table].users >= 2))
      out.push_back(fmt::format("{} page table#{}: users {} -> {}", name, mb.table, a.tables[ma.table].users,
                                b.tables[mb.table].users));
    if (ma.table == mb.table && (b.tables[mb.table].flags & kTableModifiedShared) &&
        !(a.tables[ma.table].flags & kTableModifiedShared))
      out.push_back(fmt::format("{} page table#{}: changed in place while shared", name, mb.table));
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (a.pte(mm, v) != b.pte(mm, v))
        out.push_back(fmt::format("{} pte[{}]: {} -> {}", name, v, pte_text(a.pte(mm, v)), pte_text(b.pte(mm, v))));
    if (ma.mmap_lock != mb.mmap_lock)
      out.push_back(fmt::format("{} mmap_lock: {} -> {}", name, rw_text(sc, ma.mmap_lock), rw_text(sc, mb.mmap_lock)));
    const SpinLock &la = a.tables[ma.table].ptl, &lb = b.tables[mb.table].ptl;
    if (la != lb)
      out.push_back(fmt::format("{} ptl: {} -> {}", name, la.holder == kNone ? "free" : "held by " + thread_name(sc, la.holder),
                                lb.holder == kNone ? "free" : "held by " + thread_name(sc, lb.holder)));
    if (ma.alive != mb.alive)
      out.push_back(mb.alive ? fmt::format("{} is running{}", name, sc.processes[mm].initial ? "" : " (fork returned)")
                             : fmt::format("{} has exited", name));
    // The mm fields lockless code reads: mm->has_pinned (MMF_HAS_PINNED from 5.15), set by
    // a FOLL_PIN GUP, and 5.11's write_protect_seq, odd while fork write-protects.
    if (ma.has_pinned != mb.has_pinned && !kernel_before(d.traits().kernel, "5.9"))
      out.push_back(fmt::format("{} mm->has_pinned: {} -> {}", name, ma.has_pinned, mb.has_pinned));
    if (ma.write_protect_seq != mb.write_protect_seq)
      out.push_back(fmt::format("{} mm->write_protect_seq: {} -> {}{}", name, ma.write_protect_seq, mb.write_protect_seq,
                                (mb.write_protect_seq & 1) ? " (odd: fork is copying)" : ""));
  }
  if (d.has_brlock() && a.brlock != b.brlock)
    out.push_back(fmt::format("brlock: {} -> {}", rw_text(sc, a.brlock), rw_text(sc, b.brlock)));
  if (a.free_blocks != b.free_blocks)
    out.push_back(fmt::format("file system: free blocks {} -> {}", a.free_blocks, b.free_blocks));
  for (unsigned f = 0; f < kMaxDiskPages; ++f)
    for (unsigned h = 0; h < kHalves; ++h)
      if (a.disk[f][h] != b.disk[f][h])
        out.push_back(fmt::format("disk: block of frame#{} h{}: {} -> {}", f, h, sc.value_name(a.disk[f][h]),
                                  sc.value_name(b.disk[f][h])));
  for (unsigned f = 0; f < kMaxFrames; ++f) {
    const Frame &fa = a.frames[f], &fb = b.frames[f];
    if (fa == fb) continue;
    if (fa.refcount == 0) {
      const std::string flags = flags_text(d, fb);
      out.push_back(fmt::format("frame#{} allocated: {}{}", f, frame_text(sc, fb), flags == "-" ? "" : " " + flags));
      continue;
    }
    if (fb.refcount == 0) {
      out.push_back(fmt::format("frame#{} freed", f));
      continue;
    }
    if (fa.refcount != fb.refcount) out.push_back(fmt::format("frame#{} refcount {} -> {}", f, fa.refcount, fb.refcount));
    if (fa.mapcount != fb.mapcount) out.push_back(fmt::format("frame#{} mapcount {} -> {}", f, fa.mapcount, fb.mapcount));
    if (fa.pincount != fb.pincount) out.push_back(fmt::format("frame#{} pincount {} -> {}", f, fa.pincount, fb.pincount));
    if (fa.swapcount != fb.swapcount) out.push_back(fmt::format("frame#{} swapcount {} -> {}", f, fa.swapcount, fb.swapcount));
    if (shown_flags(d, fa) != shown_flags(d, fb))
      out.push_back(fmt::format("frame#{} flags: {} -> {}", f, flags_text(d, fa), flags_text(d, fb)));
    for (unsigned h = 0; h < kHalves; ++h)
      if (fa.data[h] != fb.data[h])
        out.push_back(fmt::format("frame#{} h{}: {} -> {}{}", f, h, sc.value_name(fa.data[h]), sc.value_name(fb.data[h]),
                                  mappers(sc, b, f)));
  }
  for (unsigned i = 0; i < sc.pins.size(); ++i) {
    const Pin &pa = a.pins[i], &pb = b.pins[i];
    const std::string& name = sc.pins[i].name;
    if (pa.state != pb.state)
      out.push_back(pb.state == kPinActive ? fmt::format("pin {} taken on {}", name, frame_name(pb.frame))
                                           : fmt::format("pin {} released (it held {})", name, frame_name(pa.frame)));
    if (pa.dma != pb.dma) out.push_back(fmt::format("pin {}: device DMA into {} done", name, frame_name(pb.frame)));
  }
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    const Thread &ta = a.threads[t], &tb = b.threads[t];
    const std::string& name = sc.threads[t].name;
    if (ta.frame != tb.frame) out.push_back(fmt::format("{} f = {}", name, frame_name(tb.frame)));
    if (ta.read_op != tb.read_op || ta.seen != tb.seen) {
      if (tb.seen == 0xFF) {
        out.push_back(fmt::format("{} killed by a signal (SIGSEGV or SIGBUS: the step says which)", name));
      } else {
        const Op& op = sc.threads[t].ops[tb.read_op - 1u];
        if (op.kind == OpKind::PinRead)
          out.push_back(fmt::format("{} read through pin {} (page {}) h{} = {}", name, sc.pins[op.pin].name,
                                    sc.pins[op.pin].vpage, op.half, sc.value_name(tb.seen)));
        else if (op.kind == OpKind::OdirectWrite)
          out.push_back(fmt::format("{}'s device read page {} h{} = {}", name, op.page, op.half, sc.value_name(tb.seen)));
        else
          out.push_back(fmt::format("{} read page {} h{} = {}", name, op.page, op.half, sc.value_name(tb.seen)));
      }
    }
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (a.tlb[t][v] != b.tlb[t][v])
        out.push_back(fmt::format("{} TLB page {}: {} -> {}{}", name, v, tlb_text(a.tlb[t][v]), tlb_text(b.tlb[t][v]),
                                  (b.tlb[t][v] & kTlbValid) ? "" : " (flushed)"));
    if (ta.op != tb.op && thread_finished(sc, b, t) && tb.seen != kSegv) out.push_back(name + " finished");
    const bool gup_fast_local = !thread_finished(sc, b, t) && (tb.pc == kPcR3 || tb.pc == kPcR4) &&
                                kernel::is_gup_fast_op(sc.threads[t].ops[tb.op].kind);  // saved is GupSaved
    if (gup_fast_local && !(ta.saved & kGupSavedEarly) && (tb.saved & kGupSavedEarly))
      out.push_back(fmt::format("{} loaded PageAnonExclusive = {} early (its CPU uses this value at gup_must_unshare)",
                                name, (tb.saved & kGupSavedEarlyAe) ? 1 : 0));
  }
  // The store buffer (weak memory models): what entered it, what left it for memory.
  auto in = [](const State& s, const Buffered& x) {
    return std::find(s.buffered.begin(), s.buffered.end(), x) != s.buffered.end();
  };
  for (const Buffered& x : b.buffered)
    if (x.tid != kNone && !in(a, x))
      out.push_back(fmt::format("{}'s store buffer holds {}: not yet visible to other CPUs", sc.threads[x.tid].name,
                                buffered_text(x)));
  for (const Buffered& x : a.buffered)
    if (x.tid != kNone && !in(b, x))
      out.push_back(fmt::format("{}'s store buffer: {} is now in memory", sc.threads[x.tid].name, buffered_text(x)));
  return out;
}

std::vector<std::string> describe_state(const Scenario& sc, const Design& d, const State& s) {
  std::vector<std::string> out;
  for (unsigned mm = 0; mm < sc.processes.size(); ++mm) {
    const std::string& name = sc.processes[mm].name;
    for (const Vma& vma : s.mms[mm].vma)
      if (vma.pages) out.push_back(fmt::format("{} vma: {}", name, vma_text(d, vma)));
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (!s.pte(mm, v).none()) out.push_back(fmt::format("{} pte[{}]: {}", name, v, pte_text(s.pte(mm, v))));
    if (s.mms[mm].alive) out.push_back(name + " is running");
  }
  if (d.has_brlock() && s.brlock != RwLock{}) out.push_back("brlock: " + rw_text(sc, s.brlock));
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (s.tlb[t][v] & kTlbValid) out.push_back(fmt::format("{} TLB page {}: {}", sc.threads[t].name, v, tlb_text(s.tlb[t][v])));
  bool fs_matters = false;  // a writable file, or a hole: the file system's state is part of the story
  for (const Frame& f : s.frames)
    fs_matters |= (f.flags & kFramePageCache) && ((f.pg & kPgFileRw) || !(f.pg & kPgBlock));
  if (fs_matters)
    out.push_back(fmt::format("file system: {}, {} free blocks", sc.fs_page_mkwrite ? "->page_mkwrite" : "no ->page_mkwrite",
                              s.free_blocks));
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (s.frames[f].refcount)
      out.push_back(fmt::format("frame#{} {}{}", f, frame_text(sc, s.frames[f]),
                                shown_flags(d, s.frames[f]) ? " " + flags_text(d, s.frames[f]) : ""));
  return out;
}

}  // namespace cow
