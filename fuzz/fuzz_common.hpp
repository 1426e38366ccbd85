// Shared by the libFuzzer targets (fuzz/*.cpp): where the source tree is, the input
// written to a file of this process's own (the loaders read files), and what ends a run
// as a crash libFuzzer records. fuzz/README.md says how to build and run them.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>

namespace cowfuzz {

// The source tree (scenarios/, properties/), as CMake saw it.
inline const char* source_dir() { return COWCHECK_SOURCE_DIR; }

// A directory of this process's own under $TMPDIR (or /tmp), made once, removed at exit.
const std::string& work_dir();

// Writes the fuzzer's bytes to work_dir()/name, replacing what was there; returns its path.
std::string write_input(const std::string& name, const std::uint8_t* data, std::size_t size);

// A bug: prints what and where, then abort() (libFuzzer saves the input as a crash).
[[noreturn]] void fail(const char* target, const std::string& what);

// A deterministic 64-bit hash of the input (what each run of one input chooses, e.g. the
// design, depends on it, never on a clock).
std::uint64_t input_hash(const std::uint8_t* data, std::size_t size);

// A small PRNG (splitmix64).
struct Rng {
  std::uint64_t x;
  std::uint64_t next() {
    std::uint64_t z = (x += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return n == 0 ? 0 : static_cast<std::size_t>(next() % n); }
};

}  // namespace cowfuzz

// The body every target shares: runs `body`, with the run limits started (a short time
// limit), and treats InputError and LimitReached as fine, anything else as a bug.
#define COWFUZZ_GUARD(target, seconds, ...)                                                        \
  do {                                                                                             \
    ::cow::start_run_limits((seconds), 0);                                                        \
    try {                                                                                          \
      __VA_ARGS__;                                                                                     \
    } catch (const ::cow::InputError&) {                                                           \
    } catch (const ::cow::LimitReached&) {                                                         \
    } catch (const std::exception& e) {                                                            \
      ::cowfuzz::fail(target, std::string("uncaught exception ") + typeid(e).name() + ": " + e.what()); \
    } catch (...) {                                                                                \
      ::cowfuzz::fail(target, "uncaught exception of an unknown type");                           \
    }                                                                                              \
  } while (0)
