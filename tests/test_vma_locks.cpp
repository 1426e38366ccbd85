// TLBs and per-VMA locks: the 6.4 fork corruption (fb49c455323f), the 2026 proposals to
// narrow dup_mmap's VMA locking, GUP-fast against MADV_DONTNEED on each architecture, and
// the primitives underneath. Every verdict comes from running the checker.
#include <catch2/catch.hpp>

#include <algorithm>
#include <fstream>
#include <set>
#include <sstream>

#include "checker/compare.hpp"
#include "checker/costs.hpp"
#include "model/names.hpp"
#include "checker/run.hpp"
#include "model/design_registry.hpp"
#include "model/input_error.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/scenario_load.hpp"
#include "model/tlb.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"
#include "tests/quick.hpp"

using namespace cow;
using cowtest::outcome;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

CheckRun check(const std::string& scenario, const std::string& design, std::map<std::string, long> params = {},
               std::vector<std::string> props = {}) {
  return cowtest::run_scenario(kSrc + "/scenarios/" + scenario, design, std::move(params), std::move(props),
                               /*full=*/true);
}

std::vector<std::string> labels(const Trace& t) {
  std::vector<std::string> out;
  for (const auto& s : t.steps) out.emplace_back(s.label);
  return out;
}

std::size_t index_of(const std::vector<std::string>& v, const std::string& label) {
  return static_cast<std::size_t>(std::find(v.begin(), v.end(), label) - v.begin());
}

u8 thread_index(const Scenario& sc, const std::string& name) {
  for (std::size_t t = 0; t < sc.threads.size(); ++t)
    if (sc.threads[t].name == name) return static_cast<u8>(t);
  FAIL("no thread " << name);
  return 0;
}

const std::vector<std::string> kVmaLockDesigns = {"v6.3", "v6.4-rc1", "v6.4", "v6.18", "fork-lock-writable",
                                                  "fork-lock-cow-mapping", "fork-lock-anon-vma", "fork-no-vma-lock"};

}  // namespace

// Jacob Young's reproducer (bugzilla.kernel.org 217624), reduced: A stores, fork, A stores
// again through its cached writable translation while B's COW fault runs under the VMA
// lock; A reads back the value before its last store.
TEST_CASE("fork_stale_tlb_cow: v6.4-rc1 loses a store through a stale TLB entry, v6.3 and v6.4 do not",
          "[vma-lock][tlb][golden][quick]") {
  const CheckRun bad = check("fork_stale_tlb_cow.toml", "v6.4-rc1");
  CHECK(bad.result.states == 539);
  const PropertyOutcome& o = outcome(bad, "own-write-visible");
  REQUIRE(o.violated);
  const std::size_t i = static_cast<std::size_t>(&o - bad.result.outcomes.data());
  const std::vector<std::string> l = labels(bad.traces[i]);
  CHECK(l.size() == 15);
  const std::size_t copy = index_of(l, "do_wp_page:wp_page_copy"), stale = index_of(l, "store(stale TLB entry)"),
                    install = index_of(l, "wp_page_copy:ptep_clear_flush+set_pte_at(copy)"),
                    vma_lock = index_of(l, "do_user_addr_fault:lock_vma_under_rcu"),
                    wrprotect = index_of(l, "copy_present_pte:get_page+ptep_set_wrprotect");
  REQUIRE(stale < l.size());
  CHECK(wrprotect < vma_lock);  // the COW fault takes the VMA lock after fork write-protected the PTE
  CHECK(vma_lock < copy);
  CHECK(copy < stale);          // A's store lands between the copy ...
  CHECK(stale < install);       // ... and the flush that would have dropped A's entry
  CHECK(index_of(l, "dup_mmap:flush_tlb_mm+mmap_write_unlock") == l.size());  // before fork's own flush
  CHECK(bad.traces[i].steps[stale].tid == thread_index(bad.scenario, "A"));

  for (const char* good : {"v6.3", "v6.4"}) {
    INFO(good);
    const CheckRun r = check("fork_stale_tlb_cow.toml", good);
    CHECK_FALSE(r.result.any_violated());
    CHECK_FALSE(r.result.no_execution_finishes());
    CHECK(r.result.states == (std::string(good) == "v6.3" ? 287u : 528u));
  }
}

