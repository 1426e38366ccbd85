#include "model/expr.hpp"

#include <cctype>

#include "model/input_error.hpp"

namespace cow {

namespace {
[[noreturn]] void fail(const ExprPos& pos, const std::string& msg) {
  throw InputError(pos.file, pos.line, pos.column, msg);
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

std::string known_names(const Env& env) {
  std::string out;
  for (const auto& [k, v] : env) out += (out.empty() ? "" : ", ") + k;
  return out.empty() ? "none" : out;
}

long term(std::string_view t, const Env& env, const ExprPos& pos, std::string_view whole) {
  t = trim(t);
  if (t.empty()) fail(pos, "expected a number or a parameter name in expression '" + std::string(whole) + "'");
  if (std::isdigit(static_cast<unsigned char>(t[0]))) {
    long v = 0;
    for (char c : t) {
      if (!std::isdigit(static_cast<unsigned char>(c)))
        fail(pos, "expected a number, found '" + std::string(t) + "' in '" + std::string(whole) + "'");
      v = v * 10 + (c - '0');
      if (v > 1'000'000) fail(pos, "number too large in '" + std::string(whole) + "'");
    }
    return v;
  }
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_')
      fail(pos, "expected a number or a parameter name, found '" + std::string(t) + "' in '" +
                    std::string(whole) + "'");
  auto it = env.find(std::string(t));
  if (it == env.end())
    fail(pos, "unknown name '" + std::string(t) + "' in '" + std::string(whole) +
                  "' (known here: " + known_names(env) + ")");
  return it->second;
}
}  // namespace

long eval_expr(std::string_view text, const Env& env, const ExprPos& pos) {
  long total = 0;
  int sign = 1;
  std::size_t start = 0;
  for (std::size_t i = 0; i <= text.size(); ++i) {
    if (i == text.size() || ((text[i] == '+' || text[i] == '-') && i > start)) {
      total += sign * term(text.substr(start, i - start), env, pos, text);
      if (i < text.size()) sign = text[i] == '+' ? 1 : -1;
      start = i + 1;
    }
  }
  return total;
}

Loop parse_loop(std::string_view text, const Env& env, const ExprPos& pos) {
  auto in = text.find(" in ");
  auto dots = text.find("..");
  if (in == std::string_view::npos || dots == std::string_view::npos || dots < in)
    fail(pos, "expected a loop 'VAR in LO..HI' (HI excluded), found '" + std::string(text) + "'");
  Loop l;
  l.var = std::string(trim(text.substr(0, in)));
  if (l.var.empty()) fail(pos, "loop without a variable name in '" + std::string(text) + "'");
  l.lo = eval_expr(text.substr(in + 4, dots - in - 4), env, pos);
  l.hi = eval_expr(text.substr(dots + 2), env, pos);
  return l;
}

std::string substitute(std::string_view pattern, const Env& env, const ExprPos& pos) {
  std::string out;
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '{') {
      out += pattern[i];
      continue;
    }
    auto close = pattern.find('}', i);
    if (close == std::string_view::npos) fail(pos, "unclosed '{' in name '" + std::string(pattern) + "'");
    out += std::to_string(eval_expr(pattern.substr(i + 1, close - i - 1), env, pos));
    i = close;
  }
  return out;
}

}  // namespace cow
