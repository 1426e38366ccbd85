// mm/ksm.c as merged in 2.6.32, with Hugh Dickins' 2.6.33 simplification (the page being
// merged becomes the KSM page itself; one reference of ksmd's, so the check is "+ 1").
#include "model/ksm.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/memory_model.hpp"
#include "model/page_lock.hpp"
#include "model/paths.hpp"
#include "model/tlb.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

enum class Wp { Busy, Failed, Done };

// write_protect_page (mm/ksm.c, 2.6.32), under the PT lock taken by page_check_address:
//   if (pte_write(*ptep)) {
//       swapped = PageSwapCache(page);
//       /* Ok this is tricky, when get_user_pages_fast() run it doesnt take any lock,
//        * therefore the check that we are going to make with the pagecount against the
//        * mapcount is racey and O_DIRECT can happen right after the check. So we clear
//        * the pte and flush the tlb before the check this assure us that no O_DIRECT can
//        * happen after the check or in the middle of the check. */
//       entry = ptep_clear_flush(vma, addr, ptep);
//       if (page_mapcount(page) + 1 + swapped != page_count(page)) {
//           set_pte_at(mm, addr, ptep, entry); goto out_unlock; }   /* O_DIRECT in progress */
//       entry = pte_wrprotect(entry); set_pte_at_notify(mm, addr, ptep, entry); }
// Hugh Dickins' "ksm: fix bad user data when swapping" (2.6.36,
// <alpine.LSU.2.00.1010021746180.27679@sister.anvils>; traits ksm_wrprotect =
// PteWriteOrDirty) checks dirty PTEs too and cleans them:
//   -	if (pte_write(*ptep)) {
//   +	if (pte_write(*ptep) || pte_dirty(*ptep)) {
//   -		entry = pte_wrprotect(entry);
//   +		if (pte_dirty(entry))
//   +			set_page_dirty(page);
//   +		entry = pte_mkclean(pte_wrprotect(entry));
// (set_page_dirty of an anonymous page matters to swap write-out, which the model does
// not do: only the PTE changes.) The design decides what keeps GUP-fast out (traits
// ksm_protect). With PageAnonExclusive (5.19 mm/ksm.c), an exclusive page triggers the
// check too, and after it:
//   if (anon_exclusive && page_try_share_anon_rmap(page)) { set_pte_at(restore); goto out_unlock; }
// One step: the PTE is cleared and set again under the PT lock, so no walker sees it clear.
Wp write_protect_page(Step& st, const Design& d, unsigned mm, unsigned v, u8 f) {
  if (st.s.ptl(mm).holder != kNone) return Wp::Busy;
  Pte& p = st.s.pte(mm, v);
  if (!p.present() || p.frame != f) return Wp::Failed;  // page_check_address: -EFAULT
  Frame& fr = st.s.frames[f];
  const bool exclusive = d.has_anon_exclusive() && (fr.flags & kFrameAnonExclusive);
  const bool clean_too = d.traits().ksm_wrprotect == KsmWrprotect::PteWriteOrDirty;
  const bool dirty = p.flags & kPteDirty;
  if (!p.writable() && !(clean_too && dirty) && !exclusive) return Wp::Done;  // read-only already: mapped elsewhere too
  switch (d.traits().ksm_protect) {
    case KsmProtect::PtLock: break;
    case KsmProtect::ClearFlush:  // flush_tlb_page: the IPI waits for IRQs-off walkers
      if (gup_fast_irqs_off(st.sc, st.s, mm)) return Wp::Busy;
      break;
    case KsmProtect::Brlock:  // br_write_lock: waits for every br_read_lock holder
      if (st.s.brlock.writer != kNone || st.s.brlock.readers != 0) return Wp::Busy;
      break;
  }
  const unsigned swapped = (fr.flags & kFrameSwapCache) ? 1 : 0;
  if (fr.mapcount + 1u + swapped != fr.refcount) return Wp::Failed;  // "O_DIRECT or similar I/O in progress"
  if (exclusive) {
    if (fr.pincount > 0) return Wp::Failed;  // page_try_share_anon_rmap: page_maybe_dma_pinned
    fr.flags &= static_cast<u8>(~kFrameAnonExclusive);
  }
  d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE before changing an entry)
  Pte& q = st.s.pte(mm, v);
  pte_wrprotect(st, q);
  // ptep_clear_flush. With the check under the PT lock alone (Arcangeli's recipe) the flush
  // comes after the check, and its IPI, which waits for IRQs-off GUP-fast walkers, is sent
  // then: in a TLB scenario ksmd flushes in a step of its own (q1f, q2f), which waits for
  // the walkers while this one, the check, did not. (Without TLBs a flush changes nothing.)
  if (d.traits().ksm_protect != KsmProtect::PtLock) flush_tlb_page(st, mm, v);
  if (clean_too) q.flags &= static_cast<u8>(~kPteDirty);  // pte_mkclean
  return Wp::Done;
}

