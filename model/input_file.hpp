// Reading a user's input file (scenario, property, trace) with the checks a hostile or
// careless input needs: it must be a regular file (not a FIFO, a device or a directory,
// which would block or never end) and no larger than a bound. Errors are InputError
// naming the file.
#pragma once
#include <cstddef>
#include <string>

namespace cow {

// Bounds of the inputs cowcheck reads (a real scenario or property is a few KiB, a trace
// JSON a few hundred KiB).
inline constexpr std::size_t kMaxScenarioBytes = 1u << 20;  // 1 MiB
inline constexpr std::size_t kMaxPropertyBytes = 1u << 20;  // 1 MiB
inline constexpr std::size_t kMaxTraceBytes = 64u << 20;    // 64 MiB

// The file's bytes; `what` names it in errors ("scenario", "property file", "trace").
std::string read_input_file(const std::string& path, const char* what, std::size_t max_bytes);

// InputError unless `path` names an existing regular file no larger than max_bytes (the
// same checks, for readers that open the file themselves).
void check_input_file(const std::string& path, const char* what, std::size_t max_bytes);

}  // namespace cow
