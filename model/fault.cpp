// Page faults and user accesses: see fault.hpp. Every handler here installs its PTE with
// the kernel's maybe_mkwrite(pte_mkdirty(entry), vma) (kernel::maybe_mkwrite_dirty), so a
// FOLL_FORCE write into a read-only private mapping leaves the PTE read-only, and reports
// VM_FAULT_WRITE where the kernel's does.
#include "model/fault.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/mlock.hpp"
#include "model/pagecache.hpp"
#include "model/paths.hpp"

namespace cow {
using namespace cow::kernel;

void sigsegv(Step& st) {
  st.self().seen = kSegv;
  st.self().op = static_cast<u8>(st.def().ops.size());
  st.self().pc = 0;
}

namespace {

// handle_pte_fault for a write, PT lock held (mm/memory.c, v2.6.27 .. 5.19):
//   pte_none: vma_is_anonymous -> do_anonymous_page; else do_fault (do_cow_fault for a
//       private mapping, the shared-file fault for a shared one);
//   a swap entry -> do_swap_page (then do_wp_page if it mapped the page read-only);
//   present and read-only -> do_wp_page;
//   already writable (another thread fixed it up) -> nothing.
VmFault write_fault(Step& st, const Design& d, unsigned mm, unsigned v) {
  if (!st.s.pte(mm, v).writable()) d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
  Pte& p = st.s.pte(mm, v);
  const Vma* vma = find_vma(st.s, mm, v);
  if (p.swapped()) {  // do_swap_page, then do_wp_page if it mapped the page read-only
    VmFault ret = d.do_swap_page(st, mm, v, kFaultFlagWrite);
    if (!st.s.pte(mm, v).writable() && !(ret & kVmFaultWrite)) {
      ret |= d.do_wp_page(st, mm, v, kFaultFlagWrite);
      st.label = "do_swap_page(write)+do_wp_page";
    }
    return ret;
  }
  if (vma && is_shared_file(*vma) && !p.writable()) {  // __do_fault / do_wp_page on a shared file page
    const bool present = p.present();
    do_shared_write_fault(st, mm, v, *vma);
    return present && !st.sigbus ? kVmFaultWrite : 0;  // do_wp_page's shared branch: "reuse:"
  }
  if (p.none() && vma && (vma->flags & kVmFile)) {
    // do_cow_fault (mm/memory.c, 4.8): a private copy of the file's page-cache page,
    //   do_set_pte: entry = maybe_mkwrite(pte_mkdirty(entry), vma);
    // no VM_FAULT_WRITE.
    st.label = "do_cow_fault";
    const u8 g = alloc_copy(st, file_page(*vma, v));
    if (g != kNone) {
      set_pte(st.s, mm, v, g, false);
      maybe_mkwrite_dirty(st.s, mm, v);
      d.new_anon_page(st, g);
    }
    return 0;
  }
  if (p.present() && !p.writable() && !(st.s.frames[p.frame].flags & kFrameAnon)) {
    // do_wp_page on a page that is not anonymous, in a private mapping: always a copy
    // (wp_page_copy); every design does the same.
    st.label = "do_wp_page:wp_page_copy(file page)";
    return wp_page_copy(st, d, mm, v, kFaultFlagWrite);
  }
  if (!p.present()) {
    // do_anonymous_page (mm/memory.c, 4.8):
    //   entry = mk_pte(page, vma->vm_page_prot);
    //   if (vma->vm_flags & VM_WRITE) entry = pte_mkwrite(pte_mkdirty(entry));
    // no VM_FAULT_WRITE.
    st.label = "do_anonymous_page";
    const u8 g = alloc_zeroed(st);
    if (g != kNone) {
      set_pte(st.s, mm, v, g, false);
      if (vma && (vma->flags & kVmWrite)) maybe_mkwrite_dirty(st.s, mm, v);
      d.new_anon_page(st, g);
    }
    return 0;
  }
  if (!p.writable() && (st.s.frames[p.frame].flags & kFrameKsm)) {
    // do_wp_page (2.6.32): if (PageAnon(old_page) && !PageKsm(old_page)) { ...reuse... };
    // a KSM page is always copied.
    st.label = "do_wp_page:PageKsm:wp_page_copy";
    return wp_page_copy(st, d, mm, v, kFaultFlagWrite);
  }
  if (!p.writable()) return d.do_wp_page(st, mm, v, kFaultFlagWrite);
  st.label = "handle_pte_fault:pte_same";
  return 0;
}

// A write fault, and what a VM_LOCKED VMA adds to it (mlock_fault_fixup).
VmFault handle_write_fault(Step& st, const Design& d, unsigned mm, unsigned v) {
  const u8 old = st.s.pte(mm, v).present() ? st.s.pte(mm, v).frame : kNone;
  const VmFault ret = write_fault(st, d, mm, v);
  mlock_fault_fixup(st, mm, v, old);
  return ret;
}

// handle_pte_fault for a read, PT lock held: a swap entry is swapped in (do_swap_page); a
// missing page of a file VMA is read in (do_read_fault); a missing anonymous page gets a
// fresh anonymous page (the kernel maps the shared zero page read-only; the model has no
// zero page, and its scenarios populate their pages).
VmFault handle_read_fault(Step& st, const Design& d, unsigned mm, unsigned v) {
  if (!st.s.pte(mm, v).present()) d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
  const Pte& p = st.s.pte(mm, v);
  if (p.swapped()) return d.do_swap_page(st, mm, v, 0);
  if (const Vma* vma = find_vma(st.s, mm, v); p.none() && vma && (vma->flags & kVmFile)) {
    do_read_fault(st, mm, v, *vma);  // the page-cache page, read-only
    return 0;
  }
  if (p.none()) return handle_write_fault(st, d, mm, v);
  st.label = "handle_pte_fault:pte_same";
  return 0;
}

// The page fault path of arch/x86/mm/fault.c do_page_fault (v2.6.27), steps w1-w4, for a
// store (write) or a load of a swapped-out page (read).
bool step_fault(Step& st, const Design& d, bool write) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  switch (st.self().pc) {
    case kPcW1: {  // do_page_fault: down_read(&mm->mmap_sem); find_vma; access check
      st.label = "do_page_fault:down_read(mmap_sem)";
      if (!locks::try_down_read(st.s.mms[mm].mmap_lock)) return false;
      const Vma* vma = find_vma(st.s, mm, op.page);
      if (!vma || (write && !(vma->flags & kVmWrite))) {
        locks::up_read(st.s.mms[mm].mmap_lock);
        st.label = "do_page_fault:bad_area(SIGSEGV)";
        sigsegv(st);
        return true;
      }
      st.go(kPcW2);
      return true;
    }
    case kPcW2:  // handle_pte_fault: spin_lock(ptl)
      st.label = "handle_pte_fault:spin_lock(ptl)";
      if (!locks::try_spin_lock(st.s.ptl(mm), st.tid)) return false;
      st.go(kPcW3);
      return true;
    case kPcW3:  // the fault proper, then pte_unmap_unlock
      fault_locked(st, d, mm, op.page, write);
      locks::spin_unlock(st.s.ptl(mm), st.tid);
      if (st.sigbus) {  // do_page_fault: VM_FAULT_SIGBUS -> do_sigbus (after up_read)
        locks::up_read(st.s.mms[mm].mmap_lock);
        sigsegv(st);
        return true;
      }
      st.go(kPcW4);
      return true;
    case kPcW4:  // do_page_fault: up_read(&mm->mmap_sem); the access is retried
      st.label = "do_page_fault:up_read(mmap_sem)";
      locks::up_read(st.s.mms[mm].mmap_lock);
      st.go(kPcStart);
      return true;
    default:
      UNREACHABLE("bad pc in a page fault");
  }
}

}  // namespace

