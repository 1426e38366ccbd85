// The shape of a C litmus test as cowcheck's litmus export writes it (checker/litmus.cpp),
// shared by the tests of the PageAnonExclusive and the write_protect_seq exports.
#pragma once
#include <catch2/catch.hpp>

#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <string>

namespace cow::test {

// The shape of a C litmus test of tools/memory-model/litmus-tests: a "C name" line, an
// initialisation block, processes P0, P1, ... each declaring its registers, statements
// built from the primitives the LKMM's linux-kernel.def defines, and an exists clause
// over declared registers.
inline void check_litmus_shape(const std::string& text) {
  std::istringstream in(text);
  std::string line;
  REQUIRE(std::getline(in, line));
  CHECK(line.rfind("C ", 0) == 0);
  CHECK(line.find(' ', 2) == std::string::npos);  // one word: the test's name
  const std::set<std::string> primitives = {"READ_ONCE", "WRITE_ONCE", "xchg", "atomic_inc", "atomic_dec",
                                            "atomic_inc_return", "smp_mb", "smp_rmb", "smp_wmb",
                                            "smp_mb__after_atomic", "spin_lock", "spin_unlock"};
  const std::regex proc(R"(^P(\d+)\(((?:int|spinlock_t) \*\w+)(, (?:int|spinlock_t) \*\w+)*\)$)");
  const std::regex call(R"(^\t(?:(r\d+) = )?(\w+)\(([^)]*)\);(?:\t+/\*.*\*/)?$)");
  const std::regex decl(R"(^\tint (r\d+);$)");
  const std::regex exists(R"(^exists \((\d+:r\d+=\d+)( /\\ \d+:r\d+=\d+)*\)$)");
  std::map<int, std::set<std::string>> regs;
  int current = -1, procs = 0, statements = 0;
  bool init = false, saw_exists = false, in_comment = false;
  while (std::getline(in, line)) {
    std::smatch m;
    if (in_comment) {
      in_comment = line.find("*)") == std::string::npos;
      continue;
    }
    if (line.rfind("(*", 0) == 0) {
      in_comment = line.find("*)") == std::string::npos;
      continue;
    }
    if (line.empty() || (line == "{" && current >= 0)) continue;
    if (line == "{" && !init) { init = true; continue; }
    if (std::regex_match(line, m, proc)) {
      current = std::stoi(m[1]);
      CHECK(current == procs);
      ++procs;
      continue;
    }
    if (line == "}") continue;
    if (current < 0) {  // the initialisation block
      CHECK(std::regex_match(line, std::regex(R"(^\t\w+=\d+;$)")));
      continue;
    }
    if (std::regex_match(line, m, decl)) {
      regs[current].insert(m[1]);
      continue;
    }
    if (std::regex_match(line, m, call)) {
      INFO(line);
      CHECK(primitives.count(m[2]));
      if (m[1].matched) CHECK(regs[current].count(m[1]));
      ++statements;
      continue;
    }
    if (std::regex_match(line, m, exists)) {
      saw_exists = true;
      std::regex term(R"((\d+):(r\d+)=)");
      for (auto it = std::sregex_iterator(line.begin(), line.end(), term); it != std::sregex_iterator(); ++it)
        CHECK(regs[std::stoi((*it)[1])].count((*it)[2]));
      continue;
    }
    FAIL("a line a litmus test cannot have: '" << line << "'");
  }
  CHECK(init);
  CHECK(procs == 2);
  CHECK(statements >= 9);  // B1, B3 (two), B4, B5; A1, A2, A3, A4 (KSM: and its refcount read)
  CHECK(saw_exists);
}

}  // namespace cow::test
