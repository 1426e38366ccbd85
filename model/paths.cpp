// The shared kernel paths: user stores and loads with their faults, O_DIRECT read (GUP,
// DMA, completion), fork, long-term pins, madvise. Where designs differ, the path calls
// the Design hook. Every step sets a label naming the kernel function it models.
#include "model/paths.hpp"

#include "model/invariant.hpp"
#include "model/ksm.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/mlock.hpp"
#include "model/mm_ops.hpp"
#include "model/pagecache.hpp"
#include "model/proc_mem.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

constexpr u8 kSegv = 0xFF;  // Thread::seen after the thread was killed by SIGSEGV

// The thread dies with SIGSEGV (bad address or permission): it runs no further op.
void sigsegv(Step& st) {
  st.self().seen = kSegv;
  st.self().op = static_cast<u8>(st.def().ops.size());
  st.self().pc = 0;
}

// handle_mm_fault for a write, PT lock held (mm/memory.c handle_pte_fault, v2.6.27):
// pte_none -> do_anonymous_page; present and read-only -> do_wp_page; already writable
// (another thread fixed it up) -> nothing.
void write_fault_locked(Step& st, const Design& d, unsigned mm, unsigned v);

// handle_mm_fault for a write, as above; maybe_mkwrite: a PTE becomes writable only in a
// VMA with VM_WRITE (a FOLL_FORCE write through /proc/self/mem leaves it read-only, dirty).
void handle_write_fault_locked(Step& st, const Design& d, unsigned mm, unsigned v) {
  const u8 old = st.s.pte(mm, v).present() ? st.s.pte(mm, v).frame : kNone;
  write_fault_locked(st, d, mm, v);
  const Vma* vma = find_vma(st.s, mm, v);
  if (vma && !(vma->flags & kVmWrite)) pte_wrprotect(st.s.pte(mm, v));
  mlock_fault_fixup(st, mm, v, old);
}

void write_fault_locked(Step& st, const Design& d, unsigned mm, unsigned v) {
  if (!st.s.pte(mm, v).writable()) d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
  Pte& p = st.s.pte(mm, v);
  const Vma* vma = find_vma(st.s, mm, v);
  if (p.swapped()) {  // do_swap_page, then do_wp_page if it mapped the page read-only
    d.do_swap_page(st, mm, v, /*write=*/true);
    if (!st.s.pte(mm, v).writable()) {
      d.do_wp_page(st, mm, v);
      st.label = "do_swap_page(write)+do_wp_page";
    }
    return;
  }
  if (vma && is_shared_file(*vma) && !p.writable()) {  // __do_fault / do_wp_page on a shared file page
    do_shared_write_fault(st, mm, v, *vma);
    return;
  }
  if (p.none() && vma && (vma->flags & kVmFile)) {
    // do_cow_fault (mm/memory.c): a private copy of the file's page-cache page,
    // entry = maybe_mkwrite(pte_mkdirty(entry), vma); returns VM_FAULT_WRITE.
    st.label = "do_cow_fault";
    u8 g = alloc_copy(st, file_page(*vma, v));
    if (g != kNone) {
      set_pte(st.s, mm, v, g, true);
      st.s.pte(mm, v).flags |= kPteDirty;
      d.new_anon_page(st, g);
    }
    return;
  }
  if (p.present() && !p.writable() && !(st.s.frames[p.frame].flags & kFrameAnon)) {
    // do_wp_page on a page that is not anonymous, in a private mapping: always a copy
    // (wp_page_copy); every design does the same.
    st.label = "do_wp_page:wp_page_copy(file page)";
    u8 g = wp_page_copy(st, mm, v, true);
    if (g != kNone) {
      st.s.pte(mm, v).flags |= kPteDirty;
      d.new_anon_page(st, g);
    }
    return;
  }
  if (!p.present()) {
    st.label = "do_anonymous_page";
    u8 g = alloc_zeroed(st);
    if (g != kNone) {
      set_pte(st.s, mm, v, g, true);
      d.new_anon_page(st, g);
    }
    return;
  }
  if (!p.writable() && (st.s.frames[p.frame].flags & kFrameKsm)) {
    // do_wp_page (2.6.32): if (PageAnon(old_page) && !PageKsm(old_page)) { ...reuse... };
    // a KSM page is always copied.
    st.label = "do_wp_page:PageKsm:wp_page_copy";
    u8 g = wp_page_copy(st, mm, v, true);
    if (g != kNone) d.new_anon_page(st, g);
    return;
  }
  if (!p.writable()) {
    d.do_wp_page(st, mm, v);
    return;
  }
  st.label = "handle_pte_fault:pte_same";
}

