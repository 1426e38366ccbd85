// Certification: Z3 on one concrete state. The state is given to Z3 as tables (every
// signature function on every argument tuple, evaluated on the state); Z3 then confirms
// that the negated property is satisfiable there, and the failing instance is read
// from its model: universal quantifiers skolemized, a falsifiable conjunct followed,
// an implication's guard assumed, and the ground facts of the failing sub-formula
// named as the model evaluates them.
#include "properties/certify.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "model/invariant.hpp"

namespace cow {

namespace {

z3::expr value_expr(Z3Formula& f, Sort s, long v) {
  if (s == Sort::Bool) return f.ctx.bool_val(v != 0);
  if (s == Sort::Int) return f.ctx.int_val(static_cast<std::int64_t>(v));
  return f.elems.at(s).at(static_cast<std::size_t>(v));
}

// The state's tables: every signature function on every argument tuple.
void assert_tables(Z3Formula& f, const SigEnv& env, z3::solver& solver, const State& s) {
  const auto& sig = signature();
  for (std::size_t fi = 0; fi < sig.size(); ++fi) {
    const SigFunction& fn = sig[fi];
    std::vector<long> a(fn.args.size(), 0);
    for (;;) {
      z3::expr_vector args(f.ctx);
      for (std::size_t j = 0; j < a.size(); ++j) args.push_back(value_expr(f, fn.args[j], a[j]));
      long v = fn.eval(env, s, a.data());
      solver.add(f.decls[fi](args) == value_expr(f, fn.result, v));
      std::size_t j = 0;
      while (j < a.size() && ++a[j] == sort_size(f.sc, fn.args[j])) a[j++] = 0;
      if (j == a.size()) break;
    }
  }
}

}  // namespace

bool holds_by_z3(Z3Formula& f, SigEnv& env, const State& s) {
  ++env.epoch;
  z3::solver solver = f.solver();
  assert_tables(f, env, solver, s);
  solver.add(!f.formula);
  z3::check_result r = solver.check();
  INVARIANT(r != z3::unknown, "Z3 answered unknown on a concrete state");
  return r == z3::unsat;
}

std::string certify_violation(Z3Formula& f, SigEnv& env, const State& s) {
  ++env.epoch;
  z3::solver solver = f.solver();
  assert_tables(f, env, solver, s);
  solver.push();
  solver.add(!f.formula);
  z3::check_result r = solver.check();
  // Z3 may give up (its 10-second limit, on a formula with many nested quantifiers): the
  // evaluator's verdict stands, unconfirmed. Only Z3's unsat is a disagreement.
  if (r == z3::unknown)
    return "Z3 could not confirm it (it answered unknown: " + solver.reason_unknown() + "); the evaluator's verdict stands";
  INVARIANT(r == z3::sat, "Z3 does not confirm a violation the evaluator reported (unsat)");
  solver.pop();
  // Skolemize the failing part: universal quantifiers become constants that Z3's model
  // names; conjunctions follow a conjunct Z3 can falsify; implications assume their guard.
  z3::expr cur = f.formula;
  std::vector<std::pair<std::string, z3::expr>> skolems;
  for (;;) {
    if (cur.is_quantifier() && cur.is_forall()) {
      unsigned nb = Z3_get_quantifier_num_bound(f.ctx, cur);
      z3::expr_vector consts(f.ctx);
      std::vector<z3::expr> made;
      for (unsigned i = 0; i < nb; ++i) {
        std::string vname = z3::symbol(f.ctx, Z3_get_quantifier_bound_name(f.ctx, cur, i)).str();
        z3::sort vs(f.ctx, Z3_get_quantifier_bound_sort(f.ctx, cur, i));
        z3::expr k = f.ctx.constant(fmt::format("sk!{}!{}", skolems.size() + i, vname).c_str(), vs);
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
      std::string fact = e.to_string() + " = " + model.eval(e, true).to_string();
      for (const auto& [vname, k] : skolems) {
        std::string kn = k.to_string();
        for (auto p = fact.find(kn); p != std::string::npos; p = fact.find(kn)) fact.replace(p, kn.size(), vname);
      }
      if (std::find(facts.begin(), facts.end(), fact) == facts.end()) facts.push_back(fact);
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

}  // namespace cow
