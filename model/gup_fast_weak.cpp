// GUP-fast under a weak memory model (model/gup_fast_weak.hpp, model/memory_model.hpp).
// The kernel it follows (mm/gup.c and include/linux/mm.h, v5.19 and v6.1): gup_pte_range,
// IRQs off,
//   pte_t pte = ptep_get_lockless(ptep);                                   (B1)
//   ...
//   folio = try_grab_folio(page, 1, flags);                                (B3)
//   if (!folio) goto pte_unmap;
//   if (unlikely(pmd_val(pmd) != pmd_val(*pmdp)) ||
//       unlikely(pte_val(pte) != pte_val(*ptep))) {                        (B4)
//           gup_put_folio(folio, 1, flags);
//           goto pte_unmap;
//   }
//   if (!pte_write(pte) && gup_must_unshare(NULL, flags, page)) {          (B5)
//           gup_put_folio(folio, 1, flags);
//           goto pte_unmap;
//   }
// try_grab_folio, FOLL_PIN, a small folio:
//   folio = try_get_folio(page, refs);      // folio_ref_try_add_rcu: fully ordered
//   ...
//   folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1));   // void: unordered
// and 6.1 (088b8aa537c2) adds after it:
//   /*
//    * Adjust the pincount before re-checking the PTE for changes.
//    * This is essentially a smp_mb() and is paired with a memory
//    * barrier in page_try_share_anon_rmap().
//    */
//   smp_mb__after_atomic();
// and to gup_must_unshare, before it reads PageAnonExclusive:
//   /* Paired with a memory barrier in page_try_share_anon_rmap(). */
//   if (IS_ENABLED(CONFIG_HAVE_FAST_GUP))
//           smp_rmb();
// The model keeps GUP_PIN_COUNTING_BIAS apart as Frame::pincount: the +1 of try_get_folio
// is the refcount, the bias is the pincount page_maybe_dma_pinned tests.
#include "model/gup_fast_weak.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/memory_model.hpp"
#include "model/tlb.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

// The put of a grab that failed its checks (gup_put_folio): value-returning atomics, fully
// ordered, so the CPU's buffer must be empty first. Then slow GUP.
bool put_back(Step& st, const char* label) {
  if (!buffer_empty(st.s, st.tid)) return false;
  const u8 f = st.self().frame;
  if (st.sc.pins[st.op().pin].foll_pin) {
    INVARIANT(st.s.frames[f].pincount > 0, "put back a pin that is not counted");
    st.s.frames[f].pincount--;
  }
  put_page(st.s, f);
  st.self().saved = 0;
  st.label = label;
  st.count(Cost::GupFastFallback);
  st.go(kPcS0);
  return true;
}

bool foll_pin_op(const Step& st) { return st.sc.pins[st.op().pin].foll_pin; }

// B5 applies: the PTE read at B1 was not writable (gup_must_unshare tests FOLL_PIN without
// FOLL_WRITE itself).
bool unshare_test(const Thread& t) { return !(t.saved & kGupSavedWrite); }

}  // namespace

void gup_fast_weak_read(Step& st, const Pte& p) {
  st.self().saved = static_cast<u8>(kGupSavedValid | (p.writable() ? kGupSavedWrite : 0) |
                                    ((p.flags & kPteDirty) ? kGupSavedDirty : 0));
}

