; A probe, not a property of the kernel: no PTE is ever a swap entry. Its counterexample is
; an execution in which reclaim takes a page (papers/madvise-dontfork-2006.md, claim 2:
; the page left to the child becomes pageable).
(assert (forall ((m Mm) (v Vpage)) (not (pte_swapped m v))))
