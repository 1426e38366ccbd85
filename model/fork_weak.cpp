// fork's write_protect_seq increment under lkmm (model/fork_weak.hpp).
#include "model/fork_weak.hpp"

#include "model/design.hpp"
#include "model/invariant.hpp"
#include "model/memory_model.hpp"
#include "model/threads.hpp"

namespace cow {

bool fork_seq_weak(const Scenario& sc, const Design& d) {
  return sc.memory_model == MemoryModel::Lkmm && d.has_write_protect_seq() && !(d.traits().ae_barriers & kForkSeqMb);
}

bool fork_seq_begin(Step& st, const Design& d, unsigned mm) {
  if (!fork_seq_weak(st.sc, d)) {
    st.s.mms[mm].write_protect_seq++;
    return true;
  }
  return buffer_rmw(st, kBufSeqInc, static_cast<u8>(mm));
}

bool fork_copy_one_pte(Step& st, const Design& d, unsigned mm, unsigned child, unsigned v) {
  Thread& t = st.self();
  if (!(t.saved & kForkSavedEarly)) return d.copy_one_pte(st, mm, child, v);
  // Decide on what was read early. Neither value can have gone back since: has_pinned
  // is sticky, and a pin count read non-zero is put back in the same state below (the
  // decision reads it, copy_one_pte does not write the parent page's count).
  const u8 f = st.s.pte(mm, v).frame;
  const u8 has_pinned = st.s.mms[mm].has_pinned;
  const u8 pincount = st.s.frames[f].pincount;
  st.s.mms[mm].has_pinned = (t.saved & kForkSavedHasPinned) ? 1 : 0;
  st.s.frames[f].pincount = (t.saved & kForkSavedPinned) ? (pincount ? pincount : 1) : 0;
  t.saved = 0;
  const u8 decided = st.s.frames[f].pincount;
  const bool done = d.copy_one_pte(st, mm, child, v);
  INVARIANT(st.s.frames[f].pincount == decided, "copy_one_pte wrote the parent page's pin count");
  st.s.mms[mm].has_pinned = has_pinned;
  st.s.frames[f].pincount = pincount;
  return done;
}

void fork_early_loads(const Scenario& sc, const Design& d, const State& s, Expansion& out) {
  if (!fork_seq_weak(sc, d)) return;
  for (unsigned tid = 0; tid < sc.threads.size(); ++tid) {
    if (thread_finished(sc, s, tid) || !thread_started(sc, s, tid)) continue;
    const Thread& t = s.threads[tid];
    const Op& op = sc.threads[tid].ops[t.op];
    if (op.kind != OpKind::Fork || t.pc != kPcF2 || (t.saved & kForkSavedEarly) || buffer_empty(s, static_cast<u8>(tid)))
      continue;
    const unsigned mm = sc.threads[tid].mm;
    const Pte& p = s.tables[s.mms[mm].table].pte[t.idx];
    if (!p.present() || d.shares_page_tables()) continue;
    Successor& su = out.succ.emplace_back(Successor{s, static_cast<u8>(tid), {}});
    Thread& n = su.next.threads[tid];
    n.saved = kForkSavedEarly;
    if (s.mms[mm].has_pinned) n.saved |= kForkSavedHasPinned;
    if (s.frames[p.frame].pincount > 0) n.saved |= kForkSavedPinned;
    su.label = "copy_present_page:atomic_read(has_pinned)+page_maybe_dma_pinned read early "
               "(smp_wmb does not order the write_protect_seq store before these loads)";
  }
}

}  // namespace cow
