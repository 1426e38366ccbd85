// Golden verdicts, state counts and traces, every one produced by running the checker.
// The state counts are those of the reference scenario ODF(K) (README, "The main job"):
// the same atomic steps must give the same graph (a mismatch means the model is not the
// spec).
#include <catch2/catch.hpp>
#include <algorithm>
#include <fstream>
#include <sstream>

#include "checker/costs.hpp"
#include "checker/report.hpp"
#include "tests/check_helpers.hpp"
#include "tests/scenario_files.hpp"
#include "model/names.hpp"
#include "model/scenario_load.hpp"

using namespace cow;

namespace {

std::string scenario(const std::string& name) { return std::string(COWCHECK_SOURCE_DIR) + "/scenarios/" + name; }

CheckRun check(const std::string& file, const std::string& design, std::map<std::string, long> params,
               std::vector<std::string> props = {}, bool full = false) {
  return cowtest::run_scenario(scenario(file), design, std::move(params), std::move(props), full);
}

// "VH.." : one letter per property of the scenario's default list, V violated / H holds.
std::string verdicts(const CheckRun& run) {
  std::string s;
  for (const PropertyOutcome& o : run.result.outcomes) {
    Verdict v = verdict_of(run.result, o);
    s += v == Verdict::Violated ? 'V' : v == Verdict::Holds ? 'H' : '?';
  }
  return s;
}

}  // namespace

// Properties, in the scenario's order: dma-visible, own-write-visible,
// pin-writable-in-owner, refcount-sane, no-deadlock, isolation, no-use-after-free.
TEST_CASE("ODF(K): verdicts and whole-graph state counts equal the reference", "[golden][odf]") {
  struct Row {
    const char* design;
    long k;
    const char* verdicts;
    std::uint64_t states;
  };
  const Row rows[] = {
      {"v2.6.27", 1, "VHVHHHH", 196},     {"v2.6.27", 2, "VHVHHHH", 6794},    {"v2.6.27", 3, "VHVHHHH", 243186},
      {"forcecow", 1, "VHVHHHH", 259},    {"forcecow", 2, "VHVHHHH", 12527},  {"forcecow", 3, "VHVHHHH", 565032},
      {"brlock", 1, "HHHHHHH", 218},      {"brlock", 2, "HHHHHHH", 9025},     {"brlock", 3, "HHHHHHH", 355898},
  };
  for (const Row& r : rows) {
    INFO(r.design << " K=" << r.k);
    CheckRun run = check("odirect_fork.toml", r.design, {{"K", r.k}}, {}, /*full=*/true);
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(verdicts(run) == r.verdicts);
    CHECK(run.result.states == r.states);
  }
}

TEST_CASE("ODF(K): the shortest dma-visible violation takes 3K+11 steps", "[golden][odf][trace]") {
  for (const char* design : {"v2.6.27", "forcecow"})
    for (long k : {1, 2}) {
      INFO(design << " K=" << k);
      CheckRun run = check("odirect_fork.toml", design, {{"K", k}}, {"dma-visible"});
      REQUIRE(run.result.outcomes[0].violated);
      CHECK(run.traces[0].steps.size() == static_cast<std::size_t>(3 * k + 11));
    }
}

TEST_CASE("brlock ODF(3) exhaustively holds", "[golden][odf]") {
  CheckRun run = check("odirect_fork.toml", "brlock", {{"K", 3}});
  CHECK(exit_status(run.result) == 0);
  CHECK(run.result.states == 355898);
}

TEST_CASE("forcecow: GUP-fast reads the PTE before fork's check and pins after it", "[golden][odf][trace][quick]") {
  CheckRun run = check("odirect_fork.toml", "forcecow", {{"K", 1}}, {"pin-writable-in-owner"});
  REQUIRE(run.result.outcomes[0].violated);
  std::vector<std::string> labels;
  for (const TraceStep& s : run.traces[0].steps) labels.push_back(s.label);
  auto at = [&](const std::string& l) { return std::find(labels.begin(), labels.end(), l) - labels.begin(); };
  CHECK(at("gup_pte_range:gup_get_pte") < at("copy_one_pte:forcecow"));
  CHECK(at("copy_one_pte:forcecow") < at("gup_pte_range:get_page"));
  CHECK(labels.back() == "gup_pte_range:get_page");
}

