// The costs pass (checker/costs.hpp) and the design matrix paper (compare --papers).
// Figures derived by hand from the model are confirmed by the tool; the real oracle is a
// brute-force enumeration of every execution path on small scenarios, and, for cycles,
// hand-made and random graphs against a walk-by-walk dynamic programme.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <set>
#include <sstream>
#include <unordered_map>

#include <nlohmann/json.hpp>

#include "tests/quick.hpp"
#include "checker/costs.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "tests/cli_run.hpp"
#include "model/design_registry.hpp"

using namespace cow;
namespace fs = std::filesystem;

namespace {

const std::string kSourceDir = COWCHECK_SOURCE_DIR;
std::string scenario(const std::string& name) { return kSourceDir + "/scenarios/" + name; }

unsigned idx(Cost c) { return static_cast<unsigned>(c); }

CostResult costs_of(const std::string& file, const std::string& design, const std::map<std::string, long>& params) {
  const Scenario sc = load_scenario(scenario(file), params);
  const Design* d = find_design(design);
  REQUIRE(d);
  return compute_costs(sc, *d);
}

// min and max of one cost kind, as a pair (max == -1: unbounded).
std::pair<long, long> range(const CostResult& r, Cost c) {
  const CostBound& b = r.bounds[idx(c)];
  return {b.min, b.unbounded ? -1 : static_cast<long>(b.max)};
}

// ---- Brute force: every execution path, enumerated one by one ----------------------

struct StateHash {
  std::size_t operator()(const State& s) const { return hash_state(s); }
};

struct Enumerated {
  std::uint64_t states = 0, paths = 0;
  std::set<std::uint32_t> ends;  // finished states reached
  std::array<long, kCostKinds> min{}, max{};
  bool cyclic = false;
};

// The graph built here with its own map (not the costs pass's store), then every path
// from the initial state followed to its end, summing the costs step by step.
Enumerated enumerate_paths(const Scenario& sc, const Design& d) {
  struct Edge {
    std::uint32_t to;
    CostVec cost;
  };
  std::unordered_map<State, std::uint32_t, StateHash> ids;
  std::vector<State> states;
  std::vector<std::vector<Edge>> out;
  std::vector<char> finished;
  auto id_of = [&](const State& s) {
    auto [it, fresh] = ids.emplace(s, static_cast<std::uint32_t>(states.size()));
    if (fresh) states.push_back(s);
    return it->second;
  };
  id_of(initial_state(sc, d));  // (the design's view: 5.19 marks populated pages exclusive)
  Expansion ex;
  for (std::uint32_t v = 0; v < states.size(); ++v) {
    const State s = states[v];
    successors(sc, d, s, ex);
    REQUIRE_FALSE(ex.out_of_frames);
    bool fin = true;
    for (unsigned t = 0; t < sc.threads.size(); ++t) fin = fin && thread_finished(sc, s, t);
    finished.push_back(fin);
    std::vector<Edge> es;
    for (const Successor& su : ex.succ) es.push_back({id_of(su.next), su.cost});
    out.push_back(std::move(es));
  }
  Enumerated e;
  e.states = states.size();
  e.min.fill(std::numeric_limits<long>::max());
  e.max.fill(-1);
  struct Frame {
    std::uint32_t v;
    std::size_t next;
    std::array<long, kCostKinds> sum;
  };
  std::vector<char> on_path(states.size(), 0);
  std::vector<Frame> path{{0, 0, {}}};
  on_path[0] = 1;
  while (!path.empty()) {
    Frame& f = path.back();
    if (f.next == 0 && finished[f.v]) {
      ++e.paths;
      e.ends.insert(f.v);
      for (unsigned k = 0; k < kCostKinds; ++k) {
        e.min[k] = std::min(e.min[k], f.sum[k]);
        e.max[k] = std::max(e.max[k], f.sum[k]);
      }
    }
    if (f.next == out[f.v].size()) {
      on_path[f.v] = 0;
      path.pop_back();
      continue;
    }
    const Edge edge = out[f.v][f.next++];
    if (on_path[edge.to]) {  // a cycle: enumeration would not end
      e.cyclic = true;
      return e;
    }
    std::array<long, kCostKinds> sum = f.sum;
    for (unsigned k = 0; k < kCostKinds; ++k) sum[k] += edge.cost[k];
    on_path[edge.to] = 1;
    path.push_back({edge.to, 0, sum});
  }
  return e;
}

// ---- Oracle for hand-made and random graphs: the best total over walks of each length --

struct WalkOracle {
  bool finishes = false;
  std::array<long, kCostKinds> min{}, max{};
  std::array<bool, kCostKinds> unbounded{};
};

// best[v] over walks of exactly L edges from 0 to v, for L = 0 .. n*(bound+3): a walk of
// greatest total with no positive cycle has under n edges; with one, repeating it beats
// any cycle-free total within that many edges.
WalkOracle walk_oracle(const CostGraph& g) {
  const std::size_t n = g.states();
  WalkOracle o;
  for (unsigned k = 0; k < kCostKinds; ++k) {
    constexpr long kNone = std::numeric_limits<long>::min();
    auto best_over = [&](std::size_t steps, bool maximise) {
      std::vector<long> cur(n, kNone), next(n);
      cur[0] = 0;
      long best = kNone;
      for (std::size_t l = 0;; ++l) {
        for (std::size_t v = 0; v < n; ++v)
          if (cur[v] != kNone && g.finished[v])
            best = best == kNone ? cur[v] : maximise ? std::max(best, cur[v]) : std::min(best, cur[v]);
        if (l == steps) break;
        std::fill(next.begin(), next.end(), kNone);
        for (std::size_t v = 0; v < n; ++v) {
          if (cur[v] == kNone) continue;
          for (std::uint64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
            const long c = cur[v] + g.cost_table[g.cost_ids[e]][k];
            long& t = next[g.targets[e]];
            t = t == kNone ? c : maximise ? std::max(t, c) : std::min(t, c);
          }
        }
        cur.swap(next);
      }
      return best;
    };
    const long lo = best_over(n, false), simple = best_over(n, true);
    if (lo == kNone) return o;
    o.finishes = true;
    o.min[k] = lo;
    const long longer = best_over(n * static_cast<std::size_t>(simple + 3), true);
    o.unbounded[k] = longer > simple;
    o.max[k] = simple;
  }
  return o;
}

CostGraph graph(std::size_t n, const std::vector<std::tuple<unsigned, unsigned, CostVec>>& edges,
                const std::vector<unsigned>& finished) {
  CostGraph g;
  g.offsets.assign(1, 0);
  for (std::size_t v = 0; v < n; ++v) {
    for (const auto& [from, to, cost] : edges)
      if (from == v) {
        g.targets.push_back(to);
        g.cost_ids.push_back(g.cost_id(cost));
      }
    g.offsets.push_back(g.targets.size());
  }
  g.finished.assign(n, false);
  for (unsigned f : finished) g.finished[f] = true;
  return g;
}

CostVec fc(unsigned n) {  // n fork copies
  CostVec c{};
  c[idx(Cost::ForkCopy)] = static_cast<std::uint8_t>(n);
  return c;
}

std::string read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every regular file under dir, relative path -> contents.
std::map<std::string, std::string> tree(const fs::path& dir) {
  std::map<std::string, std::string> out;
  for (const auto& e : fs::recursive_directory_iterator(dir))
    if (e.is_regular_file()) out[fs::relative(e.path(), dir).string()] = read_file(e.path());
  return out;
}

// A fresh directory with `scenarios` linked to the source tree's, so that the paper's
// command runs there exactly as the `papers` target runs it in the source directory.
fs::path work_dir(const std::string& tag) {
  const fs::path d = fs::temp_directory_path() / ("cowcheck_costs_" + tag + "_" + std::to_string(::getpid()));
  fs::remove_all(d);
  fs::create_directories(d);
  fs::create_directory_symlink(fs::path(kSourceDir) / "scenarios", d / "scenarios");
  return d;
}

const std::string kPaperArgs = "compare --designs all --scenarios scenarios/ --papers papers/";

}  // namespace

