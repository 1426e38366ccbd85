#include "fuzz/fuzz_common.hpp"

#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string_view>

#include "model/invariant.hpp"

namespace fs = std::filesystem;

namespace cow {
// Replaces model/invariant.cpp's definition (the linker takes this object's and never
// pulls that member of the archive): an internal error ends the run with _Exit(4), which
// libFuzzer would see as a clean exit; here it aborts, so the input is saved as a crash.
void invariant_failed(const char* file, int line, const char* cond, std::string_view why) {
  std::fprintf(stderr, "cowcheck: internal error at %s:%d: %s (%.*s)\n", file, line, cond, static_cast<int>(why.size()),
               why.data());
  std::fflush(stderr);
  std::abort();
}
}  // namespace cow

namespace cowfuzz {

namespace {
struct WorkDir {
  std::string path;
  WorkDir() {
    const char* t = std::getenv("TMPDIR");
    fs::path base = t && *t ? fs::path(t) : fs::temp_directory_path();
    path = (base / ("cowcheck_fuzz_" + std::to_string(::getpid()))).string();
    fs::remove_all(path);
    fs::create_directories(path);
  }
  ~WorkDir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
};
}  // namespace

const std::string& work_dir() {
  static WorkDir d;
  return d.path;
}

std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size) {
  std::string p = work_dir() + "/" + name;
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  out.close();
  if (!out) fail("fuzz", "cannot write the input file " + p);
  return p;
}

void fail(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: BUG: %s\n", target, what.c_str());
  std::fflush(stderr);
  std::abort();
}

std::uint64_t input_hash(const std::uint8_t* data, std::size_t size) {
  std::uint64_t h = 1469598103934665603ull;  // FNV-1a
  for (std::size_t i = 0; i < size; ++i) h = (h ^ data[i]) * 1099511628211ull;
  return h;
}

}  // namespace cowfuzz
