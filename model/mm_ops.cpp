#include "model/mm_ops.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/mlock.hpp"
#include "model/page_lock.hpp"
#include "model/paths.hpp"
#include "model/swap_out_weak.hpp"
#include "model/tlb.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

// clear_refs_write (fs/proc/task_mmu.c) takes mmap_lock for read up to 5.10
// (down_read(&mm->mmap_sem), v3.11 .. v5.10) and for write from 5.11: 29a951dfb3c3 "mm:
// fix clear_refs_write locking" ("Turning page table entries read-only requires the
// mmap_sem held for writing"), with 9348b73c2e1b, both trait SoftDirty::SkipPinned:
//   if (mmap_write_lock_killable(mm)) { count = -EINTR; goto out_mm; }
bool clear_refs_writes(const Design& d) { return d.traits().soft_dirty >= SoftDirty::SkipPinned; }

bool takes_mmap_write(OpKind k, const Design& d) {
  return k == OpKind::Munmap || k == OpKind::Exit || k == OpKind::Mprotect || (k == OpKind::ClearRefs && clear_refs_writes(d));
}

std::string_view lock_label(OpKind k, const Design& d) {
  switch (k) {
    case OpKind::Munmap: return "sys_munmap:down_write(mmap_sem)";
    case OpKind::Exit: return "exit_mmap:mmap_write_lock";
    case OpKind::Mprotect: return "sys_mprotect:down_write(mmap_sem)";
    case OpKind::ClearRefs:
      return clear_refs_writes(d) ? "clear_refs_write:mmap_write_lock_killable" : "clear_refs_write:down_read(mmap_sem)";
    default: return "madvise_pageout:down_read(mmap_sem)";
  }
}

std::string_view unlock_label(OpKind k, const Design& d) {
  switch (k) {
    case OpKind::Munmap: return "sys_munmap:up_write(mmap_sem)";
    case OpKind::Exit: return "exit_mmap:mmap_write_unlock";
    case OpKind::Mprotect: return "sys_mprotect:up_write(mmap_sem)";
    case OpKind::ClearRefs: return clear_refs_writes(d) ? "clear_refs_write:mmap_write_unlock" : "clear_refs_write:up_read(mmap_sem)";
    default: return "madvise_pageout:up_read(mmap_sem)";
  }
}

// With per-VMA locks, 49b0638502da "mm: enable page walking API to lock vmas during the
// walk" (Suren Baghdasaryan, Aug 2023, after 6.4.6: "walk_page_range() and friends often
// operate under write-locked mmap_lock. With introduction of vma locks, the vmas have to
// be locked as well during such walks to prevent concurrent page faults in these areas")
// gives clear_refs_walk_ops .walk_lock = PGWALK_WRLOCK: walk_page_range calls
// vma_start_write on every VMA it walks (trait SoftDirty::SkipPinnedVmaLocked).
bool clear_refs_locks_vmas(Step& st, const Design& d, unsigned mm) {
  if (d.traits().soft_dirty != SoftDirty::SkipPinnedVmaLocked) return true;
  for (const Vma& vma : st.s.mms[mm].vma)
    if (vma.pages && !vma_start_write(st, d, mm, vma.start)) return false;
  return true;
}

// unmap_region / exit_mmap -> unmap_vmas -> zap_pte_range (mm/memory.c), PT lock held:
// every PTE of the VMA goes; then the VMA itself.
// A VM_LOCKED VMA's pages are munlocked first (do_munmap / exit_mmap, v2.6.37:
// if (vma->vm_flags & VM_LOCKED) munlock_vma_pages_all(vma)).
void unmap_vma(Step& st, unsigned mm, Vma& vma) {
  munlock_vma_pages(st, mm, vma);
  for (unsigned v = vma.start; v < vma.start + vma.pages; ++v) zap_pte(st, mm, v);
  vma = Vma{};
}

// mprotect_fixup -> change_protection -> change_pte_range (mm/mprotect.c): the VMA's
// flags change; PROT_READ write-protects its present PTEs. PROT_READ|PROT_WRITE leaves
// them read-only: a private writable mapping's vm_page_prot has no write bit, and the
// next store takes a write fault (6.0's can_change_pte_writable is not in these designs).
void mprotect(Step& st, unsigned mm, const Op& op) {
  Vma* vma = find_vma(st.s, mm, op.page);
  if (!vma) {
    st.label = "mprotect:ENOMEM(not mapped)";
    return;
  }
  if (op.prot_write) {
    vma->flags |= kVmWrite;
    st.label = "mprotect_fixup:VM_WRITE(PTEs stay read-only)";
    return;
  }
  vma->flags &= static_cast<u8>(~kVmWrite);
  for (unsigned v = vma->start; v < vma->start + vma->pages; ++v)
    if (Pte& p = st.s.pte(mm, v); p.present()) {
      pte_wrprotect(st, p);
      flush_tlb_page(st, mm, v);  // flush_tlb_range (tlb_finish_mmu), before the mmap_lock is dropped
    }
  st.label = "mprotect_fixup:change_protection(wrprotect)";
}