// Derived from the model by hand, for ODF(1) (one page, R0 reads it with O_DIRECT, W
// stores into it, F forks):
// - v2.6.27 never copies at fork; fork write-protects the parent's PTE, which is writable
//   until then in every execution (nothing else write-protects it): exactly 1.
// - forcecow copies at fork when R0's reference is held then (and then leaves the PTE
//   writable), otherwise write-protects: fork copies 0-1, PTEs write-protected 0-1.
// - brlock takes br_read_lock once per GUP-fast walk: once per O_DIRECT read (a walk that
//   falls back goes to the slow path, never back): K locks for K pages.
// - Faults: none when W stores and R0 walks before fork; two when W's store faults on the
//   write-protected PTE and R0's slow GUP faults too (each fault is counted where taken).
TEST_CASE("costs: figures derived by hand on ODF(K)", "[costs][quick]") {
  const CostResult v = costs_of("odirect_fork.toml", "v2.6.27", {{"K", 1}});
  REQUIRE(v.status == CostStatus::Computed);
  CHECK(v.states == 196);  // the reference count (tests/test_golden.cpp)
  CHECK(range(v, Cost::ForkCopy) == std::pair<long, long>{0, 0});
  CHECK(range(v, Cost::PteWrprotect) == std::pair<long, long>{1, 1});
  CHECK(range(v, Cost::GupFastLock) == std::pair<long, long>{0, 0});
  CHECK(range(v, Cost::Fault) == std::pair<long, long>{0, 2});
  CHECK(range(v, Cost::CowCopy) == std::pair<long, long>{0, 1});

  const CostResult f = costs_of("odirect_fork.toml", "forcecow", {{"K", 1}});
  REQUIRE(f.status == CostStatus::Computed);
  CHECK(range(f, Cost::ForkCopy) == std::pair<long, long>{0, 1});
  CHECK(range(f, Cost::PteWrprotect) == std::pair<long, long>{0, 1});

  for (long k : {1, 2}) {
    INFO("brlock K=" << k);
    const CostResult b = costs_of("odirect_fork.toml", "brlock", {{"K", k}});
    REQUIRE(b.status == CostStatus::Computed);
    CHECK(range(b, Cost::GupFastLock) == std::pair<long, long>{k, k});
    CHECK(range(b, Cost::ForkCopy) == std::pair<long, long>{0, k});
  }
  // v2.6.27 on ODF(2): fork write-protects both pages in every execution.
  CHECK(range(costs_of("odirect_fork.toml", "v2.6.27", {{"K", 2}}), Cost::PteWrprotect) == std::pair<long, long>{2, 2});
}

