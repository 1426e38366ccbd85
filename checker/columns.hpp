// A counterexample as the kernel's CPU0 | CPU1 | ... table (lockdep's "Possible unsafe
// locking scenario", the interleavings posted to linux-mm): one column per thread, each
// step in its thread's column with what it changed under it, preemptions marked; plain
// text at most `width` columns wide, long labels wrapped. `cowcheck check --format columns`.
#pragma once
#include <string>

#include "checker/run.hpp"

namespace cow {

std::string columns_trace(const CheckRun& run, std::size_t outcome, unsigned width = 100);

// The lines of s wrapped to at most w characters: at a space where it can, else after ':',
// ',' or '+', else after '(', else inside a word; continuation lines are indented two more.
std::vector<std::string> wrap_text(const std::string& s, std::size_t w);

}  // namespace cow
