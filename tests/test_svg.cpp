// check --svg (checker/svg.hpp): the picture of a real counterexample is well-formed XML
// with a lane per thread and a box per step, its timeline (checker/trace_timeline.hpp)
// says what the trace did, and a real browser (Debian's chromium, headless) draws it.
#include <catch2/catch.hpp>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "check_helpers.hpp"
#include "svg_helpers.hpp"
#include "checker/svg.hpp"
#include "checker/trace_timeline.hpp"
#include "cli_run.hpp"

using namespace cow;
using namespace cowtest::svg;
namespace fs = std::filesystem;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

struct Case {
  const char* file;
  std::map<std::string, long> params;
};

}  // namespace

TEST_CASE("the test's XML reader refuses what is not well-formed", "[svg][quick]") {
  CHECK_NOTHROW(parse_xml("<?xml version=\"1.0\"?>\n<svg a=\"1\"><g><text>x &amp; y</text></g><rect/></svg>\n"));
  CHECK_THROWS(parse_xml("<svg><g></svg>"));
  CHECK_THROWS(parse_xml("<svg><text>a & b</text></svg>"));
  CHECK_THROWS(parse_xml("<svg a=1></svg>"));
  CHECK_THROWS(parse_xml("<svg></svg><svg></svg>"));
  CHECK_THROWS(parse_xml("<svg>"));
}

TEST_CASE("the timeline of a counterexample: preemptions, lock holds, frames", "[svg][quick]") {
  // odirect_fork K=2 on v2.6.27, the dma-visible trace: F forks after R0's GUP-fast took
  // its reference, W's write fault then copies the page, and the DMA lands in the child's.
  CheckRun run = cowtest::run_scenario(kSrc + "/scenarios/odirect_fork.toml", "v2.6.27", {{"K", 2}}, {"dma-visible"});
  REQUIRE(run.result.outcomes.at(0).violated);
  const Trace& tr = run.traces[0];
  const Timeline tl = trace_timeline(run.scenario, *run.design, tr);
  REQUIRE(tl.states.size() == tr.steps.size() + 1);
  CHECK(tl.states.back() == tr.last);
  // A step right after another thread's, that thread still able to go on, is a preemption.
  std::size_t preemptions = 0;
  for (std::size_t i = 0; i < tr.steps.size(); ++i) {
    if (tl.preempted[i] == kNone) continue;
    ++preemptions;
    CHECK(tl.preempted[i] == tr.steps[i - 1].tid);
    CHECK(tl.preempted[i] != tr.steps[i].tid);
  }
  CHECK(preemptions >= 1);
  // fork's dup_mmap holds the parent's mmap_lock for write, and drops it before the end.
  const std::vector<LockHold> holds = lock_holds(tr, tl);
  bool fork_writes = false;
  for (const LockHold& h : holds) {
    CHECK(h.from <= h.to);
    if (h.kind == LockKind::MmapWrite && run.scenario.threads[h.tid].name == "F" && !h.open) fork_writes = true;
  }
  CHECK(fork_writes);
  // Some frame is a COW copy by the end, and some frame holds the DMA's data.
  const std::vector<FrameMarks> marks = frame_marks(run.scenario, tr, tl);
  REQUIRE(marks.size() == tl.states.size());
  bool copy = false, dma = false;
  for (u8 m : marks.back()) copy |= (m & kMarkCopy) != 0, dma |= (m & kMarkDma) != 0;
  CHECK(copy);
  CHECK(dma);
}

