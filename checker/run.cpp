#include "checker/run.hpp"

#include <fmt/format.h>

#include "model/input_error.hpp"
#include "model/scenario_load.hpp"

namespace cow {

namespace {
std::string known_designs() {
  std::string s;
  for (const Design* d : all_designs()) s += (s.empty() ? "" : ", ") + std::string(d->name());
  return s;
}
std::string known_properties() {
  std::string s;
  for (const Property* p : builtin_properties()) s += (s.empty() ? "" : ", ") + std::string(p->name());
  return s;
}
}  // namespace

CheckRun run_check(const CheckRequest& req) {
  CheckRun run;
  run.design = find_design(req.design);
  if (!run.design) throw InputError("unknown design '" + req.design + "' (known: " + known_designs() + ")");
  run.scenario = load_scenario(req.scenario_file, req.params);
  ExploreOptions opt = req.explore;
  opt.properties.clear();
  const std::vector<std::string>& names = req.properties.empty() ? run.scenario.properties : req.properties;
  if (names.empty())
    throw InputError(req.scenario_file, 0, 0, "no property to check: the scenario names none and no --property was given");
  for (const std::string& n : names) {
    const Property* p = find_property(n);
    if (!p) {
      std::string where = req.properties.empty() ? req.scenario_file : "";
      throw InputError(where, 0, 0, "unknown property '" + n + "' (known: " + known_properties() + ")");
    }
    opt.properties.push_back(p);
  }
  Explorer ex(run.scenario, *run.design, opt);
  run.result = ex.run();
  for (const PropertyOutcome& o : run.result.outcomes)
    run.traces.push_back(o.violated ? rebuild_trace(run.scenario, *run.design, ex.store(), o.state) : Trace{});
  if (run.result.completion == Completion::OutOfFrames) {
    Trace t = rebuild_trace(run.scenario, *run.design, ex.store(), run.result.out_of_frames_at);
    throw InputError(req.scenario_file, 0, 0,
                     fmt::format("the scenario needs more than the model's bound kMaxFrames = {} frames "
                                 "(reached after {} steps{}); make it smaller",
                                 kMaxFrames, t.steps.size(), describe_params(run.scenario).empty() ? "" : ", " + describe_params(run.scenario)));
  }
  return run;
}

Verdict verdict_of(const ExploreResult& r, const PropertyOutcome& o) {
  if (o.violated) return Verdict::Violated;
  return r.completion == Completion::Exhausted ? Verdict::Holds : Verdict::Unknown;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Holds: return "holds";
    case Verdict::Violated: return "violated";
    case Verdict::Unknown: return "unknown";
  }
  return "?";
}

int exit_status(const ExploreResult& r) {
  if (r.any_violated()) return 1;
  if (r.completion == Completion::LimitHit) return 3;
  return 0;
}

std::string describe_params(const Scenario& sc) {
  std::string s;
  for (const auto& [k, v] : sc.params) s += (s.empty() ? "" : ", ") + fmt::format("{}={}", k, v);
  return s;
}

}  // namespace cow