// The 2026 thread's proposals on every fork scenario: only fork-no-vma-lock (and 6.4-rc1,
// which it returns to) lets the COW fault run during fork; every other cell holds.
TEST_CASE("the per-VMA-lock designs and the 2026 proposals on the fork scenarios: verdicts",
          "[vma-lock][tlb][golden]") {
  const std::map<std::string, std::set<std::string>> violating = {
      {"fork_stale_tlb_cow.toml", {"v6.4-rc1", "fork-no-vma-lock"}},
      {"fork_stale_tlb_file_private.toml", {"fork-no-vma-lock"}},
      {"fork_first_anon_fault.toml", {}},
      {"fork_shared_file_store.toml", {}},
      {"fork_dontneed_vma_lock.toml", {}},
  };
  for (const auto& [scenario, bad] : violating)
    for (const std::string& d : kVmaLockDesigns) {
      INFO(scenario << " under " << d);
      const CheckRun r = check(scenario, d);
      CHECK_FALSE(r.result.no_execution_finishes());
      for (const PropertyOutcome& o : r.result.outcomes) {
        INFO(o.property->name());
        CHECK(o.violated == (bad.count(d) && o.property->name() == "own-write-visible"));
      }
    }
}

// Yang Shi's diagram (<CAHbLzkpbQ4Ca0xC74BJ6iJUVKdpH90qE+E=g7HkDXvcNH1+8+w@mail.gmail.com>):
// fork skips anon_vma_fork, the fault allocates an anon_vma, vma_needs_copy sees it. It
// cannot happen in 6.18 (vmf_anon_prepare needs mmap_lock); a fixture without that rule
// shows the property catches it, so its "holds" elsewhere is not vacuous.
TEST_CASE("rmap-complete: the anon_vma race happens only without vmf_anon_prepare's mmap_read_trylock",
          "[vma-lock][golden][quick]") {
  const CheckRun bad = check("fork_first_anon_fault.toml", "fixture-anon-prepare-vma-lock-only", {}, {"rmap-complete"});
  REQUIRE(bad.result.outcomes[0].violated);
  const std::vector<std::string> l = labels(bad.traces[0]);
  CHECK(l.size() == 12);
  const std::size_t dup = index_of(l, "dup_mmap:vm_area_dup+anon_vma_fork"), fault = index_of(l, "do_anonymous_page"),
                    needs_copy = index_of(l, "copy_page_range:vma_needs_copy");
  CHECK(dup < fault);
  CHECK(fault < needs_copy);
  CHECK(needs_copy < l.size());
  for (const char* d : {"v6.18", "fork-lock-anon-vma", "fork-no-vma-lock", "v6.4-rc1"}) {
    INFO(d);
    const CheckRun r = check("fork_first_anon_fault.toml", d, {}, {"rmap-complete"});
    CHECK_FALSE(r.result.outcomes[0].violated);
    CHECK_FALSE(r.result.no_execution_finishes());
  }
}

