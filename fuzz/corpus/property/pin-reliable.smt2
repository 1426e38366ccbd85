; A GUP reference keeps seeing its owner's memory: a read through a long-term pin (or a
; pipe's reference) returns what the owner last stored to the pinned page. The pass line
; of the kernel's COW selftest for its pin cases (tools/testing/selftests/mm/cow.c,
; "Longterm R/W pin is reliable" for io_uring fixed buffers, "Longterm R/O pin is
; reliable" for pin_user_pages(FOLL_LONGTERM)): a COW that moves the owner to a new page
; leaves the pin on the old one, and the device or the reader sees stale data.
(assert (forall ((t Thread))
  (=> (and (thread_has_read t) (thread_read_via_pin t) (not (= (thread_read_expect t) initial)))
      (= (thread_read_value t) (thread_read_expect t)))))
