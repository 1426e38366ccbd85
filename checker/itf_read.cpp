#include "checker/itf_read.hpp"

#include <charconv>
#include <fmt/format.h>

#include "checker/itf.hpp"
#include "model/input_error.hpp"

namespace cow {

using nlohmann::json;

namespace {
// The value at `pointer` in j, or null when there is none.
json value_at(const json& j, const std::string& pointer) {
  if (pointer.empty()) return j;
  try {
    const json::json_pointer p(pointer);
    return j.contains(p) ? j[p] : json();
  } catch (const json::exception&) {
    return json();
  }
}
}  // namespace

bool is_itf(const json& j) { return j.is_object() && j.contains("#meta") && j.contains("states"); }

ItfRecorded::ItfRecorded(const json& itf, const std::string& path, const JsonPositions& pos, std::string base)
    : itf_(itf), path_(path), pos_(pos), base_(std::move(base)), trace_(json::object()) {
  read_meta();
  read_states();
}

void ItfRecorded::fail(const std::string& pointer, const std::string& msg) const {
  auto [line, col] = pos_.at(base_ + pointer);
  throw InputError(path_, line, col, msg);
}

std::string ItfRecorded::pointer(const std::string& p) {
  if (p.rfind("/steps/", 0) == 0) {
    const std::size_t end = p.find('/', 7);
    const std::string n = p.substr(7, end == std::string::npos ? std::string::npos : end - 7);
    const std::string rest = end == std::string::npos ? "" : p.substr(end);
    return "/states/" + std::to_string(std::stoul(n) + 1) + rest;  // state 0 is the initial state
  }
  if (p == "/steps") return "/states";
  if (p == "/file" || p.rfind("/file/", 0) == 0) return "/#meta/source";
  return "/#meta" + p;
}

// #meta: what the trace was found under. `source` is the scenario file; an integer param
// may be a {"#bigint": ...} (ADR-015), read back as a number for replay to range-check.
void ItfRecorded::read_meta() {
  const json& meta = itf_["#meta"];
  if (!meta.is_object()) fail("/#meta", "an ITF trace's '#meta' must be an object");
  if (!meta.contains("format") || meta["format"] != "ITF") fail("/#meta/format", "an ITF trace's #meta needs \"format\": \"ITF\"");
  if (!meta.contains("source") || !meta["source"].is_string())
    fail("/#meta/source", "a cowcheck ITF trace's #meta needs a string 'source' (the scenario file)");
  trace_["file"] = meta["source"];
  for (const char* key : {"design", "property", "property_file", "tlb", "arch", "memory_model"})
    if (meta.contains(key)) trace_[key] = meta[key];
  if (meta.contains("params")) {
    json params = meta["params"];
    if (params.is_object())
      for (auto& [k, v] : params.items())
        if (v.is_object() && v.size() == 1 && v.contains("#bigint") && v["#bigint"].is_string()) {
          const std::string digits = v["#bigint"].get<std::string>();
          long long n = 0;
          auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), n);
          if (ec != std::errc() || end != digits.data() + digits.size())
            fail("/#meta/params/" + json_pointer_token(k), "parameter '" + k + "': a #bigint of more than 64 bits, or not one");
          v = n;
        }
    trace_["params"] = params;
  }
}

// `vars` must be cowcheck's; states[0] is the initial state, states[i] the one step i led to.
void ItfRecorded::read_states() {
  if (!itf_.contains("vars") || itf_["vars"] != json(itf_vars()))
    fail("/vars", fmt::format("a cowcheck ITF trace's 'vars' must be {}", json(itf_vars()).dump()));
  const json& states = itf_["states"];
  if (!states.is_array() || states.empty())
    fail("/states", "an ITF trace's 'states' must be an array that starts with the initial state");
  json steps = json::array();
  for (std::size_t i = 0; i < states.size(); ++i) {
    const json& st = states[i];
    if (!st.is_object()) fail(fmt::format("/states/{}", i), fmt::format("state {} must be an object of vars", i));
    if (i == 0) continue;
    json step = json::object();
    for (const char* key : {"thread", "label"})
      if (st.contains(key)) step[key] = st[key];
    steps.push_back(step);
  }
  trace_["steps"] = steps;
}

void ItfRecorded::check(const Scenario& sc, const State& s, std::size_t index, const std::string& thread,
                        const std::string& label) const {
  const json& st = itf_["states"][index];
  const std::string at = fmt::format("/states/{}", index);
  if (st.contains("#meta")) {
    const json& m = st["#meta"];
    if (!m.is_object() || (m.contains("index") && m["index"] != json(index)))
      fail(at + "/#meta", fmt::format("state {}: its #meta must be an object with \"index\": {}", index, index));
  }
  const json expected = itf_state_vars(sc, s, thread, label);
  for (const auto& [var, value] : st.items())
    if (var != "#meta" && !expected.contains(var))
      fail(at + "/" + json_pointer_token(var), fmt::format("state {}: '{}' is not one of the trace's vars", index, var));
  for (const auto& [var, want] : expected.items()) {
    if (!st.contains(var)) fail(at, fmt::format("state {} has no var '{}'", index, var));
    const json& got = st[var];
    if (got == want) continue;
    // The first place they differ, as a JSON pointer into the var (JSON Patch's path).
    const json patch = json::diff(got, want);
    const std::string where = patch.empty() ? "" : patch[0]["path"].get<std::string>();
    const json there = value_at(got, where), should = value_at(want, where);
    fail(at + "/" + json_pointer_token(var) + where,
         fmt::format("state {}: var '{}' differs from the state the replay reaches{}: the trace has {}, re-executing "
                     "gives {}",
                     index, var, where.empty() ? "" : " at " + where, there.is_null() ? "nothing" : there.dump(),
                     should.is_null() ? "nothing" : should.dump()));
  }
}

}  // namespace cow
