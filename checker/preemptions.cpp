#include "checker/preemptions.hpp"

#include <algorithm>
#include <queue>
#include <tuple>
#include <unordered_map>

#include "model/invariant.hpp"
#include "model/paths.hpp"
#include "model/threads.hpp"

namespace cow {

namespace {

constexpr u8 kNoThread = 0xFF;

bool has_step_of(const Expansion& ex, u8 tid) {
  return std::any_of(ex.succ.begin(), ex.succ.end(), [&](const Successor& s) { return s.tid == tid; });
}

// Whether state s, reached by a step of thread `last`, is where p fails.
bool violates(const Scenario& sc, const Property& p, const State& s, const Expansion& ex) {
  const bool final = all_threads_finished(sc, s);
  if (p.is_deadlock()) return ex.succ.empty() && !final;
  return p.check(sc, s, final).has_value();
}

struct Node {
  State s;
  u8 last;
  bool operator==(const Node& o) const { return last == o.last && s == o.s; }
};
struct NodeHash {
  std::size_t operator()(const Node& n) const { return hash_state(n.s) * 31 + n.last; }
};

struct Best {
  unsigned preempt, steps;
  std::size_t parent;  // index in the node table (kRoot for the initial node)
  u8 tid;              // the step that reached it
  bool preempts;
  bool done;
};

}  // namespace

void mark_preemptions(const Scenario& sc, const Design& d, Trace& t) {
  State s = initial_state(sc, d);
  Expansion ex;
  u8 last = kNoThread;
  for (TraceStep& step : t.steps) {
    successors(sc, d, s, ex);
    step.preempts = last != kNoThread && step.tid != last && has_step_of(ex, last);
    s = step_taken(sc, d, s, ex, step).next;
    last = step.tid;
  }
}

unsigned preemption_count(const Trace& t) {
  return static_cast<unsigned>(std::count_if(t.steps.begin(), t.steps.end(), [](const TraceStep& s) { return s.preempts; }));
}

std::optional<Trace> fewest_preemption_trace(const Scenario& sc, const Design& d, const Property& p, std::uint64_t max_nodes) {
  constexpr std::size_t kRoot = static_cast<std::size_t>(-1);
  std::vector<Node> nodes;
  std::vector<Best> best;
  std::unordered_map<Node, std::size_t, NodeHash> index;
  // (preemptions, steps, node); the smallest first.
  using Entry = std::tuple<unsigned, unsigned, std::size_t>;
  std::priority_queue<Entry, std::vector<Entry>, std::greater<>> queue;
  auto reach = [&](Node n, unsigned pre, unsigned steps, std::size_t parent, u8 tid, bool preempts) {
    auto [it, fresh] = index.try_emplace(n, nodes.size());
    if (fresh) {
      nodes.push_back(std::move(n));
      best.push_back({pre, steps, parent, tid, preempts, false});
    } else {
      Best& b = best[it->second];
      if (b.done || std::tie(b.preempt, b.steps) <= std::tie(pre, steps)) return;
      b = {pre, steps, parent, tid, preempts, false};
    }
    queue.emplace(pre, steps, it->second);
  };
  reach(Node{initial_state(sc, d), kNoThread}, 0, 0, kRoot, kNoThread, false);
  Expansion ex;
  std::size_t goal = kRoot;
  while (!queue.empty()) {
    const auto [pre, steps, at] = queue.top();
    queue.pop();
    if (best[at].done || std::tie(best[at].preempt, best[at].steps) != std::tie(pre, steps)) continue;  // stale
    best[at].done = true;
    const State s = nodes[at].s;
    const u8 last = nodes[at].last;
    successors(sc, d, s, ex);
    if (violates(sc, p, s, ex)) {
      goal = at;
      break;
    }
    if (max_nodes && nodes.size() > max_nodes) return std::nullopt;
    const bool last_enabled = last != kNoThread && has_step_of(ex, last);
    std::vector<Successor> succ = ex.succ;  // (reach may not touch ex, but successors() will reuse it)
    for (Successor& su : succ) {
      const bool preempts = last_enabled && su.tid != last;
      reach(Node{std::move(su.next), su.tid}, pre + (preempts ? 1 : 0), steps + 1, at, su.tid, preempts);
    }
  }
  if (goal == kRoot) return std::nullopt;
  // The path, then the trace, step by step as rebuild_trace prints it.
  std::vector<std::size_t> path;
  for (std::size_t n = goal; n != kRoot; n = best[n].parent) path.push_back(n);
  std::reverse(path.begin(), path.end());
  Trace tr;
  for (std::size_t i = 1; i < path.size(); ++i) {
    const State& from = nodes[path[i - 1]].s;
    const State& to = nodes[path[i]].s;
    successors(sc, d, from, ex);
    auto it = std::find_if(ex.succ.begin(), ex.succ.end(),
                           [&](const Successor& su) { return su.tid == best[path[i]].tid && su.next == to; });
    INVARIANT(it != ex.succ.end(), "a fewest-preemption step cannot be replayed");
    TraceStep step;
    step.tid = it->tid;
    step.label = std::string(it->label);
    step.changes = describe_changes(sc, d, from, to);
    step.preempts = best[path[i]].preempts;
    tr.steps.push_back(std::move(step));
  }
  tr.last = nodes[path.back()].s;
  return tr;
}

}  // namespace cow
