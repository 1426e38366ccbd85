; PageAnonExclusive (5.19): a pinned anonymous page is exclusive to its owner: GUP pins
; only exclusive anonymous pages, and fork copies (never shares) a maybe-pinned exclusive
; page (page_try_dup_anon_rmap). Only for designs that keep the flag.
(assert (=> design_has_anon_exclusive
  (forall ((p Pin))
    (=> (and (pin_active p) (frame_anon (pin_frame p)))
        (anon_exclusive (pin_frame p))))))
