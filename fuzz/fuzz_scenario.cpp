// libFuzzer target: a scenario file (TOML). The bytes are loaded as a scenario, once with
// its defaults and once with each of its first `matrix` rows; a scenario that loads is
// then run: random walks of a design chosen by the input's hash (the successor
// function, the C++ properties on every state, the trace's change descriptions, symmetry
// reduction), and a bounded breadth-first search by the explorer. InputError is the
// answer to bad input; LimitReached (a short time limit) is fine; anything else, an
// INVARIANT, or a sanitizer report is a bug.
#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <typeinfo>

#include "checker/explorer.hpp"
#include "checker/trace.hpp"
#include "fuzz/fuzz_common.hpp"
#include "model/cpu_options.hpp"
#include "model/design_registry.hpp"
#include "model/input_error.hpp"
#include "model/paths.hpp"
#include "model/run_limits.hpp"
#include "model/scenario_load.hpp"
#include "model/symmetry.hpp"
#include "model/threads.hpp"
#include "properties/property.hpp"

namespace {

constexpr int kWalks = 4, kWalkSteps = 64;
constexpr std::uint64_t kMaxStates = 300;

void run_scenario(cow::Scenario& sc, cowfuzz::Rng& rng) {
  const auto& designs = cow::all_designs();
  const cow::Design& d = *designs[rng.below(designs.size())];
  cow::CpuOverrides cpu;
  if (rng.below(4) == 0) cpu.tlb = !sc.tlb;
  if (rng.below(4) == 0) cpu.arch = sc.arch == cow::Arch::X86 ? cow::Arch::Rcu : cow::Arch::X86;
  cow::apply_cpu_overrides(sc, cpu);
  cow::check_arch(sc, d);  // InputError: the design cannot run on this architecture

  std::vector<const cow::Property*> props;
  for (const cow::Property* p : cow::builtin_properties()) props.push_back(p);
  cow::Expansion ex;
  for (int w = 0; w < kWalks; ++w) {
    cow::State s = cow::initial_state(sc, d);
    for (int i = 0; i < kWalkSteps; ++i) {
      const bool final = cow::all_threads_finished(sc, s);
      for (const cow::Property* p : props)
        if (!p->is_deadlock()) (void)p->check(sc, s, final);
      cow::successors(sc, d, s, ex);
      if (ex.out_of_frames || ex.succ.empty()) break;
      const cow::Successor& next = ex.succ[rng.below(ex.succ.size())];
      (void)cow::describe_changes(sc, d, s, next.next);
      s = next.next;
      cow::State c = s;
      (void)cow::canonicalize(sc, c);
    }
  }

  cow::ExploreOptions opt;
  opt.properties = props;
  opt.max_states = kMaxStates;
  opt.full = true;
  opt.por = rng.below(2) == 0;
  opt.symmetry = rng.below(2) == 0;
  cow::Explorer explorer(sc, d, opt);
  (void)explorer.run();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;  // bounded executions: -max_len keeps them far smaller
  const std::string path = cowfuzz::write_input("input.toml", data, size);
  COWFUZZ_GUARD("fuzz_scenario", 2.0, {
    cowfuzz::Rng rng{cowfuzz::input_hash(data, size)};
    cow::Scenario sc = cow::load_scenario(path);
    std::vector<std::map<std::string, long>> rows(sc.matrix.begin(),
                                                  sc.matrix.begin() + static_cast<long>(std::min<std::size_t>(sc.matrix.size(), 2)));
    run_scenario(sc, rng);
    for (const auto& row : rows) {
      cow::Scenario again = cow::load_scenario(path, row);
      run_scenario(again, rng);
    }
  });
  return 0;
}
