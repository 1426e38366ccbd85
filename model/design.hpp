// A design: the kernel paths that differ between the historical fixes. The shared paths
// (model/paths.cpp) call these hooks at the points where the designs disagree; each
// design file in model/designs/ implements them next to the patch it models.
//
// Every hook runs inside one atomic step, sets Step::label to the kernel function it
// models, and returns false when the step is not enabled (it would wait for a lock).
#pragma once
#include <string_view>
#include <vector>

#include "model/step.hpp"

namespace cow {

class Design {
 public:
  virtual ~Design() = default;
  virtual std::string_view name() const = 0;
  virtual std::string_view summary() const = 0;  // one line
  virtual std::string_view source() const = 0;   // kernel version, patch or message id

  // fork(): copy_pte_range takes the PT lock(s), copy_one_pte copies one PTE, and the
  // locks are dropped; the model does one PTE per lock hold, as the reference scenario.
  virtual bool fork_pte_lock(Step& st, unsigned src_mm) const = 0;                 // f1
  // copy_one_pte returns false when the copy of this PTE goes on in a second step (f2b:
  // copy_one_pte_finish), for designs where another CPU may act between the two.
  virtual bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const = 0;  // f2
  virtual void copy_one_pte_finish(Step& st, unsigned src, unsigned dst, unsigned v) const;  // f2b
  // dup_mmap around copying the page tables (f0 and f4; v5.11: write_protect_seq).
  virtual void fork_copy_begin(Step&, unsigned /*src_mm*/) const {}
  virtual void fork_copy_end(Step&, unsigned /*src_mm*/) const {}
  // Whether fork and GUP-fast use mm->write_protect_seq (what a step touches depends on it).
  virtual bool has_write_protect_seq() const { return false; }
  virtual void fork_pte_unlock(Step& st, unsigned src_mm) const = 0;               // f3

  // get_user_pages_fast(): an optional entry step (r0; it may send the thread to slow
  // GUP by st.go(kPcS0)), the lockless PTE read (r1:
  // returns false to fall back to the slow path, after undoing what the entry took) and
  // taking the reference (r2: returns false when a re-check of the PTE fails and the
  // reference was dropped again: slow path). The frame found at r1 is in Thread::frame.
  virtual bool gup_fast_has_enter(const Op& op) const = 0;
  virtual bool gup_fast_enter(Step& st) const = 0;                                   // r0
  virtual bool gup_fast_read_pte(Step& st, unsigned mm, unsigned v, bool write) const = 0;  // r1
  virtual bool gup_fast_get_page(Step& st) const = 0;                                // r2
  // Slow GUP's follow_page has just taken its reference on f, PT lock held (pg_gup marks it).
  virtual void gup_slow_got_page(Step&, u8 /*f*/) const {}
  // Whether r2 can fall back to the slow path (the design re-checks after the grab).
  virtual bool gup_fast_rechecks() const { return false; }

  // The write fault on a present, read-only PTE, PT lock held (do_wp_page).
  virtual void do_wp_page(Step& st, unsigned mm, unsigned v) const = 0;

