// The Z3 front end of an SMT-LIB property: declares the signature's sorts and functions
// to Z3 for one scenario, has Z3 parse the property file against them, compiles the
// parsed formula into the interpreted form (rejecting what the evaluator does not
// support), and rejects a property that is valid or unsatisfiable under the signature's
// axioms.
#include "properties/front_end.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <sstream>

#include "model/input_error.hpp"
#include "model/input_file.hpp"
#include "model/text_position.hpp"

namespace cow {

namespace {

std::string read_file(const std::string& path) { return read_input_file(path, "property file", kMaxPropertyBytes); }

// Z3's parser says: (error "line 3 column 10: unknown constant foo (Mm) ")
InputError parse_error(const std::string& file, const std::string& msg) {
  int line = 0, col = 0;
  std::string text = msg;
  auto p = msg.find("line ");
  if (p != std::string::npos && std::sscanf(msg.c_str() + p, "line %d column %d", &line, &col) == 2) {
    auto colon = msg.find(": ", p);
    text = colon == std::string::npos ? msg : msg.substr(colon + 2);
  }
  auto q = text.find("\")");
  if (q != std::string::npos) text = text.substr(0, q);
  // Z3 may go on for lines ("Legal parameters are: ..." after an unknown option): its
  // first line says it.
  if (auto nl = text.find('\n'); nl != std::string::npos) text = text.substr(0, nl);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  return InputError(file, line, col, "in SMT-LIB property: " + text);
}

// The evaluator's limits, checked at load so that what it computes is what Z3 computes.
constexpr int kMaxNesting = 200;       // parentheses: the compiler and the evaluator recurse
constexpr int kMaxBoundVariables = 32;  // nested bound variables (properties/smt_property.cpp)
// Integers: the evaluator computes in 64 bits, Z3 without bound. Every Int function of
// the signature counts something of a finite scenario (under 2^16); a property whose
// arithmetic could reach 2^62 in magnitude is refused, so that no value it computes can
// wrap.
constexpr long double kMaxFunctionValue = 65536.0L;
constexpr long double kMaxMagnitude = 4611686018427387904.0L;  // 2^62

// Refuses text nested deeper than kMaxNesting, before Z3 parses it: 20,000 nested `not`
// would overflow the stack of whatever walks the formula recursively.
void check_nesting(const std::string& file, const std::string& text) {
  int depth = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == ';') {  // a comment, to the end of the line
      while (i < text.size() && text[i] != '\n') ++i;
    } else if (c == '|' || c == '"') {  // a quoted symbol or a string
      const std::size_t end = text.find(c, i + 1);
      i = end == std::string::npos ? text.size() : end;
    } else if (c == '(') {
      if (++depth > kMaxNesting) {
        auto [line, col] = text_position(text, i);
        throw InputError(file, line, col,
                         "the property is nested more than " + std::to_string(kMaxNesting) +
                             " parentheses deep (cowcheck's limit): write it with fewer levels");
      }
    } else if (c == ')') {
      --depth;
    }
  }
}

}  // namespace

Z3Formula::Z3Formula(const Scenario& s, std::string f) : sc(s), file(std::move(f)) {
  declare();
  text = read_file(file);
  check_nesting(file, text);
  formula = parse(text);
  root = compile(formula);
  check_arithmetic();
}

// An error about something Z3 parsed, at the first place `needle` appears in the text
// (the start of the file if nowhere: Z3's terms carry no positions).
void Z3Formula::fail_at_text(const std::string& needle, const std::string& msg) const {
  fail_at_offset(needle.empty() ? std::string::npos : text.find(needle), msg);
}

void Z3Formula::fail_at_first_quantifier(const std::string& msg) const {
  std::size_t p = std::min(text.find("(forall"), text.find("(exists"));
  fail_at_offset(p != std::string::npos ? p : text.find("(assert"), msg);
}

// At byte `p` of the text; npos: no position.
void Z3Formula::fail_at_offset(std::size_t p, const std::string& msg) const {
  if (p == std::string::npos) throw InputError(file, 0, 0, msg);
  auto [line, col] = text_position(text, p);
  throw InputError(file, line, col, msg);
}

