; Holds in every state by the signature's axioms: it checks nothing.
(assert (forall ((f Frame)) (>= (refcount f) 0)))
