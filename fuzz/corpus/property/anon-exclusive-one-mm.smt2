; PageAnonExclusive (5.19, "COW fixes part 2", 6c287605fd56): a page marked exclusive is
; mapped by one mm only. Hildenbrand: "Whenever an anonymous page is to be shared (fork(),
; KSM) [...] the relevant PG_anon_exclusive bit has to be cleared to mark the anonymous
; page possibly shared." Only for designs that keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((m1 Mm) (v1 Vpage) (m2 Mm) (v2 Vpage))
    (=> (and (pte_present m1 v1) (pte_present m2 v2)
             (= (pte_frame m1 v1) (pte_frame m2 v2))
             (anon_exclusive (pte_frame m1 v1)))
        (= m1 m2)))))
