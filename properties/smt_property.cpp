#include "properties/smt_property.hpp"
#include "properties/program.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <map>
#include <numeric>
#include <tuple>
#include <sstream>
#include <z3++.h>

#include "model/input_error.hpp"
#include "model/invariant.hpp"

namespace cow {

namespace {

// One node of a compiled formula. Quantifiers carry their bound variables' sorts;
// variables are de Bruijn indices as Z3 gives them (0: the innermost bound).
struct Node {
  K k{};
  long v = 0;
  const SigFunction* fn = nullptr;
  std::vector<int> kids;
  std::vector<Sort> vsorts;
  std::vector<std::string> vnames;
};

constexpr int kMaxBound = 32;

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError(path, 0, 0, "cannot open the property file for reading");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

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
  while (!text.empty() && (text.back() == ' ' || text.back() == '\n')) text.pop_back();
  return InputError(file, line, col, "in SMT-LIB property: " + text);
}

}  // namespace

struct SmtProperty::Impl {
  const Scenario& sc;
  SigEnv env_;
  std::string file;
  z3::context ctx;
  std::map<Sort, z3::sort> sorts;
  std::map<Sort, std::vector<z3::expr>> elems;  // element constants by index
  std::map<std::string, std::pair<Sort, long>> element_index;
  std::vector<z3::func_decl> decls;  // one per signature function, same order
  z3::expr formula{ctx};
  std::vector<Node> nodes;  // the formula as written: the reference interpreter, used for witnesses
  int root = -1;

  // The formula grounded for this scenario: quantifiers unrolled over the finite sorts,
  // functions of the scenario alone folded into constants, identical sub-terms shared.
  // This is what runs on every explored state.
  Ground ground_;
  std::vector<GNode>& g = ground_.nodes;
  std::vector<int>& gkids = ground_.kids;
  std::map<std::tuple<K, long, SigEval, std::vector<int>>, int> gmemo;

  Program program;  // what check() runs on every state
  std::vector<ConjunctReads> reads;  // its conjuncts' read sets (partial-order reduction)
  std::vector<Program> parts;        // each conjunct compiled on its own (incremental checking)

  Impl(const Scenario& s, bool ae, std::string f) : sc(s), env_{s, ae, 0, {}}, file(std::move(f)) {}

  z3::sort z3_sort(Sort s) {
    if (s == Sort::Bool) return ctx.bool_sort();
    if (s == Sort::Int) return ctx.int_sort();
    return sorts.at(s);
  }

  void declare() {
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

  z3::expr parse(const std::string& text) {
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
    if (asserts.size() == 0) throw InputError(file, 0, 0, "the property file asserts nothing: write (assert FORMULA)");
    return z3::mk_and(asserts);
  }

  [[noreturn]] void unsupported(const z3::expr& e) {
    throw InputError(file, 0, 0, "unsupported construct in a property: " + e.to_string().substr(0, 120) +
                                     " (use the signature's functions, and/or/not/=>/=/distinct/ite, "
                                     "integer comparisons and + - *, forall/exists)");
  }

  Sort sort_of(const z3::sort& s) {
    if (s.is_bool()) return Sort::Bool;
    if (s.is_int()) return Sort::Int;
    for (const auto& [k, v] : sorts)
      if (z3::eq(v, s)) return k;
    throw InputError(file, 0, 0, "a property uses the sort " + s.to_string() + ", which is not in the signature");
  }

  int add(Node n) {
    nodes.push_back(std::move(n));
    return static_cast<int>(nodes.size() - 1);
  }

  int compile(const z3::expr& e) {
    if (e.is_var()) return add({K::Var, static_cast<long>(Z3_get_index_value(ctx, e)), nullptr, {}, {}, {}});
    if (e.is_quantifier()) {
      if (e.is_lambda()) unsupported(e);
      Node n{e.is_forall() ? K::Forall : K::Exists, 0, nullptr, {}, {}, {}};
      unsigned nb = Z3_get_quantifier_num_bound(ctx, e);
      for (unsigned i = 0; i < nb; ++i) {
        Sort s = sort_of(z3::sort(ctx, Z3_get_quantifier_bound_sort(ctx, e, i)));
        if (s == Sort::Int || s == Sort::Bool) unsupported(e);
        n.vsorts.push_back(s);
        n.vnames.push_back(z3::symbol(ctx, Z3_get_quantifier_bound_name(ctx, e, i)).str());
      }
      n.kids.push_back(compile(e.body()));
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
      case Z3_OP_DISTINCT: return op(K::Distinct);
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
        const SigFunction* fn = find_function(d.name().str());
        if (!fn) unsupported(e);
        args();
        return add({K::App, 0, fn, kids, {}, {}});
      }
      default:
        unsupported(e);
    }
  }

