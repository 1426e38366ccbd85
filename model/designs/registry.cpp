// The list of designs. Adding one: a file in model/designs/ and a line here.
#include "model/design.hpp"
#include "model/invariant.hpp"
#include "model/designs/v2_6_27.hpp"

namespace cow {
namespace designs {
const Design* make_forcecow();
const Design* make_brlock();
const Design* make_pg_gup();
const Design* make_mlock_v2_6_37();
const Design* make_mlock_v2_6_38();
const Design* make_v4_8();
const Design* make_v4_9();
const Design* make_v5_8();
const Design* make_v5_9_rc();
const Design* make_v5_9();
const Design* make_v5_11();
const Design* make_v5_19();
const Design* make_cow_pte_table();
static const Design* make_v2_6_27() {
  static const V2_6_27 d;
  return &d;
}
}  // namespace designs

const std::vector<const Design*>& all_designs() {
  static const std::vector<const Design*> list = {
      designs::make_v2_6_27(),
      designs::make_forcecow(),
      designs::make_brlock(),
      designs::make_pg_gup(),
      designs::make_mlock_v2_6_37(),
      designs::make_mlock_v2_6_38(),
      designs::make_v4_8(),
      designs::make_v4_9(),
      designs::make_v5_8(),
      designs::make_v5_9_rc(),
      designs::make_v5_9(),
      designs::make_v5_11(),
      designs::make_v5_19(),
      designs::make_cow_pte_table(),
  };
  return list;
}

void Design::copy_one_pte_finish(Step&, unsigned, unsigned, unsigned) const {
  UNREACHABLE("copy_one_pte_finish of a design whose copy_one_pte takes one step");
}

State initial_state(const Scenario& sc, const Design& d) {
  State s = sc.initial;
  d.initial_state(sc, s);
  return s;
}

const Design* find_design(std::string_view name) {
  for (const Design* d : all_designs())
    if (d->name() == name) return d;
  return nullptr;
}

}  // namespace cow