TEST_CASE("v2.6.27: pin-writable-in-owner fails first, when fork write-protects the pinned page", "[golden][odf]") {
  CheckRun run = check("odirect_fork.toml", "v2.6.27", {{"K", 2}});
  std::size_t shortest = 0;
  for (std::size_t i = 1; i < run.traces.size(); ++i)
    if (run.result.outcomes[i].violated &&
        (!run.result.outcomes[shortest].violated || run.traces[i].steps.size() < run.traces[shortest].steps.size()))
      shortest = i;
  CHECK(run.result.outcomes[shortest].property->name() == "pin-writable-in-owner");
  CHECK(run.traces[shortest].steps.back().label == "copy_one_pte");
}

TEST_CASE("rdma_pin_fork: the LWN 2006 case, with and without MADV_DONTFORK", "[golden][rdma][quick]") {
  struct Row {
    const char* design;
    long dontfork;
    const char* verdicts;
  };
  const Row rows[] = {
      {"v2.6.27", 0, "VHVHHHH"}, {"forcecow", 0, "HHHHHHH"}, {"brlock", 0, "HHHHHHH"},
      {"v2.6.27", 1, "HHHHHHH"}, {"forcecow", 1, "HHHHHHH"}, {"brlock", 1, "HHHHHHH"},
  };
  for (const Row& r : rows) {
    INFO(r.design << " dontfork=" << r.dontfork);
    CheckRun run = check("rdma_pin_fork.toml", r.design, {{"dontfork", r.dontfork}}, {}, true);
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(verdicts(run) == r.verdicts);
  }
}

// The whole text of the shortest trace, compared with a file the checker wrote. Run the
// tests with COWCHECK_UPDATE_GOLDEN=1 to rewrite it after an intended change.
TEST_CASE("golden trace: v2.6.27 ODF(1), dma-visible", "[golden][trace][quick]") {
  CheckRun run = check("odirect_fork.toml", "v2.6.27", {{"K", 1}}, {"dma-visible"});
  REQUIRE(run.result.outcomes[0].violated);
  std::string text = text_trace(run, 0);
  std::string path = std::string(COWCHECK_SOURCE_DIR) + "/tests/golden/odf_k1_v2.6.27_dma-visible.txt";
  if (std::getenv("COWCHECK_UPDATE_GOLDEN")) std::ofstream(path) << text;
  std::ifstream in(path);
  REQUIRE(in.good());
  std::stringstream want;
  want << in.rdbuf();
  CHECK(text == want.str());
  CHECK(run.traces[0].steps.size() == 14);
}

// Hidden (about 3 minutes in a release build): `cowcheck_tests "[slow]"`.
TEST_CASE("ODF(4): whole-graph state counts equal the reference", "[.slow][golden][odf]") {
  const std::pair<const char*, std::uint64_t> rows[] = {
      {"v2.6.27", 9902235}, {"forcecow", 26620314}, {"brlock", 14917104}};
  for (const auto& [design, states] : rows) {
    INFO(design);
    CheckRequest req;
    req.scenario_file = scenario("odirect_fork.toml");
    req.design = design;
    req.params = {{"K", 4}};
    req.explore.full = true;
    req.explore.threads = 2;
    CheckRun run = run_check(req);
    CHECK(run.result.states == states);
  }
}

