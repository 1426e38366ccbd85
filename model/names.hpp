// How cowcheck writes a scenario's parameter settings and the model's frames, defined
// once: reports, comparison tables, traces, property messages and the SMT-LIB signature
// all print them this way.
#pragma once
#include <map>
#include <string>
#include <string_view>

#include "model/state.hpp"

namespace cow {

// "K=2, pin=0": parameter settings in name order ("" when there are none).
inline std::string params_text(const std::map<std::string, long>& params) {
  std::string s;
  for (const auto& [k, v] : params) s += (s.empty() ? "" : ", ") + k + "=" + std::to_string(v);
  return s;
}

// What every frame's name starts with ("frame#3").
inline constexpr std::string_view kFramePrefix = "frame#";

// "frame#3"; "none" for kNone.
inline std::string frame_name(u8 f) {
  return f == kNone ? "none" : std::string(kFramePrefix) + std::to_string(f);
}

}  // namespace cow
