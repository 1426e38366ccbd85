// Weak memory models for the lockless accesses of the PageAnonExclusive protocol
// (Scenario::memory_model; --memory-model sc|tso|lkmm).
//
// Under sc (the default) every step is as it always was. Under tso or lkmm the two sides
// of 088b8aa537c2 "mm: fix PageAnonExclusive clearing racing with concurrent RCU
// GUP-fast" (6.1) take the steps that comment names, each its own step:
//   KSM write_protect_page:  (A1) clear PTE  (A2) check pinned  (A3) clear AE  (A4) restore
//   GUP-fast (gup_pte_range): (B1) read PTE (B3) pin  (B4) re-read PTE  (B5) gup_must_unshare
// and, under lkmm, the accesses the Linux-kernel memory model leaves unordered
// (tools/memory-model/Documentation/ordering.txt: "void RMW operations ... are unordered")
// are made so:
//   - a void atomic RMW (the pin's folio_ref_add(refs * (GUP_PIN_COUNTING_BIAS - 1)),
//     ClearPageAnonExclusive's clear_bit) goes to a store buffer (State::buffered) and
//     reaches memory in a later step of its own ("store buffer: ... reaches memory"), in
//     any order; other CPUs read memory, the CPU itself its own stores;
//   - gup_must_unshare's load of PageAnonExclusive (B5) may be satisfied early, before the
//     PTE re-check (B4), when no smp_rmb() sits between them (loads to different
//     locations are unordered; B4's control dependency orders only later stores);
//   - a barrier (smp_mb, smp_mb__after_atomic after the RMW), a fully ordered RMW
//     (try_get_folio's folio_ref_try_add_rcu, the put of a failed grab), and a lock
//     release (pte_unmap_unlock) wait until the CPU's buffer is empty;
//   - an operation ends (the system call returns, ksmd's scan step ends) with its CPU's
//     buffer empty: the model's assumption, which keeps every final state drained.
// Under tso (x86-TSO) nothing is buffered and no load is early: on these paths every store
// is a LOCK-prefixed RMW (a full barrier on x86) except set_pte_at and the PT-lock release,
// after which the CPU loads nothing the protocol reads; tso is sc with the finer steps.
// The buffer has kMaxBuffered slots over all CPUs; a store with no free slot waits.
#pragma once

#include <string>

#include "model/paths.hpp"

namespace cow {

inline bool weak_memory(const Scenario& sc) { return sc.memory_model != MemoryModel::Sc; }

// Whether the design's GUP-fast and KSM take the finer steps above: a weak memory model
// and a design with PageAnonExclusive and a GUP-fast that re-checks the PTE.
bool weak_ae_paths(const Scenario& sc, const Design& d);

// The store buffer.
bool buffer_empty(const State& s, u8 tid);
// Puts a void RMW of `tid` in the buffer (lkmm) or applies it (tso); false when the
// buffer is full (the step must wait).
bool buffer_rmw(Step& st, u8 kind, u8 frame);
void apply_buffered(State& s, const Buffered& b);
std::string buffered_text(const Buffered& b);

// The steps a weak memory model adds to a state's successors: each buffered store
// reaching memory, and each early load a thread may take (model/gup_fast_weak.cpp).
void weak_successors(const Scenario& sc, const Design& d, const State& s, Expansion& out);

// InputError when a reduction asked for does not support the scenario's memory model:
// partial-order reduction's footprints and symmetry's renaming do not cover the store
// buffer yet, and a thread may have more than one step.
void check_memory_model_reductions(const Scenario& sc, bool por, bool symmetry);

}  // namespace cow
