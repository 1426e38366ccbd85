; No state can satisfy this: refcount is never negative.
(assert (exists ((f Frame)) (< (refcount f) 0)))
