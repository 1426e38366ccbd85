; PageAnonExclusive (5.19): a writable PTE of an anonymous page maps an exclusive page.
; 6c287605fd56: "If a writable, present page table entry points at an anonymous (sub)page,
; that (sub)page must be PG_anon_exclusive." The cover letter: "The PT lock is the primary
; mechanism to synchronize modifications of PG_anon_exclusive": fork's copy_present_pte
; clears the flag and then write-protects the PTE under the PT lock, so the rule is checked
; when no one holds the PT lock of that page table. Only for designs that keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((m Mm) (v Vpage))
    (=> (and (pte_writable m v) (frame_anon (pte_frame m v)) (= (ptl_holder m) no_thread))
        (anon_exclusive (pte_frame m v))))))
