; The struct page counters agree with the page tables: mapcount equals the PTEs that map
; the frame (what an rmap walk finds), refcount is at least mapcount plus the GUP
; references held on it, and a free frame is neither mapped nor pinned.
(assert (forall ((f Frame))
  (and (= (mapcount f) (mapped_count f))
       (>= (refcount f) (+ (mapcount f) (pinned_count f)))
       (=> (= (refcount f) 0) (and (= (mapped_count f) 0) (= (pinned_count f) 0))))))
