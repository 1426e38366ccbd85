#include "model/mlock.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/fault.hpp"
#include "model/paths.hpp"

namespace cow {
using namespace cow::kernel;

namespace kernel {

void mlock_fault_fixup(Step& st, unsigned mm, unsigned v, u8 old_frame) {
  const Vma* vma = find_vma(st.s, mm, v);
  const Pte& p = st.s.pte(mm, v);
  if (!vma || !(vma->flags & kVmLocked) || !p.present() || p.frame == old_frame) return;
  // do_wp_page (v2.6.37): "Don't let another task, with possibly unlocked vma, keep the
  // mlocked page." if ((vma->vm_flags & VM_LOCKED) && old_page) { lock_page(old_page);
  // clear_page_mlock(old_page); unlock_page(old_page); }
  if (old_frame != kNone && st.s.frames[old_frame].refcount != 0)
    st.s.frames[old_frame].pg &= static_cast<u8>(~kPgMlocked);
  // page_add_new_anon_rmap (mm/rmap.c): a page of a VM_LOCKED VMA is not evictable and
  // goes to the unevictable list, mlocked.
  st.s.frames[p.frame].pg |= kPgMlocked;
}

void munlock_vma_pages(Step& st, unsigned mm, const Vma& vma) {
  if (!(vma.flags & kVmLocked)) return;
  for (unsigned v = vma.start; v < vma.start + vma.pages; ++v) {
    const Pte& p = st.s.pte(mm, v);
    if (!p.present()) continue;
    bool locked_elsewhere = false;  // try_to_munlock: an rmap walk for another VM_LOCKED VMA
    for (unsigned m = 0; m < st.sc.processes.size(); ++m) {
      if (!st.s.mms[m].alive || st.s.mms[m].table == kNone) continue;
      for (const Vma& w : st.s.mms[m].vma) {
        if (!w.pages || !(w.flags & kVmLocked) || (m == mm && w.start == vma.start)) continue;
        for (unsigned u = w.start; u < w.start + w.pages; ++u)
          locked_elsewhere |= st.s.pte(m, u).present() && st.s.pte(m, u).frame == p.frame;
      }
    }
    if (!locked_elsewhere) st.s.frames[p.frame].pg &= static_cast<u8>(~kPgMlocked);
  }
}

}  // namespace kernel

// sys_mlock -> do_mlock -> mlock_fixup (mm/mlock.c, v2.6.37), mmap_sem held for write:
//   if (lock) { vma->vm_flags = newflags;        /* VM_LOCKED */
//       ret = __mlock_vma_pages_range(vma, start, end); ... }
// __mlock_vma_pages_range: gup_flags = FOLL_TOUCH | FOLL_GET, FOLL_WRITE per the design's
// traits (mlock: MlockPopulate); __get_user_pages walks the pages (follow_page, else
// handle_mm_fault and retry), and the loop mlocks each page it returns:
//   lock_page(pages[i]); if (pages[i]->mapping) mlock_vma_page(pages[i]); unlock_page(pages[i]);
// 2.6.38 (fed067da46ad, 110d74a921f4) sets VM_LOCKED under the write lock, drops it, and
// do_mlock_pages faults the pages in under down_read, follow_page(FOLL_MLOCK) mlocking each.
// The model takes one step per page: follow_page and its fault under the PT lock, then
// mlock_vma_page. A fault that fails (VM_FAULT_SIGBUS: ->page_mkwrite found the disk
// full) ends the population: __get_user_pages returns -EFAULT and mlock returns -ENOMEM
// (__mlock_posix_error_return), VM_LOCKED staying set.
namespace {

// Whether the population write-faults the pages of this VMA (FOLL_WRITE).
//   v2.6.27 .. v2.6.37 (make_pages_present, __mlock_vma_pages_range):
//       if (vma->vm_flags & VM_WRITE) gup_flags |= FOLL_WRITE;
//   v2.6.38 (5ecfda041e4b): if ((vma->vm_flags & (VM_WRITE | VM_SHARED)) == VM_WRITE)
bool mlock_write_fault(const Design& d, const Vma& vma) {
  switch (d.traits().mlock) {
    case MlockPopulate::WriteFaultsShared: return vma.flags & kVmWrite;
    case MlockPopulate::ReadFaultsShared: return (vma.flags & (kVmWrite | kVmShared)) == kVmWrite;
  }
  UNREACHABLE("bad MlockPopulate");
}

}  // namespace

bool step_mlock(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  Thread& t = st.self();
  // fed067da46ad (2.6.38, with 5ecfda041e4b): the population runs under mmap_sem for read.
  const bool shared_mode = d.traits().mlock == MlockPopulate::ReadFaultsShared;
  RwLock& sem = st.s.mms[mm].mmap_lock;
  switch (t.pc) {
    case kPcStart: {
      st.label = shared_mode ? "sys_mlock:down_write(mmap_sem)+mlock_fixup:VM_LOCKED+up_write(mmap_sem)"
                             : "sys_mlock:down_write(mmap_sem)+mlock_fixup:VM_LOCKED";
      if (!locks::try_down_write(sem, st.tid)) return false;
      if (!vma_start_write(st, d, mm, op.page)) return false;  // mlock_fixup: vm_flags_reset (6.4+)
      Vma* vma = find_vma(st.s, mm, op.page);
      if (!vma) {
        st.label = "sys_mlock(ENOMEM)";
        mmap_write_unlock(st, mm);
        st.finish_op();
        return true;
      }
      vma->flags |= kVmLocked;
      t.idx = vma->start;
      if (shared_mode) mmap_write_unlock(st, mm);
      st.go(shared_mode ? kPcL0 : kPcL1);
      return true;
    }
    case kPcL0:  // do_mlock_pages: down_read(&mm->mmap_sem); vma = find_vma(mm, nstart)
      st.label = "do_mlock_pages:down_read(mmap_sem)";
      if (!locks::try_down_read(sem)) return false;
      if (const Vma* vma = find_vma(st.s, mm, op.page); !vma || !(vma->flags & kVmLocked)) {
        st.label = "do_mlock_pages:down_read(mmap_sem)(VMA gone or unlocked: nothing to do)";
        st.go(kPcL2);
        return true;
      }
      st.go(kPcL1);
      return true;
    case kPcL1: {
      if (st.s.ptl(mm).holder != kNone) return false;  // follow_page: spin_lock(ptl)
      const Vma* vma = find_vma(st.s, mm, op.page);
      INVARIANT(vma, "mlock lost its VMA under mmap_sem");
      const bool write = mlock_write_fault(d, *vma);
      const Pte& p = st.s.pte(mm, t.idx);
      const bool fault = !p.present() || (write && !p.writable());
      if (fault) {
        st.count(Cost::Fault);
        fault_locked(st, d, mm, t.idx, write);
        if (st.out_of_frames) return true;
        if (st.sigbus) {
          st.label = write ? "__mlock_vma_pages_range:handle_mm_fault(write):VM_FAULT_SIGBUS(mlock: ENOMEM)"
                           : "__mlock_vma_pages_range:handle_mm_fault(read):VM_FAULT_SIGBUS(mlock: ENOMEM)";
          st.go(kPcL2);
          return true;
        }
      }
      if (const Pte& q = st.s.pte(mm, t.idx); q.present()) st.s.frames[q.frame].pg |= kPgMlocked;  // mlock_vma_page
      st.label = !fault ? "__mlock_vma_pages_range:follow_page+mlock_vma_page"
                 : write ? "__mlock_vma_pages_range:handle_mm_fault(write)+mlock_vma_page"
                         : "__mlock_vma_pages_range:handle_mm_fault(read)+mlock_vma_page";
      t.idx++;
      if (t.idx >= vma->start + vma->pages) st.go(kPcL2);
      return true;
    }
    case kPcL2:
      if (shared_mode) {
        st.label = "do_mlock_pages:up_read(mmap_sem)";
        locks::up_read(sem);
      } else {
        st.label = "sys_mlock:up_write(mmap_sem)";
        mmap_write_unlock(st, mm);
      }
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in mlock");
  }
}

// sys_munlock -> do_mlock(on = 0) -> mlock_fixup (mm/mlock.c, v2.6.37), mmap_sem held for
// write: VM_LOCKED cleared, then munlock_vma_pages_range (one step, under the PT lock).
bool step_munlock(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  switch (st.self().pc) {
    case kPcStart: {
      st.label = "sys_munlock:down_write(mmap_sem)";
      if (!locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)) return false;
      st.go(kPcL1);
      return true;
    }
    case kPcL1: {
      st.label = "mlock_fixup:~VM_LOCKED+munlock_vma_pages_range";
      if (st.s.ptl(mm).holder != kNone) return false;
      if (!vma_start_write(st, d, mm, op.page)) return false;
      if (Vma* vma = find_vma(st.s, mm, op.page)) {
        munlock_vma_pages(st, mm, *vma);
        vma->flags &= static_cast<u8>(~kVmLocked);
      }
      st.go(kPcL2);
      return true;
    }
    case kPcL2:
      st.label = "sys_munlock:up_write(mmap_sem)";
      mmap_write_unlock(st, mm);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in munlock");
  }
}

}  // namespace cow
