; Test helper for scenarios/wp_trylock_cow.toml: no page ever has more than three
; references (the app's PTE, the driver's GUP reference, the page-lock holder's). The
; fourth is do_wp_page's page_cache_get before it sleeps in lock_page (2.6.29 .. 5.8):
; violated exactly when some execution sleeps there.
(assert (forall ((f Frame)) (<= (refcount f) 3)))
