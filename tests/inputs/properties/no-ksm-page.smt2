; Test helper: no page is ever a KSM page. Violated exactly when some execution merges.
(assert (forall ((f Frame)) (not (frame_ksm f))))
