// The property guide, docs/writing-a-property.md, followed as a reader follows it: its
// property files written under the names it gives them, its `cp NAME.smt2 properties/`
// done, and each of its `cowcheck` commands run in that order, with the exit status and
// the output the guide shows; and its signature table naming every function that
// `cowcheck list signature` prints.
//
// What the guide's form must be, so that it can be followed here:
//   - a ```smt2 NAME.smt2 block is the file NAME.smt2 (the name in the fence's info
//     string, beside the language);
//   - in a ```sh block, every line that starts with `cowcheck` ends with `# exit N`, the
//     status it gives; `cp NAME.smt2 properties/` copies a file the guide wrote; other
//     lines (alias, cmake, ctest) are not run;
//   - a ```text block is output of the last `cowcheck` command before it: its lines
//     appear in that command's output (stdout and stderr) in order, each run of lines
//     between two `...` lines contiguous (trailing blanks ignored);
//   - no other kind of fenced block, so that no output goes unchecked.
// The commands run in a fresh directory holding the guide's files, `scenarios/` (a link
// to the source tree's) and `properties/` (a copy of the source tree's, which
// COWCHECK_PROPERTIES_DIR points to).
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"

using namespace cowtest;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;
const std::string kGuide = "docs/writing-a-property.md";

std::string read_text(const fs::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : rstrip(s.substr(b));
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(rstrip(l));
  return out;
}

// A fenced block: its info string ("sh", "smt2 NAME.smt2", "text"), the guide line of
// its opening fence, its lines.
struct Block {
  std::string info;
  int line = 0;
  std::vector<std::string> body;
};

std::vector<Block> fenced_blocks(const std::vector<std::string>& md) {
  std::vector<Block> out;
  bool inside = false;
  for (std::size_t i = 0; i < md.size(); ++i) {
    if (md[i].rfind("```", 0) != 0) {
      if (inside) out.back().body.push_back(md[i]);
      continue;
    }
    if (inside) {
      inside = false;
      continue;
    }
    inside = true;
    out.push_back({trim(md[i].substr(3)), static_cast<int>(i + 1), {}});
  }
  INFO(kGuide << ": a fence opened on line " << (out.empty() ? 0 : out.back().line) << " is never closed");
  REQUIRE_FALSE(inside);
  return out;
}

// What the guide asks the reader to do, in its order.
struct Step {
  enum Kind { Write, Copy, Run } kind = Run;
  int line = 0;
  std::string name;  // Write, Copy: the file
  std::string text;  // Write: its contents
  std::string args;  // Run: the command line after `cowcheck`
  int status = -1;   // Run: the exit status the guide states
  std::vector<std::vector<std::string>> shown;  // Run: the output blocks shown for it
};

std::vector<Step> guide_steps(const std::vector<Block>& blocks) {
  static const std::regex kCommand(R"(^cowcheck\s+(.*\S)\s+#\s*exit\s+([0-9]+)$)");
  static const std::regex kCopy(R"(^cp\s+([A-Za-z0-9_.-]+\.smt2)\s+properties/?$)");
  static const std::regex kSmt2(R"(^smt2\s+([A-Za-z0-9_.-]+\.smt2)$)");
  std::vector<Step> steps;
  std::size_t last_run = 0;  // index + 1 of the last Run step, 0 for none
  for (const Block& b : blocks) {
    INFO(kGuide << ":" << b.line << ": ```" << b.info);
    std::smatch m;
    if (b.info.rfind("smt2", 0) == 0) {
      REQUIRE(std::regex_match(b.info, m, kSmt2));  // the file's name beside the language
      std::string text;
      for (const std::string& l : b.body) text += l + "\n";
      steps.push_back({Step::Write, b.line, m[1].str(), text, "", -1, {}});
    } else if (b.info == "sh") {
      for (std::size_t j = 0; j < b.body.size(); ++j) {
        const std::string l = trim(b.body[j]);
        const int line = b.line + 1 + static_cast<int>(j);
        if (std::regex_match(l, m, kCopy)) {
          steps.push_back({Step::Copy, line, m[1].str(), "", "", -1, {}});
        } else if (l.rfind("cowcheck", 0) == 0) {
          INFO("line " << line << ": " << l);
          REQUIRE(std::regex_match(l, m, kCommand));  // `# exit N` at the end
          steps.push_back({Step::Run, line, "", "", m[1].str(), std::stoi(m[2].str()), {}});
          last_run = steps.size();
        }
      }
    } else if (b.info == "text") {
      REQUIRE(last_run > 0);  // output of a command shown before it
      steps[last_run - 1].shown.push_back(b.body);
    } else {
      FAIL("a fenced block that is neither sh, smt2 NAME.smt2 nor text (output): nothing would check it");
    }
  }
  return steps;
}