  // The compiled evaluator.
  struct Ctx {
    const State& s;
    const SigEnv& sig;
    long env[kMaxBound];
  };

  long domain(Sort s) const { return static_cast<long>(sort_elements_count(s)); }
  std::size_t sort_elements_count(Sort s) const {
    switch (s) {
      case Sort::Mm: return sc.processes.size() + 1;
      case Sort::Vpage: return kMaxVpages;
      case Sort::Frame: return kMaxFrames + 1;
      case Sort::Pin: return sc.pins.size() + 1;
      case Sort::Thread: return sc.threads.size() + 1;
      case Sort::Value: return sc.writes.size() + 1;
      case Sort::Bool: return 2;
      case Sort::Int: return 0;
    }
    UNREACHABLE("bad sort");
  }

  long eval(int i, Ctx& c, int depth) const {
    const Node& n = nodes[static_cast<std::size_t>(i)];
    const auto& k = n.kids;
    switch (n.k) {
      case K::Const: return n.v;
      case K::Var: return c.env[depth - 1 - n.v];
      case K::App: {
        long a[4] = {0, 0, 0, 0};
        for (std::size_t j = 0; j < k.size(); ++j) a[j] = eval(k[j], c, depth);
        return n.fn->eval(c.sig, c.s, a);
      }
      case K::And:
        for (int x : k)
          if (!eval(x, c, depth)) return 0;
        return 1;
      case K::Or:
        for (int x : k)
          if (eval(x, c, depth)) return 1;
        return 0;
      case K::Not: return !eval(k[0], c, depth);
      case K::Implies: return !eval(k[0], c, depth) || eval(k[1], c, depth);
      case K::Eq: {
        long first = eval(k[0], c, depth);
        for (std::size_t j = 1; j < k.size(); ++j)
          if (eval(k[j], c, depth) != first) return 0;
        return 1;
      }
      case K::Distinct: {
        long vals[16];
        INVARIANT(k.size() <= 16, "distinct with too many arguments");
        for (std::size_t j = 0; j < k.size(); ++j) {
          vals[j] = eval(k[j], c, depth);
          for (std::size_t q = 0; q < j; ++q)
            if (vals[q] == vals[j]) return 0;
        }
        return 1;
      }
      case K::Ite: return eval(k[0], c, depth) ? eval(k[1], c, depth) : eval(k[2], c, depth);
      case K::Le: return eval(k[0], c, depth) <= eval(k[1], c, depth);
      case K::Lt: return eval(k[0], c, depth) < eval(k[1], c, depth);
      case K::Ge: return eval(k[0], c, depth) >= eval(k[1], c, depth);
      case K::Gt: return eval(k[0], c, depth) > eval(k[1], c, depth);
      case K::Add: {
        long sum = 0;
        for (int x : k) sum += eval(x, c, depth);
        return sum;
      }
      case K::Sub: {
        long r = eval(k[0], c, depth);
        for (std::size_t j = 1; j < k.size(); ++j) r -= eval(k[j], c, depth);
        return r;
      }
      case K::Mul: {
        long r = 1;
        for (int x : k) r *= eval(x, c, depth);
        return r;
      }
      case K::Neg: return -eval(k[0], c, depth);
      case K::Forall:
      case K::Exists: {
        const bool all = n.k == K::Forall;
        const int nb = static_cast<int>(n.vsorts.size());
        INVARIANT(depth + nb <= kMaxBound, "too many nested bound variables");
        for (int j = 0; j < nb; ++j) c.env[depth + j] = 0;
        for (;;) {
          bool b = eval(k[0], c, depth + nb) != 0;
          if (b != all) return !all;
          int j = nb - 1;
          while (j >= 0 && ++c.env[depth + j] == domain(n.vsorts[static_cast<std::size_t>(j)])) c.env[depth + j--] = 0;
          if (j < 0) return all;
        }
      }
    }
    UNREACHABLE("bad node");
  }

