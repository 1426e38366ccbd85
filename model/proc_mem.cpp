// write(2) to /proc/self/mem (fs/proc/base.c mem_rw -> access_remote_vm ->
// __access_remote_vm -> get_user_pages_remote(FOLL_WRITE | FOLL_FORCE), then the kernel
// copies the data into the page it got). The __get_user_pages retry loop (mm/gup.c, 4.8):
//
//   retry:
//     page = follow_page_mask(vma, start, foll_flags, &page_mask);   // PT lock
//     if (!page) {
//       ret = faultin_page(tsk, vma, start, &foll_flags, nonblocking);
//       ... goto retry; }
//   faultin_page: ret = handle_mm_fault(vma, address, fault_flags);   // FAULT_FLAG_WRITE if FOLL_WRITE
//     /* The VM_FAULT_WRITE bit tells us that do_wp_page has broken COW when necessary,
//      * even if maybe_mkwrite decided not to set pte_write. We can thus safely do
//      * subsequent page lookups as if they were reads. [...] */
//     if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE))
//             *flags &= ~FOLL_WRITE;                      // <= 4.8: Dirty COW
//             *flags |= FOLL_COW;                         // 4.9 (19be0eaffa3a)
//   follow_page_pte: if ((flags & FOLL_WRITE) && !can_follow_write_pte(pte, flags)) return NULL;
//     can_follow_write_pte: pte_write(pte) ||
//         ((flags & FOLL_FORCE) && (flags & FOLL_COW) && pte_dirty(pte));   // 4.9
//
// Steps: p0 down_read(mmap_sem); p1 follow_page (the PT lock taken and dropped in the
// step); p2 faultin_page (handle_mm_fault under the PT lock, then the flag update) and
// back to p1; p3 the copy into the page and put_page; p4 up_read. The thread's idx holds
// the foll_flags bits the loop changes (FOLL_WRITE, FOLL_COW).
#include "model/proc_mem.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/paths.hpp"

namespace cow {
using namespace cow::kernel;

namespace {
constexpr u8 kFollWrite = 1 << 0;
constexpr u8 kFollCow = 1 << 1;
}  // namespace

bool step_proc_mem_write(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart: {
      st.label = "mem_rw:get_user_pages_remote:down_read(mmap_sem)";
      if (!locks::try_down_read(st.s.mms[mm].mmap_lock)) return false;
      const Vma* vma = find_vma(st.s, mm, op.page);
      // check_vma_flags (mm/gup.c, 4.x): a FOLL_FORCE write to a VMA without VM_WRITE is
      // allowed only in a COW mapping ("if (!is_cow_mapping(vm_flags)) return -EFAULT").
      if (!vma || ((vma->flags & kVmShared) && !(vma->flags & kVmWrite))) {  // -EFAULT: nothing written
        locks::up_read(st.s.mms[mm].mmap_lock);
        st.label = "mem_rw:get_user_pages_remote(EFAULT)";
        st.finish_op();
        return true;
      }
      t.idx = kFollWrite;  // FOLL_WRITE | FOLL_FORCE
      st.go(kPcS1);
      return true;
    }
    case kPcS1: {  // follow_page_mask, under the PT lock
      st.label = "__get_user_pages:follow_page_mask";
      if (st.s.ptl(mm).holder != kNone) return false;
      const Pte& p = st.s.pte(mm, op.page);
      const bool can_follow_write =
          p.writable() || (d.foll_cow() && (t.idx & kFollCow) && (p.flags & kPteDirty));
      if (p.present() && (!(t.idx & kFollWrite) || can_follow_write)) {
        get_page(st.s, p.frame);
        t.frame = p.frame;
        st.label = (t.idx & kFollWrite) ? "__get_user_pages:follow_page_mask(FOLL_WRITE):get_page"
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
      const bool write = t.idx & kFollWrite;
      const Pte before = st.s.pte(mm, op.page);
      st.count(Cost::Fault);
      fault_locked(st, d, mm, op.page, write);
      if (st.out_of_frames) return true;
      if (st.sigbus) {  // VM_FAULT_SIGBUS: get_user_pages fails, mem_rw returns -EFAULT
        st.label = "faultin_page:handle_mm_fault:VM_FAULT_SIGBUS(EFAULT)";
        st.go(kPcD1);
        return true;
      }
      const Pte& after = st.s.pte(mm, op.page);
      // VM_FAULT_WRITE: do_wp_page / do_cow_fault broke COW (a new page) or reused the page.
      const bool vm_fault_write = write && after.present() && (after.frame != before.frame || after.writable());
      const Vma* vma = find_vma(st.s, mm, op.page);
      if (vm_fault_write && vma && !(vma->flags & kVmWrite)) {
        if (d.foll_cow()) {
          t.idx |= kFollCow;
          st.label = "faultin_page:handle_mm_fault(write)+FOLL_COW";
        } else {
          t.idx &= static_cast<u8>(~kFollWrite);
          st.label = "faultin_page:handle_mm_fault(write)+drop FOLL_WRITE";
        }
      } else {
        st.label = write ? "faultin_page:handle_mm_fault(write)" : "faultin_page:handle_mm_fault(read)";
      }
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
