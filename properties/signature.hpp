// The signature properties are written over (docs/writing-a-property.md): finite sorts and
// the functions that read a state. Declared once here; `cowcheck list signature` prints
// it, the SMT-LIB front end (properties/front_end.cpp) declares it to Z3 and compiles
// property files against it.
//
// Every finite sort has a "nil" element last (no_mm, no_frame, no_pin, no_thread,
// initial) so that every function is total: pte_frame of a missing PTE is no_frame,
// the writer of the initial contents is no_thread.
#pragma once
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario.hpp"

namespace cow {

enum class Sort : std::uint8_t { Bool, Int, Mm, Vpage, Frame, Pin, Thread, Value };
inline constexpr Sort kFiniteSorts[] = {Sort::Mm, Sort::Vpage, Sort::Frame, Sort::Pin, Sort::Thread, Sort::Value};
const char* sort_name(Sort s);

// What a function may read besides the state, and a per-state scratch for derived
// tables (the rmap counts of every frame, computed in one pass over the page tables).
// Whoever evaluates functions on a new state bumps `epoch` first.
struct SigEnv {
  const Scenario& sc;
  bool design_has_anon_exclusive = false;
  std::uint32_t epoch = 0;
  struct Derived {
    std::uint32_t epoch = 0xFFFFFFFFu;
    std::uint8_t mapped[kMaxFrames + 1] = {};
    std::uint8_t pinned[kMaxFrames + 1] = {};
  };
  mutable Derived derived;
};

// The elements of a finite sort in a scenario, as SMT-LIB symbols ("mm:parent",
// "frame#3", "no_frame", "val:R0:dma@0"...). The nil element is last, except for Vpage,
// which has none.
std::vector<std::string> sort_elements(const Scenario& sc, Sort s);
// Index of the nil element of a sort (or -1 for Vpage).
long nil_of(const Scenario& sc, Sort s);
// How many elements a sort has in a scenario: those of sort_elements (Bool: 2; Int: 0,
// not finite).
long sort_size(const Scenario& sc, Sort s);

using SigEval = long (*)(const SigEnv&, const State&, const long* args);

struct SigFunction {
  std::string_view name;
  std::vector<Sort> args;
  Sort result;
  std::string_view meaning;
  SigEval eval;  // arguments and finite results are element indices; Bool is 0/1
  bool is_static = false;  // reads only the scenario and the design, never the state
};

const std::vector<SigFunction>& signature();
const SigFunction* find_function(std::string_view name);

// Facts true in every state, for Z3's checks at load ("(>= (refcount f) 0)"...).
const char* signature_axioms();

}  // namespace cow
