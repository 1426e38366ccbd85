// `check --format itf`: counterexamples in Apalache's Informal Trace Format (ADR-015,
// https://apalache-mc.org/docs/adr/015adr-trace.html), checked against the format's rules
// by a validator written here from the ADR; `replay` of that output re-executes the same
// steps as replay of --trace-out's JSON; a tampered state is refused, naming it.
#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>

#include "checker/itf.hpp"
#include "tests/cli_run.hpp"

using namespace cowtest;
using nlohmann::json;

namespace {

const std::string kSrc = COWCHECK_SOURCE_DIR;
std::string tmp(const std::string& name) {
  return (fs::temp_directory_path() / ("itf-" + name + "-" + std::to_string(::getpid()) + ".json")).string();
}
json load(const std::string& p) {
  std::ifstream in(p);
  return json::parse(in);
}

// ADR-015's values, recursively: a boolean, a string, an integer (a JSON number when
// |n| < 2^53, else {"#bigint": "[-]digits"}), a list (JSON array), a record (an object
// whose field names do not start with '#'), {"#tup": [...]}, {"#set": [...]},
// {"#map": [[key, value], ...]}, {"#unserializable": "..."}. Returns why not, "" if valid.
std::string itf_value_error(const json& v, const std::string& at) {
  if (v.is_boolean() || v.is_string()) return "";
  if (v.is_number_integer()) {
    const long double n = v.is_number_unsigned() ? static_cast<long double>(v.get<std::uint64_t>())
                                                 : static_cast<long double>(v.get<std::int64_t>());
    return (n < 9007199254740992.0L && n > -9007199254740992.0L) ? "" : at + ": an integer >= 2^53 must be a #bigint";
  }
  if (v.is_array()) {
    for (std::size_t i = 0; i < v.size(); ++i)
      if (auto e = itf_value_error(v[i], at + "/" + std::to_string(i)); !e.empty()) return e;
    return "";
  }
  if (!v.is_object()) return at + ": not an ITF value (null or a float): " + v.dump();
  if (v.size() == 1 && v.contains("#bigint"))
    return v["#bigint"].is_string() && std::regex_match(v["#bigint"].get<std::string>(), std::regex("-?[0-9]+"))
               ? ""
               : at + ": #bigint must be a string of digits";
  for (const char* k : {"#tup", "#set"})
    if (v.size() == 1 && v.contains(k)) {
      if (!v[k].is_array()) return at + ": " + k + " must hold an array";
      return itf_value_error(v[k], at + "/" + k);
    }
  if (v.size() == 1 && v.contains("#map")) {
    if (!v["#map"].is_array()) return at + ": #map must hold an array";
    for (std::size_t i = 0; i < v["#map"].size(); ++i) {
      const json& kv = v["#map"][i];
      if (!kv.is_array() || kv.size() != 2) return at + "/#map/" + std::to_string(i) + ": a map entry is [key, value]";
      if (auto e = itf_value_error(kv, at + "/#map/" + std::to_string(i)); !e.empty()) return e;
    }
    return "";
  }
  if (v.size() == 1 && v.contains("#unserializable")) return v["#unserializable"].is_string() ? "" : at + ": #unserializable";
  for (const auto& [k, f] : v.items()) {
    if (!k.empty() && k[0] == '#') return at + ": a record field may not start with '#': " + k;
    if (auto e = itf_value_error(f, at + "/" + k); !e.empty()) return e;
  }
  return "";
}

// One ITF trace (ADR-015's top level), with cowcheck's #meta fields. Returns why not.
std::string itf_trace_error(const json& t) {
  if (!t.is_object()) return "a trace is an object";
  for (const auto& [k, v] : t.items())
    if (k != "#meta" && k != "params" && k != "vars" && k != "states" && k != "loop") return "unknown top-level key " + k;
  if (!t.contains("#meta") || !t["#meta"].is_object()) return "#meta must be an object";
  const json& m = t["#meta"];
  if (m.value("format", "") != "ITF") return "#meta.format must be \"ITF\"";
  if (m.value("format-description", "") != "https://apalache-mc.org/docs/adr/015adr-trace.html")
    return "#meta.format-description must be ADR-015's URL";
  for (const char* k : {"description", "scenario", "design", "property", "memory_model", "arch", "source"})
    if (!m.contains(k) || !m[k].is_string() || m[k].get<std::string>().empty()) return std::string("#meta.") + k + " must be a string";
  if (!m.contains("params") || !m["params"].is_object()) return "#meta.params must be a record";
  if (auto e = itf_value_error(m["params"], "#meta/params"); !e.empty()) return e;
  if (!t.contains("vars") || !t["vars"].is_array()) return "vars must be an array";
  std::set<std::string> vars;
  for (const json& v : t["vars"]) {
    if (!v.is_string()) return "vars must be an array of strings";
    if (!vars.insert(v.get<std::string>()).second) return "vars lists " + v.get<std::string>() + " twice";
  }
  if (!t.contains("states") || !t["states"].is_array() || t["states"].empty()) return "states must be a non-empty array";
  for (std::size_t i = 0; i < t["states"].size(); ++i) {
    const json& s = t["states"][i];
    const std::string at = "states/" + std::to_string(i);
    if (!s.is_object()) return at + " must be an object";
    std::set<std::string> keys;
    for (const auto& [k, v] : s.items()) {
      if (k == "#meta") {
        if (!v.is_object() || v.value("index", -1) != static_cast<int>(i)) return at + "/#meta must be {\"index\": " + std::to_string(i) + "}";
        continue;
      }
      keys.insert(k);
      if (auto e = itf_value_error(v, at + "/" + k); !e.empty()) return e;
    }
    if (keys != vars) return at + " must have exactly the vars";
  }
  return "";
}

// A var of state i, as a JSON pointer into its ITF encoding.
const json& at(const json& trace, std::size_t state, const std::string& pointer) {
  return trace["states"][state][json::json_pointer(pointer)];
}

struct Check {
  json itf;     // stdout of check --format itf
  json report;  // check --format json
  std::string itf_file, traces_file;
};

// check --format itf (with --trace-out) and check --format json of the same run.
Check check_both(const std::string& args, const std::string& name) {
  Check c{json(), json(), tmp(name), tmp(name + "-traces")};
  Result r = run_cowcheck("check " + args + " --quiet --format itf --trace-out " + shell_quote(c.traces_file) + " > " +
                          shell_quote(c.itf_file) + "; echo rc=$?");
  SHOW(r);
  REQUIRE(has(r.output, "rc=1"));
  c.itf = load(c.itf_file);
  const std::string rep = tmp(name + "-report");
  Result j = run_cowcheck("check " + args + " --quiet --format json > " + shell_quote(rep) + "; echo rc=$?");
  SHOW(j);
  REQUIRE(has(j.output, "rc=1"));
  c.report = load(rep);
  fs::remove(rep);
  return c;
}

// The ITF traces of a check: one object, or an array when several properties are violated.
std::vector<json> traces_of(const json& itf) {
  if (itf.is_array()) return {itf.begin(), itf.end()};
  return {itf};
}

void check_against_report(const Check& c) {
  std::vector<json> violated;
  for (const json& p : c.report["properties"])
    if (p.contains("trace")) violated.push_back(p["trace"]);
  REQUIRE(!violated.empty());
  CHECK(c.itf.is_array() == (violated.size() != 1));
  const std::vector<json> traces = traces_of(c.itf);
  REQUIRE(traces.size() == violated.size());
  for (std::size_t k = 0; k < traces.size(); ++k) {
    const json& t = traces[k];
    const json& j = violated[k];
    INFO("trace " << k << " of " << t["#meta"].value("property", "?"));
    CHECK(itf_trace_error(t) == "");
    const json& m = t["#meta"];
    CHECK(m["scenario"] == j["scenario"]);
    CHECK(m["design"] == j["design"]);
    CHECK(m["property"] == j["property"]);
    CHECK(m["params"] == j["params"]);
    CHECK(m["arch"] == j["arch"]);
    CHECK(m["memory_model"] == j["memory_model"]);
    CHECK(m["source"] == j["file"]);
    CHECK(m["tlb"] == j["tlb"]);
    // the initial state, then one state per step, reached by that step's thread and label
    REQUIRE(t["states"].size() == j["steps"].size() + 1);
    CHECK(at(t, 0, "/thread") == "");
    CHECK(at(t, 0, "/label") == "");
    for (std::size_t i = 0; i < j["steps"].size(); ++i) {
      CHECK(at(t, i + 1, "/thread") == j["steps"][i]["thread"]);
      CHECK(at(t, i + 1, "/label") == j["steps"][i]["label"]);
    }
    // the kernel's names: every mm's maps carry its name; frames are frame#N
    for (const json& kv : at(t, 0, "/frames/#map")) CHECK(kv[0].get<std::string>().rfind("frame#", 0) == 0);
    CHECK(at(t, 0, "/alive/#map").size() == at(t, 0, "/ptes/#map").size());
  }
}

// replay of the ITF prints exactly what replay of --trace-out's JSON prints.
void check_round_trip(const Check& c) {
  Result ri = run_cowcheck("replay " + shell_quote(c.itf_file));
  Result rj = run_cowcheck("replay " + shell_quote(c.traces_file));
  SHOW(ri);
  CHECK(ri.status == 1);
  CHECK(rj.status == 1);
  CHECK(has(ri.output, "VIOLATED"));
  CHECK(ri.output == rj.output);
}

std::string write(const std::string& name, const json& j) {
  const std::string p = tmp(name);
  std::ofstream(p) << j.dump(2);
  return p;
}

}  // namespace

