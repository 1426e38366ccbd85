// One atomic step in the making: the successor state being built, which thread takes
// the step, and the label naming the kernel function it models.
#pragma once
#include <string_view>

#include "model/cost.hpp"
#include "model/scenario.hpp"

namespace cow {

struct Step {
  const Scenario& sc;
  State& s;     // the successor, modified in place
  u8 tid;
  std::string_view label{};  // "function:what", e.g. "copy_one_pte"
  bool out_of_frames = false;  // the step needed a frame beyond kMaxFrames
  bool sigbus = false;         // the fault failed with VM_FAULT_SIGBUS (->page_mkwrite: ENOSPC)
  u8 flushed_mms = 0;          // mms whose TLBs the step flushed (bit per mm; model/tlb.hpp)
  // wp_page_copy in two steps, as the kernel does it (the copy without the PT lock, then
  // the PT lock, the flush and the new PTE): set by a user fault in a scenario with TLBs,
  // where a store through a stale TLB entry can land between the two (model/fault.cpp).
  bool split_copy = false;
  bool copy_pending = false;   // wp_page_copy made its copy (Thread::frame); the install is next
  // do_wp_page found the page locked and sleeps for it (2.6.29 .. 5.8): the frame. A user
  // fault drops the PT lock and waits in lock_page (model/fault.cpp); any other caller of
  // the fault (GUP's faultin_page, mlock's population) waits, its step not enabled.
  u8 lock_page_wait = kNone;
  bool blocked = false;        // the step waits (lock_page on a locked page): not enabled
  CostVec cost{};              // what the step cost (model/cost.hpp)

  void count(Cost c) { cost[static_cast<unsigned>(c)]++; }

  Thread& self() { return s.threads[tid]; }
  const ThreadDef& def() const { return sc.threads[tid]; }
  const Op& op() const { return sc.threads[tid].ops[s.threads[tid].op]; }
  // Moves the thread to `pc` of its current op, or past the op when `finish`.
  void go(u8 pc) { s.threads[tid].pc = pc; }
  void finish_op() {
    s.threads[tid].op++;
    s.threads[tid].pc = 0;
  }
};

}  // namespace cow
