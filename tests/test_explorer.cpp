// The explorer and its store, on small inputs.
#include <catch2/catch.hpp>

#include "tests/quick.hpp"
#include "tests/scenario_files.hpp"
#include "checker/report.hpp"
#include "checker/store.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "model/design_registry.hpp"

using namespace cow;

TEST_CASE("the visited set keeps distinct states apart under a colliding hash", "[explorer][store][quick]") {
  StateStore store([](const void*, std::size_t) -> std::uint64_t { return 3; });
  for (unsigned i = 0; i < 300; ++i) {
    State s{};
    s.frames[i % kMaxFrames].data = {static_cast<u8>(i & 0xFF), static_cast<u8>(i >> 8)};
    auto [id, fresh] = store.insert(s, kNoState);
    CHECK(fresh);
    CHECK(id == i);
  }
  State again{};
  again.frames[5].data = {5, 0};
  auto [id, fresh] = store.insert(again, kNoState);
  CHECK_FALSE(fresh);
  CHECK(id == 5);
  CHECK(store.size() == 300);
  for (unsigned i = 0; i < 300; ++i) CHECK(store.state(i).frames[i % kMaxFrames].data[0] + 256u * store.state(i).frames[i % kMaxFrames].data[1] == i);
}

TEST_CASE("no-deadlock: a device left waiting for a dropped pin is reported", "[explorer][deadlock][quick]") {
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

TEST_CASE("limits: --max-states makes the result incomplete (exit 3), never a verdict of holds", "[explorer][limits][quick]") {
  CheckRequest req;
  req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml";
  req.design = "brlock";
  req.explore.max_states = 1000;
  CheckRun run = run_check(req);
  CHECK(run.result.completion == Completion::LimitHit);
  CHECK(exit_status(run.result) == 3);
  for (const PropertyOutcome& o : run.result.outcomes) CHECK(verdict_of(run.result, o) == Verdict::Unknown);
}

TEST_CASE("json report: the trace of a violation, step by step", "[explorer][json][quick]") {
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

TEST_CASE("a COW with every frame in use is reported as out of frames, not explored", "[explorer][bounds][quick]") {
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

// The parallel search must be the sequential one: same states, transitions, depth,
// verdicts, first violating states and counterexamples, whatever the number of threads.
TEST_CASE("the parallel search agrees with one thread on every scenario and design", "[explorer][parallel]") {
  const std::vector<std::string> files = test::scenario_files();
  REQUIRE(files.size() >= 27);  // 13 in scenarios/, 14 in scenarios/selftests/
  for (const std::string& file : files)
    for (const Design* d : all_designs())
      for (bool full : {false, true}) {
        if (test::skip_design(*d) || test::skip_scenario(file) || !test::runs_on(file, *d)) continue;
        auto run = [&](unsigned threads) {
          CheckRequest req;
          req.scenario_file = file;
          req.design = std::string(d->name());
          req.explore.full = full;
          req.explore.threads = threads;
          return run_check(req);
        };
        CheckRun one = run(1);
        for (unsigned threads : {2u, 3u}) {
          // More workers than cores (3 on 2): on the whole search only, where every state
          // is visited whatever the schedule; stopping early is checked with 2.
          if (threads == 3 && !full) continue;
          INFO(file << " " << d->name() << (full ? " --full" : "") << " threads=" << threads);
          CheckRun many = run(threads);
          CHECK(many.result.states == one.result.states);
          CHECK(many.result.transitions == one.result.transitions);
          CHECK(many.result.depth == one.result.depth);
          CHECK(many.result.deadlocks == one.result.deadlocks);
          CHECK(many.result.completion == one.result.completion);
          REQUIRE(many.result.outcomes.size() == one.result.outcomes.size());
          for (std::size_t k = 0; k < one.result.outcomes.size(); ++k) {
            CHECK(many.result.outcomes[k].violated == one.result.outcomes[k].violated);
            CHECK(many.result.outcomes[k].state == one.result.outcomes[k].state);
            CHECK(many.traces[k].steps.size() == one.traces[k].steps.size());
          }
        }
      }
}

TEST_CASE("the parallel search agrees with one thread on ODF(3), many blocks", "[explorer][parallel]") {
  auto run = [](unsigned threads) {
    CheckRequest req;
    req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml";
    req.design = "v2.6.27";
    req.params = {{"K", 3}};
    req.explore.full = true;
    req.explore.threads = threads;
    return run_check(req);
  };
  CheckRun one = run(1), two = run(2);
  CHECK(one.result.states == 243186);
  CHECK(two.result.states == one.result.states);
  CHECK(two.result.transitions == one.result.transitions);
  for (std::size_t k = 0; k < one.result.outcomes.size(); ++k) CHECK(two.result.outcomes[k].state == one.result.outcomes[k].state);
}
