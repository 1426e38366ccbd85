#include "checker/compare.hpp"

#include "checker/compare_text.hpp"

#include <algorithm>
#include <map>
#include <filesystem>
#include <thread>
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "checker/design_matrix.hpp"
#include "checker/run.hpp"
#include "model/cpu_options.hpp"
#include "model/input_error.hpp"
#include "model/run_limits.hpp"
#include "model/names.hpp"
#include "model/scenario_load.hpp"
#include "model/design_registry.hpp"

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

// The parameter settings a scenario is run with: each matrix entry (or the defaults),
// with the command line's --param over it (only the parameters the scenario has);
// settings that come out the same are run once.
std::vector<std::map<std::string, long>> settings(const Scenario& probe, const std::map<std::string, long>& given) {
  std::vector<std::map<std::string, long>> out;
  std::vector<std::map<std::string, long>> base = probe.matrix;
  if (base.empty()) base.emplace_back();
  for (std::map<std::string, long> m : base) {
    for (const auto& [k, v] : given)
      if (probe.params.count(k)) m[k] = v;
    if (std::find(out.begin(), out.end(), m) == out.end()) out.push_back(std::move(m));
  }
  return out;
}

std::string verdict_text(const ExploreResult& r, const PropertyOutcome& o) {
  Verdict v = verdict_of(r, o);
  return v == Verdict::Violated ? "VIOLATED" : verdict_name(v);
}

}  // namespace

const char* const kVacuousNote =
    "vacuous: the whole state space was explored and no execution finishes (each loops forever or deadlocks), "
    "so nothing can be said to hold; `cowcheck check` on the row prints an execution that never finishes.";

std::vector<CompareRow> compare_rows(const CompareOptions& opt, std::vector<std::string>* refused) {
  std::vector<CompareRow> rows;
  const std::vector<std::string> designs = design_names(opt.designs);
  for (const std::string& file : scenario_files(opt.scenarios)) {
    const Scenario probe = load_scenario(file);
    for (const auto& params : settings(probe, opt.params))
      for (const std::string& d : designs) {
        {  // a design the scenario's CPU refuses (check_arch: arch "rcu" and a GUP-fast that
           // relies on the x86 flush IPI) has no row: `check` would refuse it (exit 2)
          Scenario sc = probe;
          apply_cpu_overrides(sc, opt.cpu);
          if (const Design* design = find_design(d); design && !arch_runs(sc, *design)) {
            if (refused) refused->push_back(probe.name + ": " + d);
            continue;
          }
        }
        CheckRequest req;
        req.scenario_file = file;
        req.design = d;
        req.params = params;
        req.explore.full = true;
        req.explore.threads = std::max(1u, std::thread::hardware_concurrency());
        start_run_limits(opt.time_limit, 0);  // per run
        req.explore.max_states = opt.max_states;
        req.explore.por = opt.por;
        req.explore.symmetry = opt.symmetry;
        req.cpu = opt.cpu;
        CheckRun run = run_check(req);
        // A signal stops the whole comparison (the explorer stopped this run already).
        if (stop_requested()) throw LimitReached(run_limit_reached(), "comparing " + d + " on " + file);
        CompareRow row;
        row.scenario = run.scenario.name;
        row.summary = run.scenario.summary;
        row.file = run.scenario.file;
        row.cpu = cpu_text(run.scenario);
        row.design = d;
        row.params = run.scenario.params;
        row.states = run.result.states;
        row.transitions = run.result.transitions;
        row.seconds = run.result.seconds;
        row.no_execution_finishes = run.result.no_execution_finishes();
        for (const PropertyOutcome& o : run.result.outcomes) {
          std::string name(o.property->name());
          row.properties.push_back(name);
          row.verdicts[name] = verdict_text(run.result, o);
        }
        if (opt.costs)
          row.costs = compute_costs(run.scenario, *run.design, CostOptions{opt.costs_max_states, opt.time_limit});
        rows.push_back(std::move(row));
      }
  }
  return rows;
}

