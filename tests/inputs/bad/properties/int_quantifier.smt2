; Quantifiers range over the finite sorts only; Int is unbounded.
(assert (forall ((n Int)) (=> (> n 0) (>= (refcount no_frame) 0))))
