// Step labels built from parts (e.g. "faultin_page:" + the fault handler's own label):
// interned once, so a label stays a string_view into storage that lives as long as the
// program, like the literal labels of every other step.
#pragma once
#include <string>
#include <string_view>

namespace cow {

std::string_view intern_label(std::string label);

}  // namespace cow
