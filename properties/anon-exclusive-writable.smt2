; PageAnonExclusive (5.19): a writable PTE of an anonymous page maps an exclusive page.
; 6c287605fd56: "If a writable, present page table entry points at an anonymous (sub)page,
; that (sub)page must be PG_anon_exclusive." Only for designs that keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((m Mm) (v Vpage))
    (=> (and (pte_writable m v) (frame_anon (pte_frame m v)))
        (anon_exclusive (pte_frame m v))))))
