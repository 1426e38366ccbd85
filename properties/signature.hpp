// The signature properties are written over (DESIGN.md "Properties"): finite sorts and
// the functions that read a state. Declared once here; `cowcheck list signature` prints
// it. The SMT-LIB engine (properties/*.smt2) is built on this table.
#pragma once
#include <cstdint>
#include <functional>
#include <string_view>
#include <vector>

#include "model/scenario.hpp"

namespace cow {

enum class Sort : std::uint8_t { Bool, Int, Mm, Vpage, Frame, Pin, Thread };
const char* sort_name(Sort s);
// How many elements a finite sort has in a scenario (Int and Bool: not finite here).
unsigned sort_size(const Scenario& sc, Sort s);

struct SigFunction {
  std::string_view name;
  std::vector<Sort> args;
  Sort result;
  std::string_view meaning;
  // Reads the value in a state; arguments are indices into their sorts. Bool results are
  // 0/1; a Frame result is -1 where there is no frame (meaningful only where a
  // companion predicate such as pte_present holds).
  std::function<long(const Scenario&, const State&, const std::vector<long>&)> eval;
};

const std::vector<SigFunction>& signature();
const SigFunction* find_function(std::string_view name);

}  // namespace cow
