// The explorer and its store, on small inputs.
#include <catch2/catch.hpp>

#include "checker/report.hpp"
#include "checker/store.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"

using namespace cow;

TEST_CASE("the visited set keeps distinct states apart under a colliding hash", "[explorer][store]") {
  StateStore store([](const void*, std::size_t) -> std::uint64_t { return 3; });
  for (unsigned i = 0; i < 300; ++i) {
    State s{};
    s.frames[i % kMaxFrames].refcount = static_cast<u16>(i);
    auto [id, fresh] = store.insert(s, kNoState);
    CHECK(fresh);
    CHECK(id == i);
  }
  State again{};
  again.frames[5].refcount = 5;
  auto [id, fresh] = store.insert(again, kNoState);
  CHECK_FALSE(fresh);
  CHECK(id == 5);
  CHECK(store.size() == 300);
  for (unsigned i = 0; i < 300; ++i) CHECK(store.state(i).frames[i % kMaxFrames].refcount == i);
}

TEST_CASE("no-deadlock: a device left waiting for a dropped pin is reported", "[explorer][deadlock]") {
  CheckRequest req;
  req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/tests/inputs/deadlock_dma_after_unpin.toml";
  req.design = "v2.6.27";
  CheckRun run = run_check(req);
  REQUIRE(run.result.outcomes[0].property->name() == "no-deadlock");
  CHECK(run.result.outcomes[0].violated);
  CHECK(exit_status(run.result) == 1);
  // The shortest such execution: pin (slow GUP: 4 steps), unpin; the device never ran.
  const Trace& t = run.traces[0];
  REQUIRE(t.steps.size() == 5);
  CHECK(t.steps.back().label == "put_page(unpin)");
  CHECK(verdict_of(run.result, run.result.outcomes[1]) == Verdict::Holds);
}

TEST_CASE("limits: --max-states makes the result incomplete (exit 3), never a verdict of holds", "[explorer][limits]") {
  CheckRequest req;
  req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml";
  req.design = "brlock";
  req.explore.max_states = 1000;
  CheckRun run = run_check(req);
  CHECK(run.result.completion == Completion::LimitHit);
  CHECK(exit_status(run.result) == 3);
  for (const PropertyOutcome& o : run.result.outcomes) CHECK(verdict_of(run.result, o) == Verdict::Unknown);
}

TEST_CASE("json report: the trace of a violation, step by step", "[explorer][json]") {
  CheckRequest req;
  req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml";
  req.design = "v2.6.27";
  req.params = {{"K", 1}};
  req.properties = {"dma-visible"};
  CheckRun run = run_check(req);
  nlohmann::json j = nlohmann::json::parse(json_report(run).dump());
  CHECK(j["design"] == "v2.6.27");
  CHECK(j["properties"][0]["verdict"] == "violated");
  CHECK(j["properties"][0]["trace"]["steps"].size() == 14);
  CHECK(j["properties"][0]["trace"]["steps"][0]["thread"] == "R0");
  CHECK(j["stats"]["states"].get<std::uint64_t>() == run.result.states);
}

TEST_CASE("a COW with every frame in use is reported as out of frames, not explored", "[explorer][bounds]") {
  Scenario sc = load_scenario(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml", {{"K", 1}});
  const Design& d = *find_design("v2.6.27");
  State s = sc.initial;
  for (unsigned f = 1; f < kMaxFrames; ++f) s.frames[f].refcount = 1;  // the pool is full
  s.frames[0].mapcount = 2;                                            // as if shared by fork
  s.frames[0].refcount = 2;
  s.tables[1].pte[0] = s.tables[0].pte[0];
  s.tables[0].pte[0].flags &= static_cast<u8>(~kPteWrite);
  s.tables[1].pte[0].flags &= static_cast<u8>(~kPteWrite);
  const u8 w = 1;  // threads: R0, W, F
  REQUIRE(sc.threads[w].name == "W");
  s.threads[w].pc = kPcW3;  // about to run do_wp_page, holding mmap_lock and the PT lock
  s.mms[0].mmap_lock.readers = 1;
  s.tables[0].ptl.holder = w;
  Expansion ex;
  successors(sc, d, s, ex);
  CHECK(ex.out_of_frames);
  for (const Successor& su : ex.succ) CHECK(su.tid != w);
}
