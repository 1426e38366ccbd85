// The limits of one run (`--time-limit`, `--max-memory`) and a stop request (SIGINT or
// SIGTERM). They bound the whole run: loading, property grounding and compiling,
// exploring, the costs pass. Long loops call run_limit_reached() (the explorer, which then
// stops with its partial statistics) or check_run_limits() (the others, which throw
// LimitReached; `main` reports it as incomplete, exit 3).
#pragma once
#include <cstdint>
#include <stdexcept>
#include <string>

namespace cow {

struct LimitReached : std::runtime_error {
  std::string limit;  // "--time-limit", "--max-memory", "SIGINT", "SIGTERM"
  LimitReached(const std::string& limit_, const std::string& during)
      : std::runtime_error(limit_ + " reached while " + during), limit(limit_) {}
};

// Starts the run's clock; 0 means no limit. `compare` starts it again for every run.
void start_run_limits(double time_limit_seconds, std::uint64_t max_memory_mb);

// The limit that is past ("" while none is): the stop signal first, then the time, then
// the resident memory (read from /proc at most every few milliseconds).
std::string run_limit_reached();

// Throws LimitReached when run_limit_reached(); cheap enough for an inner loop (the
// clock is read every 256 calls).
void check_run_limits(const char* during);

// SIGINT or SIGTERM arrived: a `compare` stops altogether, not only its current run.
bool stop_requested();

// SIGINT and SIGTERM ask the run to stop (a second one ends the process at once, exit 3).
void install_stop_signals();

// Resident memory now, KiB (0 if /proc cannot be read).
std::uint64_t current_rss_kb();

}  // namespace cow
