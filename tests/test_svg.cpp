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
#include "checker/svg.hpp"
#include "checker/trace_timeline.hpp"
#include "cli_run.hpp"

using namespace cow;
namespace fs = std::filesystem;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;

// A strict reader of the XML the renderer writes (prolog, elements, attributes in double
// quotes, text, the five predefined entities): throws on anything not well-formed, and
// returns each element's name and attributes in document order.
struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;  // its own text content (not its children's)
};
std::vector<Element> parse_xml(const std::string& s) {
  std::vector<Element> out;
  std::vector<std::string> open;
  std::vector<std::size_t> open_at;  // their places in `out`
  std::size_t i = 0;
  auto fail = [&](const std::string& why) { throw std::runtime_error("not well-formed at byte " + std::to_string(i) + ": " + why); };
  auto name_at = [&]() {
    const std::size_t b = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '_' || s[i] == ':')) ++i;
    if (i == b) fail("a name expected");
    return s.substr(b, i - b);
  };
  auto check_text = [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s[k] == '<') fail("a raw '<' in text");
      if (s[k] != '&') continue;
      const std::size_t semi = s.find(';', k);
      const std::string ent = semi == std::string::npos ? "" : s.substr(k, semi - k + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" && ent != "&apos;") fail("a bad entity");
    }
  };
  auto skip_ws = [&] { while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i; };
  if (s.rfind("<?xml", 0) == 0) {
    i = s.find("?>");
    if (i == std::string::npos) fail("an unterminated prolog");
    i += 2;
  }
  bool root_done = false;
  while (true) {
    const std::size_t lt = s.find('<', i);
    const std::size_t text_end = lt == std::string::npos ? s.size() : lt;
    check_text(i, text_end);
    if (open.empty() && s.find_first_not_of(" \t\r\n", i) < text_end) fail("text outside the root element");
    if (!open.empty()) out[open_at.back()].text += s.substr(i, text_end - i);
    if (lt == std::string::npos) break;
    i = lt + 1;
    if (s[i] == '/') {
      ++i;
      const std::string n = name_at();
      if (open.empty() || open.back() != n) fail("</" + n + "> closes nothing open");
      open.pop_back();
      open_at.pop_back();
      skip_ws();
      if (s[i] != '>') fail("'>' expected");
      ++i;
      if (open.empty()) root_done = true;
      continue;
    }
    if (root_done) fail("a second root element");
    Element e;
    e.name = name_at();
    for (;;) {
      skip_ws();
      if (s[i] == '>' || s.compare(i, 2, "/>") == 0) break;
      const std::string a = name_at();
      if (s[i] != '=' || s[i + 1] != '"') fail("attribute " + a + " without =\"...\"");
      i += 2;
      const std::size_t q = s.find('"', i);
      if (q == std::string::npos) fail("an unterminated attribute");
      check_text(i, q);
      if (!e.attrs.emplace(a, s.substr(i, q - i)).second) fail("attribute " + a + " twice");
      i = q + 1;
    }
    const bool empty = s[i] == '/';
    i += empty ? 2 : 1;
    if (!empty) open.push_back(e.name), open_at.push_back(out.size());
    else if (open.empty()) root_done = true;
    out.push_back(std::move(e));
  }
  if (!open.empty()) fail("<" + open.back() + "> never closed");
  if (!root_done) fail("no root element");
  return out;
}

std::size_t count_class(const std::vector<Element>& els, const std::string& cls) {
  std::size_t n = 0;
  for (const Element& e : els)
    if (auto it = e.attrs.find("class"); it != e.attrs.end() && it->second == cls) ++n;
  return n;
}

std::vector<std::string> lane_names(const std::vector<Element>& els) {
  std::vector<std::string> out;
  for (const Element& e : els)
    if (auto it = e.attrs.find("class"); it != e.attrs.end() && it->second == "lane") out.push_back(e.text);
  return out;
}

std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The PNG's width and height from its IHDR chunk ({0, 0} when it is not a PNG).
std::pair<unsigned, unsigned> png_size(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    unsigned v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(png[at + k]);
    return v;
  };
  return {be32(16), be32(20)};
}

// Headless chromium's screenshot of `svg` at w x h; "" when it could not make one (then
// `why` says what happened).
std::string screenshot(const fs::path& svg, unsigned w, unsigned h, const fs::path& png, std::string& why) {
  std::error_code ec;
  fs::remove(png, ec);
  const fs::path log = png.string() + ".log";
  const std::string cmd = "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot=" +
                          cowtest::shell_quote(png.string()) + " --window-size=" + std::to_string(w) + "," +
                          std::to_string(h) + " " + cowtest::shell_quote("file://" + fs::absolute(svg).string()) + " > " +
                          cowtest::shell_quote(log.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (!fs::exists(png)) {
    why = "chromium made no screenshot (exit " + std::to_string(rc) + "): " + cmd + "\n" + slurp(log).substr(0, 2000);
    return "";
  }
  return slurp(png);
}

bool chromium_installed() { return std::system("command -v chromium > /dev/null 2>&1") == 0; }

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
