// Compile-time bounds of the model. A scenario that needs more is rejected at load
// (InputError naming the bound), or, for frames, when an allocation would exceed the
// pool during exploration (the run stops with exit status 2, never a wrong verdict).
#pragma once
#include <cstddef>

namespace cow {

inline constexpr std::size_t kMaxMms = 3;       // processes (struct mm_struct)
inline constexpr std::size_t kMaxVmas = 2;      // VMAs per mm
inline constexpr std::size_t kMaxVpages = 6;    // virtual pages per mm (one page table covers them)
inline constexpr std::size_t kMaxFrames = 16;   // physical frames (struct page)
inline constexpr std::size_t kMaxThreads = 8;   // user threads and devices
inline constexpr std::size_t kMaxPins = 6;      // GUP references held by drivers (FOLL_GET/FOLL_PIN)
inline constexpr std::size_t kMaxOps = 24;      // operations per thread
inline constexpr std::size_t kMaxWrites = 254;  // distinct data values written in a scenario
inline constexpr std::size_t kHalves = 2;       // each page holds two independently written halves
inline constexpr std::size_t kMaxBuffered = 2;  // stores in flight, over all CPUs (weak memory models)
// File pages whose disk contents the model keeps (model/writeback.hpp): the page-cache
// frames 0 .. kMaxDiskPages-1, in scenarios with sync_file_range.
inline constexpr std::size_t kMaxDiskPages = 2;

}  // namespace cow
