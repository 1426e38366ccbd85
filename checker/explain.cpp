#include "checker/explain.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "model/invariant.hpp"
#include "model/paths.hpp"

namespace cow {

namespace {

bool has(std::string_view label, std::string_view part) { return label.find(part) != std::string_view::npos; }

// The counts and flags of struct page that the reuse and pin rules read.
std::string page_facts(const Design& d, const Frame& f) {
  std::string s = fmt::format("page_count {}, page_mapcount {}", f.refcount, f.mapcount);
  if (f.pincount) s += fmt::format(", pincount {}", f.pincount);
  if (f.swapcount) s += fmt::format(", swapcount {}", f.swapcount);
  if (d.has_anon_exclusive()) s += (f.flags & kFrameAnonExclusive) ? ", PageAnonExclusive" : ", !PageAnonExclusive";
  if (f.flags & kFrameSwapCache) s += ", PageSwapCache";
  if (f.flags & kFrameKsm) s += ", PageKsm";
  if (f.flags & kFrameZero) s += ", the zero page";
  if (f.flags & kFramePageLocked) s += ", PG_locked";
  return s;
}

std::string wp_outcome(std::string_view label) {
  if (has(label, "stays R/O")) return "reuse, mapped R/O (unshare)";
  if (has(label, "reuse")) return "reuse";
  if (has(label, "copy") || has(label, "cow_user_page")) return "copy";
  return "";
}

}  // namespace

std::string explain_step(const Scenario& sc, const Design& d, const State& from, u8 tid, std::string_view label) {
  const Thread& t = from.threads[tid];
  const ThreadDef& td = sc.threads[tid];
  if (t.op >= td.ops.size() || td.mm == kNone) return "";
  const Op& op = td.ops[t.op];
  const unsigned mm = td.mm;
  // do_wp_page (directly, or inside slow GUP's or /proc/self/mem's fault): the page the
  // faulting PTE maps, as the reuse rule found it.
  if (has(label, "do_wp_page")) {
    const Pte& p = from.pte(mm, op.page);
    const std::string outcome = wp_outcome(label);
    if (!p.present() || outcome.empty()) return "";
    return fmt::format("tested: {} -> {}", page_facts(d, from.frames[p.frame]), outcome);
  }
  // fork's copy of one PTE: copy_present_page / page_try_dup_anon_rmap's pin test.
  if (op.kind == OpKind::Fork && (has(label, "page_maybe_dma_pinned") || has(label, "page_try_dup_anon_rmap") ||
                                  has(label, "early_cow"))) {
    const Pte& p = from.pte(mm, t.idx);
    if (!p.present()) return "";
    const Frame& f = from.frames[p.frame];
    const bool copies = has(label, "early_cow") || has(label, "EBUSY");
    return fmt::format("tested: mm->has_pinned {}, pincount {}{} -> {}", from.mms[mm].has_pinned, f.pincount,
                       d.has_anon_exclusive() ? ((f.flags & kFrameAnonExclusive) ? ", PageAnonExclusive" : ", !PageAnonExclusive")
                                              : "",
                       copies ? "copy the page for the child" : "not pinned: share it, write-protected");
  }
  // GUP-fast's reference and the re-read of the PTE after it.
  if (has(label, "try_grab_compound_head") && takes_pin(op.kind)) {
    if (has(label, "(failed)")) return "tested: page_count 0 (freed under GUP-fast) -> slow GUP";
    return has(label, "pte_changed") ? "tested: the PTE re-read differs from the one walked -> put the page back, slow GUP"
                                     : "tested: the PTE re-read is the one walked -> keep the reference";
  }
  if (has(label, "gup_must_unshare") && t.frame < kMaxFrames) {
    const Frame& f = from.frames[t.frame];
    return fmt::format("tested: {} -> {}", page_facts(d, f), has(label, "put back") || has(label, "!PageAnonExclusive")
                                                                 ? "not exclusive: unshare first (slow GUP)"
                                                                 : "exclusive: keep the pin");
  }
  // The FOLL_FORCE lookup of /proc/self/mem (follow_page_mask / can_follow_write_pte).
  if (op.kind == OpKind::ProcMemWrite && has(label, "follow_page_mask") && !has(label, "no page")) {
    const Pte& p = from.pte(mm, op.page);
    if (!p.present()) return "";
    return fmt::format("tested: pte_write {}, pte_dirty {}", p.writable() ? 1 : 0, (p.flags & kPteDirty) ? 1 : 0);
  }
  return "";
}

void explain_steps(const Scenario& sc, const Design& d, Trace& t) {
  State s = initial_state(sc, d);
  Expansion ex;
  for (TraceStep& step : t.steps) {
    step.why = explain_step(sc, d, s, step.tid, step.label);
    successors(sc, d, s, ex);
    s = step_taken(sc, d, s, ex, step).next;
  }
}

}  // namespace cow
