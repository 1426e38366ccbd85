// The explorer's progress line (checker/progress.hpp).
#include "checker/progress.hpp"

#include <cstdio>
#include <fmt/format.h>
#include <string>

#include "checker/explorer.hpp"
#include "model/run_limits.hpp"

namespace cow {

void Progress::tick(double secs, std::size_t stored, std::size_t expanded, std::size_t level_end, unsigned depth) {
  if (!enabled_ || secs < 2.0 || secs - last_ < 1.0) return;
  last_ = secs;
  // ETA once the levels shrink: the rest as a geometric tail of the last two ratios.
  std::string eta;
  const std::size_t nl = levels_.size();
  if (nl >= 3 && levels_[nl - 1] < levels_[nl - 2] && levels_[nl - 2] < levels_[nl - 3]) {
    const double q = static_cast<double>(levels_[nl - 1]) / static_cast<double>(levels_[nl - 2]);
    const double queue = static_cast<double>(stored - expanded);
    const double future = static_cast<double>(stored - level_end) * q / (1 - q);
    const double rate = static_cast<double>(expanded) / secs;  // states expanded per second
    if (rate > 0) eta = fmt::format("  ETA ~{:.0f} s", (queue + future) / rate);
  }
  std::fprintf(stderr, "\r%12zu states  %9.0f states/s  depth %u  queue %zu  RSS %llu MiB  %.0f s%s   ", stored,
               static_cast<double>(stored) / secs, depth, stored - expanded,
               static_cast<unsigned long long>(current_rss_kb() / 1024), secs, eta.c_str());
  std::fflush(stderr);
}

void Progress::finish() const {
  if (enabled_ && last_ > 0) std::fprintf(stderr, "\r%100s\r", "");
}

}  // namespace cow
