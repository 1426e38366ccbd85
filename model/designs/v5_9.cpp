// v5.9: see v5_9.hpp.
#include "model/designs/v5_9.hpp"

namespace cow::designs {

const Design* make_v5_9() {
  static const V5_9 d;
  return &d;
}

}  // namespace cow::designs