// clear_refs_write(CLEAR_REFS_SOFT_DIRTY) -> clear_refs_pte_range -> clear_soft_dirty
// (fs/proc/task_mmu.c, 3.11+): each present PTE is write-protected and loses soft-dirty,
// so the next store faults. 9348b73c2e1b (5.11) skips maybe-pinned pages of a COW
// mapping in an mm that pinned (pte_is_pinned).
void clear_refs(Step& st, const Design& d, unsigned mm) {
  const SoftDirty mode = d.traits().soft_dirty;
  if (mode == SoftDirty::None) {
    st.label = "clear_refs_write(no soft-dirty in this kernel: referenced bits only)";
    return;
  }
  st.label = "clear_refs_pte_range:clear_soft_dirty";
  for (unsigned v = 0; v < kMaxVpages; ++v) {
    Pte& p = st.s.pte(mm, v);
    if (!p.present()) continue;
    const Vma* vma = find_vma(st.s, mm, v);
    const bool pinned = vma && is_cow_mapping(*vma) && st.s.mms[mm].has_pinned && st.s.frames[p.frame].pincount > 0;
    if (mode >= SoftDirty::SkipPinned && pinned) {
      st.label = "clear_refs_pte_range:clear_soft_dirty(pte_is_pinned: skipped)";
      continue;
    }
    pte_wrprotect(st, p);
    flush_tlb_page(st, mm, v);  // (clear_refs_write flushes the mm's TLB before it drops mmap_lock)
  }
}

// madvise(MADV_PAGEOUT) -> reclaim_pages -> shrink_page_list (mm/vmscan.c): add_to_swap
// puts the anonymous page in the swap cache, try_to_unmap replaces every PTE that maps it
// (an rmap walk over all mms) by a swap entry. 5.11 keeps maybe-pinned pages out of the
// swap cache (feb889fb40fa); 5.19's try_to_unmap_one fails on them
// (page_try_share_anon_rmap) and keeps PageAnonExclusive in the swap PTE.
void swap_out(Step& st, const Design& d, unsigned mm, unsigned page) {
  const Pte& p = st.s.pte(mm, page);
  if (!p.present()) {
    st.label = "madvise_pageout(not present)";
    return;
  }
  if (const Vma* vma = find_vma(st.s, mm, page); vma && (vma->flags & kVmLocked)) {
    st.label = "madvise_pageout(VM_LOCKED: skipped)";  // can_madv_lru_vma: !(vm_flags & (VM_LOCKED|...))
    return;
  }
  if (!(st.s.frames[p.frame].flags & kFrameAnon)) {  // a page-cache page is written back, not swapped
    // (madvise_cold_or_pageout_pte_range: vm_normal_page() is NULL for the zero page: skipped)
    st.label = (st.s.frames[p.frame].flags & kFrameZero) ? "madvise_pageout(zero page: vm_normal_page NULL)"
                                                         : "madvise_pageout(file page: not modelled)";
    return;
  }
  if (st.s.frames[p.frame].flags & kFrameKsm) {  // (KSM pages are swappable since 2.6.33; not in this model)
    st.label = "madvise_pageout(KSM page: not modelled)";
    return;
  }
  const u8 f = p.frame;
  Frame& fr = st.s.frames[f];
  // shrink_page_list (mm/vmscan.c, v2.6.27):
  //   if (!trylock_page(page))
  //           goto keep;
  // (The reclaim here is one step: it checks the lock and does not hold it; a reclaim
  // that holds it across its work is op hold_page_lock, model/page_lock.hpp.)
  if (page_locked(st.s, f)) {
    st.label = "shrink_page_list:trylock_page(failed: keep)";
    return;
  }
  if (!(fr.flags & kFrameSwapCache)) {
    if (d.traits().reclaim == Reclaim::SkipsPinned && fr.pincount > 0) {
      st.label = "shrink_page_list:page_maybe_dma_pinned(keep)";
      return;
    }
    fr.flags |= kFrameSwapCache;  // add_to_swap
    get_page(st.s, f);
  }
  st.label = "shrink_page_list:add_to_swap+try_to_unmap";
  for (unsigned m = 0; m < kMaxMms; ++m)  // (cow-pte-table: each mapper's table is unshared first)
    if (st.s.mms[m].alive && st.s.mms[m].table != kNone)
      for (unsigned v = 0; v < kMaxVpages; ++v)
        if (st.s.pte(m, v).present() && st.s.pte(m, v).frame == f) d.unshare_table(st, m);
  for (unsigned m = 0; m < kMaxMms; ++m) {
    if (st.s.mms[m].table == kNone) continue;
    for (unsigned v = 0; v < kMaxVpages; ++v) {
      Pte& q = st.s.pte(m, v);
      if (!q.present() || q.frame != f) continue;
      // try_to_unmap_one (mm/rmap.c, v2.6.16 .. v2.6.27; later kernels mlock the page and fail the same way):
      //   if (!migration && ((vma->vm_flags & VM_LOCKED) || ...)) { ret = SWAP_FAIL; goto out_unmap; }
      // and try_to_unmap_anon stops at SWAP_FAIL: a page an mlocked VMA maps stays mapped there.
      if (const Vma* mv = find_vma(st.s, m, v); mv && (mv->flags & kVmLocked)) {
        st.label = "try_to_unmap_one:VM_LOCKED(SWAP_FAIL: keep)";
        return;
      }
      const bool exclusive = st.s.frames[f].flags & kFrameAnonExclusive;
      if (!d.try_to_unmap_share(st, f)) {
        st.label = "try_to_unmap_one:page_try_share_anon_rmap(EBUSY: pinned, keep)";
        return;
      }
      q = Pte{f, static_cast<u8>(kPteSwap | (exclusive ? kPteSwpExclusive : 0))};
      flush_tlb_page(st, m, v);  // try_to_unmap_one: ptep_clear_flush
      st.s.frames[f].swapcount++;
      page_remove_rmap(st.s, f);
      put_page(st.s, f);
    }
  }
}