// handle_mm_fault for a read, PT lock held: a swap entry is swapped in (do_swap_page); a
// missing page gets a fresh anonymous page (the kernel maps the shared zero page
// read-only; the model has no zero page, and its scenarios populate their pages).
void handle_read_fault_locked(Step& st, const Design& d, unsigned mm, unsigned v) {
  if (!st.s.pte(mm, v).present()) d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
  const Pte& p = st.s.pte(mm, v);
  if (p.swapped()) {
    d.do_swap_page(st, mm, v, /*write=*/false);
    return;
  }
  if (const Vma* vma = find_vma(st.s, mm, v); p.none() && vma && (vma->flags & kVmFile)) {
    do_read_fault(st, mm, v, *vma);  // the page-cache page, read-only
    return;
  }
  if (p.none()) {
    handle_write_fault_locked(st, d, mm, v);
    return;
  }
  st.label = "handle_pte_fault:pte_same";
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
      if (write) handle_write_fault_locked(st, d, mm, op.page);
      else handle_read_fault_locked(st, d, mm, op.page);
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

// A user store: through the TLB/PTE, or a write fault.
bool step_write(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  if (st.self().pc != kPcStart) return step_fault(st, d, /*write=*/true);
  st.label = "store";
  const Pte& p = st.s.pte(mm, op.page);
  if (p.present() && p.writable()) {
    st.s.frames[p.frame].data[op.half] = op.write_id;
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

// Whether the op's GUP sets FOLL_WRITE on this VMA (the op's own flag, or v5.8's forced
// COW break on a COW mapping).
bool gup_wants_write(const Design& d, const Op& op, const Vma* vma) {
  return op.gup_write || (d.gup_forces_write() && vma && is_cow_mapping(*vma));
}

// The op's GUP has its reference: an O_DIRECT read or write goes on to the device (d0);
// vmsplice and pin_user_pages are done (the pipe or the driver keeps the reference).
void gup_done(Step& st) {
  const OpKind k = st.op().kind;
  if (k == OpKind::OdirectRead || k == OpKind::OdirectWrite) st.go(kPcD0);
  else st.finish_op();
}

// Slow get_user_pages (mm/memory.c get_user_pages + follow_page, v2.6.27; mm/gup.c
// __get_user_pages + follow_page_pte + faultin_page in 5.x): mmap_sem held for read;
// follow_page takes the PT lock, and a failed follow_page (not present, or not writable
// for a write) calls handle_mm_fault and retries. pin_longterm (ib_umem_get) holds
// mmap_sem for write instead.
bool step_gup_slow(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  // A driver registering memory (ib_umem_get, drivers/infiniband/core/umem.c, 2.6.x)
  // holds mmap_sem for write around get_user_pages, as it also updates locked_vm.
  const bool longterm = op.kind == OpKind::PinLongterm;
  auto release = [&] {
    if (longterm) locks::up_write(st.s.mms[mm].mmap_lock, st.tid);
    else locks::up_read(st.s.mms[mm].mmap_lock);
  };
  switch (st.self().pc) {
    case kPcS0:
      st.label = longterm ? "ib_umem_get:down_write(mmap_sem)" : "get_user_pages:down_read(mmap_sem)";
      if (longterm ? !locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)
                   : !locks::try_down_read(st.s.mms[mm].mmap_lock))
        return false;
      if (!find_vma(st.s, mm, op.page)) {  // -EFAULT: no pin is taken
        release();
        st.label = "get_user_pages:find_extend_vma(EFAULT)";
        sigsegv(st);
        return true;
      }
      if (op.gup_write && !(find_vma(st.s, mm, op.page)->flags & kVmWrite)) {  // check_vma_flags: -EFAULT
        release();
        st.label = "get_user_pages:check_vma_flags(EFAULT)";
        sigsegv(st);
        return true;
      }
      st.go(kPcS1);
      return true;
    case kPcS1:
      st.label = "follow_page:spin_lock(ptl)";
      if (!locks::try_spin_lock(st.s.ptl(mm), st.tid)) return false;
      st.go(kPcS2);
      return true;
    case kPcS2: {
      // handle_mm_fault if follow_page fails (FOLL_WRITE: the PTE must be writable), an
      // unshare fault if an R/O pin needs one (5.19), then follow_page's reference under
      // the PT lock; spin_unlock.
      const bool write = gup_wants_write(d, op, find_vma(st.s, mm, op.page));
      const Pte& p = st.s.pte(mm, op.page);
      bool fault = !p.present() || (write && !p.writable());
      if (fault) {
        st.count(Cost::Fault);
        if (write) handle_write_fault_locked(st, d, mm, op.page);
        else handle_read_fault_locked(st, d, mm, op.page);
      }
      if (st.out_of_frames) return true;
      if (st.sigbus) {  // VM_FAULT_SIGBUS: __get_user_pages returns -EFAULT, no reference taken
        locks::spin_unlock(st.s.ptl(mm), st.tid);
        release();
        sigsegv(st);
        return true;
      }
      bool unshare = false;
      if (const Pte& q = st.s.pte(mm, op.page); !q.writable() && d.gup_must_unshare(st.s, op, q.frame)) {
        st.count(Cost::Fault);
        d.unshare_table(st, mm);  // (cow-pte-table: the unshare fault changes the PTE)
        d.do_unshare(st, mm, op.page);  // faultin_page(FAULT_FLAG_UNSHARE), then retry
        unshare = true;
        if (st.out_of_frames) return true;
      }
      u8 f = st.s.pte(mm, op.page).frame;
      get_page(st.s, f);
      d.gup_slow_got_page(st, f);
      st.self().frame = f;
      pin_taken(st, op.pin, f);
      locks::spin_unlock(st.s.ptl(mm), st.tid);
      st.label = unshare ? "get_user_pages:faultin_page(FAULT_FLAG_UNSHARE)+follow_page:get_page"
                 : fault ? "get_user_pages:handle_mm_fault+follow_page:get_page"
                         : "follow_page:get_page";
      st.go(kPcS3);
      return true;
    }
    case kPcS3:
      st.label = longterm ? "ib_umem_get:up_write(mmap_sem)" : "get_user_pages:up_read(mmap_sem)";
      release();
      gup_done(st);
      return true;
    default:
      UNREACHABLE("bad pc in slow GUP");
  }
}

// A GUP and what follows it, for every op that takes a GUP reference:
// - odirect_read: read(2) with O_DIRECT (fs/direct-io.c, v2.6.27: dio_refill_pages ->
//   get_user_pages_fast(write=1)); the device writes the page (DMA) and dio_bio_complete
//   drops the reference (page_cache_release; FOLL_PIN: unpin_user_page);
// - odirect_write: write(2) with O_DIRECT: get_user_pages_fast(write=0); the device reads
//   the page, then the reference is dropped;
// - vmsplice: vmsplice(2) (fs/splice.c iter_to_pipe -> iov_iter_get_pages ->
//   get_user_pages_fast, FOLL_GET, read): the pipe buffer keeps the reference;
// - pin_user_pages: FOLL_PIN [| FOLL_WRITE] [| FOLL_LONGTERM], fast (pin_user_pages_fast)
//   or under mmap_read_lock (io_uring io_sqe_buffer_register; mm/gup_test.c
//   PIN_LONGTERM_TEST_START);
// - pin_longterm: ib_umem_get, slow GUP for write under down_write(mmap_sem).
bool step_gup_op(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart:
      if (!op.gup_fast) {
        st.go(kPcS0);
        return step_gup_slow(st, d);
      }
      if (d.gup_fast_has_enter(op)) {
        if (!d.gup_fast_enter(st)) return false;
        if (st.self().pc == kPcStart) st.go(kPcR1);  // (the hook may have sent it to slow GUP)
        else st.count(Cost::GupFastFallback);
        return true;
      }
      [[fallthrough]];
    case kPcR1:
      // GUP-fast: the caller's FOLL_WRITE (v5.8: always FOLL_WRITE, "The FAST_GUP case
      // requires FOLL_WRITE even for pure reads").
      if (d.gup_fast_read_pte(st, mm, op.page, op.gup_write || d.gup_forces_write())) {
        st.go(kPcR2);
      } else {
        st.count(Cost::GupFastFallback);
        st.go(kPcS0);
      }
      return true;
    case kPcR2:  // the reference; a design that re-checks the PTE may fall back here
      if (d.gup_fast_get_page(st)) {
        gup_done(st);
      } else {
        st.count(Cost::GupFastFallback);
        st.go(kPcS0);
      }
      return true;
    case kPcS0: case kPcS1: case kPcS2: case kPcS3:
      return step_gup_slow(st, d);
    case kPcD0:
      if (op.kind == OpKind::OdirectWrite) {  // the device reads the page (the bio's DMA to disk)
        st.label = "dma:read";
        t.seen = st.s.frames[t.frame].data[op.half];
        t.read_op = static_cast<u8>(t.op + 1);
      } else {  // the device writes the page through the reference
        st.label = "dma:write";
        st.s.frames[t.frame].data[op.half] = op.write_id;
        st.s.pins[op.pin].dma = 1;
      }
      st.go(kPcD1);
      return true;
    case kPcD1:  // dio_bio_complete: page_cache_release(page)
      st.label = op.foll_pin ? "bio_release_pages:unpin_user_page" : "dio_bio_complete:put_page";
      pin_released(st, op.pin);  // (FOLL_PIN: unpin_user_page)
      put_page(st.s, t.frame);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in a GUP op");
  }
}

// fork(2): kernel/fork.c dup_mmap (v2.6.27) holds the parent's mmap_sem for write,
// copies each VMA except VM_DONTCOPY ones, and copy_page_range copies their PTEs.
// The child's threads run once fork returns.
unsigned next_fork_vpage(const State& s, unsigned mm, unsigned from) {
  for (unsigned v = from; v < kMaxVpages; ++v) {
    const Vma* vma = find_vma(s, mm, v);
    if (vma && !(vma->flags & kVmDontCopy)) return v;
  }
  return kMaxVpages;
}

bool step_fork(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  unsigned child = op.child;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart: {
      st.label = "dup_mmap:down_write(mmap_sem)";
      if (!locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)) return false;
      Mm& c = st.s.mms[child];
      unsigned n = 0;
      for (const Vma& vma : st.s.mms[mm].vma)
        if (vma.pages && !(vma.flags & kVmDontCopy)) c.vma[n++] = vma;  // VM_DONTCOPY: skipped
      for (Vma& vma : c.vma) vma.flags &= static_cast<u8>(~kVmLocked);  // dup_mmap: tmp->vm_flags &= ~VM_LOCKED
      st.s.tables[c.table].users = 1;
      d.fork_copy_begin(st, mm);
      unsigned v = next_fork_vpage(st.s, mm, 0);
      t.idx = static_cast<u8>(v);
      st.go(v < kMaxVpages ? kPcF1 : kPcF4);
      return true;
    }
    case kPcF1:
      if (!d.fork_pte_lock(st, mm)) return false;
      st.go(kPcF2);
      return true;
    case kPcF2:
      // A design that shares whole page tables does it here, at the first page, instead
      // of copying PTE by PTE (cow-pte-table); F3 then finds nothing left to copy.
      if (t.idx == next_fork_vpage(st.s, mm, 0) && d.fork_share_table(st, mm, child)) {
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
      st.go(d.copy_one_pte(st, mm, child, t.idx) ? kPcF3 : kPcF2b);
      return true;
    case kPcF2b:
      d.copy_one_pte_finish(st, mm, child, t.idx);
      st.go(kPcF3);
      return true;
    case kPcF3: {
      d.fork_pte_unlock(st, mm);
      unsigned v = next_fork_vpage(st.s, mm, t.idx + 1u);
      t.idx = static_cast<u8>(v);
      st.go(v < kMaxVpages ? kPcF1 : kPcF4);
      return true;
    }
    case kPcF4:  // dup_mmap: up_write(&oldmm->mmap_sem); the child becomes runnable
      st.label = "dup_mmap:up_write(mmap_sem)";
      d.fork_copy_end(st, mm);
      locks::up_write(st.s.mms[mm].mmap_lock, st.tid);
      st.s.mms[child].alive = 1;
      if (st.s.mms[child].table != st.s.mms[mm].table) st.count(Cost::TableAlloc);  // the child's own PTE page
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in fork");
  }
}

