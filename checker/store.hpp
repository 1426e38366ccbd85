// The visited set: insert-only, maps each state to a dense id (BFS order), with the
// parent id of each state kept beside it for counterexamples (Storm's StateStorage).
//
// States are stored collapsed (SPIN's COLLAPSE, Holzmann 1997): a State is cut into three
// chunks (frames; page tables and mms; threads, pins and global locks), each chunk is
// interned in a table of its own distinct values, and a state is the triple of chunk ids.
// Distinct chunks are far fewer than distinct states, so a state costs its triple, its
// parent and its hash slot. Lossless: state(id) rebuilds the exact State.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "checker/huge_alloc.hpp"
#include "model/state.hpp"

namespace cow {

using StateId = std::uint32_t;
inline constexpr StateId kNoState = 0xFFFFFFFFu;

using ByteHash = std::uint64_t (*)(const void*, std::size_t);

namespace detail {

// An insert-only set of fixed-size byte strings, each with a dense id. Each slot keeps
// the high half of the item's hash beside its id, so that a probe reads an item only
// when the tags match.
template <std::size_t N>
class Interner {
 public:
  explicit Interner(ByteHash h) : hash_(h) { slots_.assign(1u << 10, Slot{}); }
  std::uint32_t intern(const unsigned char* item) { return intern(item, hash_(item, N)); }
  std::uint32_t intern(const unsigned char* item, std::uint64_t h) {
    if ((items_.size() / N + 1) * 4 > slots_.size() * 3) grow();
    const std::size_t mask = slots_.size() - 1;
    const std::uint32_t tag = static_cast<std::uint32_t>(h >> 32);
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      const Slot sl = slots_[i];
      if (sl.id == kNoState) {
        const std::uint32_t id = static_cast<std::uint32_t>(items_.size() / N);
        slots_[i] = Slot{id, tag};
        items_.insert(items_.end(), item, item + N);
        return id;
      }
      if (sl.tag == tag && std::memcmp(items_.data() + std::size_t{sl.id} * N, item, N) == 0) return sl.id;
    }
  }
  // Software prefetch, for a lookup a few items ahead: the first slot it probes, and
  // (once that slot is in cache) the item it names.
  void prefetch_slot(std::uint64_t h) const { __builtin_prefetch(&slots_[h & (slots_.size() - 1)]); }
  void prefetch_item(std::uint64_t h) const {
    const Slot sl = slots_[h & (slots_.size() - 1)];
    if (sl.id != kNoState && sl.tag == static_cast<std::uint32_t>(h >> 32))
      __builtin_prefetch(items_.data() + std::size_t{sl.id} * N);
  }
  const unsigned char* get(std::uint32_t id) const { return items_.data() + std::size_t{id} * N; }
  std::size_t size() const { return items_.size() / N; }
  std::size_t bytes() const { return items_.capacity() + slots_.capacity() * sizeof(Slot); }

 private:
  struct Slot {
    std::uint32_t id = kNoState;
    std::uint32_t tag = 0;
  };
  void grow() {
    std::vector<Slot, HugeAlloc<Slot>> bigger(slots_.size() * 2, Slot{});
    const std::size_t mask = bigger.size() - 1;
    for (std::uint32_t id = 0; id < size(); ++id) {
      const std::uint64_t h = hash_(get(id), N);
      std::size_t i = h & mask;
      while (bigger[i].id != kNoState) i = (i + 1) & mask;
      bigger[i] = Slot{id, static_cast<std::uint32_t>(h >> 32)};
    }
    slots_.swap(bigger);
  }
  ByteHash hash_;
  std::vector<unsigned char, HugeAlloc<unsigned char>> items_;
  std::vector<Slot, HugeAlloc<Slot>> slots_;
};

}  // namespace detail

class StateStore {
 public:
  // Where State is cut (byte offsets): frames | tables, mms | threads, pins, brlock.
  static constexpr std::size_t kCut1 = offsetof(State, tables);
  static constexpr std::size_t kCut2 = offsetof(State, threads);
  static constexpr std::size_t kEnd = sizeof(State);

  explicit StateStore(ByteHash hash = &hash_bytes) : hash_(hash), c0_(hash), c1_(hash), c2_(hash) {
    slots_.assign(1u << 16, kNoState);
  }

  // Work on a successor that needs no access to the store, so that it can be done in
  // parallel before the (sequential) insertion: which chunks equal the parent's, and the
  // hashes of the others.
  struct Prepared {
    std::array<std::uint64_t, 3> hash{};
    std::uint8_t same_as_parent = 0;  // bit c: chunk c equals the parent's chunk c
    std::array<std::uint32_t, 3> key{};  // chunk ids, once interned (intern_chunks)
    std::uint64_t key_hash = 0;
  };
  Prepared prepare(const State& s, const State& parent) const {
    const auto* b = reinterpret_cast<const unsigned char*>(&s);
    const auto* pb = reinterpret_cast<const unsigned char*>(&parent);
    const std::size_t lo[3] = {0, kCut1, kCut2}, hi[3] = {kCut1, kCut2, kEnd};
    Prepared p;
    for (unsigned c = 0; c < 3; ++c) {
      if (std::memcmp(b + lo[c], pb + lo[c], hi[c] - lo[c]) == 0) p.same_as_parent |= static_cast<std::uint8_t>(1u << c);
      else p.hash[c] = hash_(b + lo[c], hi[c] - lo[c]);
    }
    return p;
  }

