// Tables in the README and docs/ that cowcheck prints: each sits between
//   <!-- generated: cowcheck ARGS -->   and   <!-- end -->
// and must be exactly what `cowcheck ARGS` prints now (regenerate by running it). The
// papers (papers/*.md) use the same blocks for the commands they quote; there a block may
// show a violation (exit 1), as a verdict is what a paper reports.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "tests/cli_run.hpp"

namespace {

// `check`'s search statistics line has the seconds and states/s of the run: a block shows
// the output less that line, as papers/traces/ does.
std::string without_search_line(const std::string& out) {
  std::istringstream in(out);
  std::string line, kept;
  while (std::getline(in, line))
    if (line.rfind("search    ", 0) != 0) kept += line + "\n";
  return kept;
}

std::string read(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

TEST_CASE("generated blocks in README.md, docs/ and papers/ are what cowcheck prints", "[docs][cli]") {
  namespace fs = std::filesystem;
  const fs::path src = COWCHECK_SOURCE_DIR;
  std::vector<fs::path> files{src / "README.md"};
  if (fs::exists(src / "docs"))
    for (const auto& e : fs::recursive_directory_iterator(src / "docs"))
      if (e.path().extension() == ".md") files.push_back(e.path());
  for (const auto& e : fs::directory_iterator(src / "papers"))
    if (e.path().extension() == ".md") files.push_back(e.path());
  int blocks = 0;
  const std::string open = "<!-- generated: cowcheck ", close_tag = " -->\n", end = "<!-- end -->";
  for (const fs::path& f : files) {
    const std::string text = read(f);
    for (std::size_t at = text.find(open); at != std::string::npos; at = text.find(open, at + 1)) {
      const std::size_t args_end = text.find(close_tag, at);
      REQUIRE(args_end != std::string::npos);
      const std::string args = text.substr(at + open.size(), args_end - at - open.size());
      const std::size_t body = args_end + close_tag.size();
      const std::size_t stop = text.find(end, body);
      REQUIRE(stop != std::string::npos);
      cowtest::Result r = cowtest::run_cowcheck(args);
      INFO(f.string() << ": cowcheck " << args);
      SHOW(r);
      const bool paper = f.parent_path().filename() == "papers";
      if (paper)
        REQUIRE((r.status == 0 || r.status == 1));
      else
        REQUIRE(r.status == 0);
      CHECK(text.substr(body, stop - body) == without_search_line(r.output));
      ++blocks;
    }
  }
  CHECK(blocks >= 3);
}
