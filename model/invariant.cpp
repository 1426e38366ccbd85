#include "model/invariant.hpp"

#include <cstdio>
#include <cstdlib>

#include "model/exit_status.hpp"

namespace cow {
// An internal error ends the run with its own status (never a signal, never a verdict).
void invariant_failed(const char* file, int line, const char* cond, std::string_view why) {
  std::fprintf(stderr,
               "cowcheck: internal error at %s:%d: %s (%.*s)\n"
               "cowcheck: this is a bug in cowcheck, not in your input; please report it with the command "
               "line and the files it read\n",
               file, line, cond, static_cast<int>(why.size()), why.data());
  std::fflush(stderr);
  std::_Exit(kExitInternal);
}
}  // namespace cow
