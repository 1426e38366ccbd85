// Apalache's Informal Trace Format (ITF, ADR-015:
// https://apalache-mc.org/docs/adr/015adr-trace.html) for counterexamples: `check
// --format itf` writes every state of each counterexample, in the kernel's terms (per mm
// its VMAs, PTEs and locks; per frame its struct page counts and flags; per thread where
// it is), for tools that read ITF (Apalache's and Quint's trace viewers, itf-rs).
// `replay` reads it back (checker/itf_read.hpp).
#pragma once
#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "checker/run.hpp"

namespace cow {

inline constexpr const char* kItfFormatDescription = "https://apalache-mc.org/docs/adr/015adr-trace.html";

// An integer as ADR-015 writes it: a JSON number when |n| < 2^53, else {"#bigint": "n"}.
nlohmann::json itf_int(long long n);

// The state variables every cowcheck ITF trace has, in the order `vars` lists them.
const std::vector<std::string>& itf_vars();

// The vars of one state (no `#meta`): `thread` and `label` name the step that led to it
// ("" for the initial state).
nlohmann::json itf_state_vars(const Scenario& sc, const State& s, const std::string& thread, const std::string& label);

// The counterexample of violated outcome i as one ITF trace: the initial state, then the
// state after each step, each re-executed from the initial state.
nlohmann::json itf_trace(const CheckRun& run, std::size_t outcome);

// `check --format itf`: the counterexample of every violated property, those that
// --trace-out writes, in the same order: one ITF object when one property is violated, an
// array of them when several are (or none: an empty array).
nlohmann::json itf_report(const CheckRun& run);

}  // namespace cow
