#include "checker/compare.hpp"

#include <algorithm>
#include <filesystem>
#include <thread>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/run.hpp"
#include "model/input_error.hpp"
#include "model/scenario_load.hpp"

namespace cow {

namespace {

std::vector<std::string> scenario_files(const std::vector<std::string>& args) {
  std::vector<std::string> files;
  for (const std::string& a : args) {
    std::filesystem::path p(a);
    if (std::filesystem::is_directory(p)) {
      std::vector<std::string> found;
      for (const auto& e : std::filesystem::recursive_directory_iterator(p))
        if (e.is_regular_file() && e.path().extension() == ".toml") found.push_back(e.path().string());
      std::sort(found.begin(), found.end());
      files.insert(files.end(), found.begin(), found.end());
    } else if (std::filesystem::is_regular_file(p)) {
      files.push_back(a);
    } else {
      throw InputError(a, 0, 0, "no such scenario file or directory");
    }
  }
  if (files.empty()) throw InputError("no scenario files given to compare");
  return files;
}

std::vector<std::string> design_names(const std::vector<std::string>& args) {
  std::vector<std::string> out;
  for (const std::string& a : args) {
    if (a == "all") {
      for (const Design* d : all_designs()) out.emplace_back(d->name());
    } else {
      out.push_back(a);
    }
  }
  return out;
}

struct Row {
  std::string scenario, params, design;
  std::map<std::string, std::string> verdicts;
  unsigned long long states, transitions;
  double seconds;
};

}  // namespace

std::string run_compare(const CompareOptions& opt) {
  std::vector<Row> rows;
  std::vector<std::string> columns;  // property names in first-seen order
  for (const std::string& file : scenario_files(opt.scenarios)) {
    Scenario probe = load_scenario(file);
    std::map<std::string, long> params;
    for (const auto& [k, v] : opt.params)
      if (probe.params.count(k)) params[k] = v;
    for (const std::string& d : design_names(opt.designs)) {
      CheckRequest req;
      req.scenario_file = file;
      req.design = d;
      req.params = params;
      req.explore.full = true;
      req.explore.threads = std::max(1u, std::thread::hardware_concurrency());
      req.explore.time_limit = opt.time_limit;
      req.explore.max_states = opt.max_states;
      req.explore.por = opt.por;
      req.explore.symmetry = opt.symmetry;
      CheckRun run = run_check(req);
      Row row{run.scenario.name, describe_params(run.scenario), d, {}, run.result.states, run.result.transitions,
              run.result.seconds};
      for (const PropertyOutcome& o : run.result.outcomes) {
        std::string name(o.property->name());
        if (std::find(columns.begin(), columns.end(), name) == columns.end()) columns.push_back(name);
        Verdict v = verdict_of(run.result, o);
        row.verdicts[name] = v == Verdict::Violated ? "VIOLATED" : verdict_name(v);
      }
      rows.push_back(std::move(row));
    }
  }
  if (opt.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const Row& r : rows)
      j.push_back({{"scenario", r.scenario}, {"params", r.params}, {"design", r.design}, {"verdicts", r.verdicts},
                   {"states", r.states}, {"transitions", r.transitions}, {"seconds", r.seconds}});
    return j.dump(2) + "\n";
  }
  std::string out;
  auto cell = [&](const Row& r, const std::string& c) {
    auto it = r.verdicts.find(c);
    return it == r.verdicts.end() ? std::string("-") : it->second;
  };
  if (opt.format == "csv") {
    out += "scenario,params,design";
    for (const auto& c : columns) out += "," + c;
    out += ",states,transitions,seconds\n";
    for (const Row& r : rows) {
      out += fmt::format("{},\"{}\",{}", r.scenario, r.params, r.design);
      for (const auto& c : columns) out += "," + cell(r, c);
      out += fmt::format(",{},{},{:.3f}\n", r.states, r.transitions, r.seconds);
    }
    return out;
  }
  if (opt.format != "md") throw InputError("--format must be md, csv or json for compare (got '" + opt.format + "')");
  out += "| scenario | params | design |";
  for (const auto& c : columns) out += " " + c + " |";
  out += " states | transitions | seconds |\n|---|---|---|";
  for (std::size_t i = 0; i < columns.size(); ++i) out += "---|";
  out += "---:|---:|---:|\n";
  for (const Row& r : rows) {
    out += fmt::format("| {} | {} | {} |", r.scenario, r.params, r.design);
    for (const auto& c : columns) out += " " + cell(r, c) + " |";
    out += fmt::format(" {} | {} | {:.2f} |\n", r.states, r.transitions, r.seconds);
  }
  if (opt.por || opt.symmetry)
    out += fmt::format("\nStates and transitions of the reduced graph ({}{}{}).\n", opt.por ? "partial-order reduction" : "",
                       opt.por && opt.symmetry ? ", " : "", opt.symmetry ? "frame symmetry" : "");
  return out;
}

}  // namespace cow
