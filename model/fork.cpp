// fork(2): kernel/fork.c dup_mmap (v2.6.27) holds the parent's mmap_sem for write, copies
// each VMA except VM_DONTCOPY ones, and copy_page_range copies their PTEs under the PT
// lock, one PTE per lock hold (as the reference scenario ODF does). The child's threads
// run once fork returns. Steps: f0 down_write and the VMAs, then per page f1 lock, f2
// copy_one_pte (f2b: its second half, for designs that split it), f3 unlock; f4 up_write.
#include "model/fork.hpp"

#include "model/fork_weak.hpp"
#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/memory_model.hpp"
#include "model/paths.hpp"
#include "model/tlb.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

// vma_needs_copy (mm/memory.c; the same test in v2.6.27's copy_page_range): "Don't copy
// ptes where a page fault will fill them correctly. Fork becomes much lighter when there
// are big shared or private readonly mappings." Only a VMA with an anon_vma has its PTEs
// copied (the model has no VM_PFNMAP, VM_MIXEDMAP or userfaultfd). With fork_vma_lock =
// WithAnonVma (the 2026 proposal P2) the test was made once, at anon_vma_fork, and the
// child VMA's anon_vma records it.
bool vma_needs_copy(const State& s, const Design& d, unsigned child, const Vma& vma) {
  if (d.traits().fork_vma_lock != ForkVmaLock::WithAnonVma) return vma.anon_vma != 0;
  for (const Vma& c : s.mms[child].vma)
    if (c.pages && c.start == vma.start) return c.anon_vma != 0;
  return false;
}

// The next page from `from` on that copy_page_range copies.
unsigned next_fork_vpage(const State& s, const Design& d, unsigned mm, unsigned child, unsigned from) {
  for (unsigned v = from; v < kMaxVpages; ++v) {
    const Vma* vma = find_vma(s, mm, v);
    if (vma && !(vma->flags & kVmDontCopy) && vma_needs_copy(s, d, child, *vma)) return v;
  }
  return kMaxVpages;
}

// Which VMAs dup_mmap write-locks (traits fork_vma_lock).
bool fork_locks_vma(const Design& d, const Vma& vma) {
  switch (d.traits().fork_vma_lock) {
    case ForkVmaLock::None: return false;
    case ForkVmaLock::Every: return true;
    case ForkVmaLock::AnonOrWritablePrivate:  // !mpnt->vm_file || (!(vm_flags & VM_SHARED) && (vm_flags & VM_WRITE))
      return !(vma.flags & kVmFile) || (!(vma.flags & kVmShared) && (vma.flags & kVmWrite));
    case ForkVmaLock::AnonOrCow:  // vma_is_anonymous(vma) || is_cow_mapping(vma->vm_flags)
      return !(vma.flags & kVmFile) || is_cow_mapping(vma);
    case ForkVmaLock::WithAnonVma:  // if (vma->anon_vma) { vma_start_write_killable(src_vma); ... }
      return vma.anon_vma != 0;
  }
  UNREACHABLE("bad ForkVmaLock");
}

// vm_area_dup of every VMA but VM_DONTCOPY ones into the child (VM_LOCKED cleared), and
// anon_vma_fork (mm/rmap.c): a parent VMA without anon_vma gives a child VMA without one;
// otherwise the child VMA is linked to every anon_vma of the parent's (anon_vma_clone)
// and gets one of its own.
void dup_vmas(State& s, unsigned mm, unsigned child) {
  Mm& c = s.mms[child];
  unsigned n = 0;
  for (const Vma& vma : s.mms[mm].vma) {
    if (!vma.pages || (vma.flags & kVmDontCopy)) continue;  // VM_DONTCOPY: skipped
    Vma& x = c.vma[n];
    x = vma;
    x.flags &= static_cast<u8>(~kVmLocked);  // dup_mmap: tmp->vm_flags &= ~VM_LOCKED
    x.lock = 0;
    if (vma.anon_vma) {
      x.anon_vma = anon_vma_id(child, n);
      x.avc = static_cast<u8>(vma.avc | (1u << x.anon_vma));
    } else {
      x.anon_vma = 0;
      x.avc = 0;
    }
    ++n;
  }
}

