// Interned step labels: see label.hpp.
#include "model/label.hpp"

#include <mutex>
#include <unordered_set>

namespace cow {

std::string_view intern_label(std::string label) {
  static std::mutex mu;
  static std::unordered_set<std::string> labels;  // node-based: elements never move
  std::lock_guard<std::mutex> lock(mu);
  return *labels.insert(std::move(label)).first;
}

}  // namespace cow
