// What the SVG tests share (tests/test_svg.cpp, tests/test_heat_map.cpp): a strict XML
// reader for the pictures cowcheck writes, and headless chromium's screenshot of one.
#pragma once
#include <cctype>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "cli_run.hpp"

namespace cowtest::svg {

namespace fs = std::filesystem;

// A strict reader of the XML the renderer writes (prolog, elements, attributes in double
// quotes, text, the five predefined entities): throws on anything not well-formed, and
// returns each element's name and attributes in document order.
struct Element {
  std::string name;
  std::map<std::string, std::string> attrs;
  std::string text;  // its own text content (not its children's)
};
inline std::vector<Element> parse_xml(const std::string& s) {
  std::vector<Element> out;
  std::vector<std::string> open;
  std::vector<std::size_t> open_at;  // their places in `out`
  std::size_t i = 0;
  auto fail = [&](const std::string& why) { throw std::runtime_error("not well-formed at byte " + std::to_string(i) + ": " + why); };
  auto name_at = [&]() {
    const std::size_t b = i;
    while (i < s.size() && (std::isalnum(static_cast<unsigned char>(s[i])) || s[i] == '-' || s[i] == '_' || s[i] == ':')) ++i;
    if (i == b) fail("a name expected");
    return s.substr(b, i - b);
  };
  auto check_text = [&](std::size_t b, std::size_t e) {
    for (std::size_t k = b; k < e; ++k) {
      if (s[k] == '<') fail("a raw '<' in text");
      if (s[k] != '&') continue;
      const std::size_t semi = s.find(';', k);
      const std::string ent = semi == std::string::npos ? "" : s.substr(k, semi - k + 1);
      if (ent != "&amp;" && ent != "&lt;" && ent != "&gt;" && ent != "&quot;" && ent != "&apos;") fail("a bad entity");
    }
  };
  auto skip_ws = [&] { while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i; };
  if (s.rfind("<?xml", 0) == 0) {
    i = s.find("?>");
    if (i == std::string::npos) fail("an unterminated prolog");
    i += 2;
  }
  bool root_done = false;
  while (true) {
    const std::size_t lt = s.find('<', i);
    const std::size_t text_end = lt == std::string::npos ? s.size() : lt;
    check_text(i, text_end);
    if (open.empty() && s.find_first_not_of(" \t\r\n", i) < text_end) fail("text outside the root element");
    if (!open.empty()) out[open_at.back()].text += s.substr(i, text_end - i);
    if (lt == std::string::npos) break;
    i = lt + 1;
    if (s[i] == '/') {
      ++i;
      const std::string n = name_at();
      if (open.empty() || open.back() != n) fail("</" + n + "> closes nothing open");
      open.pop_back();
      open_at.pop_back();
      skip_ws();
      if (s[i] != '>') fail("'>' expected");
      ++i;
      if (open.empty()) root_done = true;
      continue;
    }
    if (root_done) fail("a second root element");
    Element e;
    e.name = name_at();
    for (;;) {
      skip_ws();
      if (s[i] == '>' || s.compare(i, 2, "/>") == 0) break;
      const std::string a = name_at();
      if (s[i] != '=' || s[i + 1] != '"') fail("attribute " + a + " without =\"...\"");
      i += 2;
      const std::size_t q = s.find('"', i);
      if (q == std::string::npos) fail("an unterminated attribute");
      check_text(i, q);
      if (!e.attrs.emplace(a, s.substr(i, q - i)).second) fail("attribute " + a + " twice");
      i = q + 1;
    }
    const bool empty = s[i] == '/';
    i += empty ? 2 : 1;
    if (!empty) open.push_back(e.name), open_at.push_back(out.size());
    else if (open.empty()) root_done = true;
    out.push_back(std::move(e));
  }
  if (!open.empty()) fail("<" + open.back() + "> never closed");
  if (!root_done) fail("no root element");
  return out;
}

inline std::size_t count_class(const std::vector<Element>& els, const std::string& cls) {
  std::size_t n = 0;
  for (const Element& e : els)
    if (auto it = e.attrs.find("class"); it != e.attrs.end() && it->second == cls) ++n;
  return n;
}

inline std::vector<std::string> lane_names(const std::vector<Element>& els) {
  std::vector<std::string> out;
  for (const Element& e : els)
    if (auto it = e.attrs.find("class"); it != e.attrs.end() && it->second == "lane") out.push_back(e.text);
  return out;
}

inline std::string slurp(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// The PNG's width and height from its IHDR chunk ({0, 0} when it is not a PNG).
inline std::pair<unsigned, unsigned> png_size(const std::string& png) {
  if (png.size() < 24 || png.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0 || png.compare(12, 4, "IHDR") != 0) return {0, 0};
  auto be32 = [&](std::size_t at) {
    unsigned v = 0;
    for (std::size_t k = 0; k < 4; ++k) v = (v << 8) | static_cast<unsigned char>(png[at + k]);
    return v;
  };
  return {be32(16), be32(20)};
}

// Headless chromium's screenshot of `svg` at w x h; "" when it could not make one (then
// `why` says what happened).
inline std::string screenshot(const fs::path& svg, unsigned w, unsigned h, const fs::path& png, std::string& why) {
  std::error_code ec;
  fs::remove(png, ec);
  const fs::path log = png.string() + ".log";
  const std::string cmd = "chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot=" +
                          cowtest::shell_quote(png.string()) + " --window-size=" + std::to_string(w) + "," +
                          std::to_string(h) + " " + cowtest::shell_quote("file://" + fs::absolute(svg).string()) + " > " +
                          cowtest::shell_quote(log.string()) + " 2>&1";
  const int rc = std::system(cmd.c_str());
  if (!fs::exists(png)) {
    why = "chromium made no screenshot (exit " + std::to_string(rc) + "): " + cmd + "\n" + slurp(log).substr(0, 2000);
    return "";
  }
  return slurp(png);
}

inline bool chromium_installed() { return std::system("command -v chromium > /dev/null 2>&1") == 0; }

}  // namespace cowtest::svg
