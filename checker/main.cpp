// cowcheck: the command line (README.md; docs/architecture.md).
//   check    explore one scenario under one design, print verdicts and a counterexample
//   compare  every design x every scenario, one table
//   list     designs | scenarios | properties | signature
//   replay   re-execute a JSON counterexample
//   repro    write a counterexample as a C program for the real kernel
//   litmus   a weak-memory counterexample as a herd7 litmus test
// Exit status (model/exit_status.hpp): 0 holds, 1 violation, 2 bad input or usage,
// 3 incomplete (a limit or a signal stopped it), 4 internal error.
#include <algorithm>
#include <CLI/CLI.hpp>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <thread>
#include <unistd.h>

#include "checker/compare.hpp"
#include "checker/design_tables.hpp"
#include "checker/itf.hpp"
#include "checker/litmus.hpp"
#include "checker/replay.hpp"
#include "checker/repro.hpp"
#include "checker/report.hpp"
#include "checker/svg.hpp"
#include "model/exit_status.hpp"
#include "model/input_error.hpp"
#include "model/run_limits.hpp"
#include "model/names.hpp"
#include "model/scenario_load.hpp"
#include "properties/resolve.hpp"
#include "properties/signature.hpp"
#include "properties/smt_property.hpp"
#include "model/design_registry.hpp"

using namespace cow;

