// The page lock in do_wp_page, by kernel version (scenarios/wp_trylock_cow.toml, the
// scenario of Hugh Dickins's ab967d86015a "mm: wp lock page before deciding cow",
// <Pine.LNX.4.64.0811232155180.4142@blonde.site>): an app's page under a GUP write
// reference (FOLL_GET) for a driver, made read-only and writable again by mprotect, then
// written while reclaim may hold its page lock (op hold_page_lock). Every verdict and
// count comes from running the checker.
#include <catch2/catch.hpp>

#include <algorithm>

#include "checker/run.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"

using namespace cow;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;
const std::string kScenario = kSrc + "/scenarios/wp_trylock_cow.toml";

CheckRun check(const std::string& design, long locked, std::vector<std::string> props = {"dma-visible"}) {
  return cowtest::run_scenario(kScenario, design, {{"locked", locked}}, std::move(props), /*full=*/true);
}

bool has_label(const CheckRun& r, const std::string& label) {
  return std::any_of(r.traces[0].steps.begin(), r.traces[0].steps.end(),
                     [&](const auto& s) { return s.label == label; });
}

}  // namespace

// 2.6.27: "do_wp_page() does trylock_page, and falls back to COW whenever that fails": the
// app's write moves it to a copy and the device's DMA into the old page is lost to it.
// Without a lock holder the mapcount decides, and the page is reused.
TEST_CASE("page lock: on 2.6.27 a write fault that finds the page locked copies it, losing the DMA", "[page-lock][quick]") {
  CheckRun bad = check("v2.6.27", 1);
  REQUIRE(bad.result.completion == Completion::Exhausted);
  REQUIRE(bad.result.outcomes[0].violated);
  CHECK(has_label(bad, "get_page+lock_page"));
  CHECK(has_label(bad, "do_wp_page:trylock_page(failed):cow_user_page"));
  CHECK(bad.result.states == 111);
  CHECK(bad.result.transitions == 218);

  CheckRun unlocked = check("v2.6.27", 0);
  CHECK(!unlocked.result.any_violated());
  CHECK(unlocked.result.states == 31);
}

// 2.6.29 (ab967d86015a) to 5.8: "when the trylock_page fails, now unlock pagetable, lock
// page and relock pagetable, before deciding whether Copy-On-Write is really necessary".
// The fault sleeps in lock_page, and the mapcount rule reuses the page. The releases
// between (mlock-v2.6.37 .. v5.8 derive from v2.6.29) keep it.
TEST_CASE("page lock: from 2.6.29 to 5.8 do_wp_page sleeps in lock_page and keeps the page", "[page-lock][quick]") {
  for (const char* d : {"v2.6.29", "mlock-v2.6.37", "mlock-v2.6.38", "v4.8", "v4.9", "v5.8"}) {
    INFO(d);
    CheckRun good = check(d, 1, {"dma-visible", "own-write-visible", "refcount-sane", "no-deadlock", "no-use-after-free"});
    CHECK(good.result.completion == Completion::Exhausted);
    CHECK(!good.result.any_violated());
    CHECK(good.result.final_states > 0);
    CHECK(good.result.states == 105);  // 2.6.27's 111 less its copies, plus the sleep's w6 and w7
  }
  // The sleep is really taken: a property that fails once the fault has slept shows it.
  const std::string slept = kSrc + "/tests/inputs/properties/page-lock-slept.smt2";
  CheckRun r = cowtest::run_scenario(kScenario, "v2.6.29", {{"locked", 1}}, {slept}, true);
  REQUIRE(r.result.outcomes[0].violated);
  CHECK(r.traces[0].steps.back().label == "do_wp_page:trylock_page(failed):page_cache_get+pte_unmap_unlock");
  // ... and 2.6.27 never sleeps there.
  CHECK(!cowtest::run_scenario(kScenario, "v2.6.27", {{"locked", 1}}, {slept}, true).result.any_violated());
}

// 5.9 (09854ba94c6a): "if (PageKsm(page) || page_count(page) != 1) goto copy;" before
// the trylock: the driver's FOLL_GET reference alone makes the write copy, locked or not
// (the wrong COW of a GUP'd page that 5.19's PageAnonExclusive ended). 5.19 and 6.18: the
// page, faulted in by its owner, is PageAnonExclusive, and "if (PageAnonExclusive(page))
// goto reuse;" comes before any lock or count test.
TEST_CASE("page lock: 5.9 copies on the GUP reference before any trylock; 5.19 and 6.18 reuse the exclusive page",
          "[page-lock][quick]") {
  for (long locked : {0L, 1L}) {
    INFO("locked=" << locked);
    CHECK(check("v5.9", locked).result.any_violated());
    for (const char* d : {"v5.19", "v6.18"}) {
      INFO(d);
      CheckRun good = check(d, locked);
      CHECK(good.result.completion == Completion::Exhausted);
      CHECK(!good.result.any_violated());
    }
  }
  CHECK(check("v5.19", 1).result.states == 93);
}

TEST_CASE("page lock: hold_page_lock is done by a process thread, on a page", "[page-lock][bad-input][quick]") {
  const std::string dev = kSrc + "/tests/inputs/bad/hold_page_lock_device.toml";
  cowtest::Result r = cowtest::run_cowcheck("check --design v2.6.29 " + cowtest::shell_quote(dev));
  CHECK(r.status == 2);
  CHECK(r.output.find(dev + ":17:") != std::string::npos);
  CHECK(r.output.find("'hold_page_lock' is done by a process thread, not a device") != std::string::npos);
  const std::string half = kSrc + "/tests/inputs/bad/hold_page_lock_half.toml";
  r = cowtest::run_cowcheck("check --design v2.6.29 " + cowtest::shell_quote(half));
  CHECK(r.status == 2);
  CHECK(r.output.find(half + ":12:") != std::string::npos);
  CHECK(r.output.find("unknown key 'half'") != std::string::npos);
}

// While the fault sleeps in lock_page, MADV_DONTNEED zaps the PTE: "if
// (!pte_same(*page_table, orig_pte)) { unlock_page(old_page); page_cache_release(old_page);
// goto unlock; }", and the store faults again. Nothing leaks, nothing deadlocks.
TEST_CASE("page lock: a PTE changed while do_wp_page sleeps: the fault retries", "[page-lock][quick]") {
  for (const char* d : {"v2.6.29", "v5.8"}) {
    INFO(d);
    CheckRun r = cowtest::run_scenario(kSrc + "/tests/inputs/wp_sleep_pte_changed.toml", d, {}, {}, true);
    CHECK(r.result.completion == Completion::Exhausted);
    CHECK(!r.result.any_violated());
    CHECK(r.result.final_states > 0);
  }
}
