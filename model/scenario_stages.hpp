// The scenario loader's stages and what passes between them. load_scenario
// (model/scenario_load.cpp) runs them in this order:
//   1. parse     (model/scenario_parse.cpp): TOML -> the Scenario's static description
//                (parameters, matrix, properties, processes and VMAs, threads and ops,
//                pins, written values), calling the validation checks as it goes;
//   2. validate  (model/scenario_validate.cpp): every check on what the description
//                means rather than how it is written; the checks that need the whole
//                description run here, after parsing;
//   3. derive    (model/scenario_derive.cpp): the fields computed from the description
//                (expected values, final_expect, thread classes, has_swap/file/ksm);
//   4. initial   (model/scenario_initial.cpp): Scenario::initial, the state before any step.
// Every stage reports bad input as an InputError with file, line and column.
#pragma once
#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "model/expr.hpp"
#include "model/input_error.hpp"
#include "model/scenario.hpp"

namespace cow {

[[noreturn]] inline void fail_at(const ExprPos& at, const std::string& msg) {
  throw InputError(at.file, at.line, at.column, msg);
}

// One entry of a [[process]]'s `vma` array.
struct VmaDecl {
  unsigned mm;
  Vma vma;
  bool populated;
  bool holes;  // a file VMA over a sparse file: no block is allocated behind its pages
  ExprPos where;
};

// A [[thread]] loop declared `symmetric = true`: it made threads [first, end).
struct SymmetricLoop {
  std::size_t first, end;
  ExprPos where;
};

// What parsing produces: the Scenario's static description, and what the later stages
// need that a Scenario does not keep.
struct ParsedScenario {
  Scenario sc;
  std::vector<VmaDecl> vmas;
  std::vector<SymmetricLoop> symmetric;
  u8 free_blocks = 0;  // [filesystem] free_blocks
};

// 1. Parsing. Applies `overrides` (--param) to the declared parameters.
ParsedScenario parse_scenario(const std::string& file, const std::map<std::string, long>& overrides);

// 2. Validation: the meaning of the description. Each check throws an InputError at `at`
// (or at the scenario file); `params` are the scenario's parameters, which bound errors
// quote ("(with K = 2)").
namespace validate {

// Parameters and matrix.
void overrides_declared(const std::string& file, const Env& declared, const std::map<std::string, long>& overrides);
void param_values(const std::string& file, const Env& params);
// One value of [params] (at its position), one of --param.
void param_value(const std::string& key, std::int64_t value, const ExprPos& at);
void override_value(const std::string& file, const std::string& key, long value);
void matrix_key(const Env& params, const std::string& key, const ExprPos& at);
void matrix_value(const std::string& key, long value, const ExprPos& at);
// A `for` loop: no longer than any bound could use.
void loop_size(const Loop& loop, const Env& params, const ExprPos& at);
void free_blocks(long blocks, const Env& params, const ExprPos& at);

// Processes and their VMAs.
void process_count(const Scenario& sc, const ExprPos& at);
void process_name(const Scenario& sc, const std::string& name, const ExprPos& at);
unsigned process_named(const Scenario& sc, const std::string& name, const ExprPos& at);  // its index
void vma_count(unsigned count, const std::string& process, const ExprPos& at);
void vma_range(long start, long pages, const Env& params, const ExprPos& at);
void blocks_on_file(u8 vma_flags, const ExprPos& at);
void vma_overlap(const std::vector<VmaDecl>& vmas, unsigned mm, long start, long pages, const ExprPos& at);

// Threads and their ops.
void thread_count(const Scenario& sc, const Env& params, const ExprPos& at);
void thread_name(const Scenario& sc, const std::string& name, const ExprPos& at);
void device_or_process(bool device, bool names_process, const ExprPos& at);  // not both
void op_count(const ThreadDef& td, const ExprPos& at);
void op_in_process(const ThreadDef& td, OpKind kind, const ExprPos& at);
void page(long page, const Env& params, const ExprPos& at);
void half(long half, const ExprPos& at);
void fork_child(const ParsedScenario& p, unsigned parent, unsigned child, const ExprPos& at);
void wait_target(unsigned mm, unsigned target, const ExprPos& at);
void ksm_merge(long merge, u8 page, const ExprPos& at);
void write_count(const Scenario& sc, const ExprPos& at);
void new_pin(const Scenario& sc, const std::string& name, const Env& params, const ExprPos& at);
u8 pin_named(const Scenario& sc, const std::string& name, const ExprPos& at);  // its slot

// The checks on the whole description, once parsed: symmetric loops, wait and exit, and
// the frames the initial state needs.
void whole(const ParsedScenario& p);

// " (with K = 2, pin = 0)", or "" for a scenario without parameters.
std::string params_note(const Env& params);

}  // namespace validate

// 3. Derivation.
void derive(ParsedScenario& p);

// 4. The initial state (Scenario::initial). Validation has checked that it fits.
void build_initial_state(ParsedScenario& p);

}  // namespace cow
