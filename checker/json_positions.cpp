#include "checker/json_positions.hpp"

#include <vector>

namespace cow {

std::string json_pointer_token(const std::string& key) {
  std::string out;
  for (char c : key) {
    if (c == '~') out += "~0";
    else if (c == '/') out += "~1";
    else out += c;
  }
  return out;
}

namespace {

struct Frame {
  bool object = false;
  std::string pointer;  // of the container
  long index = -1;      // arrays: the element being read
  std::string key;      // objects: the key just read
  bool want_key = true;
};

}  // namespace

JsonPositions::JsonPositions(const std::string& text) {
  std::vector<Frame> stack;
  int line = 1, col = 1;
  std::size_t i = 0;
  auto advance = [&] {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
    ++i;
  };
  // The pointer of a value starting here, and the frame's bookkeeping for it.
  auto value_pointer = [&]() -> std::string {
    if (stack.empty()) return "";
    Frame& f = stack.back();
    if (f.object) return f.pointer + "/" + json_pointer_token(f.key);
    return f.pointer + "/" + std::to_string(++f.index);
  };
  auto read_string = [&] {  // at the opening quote; returns the unescaped-enough text
    std::string s;
    advance();
    while (i < text.size() && text[i] != '"') {
      if (text[i] == '\\' && i + 1 < text.size()) {
        advance();
        const char e = text[i];
        s += e == 'n' ? '\n' : e == 't' ? '\t' : e == 'r' ? '\r' : e == 'b' ? '\b' : e == 'f' ? '\f' : e;
        if (e == 'u') s += text.substr(i + 1, 4);  // kept as written: no key of a trace needs it
      } else {
        s += text[i];
      }
      advance();
    }
    if (i < text.size()) advance();
    return s;
  };
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == ',' || c == ':') {
      advance();
      continue;
    }
    if (c == '}' || c == ']') {
      if (!stack.empty()) stack.pop_back();
      advance();
      continue;
    }
    if (!stack.empty() && stack.back().object && stack.back().want_key) {
      if (c == '"') stack.back().key = read_string();
      else advance();
      stack.back().want_key = false;
      continue;
    }
    const std::string p = value_pointer();
    pos_.emplace(p, std::make_pair(line, col));
    if (!stack.empty() && stack.back().object) stack.back().want_key = true;
    if (c == '{' || c == '[') {
      Frame f;
      f.object = c == '{';
      f.pointer = p;
      stack.push_back(std::move(f));
      advance();
    } else if (c == '"') {
      (void)read_string();
    } else {  // a number, true, false or null
      while (i < text.size() && text[i] != ',' && text[i] != '}' && text[i] != ']' && text[i] != ' ' &&
             text[i] != '\n' && text[i] != '\t' && text[i] != '\r')
        advance();
    }
  }
}

std::pair<int, int> JsonPositions::at(std::string pointer) const {
  for (;;) {
    if (auto it = pos_.find(pointer); it != pos_.end()) return it->second;
    if (pointer.empty()) return {0, 0};
    pointer.erase(pointer.rfind('/'));
  }
}

}  // namespace cow
