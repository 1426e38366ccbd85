// End to end: the cowcheck binary on bad input must exit with status 2 and say, compiler
// style, where ("file.toml:LINE:") and what was expected. The inputs are in
// tests/inputs/bad/; each file has one defect.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/cli_run.hpp"
#include "model/bounds.hpp"
#include "model/design.hpp"
#include "model/scenario.hpp"
#include "properties/property.hpp"
#include "model/design_registry.hpp"

namespace fs = std::filesystem;

namespace {
using namespace cowtest;

const std::string kSourceDir = COWCHECK_SOURCE_DIR;

std::string bad_input(const std::string& name) { return kSourceDir + "/tests/inputs/bad/" + name; }
std::string odirect_fork() { return kSourceDir + "/scenarios/odirect_fork.toml"; }

std::string check_args(const std::string& scenario, const std::string& extra = "") {
  return "check --design brlock " + shell_quote(scenario) + (extra.empty() ? "" : " " + extra);
}

// The 1-based number of the first line of `path` that sets `key` ("key =", "key=", also
// inside an inline table; comments after '#' ignored); 0 if none. (No std::regex: GCC 12
// warns falsely inside it under -fsanitize.)
int line_of_key(const std::string& path, const std::string& key) {
  std::ifstream in(path);
  REQUIRE(in);
  auto word_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    const std::string code = text.substr(0, text.find('#'));
    for (auto k = code.find(key); k != std::string::npos; k = code.find(key, k + 1)) {
      if (k > 0 && word_char(code[k - 1])) continue;
      auto after = code.find_first_not_of(" \t", k + key.size());
      if (after != std::string::npos && code[after] == '=') return n;
    }
  }
  return 0;
}

// The 1-based number of the first line of `path` containing `needle`, comments after the
// code included (the marker of a syntax error may be one), comment-only lines skipped; 0 if none.
int line_containing(const std::string& path, const std::string& needle) {
  std::ifstream in(path);
  REQUIRE(in);
  std::string text;
  for (int n = 1; std::getline(in, text); ++n) {
    auto first = text.find_first_not_of(" \t");
    if (first != std::string::npos && text[first] == '#') continue;
    if (text.find(needle) != std::string::npos) return n;
  }
  return 0;
}


// Runs cowcheck on a bad input file and checks exit 2 and "file:LINE:" where LINE is the
// line of the file containing `marker`.
Result expect_error_at(const std::string& name, const std::string& marker, const std::string& extra = "") {
  const std::string file = bad_input(name);
  const int line = line_containing(file, marker);
  REQUIRE(line > 0);
  Result r = run_cowcheck(check_args(file, extra));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, at(file, line)));
  REQUIRE(has(r.output, "error"));
  return r;
}

}  // namespace

TEST_CASE("bad input: the binary runs a good scenario (sanity check of the harness)", "[cli][bad-input][quick]") {
  Result r = run_cowcheck("list designs");
  SHOW(r);
  REQUIRE(r.status == 0);
  for (const cow::Design* d : cow::all_designs()) REQUIRE(has(r.output, std::string(d->name())));
}

TEST_CASE("bad input: malformed TOML", "[cli][bad-input][quick]") {
  Result r = expect_error_at("malformed_toml.toml", "SYNTAX-ERROR");
  SHOW(r);
  REQUIRE(has(r.output, "malformed TOML"));
  REQUIRE(has(r.output, "expected"));
}

TEST_CASE("bad input: unknown operation", "[cli][bad-input][quick]") {
  Result r = expect_error_at("unknown_op.toml", "frobnicate");
  SHOW(r);
  REQUIRE(has(r.output, "unknown operation 'frobnicate'"));
  REQUIRE(has(r.output, "expected one of"));
  for (const cow::OpInfo& op : cow::kOps) REQUIRE(has(r.output, op.name));
}

TEST_CASE("bad input: advice not modelled yet, and a KSM merge of a page into itself", "[cli][bad-input][quick]") {
  {
    Result r = expect_error_at("op_not_modelled.toml", "MERGEABLE");
    REQUIRE(has(r.output, "other advice is not modelled yet"));
  }
  {
    Result r = expect_error_at("ksm_merge_same.toml", "merge = 1");
    REQUIRE(has(r.output, "'merge' must be another virtual page"));
  }
}