TEST_CASE("costs: min and max are those of a brute-force enumeration of every execution", "[costs][oracle]") {
  struct Case {
    const char* file;
    std::map<std::string, long> params;
  };
  const Case cases[] = {
      {"scenarios/odirect_fork.toml", {{"K", 1}, {"pin", 0}}},
      {"scenarios/odirect_fork.toml", {{"K", 1}, {"pin", 1}}},
      {"scenarios/fastgup_fork_pin.toml", {}},
      {"scenarios/rdma_pin_fork.toml", {{"pin", 0}}},
      {"scenarios/rdma_pin_fork.toml", {{"pin", 1}}},
      {"scenarios/rdma_pin_fork.toml", {{"dontfork", 1}}},
      {"tests/inputs/deadlock_dma_after_unpin.toml", {}},  // some executions deadlock
  };
  for (const Case& c : cases)
    for (const Design* d : all_designs()) {
      if (test::skip_design(*d)) continue;
      const Scenario sc = load_scenario(kSourceDir + "/" + c.file, c.params);
      INFO(c.file << " " << d->name() << " params " << sc.params.size());
      const Enumerated e = enumerate_paths(sc, *d);
      REQUIRE_FALSE(e.cyclic);  // (these scenarios have no retry loop that returns to a state)
      REQUIRE(e.paths > 0);
      const CostResult r = compute_costs(sc, *d);
      REQUIRE(r.status == CostStatus::Computed);
      CHECK(r.states == e.states);
      CHECK(r.finished == e.ends.size());
      for (unsigned k = 0; k < kCostKinds; ++k) {
        INFO(cost_name(static_cast<Cost>(k)) << ": " << bound_text(r.bounds[k]) << " vs enumerated " << e.min[k] << "-"
                                             << e.max[k] << " over " << e.paths << " paths");
        CHECK(r.bounds[k].min <= r.bounds[k].max);
        CHECK_FALSE(r.bounds[k].unbounded);
        CHECK(static_cast<long>(r.bounds[k].min) == e.min[k]);
        CHECK(static_cast<long>(r.bounds[k].max) == e.max[k]);
      }
    }
}

