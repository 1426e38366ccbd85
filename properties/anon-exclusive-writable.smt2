; PageAnonExclusive (5.19): a writable PTE of an anonymous page maps an exclusive page
; ("if the page is not exclusive, the PTE must not be writable"). Only for designs that
; keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((m Mm) (v Vpage))
    (=> (and (pte_writable m v) (frame_anon (pte_frame m v)))
        (anon_exclusive (pte_frame m v))))))