// write_protect_page of an exclusive anonymous page under a weak memory model
// (model/memory_model.hpp), as the steps 088b8aa537c2's comment names (mm/ksm.c and
// include/linux/rmap.h, v5.19 and v6.1), the PT lock held throughout:
//   (A1) entry = ptep_clear_flush(vma, pvmw.address, pvmw.pte);                 q1
//   (A2) if (page_mapcount(page) + 1 + swapped != page_count(page)) {           qa
//                set_pte_at(mm, pvmw.address, pvmw.pte, entry); goto out_unlock; }
//        /* See page_try_share_anon_rmap(): clear PTE first. */
//        if (anon_exclusive && page_try_share_anon_rmap(page)) {
//                set_pte_at(mm, pvmw.address, pvmw.pte, entry); goto out_unlock; }
//   page_try_share_anon_rmap, 6.1:
//        /* Paired with the memory barrier in try_grab_folio(). */
//        if (IS_ENABLED(CONFIG_HAVE_FAST_GUP))
//                smp_mb();
//        if (unlikely(page_maybe_dma_pinned(page)))
//                return -EBUSY;
//   (A3) ClearPageAnonExclusive(page);
//        /*
//         * This is conceptually a smp_wmb() paired with the smp_rmb() in
//         * gup_must_unshare().
//         */
//        if (IS_ENABLED(CONFIG_HAVE_FAST_GUP))
//                smp_mb__after_atomic();
//   (A4) entry = pte_mkclean(pte_wrprotect(entry)); set_pte_at_notify(...);     qb
//        out_unlock: pte_unmap_unlock(ptep, ptl);   (a release)                  qc
// 5.19's page_try_share_anon_rmap has neither barrier. ptep_clear_flush is a
// value-returning exchange and a TLB flush; on x86 the flush's IPI waits for IRQs-off
// GUP-fast walkers, with arch "rcu" it does not. The cleared entry keeps its frame
// (kPteCleared); the saved flags are the thread's `saved`.
bool weak_write_protect_applies(const Step& st, const Design& d, unsigned mm, unsigned v, u8 f) {
  if (!weak_ae_paths(st.sc, d)) return false;
  const Pte& p = st.s.pte(mm, v);
  return p.present() && p.frame == f && (st.s.frames[f].flags & kFrameAnonExclusive);
}

