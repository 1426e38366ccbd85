; After a DMA through a GUP reference completes, the page's owner reads the DMA'd data:
; the O_DIRECT read lost to fork in the 2008 linux-mm thread ("We can lose O_DIRECT
; reads, the very moment we mark any pte wrprotected", Arcangeli
; <20080925183846.GA6877@duo.random>) and the RDMA buffer orphaned by COW (LWN 2006;
; f822566165dd: "the application will never see any data hardware DMA's into this page").
;
; Checked on every read-back that follows the thread's own O_DIRECT read, and at the end
; of every execution for each page half a device wrote.
(assert (and
  (forall ((t Thread))
    (=> (and (thread_has_read t) (write_is_dma (thread_read_expect t)))
        (= (thread_read_value t) (thread_read_expect t))))
  (=> all_finished
      (forall ((m Mm) (v Vpage))
        (and (=> (and (mm_alive m) (pte_present m v) (write_is_dma (final_expect_h0 m v)))
                 (= (data_h0 (pte_frame m v)) (final_expect_h0 m v)))
             (=> (and (mm_alive m) (pte_present m v) (write_is_dma (final_expect_h1 m v)))
                 (= (data_h1 (pte_frame m v)) (final_expect_h1 m v))))))))
