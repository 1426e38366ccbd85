// The design matrix at a glance: see heat_map.hpp.
#include "checker/heat_map.hpp"

#include <algorithm>
#include <cctype>
#include <fmt/format.h>
#include <map>
#include <string_view>

#include "checker/svg.hpp"
#include "model/names.hpp"

namespace cow {

namespace {


std::string joined(const std::vector<std::string>& v) {
  std::string s;
  for (const std::string& x : v) s += (s.empty() ? "" : ", ") + x;
  return s;
}

HeatCell cell_of(const CompareRow& r) {
  HeatCell c;
  c.kind = HeatKind::Holds;
  std::vector<std::string> undecided;
  for (const std::string& p : r.properties) {
    const std::string& v = r.verdicts.at(p);
    if (v == "VIOLATED") c.properties.push_back(p);
    else if (v != "holds") undecided.push_back(p);
  }
  if (!c.properties.empty()) c.kind = HeatKind::Violated;
  else if (!undecided.empty()) c.kind = HeatKind::Undecided, c.properties = std::move(undecided);
  return c;
}

// The designs in the tables' order: each section runs the chosen designs in order, less
// those its arch refuses, so a design first seen late goes right after the one before it.
std::vector<std::string> design_order(const std::vector<CompareRow>& rows) {
  std::vector<std::string> order;
  const CompareRow* prev = nullptr;
  for (const CompareRow& r : rows) {
    if (std::find(order.begin(), order.end(), r.design) == order.end()) {
      const bool same_setting = prev && prev->file == r.file && prev->params == r.params;
      auto at = same_setting ? std::find(order.begin(), order.end(), prev->design) + 1 : order.begin();
      order.insert(at, r.design);
    }
    prev = &r;
  }
  return order;
}

// Layout, in pixels: a cell and the gap after it; text is monospace (the browser's own),
// about 0.6 em a character, as in checker/svg.cpp.
constexpr double kCell = 14, kPitch = 16, kMargin = 16, kCharW = 6.7, kSmallCharW = 6.1;

struct Look {
  const char* cls;   // the CSS class: its fill
  const char* mark;  // the Markdown mark
  const char* words;
};
Look look(HeatKind k) {
  switch (k) {
    case HeatKind::Holds: return {"h", ".", "every property holds"};
    case HeatKind::Violated: return {"v", "X", "some property is VIOLATED (the number: how many; hover for which)"};
    case HeatKind::Undecided: return {"u", "?", "undecided: a limit was reached (unknown) or no execution finishes (vacuous)"};
    case HeatKind::NotRun: return {"n", "-", "not run: the scenario's arch refuses the design"};
  }
  return {"n", "-", ""};
}

}  // namespace

std::size_t HeatMap::count(HeatKind k) const {
  std::size_t n = 0;
  for (const HeatRow& r : rows)
    n += static_cast<std::size_t>(std::count_if(r.cells.begin(), r.cells.end(), [&](const HeatCell& c) { return c.kind == k; }));
  return n;
}

std::string heading_anchor(const std::string& heading) {
  std::string a;
  for (char c : heading) {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u)) a += static_cast<char>(std::tolower(u));
    else if (c == ' ' || c == '-') a += '-';
    else if (c == '_' || u >= 0x80) a += c;
  }
  return a;
}

HeatMap heat_map(const std::vector<CompareRow>& rows) {
  HeatMap m;
  m.designs = design_order(rows);
  std::map<std::string, int> anchors_seen;  // GitHub numbers a repeated heading's anchor: x, x-1, x-2
  for (std::size_t i = 0; i < rows.size();) {
    std::size_t end = i;  // the section: one scenario file's rows
    while (end < rows.size() && rows[end].file == rows[i].file) ++end;
    std::string anchor = heading_anchor(rows[i].scenario);
    if (const int n = anchors_seen[anchor]++; n > 0) anchor += fmt::format("-{}", n);
    std::vector<std::map<std::string, long>> settings;
    for (std::size_t k = i; k < end; ++k)
      if (std::find(settings.begin(), settings.end(), rows[k].params) == settings.end()) settings.push_back(rows[k].params);
    for (const auto& params : settings) {
      HeatRow hr;
      hr.scenario = rows[i].scenario;
      hr.params = settings.size() > 1 ? params_text(params) : "";
      hr.anchor = anchor;
      hr.cells.resize(m.designs.size());
      for (std::size_t k = i; k < end; ++k)
        if (rows[k].params == params) {
          const auto d = std::find(m.designs.begin(), m.designs.end(), rows[k].design) - m.designs.begin();
          hr.cells[static_cast<std::size_t>(d)] = cell_of(rows[k]);
        }
      m.rows.push_back(std::move(hr));
    }
    i = end;
  }
  return m;
}

