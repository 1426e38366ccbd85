// Design brlock — Andrea Arcangeli's proposal in "RFC: race between o_direct and fork
// (harder to fix with get_user_page_fast)" <20080925183846.GA6877@duo.random>, on top of
// v2.6.27 with the forcecow check at fork:
//
//   fork:               br_write_lock(); if (page_count != page_mapcount) copy_page()
//                       else make pte readonly; br_write_unlock()
//   get_user_page_fast: br_read_lock(); walk ptes out of order w/o mmap_sem; br_read_unlock()
//
// The count check now happens while no GUP-fast walker can be between reading the PTE
// and taking its reference. The brlock is global (per-CPU reader locks, the writer takes
// them all); fork takes it with the PT lock in one step and drops both in one step, as in
// the reference scenario ODF.
#include "model/designs/forcecow.hpp"

#include "model/kernel.hpp"
#include "model/locks.hpp"

namespace cow::designs {
using namespace cow::kernel;

class BrLock : public ForceCow {
 public:
  std::string_view name() const override { return "brlock"; }
  std::string_view summary() const override {
    return "fork checks page_count != page_mapcount under br_write_lock; GUP-fast walks under br_read_lock";
  }
  std::string_view source() const override {
    return "Arcangeli RFC <20080925183846.GA6877@duo.random> (not merged)";
  }
  bool has_brlock() const override { return true; }
  // "ksm: br_write_lock(); if (page_count != page_mapcount) goto fail; make pte readonly;
  // br_write_unlock()" (the same mail).
  KsmProtect ksm_protect() const override { return KsmProtect::Brlock; }

  // copy_pte_range + br_write_lock(): both locks or neither.
  bool fork_pte_lock(Step& st, unsigned src_mm) const override {
    st.label = "copy_pte_range:br_write_lock+spin_lock(ptl)";
    if (st.s.brlock.writer != kNone || st.s.brlock.readers != 0) return false;
    if (st.s.ptl(src_mm).holder != kNone) return false;
    locks::try_br_write_lock(st.s.brlock, st.tid);
    locks::try_spin_lock(st.s.ptl(src_mm), st.tid);
    return true;
  }
  void fork_pte_unlock(Step& st, unsigned src_mm) const override {
    st.label = "copy_pte_range:spin_unlock(ptl)+br_write_unlock";
    locks::spin_unlock(st.s.ptl(src_mm), st.tid);
    locks::br_write_unlock(st.s.brlock, st.tid);
  }

  // fork: "if (page_count != page_mapcount) copy_page() else make pte readonly" is
  // forcecow's copy_one_pte, now run under the brlock taken by fork_pte_lock.

  // get_user_pages_fast: br_read_lock() before the walk.
  bool gup_fast_has_enter(const Op&) const override { return true; }
  bool gup_fast_enter(Step& st) const override {
    st.label = "get_user_pages_fast:br_read_lock";
    if (!locks::try_br_read_lock(st.s.brlock)) return false;
    st.count(Cost::GupFastLock);
    return true;
  }
  // The PTE read; on fallback to the slow path the read lock is dropped in the same step.
  bool gup_fast_read_pte(Step& st, unsigned mm, unsigned v, bool write) const override {
    bool ok = ForceCow::gup_fast_read_pte(st, mm, v, write);
    if (!ok) {
      locks::br_read_unlock(st.s.brlock);
      st.label = "gup_pte_range:gup_get_pte+br_read_unlock";
    }
    return ok;
  }
  // get_page(), then br_read_unlock() at the end of the walk (same step).
  bool gup_fast_get_page(Step& st) const override {
    ForceCow::gup_fast_get_page(st);
    locks::br_read_unlock(st.s.brlock);
    st.label = "gup_pte_range:get_page+br_read_unlock";
    return true;
  }
};

const Design* make_brlock() {
  static const BrLock d;
  return &d;
}

}  // namespace cow::designs