// The 5.9 cycle: 09854ba94c6a made do_wp_page copy any page with
// an extra reference, which broke RDMA's FOLL_PIN registrations across fork ("the process
// is not seeing DMA'd data to a pin_user_pages()"); the early COW at fork (70e806e4e645,
// f3c64eda3e50) fixed it for FOLL_PIN only, but left a window for FOLL_PIN GUP-fast
// between fork's pin check and its write-protect, closed in 5.11 by write_protect_seq
// (57efa1fe5957). FOLL_GET references (O_DIRECT of the time) stay broken in all three.
TEST_CASE("v5.9-rc, v5.9, v5.11: FOLL_GET vs FOLL_PIN on ODF(2) and the RDMA case", "[golden][odf][rdma]") {
  struct Row {
    const char* scenario;
    const char* design;
    long pin;
    const char* verdicts;
  };
  const Row rows[] = {
      {"odirect_fork.toml", "v5.9-rc", 0, "VHVHHHH"}, {"odirect_fork.toml", "v5.9-rc", 1, "VHVHHHH"},
      {"odirect_fork.toml", "v5.9", 0, "VHVHHHH"},    {"odirect_fork.toml", "v5.9", 1, "VHVHHHH"},
      {"odirect_fork.toml", "v5.11", 0, "VHVHHHH"},   {"odirect_fork.toml", "v5.11", 1, "HHHHHHH"},
      {"rdma_pin_fork.toml", "v5.9-rc", 0, "VHVHHHH"}, {"rdma_pin_fork.toml", "v5.9-rc", 1, "VHVHHHH"},
      {"rdma_pin_fork.toml", "v5.9", 0, "VHVHHHH"},    {"rdma_pin_fork.toml", "v5.9", 1, "HHHHHHH"},
      {"rdma_pin_fork.toml", "v5.11", 0, "VHVHHHH"},   {"rdma_pin_fork.toml", "v5.11", 1, "HHHHHHH"},
  };
  for (const Row& r : rows) {
    INFO(r.scenario << " " << r.design << " pin=" << r.pin);
    CheckRun run = check(r.scenario, r.design, {{"pin", r.pin}}, {}, /*full=*/true);
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(verdicts(run) == r.verdicts);
  }
}

// 57efa1fe5957's interleaving: v5.9 loses the DMA when GUP-fast pins between fork's
// page_maybe_dma_pinned() check and its write-protect; v5.11's seqcount sends GUP-fast to
// the slow path instead.
TEST_CASE("fastgup_fork_pin: v5.9 fails through the fork window, v5.11 holds", "[golden][fastgup][quick]") {
  CheckRun v59 = check("fastgup_fork_pin.toml", "v5.9", {}, {"dma-visible"});
  REQUIRE(v59.result.outcomes[0].violated);
  std::vector<std::string> labels;
  for (const TraceStep& s : v59.traces[0].steps) labels.push_back(s.label);
  auto at = [&](const std::string& l) { return std::find(labels.begin(), labels.end(), l) - labels.begin(); };
  // The check, then the pin, then the write-protect.
  CHECK(at("copy_present_page:page_maybe_dma_pinned") < at("gup_pte_range:try_grab_compound_head"));
  CHECK(at("gup_pte_range:try_grab_compound_head") < at("copy_present_pte:get_page+ptep_set_wrprotect"));
  CHECK(at("copy_present_pte:get_page+ptep_set_wrprotect") < static_cast<long>(labels.size()));
  CheckRun v511 = check("fastgup_fork_pin.toml", "v5.11", {}, {}, /*full=*/true);
  CHECK(v511.result.completion == Completion::Exhausted);
  CHECK(verdicts(v511) == "HHHHHHH");
}

// Arcangeli's 2009 PG_gup fix (NAKed for its fork_pre_cow, not for being wrong): fork
// write-protects first and copies a PG_gup page with extra references; GUP-fast re-checks
// the PTE after get_page. The checker finds no violation on any scenario of the race.
TEST_CASE("pg_gup holds on ODF(2), the RDMA case and the fast-GUP window", "[golden][pg_gup][quick]") {
  for (const char* scenario : {"odirect_fork.toml", "rdma_pin_fork.toml", "fastgup_fork_pin.toml"}) {
    INFO(scenario);
    CheckRun run = check(scenario, "pg_gup", {}, {}, /*full=*/true);
    CHECK(run.result.completion == Completion::Exhausted);
    CHECK(verdicts(run) == "HHHHHHH");
  }
}

