; Reclaim never takes a page from a VM_LOCKED VMA: no PTE of an mlocked VMA is a swap
; entry. mlock is a property of the VMA (VM_LOCKED), and try_to_unmap_one refuses to
; unmap a page from a VM_LOCKED VMA (mm/rmap.c, v2.6.16 .. v2.6.27: "if (!migration &&
; ((vma->vm_flags & VM_LOCKED) || ...)) { ret = SWAP_FAIL; goto out_unmap; }"), whatever
; page the VMA maps after a COW fault. Checked in every state (a scenario that mlocks a
; swapped-out page would see the moment between VM_LOCKED and the swap-in; none does).
(assert (forall ((m Mm) (v Vpage))
  (=> (and (mm_alive m) (vma_locked m v)) (not (pte_swapped m v)))))