  // Describes where the formula fails, following the evaluator: the bindings of the
  // universally quantified variables on the way down to a false sub-formula.
  void witness(int i, Ctx& c, int depth, std::vector<std::string>& out) const {
    const Node& n = nodes[static_cast<std::size_t>(i)];
    if (n.k == K::And) {
      for (int x : n.kids)
        if (!eval(x, c, depth)) return witness(x, c, depth, out);
    } else if (n.k == K::Implies) {
      witness(n.kids[1], c, depth, out);
    } else if (n.k == K::Forall) {
      const int nb = static_cast<int>(n.vsorts.size());
      for (int j = 0; j < nb; ++j) c.env[depth + j] = 0;
      for (;;) {
        if (!eval(n.kids[0], c, depth + nb)) {
          for (int j = 0; j < nb; ++j)
            out.push_back(n.vnames[static_cast<std::size_t>(j)] + " = " +
                          sort_elements(sc, n.vsorts[static_cast<std::size_t>(j)])[static_cast<std::size_t>(c.env[depth + j])]);
          return witness(n.kids[0], c, depth + nb, out);
        }
        int j = nb - 1;
        while (j >= 0 && ++c.env[depth + j] == domain(n.vsorts[static_cast<std::size_t>(j)])) c.env[depth + j--] = 0;
        if (j < 0) return;
      }
    }
  }


  static constexpr std::size_t kMaxGroundNodes = 2'000'000;

  bool is_const(int i) const { return g[static_cast<std::size_t>(i)].k == K::Const; }
  long cval(int i) const { return g[static_cast<std::size_t>(i)].v; }

  int mk(K k, long v, SigEval fn, std::vector<int> kids) {
    auto key = std::make_tuple(k, v, fn, kids);
    if (auto it = gmemo.find(key); it != gmemo.end()) return it->second;
    if (g.size() >= kMaxGroundNodes)
      throw InputError(file, 0, 0, fmt::format("the property grows past {} nodes when its quantifiers are expanded "
                                               "over this scenario: quantify over fewer variables", kMaxGroundNodes));
    GNode n;
    n.k = k;
    n.v = v;
    n.fn = fn;
    n.nkids = static_cast<std::uint16_t>(kids.size());
    n.first = static_cast<std::uint32_t>(gkids.size());
    gkids.insert(gkids.end(), kids.begin(), kids.end());
    if (k == K::App && kids.size() <= 4 && std::all_of(kids.begin(), kids.end(), [&](int x) { return is_const(x); })) {
      n.baked = true;
      for (std::size_t j = 0; j < kids.size(); ++j) n.args[j] = cval(kids[j]);
    }
    g.push_back(n);
    int id = static_cast<int>(g.size() - 1);
    gmemo.emplace(std::move(key), id);
    return id;
  }
  int cst(long v) { return mk(K::Const, v, nullptr, {}); }

