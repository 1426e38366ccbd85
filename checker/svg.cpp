#include "checker/svg.hpp"

#include <algorithm>
#include <fmt/format.h>
#include <fstream>
#include <iostream>
#include <map>
#include <tuple>

#include "checker/trace_timeline.hpp"
#include "model/input_error.hpp"
#include "model/names.hpp"

namespace cow {

namespace {

// Text is monospace (the browser's own: no font is embedded or linked), so its width is
// known without measuring: about 0.6 em a character.
constexpr double kFont = 11, kCharW = 6.7, kLineH = 13;
constexpr double kMargin = 16, kStepColW = 40, kLaneGap = 18, kLockColW = 11, kFrameColW = 78;
constexpr std::size_t kMinChars = 16, kMaxChars = 40;  // a step box's width in characters; longer labels wrap


// Breaks a label into lines of at most `w` characters, after a ':', '+', ',' or space
// where there is one (kernel labels read "function:what+function"), else before a '('.
std::vector<std::string> wrap(const std::string& s, std::size_t w) {
  std::vector<std::string> lines;
  std::size_t at = 0;
  auto last_break = [&](std::string_view after, std::string_view before) {
    for (std::size_t k = at + w; k > at + w / 3; --k)
      if (after.find(s[k - 1]) != std::string_view::npos || before.find(s[k]) != std::string_view::npos) return k;
    return std::string::npos;
  };
  while (s.size() - at > w) {
    std::size_t cut = last_break(":+, ", "");
    if (cut == std::string::npos) cut = last_break("", "(");
    if (cut == std::string::npos) cut = at + w;
    lines.push_back(s.substr(at, cut - at));
    at = cut;
    while (at < s.size() && s[at] == ' ') ++at;
  }
  lines.push_back(s.substr(at));
  return lines;
}

std::string text(double x, double y, std::string_view s, std::string_view attrs = "") {
  return fmt::format("<text x=\"{:.1f}\" y=\"{:.1f}\"{}{}>{}</text>\n", x, y, attrs.empty() ? "" : " ", attrs, xml_escape(s));
}
std::string rect(double x, double y, double w, double h, std::string_view attrs) {
  return fmt::format("<rect x=\"{:.1f}\" y=\"{:.1f}\" width=\"{:.1f}\" height=\"{:.1f}\" {}/>\n", x, y, w, h, attrs);
}

// The lock colours: write (or exclusive) dark, read light.
const char* lock_colour(LockKind k) {
  switch (k) {
    case LockKind::MmapWrite: return "#c0392b";
    case LockKind::MmapRead: return "#f5b041";
    case LockKind::Ptl: return "#7d3c98";
    case LockKind::BrWrite: return "#1f618d";
    case LockKind::BrRead: return "#85c1e9";
    case LockKind::VmaWrite: return "#117a65";
    case LockKind::VmaRead: return "#76d7c4";
  }
  return "#000";
}

// A lock column beside a lane: one lock object (read and write holds share it).
struct LockCol {
  int group;  // 0 mmap_lock, 1 PT lock, 2 brlock, 3 VMA lock
  u8 object;
  bool operator<(const LockCol& o) const { return std::tie(group, object) < std::tie(o.group, o.object); }
  bool operator==(const LockCol&) const = default;
};
int group_of(LockKind k) {
  switch (k) {
    case LockKind::MmapRead: case LockKind::MmapWrite: return 0;
    case LockKind::Ptl: return 1;
    case LockKind::BrRead: case LockKind::BrWrite: return 2;
    default: return 3;
  }
}

// The frame colours, strongest first: what a reader looks for is a DMA'd or pinned page
// and the copy that COW made of it.
struct FrameLook {
  const char* fill;
  const char* name;
};
FrameLook frame_look(u8 m) {
  if (m & kMarkFreed) return {"#f1948a", "freed"};
  if (m & kMarkDma) return {"#f0b27a", "DMA-written"};
  if (m & kMarkPinned) return {"#7fb3d5", "pinned"};
  if (m & kMarkCopy) return {"#82e0aa", "COW copy"};
  if (m & kMarkZeroed) return {"#d5f5e3", "new zeroed"};
  if (m & kMarkInUse) return {"#e5e7e9", "in use"};
  return {"#ffffff", "free"};
}
std::string frame_tags(u8 m) {
  std::string t;
  if (m & kMarkFreed) return "freed";
  if (m & kMarkCopy) t += "copy ";
  if (m & kMarkZeroed) t += "zero ";
  if (m & kMarkPinned) t += "pin ";
  if (m & kMarkDma) t += "dma ";
  if (!t.empty()) t.pop_back();
  return t;
}

// Who maps a frame: "parent@0,child@0" (process @ virtual page), from the PTEs.
std::string mapped_by(const Scenario& sc, const State& s, unsigned f) {
  std::string out;
  for (unsigned m = 0; m < kMaxMms && m < sc.processes.size(); ++m) {
    if (s.mms[m].table == kNone) continue;  // (a child being forked maps pages before it is alive)
    for (unsigned v = 0; v < kMaxVpages; ++v)
      if (s.pte(m, v).present() && s.pte(m, v).frame == f)
        out += fmt::format("{}{}@{}", out.empty() ? "" : ",", sc.mm_name(m), v);
  }
  return out;
}

// A frame cell's words: what it became and who maps it, written where either changed.
std::string frame_words(u8 m, const std::string& mappers) {
  std::string t = frame_tags(m);
  if (m == 0 || (m & kMarkFreed)) return t;
  if (mappers.empty()) return t.empty() ? "unmapped" : t + " unmapped";
  return t.empty() ? mappers : t + " " + mappers;
}
constexpr std::size_t kMaxFrameChars = 24;

const char* const kLanePale[] = {"#eaf2f8", "#fef5e7", "#e8f8f5", "#f4ecf7", "#fdedec", "#f2f3f4", "#fcf3cf", "#e9f7ef"};
const char* const kLaneEdge[] = {"#2e86c1", "#d68910", "#17a589", "#884ea0", "#cb4335", "#707b7c", "#b7950b", "#239b56"};

// One counterexample's picture, at the origin; returns its width and height.
struct Block {
  std::string svg;
  double width = 0, height = 0;
  unsigned lock_kinds = 0;  // the LockKinds drawn, a bit each (the legend lists those)
};

Block draw_trace(const CheckRun& run, std::size_t outcome) {
  const Scenario& sc = run.scenario;
  const Design& d = *run.design;
  const Trace& tr = run.traces[outcome];
  const PropertyOutcome& o = run.result.outcomes[outcome];
  const Timeline tl = trace_timeline(sc, d, tr);
  const std::vector<LockHold> holds = lock_holds(tr, tl);
  const std::vector<FrameMarks> marks = frame_marks(sc, tr, tl);
  const std::size_t nt = sc.threads.size(), ns = tr.steps.size();

  // Columns: the step number, then per thread its box column and its lock columns, then a
  // column per frame that is ever in use.
  std::vector<std::size_t> chars(nt, kMinChars);
  for (const TraceStep& s : tr.steps) chars[s.tid] = std::clamp(s.label.size(), chars[s.tid], kMaxChars);
  std::vector<std::vector<LockCol>> lock_cols(nt);
  for (const LockHold& h : holds) {
    std::vector<LockCol>& c = lock_cols[h.tid];
    LockCol col{group_of(h.kind), h.object};
    if (std::find(c.begin(), c.end(), col) == c.end()) c.push_back(col);
  }
  for (auto& c : lock_cols) std::sort(c.begin(), c.end());
  std::vector<double> lane_x(nt), box_w(nt);
  double x = kMargin + kStepColW;
  for (std::size_t t = 0; t < nt; ++t) {
    lane_x[t] = x;
    box_w[t] = static_cast<double>(chars[t]) * kCharW + 10;
    x += box_w[t] + 4 + static_cast<double>(lock_cols[t].size()) * kLockColW + kLaneGap;
  }
  std::vector<unsigned> frames;
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (std::any_of(marks.begin(), marks.end(), [&](const FrameMarks& m) { return m[f] != 0; })) frames.push_back(f);
  // Each frame column as wide as its longest words (who maps it), within bounds.
  std::vector<std::vector<std::string>> fwords(frames.size(), std::vector<std::string>(ns + 1));
  std::vector<double> frame_x(frames.size()), frame_w(frames.size());
  const double frames_x = x + 6;
  double fx_at = frames_x;
  for (std::size_t k = 0; k < frames.size(); ++k) {
    std::size_t longest = 9;  // "frame#10"
    for (std::size_t r = 0; r <= ns; ++r) {
      fwords[k][r] = frame_words(marks[r][frames[k]], mapped_by(sc, tl.states[r], frames[k]));
      if (fwords[k][r].size() > kMaxFrameChars) fwords[k][r] = fwords[k][r].substr(0, kMaxFrameChars - 3) + "...";
      longest = std::max(longest, fwords[k][r].size());
    }
    frame_x[k] = fx_at;
    frame_w[k] = std::max(kFrameColW, static_cast<double>(longest) * 6.1 + 14);
    fx_at += frame_w[k];
  }
  double width = fx_at + kMargin;
  width = std::max(width, 760.0);  // room for the title and the legend
  const std::size_t wide_chars = static_cast<std::size_t>((width - 2 * kMargin) / kCharW);

  std::string g;
  // Title: what was checked and what failed.
  double y = kMargin + kFont;
  const std::string params = params_text(sc.params);
  g += text(kMargin, y,
            fmt::format("{}{} on {}: {} violated in {} steps", sc.name, params.empty() ? "" : " (" + params + ")",
                        d.name(), o.property->name(), ns),
            "font-weight=\"bold\" font-size=\"14\"");
  y += 17;
  for (const std::string& l : wrap(sc.summary, wide_chars)) {
    g += text(kMargin, y, l, "fill=\"#555\"");
    y += kLineH;
  }
  y += 8;

  // Lane headers: the thread, its process; the lock columns' names, rotated to fit.
  std::map<u8, std::string> table_owner;  // a page table by the mm that uses it
  for (unsigned m = 0; m < kMaxMms && m < sc.processes.size(); ++m)
    if (tl.states.back().mms[m].table != kNone || sc.initial.mms[m].table != kNone)
      table_owner.emplace(tl.states.back().mms[m].table, sc.mm_name(m));
  auto mm_label = [&](unsigned m) { return m < sc.processes.size() ? sc.mm_name(m) : fmt::format("mm#{}", m); };
  auto col_name = [&](const LockCol& c) {
    switch (c.group) {
      case 0: return "mmap_lock " + mm_label(c.object);
      case 1: return "PT lock " + (table_owner.count(c.object) ? table_owner[c.object] : fmt::format("table#{}", c.object));
      case 2: return std::string("brlock");
      default: return fmt::format("VMA lock {} vma[{}]", mm_label(c.object / kMaxVmas), c.object % kMaxVmas);
    }
  };
  std::size_t longest_col = 0;
  for (const auto& c : lock_cols)
    for (const LockCol& col : c) longest_col = std::max(longest_col, col_name(col).size());
  const double head_y = y;
  const double rot_h = static_cast<double>(longest_col) * 5.6 + 6;  // rotated 9px names
  const double head_h = std::max(2 * kLineH + 6, rot_h);
  for (std::size_t t = 0; t < nt; ++t) {
    const ThreadDef& td = sc.threads[t];
    // class="lane" / "step" / "frame": what a reader (or a test) can count the lanes, steps and frames by.
    g += text(lane_x[t] + 2, head_y + kLineH, td.name,
              fmt::format("class=\"lane\" font-weight=\"bold\" fill=\"{}\"", kLaneEdge[t % 8]));
    g += text(lane_x[t] + 2, head_y + 2 * kLineH, td.mm == kNone ? "device" : "process " + mm_label(td.mm), "fill=\"#555\"");
    for (std::size_t k = 0; k < lock_cols[t].size(); ++k) {
      const double cx = lane_x[t] + box_w[t] + 4 + static_cast<double>(k) * kLockColW + kLockColW / 2 + 3;
      g += fmt::format("<text transform=\"translate({:.1f},{:.1f}) rotate(-90)\" font-size=\"9\" fill=\"#444\">{}</text>\n",
                       cx, head_y + head_h, xml_escape(col_name(lock_cols[t][k])));
    }
  }
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const double fx = frame_x[k];
    g += text(fx + 4, head_y + kLineH, frame_name(static_cast<u8>(frames[k])), "class=\"frame\" font-weight=\"bold\"");
    g += text(fx + 4, head_y + 2 * kLineH, "page frame", "fill=\"#555\"");
  }
  y = head_y + head_h + 6;

