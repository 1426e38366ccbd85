; an unsupported construct found after Z3 parsed the file had no position
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:5:32: error: unsupported construct in a property
(assert (forall ((f Frame)) (= (div (refcount f) 2) 0)))
