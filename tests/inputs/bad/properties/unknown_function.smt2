; pte_writeable is misspelt: the signature has pte_writable.
(assert (forall ((m Mm) (v Vpage))
  (=> (pte_present m v) (pte_writeable m v))))
