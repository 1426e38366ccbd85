// The scenario files that the "every scenario" tests run: every .toml under scenarios/
// (subdirectories such as selftests/ included), sorted, so that no test skips one.
#pragma once
#include <algorithm>
#include <filesystem>
#include <string>
#include <vector>

namespace cow::test {

// Every scenario file under scenarios/`under` (default: the whole library), recursively, sorted.
inline std::vector<std::string> scenario_files(const std::string& under = "") {
  std::filesystem::path root = std::filesystem::path(COWCHECK_SOURCE_DIR) / "scenarios";
  if (!under.empty()) root /= under;
  std::vector<std::string> files;
  for (const auto& e : std::filesystem::recursive_directory_iterator(root))
    if (e.is_regular_file() && e.path().extension() == ".toml") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace cow::test
