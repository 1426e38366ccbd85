// Weak memory models (model/memory_model.hpp): 088b8aa537c2's race found on v5.19 under
// the Linux-kernel memory model and gone on v6.1, never under sequential consistency or
// x86-TSO; which of its four barriers each scenario needs; and the runs around them
// (non-vacuity, the trace, replay, reductions that refuse a weak model).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <sstream>
#include <set>
#include <unistd.h>
#include <vector>

#include "tests/check_helpers.hpp"
#include "tests/litmus_shape.hpp"
#include "tests/quick.hpp"
#include "checker/litmus.hpp"
#include "checker/replay.hpp"
#include "checker/report.hpp"
#include "checker/run.hpp"
#include "model/design_registry.hpp"
#include "model/input_error.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "model/state.hpp"

using namespace cow;
using cow::test::check_litmus_shape;

namespace {

std::string scenario(const char* name) { return std::string(COWCHECK_SOURCE_DIR) + "/scenarios/" + name; }

CheckRun check(const char* file, const char* design, MemoryModel mm) {
  CheckRequest req;
  req.scenario_file = scenario(file);
  req.design = design;
  req.cpu.memory_model = mm;
  req.properties = {"anon-exclusive-pinned", "refcount-sane", "no-use-after-free", "no-deadlock"};
  return run_check(req);
}

using cowtest::violated;

// Every other property holds: the weak model adds no bogus refcount or deadlock verdict.
void only_anon_exclusive_pinned(const CheckRun& run) {
  for (const PropertyOutcome& o : run.result.outcomes)
    if (o.property->name() != "anon-exclusive-pinned") CHECK_FALSE(o.violated);
}

}  // namespace

TEST_CASE("memory model: KSM vs R/O pin_user_pages_fast (088b8aa537c2) fails on v5.19 only under lkmm",
          "[memory-model][quick]") {
  struct Row {
    const char* design;
    MemoryModel mm;
    bool violated;
    std::uint64_t states;
  };
  for (const Row& r : {Row{"v5.19", MemoryModel::Sc, false, 44}, Row{"v6.1", MemoryModel::Sc, false, 44},
                       Row{"v5.19", MemoryModel::Tso, false, 99}, Row{"v6.1", MemoryModel::Tso, false, 99},
                       Row{"v5.19", MemoryModel::Lkmm, true, 204}, Row{"v6.1", MemoryModel::Lkmm, false, 119}}) {
    CheckRun run = check("ksm_ro_pin_fast.toml", r.design, r.mm);
    INFO(r.design << " " << memory_model_name(r.mm));
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(violated(run, "anon-exclusive-pinned") == r.violated);
    only_anon_exclusive_pinned(run);
    CHECK(run.result.states == r.states);
    CHECK(exit_status(run.result) == (r.violated ? 1 : 0));
    if (r.violated) CHECK(run.traces.at(0).steps.size() == 11);
  }
}

TEST_CASE("memory model: swap-out vs pin_user_pages_fast (the smp_mb pair) fails on v5.19 only under lkmm",
          "[memory-model][quick]") {
  CheckRun v519 = check("swapout_pin_fast.toml", "v5.19", MemoryModel::Lkmm);
  CHECK(violated(v519, "anon-exclusive-pinned"));
  only_anon_exclusive_pinned(v519);
  CHECK(v519.result.states == 95);
  CHECK(v519.traces.at(0).steps.size() == 10);
  CheckRun v61 = check("swapout_pin_fast.toml", "v6.1", MemoryModel::Lkmm);
  CHECK_FALSE(violated(v61, "anon-exclusive-pinned"));
  CHECK(v61.result.states == 78);
  for (const char* d : {"v5.19", "v6.1"}) {
    CheckRun sc = check("swapout_pin_fast.toml", d, MemoryModel::Sc);
    CHECK_FALSE(violated(sc, "anon-exclusive-pinned"));
    CHECK(sc.result.states == 30);
  }
}

