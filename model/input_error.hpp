// Bad user input: a scenario, design name, property or option the user got wrong.
// Printed compiler-style as "file:line:col: error: message", exit status 2.
#pragma once
#include <stdexcept>
#include <string>

namespace cow {

struct InputError : std::runtime_error {
  std::string file;
  int line = 0;    // 0: no position
  int column = 0;
  InputError(std::string file_, int line_, int col_, const std::string& msg)
      : std::runtime_error(msg), file(std::move(file_)), line(line_), column(col_) {}
  explicit InputError(const std::string& msg) : std::runtime_error(msg) {}
  std::string where() const {
    std::string w = file;
    if (line > 0) w += ":" + std::to_string(line) + (column > 0 ? ":" + std::to_string(column) : "");
    return w;
  }
  std::string render() const {
    return (file.empty() ? std::string("cowcheck") : where()) + ": error: " + what();
  }
};

// A --param override the scenario cannot take (no such parameter, or a value out of range):
// `key` names it and `detail` says what is wrong, so that a replayed trace, whose
// parameters are not the command line's, can point at its own field instead.
struct ParamOverrideError : InputError {
  std::string key, detail;
  ParamOverrideError(std::string file_, std::string key_, const std::string& value_text, std::string detail_)
      : InputError(std::move(file_), 0, 0, "--param " + key_ + value_text + ": " + detail_),
        key(std::move(key_)), detail(std::move(detail_)) {}
};

}  // namespace cow
