// The guides in docs/ cannot rot. Each of the three is followed by the guide runner
// (tests/guide_runner.hpp, which says the form a guide must have): its property files
// written, its `cowcheck` commands run in order with the exit status and the output it
// shows. Then what each guide shows that is not a command:
//   - docs/writing-a-scenario.md: its table of operations is the op table of
//     model/scenario.hpp, its table of bounds model/bounds.hpp, its worked example's
//     ```toml excerpts are lines of the scenario file, and the example's verdicts are
//     checked on every design it names;
//   - docs/writing-a-property.md: its signature table names every function that
//     `cowcheck list signature` prints, and the README points to it;
//   - docs/writing-a-design.md: its ```cpp excerpts are lines of model/designs/v6_0.hpp/.cpp
//     or of the file `cowcheck new-design my-v6.0 --from v5.19` writes, and its
//     ```console block is what that command prints.
#include <catch2/catch.hpp>

#include <algorithm>
#include <map>
#include <regex>
#include <string>
#include <vector>

#include "model/bounds.hpp"
#include "model/scenario.hpp"
#include "tests/check_helpers.hpp"
#include "tests/cli_run.hpp"
#include "tests/guide_runner.hpp"

namespace {
using namespace cowtest;
using namespace cowtest::guide;

const std::string kScenarioGuide = "docs/writing-a-scenario.md";
const std::string kPropertyGuide = "docs/writing-a-property.md";
const std::string kDesignGuide = "docs/writing-a-design.md";

std::string text_of(const std::vector<std::string>& lines) {
  std::string s;
  for (const std::string& l : lines) s += l + "\n";
  return s;
}

// The cells of a Markdown table row ("\|" is a '|' inside a cell).
std::vector<std::string> cells(const std::string& row) {
  std::vector<std::string> out;
  std::string cell;
  for (std::size_t i = 0; i < row.size(); ++i) {
    if (row[i] == '\\' && i + 1 < row.size() && row[i + 1] == '|') {
      cell += '|';
      ++i;
    } else if (row[i] == '|') {
      out.push_back(trim(cell));
      cell.clear();
    } else {
      cell += row[i];
    }
  }
  if (!out.empty()) out.erase(out.begin());  // before the first '|'
  return out;
}

// The rows of the table whose header row starts with `header`.
std::vector<std::vector<std::string>> table_rows(const std::vector<std::string>& md, const std::string& header) {
  std::vector<std::vector<std::string>> rows;
  for (std::size_t n = 0; n < md.size(); ++n) {
    if (md[n].rfind(header, 0) != 0) continue;
    for (std::size_t r = n + 2; r < md.size() && md[r].rfind("|", 0) == 0; ++r) rows.push_back(cells(md[r]));
    break;
  }
  return rows;
}

}  // namespace

// ---- docs/writing-a-scenario.md ----

TEST_CASE("guide: writing-a-scenario, followed: every command gives the exit status and output it shows",
          "[guide][cli]") {
  // ```toml: the worked example's excerpts (checked below) and the format's illustrations.
  const Summary s = run_guide(kScenarioGuide, {{"toml"}, {"tests/inputs"}});
  CHECK(s.commands >= 14);
  CHECK(s.outputs >= 10);
}

TEST_CASE("guide: writing-a-scenario, the worked example's excerpts are lines of scenarios/odirect_reclaim.toml",
          "[guide]") {
  const std::vector<std::string> md = source_lines(kScenarioGuide);
  const int format_at = static_cast<int>(std::find(md.begin(), md.end(), "## The file format") - md.begin()) + 1;
  const std::vector<std::string> toml = source_lines("scenarios/odirect_reclaim.toml");
  int excerpts = 0;
  for (const Block& b : blocks_of(kScenarioGuide, "toml")) {
    if (b.line > format_at) break;  // the format's illustrations
    ++excerpts;
    INFO("the excerpt at " << kScenarioGuide << ":" << b.line << " is not a run of lines of the file:\n"
                           << text_of(b.body));
    CHECK(is_run_of(b.body, toml));
  }
  CHECK(excerpts >= 4);
}

