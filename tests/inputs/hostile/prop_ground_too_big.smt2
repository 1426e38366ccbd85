; six Frame variables under one forall: 16^6 ground instances, each a different sum; the
; expansion stops at its bound with a positioned error, not after gigabytes
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:7:
; expect-output: nodes when its quantifiers are expanded
(assert (forall ((a Frame) (b Frame) (c Frame) (d Frame) (e Frame) (f Frame))
  (< (+ (refcount a) (* 2 (refcount b)) (* 3 (refcount c)) (* 4 (refcount d)) (* 5 (refcount e)) (* 6 (refcount f))) 1000)))
