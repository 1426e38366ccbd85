#include "model/cpu_options.hpp"

#include "model/design.hpp"
#include "model/input_error.hpp"
#include "model/tlb.hpp"

namespace cow {

const char* arch_name(Arch a) { return a == Arch::X86 ? "x86" : "rcu"; }

std::optional<bool> parse_tlb_option(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v == "on") return true;
  if (v == "off") return false;
  throw InputError("--tlb must be on (model each CPU's TLB) or off (an access reads the PTE), got '" + v + "'");
}

std::optional<Arch> parse_arch_option(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v == "x86") return Arch::X86;
  if (v == "rcu") return Arch::Rcu;
  throw InputError("--arch must be x86 (TLB flushes by IPI, which waits for GUP-fast) or rcu (page tables freed "
                   "by RCU: a flush does not wait for GUP-fast), got '" + v + "'");
}

const char* memory_model_name(MemoryModel m) {
  switch (m) {
    case MemoryModel::Sc: return "sc";
    case MemoryModel::Tso: return "tso";
    case MemoryModel::Lkmm: return "lkmm";
  }
  return "?";
}

std::optional<MemoryModel> parse_memory_model_option(const std::string& v) {
  if (v.empty()) return std::nullopt;
  if (v == "sc") return MemoryModel::Sc;
  if (v == "tso") return MemoryModel::Tso;
  if (v == "lkmm") return MemoryModel::Lkmm;
  throw InputError("--memory-model must be sc (sequential consistency), tso (x86-TSO) or lkmm (the Linux-kernel "
                   "memory model), got '" + v + "'");
}

void apply_cpu_overrides(Scenario& sc, const CpuOverrides& o) {
  if (o.tlb) sc.tlb = *o.tlb;
  if (o.arch) sc.arch = *o.arch;
  if (o.memory_model) sc.memory_model = *o.memory_model;
}

namespace {
bool uses_gup_fast(const Scenario& sc) {
  for (const ThreadDef& t : sc.threads)
    for (const Op& op : t.ops)
      if (kernel::is_gup_fast_op(op.kind) && op.gup_fast) return true;
  return false;
}
}  // namespace

bool arch_runs(const Scenario& sc, const Design& d) {
  // Before 4.13 (e585513b76f7) x86 had its own GUP-fast (arch/x86/mm/gup.c), which takes
  // get_page() on what it read, trusting the flush IPI; the model's designs of those
  // kernels and proposals against them run only as x86.
  const bool x86_only = d.traits().gup_fast_walk == GupFastWalk::NoRecheck || kernel_before(d.traits().kernel, "4.13");
  return sc.arch != Arch::Rcu || !x86_only || !uses_gup_fast(sc);
}

void check_arch(const Scenario& sc, const Design& d) {
  if (arch_runs(sc, d)) return;
  throw InputError(sc.file, 0, 0,
                   "arch \"rcu\" cannot run design '" + std::string(d.name()) + "' (kernel " +
                       std::string(d.traits().kernel) +
                       "): its GUP-fast takes get_page() on the page it read, which is safe only while the TLB-flush "
                       "IPI waits for it (x86's arch/x86/mm/gup.c, before the generic GUP-fast of 4.13); use arch "
                       "\"x86\", or a design whose GUP-fast uses get_page_unless_zero and re-checks the PTE "
                       "(gup_fast_walk = Recheck, v5.9-rc and later)");
}

std::string cpu_text(const Scenario& sc) {
  std::string s = std::string(sc.tlb ? "TLBs modelled" : "TLBs not modelled (an access reads the PTE)") + "; arch " +
                  arch_name(sc.arch) +
                  (sc.arch == Arch::X86 ? " (a TLB flush is an IPI that waits for GUP-fast)"
                                        : " (page tables freed by RCU: a flush does not wait for GUP-fast)");
  switch (sc.memory_model) {
    case MemoryModel::Sc: break;  // the default: said only when it is not
    case MemoryModel::Tso: s += "; memory model tso (x86-TSO: a plain store may pass a later load)"; break;
    case MemoryModel::Lkmm:
      s += "; memory model lkmm (unordered atomics sit in a store buffer, loads may be read early, as far as the "
           "barriers allow)";
      break;
  }
  return s;
}

}  // namespace cow