TEST_CASE("guide: writing-a-scenario, the table of operations is kOps, in order, each row starting with its meaning",
          "[guide]") {
  const auto rows = table_rows(source_lines(kScenarioGuide), "| op | keys |");
  REQUIRE(rows.size() == std::size(cow::kOps));
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const cow::OpInfo& op = cow::kOps[i];
    INFO("op " << op.name << ", guide row: " << rows[i].at(0));
    REQUIRE(rows[i].size() == 3);
    CHECK(rows[i][0] == "`" + std::string(op.name) + "`");
    const std::string& text = rows[i][2];
    CHECK((text == op.meaning || text.rfind(std::string(op.meaning) + ". ", 0) == 0));
  }
}

TEST_CASE("guide: writing-a-scenario, the table of bounds gives model/bounds.hpp's values", "[guide]") {
  const std::map<std::string, std::size_t> bounds = {
      {"kMaxMms", cow::kMaxMms},         {"kMaxVmas", cow::kMaxVmas}, {"kMaxVpages", cow::kMaxVpages},
      {"kMaxFrames", cow::kMaxFrames},   {"kMaxThreads", cow::kMaxThreads}, {"kMaxPins", cow::kMaxPins},
      {"kMaxOps", cow::kMaxOps},         {"kMaxWrites", cow::kMaxWrites}, {"kHalves", cow::kHalves}};
  const auto rows = table_rows(source_lines(kScenarioGuide), "| bound | value |");
  REQUIRE(rows.size() == bounds.size());
  for (const auto& row : rows) {
    REQUIRE(row.size() == 3);
    const std::string name = row[0].substr(1, row[0].size() - 2);  // without the backquotes
    INFO(row[0]);
    REQUIRE(bounds.count(name));
    CHECK(row[1] == std::to_string(bounds.at(name)));
  }
}

TEST_CASE("guide: writing-a-scenario, the worked example's verdicts, odirect_reclaim on every design",
          "[guide][scenario]") {
  // dma-visible fails where do_wp_page reuses on page_count and reclaim unmaps the page:
  // 5.9-rc and 5.9 with either reference kind, 5.11 with FOLL_GET (its reclaim keeps
  // FOLL_PIN pages). Every other property holds everywhere.
  const std::map<std::string, std::vector<long>> dma_lost_for_pin = {
      {"v2.6.27", {}}, {"forcecow", {}},     {"brlock", {}},  {"pg_gup", {}},        {"mlock-v2.6.37", {}},
      {"mlock-v2.6.38", {}}, {"v4.8", {}},   {"v4.9", {}},    {"v5.8", {}},          {"v5.9-rc", {0, 1}},
      {"v5.9", {0, 1}},      {"v5.11", {0}}, {"v5.19", {}},   {"cow-pte-table", {}}};
  const std::string file = kSourceDir + "/scenarios/odirect_reclaim.toml";
  for (const auto& [design, lost] : dma_lost_for_pin)
    for (long pin : {0L, 1L}) {
      cow::CheckRun run = run_scenario(file, design, {{"pin", pin}}, {}, /*full=*/true);
      REQUIRE(run.result.completion == cow::Completion::Exhausted);
      for (const cow::PropertyOutcome& o : run.result.outcomes) {
        const bool expect = o.property->name() == "dma-visible" && std::count(lost.begin(), lost.end(), pin);
        INFO(design << " pin=" << pin << " " << o.property->name());
        CHECK(o.violated == expect);
      }
    }
}

// ---- docs/writing-a-property.md ----

TEST_CASE("guide: writing-a-property, followed: its files written and copied, every command gives the exit status "
          "and output it shows",
          "[guide][cli]") {
  const Summary s = run_guide(kPropertyGuide);
  // The guide's two worked examples, its mistakes and its options are all there.
  CHECK(s.commands >= 15);
  CHECK(s.files >= 8);
  CHECK(s.copies >= 1);
  CHECK(s.outputs >= 15);
}

