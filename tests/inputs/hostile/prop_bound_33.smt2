; more than 32 nested bound variables aborted the evaluator
; cowcheck-args: check --design v2.6.27 {src}/scenarios/odirect_fork.toml --property {file}
; expect-exit: 2
; expect-output: {file}:5:9: error: more than 32 nested bound variables
(assert (forall ((v1 Mm)) (forall ((v2 Mm)) (forall ((v3 Mm)) (forall ((v4 Mm)) (forall ((v5 Mm)) (forall ((v6 Mm)) (forall ((v7 Mm)) (forall ((v8 Mm)) (forall ((v9 Mm)) (forall ((v10 Mm)) (forall ((v11 Mm)) (forall ((v12 Mm)) (forall ((v13 Mm)) (forall ((v14 Mm)) (forall ((v15 Mm)) (forall ((v16 Mm)) (forall ((v17 Mm)) (forall ((v18 Mm)) (forall ((v19 Mm)) (forall ((v20 Mm)) (forall ((v21 Mm)) (forall ((v22 Mm)) (forall ((v23 Mm)) (forall ((v24 Mm)) (forall ((v25 Mm)) (forall ((v26 Mm)) (forall ((v27 Mm)) (forall ((v28 Mm)) (forall ((v29 Mm)) (forall ((v30 Mm)) (forall ((v31 Mm)) (forall ((v32 Mm)) (forall ((v33 Mm)) (mm_alive v1)))))))))))))))))))))))))))))))))))
