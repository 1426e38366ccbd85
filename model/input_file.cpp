#include "model/input_file.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "model/input_error.hpp"

namespace cow {

void check_input_file(const std::string& path, const char* what, std::size_t max_bytes) {
  if (path.empty()) throw InputError(std::string("an empty file name was given for the ") + what);
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0)
    throw InputError(path, 0, 0, std::string("cannot open the ") + what + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) throw InputError(path, 0, 0, std::string("expected a ") + what + " file, got a directory");
  if (!S_ISREG(st.st_mode))
    throw InputError(path, 0, 0,
                     std::string("expected a ") + what + " file, got a " +
                         (S_ISFIFO(st.st_mode) ? "FIFO" : S_ISCHR(st.st_mode) || S_ISBLK(st.st_mode) ? "device" : "special file") +
                         " (cowcheck reads regular files only)");
  if (static_cast<std::size_t>(st.st_size) > max_bytes)
    throw InputError(path, 0, 0,
                     std::string("the ") + what + " is " + std::to_string(st.st_size) + " bytes, more than the " +
                         std::to_string(max_bytes) + " cowcheck reads");
}

std::string read_input_file(const std::string& path, const char* what, std::size_t max_bytes) {
  check_input_file(path, what, max_bytes);
  std::ifstream in(path, std::ios::binary);
  if (!in) throw InputError(path, 0, 0, std::string("cannot open the ") + what + " for reading: " + std::strerror(errno));
  std::string text;
  char buf[65536];
  while (in.read(buf, sizeof buf) || in.gcount() > 0) {
    text.append(buf, static_cast<std::size_t>(in.gcount()));
    if (text.size() > max_bytes)  // grew while being read
      throw InputError(path, 0, 0, std::string("the ") + what + " is larger than the " + std::to_string(max_bytes) +
                                       " bytes cowcheck reads");
  }
  return text;
}

}  // namespace cow