TEST_CASE("itf: integers are numbers below 2^53, #bigint from there", "[itf][quick]") {
  CHECK(cow::itf_int(0) == json(0));
  CHECK(cow::itf_int(9007199254740991LL) == json(9007199254740991LL));
  CHECK(cow::itf_int(-9007199254740991LL) == json(-9007199254740991LL));
  CHECK(cow::itf_int(9007199254740992LL) == json{{"#bigint", "9007199254740992"}});
  CHECK(cow::itf_int(-9007199254740992LL) == json{{"#bigint", "-9007199254740992"}});
  CHECK(itf_value_error(json{{"#bigint", "12x"}}, "") != "");
  CHECK(itf_value_error(json{{"#map", {{1}}}}, "") != "");
  CHECK(itf_value_error(json{{"#set", {1, {{"#tup", {"a", true}}}}}}, "") == "");
}

TEST_CASE("itf: odirect_fork under v2.6.27, K=1: valid ITF, the same steps, replays", "[itf][cli][quick]") {
  const Check c = check_both(shell_quote(kSrc + "/scenarios/odirect_fork.toml") + " --design v2.6.27 --param K=1", "odirect");
  check_against_report(c);
  for (const json& t : traces_of(c.itf)) CHECK(t["#meta"]["params"]["K"] == 1);
  check_round_trip(c);

  SECTION("a state with one var changed is refused, naming the state and the var") {
    json bad = c.itf;
    json& t = bad.is_array() ? bad[0] : bad;
    const std::size_t last = t["states"].size() - 1;
    json& frames = t["states"][last]["frames"]["#map"];
    REQUIRE(!frames.empty());
    frames[0][1]["refcount"] = frames[0][1]["refcount"].get<int>() + 7;
    const std::string p = write("tampered", bad);
    Result r = run_cowcheck("replay " + shell_quote(p));
    SHOW(r);
    CHECK(r.status == 2);
    CHECK(has(r.output, p + ":"));
    CHECK(has(r.output, "state " + std::to_string(last) + ": var 'frames' differs"));
    fs::remove(p);
  }
  SECTION("a var cowcheck does not write, or one missing, is refused") {
    json bad = c.itf;
    json& t = bad.is_array() ? bad[0] : bad;
    t["states"][1]["colour"] = "blue";
    const std::string p = write("extra", bad);
    Result r = run_cowcheck("replay " + shell_quote(p));
    SHOW(r);
    CHECK(r.status == 2);
    CHECK(has(r.output, "state 1: 'colour' is not one of the trace's vars"));
    t["states"][1].erase("colour");
    t["states"][0].erase("pins");
    std::ofstream(p) << bad.dump(2);
    Result m = run_cowcheck("replay " + shell_quote(p));
    SHOW(m);
    CHECK(m.status == 2);
    CHECK(has(m.output, "state 0 has no var 'pins'"));
    fs::remove(p);
  }
  SECTION("an ITF trace without cowcheck's #meta is refused") {
    json bad = c.itf;
    json& t = bad.is_array() ? bad[0] : bad;
    t["#meta"].erase("source");
    const std::string p = write("nometa", bad);
    Result r = run_cowcheck("replay " + shell_quote(p));
    SHOW(r);
    CHECK(r.status == 2);
    CHECK(has(r.output, "'source'"));
    fs::remove(p);
  }
  fs::remove(c.itf_file);
  fs::remove(c.traces_file);
}

TEST_CASE("itf: cow_03 (vmsplice, unmap in the child) under v2.6.27: valid ITF, replays", "[itf][cli][quick]") {
  const Check c = check_both(shell_quote(kSrc + "/scenarios/selftests/cow_03_vmsplice_unmap_in_child.toml") +
                                 " --design v2.6.27",
                             "cow03");
  check_against_report(c);
  check_round_trip(c);

  SECTION("a tampered thread var is refused at its state") {
    json bad = c.itf;
    json& t = bad.is_array() ? bad[0] : bad;
    REQUIRE(t["states"].size() > 2);
    json& threads = t["states"][2]["threads"]["#map"];
    threads[0][1]["pc"] = threads[0][1]["pc"].get<int>() + 40;
    const std::string p = write("tampered-pc", bad);
    Result r = run_cowcheck("replay " + shell_quote(p));
    SHOW(r);
    CHECK(r.status == 2);
    CHECK(has(r.output, "state 2: var 'threads' differs"));
    fs::remove(p);
  }
  fs::remove(c.itf_file);
  fs::remove(c.traces_file);
}
