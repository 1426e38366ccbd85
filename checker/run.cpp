#include "checker/run.hpp"

#include <fstream>
#include <iterator>
#include <tuple>

#include <fmt/format.h>

#include "checker/explain.hpp"
#include "checker/preemptions.hpp"
#include "model/input_error.hpp"
#include "model/invariant.hpp"
#include "model/threads.hpp"
#include "model/memory_model.hpp"
#include "model/input_file.hpp"
#include "model/names.hpp"
#include "model/scenario_load.hpp"
#include "properties/resolve.hpp"
#include "properties/smt_property.hpp"
#include "model/design_registry.hpp"

namespace cow {

namespace {
std::string known_designs() {
  std::string s;
  for (const Design* d : all_designs()) s += (s.empty() ? "" : ", ") + std::string(d->name());
  return s;
}
}  // namespace

CheckRun run_check(const CheckRequest& req) {
  CheckRun run;
  run.design = find_design(req.design);
  if (!run.design) throw InputError("unknown design '" + req.design + "' (known: " + known_designs() + ")");
  run.scenario = load_scenario(req.scenario_file, req.params);
  apply_cpu_overrides(run.scenario, req.cpu);
  check_arch(run.scenario, *run.design);
  check_memory_model_reductions(run.scenario, req.explore.por, req.explore.symmetry);
  ExploreOptions opt = req.explore;
  opt.properties.clear();
  const std::vector<std::string>& names = req.properties.empty() ? run.scenario.properties : req.properties;
  if (names.empty())
    throw InputError(req.scenario_file, 0, 0, "no property to check: the scenario names none and no --property was given");
  for (std::size_t i = 0; i < names.size(); ++i) {
    PropertyName pn{names[i], NamedBy::User, req.properties.empty() ? req.scenario_file : "", std::nullopt};
    if (req.properties.empty() && i < run.scenario.property_pos.size())
      std::tie(pn.line, pn.col) = run.scenario.property_pos[i];
    ResolvedProperty r = resolve_property(pn, run.scenario, run.design->has_anon_exclusive());
    opt.properties.push_back(r.property);
    if (r.smt) run.owned.push_back(std::move(r.smt));
  }
  if (opt.symmetry)  // renaming frames must not change a property's value
    for (const Property* p : opt.properties)
      if (auto* smt = dynamic_cast<const SmtProperty*>(p)) {
        const std::string text = read_input_file(smt->file(), "property file", kMaxPropertyBytes);
        if (text.find(kFramePrefix) != std::string::npos)
          throw InputError(smt->file(), 0, 0,
                           "the property names a frame by number, which --symmetry renames: quantify over frames instead");
        for (const auto& cls : run.scenario.thread_classes)
          for (u8 t : cls) {
            const std::string& n = run.scenario.threads[t].name;
            if (text.find("thread:" + n) != std::string::npos || text.find("val:" + n + ":") != std::string::npos)
              throw InputError(smt->file(), 0, 0,
                               "the property names thread '" + n + "' (or its values), which --symmetry interchanges "
                               "with the other threads of its symmetric loop: quantify over threads instead");
          }
      }
  Explorer ex(run.scenario, *run.design, opt);
  run.result = ex.run();
  for (PropertyOutcome& o : run.result.outcomes) {
    if (!o.violated) run.traces.emplace_back();
    else if (opt.hash_compact) run.traces.push_back(replay_steps(run.scenario, *run.design, ex.path_to(o.state), opt.symmetry));
    else run.traces.push_back(rebuild_trace(run.scenario, *run.design, ex.store(), o.state, opt.symmetry));
    if (o.violated && req.trace == TraceMode::FewestPreemptions) {
      // (the search runs on the whole graph: see checker/preemptions.hpp)
      std::optional<Trace> few = fewest_preemption_trace(run.scenario, *run.design, *o.property, opt.max_states);
      INVARIANT(few || opt.max_states, "a violated property has no fewest-preemption counterexample");
      if (few) {
        run.traces.back() = std::move(*few);
        const Trace& t = run.traces.back();
        if (!o.property->is_deadlock())
          o.detail = *o.property->check(run.scenario, t.last, all_threads_finished(run.scenario, t.last));
      }
    }
    if (o.violated) {
      mark_preemptions(run.scenario, *run.design, run.traces.back());
      explain_steps(run.scenario, *run.design, run.traces.back());
    }
    if (auto* smt = dynamic_cast<const SmtProperty*>(o.property); smt && o.violated)
      o.certificate = smt->certify(run.traces.back().last);
  }
  run.trace_mode = req.trace;
  if (run.result.no_execution_finishes()) run.no_finish = find_lasso(run.scenario, *run.design);
  if (run.result.completion == Completion::OutOfFrames) {
    Trace t = opt.hash_compact ? replay_steps(run.scenario, *run.design, ex.path_to(run.result.out_of_frames_at), opt.symmetry)
                               : rebuild_trace(run.scenario, *run.design, ex.store(), run.result.out_of_frames_at, opt.symmetry);
    throw InputError(req.scenario_file, 0, 0,
                     fmt::format("the scenario needs more than the model's bound kMaxFrames = {} frames "
                                 "(reached after {} steps{}); make it smaller",
                                 kMaxFrames, t.steps.size(), params_text(run.scenario.params).empty() ? "" : ", " + params_text(run.scenario.params)));
  }
  return run;
}

const char* trace_mode_name(TraceMode m) {
  switch (m) {
    case TraceMode::Shortest: return "shortest";
    case TraceMode::FewestPreemptions: return "fewest-preemptions";
  }
  return "?";
}

Verdict verdict_of(const ExploreResult& r, const PropertyOutcome& o) {
  if (o.violated) return Verdict::Violated;
  if (r.no_execution_finishes()) return Verdict::Vacuous;
  return r.completion == Completion::Exhausted ? Verdict::Holds : Verdict::Unknown;
}

const char* verdict_name(Verdict v) {
  switch (v) {
    case Verdict::Holds: return "holds";
    case Verdict::Violated: return "violated";
    case Verdict::Unknown: return "unknown";
    case Verdict::Vacuous: return "vacuous";
  }
  return "?";
}

int exit_status(const ExploreResult& r) {
  if (r.any_violated() || r.no_execution_finishes()) return 1;
  if (r.completion == Completion::LimitHit) return 3;
  return 0;
}

}  // namespace cow
