// v4.9: 19be0eaffa3a "mm: remove gup_flags FOLL_WRITE games from __get_user_pages()"
// (Linus, 18 Oct 2016), the Dirty COW fix: "we introduce a new internal FOLL_COW flag to
// mark the 'yes, we already did a COW' rather than play racy games with FOLL_WRITE [...]
// and then use the pte dirty flag to validate that the FOLL_COW flag is still valid."
//   faultin_page (mm/gup.c, v4.9):
//       if ((ret & VM_FAULT_WRITE) && !(vma->vm_flags & VM_WRITE)) *flags |= FOLL_COW;
//   can_follow_write_pte: return pte_write(pte) ||
//       ((flags & FOLL_FORCE) && (flags & FOLL_COW) && pte_dirty(pte));
// After MADV_DONTNEED zaps the private copy, the page-cache page a read fault maps is
// clean: FOLL_WRITE is still set, the lookup fails, and a new write fault makes a new copy.
#include "model/designs/v4_8.hpp"

namespace cow::designs {

class V4_9 : public V4_8 {
 public:
  std::string_view name() const override { return "v4.9"; }
  std::string_view summary() const override {
    return "v4.8 plus FOLL_COW: a FOLL_FORCE write keeps FOLL_WRITE and trusts only a dirty PTE (19be0eaffa3a)";
  }
  std::string_view source() const override { return "19be0eaffa3a (4.9): mm/gup.c faultin_page, can_follow_write_pte"; }
  bool foll_cow() const override { return true; }
};

const Design* make_v4_9() {
  static const V4_9 d;
  return &d;
}

}  // namespace cow::designs
