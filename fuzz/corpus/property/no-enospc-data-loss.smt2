; What a process writes through a shared file mapping reaches the disk: write-back never
; finds a page in a hole with no block left ("silent data loss will occur during mmap
; writes either by ENOSPC or ...", Dave Chinner; "That's the typical result of ENOSPC
; during mmap writes into holes on filesystems that don't implement ->page_mkwrite()").
; With ->page_mkwrite the write fault allocates the block or fails with SIGBUS; without
; it, ->writepage allocates at write-back and may fail with ENOSPC, the writer never told.
(assert (forall ((f Frame)) (not (page_write_lost f))))