// Before TLBs were modelled, GUP-fast racing MADV_DONTNEED stopped 2.6.27 and 4.8 with
// "internal error ... get_page on a free frame". Now every design gives a verdict: on x86
// the zap's flush IPI waits for the IRQs-off walker; with RCU table freeing a design whose
// GUP-fast re-checks runs, and one that does not is refused as bad input.
TEST_CASE("gup_fast_dontneed: every design gives a verdict on x86, on rcu the re-checking ones do",
          "[tlb][golden]") {
  for (const Design* d : all_designs())
    for (long pin : {0L, 1L})
      for (bool tlb : {false, true}) {
        INFO(d->name() << " pin=" << pin << " tlb=" << tlb);
        CheckRequest req;
        req.scenario_file = kSrc + "/scenarios/gup_fast_dontneed.toml";
        req.design = std::string(d->name());
        req.params = {{"pin", pin}};
        req.explore.full = true;
        req.cpu.tlb = tlb;
        const CheckRun x86 = run_check(req);
        CHECK_FALSE(x86.result.any_violated());
        CHECK_FALSE(x86.result.no_execution_finishes());
        req.cpu.arch = Arch::Rcu;
        const bool x86_only = d->traits().gup_fast_walk == GupFastWalk::NoRecheck ||
                              kernel_before(d->traits().kernel, "4.13");
        if (x86_only) {
          CHECK_THROWS_AS(run_check(req), InputError);
        } else {
          const CheckRun rcu = run_check(req);
          CHECK_FALSE(rcu.result.any_violated());
          // Nothing waits for the walker: more interleavings, among them the ones where
          // get_page_unless_zero finds the page freed.
          CHECK(rcu.result.states > x86.result.states);
        }
      }
}

TEST_CASE("costs: the VMA write locks fork takes and the faults that waited, per design", "[vma-lock][costs][quick]") {
  auto cost = [](const std::string& scenario, const std::string& design, Cost c) {
    const Scenario sc = load_scenario(kSrc + "/scenarios/" + scenario);
    const CostResult r = compute_costs(sc, *find_design(design), CostOptions{});
    REQUIRE(r.status == CostStatus::Computed);
    const CostBound& b = r.bounds[static_cast<unsigned>(c)];
    return std::pair<long, long>{static_cast<long>(b.min), static_cast<long>(b.max)};
  };
  using P = std::pair<long, long>;
  // A shared file VMA: only v6.4 and v6.18 lock it.
  for (const char* d : {"v6.4", "v6.18"}) CHECK(cost("fork_shared_file_store.toml", d, Cost::ForkVmaLock) == P{1, 1});
  for (const char* d : {"v6.3", "v6.4-rc1", "fork-lock-writable", "fork-lock-cow-mapping", "fork-lock-anon-vma", "fork-no-vma-lock"})
    CHECK(cost("fork_shared_file_store.toml", d, Cost::ForkVmaLock) == P{0, 0});
  // The anonymous VMA with its anon_vma: every proposal but P3 locks it, and a fault can wait.
  for (const char* d : {"fork-lock-writable", "fork-lock-cow-mapping", "fork-lock-anon-vma"}) {
    INFO(d);
    CHECK(cost("fork_stale_tlb_cow.toml", d, Cost::ForkVmaLock) == P{1, 1});
    CHECK(cost("fork_stale_tlb_cow.toml", d, Cost::VmaLockFallback) == P{0, 2});
  }
  CHECK(cost("fork_stale_tlb_cow.toml", "fork-no-vma-lock", Cost::ForkVmaLock) == P{0, 0});
  // P2 locks a VMA whose anon_vma exists when fork reaches it: A's first fault may not have run yet.
  CHECK(cost("fork_stale_tlb_file_private.toml", "fork-lock-anon-vma", Cost::ForkVmaLock) == P{0, 1});
}

