// mlock's dirtying of shared file mappings (5ecfda041e4b, 2.6.38), file pages
// with ->page_mkwrite and write-back, and mlock breaking COW on private mappings. Every
// verdict and figure below comes from running the checker.
#include <catch2/catch.hpp>

#include "checker/costs.hpp"
#include "checker/run.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "properties/smt_property.hpp"
#include "tests/check_helpers.hpp"
#include "model/design_registry.hpp"

using namespace cow;
using cowtest::outcome;
using cowtest::run_full;
using cowtest::scenario_path;
using cowtest::violated;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

// min and max of one cost over every finishing execution.
std::pair<long, long> cost(const std::string& file, const std::string& design, const std::map<std::string, long>& params,
                           Cost c) {
  const Scenario sc = load_scenario(scenario_path(file), params);
  const CostResult r = compute_costs(sc, *find_design(design));
  REQUIRE(r.status == CostStatus::Computed);
  const CostBound& b = r.bounds[static_cast<unsigned>(c)];
  return {static_cast<long>(b.min), b.unbounded ? -1L : static_cast<long>(b.max)};
}

}  // namespace

// The claim of the patch: "mlocking a shared, writable vma currently causes the
// corresponding pages to be marked as dirty and queued for writeback"; after it, none.
TEST_CASE("mlock_shared_file: mlock-v2.6.37 dirties every page, mlock-v2.6.38 none", "[mlock][golden]") {
  for (long pages : {1L, 2L, 3L}) {
    INFO("pages=" << pages);
    const std::map<std::string, long> p{{"write", 0}, {"pages", pages}, {"free_blocks", pages}};
    CheckRun old = run_full("mlock_shared_file.toml", "mlock-v2.6.37", p);
    CHECK(old.result.completion == Completion::Exhausted);
    CHECK(violated(old, "mlock-dirties-nothing"));
    CHECK(!violated(old, "mkwrite-before-dirty"));  // the write faults do call ->page_mkwrite
    CheckRun fixed = run_full("mlock_shared_file.toml", "mlock-v2.6.38", p);
    CHECK(fixed.result.completion == Completion::Exhausted);
    CHECK(!fixed.result.any_violated());
    CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.37", p, Cost::PageDirtied) == std::pair<long, long>{pages, pages});
    CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.37", p, Cost::Writeback) == std::pair<long, long>{pages, pages});
    CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.37", p, Cost::MlockBlock) == std::pair<long, long>{pages, pages});
    CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.38", p, Cost::PageDirtied) == std::pair<long, long>{0, 0});
    CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.38", p, Cost::Writeback) == std::pair<long, long>{0, 0});
    CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.38", p, Cost::MlockBlock) == std::pair<long, long>{0, 0});
  }
  // The shortest trace: mlock_fixup, then the first page's write fault dirties it.
  CheckRun old = run_full("mlock_shared_file.toml", "mlock-v2.6.37", {{"write", 0}}, {"mlock-dirties-nothing"});
  REQUIRE(old.traces[0].steps.size() == 2);
  CHECK(old.traces[0].steps[1].label == "__mlock_vma_pages_range:handle_mm_fault(write)+mlock_vma_page");
}

// "it does not avoid ->page_mkwrite when there is a write: it just stops pretending that
// there was a write" (Hugh Dickins): on 2.6.38 the store faults and ->page_mkwrite runs then.
TEST_CASE("mlock_shared_file: the later store goes through page_mkwrite on 2.6.38", "[mlock][golden][quick]") {
  const std::map<std::string, long> p{{"write", 1}};
  CheckRun fixed = run_full("mlock_shared_file.toml", "mlock-v2.6.38", p);
  CHECK(!fixed.result.any_violated());
  CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.38", p, Cost::PageDirtied) == std::pair<long, long>{1, 1});
  CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.38", p, Cost::Writeback) == std::pair<long, long>{1, 1});
  CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.38", p, Cost::Fault) == std::pair<long, long>{1, 1});  // the store (the pages are mapped: no read fault)
  CHECK(cost("mlock_shared_file.toml", "mlock-v2.6.37", p, Cost::Fault) == std::pair<long, long>{2, 2});  // the store is free
  // Every later design keeps Lespinasse's rule; the 2008 ones predate it.
  for (const char* d : {"v4.8", "v5.19", "cow-pte-table"})
    CHECK(!run_full("mlock_shared_file.toml", d, p, {"mlock-dirties-nothing"}).result.any_violated());
  for (const char* d : {"v2.6.27", "brlock"})
    CHECK(run_full("mlock_shared_file.toml", d, p, {"mlock-dirties-nothing"}).result.any_violated());
}

