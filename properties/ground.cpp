// Grounding: the formula Z3 parsed, expanded over one scenario's finite domains.
// Quantifiers are unrolled over every element of their sorts, functions of the scenario
// alone (and operators on constants) are folded into constants, and identical sub-terms
// are shared. What comes out (properties/ground.hpp) is compiled by
// properties/program.cpp into what runs on every explored state.
#include "properties/ground.hpp"

#include <algorithm>
#include <boost/container_hash/hash.hpp>
#include <fmt/format.h>
#include <functional>
#include <numeric>
#include <tuple>
#include <unordered_map>
#include <unordered_set>

#include "model/input_error.hpp"
#include "model/invariant.hpp"
#include "model/run_limits.hpp"
#include "properties/front_end.hpp"

namespace cow {

namespace {

constexpr std::size_t kMaxGroundNodes = 2'000'000;

class Grounder {
 public:
  Grounder(const Z3Formula& f, const SigEnv& env) : f_(f), env_(env) {}

  Ground run() {
    std::vector<long> env;
    out_.root = ground(f_.formula, env);
    return std::move(out_);
  }

 private:
  const Z3Formula& f_;
  const SigEnv& env_;
  Ground out_;
  std::vector<GNode>& g = out_.nodes;
  std::vector<int>& gkids = out_.kids;
  using MemoKey = std::tuple<K, long, SigEval, std::vector<int>>;
  std::unordered_map<MemoKey, int, boost::hash<MemoKey>> gmemo;

  bool is_const(int i) const { return g[static_cast<std::size_t>(i)].k == K::Const; }
  long cval(int i) const { return g[static_cast<std::size_t>(i)].v; }

  int mk(K k, long v, SigEval fn, std::vector<int> kids) {
    MemoKey key{k, v, fn, kids};
    if (auto it = gmemo.find(key); it != gmemo.end()) return it->second;
    check_run_limits("expanding the property's quantifiers");
    if (g.size() >= kMaxGroundNodes)
      f_.fail_at_first_quantifier(fmt::format("the property grows past {} nodes when its quantifiers are expanded "
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
  // A quantifier over several variables hands it one part per tuple of their values (N^5
  // for five Frame variables), so the duplicates are found by a set, not by a search.
  int junction(bool conj, const std::vector<int>& parts) {
    std::vector<int> keep;
    std::unordered_set<int> seen;
    for (int p : parts) {
      if (is_const(p)) {
        if ((cval(p) != 0) != conj) return cst(conj ? 0 : 1);
        continue;
      }
      if (seen.insert(p).second) keep.push_back(p);
    }
    if (keep.empty()) return cst(conj ? 1 : 0);
    if (keep.size() == 1) return keep[0];
    return mk(conj ? K::And : K::Or, 0, nullptr, keep);
  }

  // `env` holds the values of the bound variables, the innermost last.
  int ground(const z3::expr& e, std::vector<long>& env) {
    if (e.is_var()) return cst(env[env.size() - 1 - Z3_get_index_value(f_.ctx, e)]);
    if (e.is_quantifier()) {
      const bool all = e.is_forall();
      unsigned nb = Z3_get_quantifier_num_bound(f_.ctx, e);
      std::vector<long> dom;
      for (unsigned i = 0; i < nb; ++i)
        dom.push_back(sort_size(f_.sc, f_.sort_of(z3::sort(e.ctx(), Z3_get_quantifier_bound_sort(f_.ctx, e, i)))));
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
      if (!e.is_numeral_i64(v)) f_.unsupported(e);
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
        auto it = f_.element_index.find(d.name().str());
        if (it == f_.element_index.end()) f_.unsupported(e);
        return cst(it->second.second);
      }
      case Z3_OP_UNINTERPRETED: {
        const SigFunction* fn = find_function(d.name().str());
        if (!fn) f_.unsupported(e);
        std::vector<int> ks = kids();
        if (fn->is_static && all_const(ks)) {
          long a[4] = {0, 0, 0, 0};
          for (std::size_t j = 0; j < ks.size(); ++j) a[j] = cval(ks[j]);
          return cst(fn->eval(env_, f_.sc.initial, a));
        }
        return mk(K::App, 0, fn->eval, ks);
      }
      default: break;  // the operators below, grounded alike; Z3's other kinds are unsupported
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
      default: f_.unsupported(e);
    }
    std::vector<int> ks = kids();
    if (k == K::Distinct && ks.size() > 4 && !all_const(ks)) {
      // The program's distinct takes up to 4 terms (properties/program.cpp): pairwise.
      std::vector<int> pairs;
      for (std::size_t i = 0; i < ks.size(); ++i)
        for (std::size_t j = i + 1; j < ks.size(); ++j) {
          if (is_const(ks[i]) && is_const(ks[j])) {
            if (cval(ks[i]) == cval(ks[j])) return cst(0);
            continue;
          }
          pairs.push_back(mk(K::Distinct, 0, nullptr, {ks[i], ks[j]}));
        }
      return pairs.size() == 1 ? pairs[0] : mk(K::And, 0, nullptr, pairs);
    }
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
      case K::Const:
      case K::Var:
      case K::App:
      case K::And:
      case K::Or:
      case K::Not:
      case K::Implies:
      case K::Ite:
      case K::Forall:
      case K::Exists:
        break;
    }
    UNREACHABLE("not a foldable operator");
  }
};

}  // namespace

Ground ground_formula(const Z3Formula& f, const SigEnv& env) { return Grounder(f, env).run(); }

}  // namespace cow