bool weak_write_protect_step(Step& st, const Design& d, unsigned mm, unsigned v, u8 f) {
  Thread& t = st.self();
  Pte& p = st.s.pte(mm, v);
  Frame& fr = st.s.frames[f];
  auto restore = [&](const char* label) {  // set_pte_at(entry), pte_unmap_unlock
    p.flags = static_cast<u8>(t.saved - 1);
    t.saved = 0;
    locks::spin_unlock(st.s.ptl(mm), st.tid);
    st.label = label;
    st.go(kPcQ4);
    return true;
  };
  switch (t.pc) {
    case kPcQ1:  // (A1)
      if (st.s.ptl(mm).holder != kNone) return false;
      if (st.sc.arch == Arch::X86 && gup_fast_irqs_off(st.sc, st.s, mm)) return false;  // the flush IPI waits
      if (!locks::try_spin_lock(st.s.ptl(mm), st.tid)) return false;
      t.saved = static_cast<u8>(1 + p.flags);
      p.flags = kPteCleared;
      flush_tlb_page(st, mm, v);
      st.label = "write_protect_page:ptep_clear_flush";
      st.go(kPcQa);
      return true;
    case kPcQa: {  // (A2), (A3)
      const bool mb = d.traits().ae_barriers & kAeShareMb;
      if (mb && !buffer_empty(st.s, st.tid)) return false;
      const unsigned swapped = (fr.flags & kFrameSwapCache) ? 1 : 0;
      if (fr.mapcount + 1u + swapped != fr.refcount)
        return restore("write_protect_page:page_mapcount + 1 != page_count(set_pte_at: fail)");
      if (fr.pincount > 0)
        return restore(mb ? "page_try_share_anon_rmap:smp_mb+page_maybe_dma_pinned(EBUSY: set_pte_at, fail)"
                          : "page_try_share_anon_rmap:page_maybe_dma_pinned(EBUSY: set_pte_at, fail)");
      if (!buffer_rmw(st, kBufAeClear, f)) return false;
      st.label = mb ? "page_try_share_anon_rmap:smp_mb+page_maybe_dma_pinned(no)+ClearPageAnonExclusive"
                    : "page_try_share_anon_rmap:page_maybe_dma_pinned(no)+ClearPageAnonExclusive";
      st.go(kPcQb);
      return true;
    }
    case kPcQb: {  // [6.1: smp_mb__after_atomic] (A4)
      const bool mb = d.traits().ae_barriers & kAeClearMb;
      if (mb && !buffer_empty(st.s, st.tid)) return false;
      d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE before changing an entry)
      Pte& q = st.s.pte(mm, v);
      q.flags = static_cast<u8>((t.saved - 1) & ~(kPteWrite | kPteDirty));  // pte_mkclean(pte_wrprotect(entry))
      if ((t.saved - 1) & kPteWrite) st.count(Cost::PteWrprotect);
      t.saved = 0;
      st.label = mb ? "smp_mb__after_atomic+write_protect_page:set_pte_at_notify(pte_mkclean(pte_wrprotect))"
                    : "write_protect_page:set_pte_at_notify(pte_mkclean(pte_wrprotect))";
      st.go(kPcQc);
      return true;
    }
    case kPcQc:  // pte_unmap_unlock: a release, after every earlier store
      if (!buffer_empty(st.s, st.tid)) return false;
      locks::spin_unlock(st.s.ptl(mm), st.tid);
      st.s.frames[f].flags |= kFrameKsm;  // set_page_stable_node: PageKsm
      st.label = "write_protect_page:pte_unmap_unlock+PageKsm";
      st.go(kPcQ2);
      return true;
    default:
      UNREACHABLE("bad pc in weak write_protect_page");
  }
}

}  // namespace

