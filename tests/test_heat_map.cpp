// The design matrix at a glance (checker/heat_map.hpp) and the pictures compare --papers
// writes: the heat map of hand-made rows has the cells the verdicts say, and a small
// paper has one well-formed picture per VIOLATED cell, the one `check --svg` draws.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <set>
#include <string>
#include <vector>

#include "checker/heat_map.hpp"
#include "cli_run.hpp"
#include "svg_helpers.hpp"

using namespace cow;
using namespace cowtest::svg;
namespace fs = std::filesystem;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

CompareRow row(const std::string& file, const std::string& scenario, std::map<std::string, long> params,
               const std::string& design, std::map<std::string, std::string> verdicts) {
  CompareRow r;
  r.file = file;
  r.scenario = scenario;
  r.params = std::move(params);
  r.design = design;
  for (const auto& [p, v] : verdicts) r.properties.push_back(p);
  r.verdicts = std::move(verdicts);
  return r;
}

// Three scenario files: "odf" with two settings, "dirty" (arch rcu: design b refused), and
// a second file whose scenario is also called "odf".
std::vector<CompareRow> hand_rows() {
  const std::string H = "holds", V = "VIOLATED";
  return {
      row("s/odf.toml", "odf", {{"K", 1}}, "a", {{"dma-visible", V}, {"refcount-sane", H}}),
      row("s/odf.toml", "odf", {{"K", 1}}, "b", {{"dma-visible", H}, {"refcount-sane", H}}),
      row("s/odf.toml", "odf", {{"K", 1}}, "c", {{"dma-visible", H}, {"refcount-sane", H}}),
      row("s/odf.toml", "odf", {{"K", 2}}, "a", {{"dma-visible", V}, {"refcount-sane", V}}),
      row("s/odf.toml", "odf", {{"K", 2}}, "b", {{"dma-visible", H}, {"refcount-sane", H}}),
      row("s/odf.toml", "odf", {{"K", 2}}, "c", {{"dma-visible", "unknown"}, {"refcount-sane", H}}),
      row("s/dirty.toml", "dirty", {}, "a", {{"file-integrity", V}}),
      row("s/dirty.toml", "dirty", {}, "c", {{"file-integrity", H}}),
      row("s/other/odf.toml", "odf", {}, "a", {{"dma-visible", H}}),
      row("s/other/odf.toml", "odf", {}, "b", {{"dma-visible", H}}),
      row("s/other/odf.toml", "odf", {}, "c", {{"dma-visible", H}}),
  };
}

std::string read(const fs::path& p) { return slurp(p); }

}  // namespace

TEST_CASE("heat map: the cells of hand-made rows, their titles and the Markdown marks", "[heat-map][quick]") {
  const HeatMap m = heat_map(hand_rows());
  CHECK(m.designs == std::vector<std::string>{"a", "b", "c"});
  REQUIRE(m.rows.size() == 4);  // odf K=1, odf K=2, dirty, the other odf
  CHECK(m.rows[0].params == "K=1");
  CHECK(m.rows[2].params.empty());  // one setting: no params in the label
  CHECK(m.rows[0].anchor == "odf");
  CHECK(m.rows[2].anchor == "dirty");
  CHECK(m.rows[3].anchor == "odf-1");  // GitHub numbers a repeated heading
  CHECK(m.count(HeatKind::Violated) == 3);
  CHECK(m.count(HeatKind::Holds) == 7);
  CHECK(m.count(HeatKind::Undecided) == 1);
  CHECK(m.count(HeatKind::NotRun) == 1);
  CHECK(m.rows[1].cells[0].properties == std::vector<std::string>{"dma-visible", "refcount-sane"});
  CHECK(m.rows[2].cells[1].kind == HeatKind::NotRun);
  CHECK(m.rows[1].cells[2].kind == HeatKind::Undecided);

  const std::string svg = heat_map_svg(m, "design-matrix.md");
  std::vector<Element> els;
  REQUIRE_NOTHROW(els = parse_xml(svg));
  REQUIRE(els.at(0).name == "svg");
  CHECK(count_class(els, "violated") == 3);
  CHECK(count_class(els, "c h") == 7 + 1);  // the cells and the legend's key
  CHECK(count_class(els, "c v") == 3 + 1);
  CHECK(count_class(els, "design") == 3);
  CHECK(count_class(els, "row") == 4);
  // Each red cell's tooltip names what it violates, and leads to its section.
  std::vector<std::string> red_titles;
  std::set<std::string> links;
  for (std::size_t i = 0; i + 1 < els.size(); ++i) {
    if (els[i].name == "a") links.insert(els[i].attrs.at("xlink:href"));
    if (auto c = els[i].attrs.find("class"); c != els[i].attrs.end() && c->second == "violated") {
      REQUIRE(els[i + 1].name == "title");
      red_titles.push_back(els[i + 1].text);
    }
  }
  CHECK(red_titles == std::vector<std::string>{"odf K=1 on a: VIOLATED dma-visible",
                                               "odf K=2 on a: VIOLATED dma-visible, refcount-sane",
                                               "dirty on a: VIOLATED file-integrity"});
  CHECK(links == std::set<std::string>{"design-matrix.md#odf", "design-matrix.md#dirty"});
  CHECK(svg.find("<script") == std::string::npos);
  CHECK(svg.find("http://www.w3.org/2000/svg") != std::string::npos);

  const std::string md = heat_map_md(m);
  CHECK(cowtest::has(md, "| scenario | params | `abc` |\n|---|---|---|\n"));
  CHECK(cowtest::has(md, "| [odf](#odf) | K=1 | `X..` |\n"));
  CHECK(cowtest::has(md, "| odf | K=2 | `X.?` |\n"));
  CHECK(cowtest::has(md, "| [dirty](#dirty) |  | `X-.` |\n"));
  CHECK(cowtest::has(md, "| [odf](#odf-1) |  | `...` |\n"));
  CHECK(cowtest::has(md, "Designs: a `a`, b `b`, c `c`."));
  CHECK(heading_anchor("Fork, then COW: 5.19") == "fork-then-cow-519");
}