TEST_CASE("costs: cycles on hand-made graphs", "[costs][cycles][quick]") {
  CostVec zero{}, both = fc(1);
  both[idx(Cost::Fault)] = 2;
  SECTION("a positive cycle on the way to the end: unbounded; the least total skips it") {
    // 0 -1-> 1 -1-> 2 -0-> 1 ; 1 -0-> 3 (finished)
    const CostGraph g = graph(4, {{0, 1, fc(1)}, {1, 2, fc(1)}, {2, 1, zero}, {1, 3, zero}}, {3});
    const GraphCosts c = analyse_costs(g);
    REQUIRE(c.any_finished);
    CHECK(c.bounds[idx(Cost::ForkCopy)].min == 1);
    CHECK(c.bounds[idx(Cost::ForkCopy)].unbounded);
    CHECK_FALSE(c.bounds[idx(Cost::Fault)].unbounded);  // the cycle costs no fault
    CHECK(bound_text(c.bounds[idx(Cost::ForkCopy)]) == "1–∞");
  }
  SECTION("a positive cycle that cannot reach the end does not count") {
    // 0 -1-> 1 (finished); 0 -0-> 2 -5-> 3 -5-> 2 (a dead end)
    const CostGraph g = graph(4, {{0, 1, fc(1)}, {0, 2, zero}, {2, 3, fc(5)}, {3, 2, fc(5)}}, {1});
    const GraphCosts c = analyse_costs(g);
    REQUIRE(c.any_finished);
    CHECK(bound_text(c.bounds[idx(Cost::ForkCopy)]) == "1");
  }
  SECTION("a cycle of zero cost: bounded, the longest path around it") {
    // 0 -0-> 1 -0-> 0 ; 1 -3-> 2 (finished); 0 -1-> 2
    const CostGraph g = graph(3, {{0, 1, zero}, {1, 0, zero}, {1, 2, fc(3)}, {0, 2, fc(1)}}, {2});
    const GraphCosts c = analyse_costs(g);
    CHECK(bound_text(c.bounds[idx(Cost::ForkCopy)]) == "1–3");
  }
  SECTION("a self-loop of positive cost on a finished state") {
    const CostGraph g = graph(2, {{0, 1, zero}, {1, 1, both}}, {1});
    const GraphCosts c = analyse_costs(g);
    CHECK(bound_text(c.bounds[idx(Cost::ForkCopy)]) == "0–∞");
    CHECK(bound_text(c.bounds[idx(Cost::Fault)]) == "0–∞");
    CHECK(bound_text(c.bounds[idx(Cost::CowCopy)]) == "0");
  }
  SECTION("no finished state: nothing to bound") {
    const CostGraph g = graph(3, {{0, 1, fc(1)}, {1, 2, zero}, {2, 1, zero}}, {});
    CHECK_FALSE(analyse_costs(g).any_finished);
  }
  SECTION("a deadlocked end is not a finishing execution") {
    // 0 -2-> 1 (deadlock, not finished); 0 -1-> 2 (finished)
    const CostGraph g = graph(3, {{0, 1, fc(2)}, {0, 2, fc(1)}}, {2});
    CHECK(bound_text(analyse_costs(g).bounds[idx(Cost::ForkCopy)]) == "1");
  }
}

