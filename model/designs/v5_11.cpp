// v5.11: see v5_11.hpp.
#include "model/designs/v5_11.hpp"

namespace cow::designs {

const Design* make_v5_11() {
  static const V5_11 d;
  return &d;
}

}  // namespace cow::designs
