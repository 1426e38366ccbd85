// The write_protect_seq litmus test (checker/litmus_fork.hpp). Locations: seq
// (mm->write_protect_seq), has_pinned (mm->has_pinned, MMF_HAS_PINNED from 5.15), pincount
// (what page_maybe_dma_pinned tests: the refcount's GUP_PIN_COUNTING_BIAS share in 5.11,
// the bias added by folio_ref_add in 5.19), refcount, pte (1 the writable PTE, 0 fork's
// write-protected one), and the PT lock. The accesses, in the kernel's order:
//   P0 fork (mm/memory.c copy_page_range, copy_pte_range, copy_present_page):
//     raw_write_seqcount_begin = WRITE_ONCE(*seq, 1); smp_wmb()
//     spin_lock(src_ptl)
//     atomic_read(&src_mm->has_pinned); page_maybe_dma_pinned(page) = two READ_ONCEs
//     ptep_set_wrprotect = WRITE_ONCE(*pte, 0)
//     spin_unlock(src_ptl)
//   P1 GUP-fast (mm/gup.c internal_get_user_pages_fast, lockless_pages_from_mm):
//     atomic_set(&mm->has_pinned, 1) (5.11; set_bit(MMF_HAS_PINNED) from 5.15, a void
//     RMW and no more ordered) = WRITE_ONCE(*has_pinned, 1)
//     raw_read_seqcount = READ_ONCE(*seq); smp_rmb()
//     ptep_get_lockless = READ_ONCE(*pte)
//     the pin: 5.11 try_grab_compound_head's page_ref_add_unless (fully ordered) =
//     atomic_inc_return(pincount); 5.19 try_grab_folio = atomic_inc_return(refcount)
//     (try_get_folio) then atomic_inc(pincount) (folio_ref_add, void), 6.1 then
//     smp_mb__after_atomic()
//     the PTE re-check = READ_ONCE(*pte)
//     read_seqcount_retry = smp_rmb(); READ_ONCE(*seq)
#include "checker/litmus_fork.hpp"

#include <fmt/format.h>

#include "model/design_traits.hpp"

namespace cow {

std::string litmus_fork(const std::string& scenario, const std::string& property, const std::string& found_by,
                        const Design& d, const std::string& fork, const std::string& gup) {
  const unsigned char b = d.traits().ae_barriers;
  const bool folio = d.has_anon_exclusive();  // 5.19's try_grab_folio: the bias is a void RMW
  std::string o = fmt::format("C cowcheck-{}-{}\n\n", scenario, d.name());
  o += "(*\n";
  o += fmt::format(" * From cowcheck's counterexample of {} on scenario {}, design {}, --memory-model\n", property,
                   scenario, found_by);
  o += " * lkmm, where the outcome below is reachable. herd7 decides it under the LKMM itself\n";
  o += " * (herd7 -conf linux-kernel.cfg THIS.litmus).\n";
  o += " *\n";
  o += fmt::format(" * P0 is {} (fork: copy_page_range, copy_present_page), P1 is {} (FOLL_PIN\n", fork, gup);
  o += " * GUP-fast: lockless_pages_from_mm). seq: mm->write_protect_seq; pincount: what\n";
  o += " * page_maybe_dma_pinned tests; pte: 1 writable, 0 write-protected by fork.\n";
  o += fmt::format(" * Design {}: {}.\n", d.name(),
                   folio ? "try_grab_folio (try_get_folio, then a void folio_ref_add)"
                         : "try_grab_compound_head (page_ref_add_unless, fully ordered)");
  o += " *)\n\n";
  o += "{\n\tpte=1;\n\trefcount=1;\n}\n\n";
  o += "P0(int *seq, int *has_pinned, int *pincount, int *pte, spinlock_t *ptl)\n{\n";
  o += "\tint r0;\n\tint r1;\n\n";
  o += "\tWRITE_ONCE(*seq, 1);\t\t\t/* raw_write_seqcount_begin: s->sequence++ */\n";
  o += "\tsmp_wmb();\t\t\t\t/* raw_write_seqcount_begin */\n";
  if (b & kForkSeqMb) o += "\tsmp_mb();\t\t\t\t/* the fixture's barrier */\n";
  o += "\tspin_lock(ptl);\t\t\t\t/* copy_pte_range: spin_lock_nested(src_ptl) */\n";
  o += "\tr0 = READ_ONCE(*has_pinned);\t\t/* copy_present_page: atomic_read(&src_mm->has_pinned) */\n";
  o += "\tr1 = READ_ONCE(*pincount);\t\t/* copy_present_page: page_maybe_dma_pinned */\n";
  o += "\tWRITE_ONCE(*pte, 0);\t\t\t/* copy_present_pte: ptep_set_wrprotect */\n";
  o += "\tspin_unlock(ptl);\t\t\t/* copy_pte_range: spin_unlock(src_ptl) */\n";
  o += "}\n\n";
  o += "P1(int *seq, int *has_pinned, int *pincount, int *refcount, int *pte)\n{\n";
  o += "\tint r0;\n\tint r1;\n\tint r2;\n\tint r3;\n\tint r4;\n\n";
  o += folio ? "\tWRITE_ONCE(*has_pinned, 1);\t\t/* set_bit(MMF_HAS_PINNED): void, unordered */\n"
              : "\tWRITE_ONCE(*has_pinned, 1);\t\t/* atomic_set(&mm->has_pinned, 1) */\n";
  o += "\tr0 = READ_ONCE(*seq);\t\t\t/* raw_read_seqcount */\n";
  o += "\tsmp_rmb();\t\t\t\t/* raw_read_seqcount */\n";
  o += "\tr1 = READ_ONCE(*pte);\t\t\t/* gup_pte_range: ptep_get_lockless */\n";
  if (folio) {
    o += "\tr2 = atomic_inc_return(refcount);\t/* try_grab_folio: try_get_folio, fully ordered */\n";
    o += "\tatomic_inc(pincount);\t\t\t/* try_grab_folio: folio_ref_add(GUP_PIN_COUNTING_BIAS - 1) */\n";
    if (b & kAePinMb) o += "\tsmp_mb__after_atomic();\t\t\t/* try_grab_folio (6.1) */\n";
  } else {
    o += "\tr2 = atomic_inc_return(pincount);\t/* try_grab_compound_head: page_ref_add_unless */\n";
  }
  o += "\tr3 = READ_ONCE(*pte);\t\t\t/* gup_pte_range: pte_val(pte) != pte_val(*ptep) */\n";
  o += "\tsmp_rmb();\t\t\t\t/* read_seqcount_retry */\n";
  o += "\tr4 = READ_ONCE(*seq);\t\t\t/* read_seqcount_retry */\n";
  o += "}\n\n";
  o += "(*\n * The outcome of the trace: fork saw no pin (has_pinned and the pin count 0) and\n";
  o += " * write-protected the PTE to share the page; GUP-fast read the even count before and\n";
  o += " * after, and the writable PTE twice, so it kept the pin.\n *)\n";
  o += "exists (0:r0=0 /\\ 0:r1=0 /\\ 1:r0=0 /\\ 1:r1=1 /\\ 1:r3=1 /\\ 1:r4=0)\n";
  return o;
}

}  // namespace cow
