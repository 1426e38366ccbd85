// Write-back driven by the application (model/writeback.hpp: sync_file_range, the disk)
// and mlock across fork and reclaim: the claims of papers/madvise-dontfork-2006.md (LWN,
// "Tweaks to madvise() and posix_fadvise()", February 2006). Every verdict and count comes
// from running the checker.
#include <catch2/catch.hpp>

#include "checker/run.hpp"
#include "model/scenario_load.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"

using namespace cow;
using cowtest::outcome;
using cowtest::run_full;
using cowtest::scenario_path;
using cowtest::violated;

namespace {
const std::string kSrc = COWCHECK_SOURCE_DIR;
}  // namespace

TEST_CASE("writeback: ASYNC_WRITE, late store, ASYNC_WRITE, WRITE_WAIT may leave the late store off the disk",
          "[writeback][quick]") {
  for (const char* design : {"v2.6.27", "v5.19"}) {
    CAPTURE(design);
    const CheckRun run = run_full("fadvise_async_write.toml", design, {{"safe", 0}});
    CHECK(run.result.states == 45);
    CHECK(run.result.final_states > 0);
    const PropertyOutcome& o = outcome(run, "on-disk-after-sync");
    CHECK(o.violated);
    for (const char* p : {"mkwrite-before-dirty", "writable-file-pte-dirty", "refcount-sane", "no-deadlock"})
      CHECK_FALSE(outcome(run, p).violated);
  }
  const CheckRun run = run_full("fadvise_async_write.toml", "v2.6.27", {{"safe", 0}});
  REQUIRE(run.traces.size() >= 1);
  CHECK(run.traces.front().steps.size() == 18);
}

TEST_CASE("writeback: WAIT, WRITE, WAIT after the late store puts it on disk, in executions that finish",
          "[writeback][vacuity][quick]") {
  for (const char* design : {"v2.6.27", "v5.19"}) {
    CAPTURE(design);
    const CheckRun run = run_full("fadvise_async_write.toml", design, {{"safe", 1}});
    CHECK(run.result.states == 38);
    CHECK(run.result.final_states > 0);  // not vacuous: executions finish
    CHECK_FALSE(run.result.no_execution_finishes());
    for (const PropertyOutcome& o : run.result.outcomes) CHECK_FALSE(o.violated);
  }
}

TEST_CASE("writeback: the disk expectation is the last store before the last wait", "[writeback][quick]") {
  const Scenario sc = load_scenario(scenario_path("fadvise_async_write.toml"), {{"safe", 1}});
  CHECK(sc.tracks_disk);
  REQUIRE(sc.disk_expect[0][0] != 0);
  CHECK(sc.value_name(sc.disk_expect[0][0]) == "A:store@0#2");
  CHECK(sc.disk_expect[0][1] == 0);  // nobody writes h1
  // A scenario without sync_file_range keeps no disk.
  const Scenario other = load_scenario(scenario_path("mlock_shared_file.toml"), {});
  CHECK_FALSE(other.tracks_disk);
}

TEST_CASE("writeback: bad sync_file_range input is an error at its line", "[writeback][bad-input][quick]") {
  struct Case {
    const char* file;
    const char* where;
    const char* message;
  };
  for (const Case& c : {Case{"sync_file_range_no_disk.toml", ":13:", "starts I/O that only a 'disk' completes"},
                        Case{"sync_file_range_anon.toml", ":11:", "has no shared file mapping there"},
                        Case{"sync_file_range_flag.toml", ":11:57:", "unknown key 'wait_afer'"}}) {
    const std::string f = kSrc + "/tests/inputs/bad/" + c.file;
    const cowtest::Result r = cowtest::run_cowcheck("check --design v2.6.27 " + cowtest::shell_quote(f));
    CAPTURE(r.output);
    CHECK(r.status == 2);
    CHECK(r.output.find(f + c.where) != std::string::npos);
    CHECK(r.output.find(c.message) != std::string::npos);
  }
}

TEST_CASE("mlock across fork: the parent's COW page stays locked, the child's old page is pageable",
          "[writeback][mlock][quick]") {
  const CheckRun r0 = run_full("mlock_fork_reclaim.toml", "v2.6.27", {{"reclaim", 0}});
  CHECK(r0.result.states == 67);
  CHECK(r0.result.final_states > 0);
  for (const PropertyOutcome& o : r0.result.outcomes) CHECK_FALSE(o.violated);
  const CheckRun r1 = run_full("mlock_fork_reclaim.toml", "v2.6.27", {{"reclaim", 1}});
  CHECK(r1.result.states == 688);
  CHECK(r1.result.final_states > 0);
  for (const PropertyOutcome& o : r1.result.outcomes) CHECK_FALSE(o.violated);
  // The probe: reclaim does take a page, the one the COW left to the child.
  const CheckRun probe = run_full("mlock_fork_reclaim.toml", "v2.6.27", {{"reclaim", 0}},
                               {kSrc + "/papers/madvise-dontfork-2006/never-swapped.smt2"});
  REQUIRE(outcome(probe, "never-swapped").violated);
  REQUIRE(probe.traces.size() == 1);
  CHECK(probe.traces.front().steps.size() == 14);
}

TEST_CASE("MADV_DONTFORK: the RDMA DMA reaches the parent only with VM_DONTCOPY", "[writeback][madvise][quick]") {
  const CheckRun lost = run_full("rdma_pin_fork.toml", "v2.6.27", {{"dontfork", 0}}, {"dma-visible"});
  CHECK(lost.result.states == 32);
  CHECK(outcome(lost, "dma-visible").violated);
  const CheckRun kept = run_full("rdma_pin_fork.toml", "v2.6.27", {{"dontfork", 1}}, {"dma-visible"});
  CHECK(kept.result.states == 16);
  CHECK(kept.result.final_states > 0);
  CHECK_FALSE(outcome(kept, "dma-visible").violated);
}
