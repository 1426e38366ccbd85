// The visited set: insert-only, maps each state to a dense id (BFS order), with the
// parent id of each state kept beside it for counterexamples (Storm's StateStorage).
#pragma once
#include <cstdint>
#include <vector>

#include "model/state.hpp"

namespace cow {

using StateId = std::uint32_t;
inline constexpr StateId kNoState = 0xFFFFFFFFu;

template <class Hash = std::uint64_t (*)(const State&)>
class StateStore {
 public:
  explicit StateStore(Hash hash = &hash_state) : hash_(hash) { slots_.assign(1u << 16, kNoState); }

  // Returns the id of `s` and whether it was new.
  std::pair<StateId, bool> insert(const State& s, StateId parent) {
    if ((states_.size() + 1) * 4 > slots_.size() * 3) grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = hash_(s) & mask;; i = (i + 1) & mask) {
      StateId id = slots_[i];
      if (id == kNoState) {
        id = static_cast<StateId>(states_.size());
        slots_[i] = id;
        states_.push_back(s);
        parents_.push_back(parent);
        return {id, true};
      }
      if (states_[id] == s) return {id, false};
    }
  }

  const State& state(StateId id) const { return states_[id]; }
  StateId parent(StateId id) const { return parents_[id]; }
  std::size_t size() const { return states_.size(); }
  std::size_t bytes() const {
    return states_.capacity() * sizeof(State) + parents_.capacity() * sizeof(StateId) +
           slots_.capacity() * sizeof(StateId);
  }

 private:
  void grow() {
    std::vector<StateId> bigger(slots_.size() * 2, kNoState);
    std::size_t mask = bigger.size() - 1;
    for (StateId id = 0; id < states_.size(); ++id) {
      std::size_t i = hash_(states_[id]) & mask;
      while (bigger[i] != kNoState) i = (i + 1) & mask;
      bigger[i] = id;
    }
    slots_.swap(bigger);
  }

  Hash hash_;
  std::vector<State> states_;
  std::vector<StateId> parents_;
  std::vector<StateId> slots_;
};

}  // namespace cow
