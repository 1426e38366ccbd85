// Partial-order reduction: the footprints it relies on are checked against what the
// steps really do, on every reachable state of every scenario and design; and the
// reduced search must reach the plain search's verdicts everywhere.
#include <catch2/catch.hpp>

#include <random>

#include "tests/quick.hpp"
#include "tests/scenario_files.hpp"
#include "checker/explorer.hpp"
#include "checker/run.hpp"
#include "model/footprint.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "properties/smt_property.hpp"
#include "tests/mutation.hpp"
#include "model/design_registry.hpp"

using namespace cow;

namespace {

struct Case {
  std::string file;
  std::map<std::string, long> params;
};

std::vector<Case> all_cases(bool big = true) {
  std::vector<Case> out;
  const std::string dir = std::string(COWCHECK_SOURCE_DIR);
  for (const std::string& file : test::scenario_files())
    if (!test::skip_scenario(file)) out.push_back({file, {}});
  out.push_back({dir + "/scenarios/odirect_fork.toml", {{"K", 1}}});
  if (big) out.push_back({dir + "/scenarios/odirect_fork.toml", {{"K", 3}}});
  out.push_back({dir + "/scenarios/odirect_same_page.toml", {{"N", 3}}});  // three interchangeable readers
  out.push_back({dir + "/scenarios/rdma_pin_fork.toml", {{"dontfork", 1}}});
  out.push_back({dir + "/tests/inputs/deadlock_dma_after_unpin.toml", {}});
  out.push_back({dir + "/tests/inputs/vacuous_wait_for_live_child.toml", {}});  // no execution finishes
  // Swap entries (loads that fault, fork copying a swap entry), clear_refs, the selftests.
  out.push_back({dir + "/scenarios/vmsplice_child_unmap.toml", {{"swapped", 1}}});
  out.push_back({dir + "/scenarios/wrong_cow_pinned.toml", {{"mprotect", 0}, {"swap", 1}, {"pin", 1}}});
  out.push_back({dir + "/scenarios/wrong_cow_pinned.toml", {{"mprotect", 0}, {"clear_refs", 1}}});
  out.push_back({dir + "/scenarios/selftests/cow_05_vmsplice_before_fork_unmap_in_parent.toml", {{"swapped", 1}}});
  out.push_back({dir + "/scenarios/selftests/cow_07_iouring_fixed_buffer_ro_mapping.toml", {{"swapped", 1}}});
  return out;
}

// What a step really wrote, as resources: the test's own reading of the State layout,
// independent of model/footprint.cpp. A frame counts in its column before and after.
ResMask written(const Scenario& sc, const State& a, const State& b) {
  const ColumnMap ca = column_map(sc, a), cb = column_map(sc, b);
  ResMask m = 0;
  for (unsigned f = 0; f < kMaxFrames; ++f) {
    if (a.frames[f] == b.frames[f]) continue;
    m |= ca.of(static_cast<u8>(f)) | cb.of(static_cast<u8>(f));
    if ((a.frames[f].refcount == 0) != (b.frames[f].refcount == 0)) m |= res::kFree;
  }
  for (unsigned tb = 0; tb < kMaxMms; ++tb) {
    if (a.tables[tb].ptl != b.tables[tb].ptl) m |= res::ptl(tb);
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (a.tables[tb].pte[v] != b.tables[tb].pte[v]) m |= res::col(v);
    if (a.tables[tb].users != b.tables[tb].users)
      for (unsigned mm = 0; mm < kMaxMms; ++mm)
        if (b.mms[mm].table == tb) m |= res::mm(mm);
  }
  for (unsigned mm = 0; mm < kMaxMms; ++mm) {
    const Mm &x = a.mms[mm], &y = b.mms[mm];
    if (x.mmap_lock != y.mmap_lock) m |= res::mmap(mm);
    Mm rest = x;
    rest.mmap_lock = y.mmap_lock;
    if (!(rest == y)) m |= res::mm(mm);
  }
  for (unsigned p = 0; p < kMaxPins; ++p)
    if (a.pins[p] != b.pins[p]) m |= res::col(sc.pins.at(p).vpage);
  for (unsigned t = 0; t < kMaxThreads; ++t)
    if (a.threads[t] != b.threads[t]) m |= res::thr(t);
  if (a.brlock != b.brlock) m |= res::kBrlock;
  return m;
}

bool covers(const Access& big, const Access& small) {
  return !(small.r & ~big.all()) && !(small.w & ~big.w) && !(small.inc & ~(big.inc | big.w));
}

// Thread t's step from s, if enabled.
bool step(const Scenario& sc, const Design& d, const State& s, unsigned t, State& out) {
  if (thread_finished(sc, s, t) || !thread_started(sc, s, t)) return false;
  out = s;
  Step st{sc, out, static_cast<u8>(t)};
  return take_step(st, d) && !st.out_of_frames;
}

}  // namespace

