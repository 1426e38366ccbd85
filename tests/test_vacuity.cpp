// Vacuity: when the search is exhaustive and no execution finishes (every one loops
// forever or deadlocks), no property is reported as holding. check gives the verdict
// "vacuous" (text and JSON), exits 1 and prints an execution that never finishes (a
// lasso, or a path into a deadlock); compare marks the cell. Scenarios where some
// execution finishes keep their verdicts. The walk that finds the lasso is also checked
// on hand-made graphs.
#include <catch2/catch.hpp>

#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "checker/report.hpp"
#include "checker/run.hpp"
#include "checker/trace.hpp"
#include "model/threads.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"

using namespace cow;
using namespace cowtest;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;
// Every execution deadlocks: the parent waits for a child that never exits.
const std::string kVacuous = kSrc + "/tests/inputs/vacuous_wait_for_live_child.toml";
// Some executions deadlock, others finish.
const std::string kSomeFinish = kSrc + "/tests/inputs/deadlock_dma_after_unpin.toml";

// A hand-made graph for lasso_walk: node -> its (thread, successor) steps, in thread order.
using Graph = std::vector<std::vector<std::pair<u8, int>>>;
LassoWalk walk(const Graph& g, std::size_t threads) {
  return lasso_walk(
      0, threads, [&](int n, std::vector<std::pair<u8, int>>& out) { out = g[static_cast<std::size_t>(n)]; },
      [](int n) { return static_cast<std::uint64_t>(n); });
}

}  // namespace

TEST_CASE("no execution finishes: check says vacuous, never holds, and exits 1", "[vacuity][cli][quick]") {
  struct Case {
    const char* args;                    // after `check FILE --quiet`
    std::vector<const char*> has, lacks;  // what the output must and must not contain
  };
  const Case cases[] = {
      // the scenario's properties
      {"--design v5.19",
       {"refcount-sane  vacuous (no execution finishes)", "isolation      vacuous (no execution finishes)",
        "NO EXECUTION FINISHES", "An execution that deadlocks (", "DEADLOCK: no step is enabled; not finished: P\n"},
       {"hash compaction"}},
      // no-deadlock alone: violated, and the search stops there
      {"--design v5.19 --property no-deadlock", {"search    stopped: every property violated", "no-deadlock  VIOLATED"}, {}},
      // ... or explores everything and says that no execution finishes
      {"--design v5.19 --property no-deadlock --full", {"no-deadlock  VIOLATED", "NO EXECUTION FINISHES"}, {}},
      // one violated, the other vacuous
      {"--design v2.6.27 --property no-deadlock --property refcount-sane",
       {"no-deadlock    VIOLATED", "refcount-sane  vacuous (no execution finishes)"}, {}},
      // hash compaction: the verdict is only as sure as the compaction
      {"--design v5.19 --hash-compact", {"vacuous (no execution finishes)", "only as sure as the compaction"}, {}},
  };
  for (const Case& c : cases) {
    Result r = run_cowcheck("check " + shell_quote(kVacuous) + " --quiet " + c.args);
    SHOW(r);
    CHECK(r.status == 1);
    CHECK_FALSE(has(r.output, "holds"));
    for (const char* text : c.has) CHECK(has(r.output, text));
    for (const char* text : c.lacks) CHECK_FALSE(has(r.output, text));
  }
}

TEST_CASE("no execution finishes: the JSON report gives the verdict, the count and the path", "[vacuity][json][quick]") {
  CheckRun run = run_scenario(kVacuous, "v5.19", {});
  const nlohmann::json j = nlohmann::json::parse(json_report(run).dump());
  CHECK(j["completion"] == "exhausted");
  CHECK(j["stats"]["final_states"] == 0);
  REQUIRE(j["properties"].size() == 2);
  for (const auto& p : j["properties"]) {
    CHECK(p["verdict"] == "vacuous");
    CHECK_FALSE(p.contains("trace"));
  }
  REQUIRE(j.contains("no_execution_finishes"));
  const auto& nf = j["no_execution_finishes"];
  CHECK(nf["kind"] == "deadlock");
  CHECK(nf["unfinished"] == "P");
  CHECK_FALSE(nf.contains("cycle_start"));
  REQUIRE(run.no_finish);
  CHECK(nf["steps"].size() == run.no_finish->trace.steps.size());
  CHECK(nf["steps"].back()["thread"] != "P");  // P's last step was fork's; it waits since
}

TEST_CASE("no execution finishes: replay of the JSON report still replays its violations", "[vacuity][replay][quick]") {
  const std::string report = (fs::temp_directory_path() / ("cowcheck_vacuity_" + std::to_string(::getpid()) + ".json")).string();
  Result c = run_cowcheck("check " + shell_quote(kVacuous) +
                          " --design v5.19 --quiet --full --property no-deadlock --property refcount-sane --format json > " +
                          shell_quote(report) + "; exit $?");  // (run_cowcheck's own redirection goes to the exit)
  SHOW(c);
  REQUIRE(c.status == 1);
  Result r = run_cowcheck("replay " + shell_quote(report));
  SHOW(r);
  CHECK(r.status == 1);
  CHECK(has(r.output, "VIOLATED no-deadlock"));
  fs::remove(report);
}

