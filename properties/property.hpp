// Properties checked on every explored state. These are the C++ forms; the SMT-LIB
// files of properties/*.smt2 replace them in a later version (docs/writing-a-property.md).
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "model/scenario.hpp"
#include "properties/reads.hpp"

namespace cow {

class Property {
 public:
  virtual ~Property() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;  // what it means, in kernel terms
  // The failing instance, in words, or nullopt when the property holds in `s`.
  // `final` is true when every thread has finished.
  virtual std::optional<std::string> check(const Scenario& sc, const State& s, bool final) const = 0;
  // no-deadlock is a property of the state graph, checked by the explorer itself.
  virtual bool is_deadlock() const { return false; }
  // Its conjuncts and what each reads, for partial-order reduction (checker/por.cpp).
  // By default one conjunct that reads everything: every step is visible to it.
  virtual std::vector<ConjunctReads> reads() const { return {ConjunctReads::everything()}; }
  // Incremental checking (checker/explorer.cpp): when the property comes as conjuncts,
  // one per entry of reads() in the same order, each can be evaluated on its own, and a
  // state need only re-evaluate those whose reads its step changed. 0: not split.
  virtual std::size_t conjunct_count() const { return 0; }
  // Whether the conjuncts ids[0..n) all hold in s.
  virtual bool conjuncts_hold(const State&, const std::uint32_t* /*ids*/, std::size_t /*n*/) const { return true; }
};

const std::vector<const Property*>& builtin_properties();
const Property* find_property(std::string_view name);

}  // namespace cow
