// Preemption counts and the fewest-preemption counterexample (checker/preemptions.hpp),
// against an oracle written another way: CHESS's iterative preemption bounding (for
// k = 0, 1, ...: a breadth-first search over (state, last thread, preemptions <= k); the
// first k that reaches a violation is the least number of preemptions, and breadth-first
// order gives the fewest steps for it).
#include <catch2/catch.hpp>

#include <deque>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_set>

#include "checker/preemptions.hpp"
#include "checker/run.hpp"
#include "model/design_registry.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "model/threads.hpp"
#include "properties/resolve.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"

using namespace cow;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

struct Bound {
  unsigned preemptions, steps;
};

// The oracle: the least (preemptions, steps) of a path to a state where the run's
// property fails, by preemption bounding.
std::optional<Bound> bounded_search(const Scenario& sc, const Design& d, const Property& p) {
  struct Node {
    State s;
    u8 last;
    unsigned pre;
  };
  struct Key {
    std::uint64_t h;
    u8 last;
    unsigned pre;
    bool operator<(const Key& o) const { return std::tie(h, last, pre) < std::tie(o.h, o.last, o.pre); }
  };
  for (unsigned k = 0; k <= 8; ++k) {
    std::deque<std::pair<Node, unsigned>> queue{{Node{initial_state(sc, d), 0xFF, 0}, 0}};
    std::set<Key> seen{{hash_state(queue.front().first.s), 0xFF, 0}};
    Expansion ex;
    while (!queue.empty()) {
      auto [n, steps] = queue.front();
      queue.pop_front();
      successors(sc, d, n.s, ex);
      const bool final = all_threads_finished(sc, n.s);
      if (p.is_deadlock() ? (ex.succ.empty() && !final) : p.check(sc, n.s, final).has_value()) return Bound{n.pre, steps};
      bool last_enabled = false;
      for (const Successor& su : ex.succ) last_enabled |= su.tid == n.last;
      for (const Successor& su : ex.succ) {
        const unsigned pre = n.pre + (last_enabled && su.tid != n.last ? 1 : 0);
        if (pre > k) continue;
        if (!seen.insert({hash_state(su.next), su.tid, pre}).second) continue;
        queue.push_back({Node{su.next, su.tid, pre}, steps + 1});
      }
    }
  }
  return std::nullopt;
}

CheckRun run(const std::string& file, const char* design, std::map<std::string, long> params, const char* property,
             TraceMode mode, bool por = false) {
  CheckRequest req;
  req.scenario_file = kSrc + "/scenarios/" + file;
  req.design = design;
  req.params = std::move(params);
  req.properties = {property};
  req.trace = mode;
  req.explore.por = por;
  return run_check(req);
}

struct Case {
  const char* file;
  const char* design;
  std::map<std::string, long> params;
  const char* property;
};
const Case kCases[] = {
    {"odirect_fork.toml", "v2.6.27", {{"K", 1}}, "dma-visible"},
    {"odirect_fork.toml", "v2.6.27", {{"K", 2}}, "dma-visible"},
    {"odirect_fork.toml", "v2.6.27", {{"K", 2}}, "pin-writable-in-owner"},
    {"fastgup_fork_pin.toml", "v5.9", {}, "dma-visible"},
    {"dirty_cow.toml", "v4.8", {}, "file-integrity"},
    {"selftests/cow_03_vmsplice_unmap_in_child.toml", "v2.6.27", {}, "isolation"},
    {"vmsplice_child_unmap.toml", "v5.11", {{"swapped", 1}}, "isolation"},
};

}  // namespace