TEST_CASE("memory model: which of 088b8aa537c2's barriers each scenario needs under lkmm", "[memory-model][quick]") {
  // KSM compares page_count with page_mapcount after clearing the PTE, and try_get_folio's
  // +1 is fully ordered: only the message-passing pair (clear, unshare) matters there.
  // Swap-out tests only the pin count: the pin's smp_mb__after_atomic matters. The smp_mb
  // before page_maybe_dma_pinned is implied by ptep_clear_flush in both (the message: "the
  // clear+TLB flush we used for now implies a memory barrier").
  struct Row {
    const char* design;
    bool ksm, swap;  // violated
  };
  for (const Row& r : {Row{"fixture-v6.1-no-share-mb", false, false}, Row{"fixture-v6.1-no-clear-mb", true, false},
                       Row{"fixture-v6.1-no-pin-mb", false, true}, Row{"fixture-v6.1-no-unshare-rmb", true, false}}) {
    INFO(r.design);
    CHECK(violated(check("ksm_ro_pin_fast.toml", r.design, MemoryModel::Lkmm), "anon-exclusive-pinned") == r.ksm);
    CHECK(violated(check("swapout_pin_fast.toml", r.design, MemoryModel::Lkmm), "anon-exclusive-pinned") == r.swap);
  }
}

TEST_CASE("memory model: v6.1 under lkmm is not vacuous (the pin, the merge and the swap-out each happen)",
          "[memory-model][quick]") {
  for (const char* file : {"ksm_ro_pin_fast.toml", "swapout_pin_fast.toml"}) {
    Scenario sc = load_scenario(scenario(file));
    sc.memory_model = MemoryModel::Lkmm;
    const Design& d = *find_design("v6.1");
    std::set<std::vector<std::uint8_t>> seen;
    std::vector<State> todo{initial_state(sc, d)};
    bool pinned = false, ksm_or_swapped = false, buffered = false, pinned_and_done = false;
    Expansion ex;
    while (!todo.empty()) {
      State s = todo.back();
      todo.pop_back();
      const auto* b = reinterpret_cast<const std::uint8_t*>(&s);
      if (!seen.insert(std::vector<std::uint8_t>(b, b + sizeof s)).second) continue;
      const bool pin = s.pins[0].state == kPinActive;
      const bool other = (s.frames[0].flags & kFrameKsm) || s.pte(0, 0).swapped();
      pinned |= pin;
      ksm_or_swapped |= other;
      for (const Buffered& x : s.buffered) buffered |= x.tid != kNone;
      successors(sc, d, s, ex);
      if (ex.succ.empty() && pin) pinned_and_done = true;
      for (const Successor& su : ex.succ) todo.push_back(su.next);
    }
    INFO(file);
    CHECK(pinned);
    CHECK(ksm_or_swapped);
    CHECK(buffered);  // some store did sit in a buffer
    CHECK(pinned_and_done);
  }
}

TEST_CASE("memory model: the trace says which store sat in which buffer, and replays", "[memory-model][quick]") {
  CheckRun run = check("ksm_ro_pin_fast.toml", "v5.19", MemoryModel::Lkmm);
  REQUIRE(run.traces.size() >= 1);
  std::string text;
  for (const TraceStep& s : run.traces[0].steps) {
    text += s.label + "\n";
    for (const std::string& c : s.changes) text += c + "\n";
  }
  CHECK(text.find("ksmd's store buffer holds ClearPageAnonExclusive of frame#0: not yet visible to other CPUs") !=
        std::string::npos);
  CHECK(text.find("store buffer: ClearPageAnonExclusive reaches memory") != std::string::npos);
  nlohmann::json j = json_report(run);
  CHECK(j["properties"][0]["trace"]["memory_model"] == "lkmm");
  const std::string path =
      (std::filesystem::temp_directory_path() / ("memory-model-trace-" + std::to_string(::getpid()) + ".json")).string();
  {
    std::ofstream out(path);
    out << j.dump(2);
  }
  std::string out;
  CHECK(replay(path, out) == 1);
  CHECK(out.find("VIOLATED anon-exclusive-pinned") != std::string::npos);
  std::filesystem::remove(path);
}

TEST_CASE("memory model: partial-order reduction and symmetry refuse a weak model", "[memory-model][quick]") {
  for (bool por : {true, false}) {
    CheckRequest req;
    req.scenario_file = scenario("ksm_ro_pin_fast.toml");
    req.design = "v6.1";
    req.cpu.memory_model = MemoryModel::Lkmm;
    req.explore.por = por;
    req.explore.symmetry = !por;
    CHECK_THROWS_AS(run_check(req), InputError);
  }
}

namespace {

std::string trace_file(const char* scenario_name, const char* design) {
  CheckRun run = check(scenario_name, design, MemoryModel::Lkmm);
  REQUIRE(violated(run, "anon-exclusive-pinned"));
  const std::string path = (std::filesystem::temp_directory_path() /
                            (std::string("litmus-") + scenario_name + "-" + std::to_string(::getpid()) + ".json"))
                               .string();
  std::ofstream(path) << json_report(run).dump(2);
  return path;
}

}  // namespace

