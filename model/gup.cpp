// get_user_pages: see gup.hpp. GUP-fast's steps (r0 .. r2) follow the design's traits:
// gup_fast_sync adds an entry step and the lock or seqcount around the walk,
// gup_fast_walk (through Design::gup_fast_grab) decides whether the reference is followed
// by a re-check of the PTE.
#include "model/gup.hpp"

#include "model/fault.hpp"
#include "model/gup_fast_weak.hpp"
#include "model/invariant.hpp"
#include "model/memory_model.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/paths.hpp"
#include "model/zero_page.hpp"

namespace cow {
using namespace cow::kernel;

namespace {

// Whether the op's GUP sets FOLL_WRITE on this VMA (the op's own flag, or v5.8's forced
// COW break on a COW mapping).
bool gup_wants_write(const Design& d, const Op& op, const Vma* vma) {
  return op.gup_write || (d.traits().gup_breaks_cow_for_read && vma && is_cow_mapping(*vma));
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
    if (longterm) mmap_write_unlock(st, mm);
    else locks::up_read(st.s.mms[mm].mmap_lock);
  };
  switch (st.self().pc) {
    case kPcS0:
      st.label = longterm ? "ib_umem_get:down_write(mmap_sem)" : "get_user_pages:down_read(mmap_sem)";
      if (longterm ? !locks::try_down_write(st.s.mms[mm].mmap_lock, st.tid)
                   : !locks::try_down_read(st.s.mms[mm].mmap_lock))
        return false;
      gup_entry_marks_pinned(st, op.pin);  // __get_user_pages_locked, before the VMA is looked up
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
        fault_locked(st, d, mm, op.page, write);
      }
      if (st.out_of_frames) return true;
      if (st.sigbus) {  // VM_FAULT_SIGBUS: __get_user_pages returns -EFAULT, no reference taken
        locks::spin_unlock(st.s.ptl(mm), st.tid);
        release();
        sigsegv(st);
        return true;
      }
      bool unshare = false;
      if (const Pte& q = st.s.pte(mm, op.page);
          !q.writable() && d.gup_must_unshare(st.s, op, q.frame, find_vma(st.s, mm, op.page))) {
        st.count(Cost::Fault);
        d.unshare_table(st, mm);  // (cow-pte-table: the unshare fault changes the PTE)
        // faultin_page(FAULT_FLAG_UNSHARE), then retry. A page that is not anonymous (the
        // zero page, a page-cache page: 6.2's gup_must_unshare) is copied by wp_page_copy,
        // mapped R/O (do_wp_page, v6.2: "if (folio && folio_test_anon(folio)) { ... }
        // ... copy: ... return wp_page_copy(vmf);").
        if (st.s.frames[q.frame].flags & kFrameAnon) d.do_wp_page(st, mm, op.page, kFaultFlagUnshare);
        else wp_page_copy(st, d, mm, op.page, kFaultFlagUnshare);
        unshare = true;
        if (st.out_of_frames) return true;
      }
      u8 f = st.s.pte(mm, op.page).frame;
      get_page(st.s, f);
      d.gup_slow_got_page(st, f);
      st.self().frame = f;
      pin_taken(st, op.pin, f);
      locks::spin_unlock(st.s.ptl(mm), st.tid);
      const bool zero = is_zero_page(st.s, f);
      st.label = unshare ? "get_user_pages:faultin_page(FAULT_FLAG_UNSHARE)+follow_page:get_page"
                 : fault && zero ? "get_user_pages:handle_mm_fault(do_anonymous_page: the zero page)+follow_page:get_page"
                 : fault         ? "get_user_pages:handle_mm_fault+follow_page:get_page"
                 : zero          ? "follow_page:get_page(the zero page)"
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

// r0, GUP-fast's entry, for a design whose traits put something around the walk:
// - GupFastSync::Brlock (Arcangeli, <20080925183846.GA6877@duo.random>):
//   "get_user_page_fast: br_read_lock(); walk ptes out of order w/o mmap_sem; br_read_unlock()"
// - GupFastSync::WriteProtectSeq, FOLL_PIN only (lockless_pages_from_mm, mm/gup.c, v5.11):
//   seq = raw_read_seqcount(&current->mm->write_protect_seq);
//   if (seq & 1) return 0;                    // fork in progress: slow GUP
//   The value read is kept in the thread's idx.
bool gup_fast_enter(Step& st, const Design& d) {
  switch (d.traits().gup_fast_sync) {
    case GupFastSync::None:
      UNREACHABLE("GUP-fast entry step without a lock or seqcount to take");
    case GupFastSync::Brlock:
      st.label = "get_user_pages_fast:br_read_lock";
      if (!locks::try_br_read_lock(st.s.brlock)) return false;
      st.count(Cost::GupFastLock);
      st.go(kPcR1);
      return true;
    case GupFastSync::WriteProtectSeq: {
      const u8 seq = st.s.mms[st.def().mm].write_protect_seq;
      st.self().idx = seq;
      if (seq & 1) {
        st.label = "lockless_pages_from_mm:raw_read_seqcount(odd: slow GUP)";
        st.count(Cost::GupFastFallback);
        st.go(kPcS0);
      } else {
        st.label = "lockless_pages_from_mm:raw_read_seqcount";
        st.go(kPcR1);
      }
      return true;
    }
  }
  UNREACHABLE("bad GupFastSync");
}

// r1, gup_pte_range (arch/x86/mm/gup.c, v2.6.27; mm/gup.c in 5.x), IRQs off:
//   pte_t pte = gup_get_pte(ptep);
//   if ((pte_val(pte) & (mask | _PAGE_SPECIAL)) != mask) return 0;   -> slow path
// mask = _PAGE_PRESENT|_PAGE_USER, plus _PAGE_RW for a write (v5.8: FOLL_WRITE even for
// pure reads, "because a read-only PTE may be a COW page"). A fall back drops the brlock.
bool gup_fast_read_pte(Step& st, const Design& d) {
  const Op& op = st.op();
  const bool write = op.gup_write || d.traits().gup_breaks_cow_for_read;
  st.label = "gup_pte_range:gup_get_pte";
  const Pte& p = st.s.pte(st.def().mm, op.page);
  const bool special = p.present() && is_zero_page(st.s, p.frame);  // _PAGE_SPECIAL: the zero page
  if (!p.present() || (write && !p.writable()) || special) {
    if (special) st.label = "gup_pte_range:pte_special(the zero page: slow GUP)";
    if (d.has_brlock()) {
      locks::br_read_unlock(st.s.brlock);
      st.label = "gup_pte_range:gup_get_pte+br_read_unlock";
    }
    return false;
  }
  st.self().frame = p.frame;
  return true;
}

// r2: the reference (Design::gup_fast_grab), and what the design checks around it:
//   5.19 gup_pte_range: if (!pte_write(pte) && gup_must_unshare(flags, page)) {
//           gup_put_folio(...); goto pte_unmap; }
//   5.11 lockless_pages_from_mm: if (read_seqcount_retry(&current->mm->write_protect_seq, seq)) {
//           unpin_user_pages(pages, nr); return 0; }   // slow GUP
//   brlock: br_read_unlock() at the end of the walk.
// Returns false when GUP-fast falls back to slow GUP with nothing taken.
bool gup_fast_get_page(Step& st, const Design& d) {
  const Op& op = st.op();
  const u8 f = st.self().frame;
  const Pte& p = st.s.pte(st.def().mm, op.page);
  bool ok;
  if (!p.writable() && d.gup_must_unshare(st.s, op, f, nullptr)) {
    st.label = "gup_pte_range:gup_must_unshare(put back: slow GUP)";
    ok = false;
  } else if (d.has_write_protect_seq() && op.foll_pin &&
             st.s.mms[st.def().mm].write_protect_seq != st.self().idx) {
    // grabbed and re-checked, but fork wrote meanwhile: unpin_user_pages, slow GUP
    st.label = "lockless_pages_from_mm:read_seqcount_retry(unpin_user_pages)";
    ok = false;
  } else {
    ok = d.gup_fast_grab(st);
  }
  INVARIANT(ok || d.gup_fast_rechecks(),
            "GUP-fast fell back to slow GUP after its reference step, but design '" + std::string(d.name()) +
                "' declares gup_fast_walk = NoRecheck: set it to Recheck (partial-order reduction relies on it)");
  if (d.has_brlock()) {
    locks::br_read_unlock(st.s.brlock);
    st.label = ok ? "gup_pte_range:get_page+br_read_unlock" : "gup_pte_range:recheck+br_read_unlock";
  }
  return ok;
}

}  // namespace

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
//   PIN_LONGTERM_TEST_START).
bool step_gup_op(Step& st, const Design& d) {
  const Op& op = st.op();
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart:
      if (!op.gup_fast) {
        st.go(kPcS0);
        return step_gup_slow(st, d);
      }
      gup_entry_marks_pinned(st, op.pin);  // internal_get_user_pages_fast, before the walk
      if (d.gup_fast_has_enter(op)) return gup_fast_enter(st, d);
      [[fallthrough]];
    case kPcR1:
      if (gup_fast_read_pte(st, d)) {
        if (weak_ae_paths(st.sc, d)) gup_fast_weak_read(st, st.s.pte(st.def().mm, op.page));
        st.go(kPcR2);
      } else {
        st.count(Cost::GupFastFallback);
        st.go(kPcS0);
      }
      return true;
    case kPcR3:
    case kPcR4:
      INVARIANT(weak_ae_paths(st.sc, d), "GUP-fast at r3/r4 under sequential consistency");
      [[fallthrough]];
    case kPcR2:  // the reference; a design that re-checks the PTE may fall back here
      if (weak_ae_paths(st.sc, d)) {  // r2 .. r4 as steps of their own (model/gup_fast_weak.cpp)
        const bool last = t.pc == kPcR4;
        if (!gup_fast_weak_step(st, d)) return false;
        if (last && t.pc == kPcR4) gup_done(st);
        return true;
      }
      if (gup_fast_get_page(st, d)) {
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

// A driver registering memory (RDMA ib_umem_get, 2.6.x) calls get_user_pages with
// write=1 under mmap_sem held for write: the slow path. The reference is kept until unpin.
bool step_pin_longterm(Step& st, const Design& d) {
  if (st.self().pc == kPcStart) st.go(kPcS0);
  return step_gup_slow(st, d);
}

}  // namespace cow
