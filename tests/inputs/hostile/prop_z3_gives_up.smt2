; five nested existentials: Z3 gives up within its 10 seconds where the evaluator finds
; the violation (two frames in use, not five): the verdict stands, unconfirmed (whether
; Z3 finishes in time depends on the machine), and it is no internal error
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 1
; expect-output: VIOLATED prop_z3_gives_up
(assert (exists ((a Frame) (b Frame) (c Frame) (d Frame) (e Frame))
  (and (distinct a b c d e) (> (refcount a) 0) (> (refcount b) 0) (> (refcount c) 0) (> (refcount d) 0) (> (refcount e) 0))))