  // Conjunction (and=true) or disjunction of grounded parts, folding constants.
  int junction(bool conj, const std::vector<int>& parts) {
    std::vector<int> keep;
    for (int p : parts) {
      if (is_const(p)) {
        if ((cval(p) != 0) != conj) return cst(conj ? 0 : 1);
        continue;
      }
      if (std::find(keep.begin(), keep.end(), p) == keep.end()) keep.push_back(p);
    }
    if (keep.empty()) return cst(conj ? 1 : 0);
    if (keep.size() == 1) return keep[0];
    return mk(conj ? K::And : K::Or, 0, nullptr, keep);
  }

  int ground(const z3::expr& e, std::vector<long>& env) {
    if (e.is_var()) return cst(env[env.size() - 1 - Z3_get_index_value(ctx, e)]);
    if (e.is_quantifier()) {
      const bool all = e.is_forall();
      unsigned nb = Z3_get_quantifier_num_bound(ctx, e);
      std::vector<long> dom;
      for (unsigned i = 0; i < nb; ++i)
        dom.push_back(domain(sort_of(z3::sort(ctx, Z3_get_quantifier_bound_sort(ctx, e, i)))));
      std::size_t base = env.size();
      env.resize(base + nb, 0);
      std::vector<int> parts;
      z3::expr body = e.body();
      for (;;) {
        int p = ground(body, env);
        if (is_const(p) && (cval(p) != 0) != all) {
          env.resize(base);
          return cst(all ? 0 : 1);
        }
        parts.push_back(p);
        std::size_t j = nb;
        while (j > 0 && ++env[base + j - 1] == dom[j - 1]) env[base + --j] = 0;
        if (j == 0) break;
      }
      env.resize(base);
      return junction(all, parts);
    }
    if (e.is_numeral()) {
      std::int64_t v = 0;
      if (!e.is_numeral_i64(v)) unsupported(e);
      return cst(static_cast<long>(v));
    }
    z3::func_decl d = e.decl();
    auto kids = [&] {
      std::vector<int> out;
      for (unsigned i = 0; i < e.num_args(); ++i) out.push_back(ground(e.arg(i), env));
      return out;
    };
    auto all_const = [&](const std::vector<int>& ks) {
      return std::all_of(ks.begin(), ks.end(), [&](int x) { return is_const(x); });
    };
    switch (d.decl_kind()) {
      case Z3_OP_TRUE: return cst(1);
      case Z3_OP_FALSE: return cst(0);
      case Z3_OP_AND:
      case Z3_OP_OR: {
        const bool conj = d.decl_kind() == Z3_OP_AND;
        std::vector<int> parts;
        for (unsigned i = 0; i < e.num_args(); ++i) {
          int p = ground(e.arg(i), env);
          if (is_const(p) && (cval(p) != 0) != conj) return cst(conj ? 0 : 1);
          parts.push_back(p);
        }
        return junction(conj, parts);
      }
      case Z3_OP_NOT: {
        int a = ground(e.arg(0), env);
        return is_const(a) ? cst(!cval(a)) : mk(K::Not, 0, nullptr, {a});
      }
      case Z3_OP_IMPLIES: {
        int a = ground(e.arg(0), env);
        if (is_const(a)) return cval(a) ? ground(e.arg(1), env) : cst(1);
        int b = ground(e.arg(1), env);
        if (is_const(b)) return cval(b) ? cst(1) : mk(K::Not, 0, nullptr, {a});
        return mk(K::Implies, 0, nullptr, {a, b});
      }
      case Z3_OP_ITE: {
        int c = ground(e.arg(0), env);
        if (is_const(c)) return ground(e.arg(cval(c) ? 1 : 2), env);
        return mk(K::Ite, 0, nullptr, {c, ground(e.arg(1), env), ground(e.arg(2), env)});
      }
      case Z3_OP_DT_CONSTRUCTOR: {
        auto it = element_index.find(d.name().str());
        if (it == element_index.end()) unsupported(e);
        return cst(it->second.second);
      }
      case Z3_OP_UNINTERPRETED: {
        const SigFunction* fn = find_function(d.name().str());
        if (!fn) unsupported(e);
        std::vector<int> ks = kids();
        if (fn->is_static && all_const(ks)) {
          long a[4] = {0, 0, 0, 0};
          for (std::size_t j = 0; j < ks.size(); ++j) a[j] = cval(ks[j]);
          return cst(fn->eval(env_, sc.initial, a));
        }
        return mk(K::App, 0, fn->eval, ks);
      }
      default: break;
    }
    K k{};
    switch (d.decl_kind()) {
      case Z3_OP_EQ: case Z3_OP_IFF: k = K::Eq; break;
      case Z3_OP_DISTINCT: k = K::Distinct; break;
      case Z3_OP_LE: k = K::Le; break;
      case Z3_OP_LT: k = K::Lt; break;
      case Z3_OP_GE: k = K::Ge; break;
      case Z3_OP_GT: k = K::Gt; break;
      case Z3_OP_ADD: k = K::Add; break;
      case Z3_OP_SUB: k = K::Sub; break;
      case Z3_OP_MUL: k = K::Mul; break;
      case Z3_OP_UMINUS: k = K::Neg; break;
      default: unsupported(e);
    }
    std::vector<int> ks = kids();
    if (!all_const(ks)) return mk(k, 0, nullptr, ks);
    std::vector<long> vals;
    for (int x : ks) vals.push_back(cval(x));
    return cst(fold(k, vals));
  }

