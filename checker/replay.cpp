#include "model/cpu_options.hpp"
#include "checker/replay.hpp"

#include <climits>
#include <cstdint>
#include <filesystem>
#include <tuple>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "checker/itf_read.hpp"
#include "checker/json_positions.hpp"
#include "checker/trace.hpp"
#include "model/input_error.hpp"
#include "model/input_file.hpp"
#include "model/text_position.hpp"
#include "model/paths.hpp"
#include "model/threads.hpp"
#include "model/scenario_load.hpp"
#include "properties/resolve.hpp"
#include "properties/smt_property.hpp"
#include "model/design_registry.hpp"

namespace cow {

namespace {

// One trace of the file: its JSON, where it sits in the file (a JSON pointer), and the
// file's positions, so that every error names the line and column of the field at fault.
struct TraceIn {
  const nlohmann::json& t;
  const std::string& path;
  const JsonPositions& pos;
  std::string base;  // "", "/2" or "/properties/0/trace"
  const ItfRecorded* itf = nullptr;  // an ITF trace: `t` is its as_trace(), its states are checked

  [[noreturn]] void fail(const std::string& pointer, const std::string& msg) const {
    auto [line, col] = pos.at(base + (itf ? ItfRecorded::pointer(pointer) : pointer));
    throw InputError(path, line, col, msg);
  }
  std::string field(const nlohmann::json& j, const std::string& at, const char* key) const {
    if (!j.contains(key) || !j[key].is_string()) fail(at + "/" + key, fmt::format("a trace needs a string '{}'", key));
    return j[key].get<std::string>();
  }
};

// A path as recorded, relative to the current directory or else to the trace's directory.
std::string locate(const std::string& recorded, const std::string& trace_path) {
  std::error_code ec;
  if (std::filesystem::exists(recorded, ec)) return recorded;
  auto alt = std::filesystem::path(trace_path).parent_path() / recorded;
  return std::filesystem::exists(alt, ec) ? alt.string() : recorded;
}

ReexecutedTrace reexecute_one(const TraceIn& in) {
  const nlohmann::json& t = in.t;
  const std::string& path = in.path;
  const std::string file = locate(in.field(t, "", "file"), path);
  {
    std::error_code ec;
    if (!std::filesystem::exists(file, ec))
      in.fail("/file", "the trace's scenario file '" + file + "' does not exist (as a path from here or from the trace's directory)");
  }
  std::map<std::string, long> params;
  if (t.contains("params")) {
    if (!t["params"].is_object()) in.fail("/params", "'params' must be an object of integers");
    for (const auto& [k, v] : t["params"].items()) {
      if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t{LONG_MAX}))
        in.fail("/params/" + json_pointer_token(k), "parameter '" + k + "' must be an integer (of 64 bits)");
      params[k] = v.get<long>();
    }
  }
  const std::string dname = in.field(t, "", "design");
  const Design* d = find_design(dname);
  if (!d) in.fail("/design", "the trace names an unknown design '" + dname + "'");
  Scenario sc = [&] {
    try {
      return load_scenario(file, params);
    } catch (const ParamOverrideError& e) {  // a bad parameter is the trace's, not the scenario's
      in.fail("/params/" + json_pointer_token(e.key), "parameter '" + e.key + "': " + e.detail);
    }
  }();
  CpuOverrides cpu;  // as the trace was found (absent in traces written before TLBs were modelled)
  if (t.contains("tlb")) {
    if (!t["tlb"].is_boolean()) in.fail("/tlb", "'tlb' must be true or false");
    cpu.tlb = t["tlb"].get<bool>();
  }
  if (t.contains("arch")) {
    if (!t["arch"].is_string()) in.fail("/arch", "'arch' must be \"x86\" or \"rcu\"");
    const std::string a = t["arch"].get<std::string>();
    if (a != "x86" && a != "rcu") in.fail("/arch", "'arch' must be \"x86\" or \"rcu\", got '" + a + "'");
    cpu.arch = a == "x86" ? Arch::X86 : Arch::Rcu;
  }
  if (t.contains("memory_model")) {  // (absent in traces written before weak memory models: sc)
    const auto& m = t["memory_model"];
    if (!m.is_string() || (m != "sc" && m != "tso" && m != "lkmm"))
      in.fail("/memory_model", "'memory_model' must be \"sc\", \"tso\" or \"lkmm\"");
    cpu.memory_model = parse_memory_model_option(m.get<std::string>());
  }
  apply_cpu_overrides(sc, cpu);
  check_arch(sc, *d);
  const std::string pname = in.field(t, "", "property");
  std::optional<std::string> pfile;
  if (t.contains("property_file") && names_property_file(pname)) pfile = locate(in.field(t, "", "property_file"), path);
  PropertyName named{pname, NamedBy::Trace, path, pfile};
  std::tie(named.line, named.col) = in.pos.at(in.base + (t.contains("property_file") ? "/property_file" : "/property"));
  ResolvedProperty resolved = resolve_property(named, sc, d->has_anon_exclusive());
  const Property* prop = resolved.property;
  const std::unique_ptr<SmtProperty>& smt = resolved.smt;
  if (!t.contains("steps") || !t["steps"].is_array()) in.fail("/steps", "a trace needs an array 'steps'");

