// SIGINT and SIGTERM stop a long search cleanly: the partial statistics, every verdict
// found so far ("unknown" for the rest), exit 3 (incomplete); a comparison stops
// altogether. (The signal is sent by `timeout` two seconds in; each run below needs far
// longer than that to finish: over 5 million states.)
#include <catch2/catch.hpp>

#include "tests/cli_run.hpp"

using namespace cowtest;

namespace {
const std::string kLong = shell_quote(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_same_page.toml") +
                          " --design v6.18 --param N=5 --tlb on --property refcount-sane";
}

TEST_CASE("SIGINT stops check with its partial statistics, exit 3", "[limits][cli]") {
  Result r = run_cowcheck("check " + kLong, "timeout --preserve-status -s INT 2 ");
  SHOW(r);
  CHECK(r.status == 3);
  CHECK(has(r.output, "search    incomplete: "));
  CHECK(has(r.output, "INCOMPLETE: stopped by SIGINT before the state space was exhausted"));
  CHECK(has(r.output, "refcount-sane  unknown"));
}

TEST_CASE("SIGTERM stops check, and a JSON report says which limit", "[limits][cli]") {
  Result r = run_cowcheck("check --format json " + kLong, "timeout --preserve-status -s TERM 2 ");
  SHOW(r);
  CHECK(r.status == 3);
  CHECK(has(r.output, "\"limit\": \"SIGTERM\""));
}

TEST_CASE("SIGINT stops a whole compare, not only its current run", "[limits][cli]") {
  Result r = run_cowcheck("compare --designs v2.6.27,v6.18 --scenarios " +
                              shell_quote(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_same_page.toml") +
                              " --param N=5 --tlb on",
                          "timeout --preserve-status -s INT 2 ");
  SHOW(r);
  CHECK(r.status == 3);
  CHECK(has(r.output, "cowcheck: incomplete: SIGINT reached while comparing v2.6.27"));
  CHECK_FALSE(has(r.output, "| odirect_same_page"));  // no table
}
