// `cowcheck compare` for a terminal (checker/compare_text.hpp): the compact table.
#include <catch2/catch.hpp>

#include <sstream>

#include "checker/compare.hpp"
#include "checker/compare_text.hpp"
#include "tests/cli_run.hpp"

using namespace cow;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

std::size_t columns(const std::string& line) {
  std::size_t n = 0;
  for (char c : line) n += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  return n;
}

}  // namespace

TEST_CASE("compare text: short titles are the initials of the words", "[compare][quick]") {
  CHECK(short_title("pin-writable-in-owner") == "pwio");
  CHECK(short_title("dma-visible") == "dv");
  CHECK(short_title("isolation") == "iso");
  CHECK(short_title("fork-vma-locks") == "fvl");
}

TEST_CASE("compare text: one row per design, the verdicts of the Markdown table, 100 columns", "[compare][quick]") {
  CompareOptions opt;
  opt.designs = {"v2.6.27", "brlock", "v5.19", "fork-lock-cow-mapping"};
  opt.scenarios = {kSrc + "/scenarios/odirect_fork.toml"};
  const std::vector<CompareRow> rows = compare_rows(opt);
  REQUIRE(rows.size() == 8);  // two parameter settings x four designs
  const std::string text = render_compare_text(rows, true, false);
  INFO(text);
  CHECK(text.find("\x1b[") == std::string::npos);  // no colour unless asked
  std::istringstream in(text);
  std::size_t verdict_rows = 0;
  for (std::string line; std::getline(in, line);) {
    CHECK(columns(line) <= 100);
    for (const CompareRow& r : rows)
      if (line.rfind("K=2, pin=" + std::to_string(r.params.at("pin")) + "  " + r.design + " ", 0) == 0 &&
          line.find(" ok ") != std::string::npos) {
        ++verdict_rows;
        // The cells in the property order of the row: FAIL where the row says VIOLATED.
        std::istringstream cells(line.substr(line.find(r.design) + r.design.size()));
        for (const std::string& p : r.properties) {
          std::string c;
          cells >> c;
          CHECK(c == (r.verdicts.at(p) == "VIOLATED" ? "FAIL" : "ok"));
        }
      }
  }
  CHECK(verdict_rows == rows.size());
  CHECK(text.find("pwio pin-writable-in-owner") != std::string::npos);
  CHECK(text.find("fvl fork-vma-locks") != std::string::npos);  // a cost that is not zero on every row
  const std::string coloured = render_compare_text(rows, true, true);
  CHECK(coloured.find("\x1b[1;31mFAIL") != std::string::npos);
  CHECK(coloured.find("\x1b[32mok") != std::string::npos);
}

TEST_CASE("compare text: --format text on the command line; md stays the default through a pipe", "[compare][cli][quick]") {
  const std::string args = "compare --designs v2.6.27 --scenarios " + cowtest::shell_quote(kSrc + "/scenarios/odirect_fork.toml") +
                           " --no-costs";
  auto text = cowtest::run_cowcheck(args + " --format text");
  SHOW(text);
  CHECK(text.status == 0);
  CHECK(text.output.find("params      design ") != std::string::npos);
  auto md = cowtest::run_cowcheck(args);
  SHOW(md);
  CHECK(md.output.rfind("| scenario | params | design |", 0) == 0);
  auto bad = cowtest::run_cowcheck(args + " --format html");
  SHOW(bad);
  CHECK(bad.status == 2);
  CHECK(bad.output.find("--format must be md, text, csv or json for compare (got 'html')") != std::string::npos);
}

TEST_CASE("compare --no-seconds: no seconds column in md, csv or text, and the same table on every run",
          "[compare][cli][quick]") {
  const std::string base = "compare --designs v2.6.27,brlock --scenarios " + cowtest::shell_quote(kSrc + "/scenarios/odirect_fork.toml") +
                           " --param K=1 --no-seconds --format ";
  const cowtest::Result md = cowtest::run_cowcheck(base + "md");
  SHOW(md);
  REQUIRE(md.status == 0);
  CHECK(md.output.find("| states | transitions | end states |") != std::string::npos);
  CHECK(md.output.find("seconds") == std::string::npos);
  const cowtest::Result again = cowtest::run_cowcheck(base + "md");
  CHECK(again.output == md.output);
  const cowtest::Result csv = cowtest::run_cowcheck(base + "csv");
  SHOW(csv);
  CHECK(csv.output.find(",states,transitions,end-states") != std::string::npos);
  CHECK(csv.output.find("seconds") == std::string::npos);
  const cowtest::Result text = cowtest::run_cowcheck(base + "text");
  SHOW(text);
  CHECK(text.output.find("states") != std::string::npos);
  CHECK(text.output.find("seconds") == std::string::npos);
}
