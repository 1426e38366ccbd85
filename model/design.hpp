// A design: one kernel version or proposed patch. It is two things:
//
// - its traits (model/design_traits.hpp): data naming the version of each shared path
//   it runs (GUP-fast's walk and lock, KSM, mlock, clear_refs, reclaim, page-table
//   sharing), from which every declaration the checker needs is derived;
// - its hooks: the virtual functions below, one per kernel function whose code differs
//   between designs in ways a table cannot say. The shared kernel paths (model/fault.cpp,
//   gup.cpp, fork.cpp, proc_mem.cpp, swap.cpp, ksm.cpp, mm_ops.cpp, mlock.cpp) call them.
//
// v2.6.27 (model/designs/v2_6_27.hpp) is the root: it defines every hook that has no
// default here; every other design derives from the design its patch applies to, so the
// class tree is the kernel's history, and overrides only what its patch changes. A design
// registers itself (model/design_registry.hpp); docs/writing-a-design.md is the guide.
//
// Every hook runs inside one atomic step, sets Step::label to the kernel function it
// models, and works on Step::s, the successor state.
#pragma once
#include <string_view>
#include <vector>

#include "model/design_traits.hpp"
#include "model/step.hpp"
#include "model/vm_fault.hpp"

namespace cow {

class Design {
 public:
  virtual ~Design() = default;

  const DesignTraits& traits() const { return *traits_; }
  std::string_view name() const { return traits().name; }
  std::string_view summary() const { return traits().summary; }
  std::string_view source() const { return traits().source; }

  // Derived from the traits: what partial-order reduction (model/footprint.cpp) and
  // traces (checker/trace.cpp) need to know of the shared paths.
  bool has_brlock() const { return traits().gup_fast_sync == GupFastSync::Brlock; }
  bool has_write_protect_seq() const { return traits().gup_fast_sync == GupFastSync::WriteProtectSeq; }
  // Whether GUP-fast has an entry step (r0) for this op before it reads the PTE.
  bool gup_fast_has_enter(const Op& op) const { return has_brlock() || (has_write_protect_seq() && op.foll_pin); }
  // Whether GUP-fast may fall back to slow GUP after taking its reference (r2).
  bool gup_fast_rechecks() const {
    return traits().gup_fast_walk == GupFastWalk::Recheck || has_write_protect_seq();
  }
  bool shares_page_tables() const { return traits().page_tables == PageTables::SharedCow; }
  bool has_anon_exclusive() const { return traits().anon_exclusive; }
  bool has_vma_locks() const { return traits().fault_lock != FaultLock::MmapLock; }

  // ---- fork: dup_mmap -> copy_page_range (model/fork.cpp) ----

  // copy_one_pte (copy_present_pte since 5.9) for the present PTE of virtual page v of
  // mm src, into mm dst; PT lock held. Returns false when the copy goes on in a second
  // step, copy_one_pte_finish, for designs where another CPU may act between the two.
  virtual bool copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const = 0;
  virtual void copy_one_pte_finish(Step& st, unsigned src, unsigned dst, unsigned v) const;
  // Page-table sharing (traits page_tables = SharedCow only): fork may share the whole
  // PTE page with the child, at the first page, PT lock held (true: nothing left to
  // copy); any change to the PTEs of a shared table must first give the changing mm a
  // private copy (the shared paths call unshare_table with the PT lock held; it moves the
  // lock to the copy).
  virtual bool fork_share_table(Step& st, unsigned src, unsigned dst) const;
  virtual void unshare_table(Step& st, unsigned mm) const;

  // ---- faults: handle_mm_fault (model/fault.cpp) ----

  // do_wp_page: a write (or, 5.19, FAULT_FLAG_UNSHARE) fault on a present read-only PTE
  // of an anonymous page in a private mapping, PT lock held. Reuse the page or copy it
  // (kernel::wp_page_reuse, kernel::wp_page_copy); returns what the kernel's returns
  // (VM_FAULT_WRITE when it broke COW or reused the page for a write).
  virtual VmFault do_wp_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const = 0;
  // do_swap_page: a fault on a swap entry, PT lock held. Maps the swap-cache page,
  // writable when the design's reuse rule allows it on a write fault (the caller then
  // runs do_wp_page if the PTE is still read-only).
  virtual VmFault do_swap_page(Step& st, unsigned mm, unsigned v, FaultFlags flags) const = 0;
  // page_add_new_anon_rmap: a fresh anonymous page f was just mapped.
  virtual void new_anon_page(Step& st, u8 f) const;

  // ---- GUP (model/gup.cpp, model/proc_mem.cpp) ----

  // GUP-fast's reference on the page it read from the PTE (Thread::frame), r2: takes it
  // (get_page, or FOLL_PIN's pin) and returns true, or re-checks and returns false (slow
  // GUP) with nothing taken. The default follows traits gup_fast_walk.
  virtual bool gup_fast_grab(Step& st) const;
  // Slow GUP's follow_page has just taken its reference on f, PT lock held.
  virtual void gup_slow_got_page(Step& st, u8 f) const;
  // Whether a GUP of op on the read-only-mapped page f must first unshare it (5.19
  // gup_must_unshare; then do_wp_page runs with FAULT_FLAG_UNSHARE). vma is the VMA slow
  // GUP looked up, nullptr from GUP-fast (as the kernel passes it from 6.2).
  virtual bool gup_must_unshare(const State& s, const Op& op, u8 f, const Vma* vma) const;
  // The FOLL_FORCE rule of __get_user_pages' retry loop:
  // follow_page_pte: may a FOLL_WRITE lookup return the page this present PTE maps?
  virtual bool can_follow_write_pte(const State& s, const Pte& pte, const Vma& vma, FollFlags flags) const = 0;
  // faultin_page: the GUP flags for the next lookup, after handle_mm_fault returned ret.
  virtual FollFlags faultin_page(FollFlags flags, VmFault ret, const Vma& vma) const = 0;

  // ---- reclaim (model/mm_ops.cpp) ----

  // try_to_unmap_one, PT lock held, the PTE of anonymous page f just cleared: false
  // aborts the unmap (5.19 page_try_share_anon_rmap fails on a maybe-pinned page).
  virtual bool try_to_unmap_share(Step& st, u8 f) const;

  // The design's view of the scenario's initial state (5.19: the populated anonymous
  // pages, faulted in by their owner, are PageAnonExclusive).
  virtual void initial_state(const Scenario& sc, State& s) const;

 private:
  const DesignTraits* traits_ = nullptr;
  friend void set_design_traits(Design&, const DesignTraits&);
};

// The scenario's initial state as design d sees it (Design::initial_state).
State initial_state(const Scenario& sc, const Design& d);

}  // namespace cow
