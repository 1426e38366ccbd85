// Counterexamples: rebuilt from parent ids by re-running the successor function on each
// parent (mCRL2's find_action), so every printed step has been executed once more; the
// witness of a scenario in which no execution finishes (a lasso or a deadlock); and the
// differences between two states, in the kernel's terms.
#pragma once
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "checker/store.hpp"
#include "model/design.hpp"
#include "model/paths.hpp"

namespace cow {

struct TraceStep {
  u8 tid;
  std::string label;
  std::vector<std::string> changes;
  bool preempts = false;  // the thread of the step before could still step (checker/preemptions.hpp)
  std::string why;        // what the step's decision read (checker/explain.hpp), or ""

};

struct Trace {
  std::vector<TraceStep> steps;
  State last;
};

// With `symmetry` the store holds canonical states (model/symmetry.hpp): the trace is
// replayed from the initial state, each step chosen by its canonical successor, so the
// printed states are real ones with consistent frame numbers; Trace::last is the real
// final state.
Trace rebuild_trace(const Scenario& sc, const Design& d, const StateStore& store, StateId target,
                    bool symmetry = false);

// The execution in which the given threads take one step each, in order, from the
// initial state (how hash compaction, which keeps no states, rebuilds its traces).
// With `symmetry` the threads are those of the canonical states (model/symmetry.hpp).
Trace replay_steps(const Scenario& sc, const Design& d, const std::vector<u8>& tids, bool symmetry = false);

// The walk to where an execution that never finishes goes, over any graph whose steps
// are taken by threads 0..threads-1 (at most one step per thread from a node): from
// `init`, it takes, of the enabled steps, one that leads to a node not yet on the walk if
// there is one (so that threads that can make progress do), trying the threads
// round-robin from the one after the last that stepped. It stops when a step returns to
// a node already on the walk (a lasso: steps [cycle_start, end) lead from the node before
// step cycle_start back to it, and can repeat forever) or at a node with no step (a
// deadlock, cycle_start == tids.size()). Deterministic; ends within as many steps as
// there are nodes reachable. `steps(n, out)` fills out with n's (thread, successor)
// pairs; `hash(n)` hashes a node (nodes compare with ==).
struct LassoWalk {
  std::vector<u8> tids;  // the thread of each step
  std::size_t cycle_start = 0;
  bool deadlock = false;
};
template <class Node, class Steps, class Hash>
LassoWalk lasso_walk(const Node& init, std::size_t threads, Steps&& steps, Hash&& hash) {
  constexpr std::size_t kNotOnWalk = std::numeric_limits<std::size_t>::max();
  std::vector<Node> walk{init};
  std::unordered_multimap<std::uint64_t, std::size_t> at{{hash(init), 0}};  // a node's hash -> its place
  auto place = [&](const Node& n) {
    auto [lo, hi] = at.equal_range(hash(n));
    for (auto it = lo; it != hi; ++it)
      if (walk[it->second] == n) return it->second;
    return kNotOnWalk;
  };
  LassoWalk w;
  std::vector<std::pair<u8, Node>> out;
  std::size_t first = 0;  // round-robin: the thread tried first
  for (;;) {
    steps(walk.back(), out);
    if (out.empty()) {
      w.deadlock = true;
      w.cycle_start = w.tids.size();
      return w;
    }
    const std::pair<u8, Node>* pick = nullptr;
    std::size_t pick_at = kNotOnWalk;
    for (bool fresh : {true, false})
      for (std::size_t k = 0; k < threads && !pick; ++k)
        for (const auto& o : out) {
          if (pick || o.first != (first + k) % threads) continue;
          const std::size_t p = place(o.second);
          if (fresh && p != kNotOnWalk) continue;
          pick = &o;
          pick_at = p;
        }
    w.tids.push_back(pick->first);
    first = (pick->first + 1u) % threads;
    if (pick_at != kNotOnWalk) {
      w.cycle_start = pick_at;
      return w;
    }
    walk.push_back(pick->second);
    at.emplace(hash(walk.back()), walk.size() - 1);
  }
}

// An execution that never finishes, for a scenario where none does (lasso_walk on the
// scenario's states, replayed as a trace).
struct Lasso {
  Trace trace;                  // the stem, then the cycle (for a deadlock, the whole path)
  std::size_t cycle_start = 0;  // index in trace.steps of the cycle's first step
  bool deadlock = false;        // the walk ended where no step is enabled
};
Lasso find_lasso(const Scenario& sc, const Design& d);

// The successor of `from` (ex holds its successors) that a trace step took: its thread
// and label; under a weak memory model a thread may have several, told apart by what
// they change. INVARIANT when none matches.
const Successor& step_taken(const Scenario& sc, const Design& d, const State& from, const Expansion& ex,
                            const TraceStep& step);

// What changed from a to b, one line per field, e.g. "parent pte[0]: rw frame#0 -> ro frame#0".
std::vector<std::string> describe_changes(const Scenario& sc, const Design& d, const State& a, const State& b);

// The initial state, in the same terms.
std::vector<std::string> describe_state(const Scenario& sc, const Design& d, const State& s);

}  // namespace cow
