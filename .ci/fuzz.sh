#!/usr/bin/env bash
# The libFuzzer targets (fuzz/README.md): built with clang in build/fuzz, each run on a
# temporary copy of its committed corpus (the committed corpus is never changed), either
# for FUZZ_SECONDS (60) from a random seed, or, with FUZZ_RUNS=N, for N inputs from the
# fixed seed FUZZ_SEED (1): the same inputs on every machine, so a CI run repeats what
# passed here. Exits non-zero if a target does not build or finds a crash; the input is
# printed in base64, to be decoded and replayed (fuzz/README.md).
# With FUZZ_TESTS=quick it also builds the test suite in build/fuzz and runs the tests
# labelled quick under the same sanitizers first (what CI does: one sanitizer build).
# Installs clang-16 from Debian 12 if missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${FUZZ_SECONDS:-60}"
RUNS="${FUZZ_RUNS:-}"
SEED="${FUZZ_SEED:-1}"
# clang-16: clang-14 cannot compile libstdc++ 12's std::source_location.
missing=()
for p in clang-16 libclang-rt-16-dev; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi
TESTS="${FUZZ_TESTS:-}"
with_tests=OFF
[ -n "$TESTS" ] && with_tests=ON
CC=clang-16 CXX=clang++-16 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOWCHECK_FUZZ=ON -DCOWCHECK_TESTS=$with_tests -DCOWCHECK_WERROR=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"
if [ -n "$TESTS" ]; then
  ninja -C build/fuzz -j2
  # The asan test preset's environment (CMakePresets.json).
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 COWCHECK_QUICK=1 \
    ctest --test-dir build/fuzz -L "$TESTS" -j2 --output-on-failure
else
  ninja -C build/fuzz -j2 fuzz_scenario fuzz_trace fuzz_property
fi

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for t in scenario trace property; do
  mkdir -p "$tmp/$t/corpus" "$tmp/$t/artifacts"
  cp fuzz/corpus/$t/* "$tmp/$t/corpus/"
  extra=()
  [ "$t" = scenario ] && extra=(-dict=fuzz/scenario.dict)
  if [ -n "$RUNS" ]; then
    n="$RUNS"
    [ "$t" = property ] && n=$(( RUNS / 20 ))  # each input compiles a property and asks Z3
    budget=(-runs="$n" -seed="$SEED")
    echo "== fuzz_$t: $n inputs from seed $SEED"
  else
    budget=(-max_total_time="$SECS")
    echo "== fuzz_$t: ${SECS}s"
  fi
  if ! build/fuzz/fuzz/fuzz_$t "$tmp/$t/corpus" "${extra[@]}" "${budget[@]}" -max_len=4096 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$tmp/$t/artifacts/" -print_final_stats=1; then
    echo "fuzz_$t FAILED; its input, in base64 (decode with base64 -d > crash, replay with" >&2
    echo "build/fuzz/fuzz/fuzz_$t crash):" >&2
    for f in "$tmp/$t/artifacts/"*; do
      [ -f "$f" ] || continue
      echo "--- $(basename "$f"), $(wc -c < "$f") bytes" >&2
      base64 -w 100 "$f" >&2 || true
    done
    status=1
  fi
done
exit $status
