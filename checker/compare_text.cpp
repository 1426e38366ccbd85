#include "checker/compare_text.hpp"

#include <algorithm>
#include <fmt/format.h>

#include "checker/costs.hpp"
#include "model/names.hpp"

namespace cow {

std::string short_title(const std::string& name) {
  if (name.find('-') == std::string::npos) return name.substr(0, 3);
  std::string s;
  bool start = true;
  for (char c : name) {
    if (start) s += c;
    start = c == '-';
  }
  return s;
}

namespace {

// Columns on a terminal: UTF-8 code points ("0–2" is three).
std::size_t display_width(const std::string& s) {
  return static_cast<std::size_t>(std::count_if(s.begin(), s.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

struct Style {
  bool color;
  std::string paint(const std::string& s, const char* code) const {
    return color ? std::string("\x1b[") + code + "m" + s + "\x1b[0m" : s;
  }
};

// "holds" -> "ok", "VIOLATED" -> "FAIL", padded to w, coloured.
std::string verdict_cell(const std::string& v, std::size_t w, const Style& st) {
  const std::string t = v == "holds" ? "ok" : v == "VIOLATED" ? "FAIL" : v == "unknown" ? "?" : v == "vacuous" ? "vac" : v;
  const std::string padded = fmt::format("{:<{}}", t, w);
  if (t == "ok") return st.paint(padded, "32");
  if (t == "FAIL") return st.paint(padded, "1;31");
  if (t == "?" || t == "vac") return st.paint(padded, "33");
  return padded;
}

// The names, wrapped at 100 columns: "dv dma-visible · owv own-write-visible · ...".
std::string legend_line(const std::vector<std::string>& names) {
  std::string out, line = "  ";
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string item = short_title(names[i]) + " " + names[i] + (i + 1 < names.size() ? ";" : "");
    if (line.size() + item.size() + 1 > 100) {
      out += line + "\n";
      line = "  ";
    }
    line += (line.size() > 2 ? " " : "") + item;
  }
  return out + line + "\n";
}

}  // namespace

std::string render_compare_text(const std::vector<CompareRow>& rows, bool costs, bool color, bool seconds) {
  const Style st{color};
  std::string out;
  for (std::size_t a = 0; a < rows.size();) {
    std::size_t b = a;
    while (b < rows.size() && rows[b].scenario == rows[a].scenario) ++b;
    const CompareRow& first = rows[a];
    std::vector<std::string> props;
    for (std::size_t i = a; i < b; ++i)
      for (const std::string& p : rows[i].properties)
        if (std::find(props.begin(), props.end(), p) == props.end()) props.push_back(p);
    std::size_t pw = 6, dw = 6;  // params, design widths
    for (std::size_t i = a; i < b; ++i) {
      pw = std::max(pw, params_text(rows[i].params).size());
      dw = std::max(dw, rows[i].design.size());
    }
    std::size_t vw = 4;  // "FAIL"
    for (const std::string& p : props) vw = std::max(vw, short_title(p).size());
    out += st.paint(fmt::format("{}: {}", first.scenario, first.summary), "1") + "\n\n";
    std::string head = fmt::format("{:<{}}  {:<{}} ", "params", pw, "design", dw);
    for (const std::string& p : props) head += " " + fmt::format("{:<{}}", short_title(p), vw);
    head += fmt::format(" {:>9}", "states");
    if (seconds) head += fmt::format(" {:>7}", "seconds");
    out += st.paint(head, "4") + "\n";
    for (std::size_t i = a; i < b; ++i) {
      const CompareRow& r = rows[i];
      std::string line = fmt::format("{:<{}}  {:<{}} ", params_text(r.params), pw, r.design, dw);
      for (const std::string& p : props) {
        auto it = r.verdicts.find(p);
        line += " " + verdict_cell(it == r.verdicts.end() ? "-" : it->second, vw, st);
      }
      line += fmt::format(" {:>9}", r.states);
      if (seconds) line += fmt::format(" {:>7.2f}", r.seconds);
      out += line + "\n";
    }
    out += legend_line(props);
    // The costs that are not zero on every row, with the end states first.
    if (costs) {
      std::vector<unsigned> kinds;
      for (unsigned k = 0; k < kCostKinds; ++k)
        for (std::size_t i = a; i < b; ++i)
          if (rows[i].costs && rows[i].costs->status == CostStatus::Computed && cost_cell(*rows[i].costs, k) != "0") {
            kinds.push_back(k);
            break;
          }
      std::vector<std::string> names{"end-states"};
      for (unsigned k : kinds) names.push_back(cost_name(static_cast<Cost>(k)));
      std::size_t cw = 4;
      for (std::size_t i = a; i < b; ++i)
        if (rows[i].costs)
          for (unsigned k : kinds) cw = std::max(cw, display_width(cost_cell(*rows[i].costs, k)));
      for (const std::string& n : names) cw = std::max(cw, short_title(n).size());
      std::string ch = fmt::format("{:<{}}  {:<{}} ", "params", pw, "design", dw);
      for (const std::string& n : names) ch += " " + fmt::format("{:>{}}", short_title(n), cw);
      out += "\n" + st.paint(ch, "4") + "\n";
      for (std::size_t i = a; i < b; ++i) {
        const CompareRow& r = rows[i];
        std::string line = fmt::format("{:<{}}  {:<{}} ", params_text(r.params), pw, r.design, dw);
        if (!r.costs || r.costs->status != CostStatus::Computed) {
          line += " " + (r.costs ? cost_note(*r.costs) : std::string("costs not computed"));
        } else {
          line += " " + fmt::format("{:>{}}", r.costs->finished, cw);
          for (unsigned k : kinds) line += " " + fmt::format("{:>{}}", cost_cell(*r.costs, k), cw);
        }
        out += line + "\n";
      }
      out += legend_line(names);
    }
    out += "\n";
    a = b;
  }
  out += "ok: holds over the whole state space; FAIL: violated (`cowcheck check FILE --design D`\n"
         "prints the trace); ?: a limit stopped the search; vac: no execution finishes. Costs: the\n"
         "least-greatest total over the executions that finish (∞: a retry loop can repeat it).\n"
         "`--format md` prints the Markdown table.\n";
  return out;
}

}  // namespace cow
