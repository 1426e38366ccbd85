// SmtProperty: an SMT-LIB property through its stages, and checked on states. Loading
// runs the Z3 front end (properties/front_end.cpp), grounds the formula for the scenario
// (properties/ground.cpp), compiles the ground form into the program run on every state
// (properties/program.cpp) and its conjuncts' read sets (properties/reads.cpp), then
// has Z3 reject a property valid or unsatisfiable under the signature. On a violation,
// the formula as written is interpreted here to name the failing instance; Z3 certifies
// it on request (properties/certify.cpp).
#include "properties/smt_property.hpp"

#include <filesystem>

#include "model/invariant.hpp"
#include "properties/certify.hpp"
#include "properties/front_end.hpp"
#include "properties/program.hpp"

namespace cow {

namespace {

constexpr int kMaxBound = 32;

// The reference interpreter of the formula as written: slow, used only on a violating
// state, to say where the formula fails.
struct Interpreter {
  const Z3Formula& f;
  const State& s;
  const SigEnv& sig;
  long env[kMaxBound];

  long domain(Sort so) const { return sort_size(f.sc, so); }

  long eval(int i, int depth) {
    const FormulaNode& n = f.nodes[static_cast<std::size_t>(i)];
    const auto& k = n.kids;
    switch (n.k) {
      case K::Const: return n.v;
      case K::Var: return env[depth - 1 - n.v];
      case K::App: {
        long a[4] = {0, 0, 0, 0};
        for (std::size_t j = 0; j < k.size(); ++j) a[j] = eval(k[j], depth);
        return n.fn->eval(sig, s, a);
      }
      case K::And:
        for (int x : k)
          if (!eval(x, depth)) return 0;
        return 1;
      case K::Or:
        for (int x : k)
          if (eval(x, depth)) return 1;
        return 0;
      case K::Not: return !eval(k[0], depth);
      case K::Implies: return !eval(k[0], depth) || eval(k[1], depth);
      case K::Eq: {
        long first = eval(k[0], depth);
        for (std::size_t j = 1; j < k.size(); ++j)
          if (eval(k[j], depth) != first) return 0;
        return 1;
      }
      case K::Distinct: {
        long vals[16];
        INVARIANT(k.size() <= 16, "distinct with too many arguments");
        for (std::size_t j = 0; j < k.size(); ++j) {
          vals[j] = eval(k[j], depth);
          for (std::size_t q = 0; q < j; ++q)
            if (vals[q] == vals[j]) return 0;
        }
        return 1;
      }
      case K::Ite: return eval(k[0], depth) ? eval(k[1], depth) : eval(k[2], depth);
      case K::Le: return eval(k[0], depth) <= eval(k[1], depth);
      case K::Lt: return eval(k[0], depth) < eval(k[1], depth);
      case K::Ge: return eval(k[0], depth) >= eval(k[1], depth);
      case K::Gt: return eval(k[0], depth) > eval(k[1], depth);
      case K::Add: {
        long sum = 0;
        for (int x : k) sum += eval(x, depth);
        return sum;
      }
      case K::Sub: {
        long r = eval(k[0], depth);
        for (std::size_t j = 1; j < k.size(); ++j) r -= eval(k[j], depth);
        return r;
      }
      case K::Mul: {
        long r = 1;
        for (int x : k) r *= eval(x, depth);
        return r;
      }
      case K::Neg: return -eval(k[0], depth);
      case K::Forall:
      case K::Exists: {
        const bool all = n.k == K::Forall;
        const int nb = static_cast<int>(n.vsorts.size());
        INVARIANT(depth + nb <= kMaxBound, "too many nested bound variables");
        for (int j = 0; j < nb; ++j) env[depth + j] = 0;
        for (;;) {
          bool b = eval(k[0], depth + nb) != 0;
          if (b != all) return !all;
          int j = nb - 1;
          while (j >= 0 && ++env[depth + j] == domain(n.vsorts[static_cast<std::size_t>(j)])) env[depth + j--] = 0;
          if (j < 0) return all;
        }
      }
    }
    UNREACHABLE("bad node");
  }

