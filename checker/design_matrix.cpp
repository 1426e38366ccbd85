#include "checker/design_matrix.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>
#include <fmt/format.h>

#include "checker/heat_map.hpp"
#include "checker/report.hpp"
#include "checker/run.hpp"
#include "checker/svg.hpp"
#include "model/input_error.hpp"
#include "model/run_limits.hpp"
#include "model/names.hpp"

namespace cow {

namespace fs = std::filesystem;

namespace {

std::string shell_word(const std::string& arg) {
  if (!arg.empty() && arg.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=,:+") ==
                          std::string::npos)
    return arg;
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

void write_file(const fs::path& path, const std::string& text) {
  std::ofstream f(path, std::ios::binary);
  f << text;
  f.close();
  if (!f) throw InputError(path.string(), 0, 0, "--papers: cannot write this file");
}

// The name of a VIOLATED cell's files, less the extension: NAME.txt (the trace), NAME.svg
// (its picture).
std::string trace_file_stem(const CompareRow& r, const std::string& property) {
  std::string name = r.scenario;
  for (const auto& [k, v] : r.params) name += fmt::format("--{}={}", k, v);
  name += "--" + r.design + "--" + property;
  for (char& c : name)
    if (c == '/' || c == ' ' || c == '\\') c = '_';
  return name;
}

std::string check_command(const CompareRow& r, const std::string& property, const CompareOptions& opt) {
  std::string cmd = "cowcheck check " + shell_word(r.file) + " --design " + shell_word(r.design) + " --property " + shell_word(property);
  for (const auto& [k, v] : r.params) cmd += fmt::format(" --param {}={}", k, v);
  if (opt.cpu.tlb) cmd += *opt.cpu.tlb ? " --tlb on" : " --tlb off";
  if (opt.cpu.arch) cmd += std::string(" --arch ") + arch_name(*opt.cpu.arch);
  if (opt.trace != TraceMode::Shortest) cmd += std::string(" --trace ") + trace_mode_name(opt.trace);
  return cmd;
}

bool named_paper(const CompareOptions& opt) { return opt.paper != "design-matrix"; }
// Where the paper's traces go, relative to DIR.
std::string traces_dir(const CompareOptions& opt) { return named_paper(opt) ? opt.paper : "traces"; }

// A VIOLATED cell's counterexample: what `cowcheck check --property P` prints for this row,
// less its search statistics line (times and memory), and what `check --svg` draws of it;
// from a plain search so that the counterexample is the shortest (or, with --trace
// fewest-preemptions, the one with the fewest preemptions). Both empty when the plain
// search finds no violation (it always does when compare did).
struct Counterexample {
  std::string text, svg;
};
Counterexample counterexample(const CompareRow& r, const std::string& property, const CompareOptions& opt) {
  CheckRequest req;
  req.scenario_file = r.file;
  req.design = r.design;
  req.params = r.params;
  req.properties = {property};
  req.explore.threads = std::max(1u, std::thread::hardware_concurrency());
  start_run_limits(opt.time_limit, 0);  // per run
  req.explore.max_states = opt.max_states;
  req.cpu = opt.cpu;
  req.trace = opt.trace;
  CheckRun run = run_check(req);
  if (!run.result.any_violated()) return {};
  std::istringstream in(text_report(run, ReportOptions{}));
  Counterexample out;
  for (std::string line; std::getline(in, line);)
    if (line.rfind("search ", 0) != 0) out.text += line + "\n";
  out.svg = svg_picture(run, pictured_outcomes(run, false));  // the one property's trace
  return out;
}

std::string legend(const std::vector<CompareRow>& rows, const CompareOptions& opt) {
  std::string s =
      "Each table has one row per parameter setting (the scenario's `matrix`) and design. A verdict is "
      "over the whole state space; each VIOLATED links to the " +
      std::string(opt.trace == TraceMode::Shortest ? "shortest counterexample"
                                                    : "counterexample with the fewest preemptions") +
      " and to its picture (a swim-lane timeline, as `check --svg` draws it). *states*: reachable states.";
  if (std::any_of(rows.begin(), rows.end(), [](const CompareRow& r) { return r.no_execution_finishes; }))
    s += std::string(" ") + kVacuousNote;
  if (opt.por || opt.symmetry) s += " States are those of the reduced graph (the command's reductions).";
  if (opt.costs)
    s += " *end states*: how many distinct states the finishing executions (every thread done) end in. "
         "Each cost is the least–greatest total over every finishing execution, on the whole graph (∞: a "
         "retry loop can repeat it without bound; n/a: no execution finishes):\n\n";
  else
    s += "\n";
  if (opt.costs)
    for (unsigned k = 0; k < kCostKinds; ++k)
      s += fmt::format("- {}: {}\n", cost_name(static_cast<Cost>(k)), cost_title(static_cast<Cost>(k)));
  return s;
}

}  // namespace

void check_papers_dir(const CompareOptions& opt) {
  const std::string& dir = opt.papers;
  if (opt.paper.empty() || opt.paper.find_first_of("/\\.") != std::string::npos || opt.paper == "traces")
    throw InputError("--paper expects a plain name (letters, digits, '-'), got '" + opt.paper + "'");
  if (named_paper(opt) && opt.intro.empty())
    throw InputError("--paper " + opt.paper + " needs --intro FILE: the Markdown its title and argument come from");
  if (!opt.intro.empty() && !fs::is_regular_file(opt.intro))
    throw InputError(opt.intro, 0, 0, "--intro expects a readable Markdown file");
  std::error_code ec;
  fs::create_directories(fs::path(dir) / traces_dir(opt), ec);
  if (ec)
    throw InputError(dir, 0, 0, "--papers expects a directory that can be created and written (" + ec.message() + ")");
  const fs::path probe = fs::path(dir) / traces_dir(opt) / ".cowcheck-write-probe";
  {
    std::ofstream f(probe);
    if (!f) throw InputError(dir, 0, 0, "--papers expects a writable directory (cannot create a file in its traces/)");
  }
  fs::remove(probe, ec);
}

std::string papers_command(const CompareOptions& opt) {
  std::string designs;
  for (const std::string& d : opt.designs) designs += (designs.empty() ? "" : ",") + d;
  std::string cmd = "cowcheck compare --designs " + shell_word(designs) + " --scenarios";
  for (const std::string& s : opt.scenarios) cmd += " " + shell_word(s);
  for (const auto& [k, v] : opt.params) cmd += fmt::format(" --param {}={}", k, v);
  if (opt.por) cmd += " --por";
  if (opt.symmetry) cmd += " --symmetry";
  if (!opt.costs) cmd += " --no-costs";
  if (opt.costs_max_states != CostOptions{}.max_states) cmd += fmt::format(" --costs-max-states {}", opt.costs_max_states);
  if (opt.time_limit > 0) cmd += fmt::format(" --time-limit {}", opt.time_limit);
  if (opt.cpu.tlb) cmd += *opt.cpu.tlb ? " --tlb on" : " --tlb off";
  if (opt.cpu.arch) cmd += std::string(" --arch ") + arch_name(*opt.cpu.arch);
  if (opt.trace != TraceMode::Shortest) cmd += std::string(" --trace ") + trace_mode_name(opt.trace);
  cmd += " --papers " + shell_word(opt.papers);
  if (named_paper(opt)) cmd += " --paper " + shell_word(opt.paper) + " --intro " + shell_word(opt.intro);
  return cmd;
}

void write_design_matrix(const std::vector<CompareRow>& rows, const CompareOptions& opt) {
  const std::string tdir = traces_dir(opt), md_name = opt.paper + ".md";
  const fs::path dir(opt.papers), traces = dir / tdir;
  const std::string command = papers_command(opt);
  std::set<std::string> written;
  std::string md;
  if (named_paper(opt)) {
    std::ifstream in(opt.intro);
    std::stringstream ss;
    ss << in.rdbuf();
    md = ss.str();
    if (!md.empty() && md.back() != '\n') md += "\n";
    md += "\n## The tables\n\n";
  } else {
    md = "# The design matrix\n\n";
  }
  md += "Generated by `" + command +
        "`, run from the source directory (`cmake --build --preset release --target papers` runs exactly that)" +
        (named_paper(opt) ? ", after the text of `" + opt.intro + "` above. Never edit this file or `" + tdir +
                                "/` by hand: edit the text there and rerun the command."
                          : ". Never edit this file, `design-matrix.svg` or `traces/` by hand: rerun the command.") +
        " A test fails when they differ from what the command produces.\n\n";
  if (!named_paper(opt)) {  // the overview: a picture, and the same in marks for a terminal
    const HeatMap map = heat_map(rows);
    write_file(dir / "design-matrix.svg", heat_map_svg(map, md_name));
    md += "![The design matrix at a glance: a row per scenario setting, a column per design; red: some property "
          "violated, green: every property holds](design-matrix.svg)\n\n" +
          heat_map_md(map) + "\n";
  }
  md += legend(rows, opt);
  for (std::size_t i = 0; i < rows.size();) {
    // One section per scenario file: its rows are consecutive.
    std::size_t end = i;
    while (end < rows.size() && rows[end].file == rows[i].file) ++end;
    const CompareRow& first = rows[i];
    md += fmt::format("\n{} {}\n\n{} (`{}`). {}.{}\n\n| params | design |", named_paper(opt) ? "###" : "##", first.scenario,
                      first.summary, first.file, first.cpu,
                      first.cpu.find("arch rcu") != std::string::npos
                          ? " The designs whose GUP-fast relies on the x86 flush IPI (before 4.13) do not run here"
                          : "");
    for (const std::string& p : first.properties) md += " " + p + " |";
    md += " states |";
    if (opt.costs) {
      md += " end states |";
      for (unsigned k = 0; k < kCostKinds; ++k) md += fmt::format(" {} |", cost_name(static_cast<Cost>(k)));
    }
    md += "\n|---|---|";
    for (std::size_t p = 0; p < first.properties.size(); ++p) md += "---|";
    md += "---:|";
    if (opt.costs)
      for (unsigned k = 0; k <= kCostKinds; ++k) md += "---:|";
    md += "\n";
    for (; i < end; ++i) {
      const CompareRow& r = rows[i];
      md += fmt::format("| {} | {} |", r.params.empty() ? "(none)" : params_text(r.params), r.design);
      for (const std::string& p : r.properties) {
        std::string v = r.verdicts.at(p);
        if (v == "VIOLATED") {
          const Counterexample cx = counterexample(r, p, opt);
          if (!cx.text.empty()) {
            const std::string stem = trace_file_stem(r, p);
            write_file(traces / (stem + ".txt"),
                       "Generated by `" + command + "` (" + md_name + "); never edit by hand.\n" +
                           "What `" + check_command(r, p, opt) + "` prints, less its search statistics line.\n\n" + cx.text);
            write_file(traces / (stem + ".svg"), cx.svg);
            written.insert(stem + ".txt");
            written.insert(stem + ".svg");
            v = "[VIOLATED](" + tdir + "/" + stem + ".txt) ([picture](" + tdir + "/" + stem + ".svg))";
          }
        }
        md += " " + v + " |";
      }
      md += fmt::format(" {} |", r.states);
      if (opt.costs && r.costs) {
        md += fmt::format(" {} |", r.costs->finished);
        for (unsigned k = 0; k < kCostKinds; ++k) md += " " + cost_cell(*r.costs, k) + " |";
      }
      md += "\n";
    }
  }
  write_file(dir / md_name, md);
  // What an earlier run wrote and this one did not: a verdict changed, or a row went away.
  std::vector<fs::path> stale;
  for (const auto& e : fs::directory_iterator(traces))
    if (!e.is_directory() && !written.count(e.path().filename().string())) stale.push_back(e.path());
  for (const fs::path& p : stale) fs::remove(p);
}

}  // namespace cow