TEST_CASE("footprints: declared writes, futures and independence hold on every reachable state", "[por]") {
  std::size_t checked_pairs = 0, commuting = 0, failures = 0;
  std::string first_failure;
  auto fail = [&](const std::string& what) {
    if (failures++ == 0) first_failure = what;
  };
  for (const Case& c : all_cases(false))
    for (const Design* d : all_designs()) {
      if (test::skip_design(*d)) continue;
      INFO(c.file << " " << d->name());
      Scenario sc = load_scenario(c.file, c.params);
      ExploreOptions opt;
      opt.full = true;
      Explorer ex(sc, *d, opt);
      ExploreResult r = ex.run();
      REQUIRE(r.completion == Completion::Exhausted);
      const unsigned n = static_cast<unsigned>(sc.threads.size());
      for (StateId id = 0; id < ex.store().size(); ++id) {
        const State s = ex.store().state(id);
        const ColumnMap cm = column_map(sc, s);
        if (cm.linked) continue;  // the reduction expands these fully
        std::vector<Access> next(n), fut(n);
        std::vector<char> en(n);
        std::vector<State> after(n);
        for (unsigned t = 0; t < n; ++t) {
          next[t] = next_access(sc, *d, s, cm, t);
          fut[t] = future_access(sc, *d, s, cm, t);
          const std::string where = c.file + " " + std::string(d->name()) + " state " + std::to_string(id) +
                                    " thread " + sc.threads[t].name;
          if (!covers(fut[t], next[t])) fail(where + ": the future does not cover the next step");
          en[t] = step(sc, *d, s, t, after[t]);
          if (en[t] && (written(sc, s, after[t]) & ~next[t].writes()))
            fail(where + ": the step writes a resource it does not declare");
        }
        for (unsigned u = 0; u < n; ++u) {
          if (!en[u]) continue;
          const State& s2 = after[u];
          const ColumnMap cm2 = column_map(sc, s2);
          for (unsigned t = 0; t < n; ++t) {
            if (t == u || thread_finished(sc, s2, t)) continue;
            // What t may do later from s2 was announced in s (t did not move).
            const std::string where = c.file + " " + std::string(d->name()) + " state " + std::to_string(id) +
                                      ": " + sc.threads[u].name + " then " + sc.threads[t].name;
            if (!covers(fut[t], future_access(sc, *d, s2, cm2, t))) fail(where + ": a future grew");
            // Independent steps commute and do not enable or disable each other.
            if (next[t].conflicts(next[u])) continue;
            ++checked_pairs;
            State t_after_u, u_after_t;
            bool en_t2 = step(sc, *d, s2, t, t_after_u);
            if (en_t2 != static_cast<bool>(en[t])) fail(where + ": an independent step changed enabledness");
            if (!en[t] || !en_t2) continue;
            if (!step(sc, *d, after[t], u, u_after_t)) fail(where + ": an independent step got disabled");
            else if (!(u_after_t == t_after_u)) fail(where + ": independent steps do not commute");
            ++commuting;
          }
        }
      }
    }
  INFO(first_failure);
  CHECK(failures == 0);
  CHECK(checked_pairs > 1000);
  CHECK(commuting > 1000);
}

