// Internal invariants (CBMC's invariant.h): on in every build type. A failure is a bug in
// cowcheck, never a property violation and never bad input.
#pragma once
#include <string_view>

namespace cow {
[[noreturn]] void invariant_failed(const char* file, int line, const char* cond, std::string_view why);
}  // namespace cow

#define INVARIANT(cond, why)                                                      \
  do {                                                                            \
    if (!(cond)) ::cow::invariant_failed(__FILE__, __LINE__, #cond, (why));       \
  } while (0)
#define UNREACHABLE(why) ::cow::invariant_failed(__FILE__, __LINE__, "unreachable", (why))
