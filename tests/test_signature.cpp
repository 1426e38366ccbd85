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
  return f->eval(SigEnv{sc, false, 0, {}}, s, args.data());
}
long size(const Scenario& sc, Sort s) { return static_cast<long>(sort_elements(sc, s).size()); }
}  // namespace

TEST_CASE("signature: ODF(1)'s initial state, read through the signature", "[signature][quick]") {
  Scenario sc = load_scenario(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/odirect_fork.toml", {{"K", 1}});
  const State& s = sc.initial;
  const long no_frame = nil_of(sc, Sort::Frame);
  CHECK(ev(sc, s, "mm_alive", {0}) == 1);
  CHECK(ev(sc, s, "mm_alive", {1}) == 0);  // the child exists only after fork
  CHECK(ev(sc, s, "pte_present", {0, 0}) == 1);
  CHECK(ev(sc, s, "pte_writable", {0, 0}) == 1);
  CHECK(ev(sc, s, "pte_frame", {0, 0}) == 0);
  CHECK(ev(sc, s, "pte_present", {0, 1}) == 0);
  CHECK(ev(sc, s, "pte_frame", {0, 1}) == no_frame);
  CHECK(ev(sc, s, "refcount", {no_frame}) == 0);
  CHECK(ev(sc, s, "vma_mapped", {0, 0}) == 1);
  CHECK(ev(sc, s, "vma_mapped", {0, 1}) == 0);
  CHECK(ev(sc, s, "refcount", {0}) == 1);
  CHECK(ev(sc, s, "mapcount", {0}) == 1);
  CHECK(ev(sc, s, "mapped_count", {0}) == 1);
  CHECK(ev(sc, s, "frame_free", {1}) == 1);
  CHECK(ev(sc, s, "pin_active", {0}) == 0);
  CHECK(ev(sc, s, "pin_owner", {0}) == 0);
  CHECK(ev(sc, s, "pin_write", {0}) == 1);
  CHECK(ev(sc, s, "pin_frame", {0}) == no_frame);
  CHECK(ev(sc, s, "thread_finished", {0}) == 0);
  CHECK(ev(sc, s, "all_finished", {}) == 0);
  CHECK(ev(sc, s, "write_is_dma", {1}) == 1);  // R0's O_DIRECT DMA
  CHECK(ev(sc, s, "write_thread", {1}) == 0);
  CHECK(ev(sc, s, "write_thread", {0}) == nil_of(sc, Sort::Thread));
  CHECK(ev(sc, s, "final_expect_h0", {0, 0}) == 1);
  CHECK(size(sc, Sort::Thread) == 4);  // R0, W, F, no_thread
  CHECK(size(sc, Sort::Pin) == 2);     // R0's O_DIRECT pin, no_pin
  CHECK(sort_elements(sc, Sort::Mm)[0] == "mm:parent");
}

TEST_CASE("signature: every function evaluates on every argument, inside its result sort", "[signature][quick]") {
  Scenario sc = load_scenario(std::string(COWCHECK_SOURCE_DIR) + "/scenarios/rdma_pin_fork.toml", {});
  for (const SigFunction& f : signature()) {
    INFO(f.name);
    std::vector<long> args(f.args.size(), 0);
    for (;;) {
      long v = f.eval(SigEnv{sc, false, 0, {}}, sc.initial, args.data());
      if (f.result == Sort::Bool) CHECK((v == 0 || v == 1));
      else if (f.result != Sort::Int) CHECK((v >= 0 && v < size(sc, f.result)));
      std::size_t i = 0;
      while (i < args.size() && ++args[i] == size(sc, f.args[i])) args[i++] = 0;
      if (i == args.size()) break;
    }
  }
}