// The greatest magnitude each Int node can reach (an over-approximation), refused past
// kMaxMagnitude.
void Z3Formula::check_arithmetic() const {
  std::vector<long double> mag(nodes.size(), 0.0L);
  for (std::size_t i = 0; i < nodes.size(); ++i) {  // kids come before their parents
    const FormulaNode& n = nodes[i];
    long double m = 0;
    switch (n.k) {
      case K::Const: m = n.v < 0 ? -static_cast<long double>(n.v) : static_cast<long double>(n.v); break;
      case K::App: m = kMaxFunctionValue; break;
      case K::Add: case K::Sub:
        for (int k : n.kids) m += mag[static_cast<std::size_t>(k)];
        break;
      case K::Mul:
        m = 1;
        for (int k : n.kids) m *= mag[static_cast<std::size_t>(k)];
        break;
      case K::Neg: m = mag[static_cast<std::size_t>(n.kids[0])]; break;
      case K::Ite: m = std::max(mag[static_cast<std::size_t>(n.kids[1])], mag[static_cast<std::size_t>(n.kids[2])]); break;
      default: m = 1; break;  // booleans, elements of finite sorts, variables (indices)
    }
    if (m > kMaxMagnitude)
      fail_at_text(n.k == K::Mul ? "(*" : n.k == K::Const ? std::to_string(n.v) : n.k == K::Add ? "(+" : "(-",
                   "integer arithmetic that can exceed 2^62 in magnitude: cowcheck evaluates in 64-bit integers "
                   "where Z3's are unbounded, so it refuses what could wrap (the signature's counts are below 2^16)");
    mag[i] = m;
  }
}

z3::sort Z3Formula::z3_sort(Sort s) {
  if (s == Sort::Bool) return ctx.bool_sort();
  if (s == Sort::Int) return ctx.int_sort();
  return sorts.at(s);
}

void Z3Formula::declare() {
  for (Sort s : kFiniteSorts) {
    std::vector<std::string> names = sort_elements(sc, s);
    std::vector<const char*> cnames;
    for (const auto& n : names) cnames.push_back(n.c_str());
    z3::func_decl_vector cs(ctx), ts(ctx);
    z3::sort zs = ctx.enumeration_sort(sort_name(s), static_cast<unsigned>(cnames.size()), cnames.data(), cs, ts);
    sorts.emplace(s, zs);
    auto& ev = elems[s];
    for (unsigned i = 0; i < cs.size(); ++i) {
      ev.push_back(cs[i]());
      element_index[names[i]] = {s, static_cast<long>(i)};
    }
  }
  for (const SigFunction& f : signature()) {
    z3::sort_vector dom(ctx);
    for (Sort a : f.args) dom.push_back(z3_sort(a));
    decls.push_back(ctx.function(std::string(f.name).c_str(), dom, z3_sort(f.result)));
  }
}

z3::expr Z3Formula::parse(const std::string& text) {
  z3::sort_vector sv(ctx);
  for (Sort s : kFiniteSorts) sv.push_back(sorts.at(s));
  z3::func_decl_vector dv(ctx);
  for (const auto& d : decls) dv.push_back(d);
  z3::expr_vector asserts(ctx);
  try {
    asserts = ctx.parse_string(text.c_str(), sv, dv);
  } catch (const z3::exception& e) {
    throw parse_error(file, e.msg());
  }
  if (asserts.size() == 0) {
    auto [line, col] = text_position(text, text.empty() || text.back() != '\n' ? text.size() : text.size() - 1);
    throw InputError(file, line, col, "the property file asserts nothing: expected (assert FORMULA) before the end of the file");
  }
  return z3::mk_and(asserts);
}

void Z3Formula::unsupported(const z3::expr& e) const {
  std::string head = e.is_app() ? "(" + e.decl().name().str() : e.is_quantifier() ? "(lambda" : "";
  if (e.is_numeral()) head = e.to_string();
  fail_at_text(head, "unsupported construct in a property: " + e.to_string().substr(0, 120) +
                                   " (use the signature's functions, and/or/not/=>/=/distinct/ite, "
                                   "integer comparisons and + - *, forall/exists)");
}

Sort Z3Formula::sort_of(const z3::sort& s) const {
  if (s.is_bool()) return Sort::Bool;
  if (s.is_int()) return Sort::Int;
  for (const auto& [k, v] : sorts)
    if (z3::eq(v, s)) return k;
  throw InputError(file, 0, 0, "a property uses the sort " + s.to_string() + ", which is not in the signature");
}

int Z3Formula::add(FormulaNode n) {
  nodes.push_back(std::move(n));
  return static_cast<int>(nodes.size() - 1);
}

