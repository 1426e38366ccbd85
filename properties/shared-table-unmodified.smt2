; A page table that two mms share is never modified in place: "Any [...] modification
; attempts require breaking COW -- copying the page table for the faulting process"
; (David Hildenbrand on the COW PTE table RFC, ../shared/seeds/linux-mm-2022-cow-pte-table.txt).
; A change to a shared table would change the other process's memory map as well. Holds
; trivially for designs that never share page tables.
(assert (forall ((m Mm)) (not (table_modified_shared m))))