  State s = initial_state(sc, *d);
  ReexecutedTrace r{{}, d, pname, {s}, {}, {}, false, {}};
  if (in.itf) in.itf->check(sc, s, 0, "", "");
  Expansion ex;
  std::size_t n = 0;
  for (const auto& step : t["steps"]) {
    const std::string at = "/steps/" + std::to_string(n);
    ++n;
    if (!step.is_object()) in.fail(at, fmt::format("step {} must be an object with a 'thread' and a 'label'", n));
    const std::string thread = in.field(step, at, "thread"), label = in.field(step, at, "label");
    successors(sc, *d, s, ex);
    auto it = std::find_if(ex.succ.begin(), ex.succ.end(), [&](const Successor& su) {
      return sc.threads[su.tid].name == thread && su.label == label;
    });
    if (it == ex.succ.end()) {
      std::string can;
      for (const Successor& su : ex.succ) can += fmt::format("\n  {} {}", sc.threads[su.tid].name, su.label);
      in.fail(at, fmt::format("step {} ({} {}) cannot be taken in the state the trace reached; the enabled "
                              "steps are:{}",
                              n, thread, label, can.empty() ? " none" : can));
    }
    r.tids.push_back(it->tid);
    r.labels.push_back(label);
    r.states.push_back(it->next);
    s = it->next;
    if (in.itf) in.itf->check(sc, s, n, thread, label);
  }
  const bool final = all_threads_finished(sc, s);
  bool violated;
  std::string detail;
  if (prop->is_deadlock()) {
    successors(sc, *d, s, ex);
    violated = ex.succ.empty() && !final;
    detail = "no step is enabled and some thread has not finished";
  } else if (auto why = prop->check(sc, s, final)) {
    violated = true;
    detail = *why;
    if (smt) detail += "\n  " + smt->certify(s);
  } else {
    violated = false;
  }
  r.sc = sc;
  r.violated = violated;
  r.detail = detail;
  return r;
}

bool replay_one(const TraceIn& in, std::string& out) {
  const ReexecutedTrace r = reexecute_one(in);
  out += fmt::format("replaying {} on {} under {} ({} steps)\n", r.property, r.sc.name, r.design->name(), r.tids.size());
  for (std::size_t i = 0; i < r.tids.size(); ++i) {
    out += fmt::format("  {:>3}. {}  {}\n", i + 1, r.sc.threads[r.tids[i]].name, r.labels[i]);
    for (const std::string& c : describe_changes(r.sc, *r.design, r.states[i], r.states[i + 1])) out += "        " + c + "\n";
  }
  out += r.violated ? fmt::format("  VIOLATED {}: {}\n", r.property, r.detail)
                    : fmt::format("  the trace replays, but {} holds in the state it reaches\n", r.property);
  return r.violated;
}