std::string render_compare(const std::vector<CompareRow>& rows, const CompareOptions& opt) {
  std::vector<std::string> columns;  // property names in first-seen order
  for (const CompareRow& r : rows)
    for (const std::string& p : r.properties)
      if (std::find(columns.begin(), columns.end(), p) == columns.end()) columns.push_back(p);
  const bool costs = opt.costs;
  if (opt.format == "json") {
    nlohmann::json j = nlohmann::json::array();
    for (const CompareRow& r : rows) {
      nlohmann::json row = {{"scenario", r.scenario}, {"params", params_text(r.params)}, {"design", r.design},
                            {"verdicts", r.verdicts}, {"states", r.states}, {"transitions", r.transitions},
                            {"seconds", r.seconds}, {"no_execution_finishes", r.no_execution_finishes}};
      if (costs && r.costs) {
        const CostResult& c = *r.costs;
        row["end_states"] = c.finished;
        row["costs_seconds"] = c.seconds;
        row["costs_peak_bytes"] = c.peak_bytes;
        if (c.status == CostStatus::Computed) {
          nlohmann::json cj = nlohmann::json::object();
          for (unsigned k = 0; k < kCostKinds; ++k) {
            const CostBound& b = c.bounds[k];
            cj[cost_name(static_cast<Cost>(k))] = {{"min", b.min}};
            if (b.unbounded) cj[cost_name(static_cast<Cost>(k))]["max"] = "unbounded";
            else cj[cost_name(static_cast<Cost>(k))]["max"] = b.max;
          }
          row["costs"] = cj;
        } else {
          row["costs"] = nullptr;
          row["costs_note"] = cost_note(c);
        }
      }
      j.push_back(row);
    }
    return j.dump(2) + "\n";
  }
  auto cell = [&](const CompareRow& r, const std::string& c) {
    auto it = r.verdicts.find(c);
    return it == r.verdicts.end() ? std::string("-") : it->second;
  };
  // End states and the six costs of a row (none with --no-costs).
  auto cost_cells = [&](const CompareRow& r) {
    std::vector<std::string> s;
    if (!costs || !r.costs) return s;
    s.push_back(std::to_string(r.costs->finished));
    for (unsigned k = 0; k < kCostKinds; ++k) s.push_back(cost_cell(*r.costs, k));
    return s;
  };
  std::string out;
  if (opt.format == "csv") {
    out += "scenario,params,design";
    for (const auto& c : columns) out += "," + c;
    out += opt.seconds ? ",states,transitions,seconds" : ",states,transitions";
    if (costs) {
      out += ",end-states";
      for (unsigned k = 0; k < kCostKinds; ++k) out += fmt::format(",{}", cost_name(static_cast<Cost>(k)));
    }
    out += "\n";
    for (const CompareRow& r : rows) {
      out += fmt::format("{},\"{}\",{}", r.scenario, params_text(r.params), r.design);
      for (const auto& c : columns) out += "," + cell(r, c);
      out += fmt::format(",{},{}", r.states, r.transitions);
      if (opt.seconds) out += fmt::format(",{:.3f}", r.seconds);
      for (const std::string& c : cost_cells(r)) out += "," + (c.find(',') != std::string::npos ? "\"" + c + "\"" : c);
      out += "\n";
    }
    return out;
  }
  if (opt.format == "text") return render_compare_text(rows, costs, opt.color, opt.seconds);
  if (opt.format != "md") throw InputError("--format must be md, text, csv or json for compare (got '" + opt.format + "')");
  out += "| scenario | params | design |";
  for (const auto& c : columns) out += " " + c + " |";
  out += opt.seconds ? " states | transitions | seconds |" : " states | transitions |";
  if (costs) {
    out += " end states |";
    for (unsigned k = 0; k < kCostKinds; ++k) out += fmt::format(" {} |", cost_name(static_cast<Cost>(k)));
  }
  out += "\n|---|---|---|";
  for (std::size_t i = 0; i < columns.size(); ++i) out += "---|";
  out += opt.seconds ? "---:|---:|---:|" : "---:|---:|";
  if (costs)
    for (unsigned k = 0; k <= kCostKinds; ++k) out += "---:|";
  out += "\n";
  for (const CompareRow& r : rows) {
    out += fmt::format("| {} | {} | {} |", r.scenario, params_text(r.params), r.design);
    for (const auto& c : columns) out += " " + cell(r, c) + " |";
    out += fmt::format(" {} | {} |", r.states, r.transitions);
    if (opt.seconds) out += fmt::format(" {:.2f} |", r.seconds);
    for (const std::string& c : cost_cells(r)) out += " " + c + " |";
    out += "\n";
  }
  if (std::any_of(rows.begin(), rows.end(), [](const CompareRow& r) { return r.no_execution_finishes; }))
    out += std::string("\n") + kVacuousNote + "\n";
  if (opt.por || opt.symmetry)
    out += fmt::format("\nStates and transitions of the reduced graph ({}{}{}).\n", opt.por ? "partial-order reduction" : "",
                       opt.por && opt.symmetry ? ", " : "", opt.symmetry ? "frame symmetry" : "");
  if (costs)
    out += "\nCosts: least–greatest total over every execution that ends with every thread finished "
           "(end states: how many distinct states those executions end in; ∞: a retry loop can repeat it; "
           "counted on the whole graph, without reductions).\n";
  return out;
}

std::string run_compare(const CompareOptions& opt) {
  if (opt.format != "md" && opt.format != "text" && opt.format != "csv" && opt.format != "json")
    throw InputError("--format must be md, text, csv or json for compare (got '" + opt.format + "')");
  if (!opt.papers.empty() || opt.paper != "design-matrix" || !opt.intro.empty()) {
    if (opt.papers.empty()) throw InputError("--paper and --intro go with --papers DIR");
    check_papers_dir(opt);  // before the long part
  }
  std::vector<std::string> refused;
  const std::vector<CompareRow> rows = compare_rows(opt, &refused);
  if (!opt.papers.empty()) write_design_matrix(rows, opt);
  std::string out = render_compare(rows, opt);
  if (!refused.empty() && (opt.format == "md" || opt.format == "text")) {
    std::map<std::string, std::vector<std::string>> by_scenario;  // "scenario: design", once each
    for (const std::string& r : refused) {
      const auto colon = r.find(": ");
      std::vector<std::string>& ds = by_scenario[r.substr(0, colon)];
      if (std::find(ds.begin(), ds.end(), r.substr(colon + 2)) == ds.end()) ds.push_back(r.substr(colon + 2));
    }
    std::string list;
    for (const auto& [scenario, ds] : by_scenario) {
      std::string names;
      for (const std::string& n : ds) names += (names.empty() ? "" : ", ") + n;
      list += (list.empty() ? "" : "; ") + scenario + " (" + names + ")";
    }
    out += "\nNot run (arch \"rcu\": these designs' GUP-fast relies on the x86 flush IPI, and `check` refuses "
           "them): " + list + ".\n";
  }
  return out;
}

}  // namespace cow