TEST_CASE("fewest preemptions: the search finds the oracle's (preemptions, steps) on every case", "[preemptions][quick]") {
  for (const Case& c : kCases) {
    INFO(c.file << " " << c.design << " " << c.property);
    CheckRun shortest = run(c.file, c.design, c.params, c.property, TraceMode::Shortest);
    CheckRun fewest = run(c.file, c.design, c.params, c.property, TraceMode::FewestPreemptions);
    REQUIRE(shortest.result.outcomes[0].violated);
    REQUIRE(fewest.result.outcomes[0].violated);
    const Trace& s = shortest.traces[0];
    const Trace& f = fewest.traces[0];
    const std::optional<Bound> oracle = bounded_search(fewest.scenario, *fewest.design, *fewest.result.outcomes[0].property);
    REQUIRE(oracle);
    CHECK(preemption_count(f) == oracle->preemptions);
    CHECK(f.steps.size() == oracle->steps);
    // Lexicographic: no more preemptions than the shortest trace, and no fewer steps.
    CHECK(preemption_count(f) <= preemption_count(s));
    CHECK(f.steps.size() >= s.steps.size());
    // The marks are those of a replay, and the trace ends where the property fails.
    Trace again = f;
    for (TraceStep& st : again.steps) st.preempts = false;
    mark_preemptions(fewest.scenario, *fewest.design, again);
    for (std::size_t i = 0; i < f.steps.size(); ++i) CHECK(again.steps[i].preempts == f.steps[i].preempts);
    CHECK(fewest.result.outcomes[0].property->check(fewest.scenario, f.last, all_threads_finished(fewest.scenario, f.last)));
  }
}

TEST_CASE("fewest preemptions: ODF(2) on v2.6.27, the race with one preemption", "[preemptions][quick]") {
  CheckRun s = run("odirect_fork.toml", "v2.6.27", {{"K", 2}}, "dma-visible", TraceMode::Shortest);
  CheckRun f = run("odirect_fork.toml", "v2.6.27", {{"K", 2}}, "dma-visible", TraceMode::FewestPreemptions);
  CHECK(s.traces[0].steps.size() == 17);
  CHECK(preemption_count(s.traces[0]) == 3);
  CHECK(f.traces[0].steps.size() == 25);
  CHECK(preemption_count(f.traces[0]) == 1);
  // The search ignores the reductions: the same trace under --por.
  CheckRun fp = run("odirect_fork.toml", "v2.6.27", {{"K", 2}}, "dma-visible", TraceMode::FewestPreemptions, true);
  CHECK(fp.traces[0].steps.size() == 25);
  CHECK(preemption_count(fp.traces[0]) == 1);
}

TEST_CASE("fewest preemptions: the command line, text and JSON", "[preemptions][cli][quick]") {
  const std::string file = cowtest::shell_quote(kSrc + "/scenarios/odirect_fork.toml");
  auto text = cowtest::run_cowcheck("check " + file + " --design v2.6.27 --param K=2 --property dma-visible --trace fewest-preemptions");
  SHOW(text);
  CHECK(text.status == 1);
  CHECK(text.output.find("dma-visible  VIOLATED (25 steps, 1 preemption)") != std::string::npos);
  CHECK(text.output.find("(25 steps, 1 preemption; the fewest preemptions, then the fewest steps)") != std::string::npos);
  CHECK(text.output.find("<- preempts R1") != std::string::npos);
  auto json = cowtest::run_cowcheck("check " + file + " --design v2.6.27 --param K=2 --property dma-visible --format json");
  SHOW(json);
  CHECK(json.output.find("\"preemptions\": 3") != std::string::npos);
  CHECK(json.output.find("\"trace\": \"shortest\"") != std::string::npos);
  CHECK(json.output.find("\"preempts\": true") != std::string::npos);
  auto bad = cowtest::run_cowcheck("check " + file + " --design v2.6.27 --trace longest");
  SHOW(bad);
  CHECK(bad.status == 2);
  CHECK(bad.output.find("--trace must be shortest or fewest-preemptions, got 'longest'") != std::string::npos);
}

TEST_CASE("explain: the trace says what do_wp_page, fork's pin test and GUP-fast's re-check read", "[explain][quick]") {
  CheckRun odf = run("odirect_fork.toml", "v2.6.27", {{"K", 1}}, "dma-visible", TraceMode::Shortest);
  auto why_of = [](const Trace& t, const std::string& label) {
    for (const TraceStep& s : t.steps)
      if (s.label == label) return s.why;
    return std::string("(no such step)");
  };
  CHECK(why_of(odf.traces[0], "do_wp_page:cow_user_page") == "tested: page_count 3, page_mapcount 2 -> copy");
  CheckRun fgp = run("fastgup_fork_pin.toml", "v5.9", {}, "dma-visible", TraceMode::Shortest);
  CHECK(why_of(fgp.traces[0], "copy_present_page:page_maybe_dma_pinned") ==
        "tested: mm->has_pinned 1, pincount 0 -> not pinned: share it, write-protected");
  CHECK(why_of(fgp.traces[0], "gup_pte_range:try_grab_compound_head") ==
        "tested: the PTE re-read is the one walked -> keep the reference");
}
