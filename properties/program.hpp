// A grounded property compiled to a straight-line program whose boolean structure is
// control flow (compare-and-branch), the way a compiler lowers && and ||: what runs on
// every explored state. Function applications computed on every path to a point are
// kept in registers and reused there (common sub-expressions).
#pragma once
#include <vector>

#include "properties/ground.hpp"

namespace cow {

class Program {
 public:
  static Program compile(const Ground& g);
  static Program compile(const Ground& g, int root);  // the sub-formula at `root` only
  // True when the property holds in s. Safe to call from several threads at once: the
  // registers and the per-state derived tables are the calling thread's own.
  bool run(const SigEnv& env, const State& s) const;
  // The same with the caller's env, whose derived tables (if computed) are those of s:
  // several programs run on one state share them.
  bool run_in(const SigEnv& env, const State& s) const;
  std::size_t size() const { return code_.size(); }

  enum class Op : std::uint8_t {
    LoadI, CallC, Call, Move, Add, Sub, Mul, Neg, Distinct,  // values
    JEq, JNe, JLt, JLe, JGt, JGe,                            // jump if r[a] REL r[b]
    JEqI, JNeI, JLtI, JLeI, JGtI, JGeI,                      // jump if r[a] REL imm
    // fused: r[dst] = fn(constant args), then jump if r[dst] REL imm / r[a] REL r[dst]
    CJEqI, CJNeI, CJLtI, CJLeI, CJGtI, CJGeI,
    CJEq, CJNe, CJLt, CJLe, CJGt, CJGe,
    Jmp, Ret,
  };
  struct Ins {
    Op op{};
    std::uint8_t nargs = 0;
    std::uint8_t regmask = 0;  // Call: bit j set when argument j is a register
    std::uint32_t dst = 0, a = 0, b = 0;
    long imm = 0;              // LoadI / J*I: the constant; Ret: the result
    std::uint32_t target = 0;  // jumps
    SigEval fn = nullptr;
    long args[4] = {0, 0, 0, 0};
  };

 private:
  friend class ProgramCompiler;
  std::vector<Ins> code_;
  std::uint32_t nregs_ = 0;
};

}  // namespace cow
