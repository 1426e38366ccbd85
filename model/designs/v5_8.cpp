// v5.8: 17839856fd58 "gup: document and work around 'COW can break either way' issue"
// (Linus, 5.8; CVE-2020-29374, reported by Jann Horn): "Doing a 'get_user_pages()' on a
// copy-on-write page for reading can be ambiguous: the page can be COW'ed at any time
// afterwards, and the direction of a COW event isn't defined. [...] This adds logic to
// force a COW event by setting FOLL_WRITE on any copy-on-write mapping when FOLL_GET (or
// FOLL_PIN) is used".
//
//   should_force_cow_break (mm/gup.c, v5.8): is_cow_mapping(vma->vm_flags) && (flags & FOLL_GET)
//   __get_user_pages: if (should_force_cow_break(vma, foll_flags)) foll_flags |= FOLL_WRITE;
//   internal_get_user_pages_fast: "The FAST_GUP case requires FOLL_WRITE even for pure
//       reads, because a read-only PTE may be a COW page" -> gup_flags | FOLL_WRITE
// fork and the write fault are those of 5.7: copy_one_pte write-protects and shares;
// do_wp_page reuses an anonymous page when reuse_swap_page says its mappings plus swap
// entries come to one (mapcount, not page_count). GUP-fast is the generic gup_pte_range,
// which re-checks the PTE after taking its reference (as in v5_9_rc.cpp, which this class
// takes it from). clear_refs has soft-dirty (3.11+) and write-protects every PTE.
#include "model/designs/v5_9_rc.hpp"

#include "model/kernel.hpp"

namespace cow::designs {
using namespace cow::kernel;

class V5_8 : public V5_9_rc {
 public:
  std::string_view name() const override { return "v5.8"; }
  std::string_view summary() const override {
    return "GUP breaks COW even for reads (FOLL_WRITE forced on COW mappings); do_wp_page reuses on mapcount";
  }
  std::string_view source() const override {
    return "17839856fd58 (5.8): mm/gup.c should_force_cow_break, internal_get_user_pages_fast; mm/memory.c do_wp_page";
  }
  bool gup_forces_write() const override { return true; }
  SoftDirty soft_dirty() const override { return SoftDirty::Wrprotect; }

  // do_wp_page (mm/memory.c, v5.8), anonymous page, PT lock held (trylock_page succeeds):
  //   if (reuse_swap_page(vmf->page, &total_map_swapcount)) {
  //           if (total_map_swapcount == 1) page_move_anon_rmap(...);
  //           unlock_page(vmf->page); wp_page_reuse(vmf); return VM_FAULT_WRITE; }
  //   ... wp_page_copy(vmf);
  // reuse_swap_page also drops the page from the swap cache once no swap entry names it.
  void do_wp_page(Step& st, unsigned mm, unsigned v) const override {
    Pte& p = st.s.pte(mm, v);
    const u8 old = p.frame;
    if (mapcount_reuse(st.s.frames[old])) {
      st.label = "do_wp_page:reuse_swap_page(reuse)";
      pte_mkwrite(p);
      try_to_free_swap(st, old);
      return;
    }
    st.label = "do_wp_page:wp_page_copy";
    wp_page_copy(st, mm, v, true);
  }
};

const Design* make_v5_8() {
  static const V5_8 d;
  return &d;
}

}  // namespace cow::designs