VmFault fault_locked(Step& st, const Design& d, unsigned mm, unsigned v, bool write) {
  return write ? handle_write_fault(st, d, mm, v) : handle_read_fault(st, d, mm, v);
}

// A user store: through the PTE (the MMU sets the dirty bit), or a write fault.
bool step_write(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  if (st.self().pc != kPcStart) return step_fault(st, d, /*write=*/true);
  st.label = "store";
  Pte& p = st.s.pte(mm, op.page);
  if (p.present() && p.writable()) {
    st.s.frames[p.frame].data[op.half] = op.write_id;
    p.flags |= kPteDirty;  // the CPU sets _PAGE_DIRTY on the first store through a PTE
    st.finish_op();
  } else {
    st.label = "store:page_fault";
    st.count(Cost::Fault);
    st.go(kPcW1);
  }
  return true;
}

// A user load. A present PTE is read directly; a missing one in an anonymous VMA reads
// zeroes (the zero page); a swap entry takes a read fault (do_swap_page); no VMA is SIGSEGV.
bool step_read(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  if (st.self().pc != kPcStart) return step_fault(st, d, /*write=*/false);
  st.label = "load";
  const Pte& p = st.s.pte(mm, op.page);
  Thread& t = st.self();
  if (p.swapped()) {
    st.label = "load:page_fault";
    st.count(Cost::Fault);
    st.go(kPcW1);
    return true;
  }
  if (p.present()) {
    t.seen = st.s.frames[p.frame].data[op.half];
  } else if (const Vma* vma = find_vma(st.s, mm, op.page)) {  // (the zero page, or the file's page)
    t.seen = (vma->flags & kVmFile) ? st.s.frames[file_page(*vma, op.page)].data[op.half] : 0;
  } else {
    st.label = "load:bad_area(SIGSEGV)";
    sigsegv(st);
    return true;
  }
  t.read_op = static_cast<u8>(t.op + 1);
  st.finish_op();
  return true;
}

}  // namespace cow