namespace {

std::map<std::string, long> parse_params(const std::vector<std::string>& kvs) {
  std::map<std::string, long> out;
  for (const std::string& kv : kvs) {
    auto eq = kv.find('=');
    std::string key = kv.substr(0, eq);
    std::string val = eq == std::string::npos ? "" : kv.substr(eq + 1);
    // Strict: a name of letters, digits and '_', an integer with no spaces ("K= 1" and
    // "K=1x" are refused, not read as K=1).
    bool name_ok = !key.empty() && !std::isdigit(static_cast<unsigned char>(key[0]));
    for (char c : key) name_ok = name_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_');
    std::size_t digits_from = !val.empty() && val[0] == '-' ? 1 : 0;
    bool val_ok = val.size() > digits_from;
    for (std::size_t i = digits_from; i < val.size(); ++i) val_ok = val_ok && std::isdigit(static_cast<unsigned char>(val[i]));
    if (eq == std::string::npos || !name_ok || !val_ok)
      throw InputError("--param expects NAME=INTEGER (no spaces), got '" + kv + "'");
    char* end = nullptr;
    errno = 0;
    long v = std::strtol(val.c_str(), &end, 10);
    if (errno == ERANGE) throw InputError("--param " + kv + ": the value is out of range");
    out[key] = v;
  }
  return out;
}

TraceMode parse_trace_mode(const std::string& s) {
  if (s == "shortest") return TraceMode::Shortest;
  if (s == "fewest-preemptions") return TraceMode::FewestPreemptions;
  throw InputError("--trace must be shortest or fewest-preemptions, got '" + s + "'");
}

struct CheckArgs {
  std::string scenario, design, format = "text", trace_out, tlb, arch, memory_model, trace = "shortest";
  std::string svg;  // --svg FILE: the counterexample as a picture (checker/svg.hpp)
  std::vector<std::string> params, properties;
  unsigned threads = 0;
  unsigned long long max_states = 0, max_memory = 0;
  double time_limit = 0;
  bool full = false, all_traces = false, quiet = false, por = false, symmetry = false, hash_compact = false;
};

// Checks --trace-out before the search (opened for appending, so an existing file is
// kept if the run stops early), so that an unwritable path is an error at once rather
// than after an hour of exploring.
void check_trace_out(const std::string& path) {
  if (path.empty()) return;
  if (std::filesystem::is_directory(path)) throw InputError(path, 0, 0, "--trace-out: this is a directory, not a file");
  std::error_code ec;
  const bool existed = std::filesystem::exists(path, ec);
  {
    std::ofstream f(path, std::ios::app);
    if (!f) throw InputError(path, 0, 0, "--trace-out: cannot write the trace file (" + std::string(std::strerror(errno)) + ")");
  }
  // Only a test: a run that fails before it writes the trace leaves no empty file behind.
  if (!existed) std::filesystem::remove(path, ec);
}

int do_check(const CheckArgs& a) {
  // Stage 1: the request, from the options.
  start_run_limits(a.time_limit, a.max_memory);
  CheckRequest req;
  req.scenario_file = a.scenario;
  req.design = a.design;
  req.params = parse_params(a.params);
  req.properties = a.properties;
  req.cpu = {parse_tlb_option(a.tlb), parse_arch_option(a.arch), parse_memory_model_option(a.memory_model)};
  req.explore.full = a.full;
  req.explore.por = a.por;
  req.explore.symmetry = a.symmetry;
  req.explore.hash_compact = a.hash_compact;
  req.explore.max_states = a.max_states;
  req.explore.progress = !a.quiet && isatty(STDERR_FILENO);
  if (a.format != "text" && a.format != "json" && a.format != "columns" && a.format != "itf")
    throw InputError("--format must be text, json, columns or itf, got '" + a.format + "'");
  req.explore.threads = a.threads ? a.threads : std::max(1u, std::thread::hardware_concurrency());
  req.trace = parse_trace_mode(a.trace);
  // Stage 2: load, explore, rebuild the counterexamples.
  check_trace_out(a.trace_out);
  CheckRun run = run_check(req);
  // Stage 3: print.
  if (a.format == "json") std::cout << json_report(run).dump(2) << "\n";
  else if (a.format == "itf") std::cout << itf_report(run).dump(2) << "\n";  // checker/itf.hpp
  else std::cout << text_report(run, ReportOptions{a.all_traces, a.format == "columns"});
  if (!a.trace_out.empty()) {
    std::ofstream trace_file(a.trace_out);
    nlohmann::json traces = nlohmann::json::array();
    for (std::size_t i = 0; i < run.result.outcomes.size(); ++i)
      if (run.result.outcomes[i].violated) traces.push_back(json_trace(run, i));
    trace_file << traces.dump(2) << "\n";
    trace_file.close();
    if (!trace_file) throw InputError(a.trace_out, 0, 0, "--trace-out: writing the trace file failed (disk full?)");
  }
  if (!a.svg.empty()) write_svg(run, a.all_traces, a.svg);
  return exit_status(run.result);
}

int do_list(const std::string& what, const std::string& dir, const std::string& format) {
  if (format != "text" && format != "md") throw InputError("--format must be text or md, got '" + format + "'");
  if (what == "designs" && format == "md") {
    fmt::print("{}", designs_table_md());
  } else if (what == "designs") {
    std::size_t w = 0;
    for (const Design* d : all_designs()) w = std::max(w, d->name().size());
    for (const Design* d : all_designs())
      fmt::print("{:<{}} {}\n{:<{}} source: {}\n", d->name(), w, d->summary(), "", w, d->source());
  } else if (what == "properties") {
    for (const KnownProperty& k : known_properties()) fmt::print("{:<26} {}\n", k.name, k.summary);
    fmt::print("\n(files in {}; --property FILE.smt2 checks your own)\n", properties_dir());
  } else if (what == "signature") {
    fmt::print(
        "; The signature properties are written over (SMT-LIB 2; `cowcheck check --property FILE.smt2`).\n"
        "; Finite sorts range over the scenario, each with a nil element so every function is total:\n"
        ";   Mm      |mm:NAME| per process, no_mm        Vpage   vpage0 .. vpage{}\n"
        ";   Frame   |frame#0| .. |frame#{}|, no_frame     Pin     |pin:NAME| per pin, no_pin\n"
        ";   Thread  |thread:NAME| per thread, no_thread\n"
        ";   Value   initial, and |val:WRITER:KIND@PAGE| per write in the scenario (who wrote what)\n",
        kMaxVpages - 1, kMaxFrames - 1);
    for (Sort s : kFiniteSorts) fmt::print("(declare-sort {} 0)\n", sort_name(s));
    for (const SigFunction& f : signature()) {
      std::string args;
      for (Sort a : f.args) args += (args.empty() ? "" : " ") + std::string(sort_name(a));
      fmt::print("(declare-fun {} ({}) {})\n    ; {}\n", f.name, args, sort_name(f.result), f.meaning);
    }
  } else if (what == "scenarios") {
    if (!std::filesystem::is_directory(dir)) throw InputError(dir, 0, 0, "list scenarios --dir: not a directory");
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::recursive_directory_iterator(dir))
      if (e.path().extension() == ".toml") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const std::string& f : files) {
      Scenario sc = load_scenario(f);
      fmt::print("{:<32} {}{}\n", f, sc.summary, sc.params.empty() ? "" : " [" + params_text(sc.params) + "]");
    }
  } else if (what == "traits") {
    fmt::print("{}", traits_table_md());
  } else if (what == "hooks") {
    fmt::print("{}", hooks_table_md());
  } else {
    throw InputError("list what? expected designs, traits, hooks, scenarios, properties or signature, got '" + what +
                     "'");
  }
  return 0;
}

