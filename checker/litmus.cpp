// The litmus export (checker/litmus.hpp). Locations are ints, as in
// tools/memory-model/litmus-tests: pte (1: the PTE GUP-fast read, 0: cleared, 2: a swap
// entry), refcount, pincount, ae (PageAnonExclusive). Each step becomes the access the
// model's step performs (model/gup_fast_weak.cpp, model/ksm.cpp, model/swap_out_weak.cpp):
//   B1 READ_ONCE(*pte)            B3 atomic_inc_return(refcount) (try_get_folio: fully
//   ordered), atomic_inc(pincount) (folio_ref_add: void, unordered)    B4 READ_ONCE(*pte)
//   B5 READ_ONCE(*ae)             A1 xchg(pte, 0) (ptep_clear_flush: value-returning, the
//   flush ordered with it)        A2 READ_ONCE(*pincount) (KSM first READ_ONCE(*refcount))
//   A3 atomic_dec(ae) (ClearPageAnonExclusive's clear_bit: a void RMW, unordered, so
//   that smp_mb__after_atomic() orders it as it does the kernel's)
//   A4 WRITE_ONCE(*pte, 1) (KSM restores the same PTE) or WRITE_ONCE(*pte, 2) (swap entry)
// and each of the design's ae_barriers where 088b8aa537c2 puts it.
#include "checker/litmus.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "checker/litmus_fork.hpp"
#include "checker/replay.hpp"
#include "model/design_registry.hpp"
#include "model/input_error.hpp"
#include "model/input_file.hpp"