TEST_CASE("costs: random graphs, with and without cycles, against the walk oracle", "[costs][cycles]") {
  std::mt19937 rng(20240611);
  for (int round = 0; round < 400; ++round) {
    const unsigned n = 2 + rng() % 7;
    const bool acyclic = round % 2 == 0;
    std::vector<std::tuple<unsigned, unsigned, CostVec>> edges;
    for (unsigned v = 0; v < n; ++v) {
      const unsigned deg = rng() % 3;
      for (unsigned j = 0; j < deg; ++j) {
        unsigned w = rng() % n;
        if (acyclic && w <= v) w = v + 1 + rng() % (n - v);
        if (w >= n) continue;
        CostVec c{};
        for (unsigned k = 0; k < kCostKinds; ++k) c[k] = static_cast<std::uint8_t>(rng() % 4 == 0 ? rng() % 3 : 0);
        edges.emplace_back(v, w, c);
      }
    }
    std::vector<unsigned> fin;
    for (unsigned v = 0; v < n; ++v)
      if (rng() % 3 == 0) fin.push_back(v);
    // Every state reachable from 0, as in a state graph: a chain 0 -> 1 -> ... of zero cost.
    for (unsigned v = 0; v + 1 < n; ++v) edges.emplace_back(v, v + 1, CostVec{});
    const CostGraph g = graph(n, edges, fin);
    const GraphCosts c = analyse_costs(g);
    const WalkOracle o = walk_oracle(g);
    INFO("round " << round << ", " << n << " states, " << edges.size() << " edges");
    REQUIRE(c.any_finished == o.finishes);
    if (!o.finishes) continue;
    for (unsigned k = 0; k < kCostKinds; ++k) {
      INFO("kind " << k);
      CHECK(static_cast<long>(c.bounds[k].min) == o.min[k]);
      CHECK(c.bounds[k].unbounded == o.unbounded[k]);
      if (!o.unbounded[k]) {
        CHECK(static_cast<long>(c.bounds[k].max) == o.max[k]);
        CHECK(c.bounds[k].min <= c.bounds[k].max);
      }
      if (acyclic) CHECK_FALSE(c.bounds[k].unbounded);
    }
  }
}

TEST_CASE("costs: a state limit gives no number", "[costs][quick]") {
  const Scenario sc = load_scenario(scenario("odirect_fork.toml"), {{"K", 1}});
  const CostResult r = compute_costs(sc, *find_design("v2.6.27"), CostOptions{100, 0});
  CHECK(r.status == CostStatus::TooManyStates);
  CHECK(cost_cell(r, 0) == "not computed: more than 100 states");
}

TEST_CASE("costs: executions that deadlock are not counted, and none finishing gives no number", "[costs][quick]") {
  // The device waits for a pin that may already be released: some executions deadlock.
  const Scenario sc = load_scenario(kSourceDir + "/tests/inputs/deadlock_dma_after_unpin.toml");
  const CostResult r = compute_costs(sc, *find_design("v2.6.27"));
  REQUIRE(r.status == CostStatus::Computed);
  CHECK(r.deadlocks > 0);
  CHECK(r.finished > 0);
  CostResult none;
  none.status = CostStatus::NoFinish;
  CHECK(cost_cell(none, 0) == "n/a");
}

TEST_CASE("compare: one row per matrix entry, costs in md, csv and json, --no-costs", "[costs][cli]") {
  using namespace cowtest;
  const std::string odf = shell_quote(scenario("odirect_fork.toml"));
  Result j = run_cowcheck("compare --designs brlock,forcecow --scenarios " + odf + " --param K=1 --format json");
  SHOW(j);
  REQUIRE(j.status == 0);
  const nlohmann::json rows = nlohmann::json::parse(j.output);
  REQUIRE(rows.size() == 4);  // matrix pin=0, pin=1 x two designs, in that order
  CHECK(rows[0]["params"] == "K=1, pin=0");
  CHECK(rows[0]["design"] == "brlock");
  CHECK(rows[1]["design"] == "forcecow");
  CHECK(rows[2]["params"] == "K=1, pin=1");
  const CostResult b = costs_of("odirect_fork.toml", "brlock", {{"K", 1}, {"pin", 0}});
  for (unsigned k = 0; k < kCostKinds; ++k) {
    const auto& cj = rows[0]["costs"][cost_name(static_cast<Cost>(k))];
    CHECK(cj["min"] == b.bounds[k].min);
    CHECK(cj["max"] == b.bounds[k].max);
  }
  CHECK(rows[0]["end_states"] == b.finished);

  // --param over the matrix: pin=1 makes both entries the same setting, run once.
  Result one = run_cowcheck("compare --designs brlock --scenarios " + odf + " --param K=1 --param pin=1 --format csv");
  SHOW(one);
  REQUIRE(one.status == 0);
  CHECK(std::count(one.output.begin(), one.output.end(), '\n') == 2);
  CHECK(has(one.output, ",end-states,fork-copies,cow-copies,faults,gup-fast-fallbacks,gup-fast-locks,ptes-wrprotected"));
  CHECK(has(one.output, "\"K=1, pin=1\",brlock,"));

  Result md = run_cowcheck("compare --designs forcecow --scenarios " + odf + " --param K=1");
  SHOW(md);
  REQUIRE(md.status == 0);
  CHECK(has(md.output, "| fork-copies |"));
  CHECK(has(md.output, " | 0–1 | "));  // forcecow's fork copies

  Result none = run_cowcheck("compare --designs brlock --scenarios " + odf + " --param K=1 --no-costs --format json");
  SHOW(none);
  REQUIRE(none.status == 0);
  CHECK_FALSE(has(none.output, "costs"));

  Result lim = run_cowcheck("compare --designs brlock --scenarios " + odf + " --param K=1 --costs-max-states 50");
  SHOW(lim);
  REQUIRE(lim.status == 0);
  CHECK(has(lim.output, "not computed: more than 50 states"));
}

