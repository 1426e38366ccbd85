; No use after free: a frame that a PTE maps, or that a GUP reference holds, is never on
; the free list (refcount 0). A put_page too many, or a PTE left behind by unmap, shows
; here first.
(assert (and
  (forall ((p Pin)) (=> (pin_active p) (not (frame_free (pin_frame p)))))
  (forall ((m Mm) (v Vpage)) (=> (pte_present m v) (not (frame_free (pte_frame m v)))))))
