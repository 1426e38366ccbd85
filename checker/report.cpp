#include "model/cpu_options.hpp"
#include "checker/report.hpp"

#include "checker/columns.hpp"
#include "checker/preemptions.hpp"

#include <fmt/format.h>

#include "model/threads.hpp"
#include "model/names.hpp"
#include "properties/smt_property.hpp"

namespace cow {

namespace {
// How the search ended: the JSON key (exhausted, stopped, incomplete, out-of-frames)
// and the words the text report uses.
struct CompletionText {
  const char* key;
  const char* words;
};
CompletionText completion_text(Completion c) {
  switch (c) {
    case Completion::Exhausted: return {"exhausted", "exhausted"};
    case Completion::StoppedAllViolated: return {"stopped", "stopped: every property violated"};
    case Completion::LimitHit: return {"incomplete", "incomplete"};
    case Completion::OutOfFrames: return {"out-of-frames", "out of frames"};
  }
  return {"?", "?"};
}

std::string stats_line(const ExploreResult& r) {
  double rate = r.seconds > 0 ? static_cast<double>(r.states) / r.seconds : 0;
  return fmt::format("{} states, {} transitions, depth {}, {:.2f} s, {:.0f} states/s, {:.0f} bytes/state stored, "
                     "peak RSS {} MiB",
                     r.states, r.transitions, r.depth, r.seconds, rate,
                     r.states ? static_cast<double>(r.store_bytes) / static_cast<double>(r.states) : 0.0,
                     r.peak_rss_kb / 1024);
}

// The initial state and the steps of t, numbered from 1; with `mark`, the words
// printed before step `mark_at` (0-based).
std::string steps_text(const CheckRun& run, const Trace& t, std::size_t mark_at = 0, const std::string& mark = "") {
  std::string out = "  initial state:\n";
  for (const std::string& line : describe_state(run.scenario, *run.design, initial_state(run.scenario, *run.design)))
    out += "        " + line + "\n";
  std::size_t width = 0;
  for (const auto& th : run.scenario.threads) width = std::max(width, th.name.size());
  for (std::size_t n = 0; n < t.steps.size(); ++n) {
    const TraceStep& s = t.steps[n];
    if (n == mark_at && !mark.empty()) out += "  " + mark + "\n";
    const std::string preempts =
        s.preempts ? "   <- preempts " + run.scenario.threads[t.steps[n - 1].tid].name : std::string();
    out += fmt::format("  {:>3}. {:<{}}  {}{}\n", n + 1, run.scenario.threads[s.tid].name, width, s.label, preempts);
    if (!s.why.empty()) out += fmt::format("        {}\n", s.why);
    for (const std::string& c : s.changes) out += fmt::format("        {}\n", c);
  }
  return out;
}

// "11 steps, 1 preemption"
std::string trace_size_text(const Trace& t) {
  const unsigned p = preemption_count(t);
  return fmt::format("{} steps, {} preemption{}", t.steps.size(), p, p == 1 ? "" : "s");
}

nlohmann::json steps_json(const CheckRun& run, const Trace& t) {
  nlohmann::json steps = nlohmann::json::array();
  for (const TraceStep& s : t.steps) {
    steps.push_back({{"thread", run.scenario.threads[s.tid].name}, {"label", s.label}, {"changes", s.changes},
                     {"preempts", s.preempts}});
    if (!s.why.empty()) steps.back()["why"] = s.why;
  }
  return steps;
}

// The threads that have not finished at the end of the lasso, e.g. "drv, dev".
std::string unfinished_threads(const CheckRun& run, const Lasso& l) {
  std::string s;
  for (unsigned t = 0; t < run.scenario.threads.size(); ++t)
    if (!thread_finished(run.scenario, l.trace.last, t)) s += (s.empty() ? "" : ", ") + run.scenario.threads[t].name;
  return s;
}

// Hash compaction keeps fingerprints only: a final state may have been taken for another.
std::string compaction_caveat(const ExploreResult& r) {
  return r.hash_compact ? fmt::format("hash compaction may have missed a finishing execution, with probability <= {:.1e}: "
                                      "this verdict is only as sure as the compaction",
                                      r.omission_probability)
                        : "";
}

// Why no property holds, and an execution that never finishes.
std::string no_finish_text(const CheckRun& run) {
  const Lasso& l = *run.no_finish;
  std::string out =
      "NO EXECUTION FINISHES: the whole state space was explored and no execution ends with every thread "
      "finished (each loops forever or deadlocks), so no property can be said to hold: its verdict is vacuous.\n";
  if (const std::string c = compaction_caveat(run.result); !c.empty()) out += "Note: " + c + ".\n";
  const std::size_t n = l.trace.steps.size();
  if (l.deadlock) {
    out += fmt::format("\nAn execution that deadlocks ({} steps):\n", n);
    out += steps_text(run, l.trace);
    out += fmt::format("  DEADLOCK: no step is enabled; not finished: {}\n", unfinished_threads(run, l));
  } else {
    out += fmt::format("\nAn execution that loops forever ({} steps; steps {}-{} are a cycle):\n", n, l.cycle_start + 1, n);
    out += steps_text(run, l.trace, l.cycle_start,
                      fmt::format("--- cycle starts here: steps {}-{} lead back to this state, forever ---", l.cycle_start + 1, n));
    out += fmt::format("  --- back to the state before step {} (cycle starts there); not finished: {} ---\n", l.cycle_start + 1,
                       unfinished_threads(run, l));
  }
  return out;
}

nlohmann::json no_finish_json(const CheckRun& run) {
  const Lasso& l = *run.no_finish;
  nlohmann::json j = {{"kind", l.deadlock ? "deadlock" : "cycle"},
                      {"initial", describe_state(run.scenario, *run.design, initial_state(run.scenario, *run.design))},
                      {"steps", steps_json(run, l.trace)},
                      {"unfinished", unfinished_threads(run, l)}};
  if (!l.deadlock) j["cycle_start"] = l.cycle_start;  // 0-based index of the cycle's first step
  if (const std::string c = compaction_caveat(run.result); !c.empty()) j["caveat"] = c;
  return j;
}
}  // namespace

std::string text_trace(const CheckRun& run, std::size_t i) {
  const PropertyOutcome& o = run.result.outcomes[i];
  const Trace& t = run.traces[i];
  std::string out = fmt::format("Counterexample for {} ({}{}):\n", o.property->name(), trace_size_text(t),
                                run.trace_mode == TraceMode::FewestPreemptions ? "; the fewest preemptions, then the fewest steps" : "");
  out += steps_text(run, t);
  out += fmt::format("  VIOLATED {}: {}\n", o.property->name(), o.detail);
  if (!o.certificate.empty()) out += fmt::format("  {}\n", o.certificate);
  return out;
}

// What one op does, in a few words: its name, its page, and for a GUP its flags.
std::string sync_flags_text(u8 flags, std::string_view prefix, std::string_view sep) {
  std::string f;
  for (auto [bit, name] : {std::pair{kSyncWaitBefore, "WAIT_BEFORE"}, {kSyncWrite, "WRITE"}, {kSyncWaitAfter, "WAIT_AFTER"}})
    if (flags & bit) f += fmt::format("{}{}{}", f.empty() ? "" : sep, prefix, name);
  return f;
}

std::string op_text(const Scenario& sc, const Op& op) {
  std::string s = op_name(op.kind);
  switch (op.kind) {
    case OpKind::Fork: return s + (op.child < sc.processes.size() ? " -> " + sc.processes[op.child].name : "");
    case OpKind::Unpin: case OpKind::Dma: case OpKind::PinRead:
      return op.pin < sc.pins.size() ? s + " " + sc.pins[op.pin].name : s;
    case OpKind::Exit: case OpKind::Wait: case OpKind::ClearRefs: case OpKind::KsmScan: case OpKind::Disk: return s;
    case OpKind::SyncFileRange:
      return fmt::format("sync_file_range({}) page {}", sync_flags_text(op.sync_flags, "", "|"), op.page);
    case OpKind::Madvise:
      return fmt::format("madvise({}) page {}", op.advice == Advice::DontFork ? "MADV_DONTFORK"
                                                : op.advice == Advice::DoFork ? "MADV_DOFORK"
                                                                              : "MADV_DONTNEED", op.page);
    case OpKind::Mprotect: return fmt::format("mprotect({}) page {}", op.prot_write ? "PROT_READ|PROT_WRITE" : "PROT_READ", op.page);
    default: break;
  }
  s += fmt::format(" page {}", op.page);
  if (takes_pin(op.kind) || op.kind == OpKind::ProcMemWrite) {
    std::string f = op.kind == OpKind::ProcMemWrite ? "FOLL_WRITE|FOLL_FORCE" : op.gup_write ? "FOLL_WRITE" : "read";
    f += op.foll_pin ? ", FOLL_PIN" : op.kind == OpKind::ProcMemWrite ? "" : ", FOLL_GET";
    if (op.foll_longterm) f += ", FOLL_LONGTERM";
    if (op.kind != OpKind::PinLongterm && op.kind != OpKind::ProcMemWrite) f += op.gup_fast ? ", GUP-fast first" : ", slow GUP";
    s += " [" + f + "]";
  }
  return s;
}

std::vector<std::string> threads_legend(const Scenario& sc) {
  std::vector<std::string> out;
  for (const ThreadDef& td : sc.threads) {
    std::string ops;
    for (const Op& op : td.ops) ops += (ops.empty() ? "" : "; ") + op_text(sc, op);
    const std::string where = td.mm < sc.processes.size() ? sc.processes[td.mm].name : "a device";
    out.push_back(fmt::format("{} ({}): {}", td.name, where, ops.empty() ? "nothing" : ops));
  }
  return out;
}

std::string text_report(const CheckRun& run, const ReportOptions& opt) {
  const Scenario& sc = run.scenario;
  const ExploreResult& r = run.result;
  std::string out;
  std::string params = params_text(sc.params);
  out += fmt::format("scenario  {}{}: {}\n", sc.name, params.empty() ? "" : " (" + params + ")", sc.summary);
  out += fmt::format("design    {}: {}\n", run.design->name(), run.design->summary());
  out += fmt::format("cpu       {}\n", cpu_text(sc));
  const std::vector<std::string> legend = threads_legend(sc);
  for (std::size_t t = 0; t < legend.size(); ++t) out += (t == 0 ? "threads   " : "          ") + legend[t] + "\n";
  out += fmt::format("search    {}: {}\n", completion_text(r.completion).words, stats_line(r));
  if (r.por || r.symmetry || r.hash_compact) {
    std::string red;
    if (r.por) red += ", partial-order reduction (counterexamples are real but may be longer than the shortest)";
    if (r.symmetry) red += ", frame symmetry (states counted up to renaming of frames)";
    if (r.hash_compact)
      red += fmt::format(", hash compaction (a state may have been missed: probability <= {:.1e})", r.omission_probability);
    out += "reduced   " + red.substr(2) + "\n";
  }
  out += "\n";
  if (r.completion == Completion::LimitHit)
    out += r.limit.rfind("SIG", 0) == 0
               ? fmt::format("INCOMPLETE: stopped by {} before the state space was exhausted\n\n", r.limit)
               : fmt::format("INCOMPLETE: {} was reached before the state space was exhausted{}\n\n", r.limit,
                             r.por && r.symmetry ? "" : " (--por --symmetry explore far fewer states)");
  std::size_t width = 0;
  for (const auto& o : r.outcomes) width = std::max(width, o.property->name().size());
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const PropertyOutcome& o = r.outcomes[i];
    Verdict v = verdict_of(r, o);
    out += fmt::format("  {:<{}}  {}", o.property->name(), width, v == Verdict::Violated ? "VIOLATED" : verdict_name(v));
    if (v == Verdict::Violated) out += fmt::format(" ({})", trace_size_text(run.traces[i]));
    if (v == Verdict::Vacuous) out += " (no execution finishes)";
    out += "\n";
  }
  if (run.no_finish) out += "\n" + no_finish_text(run);
  // The shortest counterexample first; all of them with --all-traces.
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < r.outcomes.size(); ++i)
    if (r.outcomes[i].violated) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return run.traces[a].steps.size() < run.traces[b].steps.size(); });
  if (!opt.all_traces && order.size() > 1) order.resize(1);
  for (std::size_t i : order) out += "\n" + (opt.columns ? columns_trace(run, i) : text_trace(run, i));
  if (!opt.all_traces && r.any_violated() && r.outcomes.size() > 1)
    out += "\n(--all-traces prints a counterexample for every violated property; --property NAME picks one)\n";
  return out;
}

