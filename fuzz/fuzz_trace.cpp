// libFuzzer target: a counterexample trace (JSON, as `check --trace-out` writes it). The
// bytes are replayed by cow::replay (checker/replay.hpp): every step re-executed against
// the model, the property checked at the end. InputError is the answer to a malformed or
// foreign trace; LimitReached (a short time limit) is fine; anything else, an INVARIANT,
// or a sanitizer report is a bug.
#include <cstdint>
#include <string>
#include <typeinfo>

#include "checker/replay.hpp"
#include "fuzz/fuzz_common.hpp"
#include "model/input_error.hpp"
#include "model/run_limits.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size > 64 * 1024) return -1;
  const std::string path = cowfuzz::write_input("trace.json", data, size);
  COWFUZZ_GUARD("fuzz_trace", 2.0, {
    std::string out;
    (void)cow::replay(path, out);
  });
  return 0;
}