namespace cow {

namespace {

bool has(const std::string& s, const char* part) { return s.find(part) != std::string::npos; }

}  // namespace

std::string litmus(const std::string& path, const std::string& with_design) {
  std::string replayed;
  if (replay(path, replayed) != 1)
    throw InputError(path, 0, 0, "the trace does not end in a violation of its property: no outcome to ask about");
  nlohmann::json j = nlohmann::json::parse(read_input_file(path, "trace", kMaxTraceBytes));
  if (j.is_array()) j = j.at(0);
  else if (j.is_object() && j.contains("properties"))
    for (const auto& p : j["properties"])
      if (p.contains("trace")) {
        j = p["trace"];
        break;
      }
  const std::string found_by = j.at("design").get<std::string>();
  const std::string dname = with_design.empty() ? found_by : with_design;
  const Design* d = find_design(dname);
  if (!d) throw InputError("unknown design '" + dname + "' (cowcheck list designs names them)");
  const std::string mm = j.value("memory_model", "sc");
  std::string gup, clearer, fork, seq_reader;
  bool ksm = false, swap = false;
  for (const auto& s : j.at("steps")) {
    const std::string label = s.at("label").get<std::string>(), thread = s.at("thread").get<std::string>();
    if (has(label, "copy_present_page") && has(label, "read early")) fork = thread;
    if (has(label, "lockless_pages_from_mm:raw_read_seqcount")) seq_reader = thread;
    if (has(label, "try_grab_folio")) gup = thread;
    if (has(label, "ClearPageAnonExclusive") && !has(label, "reaches memory")) {
      clearer = thread;
      ksm = has(label, "page_try_share_anon_rmap") && !has(label, "try_to_unmap_one");
      swap = has(label, "try_to_unmap_one");
    }
  }
  if (mm != "sc" && !fork.empty() && !seq_reader.empty())  // fork's write_protect_seq (model/fork_weak.hpp)
    return litmus_fork(j.at("scenario").get<std::string>(), j.at("property").get<std::string>(), found_by, *d, fork,
                       seq_reader);
  if (mm == "sc" || gup.empty() || clearer.empty() || (!ksm && !swap) || !d)
    throw InputError(path, 0, 0,
                     "the litmus export covers a PageAnonExclusive race under a weak memory model (GUP-fast's "
                     "try_grab_folio against KSM's write_protect_page or swap-out's try_to_unmap_one clearing "
                     "PageAnonExclusive, or fork's write_protect_seq against FOLL_PIN GUP-fast, --memory-model lkmm); "
                     "this trace is not one");
  const unsigned char b = d->traits().ae_barriers;
  const std::string name = fmt::format("cowcheck-{}-{}", j.at("scenario").get<std::string>(), dname);
  std::string o = fmt::format("C {}\n\n", name);
  o += "(*\n";
  o += fmt::format(" * From cowcheck's counterexample of {} on scenario {}, design {}, --memory-model\n",
                   j.at("property").get<std::string>(), j.at("scenario").get<std::string>(), found_by);
  o += " * lkmm, where the outcome below is reachable. herd7 decides it under the LKMM itself\n";
  o += " * (herd7 -conf linux-kernel.cfg THIS.litmus).\n";
  o += " *\n";
  o += fmt::format(" * P0 is {} (GUP-fast: gup_pte_range, try_grab_folio, gup_must_unshare), P1 is {}\n", gup, clearer);
  o += fmt::format(" * ({}). 088b8aa537c2's steps: B1 B3 B4 B5 and A1 A2 A3 A4.\n",
                   ksm ? "KSM: write_protect_page, page_try_share_anon_rmap"
                       : "swap-out: try_to_unmap_one, page_try_share_anon_rmap");
  o += " * pte: 1 the PTE GUP-fast read, 0 cleared, 2 a swap entry; ae: PageAnonExclusive.\n";
  o += fmt::format(" * Barriers of {}: {}.\n", dname, ae_barriers_text(b));
  o += " *)\n\n";
  o += fmt::format("{{\n\tpte=1;\n\tae=1;\n\trefcount={};\n}}\n\n", ksm ? 2 : 1);
  o += "P0(int *pte, int *refcount, int *pincount, int *ae)\n{\n";
  o += "\tint r0;\n\tint r1;\n\tint r2;\n\tint r3;\n\n";
  o += "\tr0 = READ_ONCE(*pte);\t\t\t/* B1 ptep_get_lockless */\n";
  o += "\tr1 = atomic_inc_return(refcount);\t/* B3 try_get_folio: fully ordered */\n";
  o += "\tatomic_inc(pincount);\t\t\t/* B3 folio_ref_add(GUP_PIN_COUNTING_BIAS - 1) */\n";
  if (b & kAePinMb) o += "\tsmp_mb__after_atomic();\t\t\t/* try_grab_folio (6.1) */\n";
  o += "\tr2 = READ_ONCE(*pte);\t\t\t/* B4 pte_val(pte) != pte_val(*ptep) */\n";
  if (b & kAeUnshareRmb) o += "\tsmp_rmb();\t\t\t\t/* gup_must_unshare (6.1) */\n";
  o += "\tr3 = READ_ONCE(*ae);\t\t\t/* B5 gup_must_unshare: PageAnonExclusive */\n";
  o += "}\n\n";
  o += "P1(int *pte, int *refcount, int *pincount, int *ae)\n{\n";
  o += ksm ? "\tint r0;\n\tint r1;\n\tint r2;\n\n" : "\tint r0;\n\tint r2;\n\n";
  o += "\tr0 = xchg(pte, 0);\t\t\t/* A1 ptep_clear_flush */\n";
  if (ksm) o += "\tr1 = READ_ONCE(*refcount);\t\t/* write_protect_page: page_mapcount + 1 != page_count */\n";
  if (b & kAeShareMb) o += "\tsmp_mb();\t\t\t\t/* page_try_share_anon_rmap (6.1) */\n";
  o += "\tr2 = READ_ONCE(*pincount);\t\t/* A2 page_maybe_dma_pinned */\n";
  o += "\tatomic_dec(ae);\t\t\t\t/* A3 ClearPageAnonExclusive (clear_bit: a void RMW) */\n";
  if (b & kAeClearMb) o += "\tsmp_mb__after_atomic();\t\t\t/* page_try_share_anon_rmap (6.1) */\n";
  o += ksm ? "\tWRITE_ONCE(*pte, 1);\t\t\t/* A4 set_pte_at_notify: the same R/O, clean PTE */\n"
           : "\tWRITE_ONCE(*pte, 2);\t\t\t/* A4 set_pte_at(swp_pte) */\n";
  o += "}\n\n";
  o += "(*\n * The outcome of the trace: GUP-fast's re-check saw the PTE it read (B4) and\n";
  o += " * PageAnonExclusive set (B5), so it kept the pin; the clearer saw no pin (A2)";
  o += ksm ? "\n * and KSM's page_count check passed: the page is pinned and shared.\n *)\n" : ":\n * the page is pinned and no longer exclusive.\n *)\n";
  o += ksm ? "exists (0:r0=1 /\\ 0:r2=1 /\\ 0:r3=1 /\\ 1:r1=2 /\\ 1:r2=0)\n"
           : "exists (0:r0=1 /\\ 0:r2=1 /\\ 0:r3=1 /\\ 1:r2=0)\n";
  return o;
}

}  // namespace cow
