// parallel_for: runs a loop body on a few workers, each over a contiguous slice, so that
// "the first hit of worker w" orders as the sequential loop would (the explorer's
// expansion and its incremental property checks rely on it).
#pragma once
#include <algorithm>
#include <cstddef>
#include <thread>
#include <vector>

namespace cow {

// Runs f(i, worker) for i in [lo, hi) on `threads` workers, each a contiguous slice.
template <class F>
void parallel_for(std::size_t lo, std::size_t hi, unsigned threads, F&& f) {
  const std::size_t n = hi - lo;
  if (threads <= 1 || n < 64) {
    for (std::size_t i = lo; i < hi; ++i) f(i, 0u);
    return;
  }
  std::vector<std::jthread> pool;
  const std::size_t per = (n + threads - 1) / threads;
  for (unsigned w = 1; w < threads; ++w) {
    std::size_t a = lo + w * per, z = std::min(hi, a + per);
    if (a < z)
      pool.emplace_back([&f, a, z, w] {
        for (std::size_t i = a; i < z; ++i) f(i, w);
      });
  }
  for (std::size_t i = lo; i < std::min(hi, lo + per); ++i) f(i, 0u);
}

}  // namespace cow
