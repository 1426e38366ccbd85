#include "model/pagecache.hpp"

#include "model/invariant.hpp"
#include "model/kernel.hpp"
#include "model/locks.hpp"
#include "model/paths.hpp"
#include "model/tlb.hpp"

namespace cow::kernel {

namespace {

// The fault was taken by mlock's population (an access that writes nothing).
bool mlock_fault(const Step& st) { return st.op().kind == OpKind::Mlock; }

// The file system's get_block(create = 1) for a hole: a free block, or ENOSPC.
bool alloc_block(Step& st, u8 f) {
  Frame& fr = st.s.frames[f];
  if (fr.pg & kPgBlock) return true;
  if (st.s.free_blocks == 0) return false;
  st.s.free_blocks--;
  fr.pg |= kPgBlock;
  if (mlock_fault(st)) st.count(Cost::MlockBlock);
  return true;
}

// ->page_mkwrite (fs/buffer.c block_page_mkwrite, v2.6.37; ext4_page_mkwrite reserves a
// delayed-allocation block instead): lock_page, __block_write_begin allocates the blocks
// behind a hole (get_block with create = 1), block_commit_write; -ENOSPC ->
// VM_FAULT_SIGBUS. A file system without ->page_mkwrite (ext2, ext3) does nothing here.
bool page_mkwrite(Step& st, u8 f) {
  if (!st.sc.fs_page_mkwrite) return true;
  if (!alloc_block(st, f)) return false;
  st.s.frames[f].pg |= kPgMkwrite;
  return true;
}

// set_page_dirty (mm/page-writeback.c __set_page_dirty_nobuffers, via
// set_page_dirty_balance, v2.6.37): a clean page becomes dirty and is queued for write-back.
void set_page_dirty(Step& st, u8 f) {
  Frame& fr = st.s.frames[f];
  if (fr.pg & kPgDirty) return;
  fr.pg |= kPgDirty;
  st.count(Cost::PageDirtied);
  if (mlock_fault(st)) fr.pg |= kPgDirtiedByMlock;
}

}  // namespace

// v2.6.37 mm/memory.c:
//   __do_fault: if (flags & FAULT_FLAG_WRITE) { ... else if (vma->vm_ops->page_mkwrite) {
//       tmp = vma->vm_ops->page_mkwrite(vma, &vmf);
//       if (unlikely(tmp & (VM_FAULT_ERROR | VM_FAULT_NOPAGE))) { ret = tmp; goto unwritable_page; }
//       page_mkwrite = 1; } }
//     entry = mk_pte(page, vma->vm_page_prot);
//     if (flags & FAULT_FLAG_WRITE) entry = maybe_mkwrite(pte_mkdirty(entry), vma);
//     page_add_file_rmap(page); ... if (dirty_page) set_page_dirty_balance(dirty_page, page_mkwrite);
//   do_wp_page: } else if (unlikely((vma->vm_flags & (VM_WRITE|VM_SHARED)) == (VM_WRITE|VM_SHARED))) {
//       if (vma->vm_ops && vma->vm_ops->page_mkwrite) { ... tmp = vma->vm_ops->page_mkwrite(vma, &vmf); ... }
//       dirty_page = old_page; get_page(dirty_page);
//   reuse: entry = maybe_mkwrite(pte_mkdirty(entry), vma); ptep_set_access_flags(...);
//       ... set_page_dirty_balance(dirty_page, page_mkwrite);
// (The kernel drops the PT lock around ->page_mkwrite and re-checks pte_same; the page
// lock keeps write-back out meanwhile.)
void do_shared_write_fault(Step& st, unsigned mm, unsigned v, const Vma& vma) {
  Pte& p = st.s.pte(mm, v);
  const u8 f = p.present() ? p.frame : file_page(vma, v);
  if (!page_mkwrite(st, f)) {
    st.label = p.present() ? "do_wp_page:page_mkwrite(ENOSPC):VM_FAULT_SIGBUS" : "__do_fault:page_mkwrite(ENOSPC):VM_FAULT_SIGBUS";
    st.sigbus = true;
    return;
  }
  if (p.present()) {
    st.label = st.sc.fs_page_mkwrite ? "do_wp_page(shared):page_mkwrite+set_page_dirty" : "do_wp_page(shared):set_page_dirty";
  } else {
    st.label = st.sc.fs_page_mkwrite ? "__do_fault(write,shared):page_mkwrite+set_page_dirty" : "__do_fault(write,shared):set_page_dirty";
    get_page(st.s, f);
    page_dup_rmap(st.s, f);  // page_add_file_rmap
  }
  p = Pte{f, static_cast<u8>(kPtePresent | kPteWrite | kPteDirty)};
  set_page_dirty(st, f);
}

void do_read_fault(Step& st, unsigned mm, unsigned v, const Vma& vma) {
  st.label = "do_read_fault";
  const u8 f = file_page(vma, v);
  get_page(st.s, f);
  page_dup_rmap(st.s, f);  // page_add_file_rmap
  set_pte(st.s, mm, v, f, false);
}

namespace {

// page_mkclean (mm/rmap.c page_mkclean_one, v2.6.37), over every mm that maps f:
//   if (pte_dirty(*pte) || pte_write(*pte)) { entry = ptep_clear_flush_notify(vma, address, pte);
//       entry = pte_wrprotect(entry); entry = pte_mkclean(entry); set_pte_at(mm, address, pte, entry); }
// Each PTE under its PT lock: the step waits while any of those locks is held.
// (cow-pte-table: a shared table is unshared before its entry changes.)
bool page_mkclean(Step& st, const Design& d, u8 f) {
  for (unsigned mm = 0; mm < st.sc.processes.size(); ++mm) {
    if (st.s.mms[mm].table == kNone) continue;
    for (const Pte& p : st.s.tables[st.s.mms[mm].table].pte)
      if (p.present() && p.frame == f && st.s.ptl(mm).holder != kNone) return false;
  }
  for (unsigned mm = 0; mm < st.sc.processes.size(); ++mm) {
    if (st.s.mms[mm].table == kNone) continue;
    for (unsigned v = 0; v < kMaxVpages; ++v) {
      const Pte& p = st.s.pte(mm, v);
      if (!p.present() || p.frame != f || !(p.flags & (kPteWrite | kPteDirty))) continue;
      d.unshare_table(st, mm);
      Pte& q = st.s.pte(mm, v);
      pte_wrprotect(st, q);
      q.flags &= static_cast<u8>(~kPteDirty);
      flush_tlb_page(st, mm, v);  // ptep_clear_flush
    }
  }
  return true;
}

}  // namespace

// write_cache_pages on a dirty page (v2.6.37 mm/page-writeback.c; the same at 2.6.27):
//   if (!clear_page_dirty_for_io(page)) goto continue_unlock;
//   ret = (*writepage)(page, wbc, data);      // block_write_full_page: set_page_writeback
// ->writepage maps the buffers: a hole gets a block now (ext2's get_block), or the write
// fails with ENOSPC and the data is lost (mapping_set_error; nobody who wrote through the
// mapping is told).
bool clear_page_dirty_for_io_and_writepage(Step& st, const Design& d, u8 f) {
  if (!page_mkclean(st, d, f)) return false;
  Frame& fr = st.s.frames[f];
  st.label = "write_cache_pages:clear_page_dirty_for_io+writepage";
  fr.pg &= static_cast<u8>(~(kPgDirty | kPgMkwrite | kPgDirtiedByMlock));
  fr.pg |= kPgWriteback;  // set_page_writeback
  st.count(Cost::Writeback);
  if (!alloc_block(st, f)) {  // block_write_full_page: get_block(create = 1) -> -ENOSPC
    fr.pg |= kPgWriteLost;
    st.label = "write_cache_pages:clear_page_dirty_for_io+writepage(ENOSPC: data lost)";
  }
  return true;
}

// mm/msync.c sys_msync (v2.6.37): down_read(&mm->mmap_sem); for a VM_SHARED file VMA
// with MS_SYNC, vfs_fsync(file) -> filemap_write_and_wait -> write_cache_pages:
//   lock_page(page); ... if (PageWriteback(page)) wait_on_page_writeback(page);
//   if (!clear_page_dirty_for_io(page)) goto continue_unlock;
//   ret = (*writepage)(page, wbc, data);      // block_write_full_page: set_page_writeback
// clear_page_dirty_for_io (mm/page-writeback.c): if (page_mkclean(page)) set_page_dirty(page);
//   if (TestClearPageDirty(page)) { ... return 1; }
// (The kernel drops mmap_sem around vfs_fsync; the model keeps it read-held, so msync
// cannot run inside mlock's mmap_sem-write section.) ->writepage maps the buffers: a hole
// gets a block now (ext2's get_block), or the write fails with ENOSPC and the data is
// lost (mapping_set_error; nobody who wrote through the mapping is told).
bool step_msync(Step& st, const Design& d) {
  const Op& op = st.op();
  const unsigned mm = st.def().mm;
  Thread& t = st.self();
  switch (t.pc) {
    case kPcStart: {
      st.label = "sys_msync:down_read(mmap_sem)";
      if (!locks::try_down_read(st.s.mms[mm].mmap_lock)) return false;
      const Vma* vma = find_vma(st.s, mm, op.page);
      if (!vma) {  // -ENOMEM
        locks::up_read(st.s.mms[mm].mmap_lock);
        st.label = "sys_msync(ENOMEM)";
        st.finish_op();
        return true;
      }
      t.idx = vma->start;
      st.go(is_shared_file(*vma) ? kPcK1 : kPcK3);  // only a shared file mapping has anything to write
      return true;
    }
    case kPcK1: {  // write_cache_pages: one page
      const Vma* vma = find_vma(st.s, mm, op.page);
      INVARIANT(vma && is_shared_file(*vma), "msync lost its VMA under mmap_sem");
      const u8 f = file_page(*vma, t.idx);
      Frame& fr = st.s.frames[f];
      if (!(fr.pg & kPgDirty)) {
        st.label = "write_cache_pages:clean page";
      } else {
        if (!clear_page_dirty_for_io_and_writepage(st, d, f)) return false;
        st.go(kPcK2);
        return true;
      }
      [[fallthrough]];
    }
    case kPcK2: {
      const Vma* vma = find_vma(st.s, mm, op.page);
      if (t.pc == kPcK2) {  // the bio completes: end_page_writeback
        st.label = "end_page_writeback";
        st.s.frames[file_page(*vma, t.idx)].pg &= static_cast<u8>(~kPgWriteback);
      }
      t.idx++;
      st.go(t.idx < vma->start + vma->pages ? kPcK1 : kPcK3);
      return true;
    }
    case kPcK3:
      st.label = "sys_msync:up_read(mmap_sem)";
      locks::up_read(st.s.mms[mm].mmap_lock);
      st.finish_op();
      return true;
    default:
      UNREACHABLE("bad pc in msync");
  }
}

}  // namespace cow::kernel
