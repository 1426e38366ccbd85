// The SMT-LIB properties: compiled evaluator vs the C++ forms it replaces, vs Z3, vs the
// formula interpreted as written; certified violations; bad property files; a user's
// edited copy of a property taking effect without a rebuild.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "tests/quick.hpp"
#include "checker/run.hpp"
#include "model/paths.hpp"
#include "model/scenario_load.hpp"
#include "properties/smt_property.hpp"
#include "tests/mutation.hpp"
#include "tests/cli_run.hpp"
#include "model/design_registry.hpp"

using namespace cow;
using namespace cowtest;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;
std::string scenario(const std::string& n) { return kSrc + "/scenarios/" + n; }
std::string prop(const std::string& n) { return kSrc + "/properties/" + n + ".smt2"; }

bool final_state(const Scenario& sc, const State& s) {
  for (unsigned t = 0; t < sc.threads.size(); ++t)
    if (!thread_finished(sc, s, t)) return false;
  return true;
}

// Every reachable state of a scenario under a design (the whole graph).
std::vector<State> reachable(const Scenario& sc, const Design& d) {
  ExploreOptions opt;
  opt.properties = {find_property("no-deadlock")};
  opt.full = true;
  Explorer ex(sc, d, opt);
  ex.run();
  std::vector<State> out;
  for (std::size_t i = 0; i < ex.store().size(); ++i) out.push_back(ex.store().state(static_cast<StateId>(i)));
  return out;
}

struct Case {
  const char* file;
  const char* design;
  std::map<std::string, long> params;
};
const Case kCases[] = {
    {"odirect_fork.toml", "v2.6.27", {{"K", 1}}}, {"odirect_fork.toml", "forcecow", {{"K", 2}}},
    {"odirect_fork.toml", "brlock", {{"K", 2}}},  {"rdma_pin_fork.toml", "v2.6.27", {{"dontfork", 0}}},
    {"rdma_pin_fork.toml", "brlock", {{"dontfork", 1}}},
};

// A state with its fields changed at random, within what the encoding allows.
State mutate(const Scenario& sc, const State& s, std::mt19937& rng) { return cow::test::mutate_fields(sc, s, rng, 4); }

}  // namespace

TEST_CASE("the SMT-LIB properties agree with the C++ forms they replace on every reachable state",
          "[properties][crosscheck]") {
  for (const Case& c : kCases) {
    Scenario sc = load_scenario(scenario(c.file), c.params);
    const Design& d = *find_design(c.design);
    std::vector<State> states = reachable(sc, d);
    for (const char* name : {"dma-visible", "own-write-visible", "pin-writable-in-owner", "refcount-sane"}) {
      SmtProperty smt(prop(name), sc, d.has_anon_exclusive());
      const Property& cxx = *find_property(name);
      std::size_t violations = 0, disagreements = 0;
      for (const State& s : states) {
        bool fin = final_state(sc, s);
        bool a = smt.check(sc, s, fin).has_value(), b = cxx.check(sc, s, fin).has_value();
        violations += a;
        disagreements += a != b;
      }
      INFO(c.file << " " << c.design << " " << name << ": " << states.size() << " states, " << violations
                  << " violating");
      CHECK(disagreements == 0);
    }
  }
}

TEST_CASE("the compiled evaluator agrees with Z3 on reachable and random states, for every property file",
          "[properties][z3]") {
  std::mt19937 rng(20261122);
  std::vector<std::string> names = property_names();
  REQUIRE(names.size() >= 9);
  std::size_t holds_total = 0, violations_total = 0;
  for (const Case& c : kCases) {
    Scenario sc = load_scenario(scenario(c.file), c.params);
    const Design& d = *find_design(c.design);
    std::vector<State> states = reachable(sc, d);
    for (const std::string& name : names)
      for (bool ae : {false, true}) {
        SmtProperty smt(prop(name), sc, ae);
        std::size_t checked = 0;
        const std::size_t samples = test::quick() ? 5 : 12;
        for (std::size_t i = 0; i < states.size(); i += std::max<std::size_t>(1, states.size() / samples)) {
          for (const State& s : {states[i], mutate(sc, states[i], rng)}) {
            bool by_evaluator = !smt.check(sc, s, final_state(sc, s)).has_value();
            bool by_z3 = smt.holds_by_z3(s);
            INFO(c.file << " " << c.design << " " << name << (ae ? " (anon-exclusive design)" : "") << " state " << i);
            REQUIRE(by_evaluator == by_z3);
            ++checked;
            (by_z3 ? holds_total : violations_total)++;
          }
        }
        CHECK(checked >= (test::quick() ? 10u : 24u));
      }
  }
  // Both answers occur, so the agreement is not vacuous.
  CHECK(holds_total > 100);
  CHECK(violations_total > 100);
}