// The first run of `shown` (runs separated by "..." lines) that is not found in `out`
// after the previous one, or "" when every run is.
std::string first_missing(const std::vector<std::string>& out, const std::vector<std::string>& shown) {
  std::vector<std::vector<std::string>> runs(1);
  for (const std::string& l : shown) {
    if (trim(l) == "...") runs.emplace_back();
    else runs.back().push_back(l);
  }
  std::size_t from = 0;
  for (const auto& run : runs) {
    if (run.empty()) continue;
    bool found = false;
    for (std::size_t i = from; i + run.size() <= out.size() && !found; ++i)
      if (std::equal(run.begin(), run.end(), out.begin() + static_cast<std::ptrdiff_t>(i))) {
        from = i + run.size();
        found = true;
      }
    if (!found) {
      std::string s;
      for (const std::string& l : run) s += l + "\n";
      return s;
    }
  }
  return "";
}

}  // namespace

TEST_CASE("the property guide: every cowcheck command exits as the guide says and prints the output it shows",
          "[guide]") {
  const std::vector<Step> steps = guide_steps(fenced_blocks(lines_of(read_text(fs::path(kSrc) / kGuide))));
  std::size_t runs = 0, writes = 0, shown = 0;
  for (const Step& s : steps) {
    runs += s.kind == Step::Run;
    writes += s.kind == Step::Write;
    shown += s.shown.size();
  }
  // The guide's two worked examples, its mistakes and its options are all there.
  REQUIRE(runs >= 15);
  REQUIRE(writes >= 8);
  REQUIRE(shown >= 15);

  const fs::path dir = fs::temp_directory_path() / ("cowcheck_guide_" + std::to_string(::getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir / "properties");
  for (const auto& e : fs::directory_iterator(fs::path(kSrc) / "properties"))
    if (e.path().extension() == ".smt2") fs::copy_file(e.path(), dir / "properties" / e.path().filename());
  fs::create_directory_symlink(fs::path(kSrc) / "scenarios", dir / "scenarios");
  const std::string prefix =
      "cd " + shell_quote(dir.string()) + " && COWCHECK_PROPERTIES_DIR=" + shell_quote((dir / "properties").string()) + " ";

  for (const Step& s : steps) {
    INFO(kGuide << ":" << s.line);
    switch (s.kind) {
      case Step::Write:
        REQUIRE_FALSE(fs::exists(dir / s.name));  // each example its own file
        std::ofstream(dir / s.name) << s.text;
        break;
      case Step::Copy:
        REQUIRE(fs::exists(dir / s.name));  // the guide wrote it before copying it
        fs::copy_file(dir / s.name, dir / "properties" / s.name, fs::copy_options::overwrite_existing);
        break;
      case Step::Run: {
        Result r = run_cowcheck(s.args, prefix);
        SHOW(r);
        CHECK(r.status == s.status);
        const std::vector<std::string> out = lines_of(r.output);
        for (const auto& block : s.shown) {
          const std::string missing = first_missing(out, block);
          INFO("the guide shows, and the output lacks:\n" << missing);
          CHECK(missing.empty());
        }
        break;
      }
    }
  }
  fs::remove_all(dir);
}

TEST_CASE("the property guide names every function of the signature", "[guide]") {
  const std::string guide = read_text(fs::path(kSrc) / kGuide);
  Result r = run_cowcheck("list signature");
  SHOW(r);
  REQUIRE(r.status == 0);
  static const std::regex kDecl(R"(^\(declare-fun (\S+) )");
  std::size_t functions = 0;
  for (const std::string& l : lines_of(r.output)) {
    std::smatch m;
    if (!std::regex_search(l, m, kDecl)) continue;
    ++functions;
    INFO("docs/writing-a-property.md does not name `" << m[1].str() << "`: add it to the table of the signature");
    CHECK(has(guide, "`" + m[1].str() + "`"));
  }
  CHECK(functions >= 60);
}

TEST_CASE("README: the Properties section points to the property guide", "[guide]") {
  const std::string readme = read_text(fs::path(kSrc) / "README.md");
  const auto at = readme.find("\n## Properties\n");
  REQUIRE(at != std::string::npos);
  const auto end = readme.find("\n## ", at + 1);
  const std::string section = readme.substr(at, end == std::string::npos ? std::string::npos : end - at);
  CHECK(has(section, "(docs/writing-a-property.md)"));
}
