#include "model/state.hpp"

#include <xxhash.h>

namespace cow {
std::uint64_t hash_state(const State& s) { return XXH3_64bits(&s, sizeof(State)); }
}  // namespace cow
