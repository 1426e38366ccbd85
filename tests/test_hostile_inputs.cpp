// Every input gets an answer: each file in tests/inputs/hostile/ is a hostile or careless
// input (a scenario, a property, a trace, or a command line) that once crashed, hung or
// was silently accepted. The file says, in comment lines at its top (or, for a JSON file,
// in NAME.expect beside it), how to run it and what must come out:
//   # cowcheck-args: check --design brlock {file}     ({file} this file, {src} the source tree,
//                                                       {tmp} a fresh temporary directory)
//   # expect-exit: 2
//   # expect-output: {file}:12:3: error: unpin      (a substring of stdout+stderr; repeatable)
//   # expect-no-output: Z3 confirms                 (must not appear; repeatable)
// Whatever the file says, the run must exit (never a signal), and print "internal error"
// only where it expects exit 4.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "model/scenario.hpp"
#include "tests/cli_run.hpp"

namespace fs = std::filesystem;

namespace {
using namespace cowtest;

struct HostileCase {
  std::string args;
  int exit = -1;
  std::vector<std::string> expect, forbid;
};

std::string replace_all(std::string s, const std::string& from, const std::string& to) {
  for (auto p = s.find(from); p != std::string::npos; p = s.find(from, p + to.size())) s.replace(p, from.size(), to);
  return s;
}

// The header: the leading lines that start with '#' or ';' (after optional blanks).
HostileCase read_case(const fs::path& header_file) {
  std::ifstream in(header_file);
  REQUIRE(in);
  HostileCase c;
  std::string line;
  while (std::getline(in, line)) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos) continue;
    if (line[first] != '#' && line[first] != ';') break;
    std::string body = line.substr(line.find_first_not_of("#; \t", first) == std::string::npos
                                       ? line.size()
                                       : line.find_first_not_of("#; \t", first));
    auto key_value = [&](const std::string& key, std::string& out) {
      if (body.rfind(key, 0) != 0) return false;
      out = body.substr(key.size());
      out.erase(0, out.find_first_not_of(" \t"));
      while (!out.empty() && (out.back() == ' ' || out.back() == '\r')) out.pop_back();
      return true;
    };
    std::string v;
    if (key_value("cowcheck-args:", v)) c.args = v;
    else if (key_value("expect-exit:", v)) c.exit = std::stoi(v);
    else if (key_value("expect-output:", v)) c.expect.push_back(v);
    else if (key_value("expect-no-output:", v)) c.forbid.push_back(v);
  }
  return c;
}

}  // namespace

TEST_CASE("every hostile input in tests/inputs/hostile gets its expected answer", "[hostile][quick]") {
  const fs::path dir = fs::path(COWCHECK_SOURCE_DIR) / "tests" / "inputs" / "hostile";
  std::vector<fs::path> files;
  for (const auto& e : fs::directory_iterator(dir))
    if (e.is_regular_file() && e.path().extension() != ".expect") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  REQUIRE(files.size() >= 10);
  for (const fs::path& f : files) {
    DYNAMIC_SECTION(f.filename().string()) {
      fs::path header = f;
      if (fs::exists(fs::path(f.string() + ".expect"))) header = f.string() + ".expect";
      HostileCase c = read_case(header);
      INFO("case " << f.string());
      REQUIRE(!c.args.empty());
      REQUIRE(c.exit >= 0);
      const fs::path tmp = fs::temp_directory_path() / ("cowcheck_hostile_" + std::to_string(::getpid()) + "_" +
                                                        f.filename().string());
      fs::remove_all(tmp);
      fs::create_directories(tmp);
      auto subst = [&](std::string s) {
        s = replace_all(s, "{file}", f.string());
        s = replace_all(s, "{src}", COWCHECK_SOURCE_DIR);
        return replace_all(s, "{tmp}", tmp.string());
      };
      // The arguments are shell words: a case may quote them or use a redirection.
      Result r = run_cowcheck(subst(c.args));
      SHOW(r);
      CHECK(r.status >= 0);  // exited, no signal
      CHECK(r.status == c.exit);
      for (const std::string& e : c.expect) CHECK(has(r.output, subst(e)));
      for (const std::string& e : c.forbid) CHECK(!has(r.output, subst(e)));
      if (c.exit != 4) CHECK(!has(r.output, "internal error"));
      fs::remove_all(tmp);
    }
  }
}

// fuzz_scenario mutates with fuzz/scenario.dict; an operation or a top-level key missing
// from it is one the fuzzer seldom reaches.
TEST_CASE("the scenario fuzzer's dictionary names every operation and every top-level key", "[hostile][quick]") {
  std::ifstream in(fs::path(COWCHECK_SOURCE_DIR) / "fuzz" / "scenario.dict");
  REQUIRE(in);
  std::stringstream ss;
  ss << in.rdbuf();
  const std::string dict = ss.str();
  for (const cow::OpInfo& op : cow::kOps) {
    INFO("operation " << op.name);
    CHECK(has(dict, std::string("=\"\\\"") + op.name + "\\\"\""));
  }
  for (std::string_view key : cow::kScenarioKeys) {
    INFO("key " << key);
    CHECK(has(dict, "=\"" + std::string(key) + "\""));
  }
}
