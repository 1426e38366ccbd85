; a function the signature does not have
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:5:1: error: 'my_fn' is not a function of the signature
(declare-fun my_fn (Frame) Int)
(assert (forall ((f Frame)) (>= (my_fn f) 0)))