  // Rows: the initial state, then one per step (as tall as its wrapped label).
  std::vector<double> row_y(ns + 1), row_h(ns + 1);
  row_y[0] = y;
  row_h[0] = kLineH + 6;
  y += row_h[0];
  std::vector<std::vector<std::string>> lines(ns);
  for (std::size_t i = 0; i < ns; ++i) {
    lines[i] = wrap(tr.steps[i].label, chars[tr.steps[i].tid]);
    row_y[i + 1] = y;
    row_h[i + 1] = static_cast<double>(lines[i].size()) * kLineH + 7;
    y += row_h[i + 1];
  }
  const double rows_bottom = y;
  // Zebra stripes so that a row can be followed across the lanes.
  for (std::size_t r = 0; r <= ns; ++r)
    if (r % 2 == 0) g += rect(kMargin, row_y[r], width - 2 * kMargin, row_h[r], "fill=\"#f8f9f9\"");
  // Lifelines: a thread's lane from its first step to its last.
  for (std::size_t t = 0; t < nt; ++t) {
    std::size_t first = ns, last = 0;
    for (std::size_t i = 0; i < ns; ++i)
      if (tr.steps[i].tid == t) first = std::min(first, i), last = i;
    if (first == ns) {  // an empty lane would look like a drawing that went missing
      g += text(lane_x[t] + 5, row_y[0] + kLineH, "(takes no step)", "fill=\"#888\" font-style=\"italic\" font-size=\"10\"");
      continue;
    }
    const double cx = lane_x[t] + box_w[t] / 2;
    g += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{0:.1f}\" y2=\"{2:.1f}\" stroke=\"{3}\" stroke-width=\"1\" "
                     "stroke-dasharray=\"3,3\"/>\n",
                     cx, row_y[first + 1], row_y[last + 1] + row_h[last + 1], kLaneEdge[t % 8]);
  }
  g += text(kMargin + 2, row_y[0] + kLineH, "init", "fill=\"#555\" font-size=\"10\"");
  // Step boxes, with what the step changed as the tooltip.
  for (std::size_t i = 0; i < ns; ++i) {
    const TraceStep& s = tr.steps[i];
    const double by = row_y[i + 1] + 2, bh = row_h[i + 1] - 4, bx = lane_x[s.tid];
    const bool pre = tl.preempted[i] != kNone;
    g += text(kMargin + 2, by + kLineH - 2, std::to_string(i + 1),
              pre ? "fill=\"#c0392b\" font-weight=\"bold\"" : "fill=\"#555\"");
    std::string tip = fmt::format("step {}: {} {}", i + 1, sc.threads[s.tid].name, s.label);
    for (const std::string& c : s.changes) tip += "\n  " + c;
    g += "<g class=\"step\"><title>" + xml_escape(tip) + "</title>\n";
    const bool last = i + 1 == ns;
    g += rect(bx, by, box_w[s.tid], bh,
              fmt::format("rx=\"3\" fill=\"{}\" stroke=\"{}\" stroke-width=\"{}\"", kLanePale[s.tid % 8],
                          last ? "#c0392b" : kLaneEdge[s.tid % 8], last ? 2.5 : 1));
    for (std::size_t l = 0; l < lines[i].size(); ++l)
      g += text(bx + 5, by + kLineH * static_cast<double>(l + 1) - 2, lines[i][l]);
    g += "</g>\n";
    // A preemption: the thread that had just stepped could have gone on; drawn in its lane.
    if (pre) {
      const u8 a = tl.preempted[i];
      g += rect(lane_x[a] + 1, by, box_w[a] - 2, bh,
                "class=\"preempted\" rx=\"3\" fill=\"none\" stroke=\"#c0392b\" stroke-width=\"1.2\" stroke-dasharray=\"4,2\"");
      g += text(lane_x[a] + 6, by + kLineH - 2, fmt::format("preempted by {}", sc.threads[s.tid].name),
                "fill=\"#c0392b\" font-style=\"italic\" font-size=\"10\"");
    }
  }
  // Lock bars: from the middle of the taking step's row to the middle of the dropping
  // step's row (to the bottom of the last row when still held at the end).
  for (const LockHold& h : holds) {
    const std::vector<LockCol>& c = lock_cols[h.tid];
    const LockCol col{group_of(h.kind), h.object};
    const auto k = static_cast<std::size_t>(std::find(c.begin(), c.end(), col) - c.begin());
    const double bx = lane_x[h.tid] + box_w[h.tid] + 4 + static_cast<double>(k) * kLockColW + 1;
    const double y0 = row_y[h.from + 1] + row_h[h.from + 1] / 2;
    const double y1 = h.open ? rows_bottom : row_y[h.to + 1] + row_h[h.to + 1] / 2;
    g += fmt::format("<g class=\"lock\"><title>{}</title>\n", xml_escape(fmt::format("{} holds {} ({}), steps {}..{}{}", sc.threads[h.tid].name,
                                                               lock_kind_name(h.kind), col_name(col), h.from + 1, h.to + 1,
                                                               h.open ? ", still held at the end" : "")));
    g += rect(bx, y0, kLockColW - 3, std::max(y1 - y0, 3.0), fmt::format("rx=\"2\" fill=\"{}\"", lock_colour(h.kind)));
    if (h.open)  // still held when the trace ends: an arrow head past the last row
      g += fmt::format("<polygon points=\"{:.1f},{:.1f} {:.1f},{:.1f} {:.1f},{:.1f}\" fill=\"{}\"/>\n", bx - 1, y1,
                       bx + kLockColW - 2, y1, bx + (kLockColW - 3) / 2, y1 + 6, lock_colour(h.kind));
    g += "</g>\n";
  }
  // Frames: one cell per row, coloured by what the frame is after that row's step.
  for (std::size_t k = 0; k < frames.size(); ++k) {
    const unsigned f = frames[k];
    const double fx = frame_x[k];
    for (std::size_t r = 0; r <= ns; ++r) {
      const u8 m = marks[r][f];
      const Frame& fr = tl.states[r].frames[f];
      const FrameLook look = frame_look(m);
      g += fmt::format("<g><title>{}</title>\n",
                       xml_escape(fmt::format("{} {}: {} (refcount {}, mapcount {}, pincount {}); mapped by {}",
                                       frame_name(static_cast<u8>(f)),
                                       r == 0 ? "initially" : fmt::format("after step {}", r), look.name, fr.refcount,
                                       fr.mapcount, fr.pincount, mapped_by(sc, tl.states[r], f).empty() ? "no PTE" : mapped_by(sc, tl.states[r], f))));
      g += rect(fx + 2, row_y[r] + 1, frame_w[k] - 6, row_h[r] - 2,
                fmt::format("fill=\"{}\" stroke=\"#aab7b8\" stroke-width=\"0.6\"", look.fill));
      // A change of what the frame is, or of who maps it, gets its words; a steady state only its colour.
      if (m != 0 && (r == 0 || fwords[k][r] != fwords[k][r - 1]))
        g += text(fx + 6, row_y[r] + kLineH - 1, fwords[k][r], "font-size=\"10\"");
      g += "</g>\n";
    }
  }
  // The violating final state: a red rule under the last row and the property's words.
  g += fmt::format("<line x1=\"{0:.1f}\" y1=\"{1:.1f}\" x2=\"{2:.1f}\" y2=\"{1:.1f}\" stroke=\"#c0392b\" stroke-width=\"3\"/>\n",
                   kMargin, rows_bottom + 10, width - kMargin);
  y = rows_bottom + 16;
  // The property's words, Z3's instance when it gave one, and what the last step did.
  std::vector<std::string> why = wrap(fmt::format("VIOLATED {} in the final state: {}", o.property->name(), o.detail),
                                      wide_chars - 2);
  std::vector<std::string> more;
  if (!o.certificate.empty()) more.push_back(o.certificate);
  if (ns) {
    std::string last = fmt::format("the last step, {} {}:", sc.threads[tr.steps.back().tid].name, tr.steps.back().label);
    for (const std::string& c : tr.steps.back().changes) last += " " + c + ";";
    more.push_back(last.substr(0, last.size() - 1));
  }
  const std::size_t bold = why.size();  // the property's lines; the others, indented, explain
  for (const std::string& m : more)
    for (const std::string& l : wrap(m, wide_chars - 4)) why.push_back(l);
  g += rect(kMargin, y, width - 2 * kMargin, static_cast<double>(why.size()) * kLineH + 8,
            "class=\"violation\" fill=\"#fdedec\" stroke=\"#c0392b\"");
  for (std::size_t l = 0; l < why.size(); ++l)
    g += text(kMargin + (l < bold ? 6 : 6 + 2 * kCharW), y + kLineH * static_cast<double>(l + 1), why[l],
              l < bold ? "fill=\"#922b21\" font-weight=\"bold\"" : "fill=\"#922b21\"");
  y += static_cast<double>(why.size()) * kLineH + 18;

