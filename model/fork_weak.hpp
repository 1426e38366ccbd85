// fork's side of mm->write_protect_seq under the Linux-kernel memory model
// (model/memory_model.hpp). The kernel it follows (mm/memory.c copy_page_range, 5.11 to
// today; include/linux/seqlock.h do_raw_write_seqcount_begin):
//   raw_write_seqcount_begin(&src_mm->write_protect_seq);   // s->sequence++; smp_wmb();
//   ... copy_pte_range: spin_lock_nested(src_ptl, ...);       // an acquire
//   copy_present_page (5.11):
//       if (likely(!atomic_read(&src_mm->has_pinned))) return 1;
//       if (likely(!page_maybe_dma_pinned(page))) return 1;
//   page_try_dup_anon_rmap (5.19 .. 6.1): page_needs_cow_for_dma(vma, page), the same two
//       reads (MMF_HAS_PINNED, then page_maybe_dma_pinned)
// smp_wmb() orders the increment before fork's later stores, and an acquire orders only
// what comes after it; neither orders the increment before a later load. So under lkmm:
//   - the increment at dup_mmap's start goes to fork's store buffer (kBufSeqInc) and
//     reaches memory in a step of its own;
//   - at f2, while it is buffered, fork may read mm->has_pinned and the page's pin count
//     early (a successor of its own, "read early"); f2 then waits for the buffer to drain
//     before it stores anything (smp_wmb: no store of fork passes the increment), and
//     decides on the values it read early;
//   - a lock release (f3's pte_unmap_unlock, f4's mmap_write_unlock) waits for the drain.
// Fork's other steps before f2 store only lock words (mmap_lock, VMA locks, the PT lock),
// which GUP-fast does not read, so they may go on while the increment is buffered.
// Under tso the increment is not buffered: on x86 the PT lock's LOCK-prefixed acquire is a
// full barrier between the increment and the reads.
#pragma once
#include "model/paths.hpp"

namespace cow {

// What fork read early at f2, kept in the fork thread's Thread::saved.
enum ForkSaved : u8 {
  kForkSavedEarly = 1 << 0,      // has_pinned and the pin count were read early
  kForkSavedHasPinned = 1 << 1,  // ... mm->has_pinned was set
  kForkSavedPinned = 1 << 2,     // ... page_maybe_dma_pinned was true
};

// Whether fork's write_protect_seq increment is buffered: lkmm and a design with the
// seqcount (v5.11 and later), unless the design puts an smp_mb() after it (kForkSeqMb:
// the increment is then visible before fork's next load, as under sc).
bool fork_seq_weak(const Scenario& sc, const Design& d);
// dup_mmap's raw_write_seqcount_begin: buffered under lkmm; false when the buffer is full.
bool fork_seq_begin(Step& st, const Design& d, unsigned mm);
// f2's Design::copy_one_pte, deciding on the values fork read early if it did (the
// caller has waited for fork's buffer to drain).
bool fork_copy_one_pte(Step& st, const Design& d, unsigned mm, unsigned child, unsigned v);
// The early reads a fork thread at f2 may take while its increment is buffered.
void fork_early_loads(const Scenario& sc, const Design& d, const State& s, Expansion& out);

}  // namespace cow
