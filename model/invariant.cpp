#include "model/invariant.hpp"

#include <cstdio>
#include <cstdlib>

namespace cow {
void invariant_failed(const char* file, int line, const char* cond, std::string_view why) {
  std::fprintf(stderr, "cowcheck: internal error at %s:%d: %s (%.*s)\n", file, line, cond,
               static_cast<int>(why.size()), why.data());
  std::abort();
}
}  // namespace cow