  // The value of an operator applied to constants (folding at compile time).
  static long fold(K k, const std::vector<long>& v) {
    switch (k) {
      case K::Eq: return std::all_of(v.begin(), v.end(), [&](long x) { return x == v[0]; });
      case K::Distinct:
        for (std::size_t j = 0; j < v.size(); ++j)
          for (std::size_t q = 0; q < j; ++q)
            if (v[j] == v[q]) return 0;
        return 1;
      case K::Le: return v[0] <= v[1];
      case K::Lt: return v[0] < v[1];
      case K::Ge: return v[0] >= v[1];
      case K::Gt: return v[0] > v[1];
      case K::Add: return std::accumulate(v.begin(), v.end(), 0L);
      case K::Sub: return std::accumulate(v.begin() + 1, v.end(), v[0], std::minus<long>());
      case K::Mul: return std::accumulate(v.begin(), v.end(), 1L, std::multiplies<long>());
      case K::Neg: return -v[0];
      default: UNREACHABLE("not a foldable operator");
    }
  }

  void ground_formula() {
    std::vector<long> env;
    ground_.root = ground(formula, env);
    program = Program::compile(ground_);
    for (int root : conjunct_roots(ground_)) {
      reads.push_back(conjunct_reads(ground_, root, sc));
      parts.push_back(Program::compile(ground_, root));
    }
  }

  z3::expr value_expr(Sort s, long v) {
    if (s == Sort::Bool) return ctx.bool_val(v != 0);
    if (s == Sort::Int) return ctx.int_val(static_cast<std::int64_t>(v));
    return elems.at(s).at(static_cast<std::size_t>(v));
  }

  // The state's tables: every signature function on every argument tuple.
  void assert_tables(z3::solver& solver, const State& s) {
    const auto& sig = signature();
    for (std::size_t fi = 0; fi < sig.size(); ++fi) {
      const SigFunction& f = sig[fi];
      std::vector<long> a(f.args.size(), 0);
      for (;;) {
        z3::expr_vector args(ctx);
        for (std::size_t j = 0; j < a.size(); ++j) args.push_back(value_expr(f.args[j], a[j]));
        long v = f.eval(env_, s, a.data());
        solver.add(decls[fi](args) == value_expr(f.result, v));
        std::size_t j = 0;
        while (j < a.size() && ++a[j] == domain(f.args[j])) a[j++] = 0;
        if (j == a.size()) break;
      }
    }
  }

  void set_timeout(z3::solver& s) {
    z3::params p(ctx);
    p.set("timeout", 10000u);
    s.set(p);
  }
};