TEST_CASE("compare --papers: one picture per VIOLATED cell, the one check --svg draws, and the heat map",
          "[heat-map][papers][quick]") {
  using cowtest::has;
  using cowtest::shell_quote;
  const std::string scenario = kSrc + "/scenarios/selftests/cow_03_vmsplice_unmap_in_child.toml";
  const fs::path dir = fs::temp_directory_path() / ("cowcheck_heat_map_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "traces");
  std::ofstream(dir / "traces" / "stale--v0--gone.svg") << "<svg/>\n";  // an earlier run's picture must go
  for (const std::string mode : {"shortest", "fewest-preemptions"}) {
    INFO("--trace " << mode);
    cowtest::Result r = cowtest::run_cowcheck("compare --designs v2.6.27,v5.19 --scenarios " + shell_quote(scenario) +
                                              " --no-costs --trace " + mode + " --papers " + shell_quote(dir.string()));
    SHOW(r);
    REQUIRE(r.status == 0);
    CHECK_FALSE(fs::exists(dir / "traces" / "stale--v0--gone.svg"));
    const std::string md = read(dir / "design-matrix.md");
    INFO(md);
    std::size_t violated = 0;
    for (auto at = md.find("[VIOLATED]("); at != std::string::npos; at = md.find("[VIOLATED](", at + 1)) ++violated;
    REQUIRE(violated >= 1);  // v2.6.27 loses the child's unmapped page's data
    CHECK(has(md, "![The design matrix at a glance"));
    std::set<std::string> svgs, txts;
    for (const auto& e : fs::directory_iterator(dir / "traces"))
      (e.path().extension() == ".svg" ? svgs : txts).insert(e.path().stem().string());
    CHECK(svgs.size() == violated);
    CHECK(svgs == txts);
    for (const std::string& stem : svgs) {
      INFO(stem);
      CHECK(has(md, "[VIOLATED](traces/" + stem + ".txt) ([picture](traces/" + stem + ".svg))"));
      const std::string svg = read(dir / "traces" / (stem + ".svg"));
      std::vector<Element> els;
      REQUIRE_NOTHROW(els = parse_xml(svg));
      CHECK(els.at(0).name == "svg");
      CHECK(count_class(els, "violation") == 1);
      // The trace's first line names the check command; with the same --trace, check --svg
      // draws the same bytes.
      const std::string txt = read(dir / "traces" / (stem + ".txt"));
      const std::size_t b = txt.find("What `cowcheck ") + 15, e = txt.find('`', b);
      const fs::path mine = dir / "mine.svg";
      cowtest::Result c = cowtest::run_cowcheck(txt.substr(b, e - b) + " --quiet --svg " + shell_quote(mine.string()),
                                                "cd " + shell_quote(kSrc) + " && ");
      SHOW(c);
      CHECK(c.status == 1);
      CHECK(has(txt, mode == "shortest" ? "" : "--trace fewest-preemptions"));
      CHECK(read(mine) == svg);
      fs::remove(mine);
    }
    // The heat map: a row per setting (swapped=0, swapped=1), both designs, and here (one
    // property violated per red cell) a red cell per picture.
    std::vector<Element> els;
    REQUIRE_NOTHROW(els = parse_xml(read(dir / "design-matrix.svg")));
    CHECK(count_class(els, "row") == 2);
    CHECK(count_class(els, "design") == 2);
    CHECK(count_class(els, "violated") == violated);
    CHECK(has(md, "| [cow_03_vmsplice_unmap_in_child](#cow_03_vmsplice_unmap_in_child) | swapped=0 | `X.` |\n"));
  }
  fs::remove_all(dir);
}

TEST_CASE("the heat map of a small paper is drawn by a headless browser", "[heat-map][svg]") {
  if (!chromium_installed())
    FAIL("chromium is not installed: run `bash .ci/install-deps.sh` as root (Debian's chromium package)");
  const fs::path dir = fs::temp_directory_path() / ("cowcheck_heat_map_png_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const std::string svg = heat_map_svg(heat_map(hand_rows()), "design-matrix.md");
  const std::vector<Element> els = parse_xml(svg);
  const unsigned w = std::stoul(els.at(0).attrs.at("width")), h = std::stoul(els.at(0).attrs.at("height"));
  std::ofstream(dir / "map.svg") << svg;
  std::ofstream(dir / "blank.svg") << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
                                   << "\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/></svg>\n";
  std::string why;
  const std::string blank = screenshot(dir / "blank.svg", w, h, dir / "blank.png", why);
  INFO(why);
  REQUIRE(!blank.empty());
  const std::string png = screenshot(dir / "map.svg", w, h, dir / "map.png", why);
  INFO(why);
  REQUIRE(!png.empty());
  CHECK(png_size(png) == std::make_pair(w, h));
  // Coloured cells and text compress far worse than a page of white.
  INFO("blank " << blank.size() << " bytes, heat map " << png.size() << " bytes");
  CHECK(png.size() > 5 * blank.size());
  std::error_code ec;
  fs::remove_all(dir, ec);
}