// The page-table work of the op (m1): every PT lock it needs must be free.
bool ptl_free(const State& s, OpKind k, unsigned mm) {
  if (k != OpKind::SwapOut) return s.tables[s.mms[mm].table].ptl.holder == kNone;
  for (const PageTable& t : s.tables)  // try_to_unmap takes each mapper's PT lock in turn
    if (t.ptl.holder != kNone) return false;
  return true;
}

}  // namespace

bool step_mm_op(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  RwLock& lock = st.s.mms[mm].mmap_lock;
  const bool wr = takes_mmap_write(op.kind, d);
  switch (st.self().pc) {
    case kPcStart:
      st.label = lock_label(op.kind, d);
      if (wr ? !locks::try_down_write(lock, st.tid) : !locks::try_down_read(lock)) return false;
      st.go(kPcM1);
      return true;
    case kPcSa:
    case kPcSb:
      return swap_out_weak_step(st, d, mm, op.page);
    case kPcM1:
      if (!ptl_free(st.s, op.kind, mm)) return false;
      if (op.kind == OpKind::SwapOut && swap_out_weak_applies(st, d, mm, op.page))
        return swap_out_weak_step(st, d, mm, op.page);  // (A1) .. (A4) as steps (model/swap_out_weak.cpp)
      // vma_start_write on the VMAs the op changes (per-VMA locks): wait for their readers
      if ((op.kind == OpKind::Munmap || op.kind == OpKind::Mprotect) && !vma_start_write(st, d, mm, op.page)) return false;
      if (op.kind == OpKind::Exit)
        for (const Vma& vma : st.s.mms[mm].vma)
          if (vma.pages && !vma_start_write(st, d, mm, vma.start)) return false;
      if (op.kind == OpKind::ClearRefs && !clear_refs_locks_vmas(st, d, mm)) return false;
      if (op.kind != OpKind::SwapOut) d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
      switch (op.kind) {
        case OpKind::Munmap:
          if (Vma* vma = find_vma(st.s, mm, op.page)) {
            unmap_vma(st, mm, *vma);
            st.label = "unmap_region:zap_pte_range";
          } else {
            st.label = "do_munmap(nothing mapped)";
          }
          break;
        case OpKind::Exit:
          for (Vma& vma : st.s.mms[mm].vma)
            if (vma.pages) unmap_vma(st, mm, vma);
          st.label = "exit_mmap:unmap_vmas";
          break;
        case OpKind::Mprotect: mprotect(st, mm, op); break;
        case OpKind::ClearRefs: clear_refs(st, d, mm); break;
        case OpKind::SwapOut: swap_out(st, d, mm, op.page); break;
        default: UNREACHABLE("not an mm op");
      }
      st.go(kPcM2);
      return true;
    case kPcM2:
      st.label = unlock_label(op.kind, d);
      if (wr) mmap_write_unlock(st, mm);
      else locks::up_read(lock);
      if (op.kind == OpKind::Exit) st.s.mms[mm].alive = 0;  // the process is gone
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in an mm op");
  }
}

bool step_pin_read(Step& st) {
  const Op& op = st.op();
  const Pin& pin = st.s.pins[op.pin];
  st.label = st.sc.pins[op.pin].foll_pin ? "read through the pin (io_uring write_fixed, gup_test PIN_LONGTERM_TEST_READ)"
                                         : "pipe_read:copy_page_to_iter";
  if (pin.state != kPinActive) return false;  // waits for the reference
  Thread& t = st.self();
  t.seen = st.s.frames[pin.frame].data[op.half];
  t.read_op = static_cast<u8>(t.op + 1);
  st.finish_op();
  return true;
}

}  // namespace cow