// The design library against the scenarios that broke each design. Each row
// is one claim of the kernel history, as the checker found it; the whole matrix is
// pinned by papers/design-matrix.md and its test.
TEST_CASE("the COW/GUP history, scenario by scenario", "[golden][history]") {
  struct Row {
    const char* file;
    std::map<std::string, long> params;
    const char* design;
    const char* property;
    bool violated;
  };
  const Row rows[] = {
      // CVE-2020-29374: the child's vmsplice + unmap leaks the parent's write on the
      // mapcount rule; 5.8's forced COW and 5.9's page_count rule close it ...
      {"vmsplice_child_unmap.toml", {}, "v2.6.27", "isolation", true},
      {"vmsplice_child_unmap.toml", {}, "v5.8", "isolation", false},
      {"vmsplice_child_unmap.toml", {}, "v5.9-rc", "isolation", false},
      // ... except through swap, where do_swap_page kept reuse_swap_page (COW fixes part 1)
      {"vmsplice_child_unmap.toml", {{"swapped", 1}}, "v5.11", "isolation", true},
      {"vmsplice_child_unmap.toml", {{"swapped", 1}}, "v5.19", "isolation", false},
      // the 5.9-rc RDMA regression, fixed by early COW at fork for FOLL_PIN
      {"rdma_pin_fork_child_exit.toml", {{"pin", 1}}, "v2.6.27", "dma-visible", false},
      {"rdma_pin_fork_child_exit.toml", {{"pin", 1}}, "v5.9-rc", "dma-visible", true},
      {"rdma_pin_fork_child_exit.toml", {{"pin", 1}}, "v5.9", "dma-visible", false},
      // wrong COW of a pinned page: clear_refs and swap until 5.11 (FOLL_PIN) / 5.19 (FOLL_GET),
      // mprotect until 5.19
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"clear_refs", 1}, {"pin", 1}}, "v5.9", "dma-visible", true},
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"clear_refs", 1}, {"pin", 1}}, "v5.11", "dma-visible", false},
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"clear_refs", 1}}, "v5.11", "dma-visible", true},
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"clear_refs", 1}}, "v5.19", "dma-visible", false},
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"swap", 1}, {"pin", 1}}, "v5.9-rc", "dma-visible", true},
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"swap", 1}, {"pin", 1}}, "v5.11", "dma-visible", false},
      {"wrong_cow_pinned.toml", {{"pin", 1}}, "v5.11", "dma-visible", true},
      {"wrong_cow_pinned.toml", {{"pin", 1}}, "v5.19", "dma-visible", false},
      {"wrong_cow_pinned.toml", {{"mprotect", 0}, {"swap", 1}}, "v2.6.27", "dma-visible", false},
      // R/O pins: 5.8's forced COW and 5.19's FAULT_FLAG_UNSHARE make them reliable
      {"ro_pin_shared.toml", {}, "v5.11", "pin-reliable", true},
      {"ro_pin_shared.toml", {{"fast", 1}}, "v5.8", "pin-reliable", false},
      {"ro_pin_shared.toml", {{"fast", 1}}, "v5.19", "pin-reliable", false},
      // the selftest: every anonymous case passes on v5.19, on a base and a swapped-out page
      {"selftests/cow_13_ro_gup_pin_exclusive.toml", {}, "v5.11", "pin-reliable", true},
      {"selftests/cow_13_ro_gup_pin_exclusive.toml", {{"swapped", 1}}, "v5.19", "pin-reliable", false},
      {"selftests/cow_05_vmsplice_before_fork_unmap_in_parent.toml", {}, "v5.8", "isolation", true},
      {"selftests/cow_05_vmsplice_before_fork_unmap_in_parent.toml", {}, "forcecow", "isolation", false},
      {"selftests/cow_08_iouring_fixed_buffer_fork.toml", {}, "v5.9-rc", "pin-reliable", true},
      {"selftests/cow_08_iouring_fixed_buffer_fork.toml", {}, "v5.9", "pin-reliable", false},
  };
  for (const Row& r : rows) {
    CheckRun run = check(r.file, r.design, r.params, {r.property});
    INFO(r.file << " " << r.design << " " << r.property);
    REQUIRE(run.result.outcomes.size() == 1);
    CHECK(run.result.outcomes[0].violated == r.violated);
  }
}

TEST_CASE("every cow.c anonymous case passes on v5.19, base and swapped-out", "[golden][selftests]") {
  std::vector<std::string> files = test::scenario_files("selftests");
  // (the zero-page cases are not anonymous-page cases: tests/test_zero_page.cpp)
  std::erase_if(files, [](const std::string& f) { return f.find("zeropage") != std::string::npos; });
  REQUIRE(files.size() == 14);
  for (const std::string& file : files) {
    for (long swapped : {0L, 1L}) {
      CheckRun run = cowtest::run_scenario(file, "v5.19", {{"swapped", swapped}}, {}, true);
      INFO(file << " swapped=" << swapped);
      CHECK(run.result.completion == Completion::Exhausted);
      CHECK(!run.result.any_violated());
    }
  }
}

