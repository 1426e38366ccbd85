// The kernel paths a thread runs, one atomic step at a time: the program counters of
// every path, and the successor function the explorer calls (model/successors.cpp).
#pragma once
#include <string_view>
#include <vector>

#include "model/design.hpp"
#include "model/threads.hpp"

namespace cow {

// Program counters within each operation's path. The letters follow the reference
// scenario ODF (docs/reference-odf.md): r = GUP-fast, s = slow GUP,
// d = DMA, w = write fault, f = fork.
enum Pc : u8 {
  kPcStart = 0,
  // get_user_pages_fast (odirect_read)
  kPcR1, kPcR2,
  // slow get_user_pages
  kPcS0, kPcS1, kPcS2, kPcS3,
  // DMA and completion (odirect_read)
  kPcD0, kPcD1,
  // user store and its write fault
  kPcW1, kPcW2, kPcW3, kPcW4,
  // fork
  kPcF1, kPcF2, kPcF2b, kPcF3, kPcF4,  // f2b: a design whose copy_one_pte takes two steps
  // madvise
  kPcM1, kPcM2,
  // msync: write_cache_pages (k1, a page), end_page_writeback (k2), up_read (k3)
  kPcK1, kPcK2, kPcK3,
  // mlock / munlock: down_read for the population (l0, 2.6.38), populate or munlock one
  // page (l1), up_write / up_read (l2)
  kPcL0, kPcL1, kPcL2,
  // ksm_scan: write_protect_page of the KSM page (q1) and of the page merged (q2),
  // replace_page (q3), the references dropped (q4)
  kPcQ1, kPcQ2, kPcQ3, kPcQ4,
  // a user write fault's wp_page_copy, second half (TLB scenarios): the PT lock again,
  // pte_same, the flush and the new PTE (w5)
  kPcW5,
  // fork with per-VMA locks: vma_start_write (waiting for the VMAs' readers), vm_area_dup
  // and anon_vma_fork of every VMA (fd); copy_page_range's vma_needs_copy test, a step
  // later (fc: vma_iter_bulk_store and the file's i_mmap come between)
  kPcFd, kPcFc,
  // ksm_scan with KsmProtect::PtLock in a TLB scenario: write_protect_page's flush after
  // its check, as a step of its own (the IPI waits for GUP-fast walkers; the check did
  // not): of the KSM page (q1f), of the page merged (q2f)
  kPcQ1f, kPcQ2f,
  // Under a weak memory model (model/memory_model.hpp), GUP-fast's steps after the
  // reference (r2): the PTE re-check (r3), gup_must_unshare (r4); and KSM's
  // write_protect_page of an exclusive page in four: ptep_clear_flush (q1), the checks and
  // ClearPageAnonExclusive (qa), set_pte_at_notify (qb), pte_unmap_unlock (qc)
  kPcR3, kPcR4, kPcQa, kPcQb, kPcQc,
  // ... and swap-out's try_to_unmap_one of an exclusive page: after ptep_clear_flush (m1),
  // page_try_share_anon_rmap (sa), the swap entry and pte_unmap_unlock (sb)
  kPcSa, kPcSb,
  // do_wp_page's sleep for the page lock (2.6.29 .. 5.8): lock_page (w6), then
  // pte_offset_map_lock, pte_same and the decision under the page lock (w7)
  kPcW6, kPcW7,
  // hold_page_lock: holding the page lock, unlock_page + put_page next (p1)
  kPcP1,
  // sync_file_range: SYNC_FILE_RANGE_WRITE's write_cache_pages (y1), SYNC_FILE_RANGE_WAIT_AFTER's
  // wait_on_page_writeback (y2); kPcStart is SYNC_FILE_RANGE_WAIT_BEFORE's
  kPcY1, kPcY2,
};

struct Successor {
  State next;
  u8 tid;
  std::string_view label;
  CostVec cost{};
};

struct Expansion {
  std::vector<Successor> succ;
  bool out_of_frames = false;  // some step needed more than kMaxFrames frames
};

// Every enabled step of `s`, threads in id order (each thread has at most one, except
// under a weak memory model: model/memory_model.hpp adds stores reaching memory and early
// loads after them).
void successors(const Scenario& sc, const Design& d, const State& s, Expansion& out);

// Records, in `after`, a change made in place to a page table two mms share.
void mark_shared_table_writes(const State& before, State& after);

// Takes thread t's next step from `s`; false when it is not enabled.
bool take_step(Step& st, const Design& d);

}  // namespace cow