// new-design: the file, written where it was asked (never over an existing file).
int do_new_design(const std::string& name, const std::string& base, std::string out) {
  const std::string text = new_design_source(name, base);
  if (out == "-") {
    std::cout << text;
    return 0;
  }
  if (out.empty()) out = new_design_path(name);
  if (std::filesystem::exists(out)) throw InputError(out, 0, 0, "new-design: the file exists already; not overwritten");
  std::ofstream f(out);
  f << text;
  f.close();
  if (!f) throw InputError(out, 0, 0, "new-design: cannot write this file (run it from the source tree, or give -o FILE)");
  fmt::print("wrote {}: design '{}' derived from '{}'. Build (cmake --build --preset release) and it is listed by "
             "`cowcheck list designs`; docs/writing-a-design.md says what to change.\n",
             out, name, base);
  return 0;
}

}  // namespace

// The limits' validators: a count is a plain decimal number (CLI11 would otherwise read
// "-1" into an unsigned as 2^64-1), seconds a finite number >= 0 ("nan" and "inf" refused).
const CLI::Validator kCount(
    [](std::string& s) -> std::string {
      if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos)
        return "expected a whole number from 0 to 9999999999999999999, got '" + s + "'";
      return "";
    },
    "COUNT");
const CLI::Validator kPositiveCount(
    [](std::string& s) -> std::string {
      if (s.empty() || s.size() > 19 || s.find_first_not_of("0123456789") != std::string::npos ||
          s.find_first_not_of('0') == std::string::npos)
        return "expected a whole number of states from 1 to 9999999999999999999, got '" + s + "'";
      return "";
    },
    "COUNT");
const CLI::Validator kSeconds(
    [](std::string& s) -> std::string {
      char* end = nullptr;
      double v = std::strtod(s.c_str(), &end);
      if (s.empty() || *end != '\0' || !std::isfinite(v) || v < 0 || v > 1e9 || std::isspace(static_cast<unsigned char>(s[0])))
        return "expected a number of seconds from 0 to 1e9, got '" + s + "'";
      return "";
    },
    "SECONDS");