std::vector<ConjunctReads> SmtProperty::reads() const { return impl_->reads; }
std::size_t SmtProperty::conjunct_count() const { return impl_->parts.size(); }
bool SmtProperty::conjuncts_hold(const State& s, const std::uint32_t* ids, std::size_t n) const {
  const SigEnv env{impl_->sc, impl_->env_.design_has_anon_exclusive, 0, {}};  // derived tables: once for s
  for (std::size_t i = 0; i < n; ++i)
    if (!impl_->parts[ids[i]].run_in(env, s)) return false;
  return true;
}

SmtProperty::SmtProperty(const std::string& file, const Scenario& sc, bool ae)
    : impl_(std::make_unique<Impl>(sc, ae, file)), file_(file) {
  name_ = std::filesystem::path(file).stem().string();
  summary_ = property_summary(file);
  Impl& m = *impl_;
  m.declare();
  m.formula = m.parse(read_file(file));
  m.root = m.compile(m.formula);
  m.ground_formula();

  // Z3 at load: a property that cannot fail, or cannot hold, is a mistake.
  z3::solver s(m.ctx);
  m.set_timeout(s);
  s.add(m.parse(signature_axioms()));
  s.push();
  s.add(!m.formula);
  if (s.check() == z3::unsat)
    throw InputError(file, 0, 0, "this property is valid under the signature's axioms: it holds in every state, so it "
                                 "checks nothing");
  s.pop();
  s.add(m.formula);
  if (s.check() == z3::unsat)
    throw InputError(file, 0, 0, "this property is unsatisfiable under the signature's axioms: no state can satisfy it");
}

SmtProperty::~SmtProperty() = default;

std::optional<std::string> SmtProperty::check(const Scenario&, const State& s, bool) const {
  if (impl_->program.run(impl_->env_, s)) return std::nullopt;
  // A violation (rare): the witness, from the formula as written; its derived tables are
  // this call's own, so concurrent checks stay independent.
  SigEnv env{impl_->sc, impl_->env_.design_has_anon_exclusive, 0, {}};
  Impl::Ctx c{s, env, {}};
  INVARIANT(!impl_->eval(impl_->root, c, 0), "the grounded and the interpreted property disagree");
  std::vector<std::string> w;
  impl_->witness(impl_->root, c, 0, w);
  std::string out = "fails";
  for (std::size_t i = 0; i < w.size(); ++i) out += (i ? ", " : " for ") + w[i];
  return out;
}

bool SmtProperty::holds_by_z3(const State& s) const {
  Impl& m = *impl_;
  ++m.env_.epoch;
  z3::solver solver(m.ctx);
  m.set_timeout(solver);
  m.assert_tables(solver, s);
  solver.add(!m.formula);
  z3::check_result r = solver.check();
  INVARIANT(r != z3::unknown, "Z3 answered unknown on a concrete state");
  return r == z3::unsat;
}