TEST_CASE("bad input: unknown key in an op", "[cli][bad-input][quick]") {
  Result r = expect_error_at("unknown_key_in_op.toml", "colour");
  SHOW(r);
  REQUIRE(has(r.output, "unknown key 'colour'"));
  REQUIRE(has(r.output, "expected one of"));
  REQUIRE(has(r.output, "page"));
  REQUIRE(has(r.output, "half"));
}

TEST_CASE("bad input: an op missing 'page'", "[cli][bad-input][quick]") {
  Result r = expect_error_at("missing_page.toml", "{ op = \"write\", half = 0 }");
  SHOW(r);
  REQUIRE(has(r.output, "missing key 'page'"));
  REQUIRE(has(r.output, "integer"));
}

TEST_CASE("bad input: half = 2", "[cli][bad-input][quick]") {
  Result r = expect_error_at("half_2.toml", "half = 2");
  SHOW(r);
  REQUIRE(has(r.output, "'half' must be 0 or 1"));
}

TEST_CASE("bad input: too many threads", "[cli][bad-input][quick]") {
  const std::string file = bad_input("too_many_threads.toml");
  const int header = line_containing(file, "[[thread]]");
  const int loop = line_of_key(file, "for");
  REQUIRE(header > 0);
  REQUIRE(loop > 0);
  Result r = run_cowcheck(check_args(file));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE((has(r.output, at(file, header)) || has(r.output, at(file, loop))));
  REQUIRE(has(r.output, "too many threads"));
  REQUIRE(has(r.output, "kMaxThreads"));
  REQUIRE(has(r.output, std::to_string(cow::kMaxThreads)));
}

TEST_CASE("bad input: unknown design", "[cli][bad-input][quick]") {
  Result r = run_cowcheck("check --design nosuch " + shell_quote(odirect_fork()));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, "unknown design 'nosuch'"));
  REQUIRE(has(r.output, "known"));
  for (const cow::Design* d : cow::all_designs()) REQUIRE(has(r.output, std::string(d->name())));
}

TEST_CASE("bad input: unknown property", "[cli][bad-input][quick]") {
  Result r = run_cowcheck(check_args(odirect_fork(), "--property nosuch"));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, "unknown property 'nosuch'"));
  REQUIRE(has(r.output, "known"));
  for (const cow::Property* p : cow::builtin_properties()) REQUIRE(has(r.output, std::string(p->name())));
}

TEST_CASE("bad input: --param naming no parameter of the scenario", "[cli][bad-input][quick]") {
  Result r = run_cowcheck(check_args(odirect_fork(), "--param Q=1"));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, odirect_fork()));
  REQUIRE(has(r.output, "no parameter 'Q'"));
  REQUIRE(has(r.output, "it has: K"));
}

TEST_CASE("bad input: --param K=abc is not an integer", "[cli][bad-input][quick]") {
  Result r = run_cowcheck(check_args(odirect_fork(), "--param K=abc"));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, "K=abc"));
  REQUIRE(has(r.output, "NAME=INTEGER"));
}

TEST_CASE("bad input: K too large for the bound kMaxVpages", "[cli][bad-input][quick]") {
  const std::string file = odirect_fork();
  // The line of the VMA's `pages = "K"` (the only `pages =` outside comments).
  const int line = line_of_key(file, "pages");
  REQUIRE(line > 0);
  Result r = run_cowcheck(check_args(file, "--param K=7"));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, at(file, line)));
  REQUIRE(has(r.output, "kMaxVpages"));
  REQUIRE(has(r.output, std::to_string(cow::kMaxVpages)));
  REQUIRE(has(r.output, "K = 7"));
}

TEST_CASE("bad input: a scenario file that does not exist", "[cli][bad-input][quick]") {
  const std::string file = kSourceDir + "/tests/inputs/bad/no_such_file.toml";
  REQUIRE_FALSE(fs::exists(file));
  Result r = run_cowcheck(check_args(file));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, file));
  REQUIRE((has(r.output, "could not be opened") || has(r.output, "cannot open") ||
           has(r.output, "no such scenario file") || has(r.output, "No such file")));
}