namespace {

// One search of a case, with the given reductions.
CheckRun run_case(const Case& c, const Design& d, bool full, bool por, bool sym, bool compact) {
  CheckRequest req;
  req.scenario_file = c.file;
  req.params = c.params;
  req.design = std::string(d.name());
  req.explore.full = full;
  req.explore.por = por;
  req.explore.symmetry = sym;
  req.explore.hash_compact = compact;
  req.explore.threads = 2;
  return run_check(req);
}

// The search of a case under the reductions of `mode` (1 POR, 2 symmetry, 4 hash
// compaction, or'ed) against its plain search: the same verdicts, completion and
// deadlocks, no more states, and real counterexamples.
void check_reduction(const Case& c, const Design& d, bool full, int mode, const CheckRun& plain) {
  const bool por = mode & 1, sym = mode & 2, compact = mode & 4;
  CheckRun reduced = run_case(c, d, full, por, sym, compact);
  INFO(c.file << " " << d.name() << (full ? " --full" : "") << (por ? " --por" : "") << (sym ? " --symmetry" : "")
              << (compact ? " --hash-compact" : ""));
  if (mode == 4) {  // hash compaction alone: the same breadth-first search, unless a fingerprint collided
    CHECK(reduced.result.states == plain.result.states);
    CHECK(reduced.result.transitions == plain.result.transitions);
    const double n = static_cast<double>(reduced.result.states);
    CHECK(reduced.result.omission_probability == Approx(n * (n - 1) / 36893488147419103232.0));
    CHECK(reduced.result.omission_probability < 1e-6);
  }
  CHECK(reduced.result.completion == plain.result.completion);
  CHECK(reduced.result.states <= plain.result.states);
  // ODF(3): a real reduction (cow-pte-table declares every step dependent: none there)
  if (full && c.params.count("K") && c.params.at("K") == 3 && !d.shares_page_tables()) {
    if (por) CHECK(reduced.result.states * 3 < plain.result.states);
    if (sym) CHECK(reduced.result.states * 5 < plain.result.states * 4);
  }
  CHECK((reduced.result.deadlocks > 0) == (plain.result.deadlocks > 0));
  REQUIRE(reduced.result.outcomes.size() == plain.result.outcomes.size());
  for (std::size_t k = 0; k < plain.result.outcomes.size(); ++k) {
    INFO(plain.result.outcomes[k].property->name());
    CHECK(verdict_of(reduced.result, reduced.result.outcomes[k]) == verdict_of(plain.result, plain.result.outcomes[k]));
    // A counterexample is still found and is a real execution (the trace is rebuilt
    // step by step from the model, and certified by Z3).
    if (reduced.result.outcomes[k].violated) CHECK(!reduced.traces[k].steps.empty());
    // Symmetry alone keeps breadth-first order: the counterexample is as short.
    if (!por && plain.result.outcomes[k].violated && reduced.result.outcomes[k].violated)
      CHECK(reduced.traces[k].steps.size() == plain.traces[k].steps.size());
  }
}

}  // namespace