  unsigned kinds = 0;
  for (const LockHold& h : holds) kinds |= 1u << static_cast<unsigned>(h.kind);
  return {g, width, y, kinds};
}

// The legend, once under every picture: the locks drawn, every frame colour, the marks;
// in rows that wrap at `width`.
Block draw_legend(double width, unsigned lock_kinds) {
  std::string g;
  const double y = 0;
  struct Key {
    std::string fill, words;
    bool dashed = false;
  };
  std::vector<Key> keys;
  for (LockKind k : {LockKind::MmapWrite, LockKind::MmapRead, LockKind::Ptl, LockKind::BrWrite, LockKind::BrRead,
                     LockKind::VmaWrite, LockKind::VmaRead})
    if (lock_kinds & (1u << static_cast<unsigned>(k))) keys.push_back({lock_colour(k), std::string(lock_kind_name(k)) + " held"});
  for (u8 m : {u8(kMarkInUse), u8(kMarkCopy), u8(kMarkZeroed), u8(kMarkPinned), u8(kMarkDma), u8(kMarkFreed)})
    keys.push_back({frame_look(m).fill, std::string("frame ") + frame_look(m).name});
  keys.push_back({"none", "preempted: it could have stepped (red step number: the preempting step)", true});
  g += text(kMargin, y + kLineH, "Legend", "font-weight=\"bold\"");
  double kx = kMargin + 60, ky = y;
  for (const Key& k : keys) {
    const double w = 22 + static_cast<double>(k.words.size()) * kCharW + 18;
    if (kx + w > width - kMargin) kx = kMargin + 60, ky += kLineH + 6;
    g += rect(kx, ky + 2, 16, 11,
              k.dashed ? "fill=\"none\" stroke=\"#c0392b\" stroke-dasharray=\"3,2\""
                       : fmt::format("fill=\"{}\" stroke=\"#888\" stroke-width=\"0.6\"", k.fill));
    g += text(kx + 22, ky + kLineH - 1, k.words);
    kx += w;
  }
  ky += kLineH + 6;
  for (const char* note : {"Time runs down, one row per step; the red rule is the violating final state.",
                           "Lock bars run from the step that takes the lock to the step that drops it.",
                           "Hover a step for what it changed, a bar or a frame cell for its details."}) {
    g += text(kMargin + 60, ky + kLineH - 1, note, "fill=\"#555\"");
    ky += kLineH + 2;
  }
  return {g, width, ky + kMargin};
}

}  // namespace

