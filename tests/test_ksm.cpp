// KSM's write_protect_page against GUP: the page_count check and what keeps GUP out of it
// (the 2008 linux-mm thread, <20080925183846.GA6877@duo.random>), and which PTEs it checks
// (2.6.36's dirty-PTE fix). Every verdict comes from running the checker.
#include <catch2/catch.hpp>

#include <algorithm>

#include "checker/costs.hpp"
#include "checker/run.hpp"
#include "model/scenario_load.hpp"
#include "tests/check_helpers.hpp"
#include "model/design_registry.hpp"

using namespace cow;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

CheckRun check(const std::string& file, const std::string& design, std::map<std::string, long> params,
               std::vector<std::string> props = {}) {
  return cowtest::run_scenario(kSrc + "/" + file, design, std::move(params), std::move(props), /*full=*/true);
}

}  // namespace

// Arcangeli: the page_count check "should happen under some lock that blocks
// get_user_pages and get_user_page_fast". Under the PT lock alone (the 2008 designs'
// KSM) GUP-fast reads the writable PTE before the check and takes its reference after.
TEST_CASE("ksm_odirect: the PT lock alone loses the O_DIRECT read, clear+flush and the brlock do not", "[ksm][golden]") {
  for (long pin : {0L, 1L}) {
    INFO("pin=" << pin);
    CheckRun bad = check("scenarios/ksm_odirect.toml", "v2.6.27", {{"pin", pin}}, {"dma-visible"});
    REQUIRE(bad.result.outcomes[0].violated);
    REQUIRE(bad.traces[0].steps.size() == 9);
    std::vector<std::string> labels;
    for (const auto& s : bad.traces[0].steps) labels.push_back(s.label);
    CHECK(labels[0] == "gup_pte_range:gup_get_pte");                              // R reads the writable PTE
    CHECK(labels[3] == "try_to_merge_with_ksm_page:write_protect_page");          // the check passes
    CHECK(labels[4] == "gup_pte_range:get_page");                                 // R's reference, too late
    CHECK(labels[5] == "replace_page:pages_identical+set_pte_at_notify(kpage)");  // page 0 -> the KSM page
    CHECK(check("scenarios/ksm_odirect.toml", "forcecow", {{"pin", pin}}, {"dma-visible"}).result.any_violated());
    // brlock: br_write_lock around the check; pg_gup: GUP-fast re-checks the PTE after
    // get_page; 2.6.32 on: ptep_clear_flush waits for IRQs-off GUP-fast.
    for (const char* d : {"brlock", "pg_gup", "mlock-v2.6.37", "v4.8", "v5.9", "v5.19", "cow-pte-table"}) {
      INFO(d);
      CheckRun good = check("scenarios/ksm_odirect.toml", d, {{"pin", pin}});
      CHECK(good.result.completion == Completion::Exhausted);
      CHECK(!good.result.any_violated());
    }
  }
}

// Hugh Dickins' "ksm: fix bad user data when swapping" (2.6.36,
// <alpine.LSU.2.00.1010021746180.27679@sister.anvils>) makes write_protect_page check
// dirty PTEs too ("if (pte_write(*ptep) || pte_dirty(*ptep))"). A fork while an O_DIRECT
// read (slow GUP) is in flight leaves the page's PTE read-only and dirty: the 2.6.32 test
// skips the page_count check and merges the page under the DMA; from 2.6.36 on the check
// finds the GUP reference. The design's traits (ksm_wrprotect) decide which runs. (The
// 2008-2009 proposals keep the DMA another way: their fork copies a page with a GUP
// reference instead of write-protecting it.)
TEST_CASE("ksm_odirect: a read-only dirty PTE escapes KSM's page_count check before 2.6.36 only", "[ksm][golden]") {
  for (const Design* d : all_designs()) {
    INFO(d->name());
    CheckRun run = check("scenarios/ksm_odirect.toml", std::string(d->name()), {{"fast", 0}, {"fork", 1}}, {"dma-visible"});
    CHECK(run.result.completion != Completion::LimitHit);
    const bool checks_dirty = d->traits().ksm_wrprotect == KsmWrprotect::PteWriteOrDirty;
    const bool fork_copies_pinned = d->name() == "forcecow" || d->name() == "brlock" || d->name() == "pg_gup";
    CHECK(run.result.any_violated() == (!checks_dirty && !fork_copies_pinned));
    if (run.result.any_violated()) {
      std::vector<std::string> labels;
      for (const auto& s : run.traces[0].steps) labels.push_back(s.label);
      // fork write-protects before KSM merges, the DMA comes after
      CHECK(std::find(labels.begin(), labels.end(), "copy_one_pte") < std::find(labels.begin(), labels.end(), "replace_page:pages_identical+set_pte_at_notify(kpage)"));
    }
  }
  CHECK(find_design("v2.6.27")->traits().ksm_wrprotect == KsmWrprotect::PteWrite);  // so some design shows the race
}

// "So for get_user_pages it'd be enough to do the check of page count == page mapcount
// under the PT lock": with the O_DIRECT read on slow GUP only, every design holds.
TEST_CASE("ksm_odirect: against slow GUP the PT lock is enough", "[ksm][golden]") {
  for (const Design* d : all_designs()) {
    INFO(d->name());
    CheckRun run = check("scenarios/ksm_odirect.toml", std::string(d->name()), {{"fast", 0}});
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(!run.result.any_violated());
  }
}

TEST_CASE("ksm_scan merges identical pages, and a write to the KSM page copies it", "[ksm][quick]") {
  for (const char* d : {"v2.6.27", "mlock-v2.6.38", "v5.19"}) {
    INFO(d);
    CheckRun merged = check("tests/inputs/ksm_merge_then_write.toml", d, {}, {kSrc + "/tests/inputs/properties/no-ksm-page.smt2"});
    CHECK(merged.result.outcomes[0].violated);  // some execution does merge
    CheckRun run = check("tests/inputs/ksm_merge_then_write.toml", d, {});
    CHECK(!run.result.any_violated());
    const Scenario sc = load_scenario(kSrc + "/tests/inputs/ksm_merge_then_write.toml");
    const CostResult c = compute_costs(sc, *find_design(d));
    REQUIRE(c.status == CostStatus::Computed);
    CHECK(c.bounds[static_cast<unsigned>(Cost::CowCopy)].min == 1);  // never reused: always a copy
  }
}