// Each reduction alone, POR with symmetry, and all three with hash compaction, on the
// whole search; POR with symmetry when the search stops at the first violations.
TEST_CASE("every reduction reaches the plain search's verdicts on every scenario", "[por][symmetry]") {
  for (const Case& c : all_cases())
    for (const Design* d : all_designs())
      for (bool full : {false, true}) {
        const bool big = c.params.count("K") && c.params.at("K") == 3;
        // ODF(3) is the costly case: the 2008 designs, pg_gup and v5.19 run it; the
        // others (and cow-pte-table, which declares every step dependent; and the designs
        // after 5.19, whose fork and GUP-fast are v5.19's) at K = 1 and 2.
        const std::string_view dn = d->name();
        // v2.6.29 differs from v2.6.27 only where a page-lock holder runs, which ODF has not.
        if (big && (dn == "v2.6.29" || dn == "v5.8" || dn == "v5.9-rc" || dn == "v5.9" || dn == "v5.11" || d->shares_page_tables() ||
                    kernel_before("5.19", d->traits().kernel)))
          continue;
        if (test::skip_design(*d) || (test::quick() && (big || !full)) || !test::runs_on(c.file, *d)) continue;
        // The per-VMA-lock designs declare every step dependent (model/footprint.cpp), so
        // POR leaves their graphs whole: the exhaustive search alone, and no hash
        // compaction alone (mode 4), keep the test's time in bounds.
        if (d->has_vma_locks() && !full) continue;
        const CheckRun plain = run_case(c, *d, full, false, false, false);
        for (int mode : {1, 2, 3, 4, 7}) {
          // Under the sanitizers: the whole search with POR, and POR with symmetry.
          if (test::quick() && mode != 1 && mode != 3) continue;
          // Stopping at the first violations (not --full): POR with symmetry, the
          // combination that prunes most; each reduction alone, and hash compaction, are
          // checked on the whole search, where every state and verdict must agree.
          if (!full && mode != 3) continue;
          if (big && mode > 3) continue;  // hash compaction is covered on the smaller cases
          if (d->has_vma_locks() && mode == 4) continue;
          check_reduction(c, *d, full, mode, plain);
        }
      }
}

// The same on a few small scenarios and designs, for the quick label: a violation, a
// deadlock, a scenario where no execution finishes, and one where everything holds.
TEST_CASE("every reduction reaches the plain search's verdicts on small scenarios", "[por][symmetry][quick]") {
  const std::string dir = COWCHECK_SOURCE_DIR;
  const Case cases[] = {
      {dir + "/scenarios/odirect_fork.toml", {{"K", 1}}},
      {dir + "/scenarios/rdma_pin_fork.toml", {{"dontfork", 1}}},
      {dir + "/tests/inputs/deadlock_dma_after_unpin.toml", {}},
      {dir + "/tests/inputs/vacuous_wait_for_live_child.toml", {}},
  };
  for (const Case& c : cases)
    for (const char* name : {"v2.6.27", "brlock", "v5.19"})
      for (bool full : {false, true}) {
        const Design& d = *find_design(name);
        const CheckRun plain = run_case(c, d, full, false, false, false);
        for (int mode : {1, 2, 3, 4, 7}) check_reduction(c, d, full, mode, plain);
      }
}

// Incremental checking re-evaluates a conjunct only when its step changed something it
// reads: on every edge of every scenario and design, a conjunct whose reads (in the
// parent) the step left alone has the same value in the child, held or not.

