; the evaluator wrapped 64-bit integers where Z3's are unbounded, and aborted with "Z3
; does not confirm a violation"
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:7:33: error: integer arithmetic that can exceed 2^62
; expect-no-output: does not confirm
(assert (forall ((f Frame)) (<= (* (- 5 (refcount f)) 4611686018427387904) 100)))