std::vector<std::size_t> pictured_outcomes(const CheckRun& run, bool all) {
  std::vector<std::size_t> order;
  for (std::size_t i = 0; i < run.result.outcomes.size(); ++i)
    if (run.result.outcomes[i].violated) order.push_back(i);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return run.traces[a].steps.size() < run.traces[b].steps.size(); });
  if (!all && order.size() > 1) order.erase(order.begin() + 1, order.end());
  return order;
}

std::string svg_picture(const CheckRun& run, const std::vector<std::size_t>& outcomes) {
  std::vector<Block> blocks;
  double w = 0, h = 0;
  for (std::size_t i : outcomes) {
    blocks.push_back(draw_trace(run, i));
    w = std::max(w, blocks.back().width);
    h += blocks.back().height;
  }
  unsigned kinds = 0;
  for (const Block& b : blocks) kinds |= b.lock_kinds;
  blocks.push_back(draw_legend(w, kinds));
  h += blocks.back().height;
  std::string out = fmt::format(
      "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{0:.0f}\" height=\"{1:.0f}\" viewBox=\"0 0 {0:.0f} {1:.0f}\" "
      "font-family=\"monospace\" font-size=\"{2}\">\n"
      "<title>cowcheck counterexample: {3}</title>\n"
      "<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
      w, h, kFont, xml_escape(run.scenario.name + " on " + std::string(run.design->name())));
  double y = 0;
  for (const Block& b : blocks) {
    out += fmt::format("<g transform=\"translate(0,{:.1f})\">\n{}</g>\n", y, b.svg);
    y += b.height;
  }
  return out + "</svg>\n";
}

void write_svg(const CheckRun& run, bool all, const std::string& path) {
  const std::vector<std::size_t> which = pictured_outcomes(run, all);
  if (which.empty()) {
    std::cerr << "cowcheck: --svg: no property is violated, no counterexample to draw; " << path << " not written\n";
    return;
  }
  std::ofstream f(path);
  f << svg_picture(run, which);
  f.close();
  if (!f) throw InputError(path, 0, 0, "--svg: cannot write the picture to this file");
}

std::string xml_escape(std::string_view s) {
  std::string o;
  for (char c : s) {
    if (c == '&') o += "&amp;";
    else if (c == '<') o += "&lt;";
    else if (c == '>') o += "&gt;";
    else if (c == '"') o += "&quot;";
    else o += c;
  }
  return o;
}

}  // namespace cow
