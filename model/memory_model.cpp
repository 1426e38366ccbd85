// The store buffer and the successors a weak memory model adds (model/memory_model.hpp).
#include "model/memory_model.hpp"

#include <fmt/format.h>

#include "model/design.hpp"
#include "model/fork_weak.hpp"
#include "model/gup_fast_weak.hpp"
#include "model/input_error.hpp"
#include "model/invariant.hpp"
#include "model/names.hpp"

namespace cow {

bool weak_ae_paths(const Scenario& sc, const Design& d) {
  return weak_memory(sc) && d.has_anon_exclusive() && d.gup_fast_rechecks();
}

bool buffer_empty(const State& s, u8 tid) {
  for (const Buffered& b : s.buffered)
    if (b.tid == tid) return false;
  return true;
}

void apply_buffered(State& s, const Buffered& b) {
  if (b.kind == kBufSeqInc) {
    s.mms[b.frame].write_protect_seq++;
    return;
  }
  Frame& f = s.frames[b.frame];
  switch (b.kind) {
    case kBufPinAdd:
      INVARIANT(f.pincount < 0xFF, "pincount overflow");
      f.pincount++;
      return;
    case kBufAeClear:
      f.flags &= static_cast<u8>(~kFrameAnonExclusive);
      return;
  }
  UNREACHABLE("bad buffered store");
}

bool buffer_rmw(Step& st, u8 kind, u8 frame) {
  const Buffered b{st.tid, kind, frame};
  if (st.sc.memory_model != MemoryModel::Lkmm) {
    apply_buffered(st.s, b);
    return true;
  }
  for (Buffered& slot : st.s.buffered)
    if (slot.tid == kNone) {
      slot = b;
      return true;
    }
  return false;  // no free slot: the CPU stalls until one drains
}

std::string buffered_text(const Buffered& b) {
  switch (b.kind) {
    case kBufPinAdd: return fmt::format("pincount+1 of {} (folio_ref_add)", frame_name(b.frame));
    case kBufAeClear: return fmt::format("ClearPageAnonExclusive of {}", frame_name(b.frame));
    case kBufSeqInc: return "write_protect_seq++ (raw_write_seqcount_begin)";
  }
  return "?";
}

void weak_successors(const Scenario& sc, const Design& d, const State& s, Expansion& out) {
  if (sc.memory_model != MemoryModel::Lkmm) return;
  for (unsigned i = 0; i < kMaxBuffered; ++i) {
    const Buffered& b = s.buffered[i];
    if (b.tid == kNone) continue;
    // Two stores of one CPU to one location reach memory in program order.
    bool older_same = false;
    for (unsigned j = 0; j < i; ++j)
      older_same |= s.buffered[j].tid == b.tid && s.buffered[j].frame == b.frame && s.buffered[j].kind == b.kind;
    if (older_same) continue;
    Successor& su = out.succ.emplace_back(Successor{s, b.tid, {}});
    apply_buffered(su.next, b);
    su.next.buffered[i] = Buffered{};
    // Keep the buffer's slots in order of age (so equal buffers are equal states).
    for (unsigned j = i; j + 1 < kMaxBuffered; ++j) std::swap(su.next.buffered[j], su.next.buffered[j + 1]);
    su.label = b.kind == kBufPinAdd  ? "store buffer: pincount+1 (folio_ref_add) reaches memory"
               : b.kind == kBufSeqInc ? "store buffer: write_protect_seq++ (raw_write_seqcount_begin) reaches memory"
                                      : "store buffer: ClearPageAnonExclusive reaches memory";
  }
  gup_fast_early_loads(sc, d, s, out);
  fork_early_loads(sc, d, s, out);
}

void check_memory_model_reductions(const Scenario& sc, bool por, bool symmetry) {
  if (!weak_memory(sc) || (!por && !symmetry)) return;
  throw InputError(std::string(por ? "--por" : "--symmetry") + " does not support memory model '" +
                   memory_model_name(sc.memory_model) +
                   "' yet (its footprints and renaming do not cover the store buffer): run the plain search");
}

}  // namespace cow
