#include "checker/trace_timeline.hpp"

#include <algorithm>

#include "model/invariant.hpp"
#include "model/paths.hpp"

namespace cow {

Timeline trace_timeline(const Scenario& sc, const Design& d, const Trace& tr) {
  Timeline tl;
  tl.states.push_back(initial_state(sc, d));
  Expansion ex;
  for (std::size_t i = 0; i < tr.steps.size(); ++i) {
    const TraceStep& step = tr.steps[i];
    const State& from = tl.states.back();
    successors(sc, d, from, ex);
    const Successor* taken = &step_taken(sc, d, from, ex, step);
    tl.preempted.push_back(step.preempts ? tr.steps[i - 1].tid : kNone);  // (checker/preemptions.hpp marked it)
    tl.states.push_back(taken->next);
  }
  INVARIANT(tl.states.back() == tr.last, "trace_timeline: the replay ends elsewhere than the trace");
  return tl;
}

const char* lock_kind_name(LockKind k) {
  switch (k) {
    case LockKind::MmapRead: return "mmap_lock read";
    case LockKind::MmapWrite: return "mmap_lock write";
    case LockKind::Ptl: return "PT lock";
    case LockKind::BrRead: return "brlock read";
    case LockKind::BrWrite: return "brlock write";
    case LockKind::VmaRead: return "VMA lock read";
    case LockKind::VmaWrite: return "VMA lock write";
  }
  return "?";
}

namespace {

// Opens and closes holds as the state changes, step by step.
struct HoldBuilder {
  std::vector<LockHold> done;
  std::vector<LockHold> open;

  void take(u8 tid, LockKind k, u8 obj, std::size_t at) { open.push_back({tid, k, obj, at, at, true}); }
  // Ends a hold of (k, obj): the stepping thread's if it has one, else the oldest.
  void drop(u8 tid, LockKind k, u8 obj, std::size_t at) {
    auto match = [&](bool own) {
      return std::find_if(open.begin(), open.end(), [&](const LockHold& h) {
        return h.kind == k && h.object == obj && (!own || h.tid == tid);
      });
    };
    auto it = match(true);
    if (it == open.end()) it = match(false);
    if (it == open.end()) return;  // held in the initial state: nothing to draw it from
    it->to = at;
    it->open = false;
    done.push_back(*it);
    open.erase(it);
  }
  // A counted lock (readers) and an owned one (writer), in a step of `tid`.
  void counted(unsigned before, unsigned after, u8 tid, LockKind k, u8 obj, std::size_t at) {
    for (unsigned n = before; n < after; ++n) take(tid, k, obj, at);
    for (unsigned n = after; n < before; ++n) drop(tid, k, obj, at);
  }
  void owned(u8 before, u8 after, LockKind k, u8 obj, std::size_t at) {
    if (before == after) return;
    if (before != kNone) drop(before, k, obj, at);
    if (after != kNone) take(after, k, obj, at);
  }
};

}  // namespace

std::vector<LockHold> lock_holds(const Trace& tr, const Timeline& tl) {
  HoldBuilder b;
  for (std::size_t i = 0; i < tr.steps.size(); ++i) {
    const State& s = tl.states[i];
    const State& t = tl.states[i + 1];
    const u8 tid = tr.steps[i].tid;
    for (unsigned m = 0; m < kMaxMms; ++m) {
      const u8 mm = static_cast<u8>(m);
      b.counted(s.mms[m].mmap_lock.readers, t.mms[m].mmap_lock.readers, tid, LockKind::MmapRead, mm, i);
      b.owned(s.mms[m].mmap_lock.writer, t.mms[m].mmap_lock.writer, LockKind::MmapWrite, mm, i);
      for (unsigned v = 0; v < kMaxVmas; ++v) {
        const u8 obj = static_cast<u8>(m * kMaxVmas + v);
        const u8 a = s.mms[m].vma[v].lock, z = t.mms[m].vma[v].lock;
        b.counted(a & kVmaReaders, z & kVmaReaders, tid, LockKind::VmaRead, obj, i);
        // vma_start_write is taken by the mmap_lock writer; mmap_write_unlock drops them all.
        if (!(a & kVmaWriteLocked) && (z & kVmaWriteLocked)) b.take(tid, LockKind::VmaWrite, obj, i);
        if ((a & kVmaWriteLocked) && !(z & kVmaWriteLocked)) b.drop(tid, LockKind::VmaWrite, obj, i);
      }
    }
    for (unsigned k = 0; k < kMaxMms; ++k)
      b.owned(s.tables[k].ptl.holder, t.tables[k].ptl.holder, LockKind::Ptl, static_cast<u8>(k), i);
    b.counted(s.brlock.readers, t.brlock.readers, tid, LockKind::BrRead, 0, i);
    b.owned(s.brlock.writer, t.brlock.writer, LockKind::BrWrite, 0, i);
  }
  const std::size_t last = tr.steps.empty() ? 0 : tr.steps.size() - 1;
  for (LockHold h : b.open) {
    h.to = last;
    b.done.push_back(h);
  }
  std::sort(b.done.begin(), b.done.end(), [](const LockHold& x, const LockHold& y) { return x.from < y.from; });
  return b.done;
}

std::vector<FrameMarks> frame_marks(const Scenario& sc, const Trace& tr, const Timeline& tl) {
  std::vector<FrameMarks> out;
  FrameMarks born{};  // kMarkCopy / kMarkZeroed, kept while the frame lives
  for (std::size_t i = 0; i < tl.states.size(); ++i) {
    const State& s = tl.states[i];
    FrameMarks m{};
    for (unsigned f = 0; f < kMaxFrames; ++f) {
      const Frame& fr = s.frames[f];
      const bool was_used = i > 0 && tl.states[i - 1].frames[f].refcount > 0;
      if (fr.refcount == 0) {
        born[f] = 0;
        if (was_used) m[f] = kMarkFreed;
        continue;
      }
      if (i > 0 && !was_used)  // allocated by step i - 1: alloc_zeroed is do_anonymous_page's, alloc_copy the others'
        born[f] = tr.steps[i - 1].label.rfind("do_anonymous_page", 0) == 0 ? kMarkZeroed : kMarkCopy;
      m[f] = static_cast<u8>(kMarkInUse | born[f]);
      if (fr.pincount > 0) m[f] |= kMarkPinned;
      for (const Pin& p : s.pins)
        if (p.state == kPinActive && p.frame == f) m[f] |= kMarkPinned;
      for (u8 id : fr.data)
        if (const WriteDef* w = sc.write(id); w && w->dma) m[f] |= kMarkDma;
    }
    out.push_back(m);
  }
  return out;
}

}  // namespace cow
