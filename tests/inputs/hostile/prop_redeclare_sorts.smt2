; the same arity but other sorts gave a bogus VIOLATED "confirmed by Z3"
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:6:1: error: 'mm_alive' is declared with other sorts than the signature's
; expect-no-output: Z3 confirms
(declare-fun mm_alive (Frame) Bool)
(assert (forall ((f Frame)) (mm_alive f)))