bool has_cow_vma(const State& s, unsigned mm) {
  for (const Vma& v : s.mms[mm].vma)
    if (v.pages && !(v.flags & kVmDontCopy) && is_cow_mapping(v)) return true;
  return false;
}

// f1. copy_pte_range (mm/memory.c, v2.6.27): spin_lock(dst_ptl); spin_lock_nested(src_ptl).
// The child's table is not reachable by anyone else yet, so only the parent's PT lock
// is observable. With GupFastSync::Brlock (Arcangeli's RFC,
// <20080925183846.GA6877@duo.random>): "fork: br_write_lock(); if (page_count !=
// page_mapcount) copy_page() else make pte readonly; br_write_unlock()": the brlock is
// taken with the PT lock in one step (both or neither), as in the reference scenario.
bool fork_pte_lock(Step& st, const Design& d, unsigned src_mm) {
  if (!d.has_brlock()) {
    st.label = "copy_pte_range:spin_lock(ptl)";
    return locks::try_spin_lock(st.s.ptl(src_mm), st.tid);
  }
  st.label = "copy_pte_range:br_write_lock+spin_lock(ptl)";
  if (st.s.brlock.writer != kNone || st.s.brlock.readers != 0) return false;
  if (st.s.ptl(src_mm).holder != kNone) return false;
  locks::try_br_write_lock(st.s.brlock, st.tid);
  locks::try_spin_lock(st.s.ptl(src_mm), st.tid);
  return true;
}

// f3. copy_pte_range (mm/memory.c, v2.6.27): spin_unlock(src_ptl); pte_unmap_unlock(dst).
void fork_pte_unlock(Step& st, const Design& d, unsigned src_mm) {
  st.label = d.has_brlock() ? "copy_pte_range:spin_unlock(ptl)+br_write_unlock" : "copy_pte_range:spin_unlock(ptl)";
  locks::spin_unlock(st.s.ptl(src_mm), st.tid);
  if (d.has_brlock()) locks::br_write_unlock(st.s.brlock, st.tid);
}

}  // namespace

