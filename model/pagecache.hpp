// File pages: the page cache, ->page_mkwrite and write-back (the 2010 lkml thread "mlock:
// avoid dirtying pages and triggering writeback"). A file VMA maps the file's
// page-cache pages, one frame per page, from Vma::file_frame on. A page's file block may
// be a hole (a sparse file); the file system either allocates blocks in ->page_mkwrite at
// the first write fault (ext4, xfs, btrfs) or at write-back (ext2, ext3: no ->page_mkwrite).
// The page lock, which ->page_mkwrite returns held and clear_page_dirty_for_io runs under,
// makes a shared write fault and the cleaning of its page one step each.
#pragma once
#include "model/design.hpp"

namespace cow::kernel {

// The page-cache page behind virtual page v of a file VMA.
inline u8 file_page(const Vma& vma, unsigned v) { return static_cast<u8>(vma.file_frame + (v - vma.start)); }
inline bool is_shared_file(const Vma& vma) {
  return (vma.flags & (kVmFile | kVmShared)) == (kVmFile | kVmShared);
}

// The write fault on a shared file mapping, PT lock held (v2.6.37 mm/memory.c): on pte_none
// __do_fault with FAULT_FLAG_WRITE, on a read-only PTE do_wp_page's VM_WRITE|VM_SHARED
// branch. Both call ->page_mkwrite, make the PTE writable and dirty, and set_page_dirty.
// Sets st.sigbus (nothing mapped) when ->page_mkwrite fails with ENOSPC.
void do_shared_write_fault(Step& st, unsigned mm, unsigned v, const Vma& vma);

// The read fault on a file mapping, PT lock held (__do_fault without FAULT_FLAG_WRITE,
// v2.6.37): the page-cache page mapped read-only (a shared writable mapping too: its
// vm_page_prot is write-protected when the file system wants write notification).
void do_read_fault(Step& st, unsigned mm, unsigned v, const Vma& vma);

// write_cache_pages on dirty page f: clear_page_dirty_for_io (page_mkclean write-protects
// and cleans every PTE mapping it; false, nothing done, while one of their PT locks is
// held) and ->writepage (set_page_writeback; a hole gets its block or ENOSPC loses the
// data). Counts Cost::Writeback. Shared by msync and sync_file_range (model/writeback.hpp).
bool clear_page_dirty_for_io_and_writepage(Step& st, const Design& d, u8 f);

// msync(MS_SYNC) of a shared file VMA (mm/msync.c -> vfs_fsync_range ->
// write_cache_pages, v2.6.37), a step per page: clear_page_dirty_for_io (page_mkclean
// write-protects and cleans every PTE mapping it) and ->writepage; then
// end_page_writeback when the I/O completes.
bool step_msync(Step& st, const Design& d);

}  // namespace cow::kernel