TEST_CASE("check --svg draws real counterexamples that a headless browser renders", "[svg]") {
  const fs::path dir = fs::temp_directory_path() / ("cowcheck_svg_" + std::to_string(::getpid()));
  fs::create_directories(dir);
  const Case cases[] = {{"scenarios/odirect_fork.toml", {{"K", 2}}},
                        {"scenarios/selftests/cow_03_vmsplice_unmap_in_child.toml", {}}};
  for (const Case& c : cases) {
    SECTION(c.file) {
      CheckRun run = cowtest::run_scenario(kSrc + "/" + c.file, "v2.6.27", c.params);
      const std::vector<std::size_t> which = pictured_outcomes(run, false);
      REQUIRE(which.size() == 1);
      const Trace& tr = run.traces[which[0]];
      const std::string svg = svg_picture(run, which);
      // Self-contained: nothing fetched from elsewhere.
      CHECK(svg.find("href") == std::string::npos);
      CHECK(svg.find("<script") == std::string::npos);
      CHECK(svg.find("@font-face") == std::string::npos);
      std::vector<Element> els;
      REQUIRE_NOTHROW(els = parse_xml(svg));
      REQUIRE(els.at(0).name == "svg");
      // A lane per thread, named; a box per step; the violation.
      std::vector<std::string> want;
      for (const ThreadDef& t : run.scenario.threads) want.push_back(t.name);
      CHECK(lane_names(els) == want);
      CHECK(count_class(els, "step") == tr.steps.size());
      CHECK(count_class(els, "violation") == 1);
      CHECK(count_class(els, "frame") >= 1);
      CHECK(count_class(els, "lock") >= 1);

      // The same picture from the command line.
      const fs::path file = dir / (fs::path(c.file).stem().string() + ".svg");
      std::string args = cowtest::shell_quote(kSrc + "/" + c.file) + " --design v2.6.27 --quiet --svg " +
                         cowtest::shell_quote(file.string());
      for (const auto& [k, v] : c.params) args += " --param " + k + "=" + std::to_string(v);
      const cowtest::Result r = cowtest::run_cowcheck("check " + args);
      SHOW(r);
      CHECK(r.status == 1);
      REQUIRE(fs::exists(file));
      CHECK(slurp(file) == svg);

      // A real browser draws it: chromium, headless (we run as root: --no-sandbox).
      if (!chromium_installed())
        FAIL("chromium is not installed: run `bash .ci/install-deps.sh` as root (Debian's chromium package)");
      const unsigned w = std::stoul(els[0].attrs.at("width")), h = std::stoul(els[0].attrs.at("height"));
      // Blank: a page of the same size with nothing drawn, the size a drawing must exceed.
      const fs::path blank_svg = dir / "blank.svg";
      {
        std::ofstream b(blank_svg);
        b << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << w << "\" height=\"" << h
          << "\"><rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/></svg>\n";
      }
      std::string why;
      const std::string blank = screenshot(blank_svg, w, h, dir / "blank.png", why);
      INFO(why);
      REQUIRE(!blank.empty());
      const std::string png = screenshot(file, w, h, dir / (file.stem().string() + ".png"), why);
      INFO(why);
      REQUIRE(!png.empty());
      CHECK(png_size(png) == std::make_pair(w, h));
      // A page of flat white compresses to almost nothing; text, boxes and colours do not.
      INFO("blank " << blank.size() << " bytes, picture " << png.size() << " bytes");
      CHECK(png.size() > 10 * blank.size());
      CHECK(png.size() > 20000);
    }
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

TEST_CASE("papers/pictures/odirect_fork_K2_v2.6.27.svg is what check --svg writes today", "[svg][quick]") {
  // The README's example picture, regenerated with the command the README gives.
  CheckRun run = cowtest::run_scenario(kSrc + "/scenarios/odirect_fork.toml", "v2.6.27", {{"K", 2}}, {"dma-visible"});
  INFO("regenerate: build/release/cowcheck check scenarios/odirect_fork.toml --design v2.6.27 --param K=2 "
       "--property dma-visible --svg papers/pictures/odirect_fork_K2_v2.6.27.svg");
  CHECK(svg_picture(run, pictured_outcomes(run, false)) == slurp(kSrc + "/papers/pictures/odirect_fork_K2_v2.6.27.svg"));
}