TEST_CASE("compare: --scenarios takes a comma-separated list as well as several arguments", "[cli][quick]") {
  using namespace cowtest;
  const std::string rdma = scenario("rdma_pin_fork.toml"), fast = scenario("fastgup_fork_pin.toml");
  const std::string tail = " --designs v2.6.27,v5.19 --param pin=0 --param dontfork=0 --no-costs --format csv";
  Result commas = run_cowcheck("compare --scenarios " + shell_quote(rdma + "," + fast) + tail);
  Result several = run_cowcheck("compare --scenarios " + shell_quote(rdma) + " " + shell_quote(fast) + tail);
  SHOW(commas);
  REQUIRE(commas.status == 0);
  REQUIRE(several.status == 0);
  auto rows = [](const std::string& csv) {  // the table less its seconds column
    std::vector<std::string> out;
    std::istringstream in(csv);
    for (std::string line; std::getline(in, line);) out.push_back(line.substr(0, line.rfind(',')));
    return out;
  };
  const std::vector<std::string> a = rows(commas.output);
  CHECK(a == rows(several.output));
  REQUIRE(a.size() == 5);  // the header, then two designs on each scenario, in the order given
  CHECK(a[1].rfind("rdma_pin_fork,\"dontfork=0, pin=0\",v2.6.27,", 0) == 0);
  CHECK(a[2].rfind("rdma_pin_fork,\"dontfork=0, pin=0\",v5.19,", 0) == 0);
  CHECK(a[3].rfind("fastgup_fork_pin,", 0) == 0);
  CHECK(a[4].rfind("fastgup_fork_pin,", 0) == 0);
}

