// Property files: properties_dir() and the NAME.smt2 files in it, and their summaries
// (the leading comment of each file).
#include "properties/property_files.hpp"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace cow {

std::string properties_dir() {
  if (const char* d = std::getenv("COWCHECK_PROPERTIES_DIR")) return d;
  return COWCHECK_PROPERTIES_DIR;
}

std::string property_file(const std::string& name) { return properties_dir() + "/" + name + ".smt2"; }

std::vector<std::string> property_names() {
  std::vector<std::string> out;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(properties_dir(), ec))
    if (e.path().extension() == ".smt2") out.push_back(e.path().stem().string());
  std::sort(out.begin(), out.end());
  return out;
}

std::string property_summary(const std::string& file) {
  std::ifstream in(file);
  std::string line, out;
  while (std::getline(in, line)) {
    auto p = line.find_first_not_of(" \t");
    if (p == std::string::npos) {
      if (!out.empty()) break;
      continue;
    }
    if (line[p] != ';') break;
    auto t = line.find_first_not_of("; \t", p);
    if (t == std::string::npos) {
      if (!out.empty()) break;
      continue;
    }
    out += (out.empty() ? "" : " ") + line.substr(t);
  }
  return out;
}

}  // namespace cow
