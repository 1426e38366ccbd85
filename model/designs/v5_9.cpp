// v5.9: see v5_9.hpp.
#include "model/designs/v5_9.hpp"

#include "model/design_registry.hpp"

namespace cow::designs {

static const RegisterDesign<V5_9> registered;

}  // namespace cow::designs
