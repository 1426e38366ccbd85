; rmap stays complete: every anonymous page a process maps can be found from the VMA
; that maps it, through the anon_vma_chain (mm/rmap.c: anon_vma_prepare gives a VMA its
; anon_vma at its first anonymous fault; anon_vma_fork links the child's VMA to the
; parent's anon_vmas). A mapped page rmap cannot reach escapes reclaim, migration, KSM
; and the fork-time anon-exclusive checks. fb49c455323f (6.4): "the anon_vma_fork()
; expects the parents vma->anon_vma to not change during the vma copy. A concurrent page
; fault on a page newly marked read-only by the page copy might trigger wp_page_copy()
; and a anon_vma_prepare(vma) on the source vma, defeating the anon_vma_clone() that
; wasn't done"; Yang Shi's 2026 diagram ends "Then we may end up being no anon_vma for
; dst vma, but with pages mapped in it." KSM pages are reached through KSM's stable tree
; instead and are left out.
(assert (forall ((m Mm) (v Vpage))
  (=> (and (mm_alive m)
           (pte_present m v)
           (frame_anon (pte_frame m v))
           (not (frame_ksm (pte_frame m v))))
      (anon_vma_linked m v))))