// With GupFastSync::WriteProtectSeq (57efa1fe5957, v5.11), copy_page_range:
//   if (is_cow_mapping(src_vma->vm_flags)) {
//           mmap_assert_write_locked(src_mm);
//           raw_write_seqcount_begin(&src_mm->write_protect_seq); }
//   ... copy_p4d_range(...);
//   if (is_cow) raw_write_seqcount_end(&src_mm->write_protect_seq);
// The model begins and ends the write side around the whole page-table copy of dup_mmap
// (the same as per copy_page_range while a scenario's COW VMAs are copied in one go).
bool step_fork(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  unsigned child = op.child;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart: {
      st.label = d.has_vma_locks() ? "dup_mmap:mmap_write_lock_killable(oldmm)" : "dup_mmap:down_write(mmap_sem)";
      if (!locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)) return false;
      st.s.tables[st.s.mms[child].table].users = 1;
      // raw_write_seqcount_begin: buffered under lkmm (model/fork_weak.hpp)
      if (d.has_write_protect_seq() && has_cow_vma(st.s, mm) && !fork_seq_begin(st, d, mm)) return false;
      if (d.has_vma_locks()) {  // the VMAs one by one, after vma_start_write: fd
        st.go(kPcFd);
        return true;
      }
      dup_vmas(st.s, mm, child);
      unsigned v = next_fork_vpage(st.s, d, mm, child, 0);
      t.idx = static_cast<u8>(v);
      st.go(v < kMaxVpages ? kPcF1 : kPcF4);
      return true;
    }
    case kPcFd: {  // for_each_vma: vma_start_write(mpnt) (per the design); vm_area_dup; anon_vma_fork
      st.label = d.traits().fork_vma_lock == ForkVmaLock::None ? "dup_mmap:vm_area_dup+anon_vma_fork"
                                                             : "dup_mmap:vma_start_write+vm_area_dup+anon_vma_fork";
      for (Vma& vma : st.s.mms[mm].vma)
        if (vma.pages && fork_locks_vma(d, vma)) {
          if (vma_readers(vma)) return false;  // vma_start_write waits for the VMA's readers
          vma.lock |= kVmaWriteLocked;
          st.count(Cost::ForkVmaLock);
        }
      dup_vmas(st.s, mm, child);
      st.go(kPcFc);
      return true;
    }
    case kPcFc: {  // copy_page_range: if (!vma_needs_copy(dst_vma, src_vma)) return 0;
      st.label = "copy_page_range:vma_needs_copy";
      unsigned v = next_fork_vpage(st.s, d, mm, child, 0);
      t.idx = static_cast<u8>(v);
      st.go(v < kMaxVpages ? kPcF1 : kPcF4);
      return true;
    }
    case kPcF1:
      if (!fork_pte_lock(st, d, mm)) return false;
      st.go(kPcF2);
      return true;
    case kPcF2:
      // Under lkmm fork stores nothing while its write_protect_seq increment is buffered
      // (smp_wmb); it may have read the pin state early (model/fork_weak.hpp).
      if (fork_seq_weak(st.sc, d) && !buffer_empty(st.s, st.tid)) return false;
      // A design that shares whole page tables does it here, at the first page, instead
      // of copying PTE by PTE (cow-pte-table); F3 then finds nothing left to copy.
      if (d.shares_page_tables() && t.idx == next_fork_vpage(st.s, d, mm, child, 0) && d.fork_share_table(st, mm, child)) {
        t.idx = kMaxVpages - 1;
        st.go(kPcF3);
        return true;
      }
      if (!st.s.pte(mm, t.idx).none()) st.count(Cost::ForkPteCopy);
      if (st.s.pte(mm, t.idx).swapped()) {  // copy_one_pte's !pte_present branch: the same in every design
        copy_swap_pte(st, mm, child, t.idx);
        st.go(kPcF3);
        return true;
      }
      if (!st.s.pte(mm, t.idx).present()) {  // pte_none: copy_pte_range skips it
        st.label = "copy_one_pte";
        st.go(kPcF3);
        return true;
      }
      st.go(fork_copy_one_pte(st, d, mm, child, t.idx) ? kPcF3 : kPcF2b);
      return true;
    case kPcF2b:
      d.copy_one_pte_finish(st, mm, child, t.idx);
      st.go(kPcF3);
      return true;
    case kPcF3: {
      if (fork_seq_weak(st.sc, d) && !buffer_empty(st.s, st.tid)) return false;  // a release
      fork_pte_unlock(st, d, mm);
      unsigned v = next_fork_vpage(st.s, d, mm, child, t.idx + 1u);
      t.idx = static_cast<u8>(v);
      st.go(v < kMaxVpages ? kPcF1 : kPcF4);
      return true;
    }
    case kPcF4:  // dup_mmap: flush_tlb_mm(oldmm); up_write(&oldmm->mmap_sem); the child runs
      if (fork_seq_weak(st.sc, d) && !buffer_empty(st.s, st.tid)) return false;  // a release
      // out: mmap_write_unlock(mm); flush_tlb_mm(oldmm); mmap_write_unlock(oldmm);
      st.label = st.sc.tlb ? "dup_mmap:flush_tlb_mm+mmap_write_unlock" : "dup_mmap:up_write(mmap_sem)";
      flush_tlb_mm(st, mm);
      if (st.s.mms[mm].write_protect_seq & 1) st.s.mms[mm].write_protect_seq++;  // raw_write_seqcount_end
      mmap_write_unlock(st, mm);
      st.s.mms[child].alive = 1;
      if (st.s.mms[child].table != st.s.mms[mm].table) st.count(Cost::TableAlloc);  // the child's own PTE page
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in fork");
  }
}

}  // namespace cow
