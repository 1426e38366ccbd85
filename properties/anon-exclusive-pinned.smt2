; PageAnonExclusive (5.19): a pinned anonymous page is exclusive. mm/gup.c
; sanity_check_pinned_pages: "We only pin anonymous pages if they are exclusive. Once
; pinned, we can no longer turn them possibly shared and PageAnonExclusive() will stick
; around until the page is freed." Only for designs that keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((p Pin))
    (=> (and (pin_active p) (frame_anon (pin_frame p)))
        (anon_exclusive (pin_frame p))))))
