#include "model/cpu_options.hpp"
#include "checker/replay.hpp"

#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <nlohmann/json.hpp>

#include "checker/trace.hpp"
#include "model/input_error.hpp"
#include "model/input_file.hpp"
#include "model/paths.hpp"
#include "model/threads.hpp"
#include "model/scenario_load.hpp"
#include "properties/resolve.hpp"
#include "properties/smt_property.hpp"
#include "model/design_registry.hpp"

namespace cow {

namespace {

std::string field(const nlohmann::json& j, const char* key, const std::string& path) {
  if (!j.contains(key) || !j[key].is_string())
    throw InputError(path, 0, 0, fmt::format("a trace needs a string '{}'", key));
  return j[key].get<std::string>();
}

// A path as recorded, relative to the current directory or else to the trace's directory.
std::string locate(const std::string& recorded, const std::string& trace_path) {
  if (std::filesystem::exists(recorded)) return recorded;
  auto alt = std::filesystem::path(trace_path).parent_path() / recorded;
  return std::filesystem::exists(alt) ? alt.string() : recorded;
}

bool replay_one(const nlohmann::json& t, const std::string& path, std::string& out) {
  const std::string file = locate(field(t, "file", path), path);
  std::map<std::string, long> params;
  if (t.contains("params")) {
    if (!t["params"].is_object()) throw InputError(path, 0, 0, "'params' must be an object of integers");
    for (const auto& [k, v] : t["params"].items()) {
      if (!v.is_number_integer()) throw InputError(path, 0, 0, "parameter '" + k + "' must be an integer");
      params[k] = v.get<long>();
    }
  }
  const std::string dname = field(t, "design", path);
  const Design* d = find_design(dname);
  if (!d) throw InputError(path, 0, 0, "the trace names an unknown design '" + dname + "'");
  Scenario sc = load_scenario(file, params);
  CpuOverrides cpu;  // as the trace was found (absent in traces written before TLBs were modelled)
  if (t.contains("tlb")) {
    if (!t["tlb"].is_boolean()) throw InputError(path, 0, 0, "'tlb' must be true or false");
    cpu.tlb = t["tlb"].get<bool>();
  }
  if (t.contains("arch")) {
    if (!t["arch"].is_string()) throw InputError(path, 0, 0, "'arch' must be \"x86\" or \"rcu\"");
    const std::string a = t["arch"].get<std::string>();
    if (a != "x86" && a != "rcu") throw InputError(path, 0, 0, "'arch' must be \"x86\" or \"rcu\", got '" + a + "'");
    cpu.arch = a == "x86" ? Arch::X86 : Arch::Rcu;
  }
  apply_cpu_overrides(sc, cpu);
  check_arch(sc, *d);
  const std::string pname = field(t, "property", path);
  std::optional<std::string> pfile;
  if (t.contains("property_file") && names_property_file(pname)) pfile = locate(field(t, "property_file", path), path);
  ResolvedProperty resolved = resolve_property({pname, NamedBy::Trace, path, pfile}, sc, d->has_anon_exclusive());
  const Property* prop = resolved.property;
  const std::unique_ptr<SmtProperty>& smt = resolved.smt;
  if (!t.contains("steps") || !t["steps"].is_array()) throw InputError(path, 0, 0, "a trace needs an array 'steps'");

  out += fmt::format("replaying {} on {} under {} ({} steps)\n", pname, sc.name, d->name(), t["steps"].size());
  State s = initial_state(sc, *d);
  Expansion ex;
  std::size_t n = 0;
  for (const auto& step : t["steps"]) {
    ++n;
    const std::string thread = field(step, "thread", path), label = field(step, "label", path);
    successors(sc, *d, s, ex);
    auto it = std::find_if(ex.succ.begin(), ex.succ.end(), [&](const Successor& su) {
      return sc.threads[su.tid].name == thread && su.label == label;
    });
    if (it == ex.succ.end()) {
      std::string can;
      for (const Successor& su : ex.succ) can += fmt::format("\n  {} {}", sc.threads[su.tid].name, su.label);
      throw InputError(path, 0, 0,
                       fmt::format("step {} ({} {}) cannot be taken in the state the trace reached; the enabled "
                                   "steps are:{}",
                                   n, thread, label, can.empty() ? " none" : can));
    }
    out += fmt::format("  {:>3}. {}  {}\n", n, thread, label);
    for (const std::string& c : describe_changes(sc, *d, s, it->next)) out += "        " + c + "\n";
    s = it->next;
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
  out += violated ? fmt::format("  VIOLATED {}: {}\n", pname, detail)
                  : fmt::format("  the trace replays, but {} holds in the state it reaches\n", pname);
  return violated;
}

// The line and column (from 1) of byte `pos` (from 1, as nlohmann reports it) of `text`.
std::pair<int, int> line_column(const std::string& text, std::size_t pos) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i + 1 < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
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

}  // namespace

int replay(const std::string& path, std::string& out) {
  const std::string text = read_input_file(path, "trace", kMaxTraceBytes);
  check_json_nesting(path, text);
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    auto [line, col] = line_column(text, e.byte);
    std::string what = e.what();  // "[json.exception.parse_error.101] parse error at line 1, column 2: ..."
    auto colon = what.find(": ");
    throw InputError(path, line, col, "malformed JSON: " + (colon == std::string::npos ? what : what.substr(colon + 2)));
  }
  std::vector<nlohmann::json> traces;
  if (j.is_array()) traces.assign(j.begin(), j.end());
  else if (j.is_object() && j.contains("properties"))  // a whole `check --format json` report
    for (const auto& p : j["properties"])
      if (p.contains("trace")) traces.push_back(p["trace"]);
  if (j.is_object() && !j.contains("properties")) traces.push_back(j);
  if (traces.empty()) throw InputError(path, 0, 0, "no trace in the file");
  bool all_violated = true;
  for (const auto& t : traces) {
    if (!out.empty()) out += "\n";
    all_violated &= replay_one(t, path, out);
  }
  return all_violated ? 1 : 0;
}

}  // namespace cow
