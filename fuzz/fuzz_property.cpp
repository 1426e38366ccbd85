// libFuzzer target: an SMT-LIB property file (.smt2). The bytes are resolved and compiled
// against scenarios/odirect_fork.toml as `check` does (properties/resolve.hpp); a
// property that compiles is then evaluated on the initial state and along a short random
// walk of a design chosen by the input's hash. Where the evaluator says violated, Z3
// certifies it (SmtProperty::certify: an unsat or unknown answer is an internal error);
// on the first state where the evaluator says it holds, Z3 is asked too (holds_by_z3)
// and must agree. InputError and LimitReached are fine; anything else is a bug.
#include <cstdint>
#include <string>
#include <typeinfo>

#include "fuzz/fuzz_common.hpp"
#include "model/cpu_options.hpp"
#include "model/design_registry.hpp"
#include "model/input_error.hpp"
#include "model/paths.hpp"
#include "model/run_limits.hpp"
#include "model/scenario_load.hpp"
#include "model/threads.hpp"
#include "properties/resolve.hpp"

namespace {

constexpr int kWalkSteps = 24;

const cow::Scenario& scenario() {
  static const cow::Scenario sc = cow::load_scenario(std::string(cowfuzz::source_dir()) + "/scenarios/odirect_fork.toml", {});
  return sc;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;
  const cow::Scenario& sc = scenario();
  const std::string path = cowfuzz::write_input("property.smt2", data, size);
  COWFUZZ_GUARD("fuzz_property", 4.0, {
    cowfuzz::Rng rng{cowfuzz::input_hash(data, size)};
    const auto& designs = cow::all_designs();
    const cow::Design& d = *designs[rng.below(designs.size())];
    cow::Scenario run_sc = sc;
    cow::check_arch(run_sc, d);
    cow::PropertyName pn{path, cow::NamedBy::User, "", std::nullopt};
    cow::ResolvedProperty r = cow::resolve_property(pn, run_sc, d.has_anon_exclusive());
    if (!r.smt) return 0;  // a built-in name cannot come from a path
    const cow::SmtProperty& p = *r.smt;
    bool asked_z3_holds = false;
    cow::Expansion ex;
    cow::State s = cow::initial_state(run_sc, d);
    for (int i = 0; i < kWalkSteps; ++i) {
      const bool final = cow::all_threads_finished(run_sc, s);
      const std::optional<std::string> v = p.check(run_sc, s, final);
      if (v) {
        (void)p.certify(s);  // Z3 must agree that the state violates it
        break;
      }
      if (!asked_z3_holds && !final) {
        asked_z3_holds = true;
        if (!p.holds_by_z3(s)) cowfuzz::fail("fuzz_property", "the evaluator says the property holds, Z3 says it does not");
      }
      cow::successors(run_sc, d, s, ex);
      if (ex.out_of_frames || ex.succ.empty()) break;
      s = ex.succ[rng.below(ex.succ.size())].next;
    }
  });
  return 0;
}
