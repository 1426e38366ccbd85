; A page pinned for write is never mapped read-only in its owner. Arcangeli, 2008:
; "The fundamental problem is in converting any pte from read-write to readonly while
; O_DIRECT is in flight" <20081104150449.GA31975@random.random>. It fails first, at fork,
; on v2.6.27: copy_one_pte write-protects the parent's PTE of a page under DMA.
(assert (forall ((p Pin))
  (=> (and (pin_active p) (pin_write p)
           (pte_present (pin_owner p) (pin_vpage p))
           (= (pte_frame (pin_owner p) (pin_vpage p)) (pin_frame p)))
      (pte_writable (pin_owner p) (pin_vpage p)))))
