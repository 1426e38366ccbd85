; a property file with no assert: the error points at the end of the file
; cowcheck-args: check --design v5.8 --property {file} {src}/scenarios/odirect_fork.toml
; expect-exit: 2
; expect-output: {file}:5:22: error: the property file asserts nothing
(declare-const x Int)