TEST_CASE("TLB primitives: fill, flush one page on every CPU of the mm, flush the mm", "[tlb][quick]") {
  const Scenario sc = load_scenario(kSrc + "/scenarios/fork_shared_file_store.toml");
  REQUIRE(sc.tlb);
  State s = sc.initial;
  const u8 a = thread_index(sc, "A"), b = thread_index(sc, "B"), c = thread_index(sc, "C");
  const unsigned parent = sc.threads[a].mm, child = sc.threads[c].mm;
  Pte pte{};
  pte.flags = kPtePresent | kPteWrite;
  pte.frame = 3;
  {
    Step st{sc, s, a};
    kernel::tlb_fill(st, 0, pte);
  }
  {
    Step st{sc, s, b};
    pte.flags = kPtePresent;  // read-only
    kernel::tlb_fill(st, 0, pte);
  }
  {
    Step st{sc, s, c};
    kernel::tlb_fill(st, 0, pte);
  }
  CHECK(s.tlb[a][0] == (kTlbValid | kTlbWrite | 3));
  CHECK(s.tlb[b][0] == (kTlbValid | 3));
  {
    Step st{sc, s, a};
    kernel::flush_tlb_page(st, parent, 0);
    CHECK(st.flushed_mms == (1u << parent));
  }
  CHECK(s.tlb[a][0] == 0);
  CHECK(s.tlb[b][0] == 0);
  CHECK(s.tlb[c][0] == (kTlbValid | 3));  // another mm's CPU keeps its entry
  {
    Step st{sc, s, a};
    kernel::flush_tlb_mm(st, child);
  }
  CHECK(s.tlb[c][0] == 0);
  // Without TLBs (the scenario key off) nothing is cached or flushed.
  Scenario off = sc;
  off.tlb = false;
  State s2 = off.initial;
  Step st{off, s2, a};
  pte.flags = kPtePresent | kPteWrite;
  kernel::tlb_fill(st, 0, pte);
  kernel::flush_tlb_mm(st, parent);
  CHECK(s2.tlb[a][0] == 0);
  CHECK(st.flushed_mms == 0);
}

TEST_CASE("VMA lock primitives: readers never wait, a write-locked VMA refuses them until mmap_write_unlock",
          "[vma-lock][quick]") {
  const Scenario sc = load_scenario(kSrc + "/scenarios/fork_stale_tlb_cow.toml");
  const Design& d = *find_design("v6.18");
  State s = initial_state(sc, d);
  const u8 f = thread_index(sc, "F");
  const unsigned mm = sc.threads[f].mm;
  Vma& v = s.mms[mm].vma[0];
  REQUIRE(locks::try_down_write(s.mms[mm].mmap_lock, f));  // vma_start_write is an mmap_lock writer's
  REQUIRE(kernel::vma_start_read(v));
  CHECK(kernel::vma_readers(v) == 1);
  {
    State waiting = s;  // a step that returns false is not taken: its changes are dropped
    Step st{sc, waiting, f};
    CHECK_FALSE(kernel::vma_start_write(st, d, mm, 0));  // waits for the reader
  }
  kernel::vma_end_read(v);
  {
    Step st{sc, s, f};
    CHECK(kernel::vma_start_write(st, d, mm, 0));
  }
  CHECK_FALSE(kernel::vma_start_read(v));  // fails at once: the fault falls back to mmap_lock
  {
    Step st{sc, s, f};
    kernel::mmap_write_unlock(st, mm);
  }
  CHECK(kernel::vma_start_read(v));
  // Without per-VMA locks vma_start_write is empty (CONFIG_PER_VMA_LOCK=n).
  kernel::vma_end_read(v);
  Step st{sc, s, f};
  CHECK(kernel::vma_start_write(st, *find_design("v6.3"), mm, 0));
  CHECK(kernel::vma_start_read(v));
}

