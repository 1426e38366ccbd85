; a property redeclaring a signature function with another arity segfaulted (the
; lookup was by name only)
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:6:1: error: 'refcount' is declared with other sorts than the signature's
(declare-fun refcount (Frame Frame) Int)
(assert (forall ((f Frame)) (>= (refcount f f) 0)))
