// Page faults and user accesses: see fault.hpp. Every handler here installs its PTE with
// the kernel's maybe_mkwrite(pte_mkdirty(entry), vma) (kernel::maybe_mkwrite_dirty), so a
// FOLL_FORCE write into a read-only private mapping leaves the PTE read-only, and reports
// VM_FAULT_WRITE where the kernel's does.
#include "model/fault.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/mlock.hpp"
#include "model/page_lock.hpp"
#include "model/pagecache.hpp"
#include "model/paths.hpp"
#include "model/tlb.hpp"
#include "model/zero_page.hpp"

namespace cow {
using namespace cow::kernel;

void sigsegv(Step& st) {
  st.self().seen = kSegv;
  st.self().op = static_cast<u8>(st.def().ops.size());
  st.self().pc = 0;
}

namespace {

// do_swap_page (mm/memory.c, v2.6.27) takes the swap-cache page's lock before it maps it:
//   lock_page(page);
//   delayacct_clear_flag(DELAYACCT_PF_SWAPIN);
// (lock_page_or_retry in 5.x, folio_lock_or_retry in 6.x.) While another holds the lock
// the fault waits: the step is not enabled.
bool swap_page_locked(Step& st, const Pte& p) {
  if (!page_locked(st.s, p.frame)) return false;
  st.label = "do_swap_page:lock_page(sleeps)";
  st.blocked = true;
  return true;
}

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
    if (swap_page_locked(st, p)) return 0;
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
    anon_vma_prepare(st.s, mm, v);
    const u8 g = alloc_copy(st, file_page(*vma, v));
    if (g != kNone) {
      set_pte(st.s, mm, v, g, false);
      maybe_mkwrite_dirty(st.s, mm, v);
      page_add_new_anon_rmap(st, d, g, mm, v);
    }
    return 0;
  }
  if (p.present() && !p.writable() && !(st.s.frames[p.frame].flags & kFrameAnon)) {
    // do_wp_page on a page that is not anonymous, in a private mapping: always a copy
    // (wp_page_copy); every design does the same. The zero page: vm_normal_page() is
    // NULL, and wp_page_copy allocates a zeroed page (model/zero_page.hpp).
    st.label = is_zero_page(st.s, p.frame) ? "do_wp_page:wp_page_copy(zero page)" : "do_wp_page:wp_page_copy(file page)";
    return wp_page_copy(st, d, mm, v, kFaultFlagWrite);
  }
  if (!p.present()) {
    // do_anonymous_page (mm/memory.c, 4.8):
    //   entry = mk_pte(page, vma->vm_page_prot);
    //   if (vma->vm_flags & VM_WRITE) entry = pte_mkwrite(pte_mkdirty(entry));
    // no VM_FAULT_WRITE.
    st.label = "do_anonymous_page";
    anon_vma_prepare(st.s, mm, v);
    const u8 g = alloc_zeroed(st);
    if (g != kNone) {
      set_pte(st.s, mm, v, g, false);
      if (vma && (vma->flags & kVmWrite)) maybe_mkwrite_dirty(st.s, mm, v);
      page_add_new_anon_rmap(st, d, g, mm, v);
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
// missing page of a file VMA is read in (do_read_fault); a missing anonymous page is the
// shared zero page from 2.6.32 (model/zero_page.hpp), else a fresh anonymous page
// (2.6.27 do_anonymous_page allocates for reads and writes alike).
VmFault handle_read_fault(Step& st, const Design& d, unsigned mm, unsigned v) {
  if (!st.s.pte(mm, v).present()) d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
  const Pte& p = st.s.pte(mm, v);
  if (p.swapped()) return swap_page_locked(st, p) ? 0 : d.do_swap_page(st, mm, v, 0);
  const Vma* vma = find_vma(st.s, mm, v);
  if (p.none() && vma && (vma->flags & kVmFile)) {
    do_read_fault(st, mm, v, *vma);  // the page-cache page, read-only
    return 0;
  }
  if (p.none() && vma && !(vma->flags & kVmShared) && has_zero_page(d)) {  // (MAP_SHARED anonymous memory is shmem)
    st.label = "do_anonymous_page:pte_mkspecial(my_zero_pfn)";
    map_zero_page(st, mm, v);
    return 0;
  }
  if (p.none()) return handle_write_fault(st, d, mm, v);
  st.label = "handle_pte_fault:pte_same";
  return 0;
}

// Thread::idx during a fault: whether it holds its VMA's lock (else the mmap_lock), and,
// between the two halves of a split wp_page_copy, the old page (low bits).
constexpr u8 kFaultUnderVmaLock = 0x80;
constexpr u8 kFaultRetryMmap = 0x40;  // VM_FAULT_RETRY under the VMA lock: now under mmap_lock
constexpr u8 kFaultOldFrame = 0x0F;

// lock_vma_under_rcu (mm/memory.c, 6.4; mm/mmap_lock.c, 6.18): the VMA containing v, read-
// locked, or nullptr: no VMA, a VMA the version does not handle under its lock (6.4: only
// an anonymous VMA with an anon_vma), or vma_start_read failed (write-locked).
Vma* lock_vma_under_rcu(Step& st, const Design& d, unsigned mm, unsigned v) {
  Vma* vma = find_vma(st.s, mm, v);
  if (!vma) return nullptr;
  if (d.traits().fault_lock == FaultLock::VmaLockAnon && (!(vma->flags & kVmAnon) || !vma->anon_vma)) return nullptr;
  return vma_start_read(*vma) ? vma : nullptr;
}

// Whether a fault under the VMA lock has to be retried under the mmap_lock
// (VM_FAULT_RETRY): 6.4's do_swap_page on any swap entry; 6.18's vmf_anon_prepare, when
// the fault needs an anon_vma the VMA lacks and mmap_read_trylock fails.
bool fault_needs_retry(const Step& st, const Design& d, unsigned mm, unsigned v, bool write) {
  const Pte& p = st.s.pte(mm, v);
  const Vma* vma = find_vma(st.s, mm, v);
  switch (d.traits().fault_lock) {
    case FaultLock::MmapLock: return false;
    case FaultLock::VmaLockAnon: return p.swapped();
    case FaultLock::VmaLock: {
      if (!vma || vma->anon_vma || (vma->flags & kVmShared)) return false;
      // (a read fault on an empty anonymous PTE maps the zero page: no anon_vma needed)
      const bool allocates_anon = p.none() ? (write || (!(vma->flags & (kVmFile | kVmShared)) && !has_zero_page(d))) : (write && !p.writable());
      return allocates_anon && st.s.mms[mm].mmap_lock.writer != kNone;  // mmap_read_trylock fails
    }
    case FaultLock::VmaLockAnonPrepareUnlocked: return false;
  }
  UNREACHABLE("bad FaultLock");
}

// The end of the fault proper (w3, w7), the PT lock held: pte_unmap_unlock, then
// VM_FAULT_SIGBUS's signal, the second half of a split wp_page_copy (w5), or up_read (w4).
template <class Unlock>
bool fault_done(Step& st, unsigned mm, Unlock&& unlock) {
  Thread& t = st.self();
  locks::spin_unlock(st.s.ptl(mm), st.tid);
  if (st.sigbus) {  // do_page_fault: VM_FAULT_SIGBUS -> do_sigbus (after up_read)
    unlock();
    sigsegv(st);
    return true;
  }
  if (st.copy_pending) {  // wp_page_copy: the copy is made, the PT lock dropped
    t.idx = static_cast<u8>((t.idx & kFaultUnderVmaLock) | (t.idx & kFaultOldFrame));
    st.go(kPcW5);
    return true;
  }
  st.go(kPcW4);
  return true;
}

// The page fault path of arch/x86/mm/fault.c do_page_fault (v2.6.27; do_user_addr_fault
// with per-VMA locks from 6.4), steps w1-w4 (w5: the second half of a split
// wp_page_copy), for a store (write) or a load that faults (read).
bool step_fault(Step& st, const Design& d, bool write) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  Thread& t = st.self();
  RwLock& mmap_lock = st.s.mms[mm].mmap_lock;
  auto unlock = [&] {
    if (t.idx & kFaultUnderVmaLock) vma_end_read(*find_vma(st.s, mm, op.page));
    else locks::up_read(mmap_lock);
    t.idx = 0;
  };
  switch (t.pc) {
    case kPcW1: {  // do_page_fault: down_read(&mm->mmap_sem); find_vma; access check
      if (d.has_vma_locks() && !(t.idx & kFaultRetryMmap)) {  // do_user_addr_fault: lock_vma_under_rcu first
        if (Vma* vma = lock_vma_under_rcu(st, d, mm, op.page)) {
          st.label = "do_user_addr_fault:lock_vma_under_rcu";
          if (write && !(vma->flags & kVmWrite)) {  // access_error: bad area (6.4: retried under mmap_lock first)
            vma_end_read(*vma);
            st.label = "do_user_addr_fault:lock_vma_under_rcu:access_error(SIGSEGV)";
            sigsegv(st);
            return true;
          }
          t.idx = kFaultUnderVmaLock;
          st.go(kPcW2);
          return true;
        }
        if (const Vma* vma = find_vma(st.s, mm, op.page); vma && (vma->lock & kVmaWriteLocked)) {
          // vma_start_read failed: the VMA is write-locked (fork, mprotect, munmap... under
          // mmap_write_lock). lock_mmap: the fault waits in mmap_read_lock (the next step).
          st.label = "do_user_addr_fault:lock_vma_under_rcu(failed: vma_start_write held)";
          st.count(Cost::VmaLockFallback);
          t.idx = kFaultRetryMmap;
          return true;
        }
        st.label = "do_user_addr_fault:lock_vma_under_rcu(failed)+mmap_read_lock";
      } else if (d.has_vma_locks()) {
        st.label = "do_user_addr_fault:lock_mm_and_find_vma(retry)";
      } else {
        st.label = "do_page_fault:down_read(mmap_sem)";
      }
      if (!locks::try_down_read(mmap_lock)) return false;
      t.idx = 0;
      const Vma* vma = find_vma(st.s, mm, op.page);
      if (!vma || (write && !(vma->flags & kVmWrite))) {
        locks::up_read(mmap_lock);
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
      if ((t.idx & kFaultUnderVmaLock) && fault_needs_retry(st, d, mm, op.page, write)) {
        // VM_FAULT_RETRY: vma_end_read, and the fault again under mmap_read_lock
        locks::spin_unlock(st.s.ptl(mm), st.tid);
        vma_end_read(*find_vma(st.s, mm, op.page));
        t.idx = kFaultRetryMmap;
        st.label = "handle_mm_fault(FAULT_FLAG_VMA_LOCK):VM_FAULT_RETRY";
        st.go(kPcW1);
        return true;
      }
      st.split_copy = st.sc.tlb && write;
      fault_locked(st, d, mm, op.page, write);
      if (st.lock_page_wait != kNone) {
        // do_wp_page (2.6.29 .. 5.8): trylock_page failed: page_cache_get(old_page);
        // pte_unmap_unlock(page_table, ptl); then lock_page (w6)
        t.frame = st.lock_page_wait;
        st.lock_page_wait = kNone;
        get_page(st.s, t.frame);
        locks::spin_unlock(st.s.ptl(mm), st.tid);
        st.label = "do_wp_page:trylock_page(failed):page_cache_get+pte_unmap_unlock";
        st.go(kPcW6);
        return true;
      }
      return fault_done(st, mm, unlock);
    case kPcW6:  // do_wp_page: lock_page(old_page), which sleeps until the holder unlocks it
      st.label = "do_wp_page:lock_page";
      if (page_locked(st.s, t.frame)) return false;
      lock_page(st.s, t.frame);
      st.go(kPcW7);
      return true;
    case kPcW7: {  // do_wp_page: pte_offset_map_lock, pte_same, the decision under the page lock
      st.label = "do_wp_page:pte_offset_map_lock";
      if (!locks::try_spin_lock(st.s.ptl(mm), st.tid)) return false;
      const u8 old = t.frame;
      t.frame = kNone;
      const Pte& p = st.s.pte(mm, op.page);
      if (!p.present() || p.frame != old || p.writable()) {  // !pte_same(*page_table, orig_pte)
        unlock_page(st.s, old);
        put_page(st.s, old);  // page_cache_release(old_page)
        locks::spin_unlock(st.s.ptl(mm), st.tid);
        st.label = "do_wp_page:!pte_same:unlock_page+page_cache_release";
        st.go(kPcW4);  // goto unlock: the fault returns and the access is retried
        return true;
      }
      put_page(st.s, old);  // page_cache_release(old_page): the PTE still maps it
      // reuse = can_share_swap_page(old_page); unlock_page(old_page); (reuse_swap_page from
      // 2.6.30): the design decides under the lock (kFaultFlagPageLocked); the kernel
      // unlocks before it reuses or copies, as the step does.
      st.split_copy = st.sc.tlb && write;
      unlock_page(st.s, old);
      d.do_wp_page(st, mm, op.page, kFaultFlagWrite | kFaultFlagPageLocked);
      INVARIANT(st.lock_page_wait == kNone, "do_wp_page slept for the page lock it held");
      mlock_fault_fixup(st, mm, op.page, old);
      return fault_done(st, mm, unlock);
    }
    case kPcW5: {  // wp_page_copy: pte_offset_map_lock, pte_same, ptep_clear_flush, set_pte_at
      if (st.s.ptl(mm).holder != kNone) return false;
      const u8 held = t.idx & kFaultUnderVmaLock;
      t.idx &= kFaultOldFrame;
      const u8 old = t.idx;
      const bool installed = wp_page_copy_install(st, d, mm, op.page);
      if (installed) mlock_fault_fixup(st, mm, op.page, old);  // as handle_write_fault does after the copy
      t.idx = held;
      st.label = installed ? "wp_page_copy:ptep_clear_flush+set_pte_at(copy)" : "wp_page_copy:!pte_same(drop the copy)";
      st.go(kPcW4);
      return true;
    }
    case kPcW4:  // do_page_fault: up_read(&mm->mmap_sem); the access is retried
      st.label = (t.idx & kFaultUnderVmaLock) ? "do_user_addr_fault:vma_end_read" : "do_page_fault:up_read(mmap_sem)";
      unlock();
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

// A user store: through the TLB or the PTE (the MMU sets the dirty bit), or a write fault.
// With TLBs (Scenario::tlb): a writable entry is used as it is, even if the PTE has
// changed since it was cached; a read-only entry makes the store fault (and the fault
// drops it); without an entry the MMU walks the PTE and caches it.
bool step_write(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  if (st.self().pc != kPcStart) return step_fault(st, d, /*write=*/true);
  st.label = "store";
  u8& entry = st.s.tlb[st.tid][op.page];
  if (tlb_valid(entry) && tlb_writable(entry)) {
    const u8 f = tlb_frame(entry);
    st.s.frames[f].data[op.half] = op.write_id;
    const Pte& p = st.s.pte(mm, op.page);
    if (!p.present() || p.frame != f || !p.writable()) st.label = "store(stale TLB entry)";
    st.finish_op();
    return true;
  }
  Pte& p = st.s.pte(mm, op.page);
  // An entry ptep_clear_flush cleared to set again (a weak memory model's KSM or swap-out,
  // model/state.hpp kPteCleared): the page fault would wait for the PT lock its clearer holds.
  if (!tlb_valid(entry) && p.cleared()) return false;
  if (!tlb_valid(entry) && p.present() && p.writable()) {
    st.s.frames[p.frame].data[op.half] = op.write_id;
    p.flags |= kPteDirty;  // the CPU sets _PAGE_DIRTY on the first store through a PTE
    tlb_fill(st, op.page, p);
    st.finish_op();
  } else {
    st.label = "store:page_fault";
    entry = 0;  // the fault invalidates the faulting translation
    st.count(Cost::Fault);
    st.go(kPcW1);
  }
  return true;
}

// A load of an empty PTE in a private anonymous VMA faults the zero page in.
static bool zero_page_fault(const State& s, const Design& d, unsigned mm, unsigned v) {
  const Vma* vma = find_vma(s, mm, v);
  return vma && !(vma->flags & (kVmFile | kVmShared)) && has_zero_page(d);
}

// A user load. Through the TLB entry when there is one (even a stale one); else a present
// PTE is read directly (and cached); a missing one in a private anonymous VMA takes a read
// fault that maps the zero page (2.6.32+, model/zero_page.hpp), and before 2.6.32 reads
// zeroes without a fault (the kernel's fault allocates a zeroed page there; the model
// leaves that page out); a swap entry takes a read fault (do_swap_page); no VMA is SIGSEGV.
bool step_read(Step& st, const Design& d) {
  const Op& op = st.op();
  unsigned mm = st.def().mm;
  if (st.self().pc != kPcStart) return step_fault(st, d, /*write=*/false);
  st.label = "load";
  Thread& t = st.self();
  const u8 entry = st.s.tlb[st.tid][op.page];
  const Pte& p = st.s.pte(mm, op.page);
  if (tlb_valid(entry)) {
    t.seen = st.s.frames[tlb_frame(entry)].data[op.half];
    if (!p.present() || p.frame != tlb_frame(entry)) st.label = "load(stale TLB entry)";
  } else if (p.cleared()) {  // the fault would wait for the clearer's PT lock (see step_write)
    return false;
  } else if (p.swapped() || (p.none() && zero_page_fault(st.s, d, mm, op.page))) {
    st.label = "load:page_fault";
    st.count(Cost::Fault);
    st.go(kPcW1);
    return true;
  } else if (p.present()) {
    t.seen = st.s.frames[p.frame].data[op.half];
    tlb_fill(st, op.page, p);
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