TEST_CASE("guide: writing-a-property names every function of the signature", "[guide]") {
  const std::string guide = text_of(source_lines(kPropertyGuide));
  Result r = run_cowcheck("list signature");
  SHOW(r);
  REQUIRE(r.status == 0);
  static const std::regex kDecl(R"(^\(declare-fun (\S+) )");
  std::size_t functions = 0;
  for (const std::string& l : split_lines(r.output)) {
    std::smatch m;
    if (!std::regex_search(l, m, kDecl)) continue;
    ++functions;
    INFO(kPropertyGuide << " does not name `" << m[1].str() << "`: add it to the table of the signature");
    CHECK(has(guide, "`" + m[1].str() + "`"));
  }
  CHECK(functions >= 60);
}

TEST_CASE("guide: the README's Properties section points to writing-a-property", "[guide]") {
  const std::string readme = text_of(source_lines("README.md"));
  const auto at = readme.find("\n## Properties\n");
  REQUIRE(at != std::string::npos);
  const auto end = readme.find("\n## ", at + 1);
  const std::string section = readme.substr(at, end == std::string::npos ? std::string::npos : end - at);
  CHECK(has(section, "(docs/writing-a-property.md)"));
}

// ---- docs/writing-a-design.md ----

TEST_CASE("guide: writing-a-design, followed: every command gives the exit status and output it shows",
          "[guide][cli]") {
  // ```cpp and ```console: checked by the two tests below.
  const Summary s = run_guide(kDesignGuide, {{"cpp", "console"}, {}});
  CHECK(s.commands >= 10);
  CHECK(s.files >= 1);
  CHECK(s.outputs >= 3);
}

TEST_CASE("guide: writing-a-design, every cpp excerpt is lines of v6_0.hpp/.cpp or of the file new-design writes",
          "[guide][cli]") {
  Result r = run_cowcheck("new-design my-v6.0 --from v5.19 -o -");
  SHOW(r);
  REQUIRE(r.status == 0);
  const std::vector<std::string> written = split_lines(r.output);
  std::vector<std::string> v6_0 = source_lines("model/designs/v6_0.hpp");  // the class
  for (std::string& l : source_lines("model/designs/v6_0.cpp")) v6_0.push_back(std::move(l));
  const std::vector<Block> excerpts = blocks_of(kDesignGuide, "cpp");
  CHECK(excerpts.size() >= 2);
  for (const Block& b : excerpts) {
    INFO("the excerpt at " << kDesignGuide << ":" << b.line
                           << " is a run of lines of neither model/designs/v6_0.hpp/.cpp nor new-design's file:\n"
                           << text_of(b.body));
    CHECK(!b.body.empty());
    CHECK((is_run_of(b.body, v6_0) || is_run_of(b.body, written)));
  }
}

TEST_CASE("guide: writing-a-design, the console block is what new-design prints, run from a source tree",
          "[guide][cli]") {
  const std::vector<Block> console = blocks_of(kDesignGuide, "console");
  REQUIRE(console.size() == 1);
  const std::vector<std::string>& shown = console[0].body;
  INFO(kDesignGuide << ":" << console[0].line);
  REQUIRE(shown.size() == 2);
  const std::string prompt = "$ cowcheck ";
  REQUIRE(shown[0].rfind(prompt, 0) == 0);
  CHECK(shown[0] == "$ cowcheck new-design my-v6.0 --from v5.19");
  // Run where a reader runs it: the top of a source tree, which has model/designs/.
  const TempDir tree("guide_new_design");
  fs::create_directories(tree.path() / "model" / "designs");
  Result r = run_cowcheck(shown[0].substr(prompt.size()), "cd " + shell_quote(tree.path().string()) + " && ");
  SHOW(r);
  CHECK(r.status == 0);
  CHECK(split_lines(r.output) == std::vector<std::string>{shown[1]});
  CHECK(fs::exists(tree.path() / "model" / "designs" / "my_v6_0.cpp"));
}