TEST_CASE("no execution finishes: the verdict, the exit status and the deadlock path, through the API",
          "[vacuity][explorer][quick]") {
  CheckRun run = run_scenario(kVacuous, "v2.6.27", {});
  CHECK(run.result.completion == Completion::Exhausted);
  CHECK(run.result.final_states == 0);
  CHECK(run.result.deadlocks > 0);
  CHECK(run.result.no_execution_finishes());
  for (const PropertyOutcome& o : run.result.outcomes) {
    CHECK_FALSE(o.violated);
    CHECK(verdict_of(run.result, o) == Verdict::Vacuous);
  }
  CHECK(exit_status(run.result) == 1);
  REQUIRE(run.no_finish);
  const Lasso& l = *run.no_finish;
  CHECK(l.deadlock);
  CHECK(l.cycle_start == l.trace.steps.size());
  CHECK_FALSE(all_threads_finished(run.scenario, l.trace.last));
  CHECK(thread_finished(run.scenario, l.trace.last, 1));  // W stored and returned
  CHECK(thread_finished(run.scenario, l.trace.last, 2));  // so did C
  CHECK_FALSE(thread_finished(run.scenario, l.trace.last, 0));  // P waits in wait4
  CHECK(verdict_name(Verdict::Vacuous) == std::string("vacuous"));
}

TEST_CASE("no execution finishes: partial-order reduction, symmetry and hash compaction keep the verdict",
          "[vacuity][por][symmetry][quick]") {
  for (int mode : {1, 2, 3, 7}) {
    CheckRequest req;
    req.scenario_file = kVacuous;
    req.design = "v5.19";
    req.explore.por = mode & 1;
    req.explore.symmetry = mode & 2;
    req.explore.hash_compact = mode & 4;
    CheckRun run = run_check(req);
    INFO("mode " << mode);
    CHECK(run.result.no_execution_finishes());
    for (const PropertyOutcome& o : run.result.outcomes) CHECK(verdict_of(run.result, o) == Verdict::Vacuous);
    CHECK(exit_status(run.result) == 1);
    CHECK(run.no_finish);
  }
}

TEST_CASE("some executions finish: the verdicts are those of before", "[vacuity][quick]") {
  CheckRun some = run_scenario(kSomeFinish, "v2.6.27", {});
  CHECK(some.result.final_states > 0);
  CHECK_FALSE(some.result.no_execution_finishes());
  CHECK_FALSE(some.no_finish);
  REQUIRE(some.result.outcomes.size() == 2);
  CHECK(verdict_of(some.result, some.result.outcomes[0]) == Verdict::Violated);  // no-deadlock
  CHECK(verdict_of(some.result, some.result.outcomes[1]) == Verdict::Holds);     // refcount-sane
  CHECK(exit_status(some.result) == 1);

  Result r = run_cowcheck("check " + shell_quote(kSrc + "/scenarios/rdma_pin_fork.toml") +
                          " --design v5.19 --param dontfork=1 --quiet");
  SHOW(r);
  CHECK(r.status == 0);
  CHECK(has(r.output, "holds"));
  CHECK_FALSE(has(r.output, "vacuous"));
  CHECK_FALSE(has(r.output, "NO EXECUTION FINISHES"));
}

TEST_CASE("compare marks a scenario where no execution finishes as vacuous, in md, csv and json", "[vacuity][cli][quick]") {
  const std::string args = "compare --designs v2.6.27,v5.19 --scenarios " + shell_quote(kVacuous) + "," +
                           shell_quote(kSomeFinish) + " --no-costs";
  Result md = run_cowcheck(args);
  SHOW(md);
  REQUIRE(md.status == 0);
  CHECK(has(md.output, "| vacuous_wait_for_live_child |  | v2.6.27 | vacuous | vacuous | - |"));
  CHECK(has(md.output, "| deadlock_dma_after_unpin |  | v5.19 | holds | - | VIOLATED |"));
  CHECK(has(md.output, "\nvacuous: "));

  Result csv = run_cowcheck(args + " --format csv");
  SHOW(csv);
  REQUIRE(csv.status == 0);
  CHECK(has(csv.output, "\nvacuous_wait_for_live_child,\"\",v5.19,vacuous,vacuous,-,"));

  Result json = run_cowcheck(args + " --format json");
  SHOW(json);
  REQUIRE(json.status == 0);
  const nlohmann::json rows = nlohmann::json::parse(json.output);
  REQUIRE(rows.size() == 4);
  for (const auto& row : rows) {
    const bool vacuous = row["scenario"] == "vacuous_wait_for_live_child";
    CHECK(row["no_execution_finishes"] == vacuous);
    if (vacuous)
      for (const auto& [name, v] : row["verdicts"].items()) CHECK(v == "vacuous");
    else
      CHECK(row["verdicts"]["refcount-sane"] == "holds");
  }
}