TEST_CASE("memory model: the litmus export of both races is a well-formed herd7 test with the design's barriers",
          "[memory-model][litmus][quick]") {
  for (const char* file : {"ksm_ro_pin_fast.toml", "swapout_pin_fast.toml"}) {
    INFO(file);
    const std::string path = trace_file(file, "v5.19");
    const std::string found = litmus(path);
    check_litmus_shape(found);
    CHECK(found.find("smp_") == std::string::npos);  // v5.19 has none of the barriers
    const bool ksm = std::string(file).rfind("ksm", 0) == 0;
    CHECK(found.find(ksm ? "exists (0:r0=1 /\\ 0:r2=1 /\\ 0:r3=1 /\\ 1:r1=2 /\\ 1:r2=0)"
                         : "exists (0:r0=1 /\\ 0:r2=1 /\\ 0:r3=1 /\\ 1:r2=0)") != std::string::npos);
    const std::string fixed = litmus(path, "v6.1");
    check_litmus_shape(fixed);
    for (const char* barrier : {"smp_mb();", "smp_rmb();"}) CHECK(fixed.find(barrier) != std::string::npos);
    std::size_t after_atomic = 0;
    for (std::size_t at = fixed.find("smp_mb__after_atomic();"); at != std::string::npos;
         at = fixed.find("smp_mb__after_atomic();", at + 1))
      ++after_atomic;
    CHECK(after_atomic == 2);
    std::filesystem::remove(path);
  }
}

TEST_CASE("memory model: the litmus export refuses a trace that is not such a race", "[memory-model][litmus][quick]") {
  CheckRequest req;
  req.scenario_file = scenario("odirect_fork.toml");
  req.design = "v2.6.27";
  req.params = {{"K", 1}};
  req.properties = {"dma-visible"};
  CheckRun run = run_check(req);
  const std::string path =
      (std::filesystem::temp_directory_path() / ("litmus-sc-" + std::to_string(::getpid()) + ".json")).string();
  std::ofstream(path) << json_report(run).dump(2);
  CHECK_THROWS_AS(litmus(path), InputError);
  std::filesystem::remove(path);
}

TEST_CASE("memory model: the 088b8aa537c2 scenarios (arch rcu) are refused by designs that rely on the flush IPI",
          "[memory-model][quick]") {
  for (const char* file : {"ksm_ro_pin_fast.toml", "swapout_pin_fast.toml"}) {
    INFO(file);
    CHECK_FALSE(test::runs_on(scenario(file), *find_design("v2.6.27")));
    CHECK_FALSE(test::runs_on(scenario(file), *find_design("brlock")));
    CHECK(test::runs_on(scenario(file), *find_design("v5.19")));
    CheckRequest req;
    req.scenario_file = scenario(file);
    req.design = "v2.6.27";
    CHECK_THROWS_AS(run_check(req), InputError);
  }
}

TEST_CASE("memory model: the litmus tests in papers/memory-ordering/ are what cowcheck writes", "[memory-model][litmus]") {
  for (const char* name : {"ksm_ro_pin_fast", "swapout_pin_fast"}) {
    const std::string path = trace_file((std::string(name) + ".toml").c_str(), "v5.19");
    for (const char* design : {"v5.19", "v6.1"}) {
      INFO(name << " " << design);
      std::ifstream in(std::string(COWCHECK_SOURCE_DIR) + "/papers/memory-ordering/" + name + "-" + design + ".litmus");
      std::stringstream committed;
      committed << in.rdbuf();
      CHECK(committed.str() == litmus(path, design));
    }
    std::filesystem::remove(path);
  }
}

TEST_CASE("memory model: a user access to a PTE that swap-out cleared waits for its PT lock (no zero-page read)",
          "[memory-model][quick]") {
  // Found by bench/memory_models.sh: odirect_reclaim's load of a PTE that the weak
  // swap-out had cleared read the zero page, a bogus dma-visible violation under tso.
  for (MemoryModel mm : {MemoryModel::Tso, MemoryModel::Lkmm})
    for (long pin : {0L, 1L}) {
      CheckRequest req;
      req.scenario_file = scenario("odirect_reclaim.toml");
      req.design = "v6.1";
      req.params = {{"K", 1}, {"pin", pin}};
      req.cpu.memory_model = mm;
      CheckRun run = run_check(req);
      INFO(memory_model_name(mm) << " pin=" << pin);
      for (const PropertyOutcome& o : run.result.outcomes) CHECK_FALSE(o.violated);
    }
}
