// The signature's functions read the state they claim to read.
#include <catch2/catch.hpp>

#include "model/scenario_load.hpp"
#include "properties/signature.hpp"

using namespace cow;

namespace {
long ev(const Scenario& sc, const State& s, std::string_view fn, std::vector<long> args) {
  const SigFunction* f = find_function(fn);
  REQUIRE(f);
  REQUIRE(f->args.size() == args.size());
  return f->eval(sc, s, args);
}
}  // namespace

TEST_CASE("signature: ODF(1)'s initial state, read through the signature", "[signature]") {
  Scenario sc = load_scenario(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml", {{"K", 1}});
  const State& s = sc.initial;
  CHECK(ev(sc, s, "mm_alive", {0}) == 1);
  CHECK(ev(sc, s, "mm_alive", {1}) == 0);  // the child exists only after fork
  CHECK(ev(sc, s, "pte_present", {0, 0}) == 1);
  CHECK(ev(sc, s, "pte_writable", {0, 0}) == 1);
  CHECK(ev(sc, s, "pte_frame", {0, 0}) == 0);
  CHECK(ev(sc, s, "pte_present", {0, 1}) == 0);
  CHECK(ev(sc, s, "pte_frame", {0, 1}) == -1);
  CHECK(ev(sc, s, "vma_mapped", {0, 0}) == 1);
  CHECK(ev(sc, s, "vma_mapped", {0, 1}) == 0);
  CHECK(ev(sc, s, "refcount", {0}) == 1);
  CHECK(ev(sc, s, "mapcount", {0}) == 1);
  CHECK(ev(sc, s, "frame_free", {1}) == 1);
  CHECK(ev(sc, s, "pin_active", {0}) == 0);
  CHECK(ev(sc, s, "pin_owner", {0}) == 0);
  CHECK(ev(sc, s, "pin_write", {0}) == 1);
  CHECK(ev(sc, s, "thread_finished", {0}) == 0);
  CHECK(sort_size(sc, Sort::Thread) == 3);
  CHECK(sort_size(sc, Sort::Pin) == 1);
}

TEST_CASE("signature: every function evaluates on every argument of its finite sorts", "[signature]") {
  Scenario sc = load_scenario(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/rdma_pin_fork.toml", {});
  for (const SigFunction& f : signature()) {
    INFO(f.name);
    std::vector<long> args(f.args.size(), 0);
    bool empty = false;
    for (Sort a : f.args) empty |= sort_size(sc, a) == 0;
    if (empty) continue;
    // Odometer over the argument tuple.
    for (;;) {
      long v = f.eval(sc, sc.initial, args);
      if (f.result == Sort::Bool) CHECK((v == 0 || v == 1));
      std::size_t i = 0;
      while (i < args.size() && ++args[i] == static_cast<long>(sort_size(sc, f.args[i]))) args[i++] = 0;
      if (i == args.size()) break;
    }
  }
}
