#include "properties/program.hpp"

#include <map>

#include "model/invariant.hpp"

namespace cow {

// Lowers the grounded DAG: branch() emits "jump to T when the node's value is `when`,
// else fall through"; value() leaves a term's value in a register.
class ProgramCompiler {
 public:
  ProgramCompiler(const Ground& g, int root) : g_(g), root_(root) {}

  Program compile() {
    Label fail;
    branch(root_, false, fail);
    emit(Program::Ins{Program::Op::Ret, 0, 0, 0, 0, 0, 1, 0, nullptr, {}});
    bind(fail);
    emit(Program::Ins{Program::Op::Ret, 0, 0, 0, 0, 0, 0, 0, nullptr, {}});
    return std::move(p_);
  }

 private:
  using Op = Program::Op;
  using Ins = Program::Ins;
  struct Label {
    std::vector<std::uint32_t> sites;
    long pos = -1;
  };
  // Function applications computed on every path to the current point, and where.
  using Avail = std::map<int, std::uint32_t>;

  const Ground& g_;
  int root_;
  Program p_;
  Avail avail_;

  std::uint32_t reg() { return p_.nregs_++; }
  std::uint32_t here() const { return static_cast<std::uint32_t>(p_.code_.size()); }
  std::uint32_t emit(const Ins& i) {
    p_.code_.push_back(i);
    return here() - 1;
  }
  Ins make(Op op, std::uint32_t dst = 0, std::uint32_t a = 0, std::uint32_t b = 0, long imm = 0) {
    Ins i;
    i.op = op;
    i.dst = dst;
    i.a = a;
    i.b = b;
    i.imm = imm;
    return i;
  }
  void jump(Ins i, Label& l) {
    std::uint32_t at = fuse(i) ? here() - 1 : emit(i);
    if (l.pos >= 0) p_.code_[at].target = static_cast<std::uint32_t>(l.pos);
    else l.sites.push_back(at);
  }
  // Peephole: a compare-and-jump right after the CallC that computed its last operand
  // becomes one instruction (the call still writes its register, for later reuse).
  // Not across a label: the call must be on every path to the jump.
  bool fuse(const Ins& j) {
    if (p_.code_.empty() || here() == bound_at_) return false;
    Ins& c = p_.code_.back();
    if (c.op != Op::CallC) return false;
    int rel = static_cast<int>(j.op);
    if (rel >= static_cast<int>(Op::JEqI) && rel <= static_cast<int>(Op::JGeI) && j.a == c.dst) {
      c.op = static_cast<Op>(rel - static_cast<int>(Op::JEqI) + static_cast<int>(Op::CJEqI));
      c.imm = j.imm;
      return true;
    }
    if (rel >= static_cast<int>(Op::JEq) && rel <= static_cast<int>(Op::JGe) && j.b == c.dst && j.a != c.dst) {
      c.op = static_cast<Op>(rel - static_cast<int>(Op::JEq) + static_cast<int>(Op::CJEq));
      c.a = j.a;
      return true;
    }
    return false;
  }
  std::uint32_t bound_at_ = 0xFFFFFFFFu;

  void bind(Label& l) {
    bound_at_ = here();
    l.pos = here();
    for (std::uint32_t s : l.sites) p_.code_[s].target = here();
  }

  const GNode& node(int i) const { return g_.at(i); }
  bool is_const(int i) const { return node(i).k == K::Const; }

