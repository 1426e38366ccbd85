// The design layer: the registry (every library design complete, named once, its base
// registered), the traits and hooks tables, `cowcheck new-design` (its file compiles),
// and the two model behaviours the traits and hooks decide that no other test pins:
// the FOLL_FORCE poke finishing on every design, and KSM's write_protect_page version.
#include <catch2/catch.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "checker/design_tables.hpp"
#include "model/design_registry.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"

using namespace cow;

namespace {

std::string scenario(const std::string& name) { return std::string(COWCHECK_SOURCE_DIR) + "/scenarios/" + name; }

// A property violated exactly when some execution finishes: every thread done.
std::string never_finishes_property() {
  const auto path = std::filesystem::temp_directory_path() / "cowcheck-test-never-finishes.smt2";
  std::ofstream(path) << "; violated when an execution ends with every thread finished\n(assert (not all_finished))\n";
  return path.string();
}

}  // namespace

TEST_CASE("designs: every library design is complete, named once, and derives from a registered design",
          "[designs]") {
  const std::regex date(R"(\d{4}-\d{2}-\d{2})");
  REQUIRE(all_designs().size() >= 15);
  for (const RegisteredDesign& r : registered_designs()) {
    const DesignTraits& t = r.design->traits();
    INFO(t.name);
    CHECK(!t.summary.empty());
    CHECK(!t.source.empty());
    CHECK(t.summary.find("TODO") == std::string_view::npos);
    CHECK(t.source.find("TODO") == std::string_view::npos);
    CHECK(std::regex_match(std::string(t.date), date));
    CHECK(!t.kernel.empty());
    CHECK((t.base.empty() ? t.name == "v2.6.27" : find_design(t.base) != nullptr));
    CHECK(r.registration == Registration::Library);
    CHECK(r.file.starts_with("model/designs/"));
    CHECK(find_design(t.name) == r.design);
    // The root defines every hook Design leaves open; nothing else is left to nobody.
    const std::size_t do_wp = 4;
    REQUIRE(hooks()[do_wp].name == "do_wp_page");
    CHECK(!r.hook_origin[do_wp].empty());
  }
  // History order: the root first, and v5.19 after v5.11.
  CHECK(all_designs().front()->name() == "v2.6.27");
  auto pos = [](std::string_view n) {
    for (std::size_t i = 0; i < all_designs().size(); ++i)
      if (all_designs()[i]->name() == n) return i;
    return std::size_t(-1);
  };
  CHECK(pos("v5.11") < pos("v5.19"));
  CHECK(pos("v5.9-rc") < pos("v5.9"));
}

TEST_CASE("designs: the hooks table records which design's code runs each hook", "[designs]") {
  const RegisteredDesign* v60 = find_registered("v6.0");
  const RegisteredDesign* cow = find_registered("cow-pte-table");
  REQUIRE(v60);
  REQUIRE(cow);
  auto origin = [](const RegisteredDesign* r, std::string_view hook) {
    for (std::size_t i = 0; i < kHookCount; ++i)
      if (hooks()[i].name == hook) return std::string(r->hook_origin[i]);
    FAIL("no hook " << hook);
    return std::string();
  };
  CHECK(origin(v60, "can_follow_write_pte") == "v6.0");
  CHECK(origin(v60, "faultin_page") == "v6.0");
  CHECK(origin(v60, "do_wp_page") == "v5.19");
  CHECK(origin(cow, "copy_one_pte_finish") == "v5.9");
  CHECK(origin(cow, "fork_share_table") == "cow-pte-table");
  CHECK(origin(find_registered("v2.6.27"), "gup_fast_grab").empty());  // the shared default
  CHECK(origin(find_registered("pg_gup"), "gup_fast_grab") == "pg_gup");
  const std::string table = hooks_table_md();
  CHECK(table.find("| v6.0 |") != std::string::npos);
}

TEST_CASE("new-design writes a file that compiles, with the base's traits and every hook", "[designs][cli]") {
  namespace fs = std::filesystem;
  for (const char* base : {"v2.6.27", "brlock", "v5.19"}) {
    INFO(base);
    const fs::path out = fs::temp_directory_path() / (std::string("cowcheck-new-design-") + base + ".cpp");
    fs::remove(out);
    cowtest::Result r = cowtest::run_cowcheck("new-design my-patch --from " + std::string(base) + " -o " +
                                              cowtest::shell_quote(out.string()));
    SHOW(r);
    REQUIRE(r.status == 0);
    std::ifstream in(out);
    std::stringstream text;
    text << in.rdbuf();
    for (const HookInfo& h : hooks()) CHECK(text.str().find("  // " + std::string(h.declaration)) != std::string::npos);
    for (const TraitField& f : trait_fields()) CHECK(text.str().find("t." + std::string(f.field) + " = ") != std::string::npos);
    // It compiles as the build would compile it (syntax and types; the link is the build's).
    const std::string cmd = std::string(COWCHECK_CXX) + " -std=c++20 -fsyntax-only -Wall -Wextra -Werror -I" +
                            cowtest::shell_quote(COWCHECK_SOURCE_DIR) + " " + cowtest::shell_quote(out.string()) + " 2>&1";
    INFO(cmd);
    CHECK(std::system(cmd.c_str()) == 0);
    // Refused: an existing file, an existing name, an unknown base, a bad name.
    CHECK(cowtest::run_cowcheck("new-design my-patch --from v5.19 -o " + cowtest::shell_quote(out.string())).status == 2);
    fs::remove(out);
  }
  CHECK(cowtest::run_cowcheck("new-design v5.19 --from v2.6.27 -o -").status == 2);
  CHECK(cowtest::run_cowcheck("new-design x --from nosuch -o -").status == 2);
  CHECK(cowtest::run_cowcheck("new-design 'Bad Name' --from v2.6.27 -o -").status == 2);
}

// A write through /proc/PID/mem into a populated read-only private anonymous page: the
// fault handler reports VM_FAULT_WRITE (do_wp_page reused or copied the page) and, on
// every design, GUP's retry loop ends after one retry, the poke lands in the debuggee's
// page, and a child sharing the page keeps its own.
TEST_CASE("proc_mem_poke: every design finishes the FOLL_FORCE poke and reads it back", "[designs][proc-mem]") {
  const std::string finishes = never_finishes_property();
  for (const Design* d : all_designs())
    for (long shared : {0L, 1L}) {
      INFO(d->name() << " shared=" << shared);
      CheckRun run = cowtest::run_scenario(scenario("proc_mem_poke.toml"), std::string(d->name()), {{"shared", shared}});
      CHECK(run.result.completion == Completion::Exhausted);
      CHECK(!run.result.any_violated());
      CheckRun fin = cowtest::run_scenario(scenario("proc_mem_poke.toml"), std::string(d->name()), {{"shared", shared}},
                                           {finishes});
      CHECK(fin.result.any_violated());  // some execution ends with every thread finished
    }
}
