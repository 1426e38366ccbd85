// Design v6.1: 088b8aa537c2 "mm: fix PageAnonExclusive clearing racing with concurrent RCU
// GUP-fast" (David Hildenbrand, <20220901083559.67446-1-david@redhat.com>, Fixes:
// 6c287605fd56 of 5.19, Cc: stable). Its message: "commit 6c287605fd56 ("mm: remember
// exclusively mapped anonymous pages with PG_anon_exclusive") made sure that when
// PageAnonExclusive() has to be cleared during temporary unmapping of a page, that the
// PTE is cleared/invalidated and that the TLB is flushed ... However, ever since general
// RCU GUP fast was introduced in commit 2667f50e8b81 ("mm: introduce a general RCU
// get_user_pages_fast()"), a TLB flush is no longer sufficient to handle concurrent
// GUP-fast in all cases -- it only handles traditional IPI-based GUP-fast correctly."
// The barriers it adds, each a bit of the trait ae_barriers (model/design_traits.hpp),
// where the steps of model/ksm.cpp and model/gup_fast_weak.cpp wait for them:
//   include/linux/rmap.h page_try_share_anon_rmap, before page_maybe_dma_pinned:
//   	/* Paired with the memory barrier in try_grab_folio(). */
//   	if (IS_ENABLED(CONFIG_HAVE_FAST_GUP))
//   		smp_mb();                                                     kAeShareMb
//   and after ClearPageAnonExclusive(page):
//   	/*
//   	 * This is conceptually a smp_wmb() paired with the smp_rmb() in
//   	 * gup_must_unshare().
//   	 */
//   	if (IS_ENABLED(CONFIG_HAVE_FAST_GUP))
//   		smp_mb__after_atomic();                                       kAeClearMb
//   mm/gup.c try_grab_folio, after folio_ref_add(folio, refs * (GUP_PIN_COUNTING_BIAS - 1)):
//   	/*
//   	 * Adjust the pincount before re-checking the PTE for changes.
//   	 * This is essentially a smp_mb() and is paired with a memory
//   	 * barrier in page_try_share_anon_rmap().
//   	 */
//   	smp_mb__after_atomic();                                               kAePinMb
//   include/linux/mm.h gup_must_unshare, before PageAnonExclusive(page):
//   	/* Paired with a memory barrier in page_try_share_anon_rmap(). */
//   	if (IS_ENABLED(CONFIG_HAVE_FAST_GUP))
//   		smp_rmb();                                                    kAeUnshareRmb
// Under the default sequentially consistent memory they change nothing: v6.1 then runs as
// v6.0. Not modelled: the patch's try_to_unmap_one change (5.19 flushed at once when
// clearing PageAnonExclusive, "if (should_defer_flush(mm, flags) && !anon_exclusive)";
// 6.1 may defer that flush too), since the model's swap-out is one step.
#include "model/designs/v6_1.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V6_1> registered;

}  // namespace cow::designs
