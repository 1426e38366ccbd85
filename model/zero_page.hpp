// The shared zero page. From 2.6.32 (a13ea5b75964 "mm: reinstate ZERO_PAGE", Hugh
// Dickins) a read fault on an empty PTE of an anonymous VMA maps the zero page read-only
// instead of allocating (do_anonymous_page, mm/memory.c, 2.6.32 .. 6.18):
//   	/* Use the zero-page for reads */
//   	if (!(vmf->flags & FAULT_FLAG_WRITE) &&
//   			!mm_forbids_zeropage(vma->vm_mm)) {
//   		entry = pte_mkspecial(pfn_pte(my_zero_pfn(vmf->address),
//   						vma->vm_page_prot));
// (2.6.27 and 2.6.29 allocate a zeroed page for a read fault too: 557ed1fa2620 "remove
// ZERO_PAGE", 2.6.24.) The PTE is special: vm_normal_page() returns NULL for it, so
// fork, zap, reclaim and KSM leave the page alone, do_wp_page always copies
// (wp_page_copy: "if (is_zero_pfn(pte_pfn(vmf->orig_pte))) { new_page =
// alloc_zeroed_user_highpage_movable(...)"), and GUP-fast refuses it (gup_pte_range:
// "if (pte_special(pte)) goto pte_unmap"). Slow GUP's follow_page_pte returns it to a
// read (FOLL_DUMP aside), and a pin of it takes a reference up to 6.4.
//
// The model keeps one frame with kFrameZero, allocated at the first such fault and never
// freed (its refcount keeps one reference for the kernel). Unlike the kernel, the model
// counts the zero page's mappings in its mapcount and refcount, as 2.6.23's refcounted
// ZERO_PAGE did, so that every path that maps or unmaps a page stays one path; no
// decision reads those counts for it: the paths that decide on a page's counts
// (do_wp_page's reuse, fork's pin check, reclaim, KSM) skip it as vm_normal_page() does.
// Not modelled: 6.5's c8070b787519 "mm: Don't pin ZERO_PAGE in pin_user_pages()" (no
// reference for a FOLL_PIN on it), the huge zero page, mm_forbids_zeropage (s390 KVM).
#pragma once
#include "model/step.hpp"

namespace cow {
class Design;
}

namespace cow::kernel {

// The design's kernel has the shared zero page (2.6.32 and later).
bool has_zero_page(const Design& d);
inline bool is_zero_page(const State& s, u8 f) { return f < kMaxFrames && (s.frames[f].flags & kFrameZero); }
// do_anonymous_page for a read fault, PT lock held: the zero page mapped read-only at
// (mm, v). False when the frame pool is exhausted (the step is abandoned).
bool map_zero_page(Step& st, unsigned mm, unsigned v);

}  // namespace cow::kernel