std::string heat_map_svg(const HeatMap& m, const std::string& md_file) {
  const std::size_t nd = m.designs.size(), nr = m.rows.size();
  auto label = [](const HeatRow& r) { return r.params.empty() ? r.scenario : r.scenario + " " + r.params; };
  std::size_t label_chars = 8, design_chars = 6;
  for (const HeatRow& r : m.rows) label_chars = std::max(label_chars, label(r).size());
  for (const std::string& d : m.designs) design_chars = std::max(design_chars, d.size());
  const double grid_x = kMargin + static_cast<double>(label_chars) * kCharW + 10;
  const double head_y = kMargin + 40;  // under the title and the counts
  const double grid_y = head_y + static_cast<double>(design_chars) * kSmallCharW + 8;
  const double grid_w = static_cast<double>(nd) * kPitch;
  const std::size_t nkinds = 4;
  const double legend_y = grid_y + static_cast<double>(nr) * kPitch + 14;
  const double height = legend_y + static_cast<double>(nkinds) * kPitch + 34;
  double width = grid_x + grid_w + kMargin;
  width = std::max(width, kMargin + 90 * kCharW);  // room for the legend's words

  std::string s = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" xmlns:xlink=\"http://www.w3.org/1999/xlink\" width=\"{0:.0f}\" "
      "height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" font-family=\"monospace\" font-size=\"11\">\n"
      "<title>cowcheck design matrix: {2} scenario settings x {3} designs</title>\n"
      "<style>.h{{fill:#58d68d}} .v{{fill:#e74c3c}} .u{{fill:#aab7b8}} .n{{fill:#eaeded}} "
      ".c{{stroke:#fff;stroke-width:0.5}} .k{{fill:#fff;font-size:9px;font-weight:bold}}</style>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      width, height, nr, nd);
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" font-weight=\"bold\" font-size=\"14\">The design matrix: {} scenario "
                   "settings x {} designs</text>\n",
                   kMargin, kMargin + 11, nr, nd);
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" fill=\"#555\">{} cells violate a property, {} hold every property, {} "
                   "undecided, {} not run</text>\n",
                   kMargin, kMargin + 28, m.count(HeatKind::Violated), m.count(HeatKind::Holds),
                   m.count(HeatKind::Undecided), m.count(HeatKind::NotRun));
  // The designs' names, rotated, over their columns.
  for (std::size_t d = 0; d < nd; ++d)
    s += fmt::format("<text class=\"design\" transform=\"translate({:.1f},{:.1f}) rotate(-90)\" font-size=\"10\">{}</text>\n",
                     grid_x + static_cast<double>(d) * kPitch + kCell / 2 + 3.5, grid_y - 4, xml_escape(m.designs[d]));
  for (std::size_t r = 0; r < nr; ++r) {
    const HeatRow& row = m.rows[r];
    const double y = grid_y + static_cast<double>(r) * kPitch;
    // A rule between scenarios; a row's label: the scenario, then its setting in grey.
    if (r > 0 && m.rows[r - 1].anchor != row.anchor)
      s += fmt::format("<line x1=\"{0:.0f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#99a3a4\" stroke-width=\"0.8\"/>\n",
                       kMargin, y - 1, grid_x + grid_w);
    s += fmt::format("<text class=\"row\" x=\"{:.0f}\" y=\"{:.1f}\">{}{}</text>\n", kMargin, y + 11, xml_escape(row.scenario),
                     row.params.empty() ? "" : " <tspan fill=\"#777\">" + xml_escape(row.params) + "</tspan>");
    for (std::size_t d = 0; d < nd; ++d) {
      const HeatCell& c = row.cells[d];
      const double x = grid_x + static_cast<double>(d) * kPitch;
      const std::string box =
          fmt::format("<rect class=\"c {}\" x=\"{:.0f}\" y=\"{:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\"/>", look(c.kind).cls, x, y,
                      kCell, kCell);
      if (c.kind == HeatKind::Holds) {  // the common case: a plain box, no tooltip
        s += box + "\n";
        continue;
      }
      const std::string on = label(row) + " on " + m.designs[d] + ": ";
      std::string title;
      switch (c.kind) {
        case HeatKind::Violated: title = on + "VIOLATED " + joined(c.properties); break;
        case HeatKind::Undecided: title = on + "undecided " + joined(c.properties); break;
        default: title = on + "not run (the scenario's arch refuses the design)"; break;
      }
      std::string g = fmt::format("<g class=\"{}\"><title>{}</title>{}", c.kind == HeatKind::Violated ? "violated" : "grey",
                                  xml_escape(title), box);
      if (c.kind == HeatKind::Violated)
        g += fmt::format("<text class=\"k\" x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">{}</text>", x + kCell / 2, y + 10.5,
                         c.properties.size());
      else if (c.kind == HeatKind::Undecided)
        g += fmt::format("<text class=\"k\" x=\"{:.1f}\" y=\"{:.0f}\" text-anchor=\"middle\">?</text>", x + kCell / 2, y + 10.5);
      g += "</g>";
      // A red cell leads to its scenario's section of the paper.
      if (c.kind == HeatKind::Violated) g = "<a xlink:href=\"" + xml_escape(md_file + "#" + row.anchor) + "\">" + g + "</a>";
      s += g + "\n";
    }
  }
  // The legend.
  double y = legend_y;
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" font-weight=\"bold\">Legend</text>\n", kMargin, y + 11);
  for (HeatKind k : {HeatKind::Violated, HeatKind::Holds, HeatKind::Undecided, HeatKind::NotRun}) {
    s += fmt::format("<rect class=\"c {}\" x=\"{:.0f}\" y=\"{:.0f}\" width=\"{:.0f}\" height=\"{:.0f}\"/>", look(k).cls,
                     kMargin + 60, y, kCell, kCell);
    s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\">{}</text>\n", kMargin + 60 + kCell + 8, y + 11, xml_escape(look(k).words));
    y += kPitch;
  }
  s += fmt::format("<text x=\"{:.0f}\" y=\"{:.0f}\" fill=\"#555\">Hover a red or grey cell for its properties; a red cell "
                   "opens its scenario's table.</text>\n",
                   kMargin + 60, y + 13);
  return s + "</svg>\n";
}

