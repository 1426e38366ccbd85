// The successor function: each thread's next atomic step, dispatched to the kernel path
// of its current op (model/fault.cpp, gup.cpp, fork.cpp, madvise.cpp, proc_mem.cpp,
// mm_ops.cpp, mlock.cpp, pagecache.cpp, ksm.cpp, writeback.cpp), and the explorer's view of one state's
// successors.
#include "model/paths.hpp"

#include "model/fault.hpp"
#include "model/fork.hpp"
#include "model/gup.hpp"
#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/ksm.hpp"
#include "model/madvise.hpp"
#include "model/memory_model.hpp"
#include "model/mlock.hpp"
#include "model/mm_ops.hpp"
#include "model/page_lock.hpp"
#include "model/pagecache.hpp"
#include "model/proc_mem.hpp"
#include "model/tlb.hpp"
#include "model/writeback.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

// The op's kernel path takes the thread's next step.
bool dispatch_step(Step& st, const Design& d) {
  const Op& op = st.op();
  switch (op.kind) {
    case OpKind::Write:
      return step_write(st, d);
    case OpKind::Read:
      return step_read(st, d);
    case OpKind::OdirectRead:
    case OpKind::OdirectWrite:
    case OpKind::Vmsplice:
    case OpKind::PinUserPages:
      return step_gup_op(st, d);
    case OpKind::Fork:
      return step_fork(st, d);
    case OpKind::PinLongterm:
      return step_pin_longterm(st, d);
    case OpKind::Unpin: {  // the driver's put_page when the memory is deregistered
      st.label = "put_page(unpin)";
      if (st.s.pins[op.pin].state != kPinActive) {
        // Not held (model/scenario_validate.cpp: unpin comes after the op that takes
        // the pin, and is the only one of it). Another thread's pin not taken yet: wait
        // for it; a GUP that took no reference (it failed): the driver has nothing to put.
        const PinDef& pin = st.sc.pins[op.pin];
        const ThreadDef& holder = st.sc.threads[pin.thread];
        std::size_t take = 0;
        while (take < holder.ops.size() && (holder.ops[take].pin != op.pin || !takes_pin(holder.ops[take].kind))) ++take;
        if (st.s.threads[pin.thread].op <= take) return false;
        st.label = "unpin: the GUP took no reference (nothing to put)";
        st.finish_op();
        return true;
      }
      u8 f = st.s.pins[op.pin].frame;
      pin_released(st, op.pin);
      put_page(st.s, f);
      st.finish_op();
      return true;
    }
    case OpKind::Dma: {  // the device writes through a pin it holds (waits for the pin)
      const Pin& pin = st.s.pins[op.pin];
      st.label = "dma:write";
      if (pin.state != kPinActive) return false;
      st.s.frames[pin.frame].data[op.half] = op.write_id;
      st.s.pins[op.pin].dma = 1;
      st.finish_op();
      return true;
    }
    case OpKind::Madvise:
      return step_madvise(st, d);
    case OpKind::PinRead:
      return step_pin_read(st);
    case OpKind::ProcMemWrite:
      return step_proc_mem_write(st, d);
    case OpKind::Wait:  // wait4: the child has exited (it was forked earlier in program order)
      st.label = "wait4(child exited)";
      if (st.s.mms[op.child].alive) return false;
      st.finish_op();
      return true;
    case OpKind::Munmap:
    case OpKind::Exit:
    case OpKind::Mprotect:
    case OpKind::ClearRefs:
    case OpKind::SwapOut:
      return step_mm_op(st, d);
    case OpKind::Mlock:
      return step_mlock(st, d);
    case OpKind::Munlock:
      return step_munlock(st, d);
    case OpKind::Msync:
      return step_msync(st, d);
    case OpKind::KsmScan:
      return step_ksm_scan(st, d);
    case OpKind::HoldPageLock:
      return step_hold_page_lock(st);
    case OpKind::SyncFileRange:
      return step_sync_file_range(st, d);
    case OpKind::Disk:
      return step_disk(st);
  }
  UNREACHABLE("bad op kind");
}

}  // namespace

// The step, unless the architecture makes it wait (model/tlb.hpp): on x86 a TLB flush of
// an mm is an IPI that waits for every GUP-fast walker of the mm that has read a PTE and
// not yet taken its reference (interrupts off), and a page is freed only after that
// flush: a step that flushes such an mm, or frees the page a walker read, waits.
bool take_step(Step& st, const Design& d) {
  u8 walker_mms = 0;
  u8 walker_frames[kMaxThreads];
  unsigned walkers = 0;
  if (st.sc.arch == Arch::X86)
    for (unsigned u = 0; u < st.sc.threads.size(); ++u)
      if (u != st.tid && gup_fast_walking(st.sc, st.s, u)) {
        walker_mms |= static_cast<u8>(1u << st.sc.threads[u].mm);
        const u8 f = st.s.threads[u].frame;
        if (f < kMaxFrames && st.s.frames[f].refcount > 0) walker_frames[walkers++] = f;
      }
  if (!dispatch_step(st, d)) return false;
  // lock_page on a locked page sleeps: do_swap_page, and a do_wp_page (2.6.29 .. 5.8)
  // that a path other than the user fault's took (model/fault.cpp handles its own).
  if (st.blocked || st.lock_page_wait != kNone) return false;
  if (walker_mms & st.flushed_mms) return false;
  for (unsigned i = 0; i < walkers; ++i)
    if (st.s.frames[walker_frames[i]].refcount == 0) return false;
  return true;
}

// A page table two mms share must be unshared before an entry changes: a change made in
// place is recorded in the table (property shared-table-unmodified).
void mark_shared_table_writes(const State& before, State& after) {
  for (unsigned t = 0; t < kMaxMms; ++t)
    if (before.tables[t].users >= 2 && after.tables[t].users >= 2 && before.tables[t].pte != after.tables[t].pte)
      after.tables[t].flags |= kTableModifiedShared;
}

void successors(const Scenario& sc, const Design& d, const State& s, Expansion& out) {
  out.succ.clear();
  for (unsigned t = 0; t < sc.threads.size(); ++t) {
    if (thread_finished(sc, s, t) || !thread_started(sc, s, t)) continue;
    Successor& su = out.succ.emplace_back(Successor{s, static_cast<u8>(t), {}});
    Step st{sc, su.next, static_cast<u8>(t)};
    bool enabled = take_step(st, d);
    if (st.out_of_frames) out.out_of_frames = true;
    if (!enabled || st.out_of_frames) {
      out.succ.pop_back();
      continue;
    }
    su.label = st.label;
    su.cost = st.cost;
    if (d.shares_page_tables()) mark_shared_table_writes(s, su.next);  // (no other design shares one)
  }
  if (weak_memory(sc)) weak_successors(sc, d, s, out);  // stores reaching memory, early loads
}

}  // namespace cow
