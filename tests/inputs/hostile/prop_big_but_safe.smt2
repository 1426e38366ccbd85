; large constants whose arithmetic cannot wrap are accepted (and hold)
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 0
; expect-output: prop_big_but_safe  holds
(assert (forall ((f Frame)) (< (* (refcount f) 1000000000000) 1000000000000000000)))
