; A thread reads back its own last store, and at the end of every execution each page
; half holds its single writer's last store: no write is lost to a COW that moved the
; page under the writer (the writer thread of the 2008 O_DIRECT-vs-fork test case,
; "think a thread writing constantly to the last 512bytes of a page").
(assert (and
  (forall ((t Thread))
    (=> (and (thread_has_read t)
             (not (= (thread_read_expect t) initial))
             (not (write_is_dma (thread_read_expect t))))
        (= (thread_read_value t) (thread_read_expect t))))
  (=> all_finished
      (forall ((m Mm) (v Vpage))
        (and (=> (and (mm_alive m) (pte_present m v)
                      (not (= (final_expect_h0 m v) initial)) (not (write_is_dma (final_expect_h0 m v))))
                 (= (data_h0 (pte_frame m v)) (final_expect_h0 m v)))
             (=> (and (mm_alive m) (pte_present m v)
                      (not (= (final_expect_h1 m v) initial)) (not (write_is_dma (final_expect_h1 m v))))
                 (= (data_h1 (pte_frame m v)) (final_expect_h1 m v))))))))
