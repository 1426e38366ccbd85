; A writable PTE never maps a clean page of a shared file mapping: "handle_mm_fault() is
; careful to never create writable ptes pointing to clean file pages, so that a later
; write fault will correctly dirty the corresponding page" (Michel Lespinasse, 18 Nov 2010,
; in the lkml thread "mlock: avoid dirtying pages and triggering writeback"). Write-back keeps it so:
; clear_page_dirty_for_io write-protects the PTEs (page_mkclean) as it cleans the page.
(assert (forall ((m Mm) (v Vpage))
  (=> (and (vma_file m v) (vma_shared m v) (pte_writable m v)) (page_dirty (pte_frame m v)))))
