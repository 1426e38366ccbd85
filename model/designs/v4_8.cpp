// v4.8: see v4_8.hpp.
#include "model/designs/v4_8.hpp"

namespace cow::designs {

const Design* make_v4_8() {
  static const V4_8 d;
  return &d;
}

}  // namespace cow::designs
