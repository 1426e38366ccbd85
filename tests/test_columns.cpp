// `check --format columns` (checker/columns.hpp): the CPU0 | CPU1 | ... table.
#include <catch2/catch.hpp>

#include <sstream>

#include "checker/columns.hpp"
#include "checker/preemptions.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"

using namespace cow;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

std::vector<std::string> lines_of(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string l; std::getline(in, l);) out.push_back(l);
  return out;
}

}  // namespace

TEST_CASE("columns: wrap_text breaks at spaces first and indents what follows", "[columns][quick]") {
  CHECK(wrap_text("short", 10) == std::vector<std::string>{"short"});
  CHECK(wrap_text("parent mmap_lock: free -> write-held by F", 26) ==
        std::vector<std::string>{"parent mmap_lock: free ->", "  write-held by F"});
  CHECK(wrap_text("  a change that is long", 12) == std::vector<std::string>{"  a change", "    that is", "    long"});
  CHECK(wrap_text("copy_pte_range:spin_unlock(ptl)", 20) == std::vector<std::string>{"copy_pte_range:", "  spin_unlock(ptl)"});
  for (const std::string& l : wrap_text("abcdefghijklmnopqrstuvwxyz", 10)) CHECK(l.size() <= 10);
}

TEST_CASE("columns: each step in its thread's column, preemptions marked, at most 100 wide", "[columns][quick]") {
  for (const char* design : {"v2.6.27", "v5.9"}) {
    const std::string file = design == std::string("v5.9") ? "/scenarios/fastgup_fork_pin.toml" : "/scenarios/odirect_fork.toml";
    CheckRun run = cowtest::run_scenario(kSrc + file, design, design == std::string("v5.9") ? std::map<std::string, long>{}
                                                                                            : std::map<std::string, long>{{"K", 2}},
                                         {"dma-visible"});
    REQUIRE(run.result.outcomes[0].violated);
    const std::string table = columns_trace(run, 0);
    INFO(table);
    const std::vector<std::string> lines = lines_of(table);
    std::size_t marks = 0, numbered = 0;
    for (const std::string& l : lines) {
      CHECK(l.size() <= 100);
      marks += l.find("** preempts ") != std::string::npos;
    }
    CHECK(marks == preemption_count(run.traces[0]));
    // The row that starts step k holds its label (or its first part) in column tid.
    const std::size_t n = run.scenario.threads.size(), col = (100 - 4 - 3 * n) / n;
    for (std::size_t i = 0; i < lines.size(); ++i) {
      const std::string num = lines[i].substr(0, 4);
      if (num.find_first_not_of(' ') == std::string::npos || lines[i].size() < 4 || !std::isdigit(num.back())) continue;
      const std::size_t k = std::stoul(num) - 1;
      REQUIRE(k < run.traces[0].steps.size());
      ++numbered;
      const TraceStep& s = run.traces[0].steps[k];
      const std::size_t at = 4 + 3 + s.tid * (col + 3);
      const std::string cell = lines[i].size() > at ? lines[i].substr(at, col) : "";
      const std::string first = s.preempts ? "** preempts" : wrap_text(s.label, col)[0];
      CHECK(cell.rfind(first, 0) == 0);
    }
    CHECK(numbered == run.traces[0].steps.size());
  }
}

TEST_CASE("columns: the command line", "[columns][cli][quick]") {
  auto r = cowtest::run_cowcheck("check " + cowtest::shell_quote(kSrc + "/scenarios/odirect_fork.toml") +
                                 " --design v2.6.27 --param K=1 --property dma-visible --format columns");
  SHOW(r);
  CHECK(r.status == 1);
  CHECK(r.output.find("| CPU0: R0 (parent)") != std::string::npos);
  CHECK(r.output.find("one column per thread") != std::string::npos);
  auto bad = cowtest::run_cowcheck("check " + cowtest::shell_quote(kSrc + "/scenarios/odirect_fork.toml") +
                                   " --design v2.6.27 --format table");
  SHOW(bad);
  CHECK(bad.status == 2);
  CHECK(bad.output.find("--format must be text, json, columns or itf, got 'table'") != std::string::npos);
}
