// Design forcecow — Nick Piggin's patch in the 2008 thread <20081029004308.GH15599@wotan.suse.de>
// ("forcecow!"), with Andrea Arcangeli's correction <20081104150449.GA31975@random.random>
// that the parent PTE must then stay writable. On top of v2.6.27.
//
// copy_one_pte (mm/memory.c, patched):
//   if (page_count(page) != page_mapcount(page))      /* XXX: also have to check swapcount?! */
//       if (is_cow_mapping(vm_flags) && PageAnon(page)) forcecow = 1;
//   if (is_cow_mapping(vm_flags)) { if (!forcecow) ptep_set_wrprotect(...); ... }
// Piggin's patch breaks the child's COW afterwards with handle_mm_fault(dst_mm, ..., 1)
// once the locks are dropped; as in the reference scenario ODF this is modelled as the
// copy happening at the check: the child gets its own writable copy, the parent keeps
// its writable PTE. GUP-fast is unchanged: it still takes no lock, which is the hole
// Andrea pointed at ("you've to decide how to make gup_fast block").
#include "model/designs/forcecow.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

bool ForceCow::copy_one_pte(Step& st, unsigned src, unsigned dst, unsigned v) const {
  st.label = "copy_one_pte:forcecow";
  const Pte& p = st.s.pte(src, v);
  const Vma* vma = find_vma(st.s, src, v);
  const Frame& f = st.s.frames[p.frame];
  if (vma && is_cow_mapping(*vma) && (f.flags & kFrameAnon) && f.refcount != f.mapcount) {
    // forcecow: the child gets a private writable copy; the parent PTE is left alone.
    const u8 g = alloc_copy(st, p.frame);
    if (g == kNone) return true;
    set_pte(st.s, dst, v, g, false);
    maybe_mkwrite_dirty(st.s, dst, v);  // (the child's COW break: wp_page_copy's maybe_mkwrite(pte_mkdirty()))
    page_add_new_anon_rmap(st, *this, g, dst, v);
    return true;
  }
  share_wrprotected(st, src, dst, v);
  return true;
}

static const RegisterDesign<ForceCow> registered;

}  // namespace cow::designs
