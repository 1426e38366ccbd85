// `cowcheck litmus TRACE.json`: the accesses and barriers of a weak-memory counterexample
// of the PageAnonExclusive protocol (088b8aa537c2: KSM's write_protect_page or swap-out's
// try_to_unmap_one against GUP-fast, model/memory_model.hpp), or of fork's write_protect_seq
// against FOLL_PIN GUP-fast (model/fork_weak.hpp, checker/litmus_fork.hpp), as a herd7 C litmus test for
// the Linux-kernel memory model (tools/memory-model), with the design's barriers, and an
// `exists` clause asking for the outcome the trace reached. The trace is replayed first.
#pragma once
#include <string>

namespace cow {

// The litmus test of the trace in `path`, with the barriers of `design` (default: the
// trace's own, e.g. v6.1 to ask whether its fix forbids the outcome); InputError when the
// trace does not replay to a violation or is not such a race.
std::string litmus(const std::string& path, const std::string& design = "");

}  // namespace cow
