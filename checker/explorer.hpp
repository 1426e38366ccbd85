// Exhaustive breadth-first exploration of every interleaving. The first violation of
// each property found in BFS order has a shortest trace.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "checker/compact_store.hpp"
#include "checker/store.hpp"
#include "model/design.hpp"
#include "properties/property.hpp"

namespace cow {

struct ExploreOptions {
  std::vector<const Property*> properties;
  bool full = false;              // keep exploring after every property has failed
  std::uint64_t max_states = 0;   // 0: no limit
  // --time-limit and --max-memory bound the whole run: model/run_limits.hpp.
  bool progress = false;            // a status line on stderr for runs longer than 2 s
  unsigned threads = 1;             // workers; results do not depend on it
  bool por = false;                 // partial-order reduction (checker/por.hpp)
  bool symmetry = false;            // frames renamed canonically (model/symmetry.hpp)
  bool hash_compact = false;        // fingerprints only (checker/compact_store.hpp); lossy
};

struct PropertyOutcome {
  const Property* property;
  bool violated = false;
  StateId state = kNoState;  // first violating state (BFS order)
  std::string detail;        // the failing instance, as the evaluator found it
  std::string certificate;   // Z3's confirmation and instance (SMT-LIB properties)
};

enum class Completion { Exhausted, StoppedAllViolated, LimitHit, OutOfFrames };

struct ExploreResult {
  Completion completion = Completion::Exhausted;
  std::string limit;  // which limit was hit
  std::vector<PropertyOutcome> outcomes;
  std::uint64_t states = 0, transitions = 0, deadlocks = 0;
  std::uint64_t final_states = 0;  // expanded states where every thread has finished
  unsigned depth = 0;
  double seconds = 0;
  std::uint64_t peak_rss_kb = 0;
  std::uint64_t store_bytes = 0;
  StateId out_of_frames_at = kNoState;
  bool por = false, symmetry = false, hash_compact = false;  // the reductions used
  double omission_probability = 0;  // hash compaction: bound on P(some state was missed)
  bool any_violated() const {
    for (const auto& o : outcomes) if (o.violated) return true;
    return false;
  }
  // The whole state space was explored and no execution finishes (every one loops
  // forever or deadlocks): no property can be said to hold. Partial-order reduction and
  // symmetry keep every final state reachable (final states are terminal); hash
  // compaction may have missed one (omission_probability).
  bool no_execution_finishes() const { return completion == Completion::Exhausted && final_states == 0; }
};

class Explorer {
 public:
  Explorer(const Scenario& sc, const Design& d, ExploreOptions opt)
      : sc_(sc), design_(d), opt_(std::move(opt)) {}
  ExploreResult run();
  const StateStore& store() const { return store_; }
  const CompactStore& compact_store() const { return compact_; }
  // Hash compaction: the threads whose steps lead from the initial state to `id`.
  std::vector<u8> path_to(StateId id) const;

 private:
  template <class Store>
  ExploreResult run_in(Store& store);
  const Scenario& sc_;
  const Design& design_;
  ExploreOptions opt_;
  StateStore store_;
  CompactStore compact_;
};

std::uint64_t peak_rss_kb();

}  // namespace cow