nlohmann::json json_trace(const CheckRun& run, std::size_t i) {
  nlohmann::json t = {{"scenario", run.scenario.name},
          {"file", run.scenario.file},
          {"params", run.scenario.params},
          {"design", std::string(run.design->name())},
          {"tlb", run.scenario.tlb},
          {"arch", arch_name(run.scenario.arch)},
          {"memory_model", memory_model_name(run.scenario.memory_model)},
          {"property", std::string(run.result.outcomes[i].property->name())},
          {"detail", run.result.outcomes[i].detail},
          {"initial", describe_state(run.scenario, *run.design, initial_state(run.scenario, *run.design))},
          {"steps", steps_json(run, run.traces[i])},
          {"trace", trace_mode_name(run.trace_mode)},
          {"preemptions", preemption_count(run.traces[i])}};
  if (auto* smt = dynamic_cast<const SmtProperty*>(run.result.outcomes[i].property)) t["property_file"] = smt->file();
  return t;
}

nlohmann::json json_report(const CheckRun& run) {
  const ExploreResult& r = run.result;
  nlohmann::json props = nlohmann::json::array();
  for (std::size_t i = 0; i < r.outcomes.size(); ++i) {
    const PropertyOutcome& o = r.outcomes[i];
    nlohmann::json p = {{"name", std::string(o.property->name())}, {"verdict", verdict_name(verdict_of(r, o))}};
    if (o.violated) {
      p["detail"] = o.detail;
      if (!o.certificate.empty()) p["certificate"] = o.certificate;
      p["trace"] = json_trace(run, i);
    }
    props.push_back(p);
  }
  double rate = r.seconds > 0 ? static_cast<double>(r.states) / r.seconds : 0;
  nlohmann::json j = {{"scenario", run.scenario.name},
          {"file", run.scenario.file},
          {"params", run.scenario.params},
          {"design", std::string(run.design->name())},
          {"tlb", run.scenario.tlb},
          {"arch", arch_name(run.scenario.arch)},
          {"memory_model", memory_model_name(run.scenario.memory_model)},
          {"completion", completion_text(r.completion).key},
          {"limit", r.limit},
          {"stats",
           {{"states", r.states},
            {"transitions", r.transitions},
            {"depth", r.depth},
            {"deadlocks", r.deadlocks},
            {"final_states", r.final_states},
            {"seconds", r.seconds},
            {"states_per_second", rate},
            {"store_bytes", r.store_bytes},
            {"por", r.por},
            {"symmetry", r.symmetry},
            {"hash_compact", r.hash_compact},
            {"omission_probability", r.omission_probability},
            {"peak_rss_kb", r.peak_rss_kb}}},
          {"properties", props}};
  if (run.no_finish) j["no_execution_finishes"] = no_finish_json(run);
  return j;
}

}  // namespace cow