// madvise(MADV_DONTFORK / MADV_DOFORK) (mm/madvise.c, f822566165dd, 2.6.16):
// down_write(mmap_sem); vma->vm_flags |= VM_DONTCOPY (or clears it); up_write.
// madvise(MADV_DONTNEED) (mm/madvise.c madvise_dontneed -> zap_page_range, 2.6.x-4.x):
// down_read(mmap_sem); the page's PTE is zapped under the PT lock; up_read. The next
// access faults the page in again (the file's page, or a zeroed one).
bool step_madvise_dontneed(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  switch (st.self().pc) {
    case kPcStart:
      st.label = "sys_madvise:down_read(mmap_sem)";
      if (!locks::try_down_read(st.s.mms[mm].mmap_lock)) return false;
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
      st.label = "sys_madvise:up_read(mmap_sem)";
      locks::up_read(st.s.mms[mm].mmap_lock);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in madvise(MADV_DONTNEED)");
  }
}

bool step_madvise(Step& st) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  switch (st.self().pc) {
    case kPcStart:
      st.label = "sys_madvise:down_write(mmap_sem)";
      if (!locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)) return false;
      st.go(kPcM1);
      return true;
    case kPcM1: {
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
      locks::up_write(st.s.mms[mm].mmap_lock, st.tid);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in madvise");
  }
}

}  // namespace

void fault_locked(Step& st, const Design& d, unsigned mm, unsigned v, bool write) {
  if (write) handle_write_fault_locked(st, d, mm, v);
  else handle_read_fault_locked(st, d, mm, v);
}

bool take_step(Step& st, const Design& d) {
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
      // A driver registering memory (RDMA ib_umem_get, 2.6.x) calls get_user_pages with
      // write=1 under mmap_sem held for write: the slow path. The reference is kept
      // until unpin.
      if (st.self().pc == kPcStart) st.go(kPcS0);
      return step_gup_slow(st, d);
    case OpKind::Unpin: {  // the driver's put_page when the memory is deregistered
      st.label = "put_page(unpin)";
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
      return st.op().advice == Advice::DontNeed ? step_madvise_dontneed(st, d) : step_madvise(st);
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
      return step_munlock(st);
    case OpKind::Msync:
      return step_msync(st, d);
    case OpKind::KsmScan:
      return step_ksm_scan(st, d);
  }
  UNREACHABLE("bad op kind");
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
}

}  // namespace cow