// A loop bound far past kMaxThreads must be rejected by the bound, at the loop, not by
// running out of memory. The address space is limited so that a loader that expands the
// loop before checking the bound fails fast with std::bad_alloc instead of eating the
// machine's memory. AddressSanitizer cannot run under `ulimit -v`: skipped there.
// (gcc defines __SANITIZE_ADDRESS__; clang answers __has_feature(address_sanitizer).)
#if defined(__SANITIZE_ADDRESS__)
#define COWCHECK_UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define COWCHECK_UNDER_ASAN 1
#endif
#endif
TEST_CASE("bad input: a thread loop far past kMaxThreads", "[cli][bad-input][quick]") {
#if defined(COWCHECK_UNDER_ASAN)
  WARN("skipped under AddressSanitizer (needs ulimit -v)");
#else
  const std::string file = bad_input("huge_thread_loop.toml");
  const int header = line_containing(file, "[[thread]]");
  const int loop = line_of_key(file, "for");
  REQUIRE(header > 0);
  REQUIRE(loop > 0);
  // The largest parameter value accepted (1,000,000): the loop itself must be refused.
  Result r = run_cowcheck(check_args(file, "--param K=1000000"), "ulimit -v 1000000; ");
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE((has(r.output, at(file, header)) || has(r.output, at(file, loop))));
  REQUIRE(has(r.output, "kMaxThreads"));
  // Beyond it, the parameter is refused.
  Result big = run_cowcheck(check_args(file, "--param K=1000000000000"), "ulimit -v 1000000; ");
  SHOW(big);
  REQUIRE(big.status == 2);
  REQUIRE(has(big.output, "must be between 0 and 1000000"));
#endif
}

TEST_CASE("bad input: --symmetry with a property that names a frame by number", "[cli][bad-input][symmetry][quick]") {
  const std::string prop = shell_quote(std::string(COWCHECK_SOURCE_DIR) + "/tests/inputs/symmetry/names-a-frame.smt2");
  Result r = run_cowcheck(check_args(odirect_fork(), "--symmetry --property " + prop));
  SHOW(r);
  REQUIRE(r.status == 2);
  REQUIRE(has(r.output, "names-a-frame.smt2"));
  REQUIRE(has(r.output, "names a frame by number"));
  Result plain = run_cowcheck(check_args(odirect_fork(), "--property " + prop));
  SHOW(plain);
  REQUIRE((plain.status == 0 || plain.status == 1));
}

TEST_CASE("bad input: threads declared symmetric that are not interchangeable", "[cli][bad-input][symmetry][quick]") {
  Result r = expect_error_at("symmetric_differ.toml", "DIFFERENT-PAGES");
  REQUIRE(has(r.output, "symmetric threads must do the same operations on the same pages"));
  REQUIRE(has(r.output, "'W0' and 'W1'"));
}

TEST_CASE("bad input: exit, wait, mprotect's prot and the matrix key", "[cli][bad-input][quick]") {
  {
    Result r = expect_error_at("exit_not_last.toml", "op = \"write\"");
    REQUIRE(has(r.output, "exit must be its last op"));
  }
  {
    Result r = expect_error_at("exit_other_thread.toml", "op = \"exit\"");
    REQUIRE(has(r.output, "thread 'U' also runs in it"));
  }
  {
    Result r = expect_error_at("wait_unforked.toml", "op = \"wait\"");
    REQUIRE(has(r.output, "must fork it earlier"));
  }
  {
    Result r = expect_error_at("bad_prot.toml", "rwx");
    REQUIRE(has(r.output, "'prot' must be \"r\""));
  }
  {
    Result r = expect_error_at("matrix_unknown_param.toml", "pinn");
    REQUIRE(has(r.output, "'matrix' names parameter 'pinn'"));
  }
}

TEST_CASE("bad input: file mappings and the file system", "[cli][bad-input][quick]") {
  struct Case {
    const char *file, *marker, *message;
  };
  const Case cases[] = {
      {"file_pages_past_frames.toml", "file-shared", "the file pages need more than the model's bound kMaxFrames = 16"},
      {"file_blocks.toml", "sparse", "'blocks' must be \"allocated\" or \"holes\""},
      {"anon_blocks.toml", "holes", "'blocks' is for file VMAs"},
      {"filesystem_free_blocks.toml", "free_blocks = -1", "'free_blocks' must be between 0"},
      {"filesystem_key.toml", "delalloc", "unknown key 'delalloc'"},
  };
  for (const Case& c : cases) {
    Result r = expect_error_at(c.file, c.marker);
    REQUIRE(has(r.output, c.message));
  }
}
