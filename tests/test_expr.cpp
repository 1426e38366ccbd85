// Unit tests of the scenario expressions (model/expr.hpp).
#include <catch2/catch.hpp>

#include <string>

#include "model/expr.hpp"
#include "model/input_error.hpp"

using namespace cow;

namespace {

const ExprPos kPos{"some/scenario.toml", 17, 9};

// Runs f, which must throw an InputError; returns it.
template <class F>
InputError expect_input_error(F&& f) {
  try {
    f();
  } catch (const InputError& e) {
    return e;
  }
  FAIL("expected an InputError, nothing was thrown");
  return InputError("unreachable");
}

bool contains(const std::string& hay, const std::string& needle) { return hay.find(needle) != std::string::npos; }

}  // namespace

TEST_CASE("eval_expr: numbers", "[scenario][quick]") {
  const Env env;
  REQUIRE(eval_expr("0", env, kPos) == 0);
  REQUIRE(eval_expr("3", env, kPos) == 3);
  REQUIRE(eval_expr("42", env, kPos) == 42);
  REQUIRE(eval_expr(" 7 ", env, kPos) == 7);
  REQUIRE(eval_expr("2+3", env, kPos) == 5);
  REQUIRE(eval_expr("10-4-1", env, kPos) == 5);
  REQUIRE(eval_expr("1000000", env, kPos) == 1000000);
}

TEST_CASE("eval_expr: parameters and loop variables", "[scenario][quick]") {
  const Env env{{"K", 4}, {"i", 2}, {"n_pages", 5}};
  REQUIRE(eval_expr("K", env, kPos) == 4);
  REQUIRE(eval_expr("K-1", env, kPos) == 3);
  REQUIRE(eval_expr("i+1", env, kPos) == 3);
  REQUIRE(eval_expr("i - 1", env, kPos) == 1);
  REQUIRE(eval_expr("K+i-1", env, kPos) == 5);
  REQUIRE(eval_expr("n_pages-K", env, kPos) == 1);
  REQUIRE(eval_expr("i-K", env, kPos) == -2);
}

TEST_CASE("eval_expr: an unknown name throws an InputError at the given line, naming it", "[scenario][quick]") {
  const Env env{{"K", 2}};
  InputError e = expect_input_error([&] { eval_expr("Q-1", env, kPos); });
  REQUIRE(e.line == kPos.line);
  REQUIRE(e.file == kPos.file);
  REQUIRE(e.column == kPos.column);
  const std::string msg = e.what();
  INFO(msg);
  REQUIRE(contains(msg, "'Q'"));
  REQUIRE(contains(msg, "unknown name"));
  REQUIRE(contains(msg, "K"));  // the names that are known here

  InputError e2 = expect_input_error([&] { eval_expr("i+1", Env{}, ExprPos{"x.toml", 3, 0}); });
  REQUIRE(e2.line == 3);
  REQUIRE(contains(e2.what(), "'i'"));
}

TEST_CASE("eval_expr: malformed expressions throw", "[scenario][quick]") {
  const Env env{{"K", 2}};
  for (const char* bad : {"", "K-", "+", "K*2", "3x", "K+(1)", "1000001"}) {
    INFO("expression '" << bad << "'");
    InputError e = expect_input_error([&] { eval_expr(bad, env, kPos); });
    REQUIRE(e.line == kPos.line);
  }
}

TEST_CASE("parse_loop: 'VAR in LO..HI'", "[scenario][quick]") {
  const Env env{{"K", 3}};
  Loop l = parse_loop("i in 0..K", env, kPos);
  REQUIRE(l.var == "i");
  REQUIRE(l.lo == 0);
  REQUIRE(l.hi == 3);
  Loop l2 = parse_loop("j in 1..K-1", env, kPos);
  REQUIRE(l2.var == "j");
  REQUIRE(l2.lo == 1);
  REQUIRE(l2.hi == 2);
  Loop l3 = parse_loop("page in K..K+2", env, kPos);
  REQUIRE(l3.var == "page");
  REQUIRE(l3.lo == 3);
  REQUIRE(l3.hi == 5);
}

TEST_CASE("parse_loop: malformed loops throw at the given line", "[scenario][quick]") {
  const Env env{{"K", 3}};
  for (const char* bad : {"i 0..K", "i in K", "i in 0 K", " in 0..K", "i in ..K", "i in 0..", "x..y in 0",
                          "i in 0..Q", ""}) {
    INFO("loop '" << bad << "'");
    InputError e = expect_input_error([&] { parse_loop(bad, env, kPos); });
    REQUIRE(e.line == kPos.line);
    REQUIRE(e.file == kPos.file);
  }
  InputError e = expect_input_error([&] { parse_loop("i 0..K", env, kPos); });
  REQUIRE(contains(e.what(), "VAR in LO..HI"));
  InputError e2 = expect_input_error([&] { parse_loop("i in 0..Q", env, kPos); });
  REQUIRE(contains(e2.what(), "'Q'"));
}

TEST_CASE("substitute: replaces {expr} by its value", "[scenario][quick]") {
  const Env env{{"i", 3}, {"K", 2}};
  REQUIRE(substitute("R{i}", env, kPos) == "R3");
  REQUIRE(substitute("R{i+1}", env, kPos) == "R4");
  REQUIRE(substitute("T{i}_{K-1}", env, kPos) == "T3_1");
  REQUIRE(substitute("W", env, kPos) == "W");
  REQUIRE(substitute("", env, kPos).empty());
}

TEST_CASE("substitute: unknown names and unclosed braces throw", "[scenario][quick]") {
  const Env env{{"i", 3}};
  InputError e = expect_input_error([&] { substitute("R{j}", env, kPos); });
  REQUIRE(e.line == kPos.line);
  REQUIRE(contains(e.what(), "'j'"));
  InputError e2 = expect_input_error([&] { substitute("R{i", env, kPos); });
  REQUIRE(e2.line == kPos.line);
  REQUIRE(contains(e2.what(), "unclosed"));
}
