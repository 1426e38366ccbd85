; mlock dirties no page by itself: "mlocking a shared, writable vma currently causes the
; corresponding pages to be marked as dirty and queued for writeback. This seems rather
; unnecessary given that the pages are not being actually modified during mlock"
; (Michel Lespinasse, 5ecfda041e4b, <1289996638-21439-4-git-send-email-walken@google.com>).
; page_dirtied_by_mlock records that set_page_dirty ran in a fault mlock's population took;
; write-back (msync) clears it with the dirty bit. Before 2.6.38 mlock write-faults every
; page of a VM_WRITE VMA, shared ones too; since, it write-faults only private ones (COW).
(assert (forall ((f Frame)) (not (page_dirtied_by_mlock f))))
