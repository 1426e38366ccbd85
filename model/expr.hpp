// Integer expressions in scenario files: "K", "i", "K-1", "i+1", 3. Identifiers are the
// scenario's parameters and loop variables. Errors are InputErrors at the given position.
#pragma once
#include <map>
#include <string>
#include <string_view>

namespace cow {

struct ExprPos {
  std::string file;
  int line = 0;
  int column = 0;
};

using Env = std::map<std::string, long>;

long eval_expr(std::string_view text, const Env& env, const ExprPos& pos);

// "i in 0..K": the variable and the half-open range [lo, hi).
struct Loop {
  std::string var;
  long lo = 0, hi = 0;
};
Loop parse_loop(std::string_view text, const Env& env, const ExprPos& pos);

// Replaces every "{name}" in `pattern` by the value of name in env.
std::string substitute(std::string_view pattern, const Env& env, const ExprPos& pos);

}  // namespace cow