  std::uint32_t value(int i) {
    const GNode& n = node(i);
    const int* k = g_.kids_of(i);
    switch (n.k) {
      case K::Const: {
        std::uint32_t r = reg();
        emit(make(Op::LoadI, r, 0, 0, n.v));
        return r;
      }
      case K::App: {
        if (auto it = avail_.find(i); it != avail_.end()) return it->second;
        Ins c = make(n.baked ? Op::CallC : Op::Call);
        c.fn = n.fn;
        c.nargs = static_cast<std::uint8_t>(n.nkids);
        for (unsigned j = 0; j < n.nkids; ++j) {
          if (is_const(k[j])) {
            c.args[j] = node(k[j]).v;
          } else {
            c.args[j] = value(k[j]);
            c.regmask |= static_cast<std::uint8_t>(1u << j);
          }
        }
        c.dst = reg();
        emit(c);
        avail_.emplace(i, c.dst);
        return c.dst;
      }
      case K::Add:
      case K::Sub:
      case K::Mul: {
        Op op = n.k == K::Add ? Op::Add : n.k == K::Sub ? Op::Sub : Op::Mul;
        std::uint32_t r = reg();
        std::uint32_t first = value(k[0]);
        if (n.nkids == 1) return first;
        emit(make(op, r, first, value(k[1])));
        for (unsigned j = 2; j < n.nkids; ++j) emit(make(op, r, r, value(k[j])));
        return r;
      }
      case K::Neg: {
        std::uint32_t r = reg();
        emit(make(Op::Neg, r, value(k[0])));
        return r;
      }
      case K::Distinct: {
        INVARIANT(n.nkids <= 4, "distinct of more than 4 terms");
        Ins d = make(Op::Distinct, reg());
        d.nargs = static_cast<std::uint8_t>(n.nkids);
        for (unsigned j = 0; j < n.nkids; ++j) d.args[j] = value(k[j]);
        emit(d);
        return d.dst;
      }
      case K::Ite: {
        std::uint32_t r = reg();
        Label els, end;
        branch(k[0], false, els);
        Avail snap = avail_;
        emit(make(Op::Move, r, value(k[1])));
        jump(make(Op::Jmp), end);
        bind(els);
        avail_ = snap;
        emit(make(Op::Move, r, value(k[2])));
        bind(end);
        avail_ = std::move(snap);
        return r;
      }
      case K::And: case K::Or: case K::Not: case K::Implies: case K::Eq:
      case K::Le: case K::Lt: case K::Ge: case K::Gt: {
        // A boolean used as a value: 0, then 1 unless it is false.
        std::uint32_t r = reg();
        emit(make(Op::LoadI, r, 0, 0, 0));
        Label end;
        Avail snap = avail_;
        branch(i, false, end);
        emit(make(Op::LoadI, r, 0, 0, 1));
        bind(end);
        avail_ = std::move(snap);
        return r;
      }
      case K::Var: case K::Forall: case K::Exists:
        break;
    }
    UNREACHABLE("a quantifier or variable left in a grounded formula");
  }

  static Op negate(Op op) {
    switch (op) {
      case Op::JEq: return Op::JNe;
      case Op::JNe: return Op::JEq;
      case Op::JLt: return Op::JGe;
      case Op::JLe: return Op::JGt;
      case Op::JGt: return Op::JLe;
      case Op::JGe: return Op::JLt;
      default: UNREACHABLE("not a relation");
    }
  }
  static Op mirror(Op op) {  // a REL b  ==  b MIRROR(REL) a
    switch (op) {
      case Op::JEq: return Op::JEq;
      case Op::JNe: return Op::JNe;
      case Op::JLt: return Op::JGt;
      case Op::JLe: return Op::JGe;
      case Op::JGt: return Op::JLt;
      case Op::JGe: return Op::JLe;
      default: UNREACHABLE("not a relation");
    }
  }
  static Op with_imm(Op op) {
    return static_cast<Op>(static_cast<int>(op) - static_cast<int>(Op::JEq) + static_cast<int>(Op::JEqI));
  }

  // Jump to T when (a REL b) holds.
  void compare(Op rel, int a, int b, Label& T) {
    if (is_const(b)) return jump(make(with_imm(rel), 0, value(a), 0, node(b).v), T);
    if (is_const(a)) return jump(make(with_imm(mirror(rel)), 0, value(b), 0, node(a).v), T);
    std::uint32_t ra = value(a);
    jump(make(rel, 0, ra, value(b)), T);
  }

