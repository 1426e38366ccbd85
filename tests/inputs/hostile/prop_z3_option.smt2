; an unknown set-option: Z3's message went on for twenty lines of its parameters
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-no-output: Legal parameters
; expect-output: {file}:6:18: error: in SMT-LIB property: unknown parameter 'foo'
(set-option :foo 1)
(assert (forall ((f Frame)) (= (mapcount f) (mapped_count f))))