// The COW PTE table (Hildenbrand's form of the 2022 RFC, on v5.19): the same
// verdicts as v5.19 on every scenario of the design library, no shared table ever
// changed in place, and no PTE copied at fork where the table could be shared.
TEST_CASE("cow-pte-table keeps the v5.19 verdicts and copies no PTE at fork", "[golden][cow-pte]") {
  const std::vector<std::string> files = test::scenario_files();
  REQUIRE(files.size() >= 27);
  unsigned shared_forks = 0;
  for (const std::string& file : files) {
    Scenario probe = load_scenario(file);
    std::vector<std::map<std::string, long>> rows = probe.matrix;
    if (rows.empty()) rows.push_back({});
    for (const auto& params : rows) {
      auto run = [&](const char* design, std::vector<std::string> props) {
        CheckRequest req;
        req.scenario_file = file;
        req.design = design;
        req.params = params;
        req.properties = std::move(props);
        req.explore.full = true;
        return run_check(req);
      };
      CheckRun a = run("v5.19", {});
      CheckRun b = run("cow-pte-table", {});
      INFO(file << " " << params_text(a.scenario.params));
      REQUIRE(a.result.outcomes.size() == b.result.outcomes.size());
      for (std::size_t k = 0; k < a.result.outcomes.size(); ++k) {
        INFO(a.result.outcomes[k].property->name());
        CHECK(verdict_of(a.result, a.result.outcomes[k]) == verdict_of(b.result, b.result.outcomes[k]));
      }
      CheckRun c = run("cow-pte-table", {"shared-table-unmodified"});
      CHECK(!c.result.any_violated());
      const CostResult ca = compute_costs(a.scenario, *a.design);
      const CostResult cb = compute_costs(b.scenario, *b.design);
      REQUIRE(ca.status == CostStatus::Computed);
      REQUIRE(cb.status == CostStatus::Computed);
      const unsigned copies = static_cast<unsigned>(Cost::ForkPteCopy);
      CHECK(cb.bounds[copies].max <= ca.bounds[copies].max);
      if (ca.bounds[copies].min > 0 && cb.bounds[copies].max == 0) ++shared_forks;
    }
  }
  CHECK(shared_forks >= 25);  // most forks find a table that can be shared (31 of the 62 rows)
}

// Dirty COW (CVE-2016-5195): found on v4.8 (and every kernel before 4.9 in the library)
// by the interleaving of the public exploit, in 11 steps; gone from v4.9 on. The first
// write fault (do_cow_fault) makes the private copy but reports no VM_FAULT_WRITE, so
// __get_user_pages faults a second time: do_wp_page reuses the copy, returns
// VM_FAULT_WRITE, and faultin_page drops FOLL_WRITE.
TEST_CASE("dirty_cow: v4.8 writes the read-only file in 11 steps, v4.9 does not", "[golden][dirty-cow][quick]") {
  CheckRun bad = check("dirty_cow.toml", "v4.8", {}, {"file-integrity"});
  REQUIRE(bad.result.outcomes.size() == 1);
  REQUIRE(bad.result.outcomes[0].violated);
  REQUIRE(bad.traces[0].steps.size() == 11);
  // the write fault's COW, the second write fault (reuse: VM_FAULT_WRITE), the zap of the
  // copy, the read fault on the page-cache page
  std::vector<std::string> labels;
  for (const auto& s : bad.traces[0].steps) labels.push_back(s.label);
  CHECK(labels[2] == "faultin_page:do_cow_fault");
  CHECK(labels[4] == "faultin_page:do_wp_page:can_share_swap_page(reuse):VM_FAULT_WRITE+drop FOLL_WRITE");
  CHECK(labels[6] == "madvise_dontneed:zap_page_range");
  CHECK(labels[8] == "faultin_page:do_read_fault");
  for (const char* d : {"v2.6.27", "pg_gup"}) CHECK(check("dirty_cow.toml", d, {}, {"file-integrity"}).result.any_violated());
  for (const char* d : {"v4.9", "v5.8", "v5.19", "cow-pte-table"}) {
    CheckRun good = check("dirty_cow.toml", d, {}, {}, true);
    INFO(d);
    CHECK(good.result.completion == Completion::Exhausted);
    CHECK(!good.result.any_violated());
  }
}
