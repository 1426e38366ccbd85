; After a sync_file_range with SYNC_FILE_RANGE_WAIT_AFTER, the last store before it is on
; disk: "An application which needs to assure itself that all modified pages are on disk
; must first perform a wait call (thus ensuring that all pages under I/O are written), a
; write call (to start I/O on remaining dirty pages), and a second wait call (to allow that
; I/O to complete)" (LWN, "Tweaks to madvise() and posix_fadvise()", February 2006, on
; LINUX_FADV_ASYNC_WRITE / LINUX_FADV_WRITE_WAIT, which became sync_file_range(2) in
; 2.6.17: "SYNC_FILE_RANGE_WAIT_BEFORE|SYNC_FILE_RANGE_WRITE|SYNC_FILE_RANGE_WAIT_AFTER:
; ensure that all pages in the range are written to disk", fs/sync.c). Checked at the end
; of each execution, for every half of a file page with one writer that syncs it and
; stores nothing to it after its last wait (disk_expect_h0, disk_expect_h1).
(assert (=> all_finished
  (forall ((f Frame))
    (and (=> (distinct (disk_expect_h0 f) initial) (= (disk_h0 f) (disk_expect_h0 f)))
         (=> (distinct (disk_expect_h1 f) initial) (= (disk_h1 f) (disk_expect_h1 f)))))))
