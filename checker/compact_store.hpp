// Hash compaction (`--hash-compact`, never the default): the visited set keeps only a
// 64-bit fingerprint of each state (Wolper and Leroy 1993), and each state's parent and
// the thread whose step reached it; full states are kept only for the BFS frontier
// (the states not yet expanded). Two distinct states with the same fingerprint are
// taken for one, so a state may be missed: with n states the probability that any
// collision happened is at most n(n-1)/2^65, which the report prints. Counterexamples
// are replayed from the initial state by the recorded threads.
#pragma once
#include <cstdint>
#include <deque>
#include <vector>

#include "checker/store.hpp"

namespace cow {

class CompactStore {
 public:
  CompactStore() { slots_.assign(1u << 16, 0); }

  struct Prepared {
    std::uint64_t fp = 0;
  };
  Prepared prepare(const State& s, const State&) const { return {fingerprint(s)}; }

  std::pair<StateId, bool> insert(const State& s, StateId parent, const Prepared& p, u8 tid) {
    if ((size() + 1) * 3 > slots_.size() * 2) grow();
    const std::size_t mask = slots_.size() - 1;
    for (std::size_t i = mix(p.fp) & mask;; i = (i + 1) & mask) {
      if (slots_[i] == p.fp) return {kNoState, false};  // taken for a visited state
      if (slots_[i] == 0) {
        slots_[i] = p.fp;
        ++used_;
        parents_.push_back(parent);
        tids_.push_back(tid);
        frontier_.push_back(s);
        return {static_cast<StateId>(parents_.size() - 1), true};
      }
    }
  }
  std::pair<StateId, bool> insert(const State& s, StateId parent) {
    return insert(s, parent, prepare(s, s), kNone);
  }

  // Only states not yet released (the frontier) can be read back.
  State state(StateId id) const { return frontier_.at(id - base_); }
  // Forgets the full states below `id` (expanded already).
  void release_below(StateId id) {
    while (base_ < id && !frontier_.empty()) {
      frontier_.pop_front();
      ++base_;
    }
  }
  StateId parent(StateId id) const { return parents_[id]; }
  u8 tid(StateId id) const { return tids_[id]; }
  std::size_t size() const { return parents_.size(); }
  // The visited set proper: fingerprints, parents and threads (the frontier is not
  // counted: it is the BFS queue, present in every mode).
  std::size_t bytes() const {
    return slots_.capacity() * sizeof(std::uint64_t) + parents_.capacity() * sizeof(StateId) + tids_.capacity();
  }
  // Upper bound on the probability that two distinct states shared a fingerprint.
  double omission_probability() const {
    double n = static_cast<double>(size());
    return n * (n - 1) / 36893488147419103232.0;  // 2^65
  }

 private:
  static std::uint64_t fingerprint(const State& s) {
    std::uint64_t h = hash_bytes(&s, sizeof(State));
    return h ? h : 1;  // 0 marks an empty slot
  }
  static std::uint64_t mix(std::uint64_t h) { return (h ^ (h >> 29)) * 0xbf58476d1ce4e5b9ULL; }
  void grow() {
    std::vector<std::uint64_t, HugeAlloc<std::uint64_t>> bigger(slots_.size() * 2, 0);
    const std::size_t mask = bigger.size() - 1;
    for (std::uint64_t fp : slots_) {
      if (!fp) continue;
      std::size_t i = mix(fp) & mask;
      while (bigger[i]) i = (i + 1) & mask;
      bigger[i] = fp;
    }
    slots_.swap(bigger);
  }
  std::vector<std::uint64_t, HugeAlloc<std::uint64_t>> slots_;
  std::size_t used_ = 0;
  std::vector<StateId> parents_;
  std::vector<u8> tids_;
  std::deque<State> frontier_;
  StateId base_ = 0;
};

}  // namespace cow
