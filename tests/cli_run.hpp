// Running the cowcheck binary from a test: exit status and everything it printed.
#pragma once
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace cowtest {

namespace fs = std::filesystem;
inline const std::string kBinary = COWCHECK_BINARY;

inline std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

struct Result {
  int status = -1;     // exit status, -1 if the process did not exit normally
  std::string output;  // stdout and stderr
  std::string command;
  int raw = 0;         // what std::system returned
};

// Shows the command and its output with every failed assertion of the enclosing scope.
#define SHOW(r) INFO("command: " << (r).command << "\nraw status " << (r).raw << ", output:\n" << (r).output)

// Runs `cowcheck ARGS` (ARGS already shell-quoted) with stdout and stderr into a temp file.
// `prefix` goes before the command in the same shell (e.g. a ulimit).
inline Result run_cowcheck(const std::string& args, const std::string& prefix = "") {
  static int counter = 0;  // one per process: inline function statics are shared
  const fs::path out = fs::temp_directory_path() /
                       ("cowcheck_run_" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + ".txt");
  const std::string cmd = prefix + shell_quote(kBinary) + " " + args + " > " + shell_quote(out.string()) + " 2>&1";
  const int raw = std::system(cmd.c_str());
  Result r;
  if (raw != -1 && WIFEXITED(raw)) r.status = WEXITSTATUS(raw);
  std::ifstream in(out);
  std::stringstream ss;
  ss << in.rdbuf();
  r.output = ss.str();
  std::error_code ec;
  fs::remove(out, ec);
  r.command = cmd;
  r.raw = raw;
  return r;
}

inline bool has(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

inline std::string at(const std::string& file, int line) { return file + ":" + std::to_string(line) + ":"; }

}  // namespace cowtest
