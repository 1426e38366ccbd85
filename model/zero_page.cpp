#include "model/zero_page.hpp"

#include "model/design.hpp"
#include "model/kernel.hpp"

namespace cow::kernel {

bool has_zero_page(const Design& d) { return !kernel_before(d.traits().kernel, "2.6.32"); }

namespace {

// my_zero_pfn: the zero frame, set up on first use (its contents are the initial
// contents, 0, and stay so: nothing maps it writable).
u8 zero_frame(Step& st) {
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (st.s.frames[f].flags & kFrameZero) return static_cast<u8>(f);
  for (unsigned f = 0; f < kMaxFrames; ++f)
    if (st.s.frames[f].refcount == 0) {
      Frame& z = st.s.frames[f];
      z = Frame{};
      z.refcount = 1;  // the kernel's own: the zero page is never freed
      z.flags = kFrameZero;
      return static_cast<u8>(f);
    }
  st.out_of_frames = true;
  return kNone;
}

}  // namespace

bool map_zero_page(Step& st, unsigned mm, unsigned v) {
  const u8 z = zero_frame(st);
  if (z == kNone) return false;
  get_page(st.s, z);  // (counted in the model only: see zero_page.hpp)
  page_dup_rmap(st.s, z);
  set_pte(st.s, mm, v, z, false);
  return true;
}

}  // namespace cow::kernel
