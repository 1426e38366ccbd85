; a property that holds in every state checks nothing: the error points at its assert
; cowcheck-args: check --design v5.8 --property {file} {src}/scenarios/odirect_fork.toml
; expect-exit: 2
; expect-output: {file}:5:1: error: this property is valid under the signature's axioms
(assert (forall ((f Frame)) (>= (refcount f) 0)))
