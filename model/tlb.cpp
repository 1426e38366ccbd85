// TLB entries and flushes: see tlb.hpp.
#include "model/tlb.hpp"

#include "model/paths.hpp"
#include "model/threads.hpp"

namespace cow::kernel {

void tlb_fill(Step& st, unsigned v, const Pte& pte) {
  if (!st.sc.tlb || !pte.present()) return;
  st.s.tlb[st.tid][v] = static_cast<u8>(kTlbValid | (pte.writable() ? kTlbWrite : 0) | (pte.frame & kTlbFrame));
}

void flush_tlb_page(Step& st, unsigned mm, unsigned v) {
  if (!st.sc.tlb) return;
  st.flushed_mms |= static_cast<u8>(1u << mm);
  for (unsigned t = 0; t < st.sc.threads.size(); ++t)
    if (st.sc.threads[t].mm == mm) st.s.tlb[t][v] = 0;
}

void flush_tlb_mm(Step& st, unsigned mm) {
  if (!st.sc.tlb) return;
  st.flushed_mms |= static_cast<u8>(1u << mm);
  for (unsigned t = 0; t < st.sc.threads.size(); ++t)
    if (st.sc.threads[t].mm == mm) st.s.tlb[t] = {};
}

bool gup_fast_walking(const Scenario& sc, const State& s, unsigned t) {
  if (thread_finished(sc, s, t)) return false;
  const u8 pc = s.threads[t].pc;
  return is_gup_fast_op(sc.threads[t].ops[s.threads[t].op].kind) && (pc == kPcR2 || pc == kPcR3 || pc == kPcR4);
}

bool gup_fast_irqs_off(const Scenario& sc, const State& s, unsigned mm) {
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (sc.threads[t].mm == mm && gup_fast_walking(sc, s, t)) return true;
  return false;
}

}  // namespace cow::kernel
