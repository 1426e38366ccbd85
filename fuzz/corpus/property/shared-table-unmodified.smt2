; A page table that two mms share is never modified in place: "Any [...] modification
; attempts require breaking COW -- copying the page table for the faulting process"
; (David Hildenbrand on the COW PTE table RFC, <c12f848d-cb54-2998-8650-2c2a5707932d@redhat.com>).
; A change to a shared table would change the other process's memory map as well. Holds
; trivially for designs that never share page tables.
(assert (forall ((m Mm)) (not (table_modified_shared m))))
