// What a step touches, for partial-order reduction (checker/por.cpp).
//
// State is cut into resources, one bit each:
//   COL(v)   "column" v: the PTEs of virtual page v in every page table, the frames those
//            PTEs map or that pins / thread locals of page v hold, and the pins of page v.
//            Anonymous pages keep their virtual page through fork and COW (the child's PTE
//            and the COW copy are at the same v), so a frame belongs to one column. That
//            is checked on every state (ColumnMap::linked); a state where a frame is
//            reachable from two columns is expanded fully.
//   FREE     which frames are free (the allocator takes the lowest one) and their contents
//   MMAP(m)  mm m's mmap_lock            PTL(t)  page table t's PT lock
//   BRLOCK   the global big-reader lock  MM(m)   mm m's alive flag, table and VMAs
//   THR(t)   thread t's program counter and locals
// An access reads (r), writes (w) or increments/decrements (inc: rwsem reader counts,
// which commute with each other) a resource. Two accesses conflict when they touch a
// common resource and not both only read, nor both only increment.
#pragma once
#include <cstdint>

#include "model/design.hpp"

namespace cow {

using ResMask = std::uint32_t;

namespace res {
inline constexpr unsigned kColBase = 0;                          // kMaxVpages bits
inline constexpr unsigned kFreeBit = kColBase + kMaxVpages;      // 1
inline constexpr unsigned kMmapBase = kFreeBit + 1;              // kMaxMms
inline constexpr unsigned kPtlBase = kMmapBase + kMaxMms;        // kMaxMms
inline constexpr unsigned kBrlockBit = kPtlBase + kMaxMms;       // 1
inline constexpr unsigned kMmBase = kBrlockBit + 1;              // kMaxMms
inline constexpr unsigned kThrBase = kMmBase + kMaxMms;          // kMaxThreads
inline constexpr unsigned kBits = kThrBase + kMaxThreads;
static_assert(kBits <= 32, "resources must fit a 32-bit mask");

inline constexpr ResMask col(unsigned v) { return ResMask{1} << (kColBase + v); }
inline constexpr ResMask kAllCols = ((ResMask{1} << kMaxVpages) - 1) << kColBase;
inline constexpr ResMask kFree = ResMask{1} << kFreeBit;
inline constexpr ResMask mmap(unsigned m) { return ResMask{1} << (kMmapBase + m); }
inline constexpr ResMask ptl(unsigned t) { return ResMask{1} << (kPtlBase + t); }
inline constexpr ResMask kAllPtl = ((ResMask{1} << kMaxMms) - 1) << kPtlBase;
inline constexpr ResMask kBrlock = ResMask{1} << kBrlockBit;
inline constexpr ResMask mm(unsigned m) { return ResMask{1} << (kMmBase + m); }
inline constexpr ResMask kAllMm = ((ResMask{1} << kMaxMms) - 1) << kMmBase;
inline constexpr ResMask thr(unsigned t) { return ResMask{1} << (kThrBase + t); }
inline constexpr ResMask kAllThr = ((ResMask{1} << kMaxThreads) - 1) << kThrBase;
inline constexpr ResMask kAll = (kBits == 32) ? ~ResMask{0} : ((ResMask{1} << kBits) - 1);
}  // namespace res

struct Access {
  ResMask r = 0, w = 0, inc = 0;
  ResMask writes() const { return w | inc; }
  ResMask all() const { return r | w | inc; }
  bool conflicts(const Access& o) const {
    return (w & o.all()) | (o.w & all()) | (r & o.inc) | (inc & o.r);
  }
  Access& operator|=(const Access& o) {
    r |= o.r;
    w |= o.w;
    inc |= o.inc;
    return *this;
  }
};

// The column of every frame in one state: res::col(v), res::kFree for a free frame, or
// every column when the frame is held but reachable from no PTE or pin (conservative).
// `linked` when some frame is reachable from two columns: the reduction is then off.
struct ColumnMap {
  ResMask frame[kMaxFrames + 1] = {};  // index kMaxFrames (kNone clipped): nothing
  bool linked = false;
  ResMask of(u8 f) const { return frame[f < kMaxFrames ? f : kMaxFrames]; }
};
ColumnMap column_map(const Scenario& sc, const State& s);

// Thread t's next step from s, enabled or not (a thread that has not started: its first
// step, plus reading whether its mm exists). Nothing for a finished thread.
Access next_access(const Scenario& sc, const Design& d, const State& s, const ColumnMap& cm, unsigned t);
// Everything thread t may touch from s on, whatever the other threads do meanwhile as
// long as they leave alone what t touches: its next step and every later one.
Access future_access(const Scenario& sc, const Design& d, const State& s, const ColumnMap& cm, unsigned t);

// What a step from a to b changed, as resources as they are in a (ca: a's column map),
// from the difference of the two states: a changed frame counts in its column in a, a
// changed PTE or pin also in the columns the frames it referred to and refers to had
// in a. Whatever reads (in a) none of these reads the same values in b.
ResMask changed_resources(const Scenario& sc, const State& a, const State& b, const ColumnMap& ca);

// Whether thread t's step from s to `after` goes backwards in its program (a retry loop):
// every cycle of the state graph contains such a step, which the cycle proviso uses.
bool is_back_edge(const State& s, const State& after, unsigned t);

}  // namespace cow