// Dave Chinner: "Any filesystem that does not implement ->page_mkwrite will break under
// this test, regardless of your patch" -- and with the disk full the data is lost silently.
TEST_CASE("mlock_shared_file: without page_mkwrite first writes skip it, and a full disk loses data", "[mlock][golden]") {
  for (const char* d : {"mlock-v2.6.37", "mlock-v2.6.38"}) {
    INFO(d);
    CheckRun ext2 = run_full("mlock_shared_file.toml", d, {{"page_mkwrite", 0}});
    CHECK(violated(ext2, "mkwrite-before-dirty"));
    CHECK(!violated(ext2, "no-enospc-data-loss"));  // a free block is found at write-back
    CheckRun full = run_full("mlock_shared_file.toml", d, {{"page_mkwrite", 0}, {"free_blocks", 0}});
    CHECK(violated(full, "no-enospc-data-loss"));
    // with ->page_mkwrite the full disk is reported (SIGBUS / mlock's ENOMEM), nothing is lost
    CheckRun ext4 = run_full("mlock_shared_file.toml", d, {{"free_blocks", 0}});
    CHECK(!violated(ext4, "no-enospc-data-loss"));
    CHECK(!violated(ext4, "mkwrite-before-dirty"));
  }
  // 2.6.37's mlock fails (ENOMEM) on the full disk with VM_LOCKED set and no page mlocked;
  // 2.6.38's succeeds and the store is killed by SIGBUS instead.
  CHECK(violated(run_full("mlock_shared_file.toml", "mlock-v2.6.37", {{"free_blocks", 0}}), "mlocked-stays-mlocked"));
  CHECK(!violated(run_full("mlock_shared_file.toml", "mlock-v2.6.38", {{"free_blocks", 0}}), "mlocked-stays-mlocked"));
}

// mlock still breaks COW on private writable mappings (anonymous and file), so the
// parent's store after mlock takes no fault, and a page written after fork is mlocked in
// its writer and not in the child.
TEST_CASE("mlock_private_cow: mlock breaks COW and written pages stay mlocked in the writer", "[mlock][golden]") {
  for (const Design* d : all_designs()) {
    for (long after : {0L, 1L}) {
      INFO(d->name() << " after_fork=" << after);
      CheckRun run = run_full("mlock_private_cow.toml", std::string(d->name()), {{"after_fork", after}});
      CHECK(run.result.completion == Completion::Exhausted);
      CHECK(!run.result.any_violated());
    }
  }
  // mlock after fork: its two write faults copy both pages; the stores are free.
  CHECK(cost("mlock_private_cow.toml", "mlock-v2.6.38", {{"after_fork", 1}}, Cost::CowCopy) == std::pair<long, long>{2, 2});
  CHECK(cost("mlock_private_cow.toml", "mlock-v2.6.38", {{"after_fork", 1}}, Cost::Fault) == std::pair<long, long>{2, 2});
}

// The property can fail: a state where a locked VMA maps a page without PG_mlocked, or a
// page stays mlocked with no locked VMA mapping it, at the end of an execution.
TEST_CASE("mlocked-stays-mlocked fails on the states it forbids", "[mlock][properties][quick]") {
  const Scenario sc = load_scenario(scenario_path("mlock_private_cow.toml"), {{"after_fork", 1}});
  SmtProperty prop(kSrc + "/properties/mlocked-stays-mlocked.smt2", sc, false);
  State s = sc.initial;
  for (unsigned t = 0; t < sc.threads.size(); ++t) s.threads[t].op = static_cast<u8>(sc.threads[t].ops.size());
  s.mms[1].alive = 1;
  CHECK(!prop.check(sc, s, true).has_value());  // nothing locked, nothing mlocked
  s.mms[0].vma[0].flags |= kVmLocked;
  CHECK(prop.check(sc, s, true).has_value());  // a locked VMA maps frame#0, not mlocked
  CHECK(!prop.holds_by_z3(s));
  s.frames[s.pte(0, 0).frame].pg |= kPgMlocked;
  CHECK(!prop.check(sc, s, true).has_value());
  s.mms[0].vma[0].flags &= static_cast<u8>(~kVmLocked);
  CHECK(prop.check(sc, s, true).has_value());  // mlocked, but no locked VMA maps it
  CHECK(!prop.holds_by_z3(s));
}

// A FOLL_FORCE write to a read-only shared file mapping is refused (check_vma_flags: not a
// COW mapping), so the file keeps its contents and the retry loop ends.
TEST_CASE("proc_mem_write to a read-only shared file mapping gets EFAULT", "[mlock][file][quick]") {
  for (const char* d : {"v4.8", "v4.9", "v5.19"}) {
    INFO(d);
    CheckRun run = cowtest::run_scenario(kSrc + "/tests/inputs/proc_mem_shared_ro.toml", d, {}, {}, true);
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(!run.result.any_violated());
    // the write ends (no retry loop without end): some execution finishes, with no fault
    const CostResult c = compute_costs(run.scenario, *run.design);
    REQUIRE(c.status == CostStatus::Computed);
    CHECK(c.finished == 1);
    CHECK(c.bounds[static_cast<unsigned>(Cost::Fault)].max == 0);
  }
}