  // Insertion in two passes over a batch of successors, in the same order, so that
  // memory can be fetched ahead (the store is memory-bound): intern_chunks() on every
  // successor (prefetch_chunks() a few ahead), then insert_interned() on every one
  // (prefetch_key() a few ahead). Ids are those of insert() called in the same order.
  void prefetch_chunks(const Prepared& p, bool items) const {
    if (!(p.same_as_parent & 1)) items ? c0_.prefetch_item(p.hash[0]) : c0_.prefetch_slot(p.hash[0]);
    if (!(p.same_as_parent & 2)) items ? c1_.prefetch_item(p.hash[1]) : c1_.prefetch_slot(p.hash[1]);
    if (!(p.same_as_parent & 4)) items ? c2_.prefetch_item(p.hash[2]) : c2_.prefetch_slot(p.hash[2]);
  }
  void intern_chunks(const State& s, StateId parent, Prepared& p) {
    const auto* b = reinterpret_cast<const unsigned char*>(&s);
    const Key& pk = keys_[parent];
    p.key = Key{(p.same_as_parent & 1) ? pk[0] : c0_.intern(b, p.hash[0]),
                (p.same_as_parent & 2) ? pk[1] : c1_.intern(b + kCut1, p.hash[1]),
                (p.same_as_parent & 4) ? pk[2] : c2_.intern(b + kCut2, p.hash[2])};
    p.key_hash = hash_(p.key.data(), sizeof(Key));
  }
  void prefetch_key(const Prepared& p, bool entry) const {
    const StateId& sl = slots_[p.key_hash & (slots_.size() - 1)];
    if (!entry) __builtin_prefetch(&sl);
    else if (sl != kNoState) __builtin_prefetch(&keys_[sl]);
  }
  std::pair<StateId, bool> insert_interned(StateId parent, const Prepared& p) {
    return insert_key(p.key, parent, p.key_hash);
  }

  // Inserts a successor of `parent` prepared by prepare(s, state(parent)).
  std::pair<StateId, bool> insert(const State& s, StateId parent, const Prepared& p) {
    const auto* b = reinterpret_cast<const unsigned char*>(&s);
    const Key& pk = keys_[parent];
    Key k{(p.same_as_parent & 1) ? pk[0] : c0_.intern(b, p.hash[0]),
          (p.same_as_parent & 2) ? pk[1] : c1_.intern(b + kCut1, p.hash[1]),
          (p.same_as_parent & 4) ? pk[2] : c2_.intern(b + kCut2, p.hash[2])};
    return insert_key(k, parent);
  }

  std::pair<StateId, bool> insert(const State& s, StateId parent, const Prepared& p, u8 /*tid*/) {
    return insert(s, parent, p);
  }

  // Returns the id of `s` and whether it was new.
  std::pair<StateId, bool> insert(const State& s, StateId parent) {
    const auto* b = reinterpret_cast<const unsigned char*>(&s);
    return insert_key(Key{c0_.intern(b), c1_.intern(b + kCut1), c2_.intern(b + kCut2)}, parent);
  }

 private:
  using Key = std::array<std::uint32_t, 3>;
  std::pair<StateId, bool> insert_key(const Key& k, StateId parent) {
    return insert_key(k, parent, hash_(k.data(), sizeof(Key)));
  }
  std::pair<StateId, bool> insert_key(const Key& k, StateId parent, std::uint64_t h) {
    if ((keys_.size() + 1) * 4 > slots_.size() * 3) grow();
    std::size_t mask = slots_.size() - 1;
    for (std::size_t i = h & mask;; i = (i + 1) & mask) {
      StateId id = slots_[i];
      if (id == kNoState) {
        id = static_cast<StateId>(keys_.size());
        slots_[i] = id;
        keys_.push_back(k);
        parents_.push_back(parent);
        return {id, true};
      }
      if (keys_[id] == k) return {id, false};
    }
  }

 public:
  State state(StateId id) const {
    State s;
    auto* b = reinterpret_cast<unsigned char*>(&s);
    const Key& k = keys_[id];
    std::memcpy(b, c0_.get(k[0]), kCut1);
    std::memcpy(b + kCut1, c1_.get(k[1]), kCut2 - kCut1);
    std::memcpy(b + kCut2, c2_.get(k[2]), kEnd - kCut2);
    return s;
  }
  StateId parent(StateId id) const { return parents_[id]; }
  std::size_t size() const { return keys_.size(); }
  std::size_t bytes() const {
    return keys_.capacity() * sizeof(Key) + parents_.capacity() * sizeof(StateId) +
           slots_.capacity() * sizeof(StateId) + c0_.bytes() + c1_.bytes() + c2_.bytes();
  }
  std::array<std::size_t, 3> chunk_counts() const { return {c0_.size(), c1_.size(), c2_.size()}; }

 private:
  void grow() {
    std::vector<StateId, HugeAlloc<StateId>> bigger(slots_.size() * 2, kNoState);
    std::size_t mask = bigger.size() - 1;
    for (StateId id = 0; id < keys_.size(); ++id) {
      std::size_t i = hash_(keys_[id].data(), sizeof(Key)) & mask;
      while (bigger[i] != kNoState) i = (i + 1) & mask;
      bigger[i] = id;
    }
    slots_.swap(bigger);
  }

  ByteHash hash_;
  detail::Interner<kCut1> c0_;
  detail::Interner<kCut2 - kCut1> c1_;
  detail::Interner<kEnd - kCut2> c2_;
  std::vector<Key, HugeAlloc<Key>> keys_;
  std::vector<StateId, HugeAlloc<StateId>> parents_;
  std::vector<StateId, HugeAlloc<StateId>> slots_;
};

}  // namespace cow
