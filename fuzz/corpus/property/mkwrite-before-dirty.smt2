; Every first write to a shared file page goes through ->page_mkwrite: "I don't think
; ->page_mkwrite can be worked around - we need that to be called on the first write fault
; of any mmap()d page to ensure it is set up correctly for writeback" (Dave Chinner on
; 5ecfda041e4b, lkml, November 2010). A page of a shared
; writable file mapping that is dirty, or mapped writable, has been through ->page_mkwrite
; since write-back last cleaned it. A file system without ->page_mkwrite (ext2, ext3 in
; 2010) breaks it with or without the patch: "Any filesystem that does not implement
; ->page_mkwrite will break under this test, regardless of your patch" (Chinner).
(assert (forall ((f Frame))
  (=> (and (file_writable f) (page_dirty f)) (page_mkwrite_done f))))
(assert (forall ((m Mm) (v Vpage))
  (=> (and (vma_file m v) (vma_shared m v) (pte_writable m v)) (page_mkwrite_done (pte_frame m v)))))