TEST_CASE("every violation is certified by Z3, which names the failing instance", "[properties][certify][quick]") {
  CheckRequest req;
  req.scenario_file = scenario("odirect_fork.toml");
  req.design = "v2.6.27";
  req.params = {{"K", 1}};
  CheckRun run = run_check(req);
  std::size_t violated = 0;
  for (const PropertyOutcome& o : run.result.outcomes) {
    if (!o.violated) continue;
    ++violated;
    CHECK(o.certificate.rfind("Z3 confirms it for ", 0) == 0);
  }
  CHECK(violated == 2);
  const PropertyOutcome& pin = run.result.outcomes[2];
  REQUIRE(pin.property->name() == "pin-writable-in-owner");
  CHECK(pin.certificate.find("p = pin:R0:odirect@0") != std::string::npos);
  CHECK(pin.certificate.find("(pin_owner p) = mm:parent") != std::string::npos);
  CHECK(pin.certificate.find("(pte_writable (pin_owner p) (pin_vpage p)) = false") != std::string::npos);
}

TEST_CASE("bad property files: exit 2 with the file, a position where Z3 gives one, and what is wrong",
          "[properties][bad-input][quick]") {
  auto run = [](const std::string& file) {
    return run_cowcheck("check " + shell_quote(scenario("odirect_fork.toml")) + " --design brlock --property " +
                        shell_quote(kSrc + "/tests/inputs/bad/properties/" + file));
  };
  const std::string dir = kSrc + "/tests/inputs/bad/properties/";
  struct Bad {
    const char* file;
    const char* where;  // expected "file:LINE:COL" suffix, or "" when no position applies
    const char* what;
  };
  const Bad bad[] = {
      {"syntax_error.smt2", ":5:", "expected"},
      {"unknown_function.smt2", ":3:", "unknown constant pte_writeable"},
      {"valid.smt2", "", "valid under the signature's axioms"},
      {"unsatisfiable.smt2", "", "unsatisfiable under the signature's axioms"},
      {"int_quantifier.smt2", "", "unsupported construct"},
      {"empty.smt2", "", "asserts nothing"},
  };
  for (const Bad& b : bad) {
    Result r = run(b.file);
    SHOW(r);
    CHECK(r.status == 2);
    CHECK(has(r.output, dir + b.file + b.where));
    CHECK(has(r.output, b.what));
  }
}

TEST_CASE("a user's edited copy of a property gives the new verdict without a rebuild", "[properties][cli][quick]") {
  // brlock holds refcount-sane on ODF(1); demanding that refcount equal mapcount (no
  // GUP reference allowed) must fail as soon as R0 pins its page.
  Result ok = run_cowcheck("check " + shell_quote(scenario("odirect_fork.toml")) +
                           " --design brlock --param K=1 --property " + shell_quote(prop("refcount-sane")));
  SHOW(ok);
  CHECK(ok.status == 0);
  std::ifstream in(prop("refcount-sane"));
  std::stringstream text;
  text << in.rdbuf();
  std::string edited = text.str();
  const std::string from = "(>= (refcount f) (+ (mapcount f) (pinned_count f)))";
  REQUIRE(edited.find(from) != std::string::npos);
  edited.replace(edited.find(from), from.size(), "(= (refcount f) (mapcount f))");
  auto path = fs::temp_directory_path() / ("refcount-strict-" + std::to_string(::getpid()) + ".smt2");
  std::ofstream(path) << edited;
  Result strict = run_cowcheck("check " + shell_quote(scenario("odirect_fork.toml")) +
                               " --design brlock --param K=1 --property " + shell_quote(path.string()));
  SHOW(strict);
  CHECK(strict.status == 1);
  CHECK(has(strict.output, "refcount-strict"));
  CHECK(has(strict.output, "Z3 confirms it for f = frame#0"));
  fs::remove(path);
}
