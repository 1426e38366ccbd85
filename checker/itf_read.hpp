// Reading back an ITF counterexample (checker/itf.hpp) for `cowcheck replay`: the trace's
// #meta and its states' `thread` and `label` give what replay re-executes; each state
// the re-execution reaches must equal the one the file recorded, var for var.
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "checker/json_positions.hpp"
#include "model/scenario.hpp"

namespace cow {

// An ITF trace: an object with `#meta` and `states` (ADR-015).
bool is_itf(const nlohmann::json& j);

class ItfRecorded {
 public:
  // `itf` sits at JSON pointer `base` of the file `path`. Throws InputError if it is not
  // a cowcheck ITF trace (no #meta object, `vars` not cowcheck's, no states).
  ItfRecorded(const nlohmann::json& itf, const std::string& path, const JsonPositions& pos, std::string base);

  // The trace in replay's own form: file, params, design, tlb, arch, memory_model,
  // property (property_file) from #meta, and one step {thread, label} per state after
  // the first.
  const nlohmann::json& as_trace() const { return trace_; }

  // Where a field of as_trace() sits in the ITF trace ("/design" -> "/#meta/design",
  // "/steps/2/label" -> "/states/3/label"), for replay's positioned errors.
  static std::string pointer(const std::string& trace_pointer);

  // Throws InputError, naming the state index and the var, if the recorded state `index`
  // differs from `s` reached by the step (`thread`, `label`; "" for the initial state).
  void check(const Scenario& sc, const State& s, std::size_t index, const std::string& thread,
             const std::string& label) const;

 private:
  [[noreturn]] void fail(const std::string& pointer, const std::string& msg) const;
  void read_meta();
  void read_states();

  const nlohmann::json& itf_;
  const std::string& path_;
  const JsonPositions& pos_;
  std::string base_;
  nlohmann::json trace_;
};

}  // namespace cow