  // Describes where the formula fails, following the evaluator: the bindings of the
  // universally quantified variables on the way down to a false sub-formula.
  void witness(int i, int depth, std::vector<std::string>& out) {
    const FormulaNode& n = f.nodes[static_cast<std::size_t>(i)];
    if (n.k == K::And) {
      for (int x : n.kids)
        if (!eval(x, depth)) return witness(x, depth, out);
    } else if (n.k == K::Implies) {
      witness(n.kids[1], depth, out);
    } else if (n.k == K::Forall) {
      const int nb = static_cast<int>(n.vsorts.size());
      for (int j = 0; j < nb; ++j) env[depth + j] = 0;
      for (;;) {
        if (!eval(n.kids[0], depth + nb)) {
          for (int j = 0; j < nb; ++j)
            out.push_back(n.vnames[static_cast<std::size_t>(j)] + " = " +
                          sort_elements(f.sc, n.vsorts[static_cast<std::size_t>(j)])[static_cast<std::size_t>(env[depth + j])]);
          return witness(n.kids[0], depth + nb, out);
        }
        int j = nb - 1;
        while (j >= 0 && ++env[depth + j] == domain(n.vsorts[static_cast<std::size_t>(j)])) env[depth + j--] = 0;
        if (j < 0) return;
      }
    }
  }
};

}  // namespace

struct SmtProperty::Impl {
  SigEnv env;
  Z3Formula front;  // the formula as Z3 parsed it, and as written
  Ground ground;    // the formula grounded for this scenario
  Program program;  // what check() runs on every state
  std::vector<ConjunctReads> reads;  // its conjuncts' read sets (partial-order reduction)
  std::vector<Program> parts;        // each conjunct compiled on its own (incremental checking)

  Impl(const Scenario& s, bool ae, std::string f) : env{s, ae, 0, {}}, front(s, std::move(f)) {}
};

std::vector<ConjunctReads> SmtProperty::reads() const { return impl_->reads; }
std::size_t SmtProperty::conjunct_count() const { return impl_->parts.size(); }
bool SmtProperty::conjuncts_hold(const State& s, const std::uint32_t* ids, std::size_t n) const {
  const SigEnv env{impl_->env.sc, impl_->env.design_has_anon_exclusive, 0, {}};  // derived tables: once for s
  for (std::size_t i = 0; i < n; ++i)
    if (!impl_->parts[ids[i]].run_in(env, s)) return false;
  return true;
}

SmtProperty::SmtProperty(const std::string& file, const Scenario& sc, bool ae)
    : impl_(std::make_unique<Impl>(sc, ae, file)), file_(file) {
  name_ = std::filesystem::path(file).stem().string();
  summary_ = property_summary(file);
  Impl& m = *impl_;
  m.ground = ground_formula(m.front, m.env);
  m.program = Program::compile(m.ground);
  for (int root : conjunct_roots(m.ground)) {
    m.reads.push_back(conjunct_reads(m.ground, root, sc));
    m.parts.push_back(Program::compile(m.ground, root));
  }
  m.front.reject_valid_or_unsatisfiable();
}

SmtProperty::~SmtProperty() = default;

std::optional<std::string> SmtProperty::check(const Scenario&, const State& s, bool) const {
  if (impl_->program.run(impl_->env, s)) return std::nullopt;
  // A violation (rare): the witness, from the formula as written; its derived tables are
  // this call's own, so concurrent checks stay independent.
  SigEnv env{impl_->env.sc, impl_->env.design_has_anon_exclusive, 0, {}};
  Interpreter in{impl_->front, s, env, {}};
  INVARIANT(!in.eval(impl_->front.root, 0), "the grounded and the interpreted property disagree");
  std::vector<std::string> w;
  in.witness(impl_->front.root, 0, w);
  std::string out = "fails";
  for (std::size_t i = 0; i < w.size(); ++i) out += (i ? ", " : " for ") + w[i];
  return out;
}

bool SmtProperty::holds_by_z3(const State& s) const { return cow::holds_by_z3(impl_->front, impl_->env, s); }

std::string SmtProperty::certify(const State& s) const { return certify_violation(impl_->front, impl_->env, s); }

}  // namespace cow
