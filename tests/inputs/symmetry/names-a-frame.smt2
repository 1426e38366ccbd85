; A property about one frame by number: fine for the plain search, refused by --symmetry,
; which renames frames.
(assert (not (frame_free |frame#0|)))
