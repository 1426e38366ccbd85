// `cowcheck replay`: a counterexample written by check replays to the same violation; a
// tampered one is refused at the step that cannot be taken; a cut one ends where the
// property still holds.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include "tests/cli_run.hpp"

using namespace cowtest;

namespace {
const std::string kSrc = COWCHECK_SOURCE_DIR;
std::string tmp(const std::string& name) {
  return (fs::temp_directory_path() / (name + "-" + std::to_string(::getpid()) + ".json")).string();
}
nlohmann::json load(const std::string& p) {
  std::ifstream in(p);
  return nlohmann::json::parse(in);
}
}  // namespace

TEST_CASE("replay: every counterexample check wrote replays to its violation", "[cli][replay][quick]") {
  const std::string traces = tmp("traces");
  Result c = run_cowcheck("check " + shell_quote(kSrc + "/scenarios/odirect_fork.toml") +
                          " --design forcecow --param K=1 --quiet --trace-out " + shell_quote(traces));
  SHOW(c);
  REQUIRE(c.status == 1);
  nlohmann::json j = load(traces);
  REQUIRE(j.size() == 2);  // dma-visible and pin-writable-in-owner
  Result r = run_cowcheck("replay " + shell_quote(traces));
  SHOW(r);
  CHECK(r.status == 1);
  for (const auto& t : j)
    CHECK(has(r.output, "replaying " + t["property"].get<std::string>() + " on odirect_fork under forcecow (" +
                            std::to_string(t["steps"].size()) + " steps)"));
  CHECK(has(r.output, "VIOLATED pin-writable-in-owner"));
  CHECK(has(r.output, "VIOLATED dma-visible"));

  SECTION("a tampered step is refused, naming it") {
    j[1]["steps"][2]["label"] = "do_wp_page";
    const std::string bad = tmp("tampered");
    std::ofstream(bad) << j[1].dump();
    Result t = run_cowcheck("replay " + shell_quote(bad));
    SHOW(t);
    CHECK(t.status == 2);
    CHECK(has(t.output, "step 3 ("));
    CHECK(has(t.output, "cannot be taken"));
    fs::remove(bad);
  }
  SECTION("a trace cut before its last step ends where the property holds") {
    j[1]["steps"].erase(j[1]["steps"].size() - 1);
    const std::string cut = tmp("cut");
    std::ofstream(cut) << j[1].dump();
    Result t = run_cowcheck("replay " + shell_quote(cut));
    SHOW(t);
    CHECK(t.status == 0);
    CHECK(has(t.output, "holds in the state it reaches"));
    fs::remove(cut);
  }
  fs::remove(traces);
}

TEST_CASE("replay: a whole check --format json report replays too", "[cli][replay][quick]") {
  const std::string report = tmp("report");
  Result c = run_cowcheck("check " + shell_quote(kSrc + "/scenarios/rdma_pin_fork.toml") +
                          " --design v2.6.27 --quiet --format json > " + shell_quote(report) + " 2>/dev/null; true");
  Result r = run_cowcheck("replay " + shell_quote(report));
  SHOW(r);
  CHECK(r.status == 1);
  CHECK(has(r.output, "VIOLATED dma-visible"));
  fs::remove(report);
}
