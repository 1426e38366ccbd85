; A missing parenthesis: the assert is never closed.
(assert (forall ((p Pin))
  (=> (pin_active p)
      (pte_writable (pin_owner p) (pin_vpage p)))
