// cowcheck's exit statuses (README "What cowcheck promises").
#pragma once

namespace cow {
inline constexpr int kExitHolds = 0;       // every property holds
inline constexpr int kExitViolated = 1;    // a property is violated, or no execution finishes
inline constexpr int kExitBadInput = 2;    // bad input or usage: file:line:col: error: ...
inline constexpr int kExitIncomplete = 3;  // a limit (--max-states, --time-limit, --max-memory) or a signal
inline constexpr int kExitInternal = 4;    // a bug in cowcheck: "internal error", never a verdict
}  // namespace cow
