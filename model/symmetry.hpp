// Symmetry over frame numbering (`--symmetry`): which physical frame backs a page does
// not matter, only what the frames hold and who maps or holds them. canonicalize()
// renames frames in the order a fixed walk first meets them (page tables by index and
// virtual page, then pins, then thread locals; frames held by nothing named, sorted by
// contents; free frames last), so that states equal up to renaming are stored once.
//
// Two things keep this exact:
//   - dead locals are cleared first: a thread's `frame` is live only from the GUP that
//     sets it to the put_page that ends its O_DIRECT read (pcs r2, s3, d0, d1); elsewhere
//     it is never read again, by a step or by a property (the signature has no
//     function reading it), so it is reset to none;
//   - the allocator takes the lowest free frame, which is a choice among identical free
//     frames only while no live reference points at a free frame (a use after free).
//     A state with such a dangling reference is left unrenamed.
// Properties must not name frames, or threads of a symmetric class and their values, by
// name (checked when they are loaded with --symmetry; checker/run.cpp).
#pragma once
#include "model/scenario.hpp"

namespace cow {

// Puts s in canonical form; returns false when its frames were left unrenamed (dangling
// reference). With interchangeable threads (Scenario::thread_classes) the form is the
// least, as bytes, over every permutation of each class: the threads' locals, the pins
// of their ops, the values they write and the lock holders are renamed with them.
bool canonicalize(const Scenario& sc, State& s);
// Frames only.
bool canonicalize_frames(const Scenario& sc, State& s);

}  // namespace cow