int main(int argc, char** argv) {
  install_stop_signals();
  CLI::App app{"cowcheck: a model checker for Linux fork / copy-on-write / get_user_pages races"};
  app.require_subcommand(1);

  CheckArgs ca;
  CLI::App* check = app.add_subcommand("check", "explore every interleaving of a scenario under a design");
  check->add_option("scenario", ca.scenario, "scenario file (TOML)")->required();
  check->add_option("--design", ca.design, "design name (cowcheck list designs)")->required();
  check->add_option("--param", ca.params, "override a scenario parameter, NAME=VALUE")->take_all();
  check->add_option("--property", ca.properties, "property to check (default: the scenario's)")->take_all();
  check->add_option("--format", ca.format,
                    "text, json, columns (each trace as a CPU0 | CPU1 | ... table) or itf (the counterexamples in "
                    "Apalache's ITF)");
  check->add_option("--trace-out", ca.trace_out, "write the counterexamples as JSON to FILE");
  check->add_option("--svg", ca.svg, "draw the counterexample (every one with --all-traces) as an SVG picture in FILE");
  check->add_option("--threads", ca.threads, "worker threads (default: every core; results do not depend on it)");
  check->add_option("--max-states", ca.max_states, "stop (incomplete, exit 3) after N states (0: no limit)")
      ->check(kCount);
  check->add_option("--time-limit", ca.time_limit, "stop (incomplete, exit 3) after S seconds (0: no limit)")
      ->check(kSeconds);
  check->add_option("--max-memory", ca.max_memory, "stop (incomplete, exit 3) above N MiB of RSS (0: no limit)")
      ->check(kCount);
  check->add_option("--tlb", ca.tlb, "on or off: model each CPU's TLB (default: the scenario's `tlb` key)");
  check->add_option("--arch", ca.arch, "x86 or rcu: what protects GUP-fast (default: the scenario's `arch` key, else x86)");
  check->add_option("--memory-model", ca.memory_model,
                    "sc, tso or lkmm: how CPUs order the lockless accesses (default: the scenario's `memory_model` key, "
                    "else sc)");
  check->add_flag("--full", ca.full, "explore the whole state space even after every property failed");
  check->add_flag("--all-traces", ca.all_traces, "print a counterexample for every violated property");
  check->add_option("--trace", ca.trace,
                    "shortest (default) or fewest-preemptions: the counterexample with the fewest preemptions, "
                    "then the fewest steps (searched on the whole graph, whatever --por and --symmetry)");
  check->add_flag("--por", ca.por, "partial-order reduction: fewer states, same verdicts (the trace may be longer)");
  check->add_flag("--symmetry", ca.symmetry, "store states up to renaming of frames: fewer states, same verdicts");
  check->add_flag("--hash-compact", ca.hash_compact,
                  "keep 64-bit fingerprints only: far less memory, but a state may be missed (the report says how likely)");
  check->add_flag("--quiet", ca.quiet, "no progress line on stderr (it is shown only on a terminal)");

  CompareOptions co;
  std::vector<std::string> cparams;
  std::string designs = "all";
  std::string out_file;
  CLI::App* compare = app.add_subcommand("compare", "run designs against scenarios, print one table");
  std::string compare_trace = "shortest";
  compare->add_option("--trace", compare_trace,
                      "with --papers: the counterexample each VIOLATED links to, shortest (default) or fewest-preemptions");
  compare->add_option("--designs", designs, "all, or a comma-separated list");
  compare->add_option("--scenarios", co.scenarios, "scenario files or directories, comma-separated or several")
      ->required()
      ->take_all()
      ->delimiter(',');
  compare->add_option("--param", cparams, "NAME=VALUE for the scenarios that have it")->take_all();
  compare->add_option("--format", co.format,
                      "text (a compact table; the default on a terminal, coloured), md (the default otherwise), csv or json");
  compare->add_option("--out", out_file, "write the table to FILE too");
  compare->add_option("--time-limit", co.time_limit, "per run, seconds (0: no limit)")->check(kSeconds);
  std::string ctlb, carch, cmm;
  compare->add_option("--tlb", ctlb, "on or off for every scenario (default: each scenario's `tlb` key)");
  compare->add_option("--arch", carch, "x86 or rcu for every scenario (default: each scenario's `arch` key)");
  compare->add_option("--memory-model", cmm, "sc, tso or lkmm for every scenario (default: each scenario's key, else sc)");
  compare->add_flag("--por", co.por, "partial-order reduction (states counted in the reduced graph)");
  compare->add_flag("--symmetry", co.symmetry, "frame symmetry (states counted up to renaming of frames)");
  bool no_costs = false;
  compare->add_flag("--no-costs", no_costs, "skip the costs pass (the least and greatest cost of every finishing execution)");
  bool no_seconds = false;
  compare->add_flag("--no-seconds", no_seconds,
                    "leave out the seconds column (md, csv, text): the table is then the same on every run");
  compare->add_option("--costs-max-states", co.costs_max_states,
                      "the costs pass gives up (\"not computed\") above N states (default 5000000)")
      ->check(kPositiveCount);
  compare->add_option("--papers", co.papers,
                      "write DIR/design-matrix.md and DIR/traces/ (the design matrix paper; reproducible byte for byte)");
  compare->add_option("--paper", co.paper,
                      "with --papers: write DIR/NAME.md and DIR/NAME/ instead, a paper that starts with --intro's text");
  compare->add_option("--intro", co.intro, "with --paper: the Markdown (title and argument) the paper starts with");

  std::string replay_file;
  CLI::App* replay_cmd = app.add_subcommand("replay", "re-execute a JSON counterexample step by step and check it");
  replay_cmd->add_option("trace", replay_file, "a file written by check --trace-out (or check --format json or itf)")->required();

  std::string repro_file, repro_out = "-";
  CLI::App* repro_cmd = app.add_subcommand(
      "repro", "write a counterexample as a C program that runs it on this machine's kernel and prints KTAP (cow.c style)");
  repro_cmd->add_option("trace", repro_file, "a file written by check --trace-out, --format json or itf")->required();
  repro_cmd->add_option("-o,--out", repro_out, "where to write the program (default: - for stdout)");

  std::string litmus_file, litmus_design;
  CLI::App* litmus_cmd = app.add_subcommand(
      "litmus", "write a weak-memory counterexample (PageAnonExclusive vs GUP-fast) as a herd7 litmus test for the LKMM");
  litmus_cmd->add_option("trace", litmus_file, "a file written by check --trace-out under --memory-model lkmm")->required();
  litmus_cmd->add_option("--design", litmus_design, "the barriers of this design instead of the trace's (e.g. the fix)");

  std::string list_what, list_dir = "scenarios", list_format = "text";
  CLI::App* list = app.add_subcommand("list", "list designs, their traits or hooks, scenarios or properties");
  list->add_option("what", list_what, "designs | traits | hooks | scenarios | properties | signature")->required();
  list->add_option("--dir", list_dir, "where to look for scenarios");
  list->add_option("--format", list_format, "designs: text or md (traits and hooks are always Markdown tables)");

  std::string nd_name, nd_base, nd_out;
  CLI::App* new_design = app.add_subcommand(
      "new-design", "write a new design file derived from an existing design (docs/writing-a-design.md)");
  new_design->add_option("name", nd_name, "the new design's name, e.g. v6.0 or fork-lock-writable")->required();
  new_design->add_option("--from", nd_base, "the design its patch applies to")->required();
  new_design->add_option("-o,--out", nd_out, "where to write it (default: model/designs/NAME.cpp; - for stdout)");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    int rc = app.exit(e);
    return rc == 0 ? 0 : 2;
  }
  try {
    if (*check) return do_check(ca);
    if (*list) return do_list(list_what, list_dir, list_format);
    if (*new_design) return do_new_design(nd_name, nd_base, nd_out);
    if (*litmus_cmd) {
      std::cout << litmus(litmus_file, litmus_design);
      return 0;
    }
    if (*repro_cmd) {
      const std::vector<ReexecutedTrace> traces = reexecute_traces(repro_file);
      if (traces.size() != 1)
        throw InputError(repro_file, 0, 0,
                         fmt::format("a reproducer is written for one trace; the file has {} (use check --property P)", traces.size()));
      const std::string program = repro_program(traces[0], ReproOptions{repro_file});
      if (repro_out == "-") {
        std::cout << program;
      } else {
        std::ofstream f(repro_out);
        f << program;
        f.close();
        if (!f) throw InputError(repro_out, 0, 0, "-o: cannot write the program to this file");
      }
      return 0;
    }
    if (*replay_cmd) {
      std::string out;
      int rc = replay(replay_file, out);
      std::cout << out;
      return rc;
    }
    if (*compare) {
      std::stringstream ss(designs);
      for (std::string d; std::getline(ss, d, ',');) {
        if (d.empty()) throw InputError("--designs expects all, or design names separated by commas, got '" + designs + "'");
        co.designs.push_back(d);
      }
      if (co.designs.empty() || designs.back() == ',') throw InputError("--designs expects all, or design names separated by commas, got '" + designs + "'");
      co.params = parse_params(cparams);
      co.cpu = {parse_tlb_option(ctlb), parse_arch_option(carch), parse_memory_model_option(cmm)};
      co.costs = !no_costs;
      co.seconds = !no_seconds;
      co.trace = parse_trace_mode(compare_trace);
      if (compare->count("--format") == 0 && isatty(STDOUT_FILENO)) co.format = "text";  // a person reads it
      co.color = co.format == "text" && isatty(STDOUT_FILENO) && !std::getenv("NO_COLOR");
      std::string table = run_compare(co);
      std::cout << table;
      if (!out_file.empty()) {
        std::ofstream f(out_file);
        f << table;
        f.close();
        if (!f) throw InputError(out_file, 0, 0, "--out: cannot write the table to this file");
      }
      return 0;
    }
  } catch (const InputError& e) {
    std::cerr << e.render() << "\n";
    return kExitBadInput;
  } catch (const LimitReached& e) {
    std::cerr << "cowcheck: incomplete: " << e.what() << " (no verdict)\n";
    return kExitIncomplete;
  } catch (const std::bad_alloc&) {
    std::cerr << "cowcheck: incomplete: out of memory (give --max-memory to stop cleanly below a bound)\n";
    return kExitIncomplete;
  } catch (const std::exception& e) {
    std::cerr << "cowcheck: internal error: " << e.what()
              << "\ncowcheck: this is a bug in cowcheck, not in your input; please report it with the command line "
                 "and the files it read\n";
    return kExitInternal;
  }
  return kExitBadInput;
}