bool gup_fast_weak_step(Step& st, const Design& d) {
  Thread& t = st.self();
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  const u8 f = t.frame;
  switch (t.pc) {
    case kPcR2: {  // (B3) try_grab_folio
      if (!buffer_empty(st.s, st.tid)) return false;  // try_get_folio is fully ordered
      if (st.s.frames[f].refcount == 0) {             // folio_ref_try_add_rcu failed: freed
        t.saved = 0;
        st.label = "try_grab_folio:try_get_folio(failed)";
        st.count(Cost::GupFastFallback);
        st.go(kPcS0);
        return true;
      }
      if (foll_pin_op(st) && !buffer_rmw(st, kBufPinAdd, f)) return false;
      get_page(st.s, f);
      st.label = foll_pin_op(st) ? "try_grab_folio:try_get_folio+folio_ref_add(GUP_PIN_COUNTING_BIAS - 1)"
                                 : "try_grab_folio:try_get_folio";
      st.go(kPcR3);
      return true;
    }
    case kPcR3: {  // [6.1: smp_mb__after_atomic] (B4) the PTE re-check
      const bool mb = foll_pin_op(st) && (d.traits().ae_barriers & kAePinMb);
      if (mb && !buffer_empty(st.s, st.tid)) return false;
      const Pte& p = st.s.pte(mm, op.page);
      const bool same = p.present() && p.frame == f && p.writable() == bool(t.saved & kGupSavedWrite) &&
                        bool(p.flags & kPteDirty) == bool(t.saved & kGupSavedDirty);
      if (!same) return put_back(st, mb ? "smp_mb__after_atomic+gup_pte_range:pte_val(pte) != pte_val(*ptep)(gup_put_folio)"
                                        : "gup_pte_range:pte_val(pte) != pte_val(*ptep)(gup_put_folio)");
      st.label = mb ? "smp_mb__after_atomic+gup_pte_range:pte_val(pte) == pte_val(*ptep)"
                    : "gup_pte_range:pte_val(pte) == pte_val(*ptep)";
      st.go(kPcR4);
      return true;
    }
    case kPcR4: {  // (B5) gup_must_unshare, then the 5.11 seqcount re-check; the pin is taken
      if (unshare_test(t)) {
        bool must;
        if (t.saved & kGupSavedEarly) {  // the load was satisfied before B4
          State early = st.s;
          if (t.saved & kGupSavedEarlyAe) early.frames[f].flags |= kFrameAnonExclusive;
          else early.frames[f].flags &= static_cast<u8>(~kFrameAnonExclusive);
          must = d.gup_must_unshare(early, op, f, nullptr);
        } else {
          must = d.gup_must_unshare(st.s, op, f, nullptr);
        }
        const bool rmb = d.traits().ae_barriers & kAeUnshareRmb;
        if (must)
          return put_back(st, rmb ? "gup_must_unshare:smp_rmb+!PageAnonExclusive(gup_put_folio)"
                                  : "gup_must_unshare:!PageAnonExclusive(gup_put_folio)");
      }
      if (d.has_write_protect_seq() && op.foll_pin && st.s.mms[mm].write_protect_seq != t.idx)
        return put_back(st, "lockless_pages_from_mm:read_seqcount_retry(unpin_user_pages)");
      // The operation returns with its CPU's stores visible (model/memory_model.hpp).
      if (!buffer_empty(st.s, st.tid)) return false;
      st.s.pins[op.pin].state = kPinActive;  // pin_taken, with the counts already raised
      st.s.pins[op.pin].frame = f;
      st.label = (t.saved & kGupSavedEarly) ? "gup_must_unshare:PageAnonExclusive (the value read early)"
                 : unshare_test(t)           ? "gup_must_unshare:PageAnonExclusive"
                                             : "gup_pte_range:pte_write(pte): no unshare test";
      t.saved = 0;
      return true;  // the caller finishes the GUP (gup_done)
    }
    default:
      UNREACHABLE("bad pc in weak GUP-fast");
  }
}

void gup_fast_early_loads(const Scenario& sc, const Design& d, const State& s, Expansion& out) {
  if (sc.memory_model != MemoryModel::Lkmm || (d.traits().ae_barriers & kAeUnshareRmb)) return;
  for (unsigned tid = 0; tid < sc.threads.size(); ++tid) {
    if (thread_finished(sc, s, tid) || !thread_started(sc, s, tid)) continue;
    const Thread& t = s.threads[tid];
    const Op& op = sc.threads[tid].ops[t.op];
    if (!kernel::is_gup_fast_op(op.kind) || t.pc != kPcR3 || !(t.saved & kGupSavedValid) || (t.saved & kGupSavedEarly) ||
        !unshare_test(t) || !op.foll_pin || op.gup_write)
      continue;
    Successor& su = out.succ.emplace_back(Successor{s, static_cast<u8>(tid), {}});
    Thread& n = su.next.threads[tid];
    n.saved |= kGupSavedEarly;
    if (s.frames[t.frame].flags & kFrameAnonExclusive) n.saved |= kGupSavedEarlyAe;
    su.label = "gup_must_unshare:PageAnonExclusive read early (no smp_rmb: the load passes the PTE re-check)";
  }
}

}  // namespace cow
