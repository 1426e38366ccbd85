// `cowcheck repro TRACE.json -o repro.c`: a counterexample as a C program that runs the
// scenario on the machine's own kernel, in the manner of the kernel's COW selftest
// (tools/testing/selftests/mm/cow.c).
//
// The program sets the scenario up with the system calls each op stands for (mmap, fork,
// O_DIRECT read(2)/write(2) on a temporary file, vmsplice(2) into a pipe, io_uring fixed
// buffers, the gup_test pins of cow.c, mprotect, madvise, mlock, msync, /proc/self/mem,
// /proc/self/clear_refs, MADV_PAGEOUT). Each scenario thread is a thread of the process
// it runs in; a fork op forks, and the child process runs the child's threads. The ops
// are ordered as the trace orders them: an op waits (through shared memory) for every op
// of another thread that the trace finished before this op's first step. Ops whose
// kernel steps the trace interleaves run concurrently, after a delay that differs in
// every run, and the whole scenario is run again and again (a bounded loop) to hit the
// window the trace shows, which a program cannot force. At the end the program checks
// what user space can see of the scenario's properties (isolation, dma-visible,
// own-write-visible, pin-reliable, file-integrity) and prints KTAP: `ok`, `not ok`, or
// `ok ... # SKIP` when the kernel or the file system lacks a feature.
#pragma once
#include <string>

#include "checker/replay.hpp"

namespace cow {

struct ReproOptions {
  std::string trace_path;  // named in the program's header
};

// The C program for one re-executed trace. Throws InputError for a scenario it cannot
// express (more than one initial process).
std::string repro_program(const ReexecutedTrace& t, const ReproOptions& opt);

}  // namespace cow