TEST_CASE("bad CPU input: an unknown arch or tlb value, a design the architecture cannot run (exit 2)",
          "[tlb][bad-input][quick]") {
  using namespace cowtest;
  const fs::path dir = fs::temp_directory_path() / ("cowcheck_cpu_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string scenario = kSrc + "/scenarios/gup_fast_dontneed.toml";
  auto write_variant = [&](const std::string& name, const std::string& from, const std::string& to) {
    std::ifstream in(scenario);
    std::stringstream ss;
    ss << in.rdbuf();
    std::string text = ss.str();
    const std::size_t at = text.find(from);
    REQUIRE(at != std::string::npos);
    text.replace(at, from.size(), to);
    std::ofstream(dir / name) << text;
    return (dir / name).string();
  };
  const std::string arm = write_variant("arm.toml", "tlb = true", "tlb = true\narch = \"arm\"");
  Result r = run_cowcheck("check " + shell_quote(arm) + " --design v6.18");
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(r.output.find("arm.toml:") != std::string::npos);
  CHECK(r.output.find("'arch' must be \"x86\"") != std::string::npos);

  const std::string yes = write_variant("yes.toml", "tlb = true", "tlb = \"yes\"");
  r = run_cowcheck("check " + shell_quote(yes) + " --design v6.18");
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(r.output.find("yes.toml:") != std::string::npos);

  r = run_cowcheck("check " + shell_quote(scenario) + " --design v6.18 --arch arm");
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(r.output.find("--arch must be x86") != std::string::npos);
  r = run_cowcheck("check " + shell_quote(scenario) + " --design v6.18 --tlb maybe");
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(r.output.find("--tlb must be on") != std::string::npos);
  r = run_cowcheck("check " + shell_quote(scenario) + " --design v4.9 --arch rcu");
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(r.output.find("arch \"rcu\" cannot run design 'v4.9'") != std::string::npos);
  r = run_cowcheck("compare --designs v6.18 --scenarios " + shell_quote(scenario) + " --papers " +
                   shell_quote((dir / "p").string()) + " --paper x");
  SHOW(r);
  CHECK(r.status == 2);
  CHECK(r.output.find("--paper x needs --intro") != std::string::npos);
  fs::remove_all(dir);
}

TEST_CASE("reports say which CPU model a verdict assumes, and replay keeps it", "[tlb][cli][quick]") {
  using namespace cowtest;
  const std::string scenario = kSrc + "/scenarios/fork_stale_tlb_cow.toml";
  Result r = run_cowcheck("check " + shell_quote(scenario) + " --design v6.4-rc1 --quiet");
  SHOW(r);
  CHECK(r.status == 1);
  CHECK(r.output.find("cpu       TLBs modelled; arch x86") != std::string::npos);
  r = run_cowcheck("check " + shell_quote(scenario) + " --design v6.4-rc1 --quiet --tlb off");
  SHOW(r);
  CHECK(r.status == 0);  // without TLBs there is no stale entry to store through
  CHECK(r.output.find("cpu       TLBs not modelled") != std::string::npos);
  const fs::path out = fs::temp_directory_path() / ("cowcheck_tlb_trace_" + std::to_string(::getpid()) + ".json");
  r = run_cowcheck("check " + shell_quote(scenario) + " --design v6.4-rc1 --quiet --trace-out " + shell_quote(out.string()));
  REQUIRE(r.status == 1);
  r = run_cowcheck("replay " + shell_quote(out.string()));
  SHOW(r);
  CHECK(r.status == 1);
  CHECK(r.output.find("store(stale TLB entry)") != std::string::npos);
  fs::remove(out);
}

// The reference scenario does not model TLBs (tlb defaults to false), so its reference
// counts stand; with --tlb on, the same scenario costs more states (the entries).
TEST_CASE("ODF(1) with TLBs: the same verdicts, more states", "[tlb][golden][quick]") {
  for (const char* d : {"v2.6.27", "brlock", "v5.19"}) {
    INFO(d);
    CheckRequest req;
    req.scenario_file = kSrc + "/scenarios/odirect_fork.toml";
    req.design = d;
    req.params = {{"K", 1}};
    req.explore.full = true;
    const CheckRun plain = run_check(req);
    req.cpu.tlb = true;
    const CheckRun tlb = run_check(req);
    CHECK(tlb.result.states > plain.result.states);
    for (std::size_t i = 0; i < plain.result.outcomes.size(); ++i)
      CHECK(plain.result.outcomes[i].violated == tlb.result.outcomes[i].violated);
  }
}

// papers/per-vma-lock-fork.md: the command its header names, rerun in a fresh directory,
// writes the committed file and traces byte for byte.
TEST_CASE("papers: per-vma-lock-fork.md is what its command writes", "[vma-lock][papers][golden]") {
  using namespace cowtest;
  const fs::path committed_md = fs::path(kSrc) / "papers" / "per-vma-lock-fork.md";
  std::ifstream in(committed_md);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string md = ss.str();
  const std::string marker = "Generated by `cowcheck ";
  const std::size_t at = md.find(marker);
  REQUIRE(at != std::string::npos);
  const std::string args = md.substr(at + marker.size(), md.find('`', at + marker.size()) - at - marker.size());
  const fs::path dir = fs::temp_directory_path() / ("cowcheck_vma_paper_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "papers");
  fs::create_directory_symlink(fs::path(kSrc) / "scenarios", dir / "scenarios");
  fs::copy_file(fs::path(kSrc) / "papers" / "per-vma-lock-fork.intro.md", dir / "papers" / "per-vma-lock-fork.intro.md");
  Result r = run_cowcheck(args, "cd " + shell_quote(dir.string()) + " && ");
  SHOW(r);
  REQUIRE(r.status == 0);
  auto read = [](const fs::path& p) {
    std::ifstream f(p);
    std::stringstream b;
    b << f.rdbuf();
    return b.str();
  };
  INFO("regenerate with `cmake --build --preset release --target papers`");
  CHECK(read(dir / "papers" / "per-vma-lock-fork.md") == md);
  std::set<std::string> fresh, committed;
  for (const auto& e : fs::directory_iterator(dir / "papers" / "per-vma-lock-fork")) fresh.insert(e.path().filename());
  for (const auto& e : fs::directory_iterator(fs::path(kSrc) / "papers" / "per-vma-lock-fork"))
    committed.insert(e.path().filename());
  CHECK(fresh == committed);
  for (const std::string& f : fresh) {
    INFO(f);
    CHECK(read(dir / "papers" / "per-vma-lock-fork" / f) == read(fs::path(kSrc) / "papers" / "per-vma-lock-fork" / f));
  }
  // What the text says, the tables show.
  CHECK(md.find("[VIOLATED](per-vma-lock-fork/fork_stale_tlb_cow--v6.4-rc1--own-write-visible.txt)") != std::string::npos);
  CHECK(md.find("[VIOLATED](per-vma-lock-fork/fork_stale_tlb_cow--fork-no-vma-lock--own-write-visible.txt)") !=
        std::string::npos);
  fs::remove_all(dir);
}

// What the TLB model changes on the library's other scenarios: states, not verdicts (more in
// total; a few rows have fewer, where a flush IPI now makes reclaim wait for GUP-fast). The
// scenarios without `tlb = true` run without TLBs (their verdicts and ODF(K)'s reference
// counts are those of the plain model); run with --tlb on, every row keeps its verdicts.
TEST_CASE("every scenario gives the same verdicts with TLBs as without, on v2.6.27 and v6.18", "[tlb][golden]") {
  if (cow::test::quick()) {
    WARN("COWCHECK_QUICK: the library-wide TLB comparison runs in the release preset only");
    return;
  }
  CompareOptions opt;
  opt.designs = {"v2.6.27", "v6.18"};
  opt.scenarios = {kSrc + "/scenarios"};
  opt.costs = false;
  opt.cpu.tlb = false;
  const std::vector<CompareRow> off = compare_rows(opt);
  opt.cpu.tlb = true;
  const std::vector<CompareRow> on = compare_rows(opt);
  REQUIRE(off.size() == on.size());
  CHECK(off.size() > 100);
  unsigned long long states_off = 0, states_on = 0;
  for (std::size_t i = 0; i < off.size(); ++i) {
    INFO(off[i].scenario << " " << params_text(off[i].params) << " " << off[i].design);
    CHECK(off[i].verdicts == on[i].verdicts);
    states_off += off[i].states;
    states_on += on[i].states;
  }
  CHECK(states_on > states_off);
}
