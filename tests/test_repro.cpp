// `cowcheck repro`: counterexamples as C programs run on this machine's kernel. The
// programs must compile with -Wall -Werror; the ones for the kernel's COW selftest
// scenarios (scenarios/selftests/) run here, and where cowcheck's newest design says the
// property holds the running kernel must pass too (or skip a feature it lacks).
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "cli_run.hpp"

namespace fs = std::filesystem;
using cowtest::Result;
using cowtest::run_cowcheck;
using cowtest::shell_quote;

namespace {

// The newest design: what the machine's kernel (6.x) is checked against.
const std::string kNewest = "v6.18";

struct Built {
  std::string json, source, binary;
};

Result shell(const std::string& cmd) {
  const fs::path out = fs::temp_directory_path() / ("cowcheck_repro_sh_" + std::to_string(::getpid()) + ".txt");
  Result r;
  r.command = cmd;
  r.raw = std::system((cmd + " > " + shell_quote(out.string()) + " 2>&1").c_str());
  if (r.raw != -1 && WIFEXITED(r.raw)) r.status = WEXITSTATUS(r.raw);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  fs::remove(out);
  return r;
}

fs::path work_dir() {
  const fs::path d = fs::temp_directory_path() / ("cowcheck_repro_" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

// check ARGS (a violation) -> trace JSON -> repro -> a binary compiled with -Wall -Werror.
Built build(const std::string& check_args, const std::string& name, const std::string& opt = "-O2") {
  const fs::path d = work_dir();
  Built b{(d / (name + ".json")).string(), (d / (name + ".c")).string(), (d / name).string()};
  Result c = run_cowcheck("check " + check_args + " --trace-out " + shell_quote(b.json));
  SHOW(c);
  REQUIRE(c.status == 1);
  Result r = run_cowcheck("repro " + shell_quote(b.json) + " -o " + shell_quote(b.source));
  SHOW(r);
  REQUIRE(r.status == 0);
  Result cc = shell("cc " + opt + " -Wall -Werror -o " + shell_quote(b.binary) + " " + shell_quote(b.source) + " -lpthread");
  SHOW(cc);
  REQUIRE(cc.status == 0);
  return b;
}

std::string read(const std::string& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The `check` command a papers/traces/ file records on its second line.
std::string recorded_command(const fs::path& trace) {
  std::ifstream in(trace);
  std::string line;
  std::getline(in, line);
  std::getline(in, line);
  const std::string open = "What `cowcheck check ", close = "` prints";
  const std::size_t a = line.find(open), b = line.find(close);
  REQUIRE(a != std::string::npos);
  REQUIRE(b != std::string::npos);
  return line.substr(a + open.size(), b - a - open.size());
}

}  // namespace

TEST_CASE("repro: cow.c's case 3 on v2.6.27 compiles and passes on this machine's kernel, which has the fix",
          "[repro][quick]") {
  const std::string sc = "scenarios/selftests/cow_03_vmsplice_unmap_in_child.toml --param swapped=0 --property isolation";
  Result newest = run_cowcheck("check " + sc + " --design " + kNewest);
  SHOW(newest);
  REQUIRE(newest.status == 0);  // the newest design holds: the kernel must pass
  const Built b = build(sc + " --design v2.6.27", "cow03");
  const std::string src = read(b.source);
  CHECK(src.find("do_vmsplice(") != std::string::npos);
  CHECK(src.find("fork()") != std::string::npos);
  CHECK(src.find("races with") != std::string::npos);  // the fault's window is swept by the retry loop
  Result run = shell(shell_quote(b.binary) + " 2000 2");
  SHOW(run);
  CHECK(run.output.find("TAP version 13\n1..1\n") == 0);
  CHECK(run.output.find("\nok 1 cow_03_vmsplice_unmap_in_child (swapped=0) on v2.6.27: isolation (") != std::string::npos);
  CHECK(run.output.find("not ok") == std::string::npos);
  CHECK(run.status == 0);
  fs::remove_all(work_dir());
}

TEST_CASE("repro: a program's checks can fail (a MAP_SHARED page leaks after fork on every kernel)", "[repro][quick]") {
  const Built b = build("tests/inputs/repro_shared_anon_leak.toml --design " + kNewest, "shared_leak");
  Result run = shell(shell_quote(b.binary));
  SHOW(run);
  CHECK(run.output.find("# run 0: isolation: C read P:store@0, which another process wrote after the fork") != std::string::npos);
  CHECK(run.output.find("\nnot ok 1 repro_shared_anon_leak on v6.18: isolation") != std::string::npos);
  CHECK(run.status == 1);
  fs::remove_all(work_dir());
}

TEST_CASE("repro: a trace whose property user space cannot see is not reported as that property's ok",
          "[repro][quick]") {
  const Built b = build("scenarios/fadvise_async_write.toml --design v2.6.27 --property on-disk-after-sync", "async_write");
  const std::string src = read(b.source);
  CHECK(src.find("sync_file_range(map_fd[0][0], 0 * PAGE, PAGE, SYNC_FILE_RANGE_WRITE)") != std::string::npos);
  CHECK(src.find("on v2.6.27: runs the scenario (on-disk-after-sync is not visible from user space)\"") != std::string::npos);
  CHECK(src.find("on v2.6.27: on-disk-after-sync\"") == std::string::npos);
  fs::remove_all(work_dir());
}

TEST_CASE("repro: a file that is not one trace is bad input (exit 2)", "[repro][bad-input][quick]") {
  const fs::path d = work_dir();
  const std::string two = (d / "two.json").string();
  // Two violated properties: two traces in one report.
  Result c = run_cowcheck("check scenarios/selftests/cow_03_vmsplice_unmap_in_child.toml --design v2.6.27 "
                          "--property isolation --property refcount-sane --property no-use-after-free --format json > " +
                          shell_quote(two));
  Result r = run_cowcheck("repro " + shell_quote(two));
  SHOW(r);
  if (r.status != 0) {  // (one violated property gives one trace: then it is accepted)
    CHECK(r.status == 2);
    CHECK(r.output.find("error") != std::string::npos);
  }
  Result missing = run_cowcheck("repro " + shell_quote((d / "none.json").string()));
  SHOW(missing);
  CHECK(missing.status == 2);
  const std::string junk = (d / "junk.json").string();
  std::ofstream(junk) << "{\"steps\": 3}";
  Result bad = run_cowcheck("repro " + shell_quote(junk));
  SHOW(bad);
  CHECK(bad.status == 2);
  CHECK(bad.output.find("junk.json:1:") != std::string::npos);
  fs::remove_all(d);
}

TEST_CASE("repro: the reproducer of every counterexample in papers/ compiles with -Wall -Werror", "[repro][papers]") {
  const fs::path traces = fs::path(COWCHECK_SOURCE_DIR) / "papers" / "traces";
  int built = 0;
  for (const auto& e : fs::directory_iterator(traces)) {
    if (e.path().extension() != ".txt") continue;
    INFO(e.path().string());
    build(recorded_command(e.path()), "paper_" + std::to_string(built), "-O0");
    ++built;
  }
  CHECK(built > 500);
  fs::remove_all(work_dir());
}

TEST_CASE("repro: the selftest counterexamples pass on this machine's kernel where the newest design holds",
          "[repro][selftests]") {
  const fs::path traces = fs::path(COWCHECK_SOURCE_DIR) / "papers" / "traces";
  std::map<std::string, fs::path> one;  // scenario, params and property -> one of its traces
  for (const auto& e : fs::directory_iterator(traces)) {
    const std::string n = e.path().filename().string();
    if (n.rfind("cow_", 0) != 0 || e.path().extension() != ".txt") continue;  // (not the pictures)
    // NAME--PARAMS--DESIGN--PROPERTY.txt: the key drops the design
    const std::size_t p = n.rfind("--"), dsg = n.rfind("--", p - 1);
    one.emplace(n.substr(0, dsg) + n.substr(p), e.path());
  }
  int passed = 0, skipped = 0, not_run = 0;
  for (const auto& [key, path] : one) {
    INFO(key);
    const std::string cmd = recorded_command(path);
    const std::size_t d = cmd.find(" --design ");
    const std::size_t d_end = cmd.find(' ', d + 10);
    const std::string newest = cmd.substr(0, d) + " --design " + kNewest + (d_end == std::string::npos ? "" : cmd.substr(d_end));
    Result h = run_cowcheck("check " + newest);
    if (h.status != 0) {  // the newest design violates it too: nothing to hold the kernel to
      ++not_run;
      continue;
    }
    const Built b = build(cmd, "selftest_" + std::to_string(passed + skipped));
    Result run = shell(shell_quote(b.binary) + " 300 1");
    SHOW(run);
    CHECK(run.output.find("\nok 1 ") != std::string::npos);
    CHECK(run.output.find("not ok") == std::string::npos);
    (run.output.find("# SKIP") != std::string::npos ? skipped : passed)++;
  }
  WARN("passed " << passed << ", skipped " << skipped << ", not run (the newest design violates) " << not_run);
  CHECK(passed >= 5);  // the vmsplice and io_uring cases need nothing this machine lacks
  fs::remove_all(work_dir());
}
