#include "model/state.hpp"

#include <xxhash.h>

namespace cow {
std::uint64_t hash_state(const State& s) { return XXH3_64bits(&s, sizeof(State)); }
std::uint64_t hash_bytes(const void* p, std::size_t n) { return XXH3_64bits(p, n); }
}  // namespace cow
