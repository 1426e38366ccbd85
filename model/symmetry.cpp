#include "model/symmetry.hpp"

#include <algorithm>

#include "model/paths.hpp"

namespace cow {

namespace {

bool frame_live(const Scenario& sc, const State& s, unsigned t) {
  if (thread_finished(sc, s, t)) return false;
  const Thread& th = s.threads[t];
  const Op& op = sc.threads[t].ops[th.op];
  return op.kind == OpKind::OdirectRead &&
         (th.pc == kPcR2 || th.pc == kPcS3 || th.pc == kPcD0 || th.pc == kPcD1);
}

}  // namespace

bool canonicalize(const Scenario& sc, State& s) {
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
  for (const PageTable& pt : s.tables)
    for (const Pte& p : pt.pte)
      if (p.present()) meet(p.frame);
  for (const Pin& p : s.pins)
    if (p.state == kPinActive) meet(p.frame);
  for (const Thread& th : s.threads) meet(th.frame);
  if (dangling) return false;

  // Frames in use that nothing named holds (a leaked reference): by contents.
  u8 rest[kMaxFrames];
  unsigned nrest = 0;
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (rename[f] == kNone && s.frames[f].refcount != 0) rest[nrest++] = static_cast<u8>(f);
  std::sort(rest, rest + nrest, [&](u8 a, u8 b) {
    const Frame &x = s.frames[a], &y = s.frames[b];
    return std::tie(x.refcount, x.mapcount, x.flags, x.data, x.pincount) <
           std::tie(y.refcount, y.mapcount, y.flags, y.data, y.pincount);
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
      if (p.present()) map(p.frame);
  for (Pin& p : s.pins) map(p.frame);
  for (Thread& th : s.threads) map(th.frame);
  return true;
}

}  // namespace cow