TEST_CASE("papers: the same command writes the same bytes, and the committed paper is its output",
          "[costs][papers][golden]") {
  using namespace cowtest;
  if (cow::test::quick()) {  // the whole design matrix: minutes under the sanitizers; release runs it
    WARN("COWCHECK_QUICK: the design-matrix golden test runs in the release preset only");
    return;
  }
  // One run: that its bytes equal the committed paper's, written by an earlier run of the
  // same command, is what shows the output does not depend on the run.
  const fs::path a = work_dir("a");
  // A file an earlier run left behind must go.
  fs::create_directories(a / "papers" / "traces");
  std::ofstream(a / "papers" / "traces" / "stale--v0--gone.txt") << "old\n";
  std::ofstream(a / "papers" / "traces" / "stale--v0--gone.svg") << "<svg/>\n";
  Result ra = run_cowcheck(kPaperArgs, "cd " + shell_quote(a.string()) + " && ");
  SHOW(ra);
  REQUIRE(ra.status == 0);
  CHECK_FALSE(fs::exists(a / "papers" / "traces" / "stale--v0--gone.txt"));
  CHECK_FALSE(fs::exists(a / "papers" / "traces" / "stale--v0--gone.svg"));
  const auto ta = tree(a / "papers");
  REQUIRE(ta.count("design-matrix.md"));
  REQUIRE(ta.count("design-matrix.svg"));
  const std::string md = ta.at("design-matrix.md");
  CHECK(has(md, "`cowcheck " + kPaperArgs + "`"));
  CHECK(has(md, "](design-matrix.svg)"));
  CHECK_FALSE(has(md, "seconds"));
  // Every link names a trace or a picture that was written, and every one is linked; each
  // trace has its picture.
  std::set<std::string> linked;
  for (auto at = md.find("](traces/"); at != std::string::npos; at = md.find("](traces/", at + 1))
    linked.insert(md.substr(at + 2, md.find(')', at) - at - 2));
  std::set<std::string> written, traces, pictures;
  for (const auto& [name, text] : ta) {
    if (name == "design-matrix.md" || name == "design-matrix.svg") continue;
    written.insert(name);
    (fs::path(name).extension() == ".svg" ? pictures : traces).insert(fs::path(name).replace_extension().string());
  }
  CHECK(linked == written);
  CHECK_FALSE(linked.empty());
  CHECK(traces == pictures);

  // The golden paper: regenerate with `cmake --build --preset release --target papers`.
  // Only design-matrix.md, design-matrix.svg and traces/ are the command's; the seed
  // papers beside them (papers/*.md, papers/tools/) are written by hand from other commands.
  auto committed = tree(fs::path(kSourceDir) / "papers");
  std::erase_if(committed, [](const auto& kv) {
    return kv.first != "design-matrix.md" && kv.first != "design-matrix.svg" && kv.first.rfind("traces/", 0) != 0;
  });
  INFO("papers/ differs from what `cowcheck " << kPaperArgs << "` writes: regenerate it with "
       "`cmake --build --preset release --target papers` (and never edit it by hand)");
  CHECK(committed.size() == ta.size());
  for (const auto& [name, text] : ta) {
    INFO(name);
    REQUIRE(committed.count(name));
    CHECK(committed.at(name) == text);
  }
  fs::remove_all(a);
}

TEST_CASE("compare: an --out file that cannot be written, or --costs-max-states 0, is bad input (exit 2)",
          "[costs][bad-input][quick]") {
  using namespace cowtest;
  const std::string rdma = shell_quote(scenario("rdma_pin_fork.toml"));
  const fs::path file = fs::temp_directory_path() / ("cowcheck_costs_out_" + std::to_string(::getpid()));
  std::ofstream(file) << "a file, not a directory\n";
  Result out = run_cowcheck("compare --designs v2.6.27 --scenarios " + rdma + " --out " +
                            shell_quote((file / "table.md").string()));
  SHOW(out);
  CHECK(out.status == 2);
  CHECK(has(out.output, "--out: cannot write"));
  Result zero = run_cowcheck("compare --designs v2.6.27 --scenarios " + rdma + " --costs-max-states 0");
  SHOW(zero);
  CHECK(zero.status == 2);
  CHECK(has(zero.output, "--costs-max-states"));
  fs::remove(file);
}

TEST_CASE("papers: a path that cannot be written is bad input (exit 2)", "[costs][papers][bad-input][quick]") {
  using namespace cowtest;
  const std::string rdma = shell_quote(scenario("rdma_pin_fork.toml"));
  const fs::path file = fs::temp_directory_path() / ("cowcheck_costs_file_" + std::to_string(::getpid()));
  std::ofstream(file) << "a file, not a directory\n";
  Result r = run_cowcheck("compare --designs v2.6.27 --scenarios " + rdma + " --papers " + shell_quote(file.string()));
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(has(r.output, "error: --papers expects a directory"));
  Result sub = run_cowcheck("compare --designs v2.6.27 --scenarios " + rdma + " --papers " +
                            shell_quote((file / "papers").string()));
  SHOW(sub);
  CHECK(sub.status == 2);
  CHECK(has(sub.output, "--papers expects"));
  fs::remove(file);
}

TEST_CASE("README: the design matrix section names every cost as cost_title() does", "[costs][quick]") {
  const std::string readme = read_file(fs::path(kSourceDir) / "README.md");
  REQUIRE(cowtest::has(readme, "## The design matrix"));
  CHECK(cowtest::has(readme, "cmake --build --preset release --target papers"));
  for (unsigned k = 0; k < kCostKinds; ++k) {
    const std::string line = std::string("- ") + cost_name(static_cast<Cost>(k)) + ": " + cost_title(static_cast<Cost>(k));
    INFO(line);
    CHECK(cowtest::has(readme, line + "\n"));
  }
}