std::string SmtProperty::certify(const State& s) const {
  Impl& m = *impl_;
  ++m.env_.epoch;
  z3::solver solver(m.ctx);
  m.set_timeout(solver);
  m.assert_tables(solver, s);
  solver.push();
  solver.add(!m.formula);
  z3::check_result r = solver.check();
  INVARIANT(r == z3::sat, "Z3 does not confirm a violation the evaluator reported (unsat or unknown)");
  solver.pop();
  // Skolemize the failing part: universal quantifiers become constants that Z3's model
  // names; conjunctions follow a conjunct Z3 can falsify; implications assume their guard.
  z3::expr cur = m.formula;
  std::vector<std::pair<std::string, z3::expr>> skolems;
  for (;;) {
    if (cur.is_quantifier() && cur.is_forall()) {
      unsigned nb = Z3_get_quantifier_num_bound(m.ctx, cur);
      z3::expr_vector consts(m.ctx);
      std::vector<z3::expr> made;
      for (unsigned i = 0; i < nb; ++i) {
        std::string vname = z3::symbol(m.ctx, Z3_get_quantifier_bound_name(m.ctx, cur, i)).str();
        z3::sort vs(m.ctx, Z3_get_quantifier_bound_sort(m.ctx, cur, i));
        z3::expr k = m.ctx.constant(fmt::format("sk!{}!{}", skolems.size() + i, vname).c_str(), vs);
        made.push_back(k);
        skolems.emplace_back(vname, k);
      }
      for (unsigned i = 0; i < nb; ++i) consts.push_back(made[nb - 1 - i]);  // de Bruijn order
      cur = cur.body().substitute(consts);
      continue;
    }
    if (cur.is_app() && cur.decl().decl_kind() == Z3_OP_AND) {
      bool found = false;
      for (unsigned i = 0; i < cur.num_args() && !found; ++i) {
        solver.push();
        solver.add(!cur.arg(i));
        found = solver.check() == z3::sat;
        solver.pop();
        if (found) cur = cur.arg(i);
      }
      if (found) continue;
      break;
    }
    if (cur.is_app() && cur.decl().decl_kind() == Z3_OP_IMPLIES) {
      solver.add(cur.arg(0));
      cur = cur.arg(1);
      continue;
    }
    break;
  }
  solver.add(!cur);
  r = solver.check();
  INVARIANT(r == z3::sat, "Z3 cannot name a failing instance of a confirmed violation");
  z3::model model = solver.get_model();
  std::string out;
  for (const auto& [vname, k] : skolems)
    out += (out.empty() ? "" : ", ") + vname + " = " + model.eval(k, true).to_string();
  // The ground facts of the failing sub-formula, as the model evaluates them.
  std::vector<std::string> facts;
  std::vector<z3::expr> todo{cur};
  while (!todo.empty() && facts.size() < 12) {
    z3::expr e = todo.back();
    todo.pop_back();
    if (!e.is_app()) continue;
    if (e.decl().decl_kind() == Z3_OP_UNINTERPRETED && e.num_args() > 0) {
      std::string f = e.to_string() + " = " + model.eval(e, true).to_string();
      for (const auto& [vname, k] : skolems) {
        std::string kn = k.to_string();
        for (auto p = f.find(kn); p != std::string::npos; p = f.find(kn)) f.replace(p, kn.size(), vname);
      }
      if (std::find(facts.begin(), facts.end(), f) == facts.end()) facts.push_back(f);
    }
    for (unsigned i = e.num_args(); i-- > 0;) todo.push_back(e.arg(i));
  }
  std::reverse(facts.begin(), facts.end());  // inner terms first: pin_owner p before pte_writable (...)
  std::string text = out.empty() ? "Z3 confirms it" : "Z3 confirms it for " + out;
  if (!facts.empty()) {
    text += "; where";
    for (std::size_t i = 0; i < facts.size(); ++i) text += (i ? ", " : " ") + facts[i];
  }
  text.erase(std::remove(text.begin(), text.end(), '|'), text.end());  // |pin:mr| -> pin:mr
  return text;
}

std::string properties_dir() {
  if (const char* d = std::getenv("COWCHECK_PROPERTIES_DIR")) return d;
  return COWCHECK_PROPERTIES_DIR;
}

std::vector<std::string> property_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(properties_dir(), ec))
    if (e.path().extension() == ".smt2") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string property_summary(const std::string& file) {
  std::ifstream in(file);
  std::string line, out;
  while (std::getline(in, line)) {
    auto p = line.find_first_not_of(" \t");
    if (p == std::string::npos) {
      if (!out.empty()) break;
      continue;
    }
    if (line[p] != ';') break;
    auto t = line.find_first_not_of("; \t", p);
    if (t == std::string::npos) {
      if (!out.empty()) break;
      continue;
    }
    out += (out.empty() ? "" : " ") + line.substr(t);
  }
  return out;
}

}  // namespace cow
