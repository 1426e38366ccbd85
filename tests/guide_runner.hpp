// The guide runner: follows a guide of docs/ as a reader would, and fails where the guide
// says what cowcheck does not do. tests/test_guides.cpp runs every guide with it.
//
// The form a guide must have, so that it can be followed here:
//   - fenced blocks (``` lines); the first word of a fence's info string is the block's kind;
//   - a ```smt2 NAME.smt2 block is the file NAME.smt2 (its name beside the language): the
//     runner writes it, once per name;
//   - in a ```sh block, `cp NAME.smt2 properties/` copies a file the guide wrote into the
//     properties directory, and every line that starts with `cowcheck` ends with
//     `# exit N`, the status it gives, and is run; other lines (alias, export, cmake,
//     ctest) are not run;
//   - a ```text block is output of the last `cowcheck` command before it (stdout and
//     stderr together): runs of lines separated by lines that are only `...`, each run
//     contiguous in the output and the runs in order; trailing blanks are ignored, and a
//     `...` inside a line stands for any text there (the printed line starts with what
//     comes before the first `...`, ends with what comes after the last, and holds the
//     parts between in order);
//   - any other kind of block fails the test, so that no output goes unchecked, except
//     the kinds the guide's test names as excerpts: those it checks another way (the
//     scenario guide's ```toml against the scenario file, the design guide's ```cpp
//     against the design files) and the runner only allows.
// Every command of a guide runs, in the guide's order, in one fresh temporary directory
// that holds the files the guide wrote, `scenarios/` (a link to the source tree's, and
// any other source directory the guide's test names, under the same relative path) and
// `properties/` (a copy of the source tree's, which COWCHECK_PROPERTIES_DIR points to).
#pragma once
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "tests/cli_run.hpp"

namespace cowtest::guide {

inline const std::string kSourceDir = COWCHECK_SOURCE_DIR;

inline std::string rstrip(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.pop_back();
  return s;
}

inline std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? std::string() : rstrip(s.substr(b));
}

// The lines of a text, trailing blanks removed.
inline std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  for (std::string l; std::getline(ss, l);) out.push_back(rstrip(l));
  return out;
}

// The lines of a file of the source tree (`path` relative to it), trailing blanks removed.
inline std::vector<std::string> source_lines(const std::string& path) {
  std::ifstream in(fs::path(kSourceDir) / path);
  INFO("reading " << path);
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  return split_lines(ss.str());
}

// A fenced block: its kind (the first word of the info string), the rest of the info
// string, the guide line of its opening fence, its lines.
struct Block {
  std::string kind;
  std::string arg;
  int line = 0;
  std::vector<std::string> body;
};

inline std::vector<Block> fenced_blocks(const std::string& guide) {
  const std::vector<std::string> md = source_lines(guide);
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
    const std::string info = trim(md[i].substr(3));
    const auto space = info.find(' ');
    out.push_back({info.substr(0, space), space == std::string::npos ? "" : trim(info.substr(space)),
                   static_cast<int>(i + 1), {}});
  }
  INFO(guide << ": the fence opened on line " << (out.empty() ? 0 : out.back().line) << " is never closed");
  REQUIRE_FALSE(inside);
  return out;
}

// The blocks of one kind, in the guide's order.
inline std::vector<Block> blocks_of(const std::string& guide, const std::string& kind) {
  std::vector<Block> out;
  for (Block& b : fenced_blocks(guide))
    if (b.kind == kind) out.push_back(std::move(b));
  return out;
}

// Whether `lines` is a run of consecutive lines of `file`.
inline bool is_run_of(const std::vector<std::string>& lines, const std::vector<std::string>& file) {
  for (std::size_t at = 0; at + lines.size() <= file.size(); ++at)
    if (std::equal(lines.begin(), lines.end(), file.begin() + static_cast<std::ptrdiff_t>(at))) return true;
  return false;
}

// A shown line matches a printed one: equal, or, where the shown line has "...", the
// printed line starts with the part before the first "...", ends with the part after
// the last, and holds the parts between in order.
inline bool line_matches(const std::string& shown, const std::string& printed) {
  std::vector<std::string> parts;
  for (std::size_t from = 0;;) {
    const auto dots = shown.find("...", from);
    parts.push_back(shown.substr(from, dots == std::string::npos ? std::string::npos : dots - from));
    if (dots == std::string::npos) break;
    from = dots + 3;
  }
  const std::string p = rstrip(printed);
  if (parts.size() == 1) return p == parts[0];
  if (p.rfind(parts.front(), 0) != 0) return false;
  std::size_t at = parts.front().size();
  for (std::size_t i = 1; i + 1 < parts.size(); ++i) {
    at = p.find(parts[i], at);
    if (at == std::string::npos) return false;
    at += parts[i].size();
  }
  const std::string& last = parts.back();
  return p.size() >= at + last.size() && p.compare(p.size() - last.size(), last.size(), last) == 0;
}

