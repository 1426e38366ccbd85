// The CPU a run models: whether TLBs are modelled and which architecture protects
// GUP-fast (Scenario::tlb, Scenario::arch). A scenario sets them (keys `tlb`, `arch`);
// `check` and `compare` can override both (--tlb, --arch), and every report says which
// were used.
#pragma once
#include <optional>
#include <string>

#include "model/scenario.hpp"

namespace cow {

class Design;

struct CpuOverrides {
  std::optional<bool> tlb;
  std::optional<Arch> arch;
  std::optional<MemoryModel> memory_model;
};

// "on" / "off" and "x86" / "rcu" from the command line; InputError naming the option otherwise.
std::optional<bool> parse_tlb_option(const std::string& v);
std::optional<Arch> parse_arch_option(const std::string& v);
std::optional<MemoryModel> parse_memory_model_option(const std::string& v);

void apply_cpu_overrides(Scenario& sc, const CpuOverrides& o);

// InputError (exit 2) when the design cannot run on the scenario's architecture: a
// GUP-fast that does not re-check the PTE (x86's gup_pte_range before 4.13) relies on the
// flush IPI, so it cannot run with arch = "rcu" in a scenario that uses GUP-fast.
void check_arch(const Scenario& sc, const Design& d);
// Whether check_arch accepts the pair.
bool arch_runs(const Scenario& sc, const Design& d);

// One line for reports: "TLBs modelled; arch x86 (flush IPIs wait for GUP-fast)".
std::string cpu_text(const Scenario& sc);

}  // namespace cow
