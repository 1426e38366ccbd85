// write(2) to /proc/self/mem (fs/proc/base.c mem_rw -> access_remote_vm ->
// __access_remote_vm -> get_user_pages_remote(FOLL_WRITE | FOLL_FORCE), then the kernel
// copies the data into the page it got). The __get_user_pages retry loop (mm/gup.c, 4.8):
//
//   retry:
//     page = follow_page_mask(vma, start, foll_flags, &page_mask);   // PT lock
//     if (!page) {
//       ret = faultin_page(tsk, vma, start, &foll_flags, nonblocking);
//       ... goto retry; }
//
// What follow_page_pte lets a FOLL_WRITE lookup take (Design::can_follow_write_pte) and
// what faultin_page does with the flags after the fault (Design::faultin_page) are the
// design's: the FOLL_FORCE rule, which Dirty COW (CVE-2016-5195), its fix 19be0eaffa3a
// (FOLL_COW, 4.9) and 5535be309971 (6.0: PageAnonExclusive, FOLL_COW removed) changed.
// The fault reports VM_FAULT_WRITE itself (do_wp_page and do_swap_page, model/fault.cpp).
//
// check_vma_flags is 3.15's for every design (cda540ace6a1 "mm: get_user_pages(write,
// force) refuse to COW in shared areas"): a FOLL_FORCE write into a VMA without VM_WRITE
// is allowed only in a COW mapping (before 3.15, a read-only shared mapping of a file
// opened for writing got an anonymous COW page, which the model does not express).
//
// Steps: p0 down_read(mmap_sem); p1 follow_page (the PT lock taken and dropped in the
// step); p2 faultin_page (handle_mm_fault under the PT lock, then the flag update) and
// back to p1; p3 the copy into the page and put_page; p4 up_read. The thread's idx holds
// the foll_flags bits the loop changes (FOLL_WRITE, FOLL_COW).
#include "model/proc_mem.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/fault.hpp"
#include "model/label.hpp"
#include "model/paths.hpp"

namespace cow {
using namespace cow::kernel;

bool step_proc_mem_write(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart: {
      st.label = "mem_rw:get_user_pages_remote:down_read(mmap_sem)";
      if (!locks::try_down_read(st.s.mms[mm].mmap_lock)) return false;
      const Vma* vma = find_vma(st.s, mm, op.page);
      // check_vma_flags (mm/gup.c, 4.8):
      //   if (write) { if (!(vm_flags & VM_WRITE)) {
      //           if (!(gup_flags & FOLL_FORCE)) return -EFAULT;
      //           if (!is_cow_mapping(vm_flags)) return -EFAULT; } }
      if (!vma || (!(vma->flags & kVmWrite) && !is_cow_mapping(*vma))) {  // -EFAULT: nothing written
        locks::up_read(st.s.mms[mm].mmap_lock);
        st.label = "mem_rw:get_user_pages_remote(EFAULT)";
        st.finish_op();
        return true;
      }
      t.idx = kFollWrite;  // FOLL_WRITE | FOLL_FORCE (FOLL_FORCE implied: not stored)
      st.go(kPcS1);
      return true;
    }
    case kPcS1: {  // follow_page_mask, under the PT lock
      st.label = "__get_user_pages:follow_page_mask";
      if (st.s.ptl(mm).holder != kNone) return false;
      const Pte& p = st.s.pte(mm, op.page);
      const Vma* vma = find_vma(st.s, mm, op.page);
      INVARIANT(vma, "proc_mem_write lost its VMA under mmap_sem");
      const FollFlags foll = t.idx | kFollForce;
      if (p.present() && (!(foll & kFollWrite) || d.can_follow_write_pte(st.s, p, *vma, foll))) {
        get_page(st.s, p.frame);
        t.frame = p.frame;
        st.label = (foll & kFollWrite) ? "__get_user_pages:follow_page_mask(FOLL_WRITE):get_page"
                                       : "__get_user_pages:follow_page_mask(read):get_page";
        st.go(kPcS3);
      } else {
        st.label = "__get_user_pages:follow_page_mask(no page)";
        st.go(kPcS2);
      }
      return true;
    }
    case kPcS2: {  // faultin_page: handle_mm_fault under the PT lock, then the flags
      if (st.s.ptl(mm).holder != kNone) return false;
      const FollFlags before = t.idx | kFollForce;
      const bool write = before & kFollWrite;
      st.count(Cost::Fault);
      st.label = "handle_mm_fault";
      const VmFault ret = fault_locked(st, d, mm, op.page, write);
      if (st.out_of_frames) return true;
      if (st.sigbus) {  // VM_FAULT_SIGBUS: get_user_pages fails, mem_rw returns -EFAULT
        st.label = "faultin_page:handle_mm_fault:VM_FAULT_SIGBUS(EFAULT)";
        st.go(kPcD1);
        return true;
      }
      const Vma* vma = find_vma(st.s, mm, op.page);
      INVARIANT(vma, "proc_mem_write lost its VMA under mmap_sem");
      const FollFlags after = d.faultin_page(before, ret, *vma);
      t.idx = static_cast<u8>(after & (kFollWrite | kFollCow));
      // "faultin_page:" + what the fault did + what faultin_page did with the flags.
      std::string label = "faultin_page:" + std::string(st.label);
      if (ret & kVmFaultWrite) label += ":VM_FAULT_WRITE";
      if ((before & kFollWrite) && !(after & kFollWrite)) label += "+drop FOLL_WRITE";
      else if (!(before & kFollCow) && (after & kFollCow)) label += "+FOLL_COW";
      st.label = intern_label(std::move(label));
      st.go(kPcS1);
      return true;
    }
    case kPcS3:  // __access_remote_vm: copy_to_user_page into the page; put_page
      st.label = "__access_remote_vm:copy_to_user_page+put_page";
      st.s.frames[t.frame].data[op.half] = op.write_id;
      put_page(st.s, t.frame);
      st.go(kPcD1);
      return true;
    case kPcD1:
      st.label = "mem_rw:get_user_pages_remote:up_read(mmap_sem)";
      locks::up_read(st.s.mms[mm].mmap_lock);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in proc_mem_write");
  }
}

}  // namespace cow
