#include "checker/columns.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "checker/preemptions.hpp"

namespace cow {

std::vector<std::string> wrap_text(const std::string& s, std::size_t w) {
  const std::size_t lead = s.find_first_not_of(' ') == std::string::npos ? 0 : s.find_first_not_of(' ');
  const std::string indent(std::min(lead + 2, w / 2), ' ');  // continuation lines: two more
  std::vector<std::string> out;
  std::string rest = s;
  while (rest.size() > w) {
    // The last space in the second half of the line, else the last ':', ',' or '+', else
    // the last '(', else a hard cut.
    std::size_t cut = std::string::npos;
    for (std::string_view breaks : {std::string_view(" "), std::string_view(":,+"), std::string_view("(")}) {
      for (std::size_t i = w; i > w / 2 && cut == std::string::npos; --i)
        if (breaks.find(rest[i - 1]) != std::string_view::npos) cut = i;
      if (cut != std::string::npos) break;
    }
    if (cut == std::string::npos) cut = w;
    std::string line = rest.substr(0, cut);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out.push_back(line);
    rest = rest.substr(cut);
    while (!rest.empty() && rest.front() == ' ') rest.erase(0, 1);
    if (!rest.empty()) rest = indent + rest;
  }
  if (!rest.empty() || out.empty()) out.push_back(rest);
  return out;
}

std::string columns_trace(const CheckRun& run, std::size_t i, unsigned width) {
  const Scenario& sc = run.scenario;
  const Trace& t = run.traces[i];
  const PropertyOutcome& o = run.result.outcomes[i];
  const std::size_t n = sc.threads.size();
  constexpr std::size_t kNum = 4;  // "  12"
  // Every column gets the same width: " | " between columns, the step number first.
  const std::size_t col = std::max<std::size_t>(12, (width - kNum - 3 * n) / std::max<std::size_t>(n, 1));
  auto row = [&](const std::string& num, const std::vector<std::string>& cells) {
    std::string line = fmt::format("{:>{}}", num, kNum);
    for (std::size_t c = 0; c < n; ++c) line += " | " + fmt::format("{:<{}}", cells[c], col);
    while (!line.empty() && line.back() == ' ') line.pop_back();
    return line + "\n";
  };
  const unsigned p = preemption_count(t);
  std::string out = fmt::format("Counterexample for {} ({} steps, {} preemption{}), one column per thread:\n\n",
                                o.property->name(), t.steps.size(), p, p == 1 ? "" : "s");
  std::vector<std::string> head(n), rule(n, std::string(col, '-'));
  for (std::size_t c = 0; c < n; ++c) {
    const std::string& proc = sc.threads[c].mm < sc.processes.size() ? sc.processes[sc.threads[c].mm].name : "device";
    head[c] = fmt::format("CPU{}: {} ({})", c, sc.threads[c].name, proc).substr(0, col);
  }
  out += row("", head) + row("", rule);
  for (std::size_t k = 0; k < t.steps.size(); ++k) {
    const TraceStep& s = t.steps[k];
    std::vector<std::string> lines;
    if (s.preempts) lines.push_back("** preempts " + sc.threads[t.steps[k - 1].tid].name + " **");
    for (const std::string& l : wrap_text(s.label, col)) lines.push_back(l);
    if (!s.why.empty())
      for (const std::string& l : wrap_text("  " + s.why, col)) lines.push_back(l);
    for (const std::string& ch : s.changes)
      for (const std::string& l : wrap_text("  " + ch, col)) lines.push_back(l);
    for (std::size_t j = 0; j < lines.size(); ++j) {
      std::vector<std::string> cells(n);
      cells[s.tid] = lines[j];
      out += row(j == 0 ? std::to_string(k + 1) : "", cells);
    }
  }
  out += fmt::format("\n  VIOLATED {}: {}\n", o.property->name(), o.detail);
  return out;
}

}  // namespace cow
