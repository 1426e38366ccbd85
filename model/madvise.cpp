// madvise(2): see madvise.hpp.
#include "model/madvise.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/paths.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

// madvise(MADV_DONTNEED) (mm/madvise.c madvise_dontneed -> zap_page_range, 2.6.x-4.x):
// down_read(mmap_sem); the page's PTE is zapped under the PT lock; up_read. The next
// access faults the page in again (the file's page, or a zeroed one).
// With per-VMA locks for every fault (FaultLock::VmaLock, 6.18), madvise_lock takes the
// VMA's read lock for DONTNEED (mm/madvise.c get_lock_mode: "case MADV_DONTNEED: [...]
// return MADVISE_VMA_READ_LOCK;"; try_vma_read_lock: "vma = lock_vma_under_rcu(mm,
// madv_behavior->range.start); if (!vma) goto take_mmap_read_lock;"). idx 1: under it.
bool step_madvise_dontneed(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart:
      if (d.traits().fault_lock == FaultLock::VmaLock || d.traits().fault_lock == FaultLock::VmaLockAnonPrepareUnlocked) {
        Vma* vma = find_vma(st.s, mm, op.page);
        if (vma && vma_start_read(*vma)) {
          st.label = "madvise_lock:try_vma_read_lock";
          t.idx = 1;
          st.go(kPcM1);
          return true;
        }
        st.label = "madvise_lock:try_vma_read_lock(failed)+mmap_read_lock";
      } else {
        st.label = "sys_madvise:down_read(mmap_sem)";
      }
      if (!locks::try_down_read(st.s.mms[mm].mmap_lock)) return false;
      t.idx = 0;
      st.go(kPcM1);
      return true;
    case kPcM1:
      st.label = "madvise_dontneed:zap_page_range";
      if (st.s.ptl(mm).holder != kNone) return false;
      if (const Vma* vma = find_vma(st.s, mm, op.page); vma && (vma->flags & kVmLocked)) {
        st.label = "madvise_dontneed(VM_LOCKED: EINVAL)";  // if (vma->vm_flags & (VM_LOCKED|...)) return -EINVAL
        st.go(kPcM2);
        return true;
      }
      if (!st.s.pte(mm, op.page).none()) d.unshare_table(st, mm);
      zap_pte(st, mm, op.page);
      st.go(kPcM2);
      return true;
    case kPcM2:
      if (t.idx == 1) {
        st.label = "madvise_unlock:vma_end_read";
        vma_end_read(*find_vma(st.s, mm, op.page));
      } else {
        st.label = "sys_madvise:up_read(mmap_sem)";
        locks::up_read(st.s.mms[mm].mmap_lock);
      }
      t.idx = 0;
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in madvise(MADV_DONTNEED)");
  }
}

// madvise(MADV_DONTFORK / MADV_DOFORK) (mm/madvise.c, f822566165dd, 2.6.16):
// down_write(mmap_sem); vma->vm_flags |= VM_DONTCOPY (or clears it); up_write.
bool step_madvise_dontfork(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  switch (st.self().pc) {
    case kPcStart:
      st.label = "sys_madvise:down_write(mmap_sem)";
      if (!locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)) return false;
      st.go(kPcM1);
      return true;
    case kPcM1: {
      if (!vma_start_write(st, d, mm, op.page)) return false;  // vm_flags_set: vma_start_write (6.4+)
      Vma* vma = find_vma(st.s, mm, op.page);
      if (op.advice == Advice::DontFork) {
        st.label = "madvise_behavior:VM_DONTCOPY";
        if (vma) vma->flags |= kVmDontCopy;
      } else {
        st.label = "madvise_behavior:~VM_DONTCOPY";
        if (vma) vma->flags &= static_cast<u8>(~kVmDontCopy);
      }
      st.go(kPcM2);
      return true;
    }
    case kPcM2:
      st.label = "sys_madvise:up_write(mmap_sem)";
      mmap_write_unlock(st, mm);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in madvise");
  }
}

}  // namespace

bool step_madvise(Step& st, const Design& d) {
  switch (st.op().advice) {
    case Advice::DontNeed: return step_madvise_dontneed(st, d);
    case Advice::DontFork:
    case Advice::DoFork: return step_madvise_dontfork(st, d);
  }
  UNREACHABLE("bad madvise advice");
}

}  // namespace cow