TEST_CASE("the design matrix paper marks a scenario where no execution finishes as vacuous", "[vacuity][papers][quick]") {
  const fs::path dir = fs::temp_directory_path() / ("cowcheck_vacuity_papers_" + std::to_string(::getpid()));
  Result r = run_cowcheck("compare --designs v5.19 --scenarios " + shell_quote(kVacuous) + " --no-costs --papers " +
                          shell_quote(dir.string()));
  SHOW(r);
  REQUIRE(r.status == 0);
  std::ifstream in(dir / "design-matrix.md");
  std::stringstream md;
  md << in.rdbuf();
  INFO(md.str());
  CHECK(has(md.str(), "| (none) | v5.19 | vacuous | vacuous |"));
  CHECK(has(md.str(), "vacuous: the whole state space was explored and no execution finishes"));
  CHECK(fs::is_empty(dir / "traces"));  // nothing is violated: no counterexample to link
  fs::remove_all(dir);
}

TEST_CASE("the lasso walk on hand-made graphs: stem, cycle, deadlock, progress first", "[vacuity][lasso][quick]") {
  SECTION("a cycle: the walk stops when a step returns to a node on it") {
    // 0 -A-> 1 -B-> 3 -A-> 1: the stem is A, the cycle B A from node 1.
    const Graph g = {{{0, 1}, {1, 2}}, {{0, 0}, {1, 3}}, {}, {{0, 1}, {1, 0}}};
    const LassoWalk w = walk(g, 2);
    CHECK_FALSE(w.deadlock);
    CHECK(w.tids == std::vector<u8>{0, 1, 0});
    CHECK(w.cycle_start == 1);
  }
  SECTION("a deadlock: the walk stops where no step is enabled") {
    const Graph g = {{{0, 1}}, {{1, 2}}, {}};
    const LassoWalk w = walk(g, 2);
    CHECK(w.deadlock);
    CHECK(w.tids == std::vector<u8>{0, 1});
    CHECK(w.cycle_start == 2);
  }
  SECTION("a thread spinning in place does not hide another that can make progress") {
    // A spins at 0 (a retry loop back to the same state); B moves on to 1, where A spins too.
    const Graph g = {{{0, 0}, {1, 1}}, {{0, 1}}};
    const LassoWalk w = walk(g, 2);
    CHECK_FALSE(w.deadlock);
    CHECK(w.tids == std::vector<u8>{1, 0});
    CHECK(w.cycle_start == 1);  // the cycle is A's spin at node 1
  }
  SECTION("round-robin: after A steps, B is tried first") {
    // From 0 both lead to fresh nodes: A goes first; from 1 both again: B, the next in turn.
    const Graph g = {{{0, 1}, {1, 2}}, {{0, 3}, {1, 4}}, {}, {}, {{0, 0}}};
    const LassoWalk w = walk(g, 2);
    CHECK(w.tids == std::vector<u8>{0, 1, 0});
    CHECK(w.cycle_start == 0);
  }
}

TEST_CASE("the text report marks a lasso's cycle: where it starts and where it returns", "[vacuity][lasso][quick]") {
  // A hand-made lasso on a real scenario's execution (the first three steps of the
  // deadlock path, the last two declared a cycle), to check how the report prints one.
  CheckRun run = run_scenario(kVacuous, "v5.19", {});
  REQUIRE(run.no_finish);
  std::vector<u8> tids;
  for (std::size_t i = 0; i < 3; ++i) tids.push_back(run.no_finish->trace.steps[i].tid);
  Lasso l;
  l.trace = replay_steps(run.scenario, *run.design, tids);
  l.cycle_start = 1;
  run.no_finish = l;
  const std::string text = text_report(run, ReportOptions{});
  INFO(text);
  CHECK(has(text, "An execution that loops forever (3 steps; steps 2-3 are a cycle):\n"));
  const auto mark = text.find("  --- cycle starts here: steps 2-3 lead back to this state, forever ---\n");
  REQUIRE(mark != std::string::npos);
  CHECK(text.find("    1. ") < mark);
  CHECK(text.find("    2. ") > mark);
  CHECK(has(text, "  --- back to the state before step 2 (cycle starts there); not finished: P, C ---\n"));  // W stored and returned
  const nlohmann::json j = json_report(run);
  CHECK(j["no_execution_finishes"]["kind"] == "cycle");
  CHECK(j["no_execution_finishes"]["cycle_start"] == 1);
}
