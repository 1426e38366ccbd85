// Where each value of a JSON text starts, by JSON pointer (RFC 6901: "/steps/3/label"),
// so that an error about a trace's field names its line and column. nlohmann::json keeps
// no positions; this scans the text (already parsed, so well formed) once.
#pragma once
#include <string>
#include <unordered_map>
#include <utility>

namespace cow {

class JsonPositions {
 public:
  explicit JsonPositions(const std::string& text);
  // The line and column (from 1) of the value at `pointer`; for a pointer that names no
  // value (a missing key), those of its nearest ancestor that exists; {0, 0} if none does.
  std::pair<int, int> at(std::string pointer) const;

 private:
  std::unordered_map<std::string, std::pair<int, int>> pos_;
};

// `key` escaped for a JSON pointer ('~' as "~0", '/' as "~1").
std::string json_pointer_token(const std::string& key);

}  // namespace cow
