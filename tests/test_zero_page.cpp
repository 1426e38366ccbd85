// The shared zero page (model/zero_page.hpp) and cow.c's two R/O long-term pin cases on
// it: a load of an unpopulated private anonymous page maps the zero page from 2.6.32
// (a13ea5b75964), an R/O long-term pin then takes the zero page itself, and the process's
// next store copies it, so the pin does not see the store; 5.8's forced COW for GUP reads
// (17839856fd58) and 6.2's unshare of non-anonymous pages for FOLL_LONGTERM
// (84209e87c696, design v6.3 on) make the pin reliable.
#include <catch2/catch.hpp>

#include <algorithm>
#include <string>

#include "checker/costs.hpp"
#include "model/design_registry.hpp"
#include "model/scenario_load.hpp"
#include "tests/check_helpers.hpp"

using namespace cow;

namespace {

const std::string kDir = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/selftests/";
const std::string kSlow = kDir + "cow_15_ro_longterm_gup_pin_zeropage.toml";
const std::string kFast = kDir + "cow_16_ro_longterm_gup_fast_pin_zeropage.toml";

bool has_label(const CheckRun& r, const std::string& label) {
  return std::any_of(r.traces[0].steps.begin(), r.traces[0].steps.end(), [&](const auto& s) { return s.label == label; });
}

std::pair<long, long> range(const std::string& file, const char* design, Cost c) {
  const Scenario sc = load_scenario(file, {});
  const Design* d = find_design(design);
  REQUIRE(d);
  const CostResult r = compute_costs(sc, *d);
  REQUIRE(r.status == CostStatus::Computed);
  const CostBound& b = r.bounds[static_cast<unsigned>(c)];
  return {b.min, b.unbounded ? -1 : static_cast<long>(b.max)};
}

}  // namespace

TEST_CASE("zero page: an R/O long-term pin of it is unreliable from 2.6.32 to 6.1 but for 5.8, reliable from 6.2",
          "[zero-page][selftests][quick]") {
  struct Row {
    const char* design;
    bool violated;
    std::uint64_t slow_states, fast_states;
  };
  const Row rows[] = {
      {"v2.6.27", false, 9, 10},        // no zero page: the pin's fault allocates the page the store then uses
      {"v2.6.29", false, 9, 10},
      {"brlock", false, 9, 11},
      {"mlock-v2.6.37", true, 19, 20},  // 2.6.32's zero page: the pin takes it, the store copies it
      {"v4.8", true, 19, 20},
      {"v5.8", false, 14, 15},          // FOLL_WRITE forced for GUP reads of a COW mapping
      {"v5.9-rc", true, 19, 20},
      {"v5.9", true, 19, 20},
      {"v5.11", true, 19, 21},
      {"v5.19", true, 19, 21},          // gup_must_unshare: false for a page that is not anonymous
      {"v6.1", true, 19, 21},
      {"v6.3", false, 19, 21},          // 84209e87c696: unshare for FOLL_LONGTERM in a COW mapping
      {"v6.4", false, 19, 21},
      {"v6.18", false, 19, 21},
  };
  for (const Row& r : rows) {
    for (const bool fast : {false, true}) {
      CheckRun run = cowtest::run_scenario(fast ? kFast : kSlow, r.design, {}, {}, true);
      INFO(r.design << (fast ? " fast" : " slow"));
      CHECK(run.result.completion == Completion::Exhausted);
      CHECK(cowtest::violated(run, "pin-reliable") == r.violated);
      CHECK(run.result.states == (fast ? r.fast_states : r.slow_states));
      for (const char* p : {"isolation", "refcount-sane", "no-use-after-free", "no-deadlock", "anon-exclusive-one-mm",
                            "anon-exclusive-pinned", "anon-exclusive-writable"})
        CHECK(!cowtest::violated(run, p));
    }
  }
}

TEST_CASE("zero page: the trace shows the load mapping it, GUP-fast refusing it and the store copying it",
          "[zero-page][quick]") {
  CheckRun run = cowtest::run_scenario(kFast, "v6.1", {}, {"pin-reliable"});
  REQUIRE(run.traces.size() == 1);
  CHECK(has_label(run, "load:page_fault"));
  CHECK(has_label(run, "do_anonymous_page:pte_mkspecial(my_zero_pfn)"));
  CHECK(has_label(run, "gup_pte_range:pte_special(the zero page: slow GUP)"));
  CHECK(has_label(run, "follow_page:get_page(the zero page)"));
  CHECK(has_label(run, "do_wp_page:wp_page_copy(zero page)"));
  CHECK(run.traces[0].steps.size() == 19);
}

// The "holds" of v6.3 are not vacuous: every execution ends, and each takes the unshare
// fault (3 faults: the load's, the unshare, the store's; v6.1 takes 2) and one copy.
TEST_CASE("zero page: v6.3 holds because the pin unshares the zero page", "[zero-page][quick]") {
  CHECK(range(kSlow, "v6.3", Cost::Fault) == std::pair<long, long>{3, 3});
  CHECK(range(kSlow, "v6.3", Cost::CowCopy) == std::pair<long, long>{1, 1});
  CHECK(range(kSlow, "v6.1", Cost::Fault) == std::pair<long, long>{2, 2});
  CHECK(range(kSlow, "v6.1", Cost::CowCopy) == std::pair<long, long>{1, 1});
  CHECK(range(kSlow, "v2.6.27", Cost::CowCopy) == std::pair<long, long>{0, 0});
}