// A trace is a few levels deep; nlohmann's parser recurses once per level, so a file of
// a hundred thousand '[' would overflow the stack. Refused before parsing, positioned.
void check_json_nesting(const std::string& path, const std::string& text) {
  constexpr int kMaxDepth = 64;
  int depth = 0, line = 1, col = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    ++col;
    if (c == '\n') {
      ++line;
      col = 0;
    }
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > kMaxDepth)
        throw InputError(path, line, col,
                         fmt::format("JSON nested more than {} levels deep: this is not a cowcheck trace", kMaxDepth));
    } else if (c == ']' || c == '}') {
      --depth;
    }
  }
}

// Every trace of the file, parsed and positioned (the three shapes replay accepts).
template <class F>
bool for_each_trace(const std::string& path, F&& f) {
  const std::string text = read_input_file(path, "trace", kMaxTraceBytes);
  check_json_nesting(path, text);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    // "[json.exception.parse_error.101] parse error at line 1, column 2: ...", positioned by
    // e.byte; others (out_of_range: "number overflow parsing '1e999'") by the quoted text.
    std::string what = e.what();
    std::pair<int, int> at{0, 0};
    if (const auto* pe = dynamic_cast<const nlohmann::json::parse_error*>(&e)) {
      at = text_position(text, pe->byte > 0 ? pe->byte - 1 : 0);
      if (auto colon = what.find(": "); colon != std::string::npos) what = what.substr(colon + 2);
    } else {
      if (auto bracket = what.find("] "); bracket != std::string::npos) what = what.substr(bracket + 2);
      if (auto q = what.find('\''); q != std::string::npos) {
        const std::string quoted = what.substr(q + 1, what.rfind('\'') - q - 1);
        if (auto off = quoted.empty() ? std::string::npos : text.find(quoted); off != std::string::npos)
          at = text_position(text, off);
      }
    }
    throw InputError(path, at.first, at.second, "malformed JSON: " + what);
  }
  const JsonPositions pos(text);
  std::vector<std::pair<const nlohmann::json*, std::string>> traces;  // each with its JSON pointer
  if (j.is_array()) {
    for (std::size_t i = 0; i < j.size(); ++i) traces.emplace_back(&j[i], "/" + std::to_string(i));
  } else if (j.is_object() && j.contains("properties")) {  // a whole `check --format json` report
    const nlohmann::json& ps = j["properties"];
    if (ps.is_array())
      for (std::size_t i = 0; i < ps.size(); ++i)
        if (ps[i].is_object() && ps[i].contains("trace"))
          traces.emplace_back(&ps[i]["trace"], "/properties/" + std::to_string(i) + "/trace");
  } else if (j.is_object()) {  // one trace (its own JSON, or ITF)
    traces.emplace_back(&j, "");
  }
  if (traces.empty()) throw InputError(path, 1, 1, "no trace in the file: expected a trace object (or an ITF trace), an array "
                                                   "of them, or a `check --format json` report with a violated property");
  bool all = true;
  for (const auto& [t, base] : traces) {
    if (!t->is_object()) {
      auto [line, col] = pos.at(base);
      throw InputError(path, line, col, "a trace must be a JSON object");
    }
    if (is_itf(*t)) {  // `check --format itf`: replayed as the trace its states spell
      const ItfRecorded itf(*t, path, pos, base);
      all &= f(TraceIn{itf.as_trace(), path, pos, base, &itf});
      continue;
    }
    all &= f(TraceIn{*t, path, pos, base});
  }
  return all;
}

}  // namespace

int replay(const std::string& path, std::string& out) {
  const bool all_violated = for_each_trace(path, [&](const TraceIn& in) {
    if (!out.empty()) out += "\n";
    return replay_one(in, out);
  });
  return all_violated ? 1 : 0;
}

std::vector<ReexecutedTrace> reexecute_traces(const std::string& path) {
  std::vector<ReexecutedTrace> all;
  for_each_trace(path, [&](const TraceIn& in) {
    all.push_back(reexecute_one(in));
    return true;
  });
  return all;
}

}  // namespace cow
