; distinct of more than four terms aborted the compiler (properties/program.cpp); now
; any number: frame#0 and frame#1 both have refcount 1 at the start, so this fails, and
; Z3 confirms it
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 1
; expect-output: VIOLATED prop_distinct_five
; expect-output: Z3 confirms it
(assert (distinct 7 (refcount |frame#0|) 5 (refcount |frame#1|) 6))