int Z3Formula::compile(const z3::expr& e) {
  if (e.is_var()) return add({K::Var, static_cast<long>(Z3_get_index_value(ctx, e)), nullptr, {}, {}, {}});
  if (e.is_quantifier()) {
    if (e.is_lambda()) unsupported(e);
    FormulaNode n{e.is_forall() ? K::Forall : K::Exists, 0, nullptr, {}, {}, {}};
    unsigned nb = Z3_get_quantifier_num_bound(ctx, e);
    if (bound_depth_ + static_cast<int>(nb) > kMaxBoundVariables)
      fail_at_text(e.is_forall() ? "(forall" : "(exists",
                   "more than " + std::to_string(kMaxBoundVariables) +
                       " nested bound variables (cowcheck's limit; such a property could not be expanded anyway)");
    for (unsigned i = 0; i < nb; ++i) {
      Sort s = sort_of(z3::sort(ctx, Z3_get_quantifier_bound_sort(ctx, e, i)));
      if (s == Sort::Int || s == Sort::Bool) unsupported(e);
      n.vsorts.push_back(s);
      n.vnames.push_back(z3::symbol(ctx, Z3_get_quantifier_bound_name(ctx, e, i)).str());
    }
    bound_depth_ += static_cast<int>(nb);
    n.kids.push_back(compile(e.body()));
    bound_depth_ -= static_cast<int>(nb);
    return add(std::move(n));
  }
  if (e.is_numeral()) {
    std::int64_t v = 0;
    if (!e.is_numeral_i64(v)) unsupported(e);
    return add({K::Const, static_cast<long>(v), nullptr, {}, {}, {}});
  }
  if (!e.is_app()) unsupported(e);
  z3::func_decl d = e.decl();
  std::vector<int> kids;
  auto args = [&] {
    for (unsigned i = 0; i < e.num_args(); ++i) kids.push_back(compile(e.arg(i)));
  };
  auto op = [&](K k) {
    args();
    return add({k, 0, nullptr, kids, {}, {}});
  };
  switch (d.decl_kind()) {
    case Z3_OP_TRUE: return add({K::Const, 1, nullptr, {}, {}, {}});
    case Z3_OP_FALSE: return add({K::Const, 0, nullptr, {}, {}, {}});
    case Z3_OP_AND: return op(K::And);
    case Z3_OP_OR: return op(K::Or);
    case Z3_OP_NOT: return op(K::Not);
    case Z3_OP_IMPLIES: return op(K::Implies);
    case Z3_OP_EQ:
    case Z3_OP_IFF: return op(K::Eq);
    case Z3_OP_DISTINCT: {
      args();
      if (kids.size() <= 4) return add({K::Distinct, 0, nullptr, kids, {}, {}});
      std::vector<int> pairs;  // the evaluator's distinct takes up to 4 terms: pairwise
      for (std::size_t i = 0; i < kids.size(); ++i)
        for (std::size_t j = i + 1; j < kids.size(); ++j) pairs.push_back(add({K::Distinct, 0, nullptr, {kids[i], kids[j]}, {}, {}}));
      return add({K::And, 0, nullptr, pairs, {}, {}});
    }
    case Z3_OP_ITE: return op(K::Ite);
    case Z3_OP_LE: return op(K::Le);
    case Z3_OP_LT: return op(K::Lt);
    case Z3_OP_GE: return op(K::Ge);
    case Z3_OP_GT: return op(K::Gt);
    case Z3_OP_ADD: return op(K::Add);
    case Z3_OP_SUB: return op(K::Sub);
    case Z3_OP_MUL: return op(K::Mul);
    case Z3_OP_UMINUS: return op(K::Neg);
    case Z3_OP_DT_CONSTRUCTOR: {
      auto it = element_index.find(d.name().str());
      if (it == element_index.end()) unsupported(e);
      return add({K::Const, it->second.second, nullptr, {}, {}, {}});
    }
    case Z3_OP_UNINTERPRETED: {
      const std::string name = d.name().str();
      const SigFunction* fn = find_function(name);
      if (!fn)
        fail_at_text("(declare-fun " + name, "'" + name + "' is not a function of the signature (cowcheck list signature); "
                                             "a property cannot declare functions of its own");
      // The property may declare a signature name again with other sorts: Z3 then has
      // two functions of that name, and only the signature's is the model's.
      const auto idx = static_cast<std::size_t>(fn - signature().data());
      if (idx >= decls.size() || !z3::eq(d, decls[idx]))
        fail_at_text("(declare-fun " + name, "'" + name + "' is declared with other sorts than the signature's (" +
                                                 decls[idx].to_string() + "): leave the signature's functions undeclared");
      args();
      return add({K::App, 0, fn, kids, {}, {}});
    }
    default:  // Z3's operator kinds are many; every one not listed above is unsupported
      unsupported(e);
  }
}

z3::solver Z3Formula::solver() {
  z3::solver s(ctx);
  z3::params p(ctx);
  p.set("timeout", 10000u);
  // Z3 would install its own SIGINT handler while it solves, and eat the signal that
  // asks cowcheck to stop (model/run_limits.hpp).
  p.set("ctrl_c", false);
  s.set(p);
  return s;
}

void Z3Formula::reject_valid_or_unsatisfiable() {
  z3::solver s = solver();
  s.add(parse(signature_axioms()));
  s.push();
  s.add(!formula);
  if (s.check() == z3::unsat)
    fail_at_text("(assert", "this property is valid under the signature's axioms: it holds in every state, so it "
                                 "checks nothing");
  s.pop();
  s.add(formula);
  if (s.check() == z3::unsat)
    fail_at_text("(assert", "this property is unsatisfiable under the signature's axioms: no state can satisfy it");
}

}  // namespace cow
