#include "checker/costs.hpp"

#include <algorithm>
#include <chrono>
#include <fmt/format.h>
#include <limits>
#include <stdexcept>

#include "checker/store.hpp"
#include "model/paths.hpp"
#include "model/run_limits.hpp"
#include "model/threads.hpp"

namespace cow {

namespace {

constexpr std::uint32_t kUnset = std::numeric_limits<std::uint32_t>::max();
// Longest-path values of a component: no finishing execution through it, or unbounded.
constexpr std::uint32_t kNoPath = kUnset;
constexpr std::uint32_t kInfinite = kUnset - 1;

template <class V>
std::uint64_t capacity_bytes(const V& v) {
  return v.capacity() * sizeof(typename V::value_type);
}

// Longest paths to a finished state, per component, computed as Tarjan's algorithm
// closes each component (all components it reaches are closed before it).
struct Longest {
  const CostGraph& g;
  std::vector<std::uint32_t> comp;  // component of each state (kUnset: open)
  std::vector<std::array<std::uint32_t, kCostKinds>> value;  // per component; [0] == kNoPath: cannot finish

  void close(const std::uint32_t* members, std::size_t n) {
    const auto c = static_cast<std::uint32_t>(value.size());
    for (std::size_t i = 0; i < n; ++i) comp[members[i]] = c;
    std::array<std::uint32_t, kCostKinds> best;
    best.fill(kNoPath);
    std::array<bool, kCostKinds> inner_positive{};
    bool finishes = false;
    for (std::size_t i = 0; i < n; ++i) {
      const std::uint32_t u = members[i];
      if (g.finished[u]) {
        finishes = true;
        for (auto& b : best)
          if (b == kNoPath) b = 0;
      }
      for (std::uint64_t e = g.offsets[u]; e < g.offsets[u + 1]; ++e) {
        const std::uint32_t w = g.targets[e];
        const CostVec& cost = g.cost_table[g.cost_ids[e]];
        if (comp[w] == c) {
          for (unsigned k = 0; k < kCostKinds; ++k) inner_positive[k] |= cost[k] > 0;
          continue;
        }
        const auto& wv = value[comp[w]];
        if (wv[0] == kNoPath) continue;  // (every kind is kNoPath together)
        finishes = true;
        for (unsigned k = 0; k < kCostKinds; ++k) {
          std::uint32_t cand = wv[k] == kInfinite ? kInfinite : wv[k] + cost[k];
          if (cand >= kInfinite) cand = kInfinite;  // (saturates; unreachable in practice)
          if (best[k] == kNoPath || cand > best[k]) best[k] = cand;
        }
      }
    }
    if (finishes)
      for (unsigned k = 0; k < kCostKinds; ++k)
        if (inner_positive[k]) best[k] = kInfinite;
    value.push_back(best);
  }
};

// Iterative Tarjan from state 0 (every state is reachable from it).
Longest longest_paths(const CostGraph& g, std::uint64_t& bytes) {
  const std::size_t n = g.states();
  Longest lp{g, std::vector<std::uint32_t>(n, kUnset), {}};
  std::vector<std::uint32_t> index(n, kUnset), low(n, kUnset), stack;
  struct Frame {
    std::uint32_t v;
    std::uint64_t next;  // next edge to look at
  };
  std::vector<Frame> calls;
  std::uint32_t counter = 0;
  auto open = [&](std::uint32_t v) {
    index[v] = low[v] = counter++;
    stack.push_back(v);
    calls.push_back({v, g.offsets[v]});
  };
  open(0);
  while (!calls.empty()) {
    const std::uint32_t v = calls.back().v;
    if (calls.back().next < g.offsets[v + 1]) {
      const std::uint32_t w = g.targets[calls.back().next++];
      if (index[w] == kUnset) open(w);
      else if (lp.comp[w] == kUnset) low[v] = std::min(low[v], index[w]);  // w is on the stack
      continue;
    }
    calls.pop_back();
    if (!calls.empty()) low[calls.back().v] = std::min(low[calls.back().v], low[v]);
    if (low[v] == index[v]) {
      std::size_t from = stack.size();
      while (stack[--from] != v) {}
      lp.close(stack.data() + from, stack.size() - from);
      stack.resize(from);
    }
  }
  bytes = capacity_bytes(index) + capacity_bytes(low) + capacity_bytes(stack) + capacity_bytes(calls) +
          capacity_bytes(lp.comp) + capacity_bytes(lp.value);
  return lp;
}

// Least total of cost `k` from state 0 to a finished state (kUnset: none finishes);
// Dijkstra with one bucket per distance (Dial), the weights being small integers.
std::uint32_t shortest(const CostGraph& g, unsigned k, std::vector<std::uint32_t>& dist) {
  dist.assign(g.states(), kUnset);
  std::vector<std::vector<std::uint32_t>> buckets(1);
  dist[0] = 0;
  buckets[0].push_back(0);
  for (std::uint32_t d = 0; d < buckets.size(); ++d) {
    while (!buckets[d].empty()) {
      const std::uint32_t v = buckets[d].back();
      buckets[d].pop_back();
      if (dist[v] != d) continue;  // a stale entry
      if (g.finished[v]) return d;  // the first finished state settled is the nearest
      for (std::uint64_t e = g.offsets[v]; e < g.offsets[v + 1]; ++e) {
        const std::uint32_t w = g.targets[e], nd = d + g.cost_table[g.cost_ids[e]][k];
        if (nd < dist[w]) {
          dist[w] = nd;
          if (nd >= buckets.size()) buckets.resize(nd + 1);
          buckets[nd].push_back(w);
        }
      }
    }
  }
  return kUnset;
}

}  // namespace

std::uint16_t CostGraph::cost_id(const CostVec& c) {
  for (std::size_t i = 0; i < cost_table.size(); ++i)
    if (cost_table[i] == c) return static_cast<std::uint16_t>(i);
  if (cost_table.size() > std::numeric_limits<std::uint16_t>::max())
    throw std::runtime_error("costs pass: more than 65536 distinct step cost vectors");
  cost_table.push_back(c);
  return static_cast<std::uint16_t>(cost_table.size() - 1);
}

std::size_t CostGraph::bytes() const {
  return capacity_bytes(offsets) + capacity_bytes(targets) + capacity_bytes(cost_ids) + capacity_bytes(cost_table) +
         finished.capacity() / 8;
}

GraphCosts analyse_costs(const CostGraph& g) {
  GraphCosts out;
  if (g.states() == 0) return out;
  std::uint64_t tarjan_bytes = 0;
  const Longest lp = longest_paths(g, tarjan_bytes);
  const auto& top = lp.value[lp.comp[0]];
  out.any_finished = top[0] != kNoPath;
  out.analysis_bytes = tarjan_bytes;
  if (!out.any_finished) return out;
  std::vector<std::uint32_t> dist;
  for (unsigned k = 0; k < kCostKinds; ++k) {
    CostBound& b = out.bounds[k];
    b.min = shortest(g, k, dist);
    b.unbounded = top[k] == kInfinite;
    b.max = b.unbounded ? 0 : top[k];
  }
  out.analysis_bytes += capacity_bytes(dist);
  return out;
}

CostResult compute_costs(const Scenario& sc, const Design& d, const CostOptions& opt) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  CostResult r;
  r.max_states = opt.max_states;
  CostGraph g;
  {
    StateStore store;
    store.insert(initial_state(sc, d), kNoState);
    Expansion ex;
    for (StateId id = 0; id < store.size(); ++id) {
      if (id % 4096 == 0 && stop_requested()) throw LimitReached(run_limit_reached(), "computing costs");
      if (opt.time_limit > 0 && id % 4096 == 0 &&
          std::chrono::duration<double>(clock::now() - t0).count() > opt.time_limit) {
        r.status = CostStatus::TimeLimit;
        break;
      }
      const State s = store.state(id);
      ex.out_of_frames = false;
      successors(sc, d, s, ex);
      if (ex.out_of_frames) {
        r.status = CostStatus::OutOfFrames;
        break;
      }
      const bool fin = all_threads_finished(sc, s);
      g.finished.push_back(fin);
      if (ex.succ.empty() && !fin) ++r.deadlocks;
      if (fin) ++r.finished;
      for (const Successor& su : ex.succ) {
        g.targets.push_back(store.insert(su.next, id, store.prepare(su.next, s)).first);
        g.cost_ids.push_back(g.cost_id(su.cost));
      }
      g.offsets.push_back(g.targets.size());
      if (opt.max_states && store.size() > opt.max_states) {
        r.status = CostStatus::TooManyStates;
        break;
      }
    }
    r.states = store.size();
    r.transitions = g.targets.size();
    r.peak_bytes = store.bytes() + g.bytes();
  }
  if (r.status == CostStatus::Computed) {
    const GraphCosts gc = analyse_costs(g);
    r.peak_bytes = std::max<std::uint64_t>(r.peak_bytes, g.bytes() + gc.analysis_bytes);
    if (gc.any_finished) r.bounds = gc.bounds;
    else r.status = CostStatus::NoFinish;
  }
  r.seconds = std::chrono::duration<double>(clock::now() - t0).count();
  return r;
}

std::string bound_text(const CostBound& b) {
  if (b.unbounded) return fmt::format("{}–∞", b.min);
  if (b.min == b.max) return fmt::format("{}", b.min);
  return fmt::format("{}–{}", b.min, b.max);
}

std::string cost_note(const CostResult& r) {
  switch (r.status) {
    case CostStatus::Computed: return "";
    case CostStatus::NoFinish: return "n/a: no execution finishes (every one deadlocks or loops forever)";
    case CostStatus::TooManyStates: return fmt::format("not computed: more than {} states", r.max_states);
    case CostStatus::TimeLimit: return "not computed: the time limit was reached";
    case CostStatus::OutOfFrames: return "not computed: the scenario needs more frames than the model has";
  }
  return "?";
}

std::string cost_cell(const CostResult& r, unsigned kind) {
  if (r.status == CostStatus::Computed) return bound_text(r.bounds[kind]);
  if (r.status == CostStatus::NoFinish) return "n/a";
  return cost_note(r);
}

}  // namespace cow
