// Swap-out's try_to_unmap_one of an exclusive anonymous page under a weak memory model
// (model/memory_model.hpp), in 088b8aa537c2's steps (A1) .. (A4).
#pragma once
#include "model/paths.hpp"

namespace cow {

// Whether swap_out takes the weak steps for (mm, page): a weak model on a design with
// PageAnonExclusive, and an exclusive anonymous page that one PTE maps.
bool swap_out_weak_applies(const Step& st, const Design& d, unsigned mm, unsigned page);
// m1 (A1), sa (A2, A3), sb (A4 and the unlock); false when the step waits.
bool swap_out_weak_step(Step& st, const Design& d, unsigned mm, unsigned page);

}  // namespace cow
