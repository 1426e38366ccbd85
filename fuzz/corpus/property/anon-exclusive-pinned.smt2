; PageAnonExclusive (5.19): a page pinned with FOLL_PIN is exclusive. mm/gup.c
; sanity_check_pinned_pages: "We only pin anonymous pages if they are exclusive. Once
; pinned, we can no longer turn them possibly shared and PageAnonExclusive() will stick
; around until the page is freed." FOLL_GET references carry no such promise ("We don't
; particularly care about R/O FOLL_GET references: they were never reliable", part 3).
; Only for designs that keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((p Pin))
    (=> (and (pin_active p) (pin_foll_pin p) (frame_anon (pin_frame p)))
        (anon_exclusive (pin_frame p))))))