  // Swap-in (do_swap_page), PT lock held, the PTE a swap entry: maps the swap-cache page,
  // writable when the design's reuse rule allows it on a write fault (the caller then runs
  // do_wp_page if the PTE is still read-only). The default is the mapcount rule of
  // reuse_swap_page (5.8, mm/swapfile.c; 2.6.27 can_share_swap_page counts the same way).
  virtual void do_swap_page(Step& st, unsigned mm, unsigned v, bool write) const;
  // Reclaim leaves maybe-pinned pages alone (feb889fb40fa "mm: don't put pinned pages into
  // the swap cache", 5.11).
  virtual bool reclaim_skips_pinned() const { return false; }
  // try_to_unmap_one, PT lock held, the PTE of anonymous page f just cleared: false aborts
  // the unmap (5.19 page_try_share_anon_rmap fails on a maybe-pinned page).
  virtual bool try_to_unmap_share(Step&, u8 /*f*/) const { return true; }
  // What clear_refs (echo 4: clear soft-dirty) does to PTEs.
  enum class SoftDirty {
    None,        // before 3.11 there is no soft-dirty: clear_refs clears referenced bits only
    Wrprotect,   // clear_soft_dirty write-protects every present PTE
    SkipPinned,  // ... except maybe-pinned pages of an mm that pinned (9348b73c2e1b, 5.11)
  };
  virtual SoftDirty soft_dirty() const { return SoftDirty::None; }
  // After a FOLL_FORCE write fault broke COW in a VMA without VM_WRITE, GUP keeps
  // FOLL_WRITE and marks FOLL_COW, trusting a dirty PTE (19be0eaffa3a, 4.9); before, it
  // dropped FOLL_WRITE and looked the page up as a read (Dirty COW, CVE-2016-5195).
  virtual bool foll_cow() const { return false; }
  // GUP on a COW mapping breaks COW even for reads (17839856fd58, 5.8): FOLL_WRITE forced.
  virtual bool gup_forces_write() const { return false; }
  // An R/O FOLL_PIN of anonymous page f, mapped read-only, must first unshare it (5.19
  // gup_must_unshare), with a FAULT_FLAG_UNSHARE fault (do_unshare, PT lock held).
  virtual bool gup_must_unshare(const State&, const Op&, u8 /*f*/) const { return false; }
  virtual void do_unshare(Step&, unsigned /*mm*/, unsigned /*v*/) const {}
  // A fresh anonymous page was just mapped (page_add_new_anon_rmap; 5.19 marks it exclusive).
  virtual void new_anon_page(Step&, u8 /*f*/) const {}
  // Page-table sharing (cow-pte-table): fork may share the whole table with the child
  // (f2, at the first page, PT lock held; true: nothing left to copy), and any change to
  // the PTEs of a shared table must first give the changing mm a private copy
  // (unshare_table, the RFC's "break COW PTE"; called with the PT lock held, and moves the
  // lock to the copy).
  virtual bool fork_share_table(Step&, unsigned /*src*/, unsigned /*dst*/) const { return false; }
  virtual void unshare_table(Step&, unsigned /*mm*/) const {}
  virtual bool shares_page_tables() const { return false; }
  // The design's view of the scenario's initial state (5.19: populated anonymous pages,
  // faulted in by their owner, are PageAnonExclusive).
  virtual void initial_state(const Scenario&, State&) const {}

  // Which faults mlock's population takes (mm/mlock.c __mlock_vma_pages_range and
  // mm/memory.c make_pages_present). Before 5ecfda041e4b "mlock: avoid dirtying pages and
  // triggering writeback" (2.6.38): FOLL_WRITE for every VM_WRITE VMA, so a shared file
  // mapping gets a write fault (page_mkwrite, set_page_dirty) on every page. Since: only
  // private writable VMAs, which need the write fault to break COW.
  virtual bool mlock_writes_shared() const { return false; }
  // Whether mlock faults its pages in under mmap_sem held for read, after mlock_fixup set
  // VM_LOCKED under the write lock (fed067da46ad "mlock: only hold mmap_sem in shared mode
  // when faulting in pages", 2.6.38); before, the population ran under the write lock.
  virtual bool mlock_populates_under_read() const { return !mlock_writes_shared(); }
  bool mlock_write_fault(const Vma& vma) const {
    if (mlock_writes_shared()) return vma.flags & kVmWrite;
    return (vma.flags & (kVmWrite | kVmShared)) == kVmWrite;
  }

  // How KSM's write_protect_page keeps GUP from taking a reference between its
  // page_count check and the write-protect (../shared/domain-kernel-designs.md D6, S7):
  enum class KsmProtect {
    PtLock,      // the check under the PT lock only: enough against slow GUP, not GUP-fast
                 // (Arcangeli's recipe in the 2008 thread, "If it wasn't for gup_fast...")
    ClearFlush,  // ptep_clear_flush before the check: the TLB-flush IPI waits for every
                 // IRQs-off GUP-fast walker of the mm (mm/ksm.c, 2.6.32 on)
    Brlock,      // the check under br_write_lock, which GUP-fast takes for read (Arcangeli's
                 // brlock proposal: "ksm: br_write_lock(); if (page_count != page_mapcount) ...")
  };
  virtual KsmProtect ksm_protect() const { return KsmProtect::ClearFlush; }

  // Whether the global big-reader lock exists (printed in traces only where it does).
  virtual bool has_brlock() const { return false; }
  // Whether the design keeps PageAnonExclusive (5.19 and later); the anon-exclusive
  // properties apply only then.
  virtual bool has_anon_exclusive() const { return false; }
};

// The scenario's initial state as design d sees it (Design::initial_state).
State initial_state(const Scenario& sc, const Design& d);

// The registry (model/designs/registry.cpp).
const std::vector<const Design*>& all_designs();
const Design* find_design(std::string_view name);

}  // namespace cow