// The first run of `shown` (runs separated by "..." lines) that is not found in `out`,
// contiguous and after the previous run, or "" when every run is.
inline std::string first_missing(const std::vector<std::string>& out, const std::vector<std::string>& shown) {
  std::vector<std::vector<std::string>> runs(1);
  for (const std::string& l : shown) {
    if (trim(l) == "...") runs.emplace_back();
    else runs.back().push_back(l);
  }
  std::size_t from = 0;
  for (const auto& run : runs) {
    if (run.empty()) continue;
    bool found = false;
    for (std::size_t i = from; i + run.size() <= out.size() && !found; ++i) {
      std::size_t k = 0;
      while (k < run.size() && line_matches(run[k], out[i + k])) ++k;
      if (k == run.size()) {
        from = i + run.size();
        found = true;
      }
    }
    if (!found) {
      std::string s;
      for (const std::string& l : run) s += l + "\n";
      return s;
    }
  }
  return "";
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

// How a guide's test runs it.
struct Options {
  std::set<std::string> excerpts;  // block kinds the test checks another way: allowed, not run
  std::vector<std::string> links;  // source directories linked beside scenarios/ (e.g. tests/inputs)
};

// What a run did, for the test's checks that the guide still has its examples.
struct Summary {
  std::size_t commands = 0, files = 0, copies = 0, outputs = 0;
};

inline std::vector<Step> guide_steps(const std::string& guide, const Options& opt) {
  static const std::regex kCommand(R"(^cowcheck\s+(.*\S)\s+#\s*exit\s+([0-9]+)$)");
  static const std::regex kCopy(R"(^cp\s+([A-Za-z0-9_.-]+\.smt2)\s+properties/?$)");
  static const std::regex kFileName(R"(^[A-Za-z0-9_.-]+\.smt2$)");
  std::vector<Step> steps;
  std::size_t last_run = 0;  // index + 1 of the last Run step, 0 for none
  for (const Block& b : fenced_blocks(guide)) {
    INFO(guide << ":" << b.line << ": ```" << b.kind << (b.arg.empty() ? "" : " " + b.arg));
    if (b.kind == "smt2") {
      REQUIRE(std::regex_match(b.arg, kFileName));  // the file's name beside the language
      std::string text;
      for (const std::string& l : b.body) text += l + "\n";
      steps.push_back({Step::Write, b.line, b.arg, text, "", -1, {}});
    } else if (b.kind == "sh" && b.arg.empty()) {
      for (std::size_t j = 0; j < b.body.size(); ++j) {
        const std::string l = trim(b.body[j]);
        const int line = b.line + 1 + static_cast<int>(j);
        INFO("line " << line << ": " << l);
        std::smatch m;
        if (l.rfind("cp ", 0) == 0) {
          REQUIRE(std::regex_match(l, m, kCopy));  // the only copy a guide does
          steps.push_back({Step::Copy, line, m[1].str(), "", "", -1, {}});
        } else if (l.rfind("cowcheck", 0) == 0) {
          REQUIRE(std::regex_match(l, m, kCommand));  // `# exit N` at the end
          steps.push_back({Step::Run, line, "", "", m[1].str(), std::stoi(m[2].str()), {}});
          last_run = steps.size();
        }
      }
    } else if (b.kind == "text" && b.arg.empty()) {
      INFO("a ```text block is output of the cowcheck command before it, and there is none");
      REQUIRE(last_run > 0);
      steps[last_run - 1].shown.push_back(b.body);
    } else if (!opt.excerpts.count(b.kind)) {
      FAIL("a fenced block that is neither sh, smt2 NAME.smt2, text (output) nor a kind this guide's test checks "
           "another way: nothing would check it");
    }
  }
  return steps;
}

// A fresh temporary directory, removed with everything in it at the end of the scope.
class TempDir {
 public:
  explicit TempDir(const std::string& stem) {
    std::string templ = (fs::temp_directory_path() / ("cowcheck_" + stem + "_XXXXXX")).string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path_ = templ;
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

// Follows the guide (a path relative to the source tree): writes its files, does its
// copies, runs its commands in order and checks each exit status and output shown.
inline Summary run_guide(const std::string& guide, const Options& opt = {}) {
  const std::vector<Step> steps = guide_steps(guide, opt);
  const TempDir tmp("guide_" + fs::path(guide).stem().string());
  const fs::path& dir = tmp.path();
  const fs::path src(kSourceDir);
  fs::create_directories(dir / "properties");
  for (const auto& e : fs::directory_iterator(src / "properties"))
    if (e.path().extension() == ".smt2") fs::copy_file(e.path(), dir / "properties" / e.path().filename());
  std::vector<std::string> links = opt.links;
  links.insert(links.begin(), "scenarios");
  for (const std::string& l : links) {
    fs::create_directories((dir / l).parent_path());
    fs::create_directory_symlink(src / l, dir / l);
  }
  const std::string prefix = "cd " + shell_quote(dir.string()) +
                             " && COWCHECK_PROPERTIES_DIR=" + shell_quote((dir / "properties").string()) + " ";

  Summary sum;
  for (const Step& s : steps) {
    INFO(guide << ":" << s.line);
    switch (s.kind) {
      case Step::Write:
        REQUIRE_FALSE(fs::exists(dir / s.name));  // each example its own file
        std::ofstream(dir / s.name) << s.text;
        ++sum.files;
        break;
      case Step::Copy:
        REQUIRE(fs::exists(dir / s.name));  // the guide wrote it before copying it
        fs::copy_file(dir / s.name, dir / "properties" / s.name, fs::copy_options::overwrite_existing);
        ++sum.copies;
        break;
      case Step::Run: {
        Result r = run_cowcheck(s.args, prefix);
        INFO("cowcheck " << s.args);
        SHOW(r);
        CHECK(r.status == s.status);
        const std::vector<std::string> out = split_lines(r.output);
        for (const auto& block : s.shown) {
          const std::string missing = first_missing(out, block);
          INFO("the guide shows, and the output lacks (contiguous, after the run before):\n" << missing);
          CHECK(missing.empty());
        }
        ++sum.commands;
        sum.outputs += s.shown.size();
        break;
      }
    }
  }
  return sum;
}

}  // namespace cowtest::guide