std::string heat_map_md(const HeatMap& m) {
  // A letter per design, so that a row's marks are one word in a code span: aligned under
  // the letters in any monospace font, on GitHub and on a terminal alike.
  static constexpr std::string_view kKeys = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  auto key = [](std::size_t d) { return d < kKeys.size() ? kKeys[d] : '*'; };
  std::string keys;
  for (std::size_t d = 0; d < m.designs.size(); ++d) keys += key(d);
  std::string s = "| scenario | params | `" + keys + "` |\n|---|---|---|\n";
  for (std::size_t r = 0; r < m.rows.size(); ++r) {
    const HeatRow& row = m.rows[r];
    // The scenario's name links to its table, once, on its first row.
    const bool first = r == 0 || m.rows[r - 1].anchor != row.anchor;
    std::string marks;
    for (const HeatCell& c : row.cells) marks += look(c.kind).mark;
    s += fmt::format("| {} | {} | `{}` |\n", first ? "[" + row.scenario + "](#" + row.anchor + ")" : row.scenario,
                     row.params, marks);
  }
  s += "\nDesigns: ";
  for (std::size_t d = 0; d < m.designs.size(); ++d) s += fmt::format("{}{} `{}`", d ? ", " : "", key(d), m.designs[d]);
  s += ". Marks: ";
  bool comma = false;
  for (HeatKind k : {HeatKind::Violated, HeatKind::Holds, HeatKind::Undecided, HeatKind::NotRun}) {
    std::string words = look(k).words;
    if (k == HeatKind::Violated) words = "some property is VIOLATED";
    s += fmt::format("{}{} {}", comma ? "; " : "", look(k).mark, words);
    comma = true;
  }
  return s + ".\n";
}

}  // namespace cow