  void branch(int i, bool when, Label& T) {
    const GNode& n = node(i);
    const int* k = g_.kids_of(i);
    switch (n.k) {
      case K::Const:
        if ((n.v != 0) == when) jump(make(Op::Jmp), T);
        return;
      case K::Not:
        return branch(k[0], !when, T);
      case K::And:
      case K::Or: {
        // All kids must be `keep` to fall through; the first that is not decides.
        const bool keep = n.k == K::And;
        if (when != keep) {  // jump out on the first deciding kid
          for (unsigned j = 0; j < n.nkids; ++j) branch(k[j], when, T);
          return;
        }
        Label skip;
        Avail snap = avail_;
        for (unsigned j = 0; j + 1 < n.nkids; ++j) branch(k[j], !keep, skip);
        branch(k[n.nkids - 1], when, T);
        bind(skip);
        avail_ = std::move(snap);
        return;
      }
      case K::Implies: {  // !a || b
        if (when) {
          branch(k[0], false, T);
          branch(k[1], true, T);
          return;
        }
        Label skip;
        Avail snap = avail_;
        branch(k[0], false, skip);
        branch(k[1], false, T);
        bind(skip);
        avail_ = std::move(snap);
        return;
      }
      case K::Ite: {
        Label els, end;
        branch(k[0], false, els);
        Avail snap = avail_;
        branch(k[1], when, T);
        jump(make(Op::Jmp), end);
        bind(els);
        avail_ = snap;
        branch(k[2], when, T);
        bind(end);
        avail_ = std::move(snap);
        return;
      }
      case K::Eq: {
        if (n.nkids == 2) return compare(when ? Op::JEq : Op::JNe, k[0], k[1], T);
        // a = b = c: every kid equals the first
        if (!when) {
          for (unsigned j = 1; j < n.nkids; ++j) compare(Op::JNe, k[0], k[j], T);
          return;
        }
        Label skip;
        Avail snap = avail_;
        for (unsigned j = 1; j + 1 < n.nkids; ++j) compare(Op::JNe, k[0], k[j], skip);
        compare(Op::JEq, k[0], k[n.nkids - 1], T);
        bind(skip);
        avail_ = std::move(snap);
        return;
      }
      case K::Le: return compare(when ? Op::JLe : negate(Op::JLe), k[0], k[1], T);
      case K::Lt: return compare(when ? Op::JLt : negate(Op::JLt), k[0], k[1], T);
      case K::Ge: return compare(when ? Op::JGe : negate(Op::JGe), k[0], k[1], T);
      case K::Gt: return compare(when ? Op::JGt : negate(Op::JGt), k[0], k[1], T);
      case K::App: case K::Distinct: case K::Add: case K::Sub: case K::Mul: case K::Neg: {
        std::uint32_t r = value(i);
        jump(make(when ? Op::JNeI : Op::JEqI, 0, r, 0, 0), T);
        return;
      }
      case K::Var: case K::Forall: case K::Exists:
        break;
    }
    UNREACHABLE("a quantifier or variable left in a grounded formula");
  }
};

Program Program::compile(const Ground& g) { return ProgramCompiler(g, g.root).compile(); }
Program Program::compile(const Ground& g, int root) { return ProgramCompiler(g, root).compile(); }

// Labels as values are a GNU extension (GCC and Clang both have it).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpedantic"
bool Program::run(const SigEnv& base, const State& s) const {
  const SigEnv env{base.sc, base.design_has_anon_exclusive, 0, {}};  // derived tables: fresh for s
  return run_in(env, s);
}

bool Program::run_in(const SigEnv& env, const State& s) const {
  thread_local std::vector<long> registers;
  if (registers.size() < nregs_) registers.resize(nregs_);
  // Direct-threaded dispatch (GCC's labels as values): one indirect jump per
  // instruction, to a table indexed by the opcode.
  static const void* const labels[] = {
      &&LoadI, &&CallC, &&Call, &&Move, &&Add, &&Sub, &&Mul, &&Neg, &&Distinct,
      &&JEq, &&JNe, &&JLt, &&JLe, &&JGt, &&JGe,
      &&JEqI, &&JNeI, &&JLtI, &&JLeI, &&JGtI, &&JGeI,
      &&CJEqI, &&CJNeI, &&CJLtI, &&CJLeI, &&CJGtI, &&CJGeI,
      &&CJEq, &&CJNe, &&CJLt, &&CJLe, &&CJGt, &&CJGe,
      &&Jmp, &&Ret,
  };
  static_assert(sizeof(labels) / sizeof(labels[0]) == static_cast<std::size_t>(Op::Ret) + 1);
  long* r = registers.data();
  const Ins* code = code_.data();
  const Ins* i = code;
#define NEXT goto* labels[static_cast<std::size_t>((++i)->op)]
#define JUMP_IF(c) \
  if (c) {         \
    i = code + i->target; \
    goto* labels[static_cast<std::size_t>(i->op)]; \
  }                \
  NEXT
  goto* labels[static_cast<std::size_t>(i->op)];
LoadI: r[i->dst] = i->imm; NEXT;
CallC: r[i->dst] = i->fn(env, s, i->args); NEXT;
Call: {
  long a[4];
  for (unsigned j = 0; j < i->nargs; ++j) a[j] = (i->regmask >> j) & 1 ? r[i->args[j]] : i->args[j];
  r[i->dst] = i->fn(env, s, a);
  NEXT;
}
Move: r[i->dst] = r[i->a]; NEXT;
Add: r[i->dst] = r[i->a] + r[i->b]; NEXT;
Sub: r[i->dst] = r[i->a] - r[i->b]; NEXT;
Mul: r[i->dst] = r[i->a] * r[i->b]; NEXT;
Neg: r[i->dst] = -r[i->a]; NEXT;
Distinct: {
  long v = 1;
  for (unsigned j = 0; j < i->nargs; ++j)
    for (unsigned q = 0; q < j; ++q) v &= r[i->args[j]] != r[i->args[q]];
  r[i->dst] = v;
  NEXT;
}
JEq: JUMP_IF(r[i->a] == r[i->b]);
JNe: JUMP_IF(r[i->a] != r[i->b]);
JLt: JUMP_IF(r[i->a] < r[i->b]);
JLe: JUMP_IF(r[i->a] <= r[i->b]);
JGt: JUMP_IF(r[i->a] > r[i->b]);
JGe: JUMP_IF(r[i->a] >= r[i->b]);
JEqI: JUMP_IF(r[i->a] == i->imm);
JNeI: JUMP_IF(r[i->a] != i->imm);
JLtI: JUMP_IF(r[i->a] < i->imm);
JLeI: JUMP_IF(r[i->a] <= i->imm);
JGtI: JUMP_IF(r[i->a] > i->imm);
JGeI: JUMP_IF(r[i->a] >= i->imm);
CJEqI: JUMP_IF((r[i->dst] = i->fn(env, s, i->args)) == i->imm);
CJNeI: JUMP_IF((r[i->dst] = i->fn(env, s, i->args)) != i->imm);
CJLtI: JUMP_IF((r[i->dst] = i->fn(env, s, i->args)) < i->imm);
CJLeI: JUMP_IF((r[i->dst] = i->fn(env, s, i->args)) <= i->imm);
CJGtI: JUMP_IF((r[i->dst] = i->fn(env, s, i->args)) > i->imm);
CJGeI: JUMP_IF((r[i->dst] = i->fn(env, s, i->args)) >= i->imm);
CJEq: JUMP_IF(r[i->a] == (r[i->dst] = i->fn(env, s, i->args)));
CJNe: JUMP_IF(r[i->a] != (r[i->dst] = i->fn(env, s, i->args)));
CJLt: JUMP_IF(r[i->a] < (r[i->dst] = i->fn(env, s, i->args)));
CJLe: JUMP_IF(r[i->a] <= (r[i->dst] = i->fn(env, s, i->args)));
CJGt: JUMP_IF(r[i->a] > (r[i->dst] = i->fn(env, s, i->args)));
CJGe: JUMP_IF(r[i->a] >= (r[i->dst] = i->fn(env, s, i->args)));
Jmp: i = code + i->target; goto* labels[static_cast<std::size_t>(i->op)];
Ret: return i->imm != 0;
#undef NEXT
#undef JUMP_IF
}
#pragma GCC diagnostic pop

}  // namespace cow
