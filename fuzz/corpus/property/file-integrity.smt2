; A process never changes a file page it has no write permission to. Dirty COW
; (CVE-2016-5195): a write through /proc/self/mem to a private read-only mapping of a
; root-owned file lands in the page cache when madvise(MADV_DONTNEED) drops the private
; copy between the write fault and the retried lookup ("an ancient bug", 19be0eaffa3a).
; A file no process opened for writing (file_writable: a shared writable mapping maps it)
; is read-only to every process: its page-cache pages must keep the file's contents
; (initial).
(assert (forall ((f Frame))
  (=> (and (frame_pagecache f) (not (file_writable f)))
      (and (= (data_h0 f) initial) (= (data_h1 f) initial)))))
