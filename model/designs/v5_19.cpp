// v5.19: see v5_19.hpp.
#include "model/designs/v5_19.hpp"

namespace cow::designs {

const Design* make_v5_19() {
  static const V5_19 d;
  return &d;
}

}  // namespace cow::designs
