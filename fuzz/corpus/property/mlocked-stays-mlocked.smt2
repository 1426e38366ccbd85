; A private mlocked page written after fork stays mlocked in its writer: mlock "must still
; break COW for private writable mappings" (5ecfda041e4b keeps FOLL_WRITE for them:
; "We want to touch writable mappings with a write fault in order to break COW"), and a
; COW fault in a VM_LOCKED VMA gives its writer a new page that is mlocked
; (page_add_new_anon_rmap puts it on the unevictable list) while the old page, left to a
; process whose VMA may not be locked, loses PG_mlocked (do_wp_page, v2.6.37: "Don't let
; another task, with possibly unlocked vma, keep the mlocked page"). Checked at the end of
; each execution (mlock's population and a fault are not atomic): every page present in a
; VM_LOCKED VMA of a live process is mlocked, and every mlocked page is mapped by one.
(assert (=> all_finished
  (and (forall ((m Mm) (v Vpage))
         (=> (and (mm_alive m) (vma_locked m v) (pte_present m v)) (page_mlocked (pte_frame m v))))
       (forall ((f Frame))
         (=> (page_mlocked f)
             (exists ((m Mm) (v Vpage))
               (and (mm_alive m) (vma_locked m v) (pte_present m v) (= (pte_frame m v) f))))))))
