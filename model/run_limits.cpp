#include "model/run_limits.hpp"

#include <time.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <fstream>

namespace cow {

namespace {
using clock = std::chrono::steady_clock;
volatile std::sig_atomic_t g_signal = 0;
clock::time_point g_start = clock::now();
double g_time_limit = 0;
std::uint64_t g_max_memory_mb = 0;
std::atomic<clock::rep> g_last_rss_check{0};
std::atomic<bool> g_memory_over{false};
std::atomic<unsigned> g_calls{0};

volatile std::sig_atomic_t g_signal_second = 0;  // CLOCK_MONOTONIC seconds of the first

extern "C" void on_stop_signal(int sig) {
  struct timespec now {};
  ::clock_gettime(CLOCK_MONOTONIC, &now);  // async-signal-safe
  // A second signal ends the process at once; one within a second of the first is the
  // same request delivered twice (`timeout` signals the child and its process group).
  if (g_signal != 0 && now.tv_sec > g_signal_second + 1) {
    static const char msg[] = "cowcheck: stopped by a second signal\n";
    [[maybe_unused]] auto n = ::write(STDERR_FILENO, msg, sizeof msg - 1);
    ::_exit(3);
  }
  if (g_signal != 0) return;
  g_signal_second = static_cast<std::sig_atomic_t>(now.tv_sec);
  g_signal = sig;
}
}  // namespace

std::uint64_t current_rss_kb() {
  std::ifstream statm("/proc/self/statm");
  std::uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<std::uint64_t>(::sysconf(_SC_PAGESIZE)) / 1024;
}

void start_run_limits(double time_limit_seconds, std::uint64_t max_memory_mb) {
  g_start = clock::now();
  g_time_limit = time_limit_seconds;
  g_max_memory_mb = max_memory_mb;
  g_memory_over = false;
  g_last_rss_check = 0;
}

std::string run_limit_reached() {
  if (g_signal == SIGINT) return "SIGINT";
  if (g_signal != 0) return "SIGTERM";
  const auto now = clock::now();
  if (g_time_limit > 0 && std::chrono::duration<double>(now - g_start).count() > g_time_limit) return "--time-limit";
  if (g_max_memory_mb > 0) {
    const auto t = now.time_since_epoch().count();
    const auto every = std::chrono::duration_cast<clock::duration>(std::chrono::milliseconds(5)).count();
    if (t - g_last_rss_check.load(std::memory_order_relaxed) > every) {
      g_last_rss_check = t;
      g_memory_over = current_rss_kb() / 1024 > g_max_memory_mb;
    }
    if (g_memory_over) return "--max-memory";
  }
  return "";
}

void check_run_limits(const char* during) {
  if (g_signal == 0 && (g_calls.fetch_add(1, std::memory_order_relaxed) & 255) != 0) return;
  std::string l = run_limit_reached();
  if (!l.empty()) throw LimitReached(l, during);
}

bool stop_requested() { return g_signal != 0; }

void install_stop_signals() {
  struct sigaction sa {};
  sa.sa_handler = on_stop_signal;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = 0;
  ::sigaction(SIGINT, &sa, nullptr);
  ::sigaction(SIGTERM, &sa, nullptr);
}

}  // namespace cow
