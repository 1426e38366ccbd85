// The fixed C text of every reproducer `cowcheck repro` writes (checker/repro.hpp).
#pragma once

namespace cow {

extern const char* const kReproRuntime;

}  // namespace cow
