; Isolation between processes after fork: no process observes data another process wrote
; after their fork. CVE-2020-29374 (Jann Horn, Project Zero bug 2045; cow.c "vmsplice()
; + unmap in child"): a child that holds a GUP reference reads what the parent writes
; after fork. A value read by a thread of one mm but written for another mm must have
; been written before the fork, in the forking thread's program order
; (write_before_fork).
(assert (forall ((t Thread))
  (=> (and (thread_has_read t)
           (not (= (thread_read_value t) initial))
           (not (= (write_mm (thread_read_value t)) (thread_mm t))))
      (write_before_fork (thread_read_value t)))))
