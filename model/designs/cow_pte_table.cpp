// cow-pte-table: Copy-On-Write page tables, Chih-En Lin's RFC ("[RFC PATCH v2 9/9] mm:
// Introduce Copy-On-Write PTE table", <20220927162957.270460-1-shiyn.lin@gmail.com>, not
// merged), in the relaxed form David Hildenbrand proposed in the review
// (<c12f848d-cb54-2998-8650-2c2a5707932d@redhat.com>, 28 Sep 2022), on top of v5.19:
//   "During fork(), we'd do exactly what we used to do to PTEs (increment mapcount,
//   refcount, trying to clear PageAnonExclusive, map the page R/O, duplicate swap entries;
//   all while holding the page table lock), however, sharing the prepared page table with
//   the child process using COW after we prepared it. Any [...] modification attempts
//   require breaking COW -- copying the page table for the faulting process."
//   "One interesting case is when we cannot share an anon page with the child process
//   because it maybe pinned -- and we have to copy it via copy_present_page(). [...] That
//   case could be caught in copy_pte_range(): [...] we'd have to fall back to the ordinary
//   'separate page table for the child' way of doing things."
//   "GUP itself *usually* doesn't modify page tables. [...] I think we only need 'we have
//   to unshare this page table now' in follow_pfn_pte() and inside the fault handling
//   when GUP triggers a fault."
// The RFC's own description: "This patch uses a refcount to track the shared page table's
// lifetime. [...] If the shared PTE table's refcount is one, the process that triggers the
// fault will reuse the shared PTE table. Otherwise, the process will decrease the
// refcount, copy the information to a new PTE table".
//
// In the model a page table is an object with its own PT lock and a count of the mms that
// use it (PageTable::users). Every path that changes PTEs calls unshare_table first (the
// fault handlers, munmap, exit, mprotect, clear_refs, reclaim's unmap); GUP-fast and
// follow_page change nothing. The successor function marks a table whose entries change
// while it is shared: property shared-table-unmodified.
#include "model/designs/cow_pte_table.hpp"

#include "model/design_registry.hpp"
#include "model/kernel.hpp"

#include "model/invariant.hpp"

namespace cow::designs {
using namespace cow::kernel;

// copy_pte_range with COW PTE, PT lock held, write_protect_seq odd (v5.11): if some
// anonymous page cannot be shared (exclusive and maybe pinned: page_try_dup_anon_rmap
// would fail and copy_present_page would run), or some VMA is not copied (VM_DONTCOPY:
// the child must not see it), fall back to copying PTE by PTE (v5.19). Otherwise the
// per-PTE bookkeeping of v5.19 runs on the parent's table (get_page, page_dup_rmap,
// ClearPageAnonExclusive, ptep_set_wrprotect; swap_duplicate) and the child's PMD points
// to the same table, whose count goes up.
bool CowPteTable::fork_share_table(Step& st, unsigned src, unsigned dst) const {
  for (const Vma& vma : st.s.mms[src].vma)
    if (vma.pages && (vma.flags & kVmDontCopy)) return false;
  for (unsigned v = 0; v < kMaxVpages; ++v) {
    const Pte& p = st.s.pte(src, v);
    if (!p.present()) continue;
    const Frame& f = st.s.frames[p.frame];
    if ((f.flags & kFrameAnon) && exclusive(f) && st.s.mms[src].has_pinned && f.pincount > 0) {
      st.label = "copy_pte_range:cow_pte(maybe pinned page: copy the table)";
      return false;
    }
  }
  st.label = "copy_pte_range:cow_pte(share the PTE table)";
  for (unsigned v = 0; v < kMaxVpages; ++v) {
    Pte& p = st.s.pte(src, v);
    if (p.swapped()) {
      st.s.frames[p.frame].swapcount++;  // swap_duplicate
      p.flags &= static_cast<u8>(~kPteSwpExclusive);
      continue;
    }
    if (!p.present()) continue;
    get_page(st.s, p.frame);
    page_dup_rmap(st.s, p.frame);
    clear_exclusive(st.s, p.frame);  // page_try_dup_anon_rmap
    const Vma* vma = find_vma(st.s, src, v);
    if (vma && is_cow_mapping(*vma)) pte_wrprotect(st, p);
  }
  Mm& child = st.s.mms[dst];
  st.s.tables[child.table].users = 0;  // the child's own table is not needed
  child.table = st.s.mms[src].table;
  st.s.tables[child.table].users++;
  return true;
}

// "Break COW PTE": the mm changing a shared table gets a private copy of it (a free
// table slot), the shared one loses a user; the last user keeps the table as it is.
// The PTEs were write-protected and accounted at fork, so the copy needs nothing else.
// The PT lock, if the thread held the shared table's, is now the copy's.
void CowPteTable::unshare_table(Step& st, unsigned mm) const {
  const u8 t = st.s.mms[mm].table;
  if (t == kNone || st.s.tables[t].users < 2) return;
  u8 n = kNone;
  for (unsigned c = 0; c < kMaxMms && n == kNone; ++c) {
    bool used = false;
    for (const Mm& m : st.s.mms) used |= m.table == c;
    if (!used) n = static_cast<u8>(c);
  }
  INVARIANT(n != kNone, "no free page-table slot to unshare into");
  PageTable& old = st.s.tables[t];
  PageTable& copy = st.s.tables[n];
  copy = old;
  copy.users = 1;
  copy.flags = 0;
  copy.ptl = SpinLock{};
  if (old.ptl.holder == st.tid) {
    copy.ptl.holder = st.tid;
    old.ptl.holder = kNone;
  }
  old.users--;
  st.s.mms[mm].table = n;
  st.count(Cost::TableAlloc);
}

static const RegisterDesign<CowPteTable> registered;

}  // namespace cow::designs
