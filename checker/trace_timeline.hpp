// A counterexample as a timeline: the state after every step, which steps preempted a
// thread that could have gone on, the intervals in which each thread held each lock, and
// what each frame was at each point. What a picture of the trace (checker/svg.hpp) draws;
// no drawing here.
#pragma once
#include <array>
#include <cstddef>
#include <vector>

#include "checker/trace.hpp"

namespace cow {

struct Timeline {
  std::vector<State> states;  // states[0] the initial state, states[i + 1] the state after step i
  // Per step: the thread it preempted, or kNone (TraceStep::preempts, which
  // checker/preemptions.hpp's mark_preemptions sets on every trace a run prints).
  std::vector<u8> preempted;
};

// Re-executes the trace from the initial state with the successor function (the trace's
// states are real ones, also under --symmetry: checker/trace.hpp).
Timeline trace_timeline(const Scenario& sc, const Design& d, const Trace& tr);

enum class LockKind : u8 {
  MmapRead, MmapWrite,  // mm->mmap_lock (mmap_sem before 5.8); object: the mm
  Ptl,                  // the split PT lock; object: the page table
  BrRead, BrWrite,      // the global big-reader lock (design brlock); object 0
  VmaRead, VmaWrite,    // the per-VMA lock (6.4+); object: mm * kMaxVmas + VMA slot
};
const char* lock_kind_name(LockKind k);  // "mmap_lock read", ...

// One thread holding one lock: taken by step `from`, dropped by step `to` (both drawn
// as held); `open` when the trace ends with it still held (then `to` is the last step).
// Readers are counted, not named, in the state: a reader count that rises in a thread's
// step is that thread's read hold, and one that falls ends it.
struct LockHold {
  u8 tid;
  LockKind kind;
  u8 object;
  std::size_t from, to;
  bool open = false;
};
std::vector<LockHold> lock_holds(const Trace& tr, const Timeline& tl);

// What a frame is in one state (bits; 0: free).
enum FrameMark : u8 {
  kMarkInUse = 1 << 0,    // refcount > 0
  kMarkCopy = 1 << 1,     // allocated during the trace as a copy (COW: wp_page_copy, fork's copy_present_page)
  kMarkZeroed = 1 << 2,   // allocated during the trace zeroed (do_anonymous_page)
  kMarkPinned = 1 << 3,   // pincount > 0, or a GUP pin (a driver's or a device's reference) on it
  kMarkDma = 1 << 4,      // holds data a device wrote (DMA through a pin)
  kMarkFreed = 1 << 5,    // its last reference was dropped by the step that led here
};
using FrameMarks = std::array<u8, kMaxFrames>;
// marks[i] for states[i].
std::vector<FrameMarks> frame_marks(const Scenario& sc, const Trace& tr, const Timeline& tl);

}  // namespace cow
