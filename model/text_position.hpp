// Where a byte of a text file is, as an error message names it.
#pragma once

#include <cstddef>
#include <string_view>
#include <utility>

namespace cow {

// The line and column (both from 1) of the byte at `offset` (from 0) of `text`; past the
// end, the position just after its last byte.
inline std::pair<int, int> text_position(std::string_view text, std::size_t offset) {
  int line = 1, col = 1;
  for (std::size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return {line, col};
}

}  // namespace cow
