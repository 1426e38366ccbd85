#include "model/symmetry.hpp"

#include <algorithm>
#include <cstring>
#include <vector>

#include "model/paths.hpp"

namespace cow {

namespace {

bool frame_live(const Scenario& sc, const State& s, unsigned t) {
  if (thread_finished(sc, s, t)) return false;
  const Thread& th = s.threads[t];
  const Op& op = sc.threads[t].ops[th.op];
  const bool gup_op = op.kind == OpKind::OdirectRead || op.kind == OpKind::OdirectWrite ||
                      op.kind == OpKind::Vmsplice || op.kind == OpKind::PinUserPages || op.kind == OpKind::ProcMemWrite;
  if (op.kind == OpKind::KsmScan) return th.pc != kPcStart;  // ksmd's two page references
  if (op.kind == OpKind::Write && th.pc == kPcW5) return true;  // wp_page_copy's copy, not yet mapped
  if (op.kind == OpKind::Write && (th.pc == kPcW6 || th.pc == kPcW7)) return true;  // do_wp_page's page_cache_get
  if (op.kind == OpKind::HoldPageLock) return th.pc == kPcP1;  // the page it holds locked
  return gup_op && (th.pc == kPcR2 || th.pc == kPcS3 || th.pc == kPcD0 || th.pc == kPcD1);
}

// Between the two halves of a split wp_page_copy, the fault keeps the old page in the low
// bits of its idx.
bool copy_pending(const Scenario& sc, const State& s, unsigned t) {
  return !thread_finished(sc, s, t) && sc.threads[t].ops[s.threads[t].op].kind == OpKind::Write &&
         s.threads[t].pc == kPcW5;
}

bool ksm_holds(const Scenario& sc, const State& s, unsigned t) {
  return !thread_finished(sc, s, t) && sc.threads[t].ops[s.threads[t].op].kind == OpKind::KsmScan &&
         s.threads[t].pc != kPcStart;
}

}  // namespace

bool canonicalize_frames(const Scenario& sc, State& s) {
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (!frame_live(sc, s, t)) s.threads[t].frame = kNone;

  u8 rename[kMaxFrames];
  std::fill(std::begin(rename), std::end(rename), kNone);
  u8 next = 0;
  bool dangling = false;
  auto meet = [&](u8 f) {
    if (f >= kMaxFrames) return;
    if (s.frames[f].refcount == 0) dangling = true;
    if (rename[f] == kNone) rename[f] = next++;
  };
  // A file's page-cache pages first, in page order: a file VMA names its first frame
  // and the others follow it, which the renaming keeps.
  for (const Mm& m : s.mms)
    for (const Vma& v : m.vma)
      if (v.pages && (v.flags & kVmFile))
        for (unsigned i = 0; i < v.pages; ++i) meet(static_cast<u8>(v.file_frame + i));
  for (const PageTable& pt : s.tables)
    for (const Pte& p : pt.pte)
      if (p.present() || p.swapped()) meet(p.frame);
  for (const Pin& p : s.pins)
    if (p.state == kPinActive) meet(p.frame);
  for (const Thread& th : s.threads) meet(th.frame);
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (ksm_holds(sc, s, t)) meet(s.threads[t].idx);  // (ksm_scan keeps its second page in idx)
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (copy_pending(sc, s, t)) meet(static_cast<u8>(s.threads[t].idx & 0x0F));
  for (const auto& row : s.tlb)
    for (u8 e : row)
      if (e & kTlbValid) meet(static_cast<u8>(e & kTlbFrame));
  if (dangling) return false;

  // Frames in use that nothing named holds (a leaked reference): by contents.
  u8 rest[kMaxFrames];
  unsigned nrest = 0;
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (rename[f] == kNone && s.frames[f].refcount != 0) rest[nrest++] = static_cast<u8>(f);
  std::sort(rest, rest + nrest, [&](u8 a, u8 b) {
    const Frame &x = s.frames[a], &y = s.frames[b];
    return std::tie(x.refcount, x.mapcount, x.flags, x.pg, x.data, x.pincount, x.anon_vma) <
           std::tie(y.refcount, y.mapcount, y.flags, y.pg, y.data, y.pincount, y.anon_vma);
  });
  for (unsigned i = 0; i < nrest; ++i) rename[rest[i]] = next++;
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (rename[f] == kNone) rename[f] = next++;  // free: all alike (put_page cleared them)

  bool identity = true;
  for (unsigned f = 0; f < kMaxFrames; ++f) identity &= rename[f] == f;
  if (identity) return true;
  std::array<Frame, kMaxFrames> frames{};
  for (unsigned f = 0; f < kMaxFrames; ++f) frames[rename[f]] = s.frames[f];
  s.frames = frames;
  auto map = [&](u8& f) {
    if (f < kMaxFrames) f = rename[f];
  };
  for (PageTable& pt : s.tables)
    for (Pte& p : pt.pte)
      if (p.present() || p.swapped()) map(p.frame);
  for (Pin& p : s.pins) map(p.frame);
  for (Thread& th : s.threads) map(th.frame);
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (ksm_holds(sc, s, t)) map(s.threads[t].idx);
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (copy_pending(sc, s, t)) {
      u8 old = static_cast<u8>(s.threads[t].idx & 0x0F);
      map(old);
      s.threads[t].idx = static_cast<u8>((s.threads[t].idx & 0xF0) | old);
    }
  for (auto& row : s.tlb)
    for (u8& e : row)
      if (e & kTlbValid) e = static_cast<u8>((e & ~kTlbFrame) | rename[e & kTlbFrame]);
  for (Mm& m : s.mms)
    for (Vma& v : m.vma)
      if (v.pages && (v.flags & kVmFile)) map(v.file_frame);
  return true;
}

namespace {

// s with the threads of each class renamed by perm (perm[t] = the thread t becomes):
// their locals, the pins of their ops, the values they write, and lock holders follow.
State permute_threads(const Scenario& sc, const State& s, const u8* perm) {
  u8 value[256], pin[kMaxPins];
  for (unsigned v = 0; v < 256; ++v) value[v] = static_cast<u8>(v);
  for (unsigned p = 0; p < kMaxPins; ++p) pin[p] = static_cast<u8>(p);
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    if (perm[t] == t) continue;
    const auto &from = sc.threads[t].ops, &to = sc.threads[perm[t]].ops;
    for (std::size_t o = 0; o < from.size(); ++o) {
      if (from[o].write_id) value[from[o].write_id] = to[o].write_id;
      if (from[o].pin != kNone) pin[from[o].pin] = to[o].pin;
    }
  }
  auto who = [&](u8 t) { return t < sc.threads.size() ? perm[t] : t; };
  State x = s;
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    Thread th = s.threads[t];
    if (th.seen != kSegv) th.seen = value[th.seen];  // 0xFF: killed (SIGSEGV)
    x.threads[perm[t]] = th;
  }
  for (unsigned p = 0; p < kMaxPins; ++p) x.pins[pin[p]] = s.pins[p];
  for (unsigned t = 0; t < sc.threads.size(); ++t) x.tlb[perm[t]] = s.tlb[t];
  for (Frame& f : x.frames)
    for (u8& d : f.data) d = value[d];
  for (PageTable& pt : x.tables) pt.ptl.holder = who(pt.ptl.holder);
  for (Mm& m : x.mms) m.mmap_lock.writer = who(m.mmap_lock.writer);
  x.brlock.writer = who(x.brlock.writer);
  return x;
}

}  // namespace

bool canonicalize(const Scenario& sc, State& s) {
  if (sc.thread_classes.empty()) return canonicalize_frames(sc, s);
  // The least (as bytes) frame-canonical form over every permutation of each class.
  u8 perm[kMaxThreads];
  for (unsigned t = 0; t < kMaxThreads; ++t) perm[t] = static_cast<u8>(t);
  std::vector<std::vector<u8>> order = sc.thread_classes;  // current arrangement of each class
  State best{};
  bool have = false, renamed = true;
  for (;;) {
    for (std::size_t c = 0; c < order.size(); ++c)
      for (std::size_t i = 0; i < order[c].size(); ++i) perm[sc.thread_classes[c][i]] = order[c][i];
    State x = permute_threads(sc, s, perm);
    bool r = canonicalize_frames(sc, x);
    if (!have || std::memcmp(&x, &best, sizeof(State)) < 0) {
      best = x;
      renamed = r;
      have = true;
    }
    std::size_t c = 0;  // next arrangement: odometer over the classes' permutations
    while (c < order.size() && !std::next_permutation(order[c].begin(), order[c].end())) ++c;
    if (c == order.size()) break;
  }
  s = best;
  return renamed;
}

}  // namespace cow