TEST_CASE("property conjuncts read only what their read sets say", "[por][incremental]") {
  std::size_t skipped = 0, failures = 0, flips = 0;
  std::string first_failure;
  std::mt19937 rng(20261122);
  for (const Case& c : all_cases(false))
    for (const Design* d : all_designs()) {
      if (test::skip_design(*d)) continue;
      Scenario sc = load_scenario(c.file, c.params);
      std::vector<std::unique_ptr<SmtProperty>> props;
      for (const std::string& name : sc.properties)
        if (name != "no-deadlock")
          props.push_back(std::make_unique<SmtProperty>(properties_dir() + "/" + name + ".smt2", sc, d->has_anon_exclusive()));
      std::vector<std::vector<ConjunctReads>> all_reads;
      for (const auto& p : props) {
        all_reads.push_back(p->reads());
        REQUIRE(all_reads.back().size() == p->conjunct_count());
      }
      ExploreOptions opt;
      opt.full = true;
      Explorer ex(sc, *d, opt);
      ex.run();
      Expansion exp;
      for (StateId id = 0; id < ex.store().size(); ++id) {
        const State s = ex.store().state(id);
        const ColumnMap cm = column_map(sc, s);
        successors(sc, *d, s, exp);
        // Real steps, and (on some states) arbitrary one-field changes, which make
        // conjuncts that hold on every reachable state change value.
        if (id % 5 == 0)
          for (int m = 0; m < 12; ++m) exp.succ.push_back(Successor{cow::test::mutate_fields(sc, s, rng, 1), 0, {}});
        for (const Successor& su : exp.succ) {
          const ResMask changed = changed_resources(sc, s, su.next, cm);
          for (std::size_t k = 0; k < props.size(); ++k) {
            const auto& p = props[k];
            const std::vector<ConjunctReads>& reads = all_reads[k];
            for (std::uint32_t i = 0; i < reads.size(); ++i) {
              if (reads[i].final_only) continue;
              ResMask m = reads[i].fixed;
              for (u8 f : reads[i].frames) m |= cm.of(f);
              const bool before = p->conjuncts_hold(s, &i, 1), after = p->conjuncts_hold(su.next, &i, 1);
              if (m & changed) {
                flips += before != after;
                continue;
              }
              ++skipped;
              if (before != after && failures++ == 0)
                first_failure = c.file + " " + std::string(d->name()) + " state " + std::to_string(id) + " " +
                                std::string(p->name()) + " conjunct " + std::to_string(i);
            }
          }
        }
      }
    }
  INFO(first_failure);
  CHECK(failures == 0);
  CHECK(skipped > 100000);
  CHECK(flips > 1000);  // the values do change, where the read sets say they may
}

// The reduced state counts are deterministic (whatever the number of threads): pinned so
// that a change to the footprints or the canonical form shows up.
TEST_CASE("reduced ODF(3) state counts", "[por][symmetry]") {
  auto states = [](const char* design, bool por, bool sym) {
    CheckRequest req;
    req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml";
    req.design = design;
    req.params = {{"K", 3}};
    req.explore.full = true;
    req.explore.por = por;
    req.explore.symmetry = sym;
    req.explore.threads = 2;
    return run_check(req).result.states;
  };
  CHECK(states("brlock", true, false) == 79946);
  CHECK(states("brlock", false, true) == 274918);
  CHECK(states("brlock", true, true) == 67053);
  CHECK(states("v2.6.27", true, true) == 42207);
  CHECK(states("forcecow", true, true) == 111493);
}

// Interchangeable threads: three identical O_DIRECT readers of one page. Symmetry over
// frames and the readers' permutations stores 4,436 of brlock's 22,353 states (the
// 3! = 6 orderings of the readers, less the states that are their own permutation).
TEST_CASE("thread symmetry on three interchangeable readers", "[symmetry][quick]") {
  auto run = [](const char* design, bool sym) {
    CheckRequest req;
    req.scenario_file = std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_same_page.toml";
    req.design = design;
    req.params = {{"N", 3}};
    req.explore.full = true;
    req.explore.symmetry = sym;
    return run_check(req);
  };
  CheckRun plain = run("brlock", false), sym = run("brlock", true);
  CHECK(plain.result.states == 22353);
  CHECK(sym.result.states == 4436);
  for (std::size_t k = 0; k < plain.result.outcomes.size(); ++k)
    CHECK(sym.result.outcomes[k].violated == plain.result.outcomes[k].violated);
  // v2.6.27 fails with the same shortest counterexample length, replayed on real states.
  CheckRun vp = run("v2.6.27", false), vs = run("v2.6.27", true);
  for (std::size_t k = 0; k < vp.result.outcomes.size(); ++k) {
    REQUIRE(vs.result.outcomes[k].violated == vp.result.outcomes[k].violated);
    if (vp.result.outcomes[k].violated) CHECK(vs.traces[k].steps.size() == vp.traces[k].steps.size());
  }
}