// ksm_do_scan -> cmp_and_merge_page -> try_to_merge_two_pages (mm/ksm.c, 2.6.33+):
// ksmd holds mmap_sem for read and a reference on each page (follow_page(FOLL_GET));
// try_to_merge_with_ksm_page(page) write-protects `page`, which becomes the KSM page
// (PageKsm); try_to_merge_with_ksm_page(tree_page, page) write-protects `merge`'s page,
// compares the pages (pages_identical: memcmp) and replace_page maps the KSM page there:
//   if (!pte_same(*ptep, orig_pte)) goto out;   /* under the PT lock */
//   get_page(kpage); page_add_anon_rmap(kpage, vma, addr);
//   ptep_clear_flush(vma, addr, ptep); set_pte_at_notify(mm, addr, ptep, mk_pte(kpage, vma->vm_page_prot));
//   page_remove_rmap(page); put_page(page);
// The thread's locals: frame = the KSM page, idx = the page merged into it.
bool step_ksm_scan(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  Thread& t = st.self();
  RwLock& sem = st.s.mms[mm].mmap_lock;
  auto anon_page = [&](unsigned v) -> u8 {
    const Pte& p = st.s.pte(mm, v);
    const Vma* vma = find_vma(st.s, mm, v);
    if (!p.present() || !vma || (vma->flags & kVmShared)) return kNone;
    return (st.s.frames[p.frame].flags & kFrameAnon) ? p.frame : kNone;
  };
  switch (t.pc) {
    case kPcStart: {
      st.label = "ksm_do_scan:down_read(mmap_sem)+follow_page(FOLL_GET)x2";
      if (!locks::try_down_read(sem)) return false;
      if (st.s.ptl(mm).holder != kNone) return false;
      const u8 k = anon_page(op.page), m = anon_page(op.merge);
      if (k == kNone || m == kNone || k == m) {
        locks::up_read(sem);
        st.label = "ksm_do_scan:down_read(mmap_sem)+follow_page(nothing to merge)+up_read";
        st.finish_op();
        return true;
      }
      get_page(st.s, k);
      get_page(st.s, m);
      t.frame = k;
      t.idx = m;
      st.go(kPcQ1);
      return true;
    }
    case kPcQa:
    case kPcQb:
    case kPcQc:
      return weak_write_protect_step(st, d, mm, op.page, t.frame);
    case kPcQ1:
    case kPcQ2: {
      const bool first = t.pc == kPcQ1;
      // try_to_merge_one_page (mm/ksm.c, v2.6.32):
      //   /*
      //    * We need the page lock to read a stable PageSwapCache in
      //    * write_protect_page().  We use trylock_page() instead of
      //    * lock_page() because we don't want to wait here - we
      //    * prefer to continue scanning and merging different pages,
      //    * then come back to this page when it is unlocked.
      //    */
      //   if (!trylock_page(page))
      //           goto out;
      // (The model checks the lock and does not hold it across the merge's steps: ksmd's
      // own lock would only make another holder's lock_page wait.)
      if (page_locked(st.s, first ? t.frame : t.idx)) {
        st.label = "try_to_merge_one_page:trylock_page(failed)";
        st.go(kPcQ4);
        return true;
      }
      if (first && weak_write_protect_applies(st, d, mm, op.page, t.frame))
        return weak_write_protect_step(st, d, mm, op.page, t.frame);
      const Wp r = first ? write_protect_page(st, d, mm, op.page, t.frame) : write_protect_page(st, d, mm, op.merge, t.idx);
      if (r == Wp::Busy) return false;
      if (r == Wp::Failed) {
        st.label = "try_to_merge_one_page:write_protect_page(page_count != page_mapcount + 1: fail)";
        st.go(kPcQ4);
        return true;
      }
      if (first) {
        st.s.frames[t.frame].flags |= kFrameKsm;  // set_page_stable_node: PageKsm
        st.label = "try_to_merge_with_ksm_page:write_protect_page+PageKsm";
      } else {
        st.label = "try_to_merge_with_ksm_page:write_protect_page";
      }
      const bool deferred_flush = st.sc.tlb && d.traits().ksm_protect == KsmProtect::PtLock;
      st.go(first ? (deferred_flush ? kPcQ1f : kPcQ2) : (deferred_flush ? kPcQ2f : kPcQ3));
      return true;
    }
    case kPcQ1f:
    case kPcQ2f:  // write_protect_page: flush_tlb_page after the check (the IPI waits for walkers)
      st.label = "write_protect_page:flush_tlb_page";
      flush_tlb_page(st, mm, t.pc == kPcQ1f ? op.page : op.merge);
      st.go(t.pc == kPcQ1f ? kPcQ2 : kPcQ3);
      return true;
    case kPcQ3: {  // pages_identical, then replace_page under the PT lock
      if (st.s.ptl(mm).holder != kNone) return false;
      // replace_page's ptep_clear_flush: the old page is freed only after the TLB flush,
      // whose IPI waits for every IRQs-off GUP-fast walker of the mm (in every design).
      if (gup_fast_irqs_off(st.sc, st.s, mm)) return false;
      const Frame &k = st.s.frames[t.frame], &m = st.s.frames[t.idx];
      const Pte& p = st.s.pte(mm, op.merge);
      if (k.data != m.data) {
        st.label = "try_to_merge_one_page:pages_identical(differ)";
      } else if (!p.present() || p.frame != t.idx || p.writable()) {
        st.label = "replace_page:!pte_same";
      } else {
        d.unshare_table(st, mm);  // (cow-pte-table: break COW PTE first)
        get_page(st.s, t.frame);
        page_dup_rmap(st.s, t.frame);  // page_add_anon_rmap(kpage)
        flush_tlb_page(st, mm, op.merge);  // ptep_clear_flush
        set_pte(st.s, mm, op.merge, t.frame, false);
        page_remove_rmap(st.s, t.idx);
        put_page(st.s, t.idx);
        st.label = "replace_page:pages_identical+set_pte_at_notify(kpage)";
      }
      st.go(kPcQ4);
      return true;
    }
    case kPcQ4:
      st.label = "ksm_do_scan:put_page x2+up_read(mmap_sem)";
      put_page(st.s, t.frame);
      put_page(st.s, t.idx);
      t.frame = kNone;  // the locals name no frame any more (so equal states compare equal)
      t.idx = 0;
      locks::up_read(sem);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in ksm_scan");
  }
}

}  // namespace cow
