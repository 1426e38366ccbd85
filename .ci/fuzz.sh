#!/usr/bin/env bash
# The libFuzzer targets (fuzz/README.md): built with clang in build/fuzz, each run for
# FUZZ_SECONDS (60) on a temporary copy of its committed corpus (the committed corpus is
# never changed). Exits non-zero if a target does not build or finds a crash.
# Installs clang-16 from Debian 12 if missing (as root, or with sudo).
set -euo pipefail
cd "$(dirname "$0")/.."
SECS="${FUZZ_SECONDS:-60}"
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
CC=clang-16 CXX=clang++-16 cmake -S . -B build/fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCOWCHECK_FUZZ=ON -DCOWCHECK_TESTS=OFF -DCOWCHECK_WERROR=OFF \
  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined"
ninja -C build/fuzz -j2 fuzz_scenario fuzz_trace fuzz_property

tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
status=0
for t in scenario trace property; do
  mkdir -p "$tmp/$t/corpus" "$tmp/$t/artifacts"
  cp fuzz/corpus/$t/* "$tmp/$t/corpus/"
  extra=()
  [ "$t" = scenario ] && extra=(-dict=fuzz/scenario.dict)
  echo "== fuzz_$t: ${SECS}s"
  if ! build/fuzz/fuzz/fuzz_$t "$tmp/$t/corpus" "${extra[@]}" -max_total_time="$SECS" -max_len=4096 -timeout=10 \
      -rss_limit_mb=2048 -artifact_prefix="$tmp/$t/artifacts/" -print_final_stats=1; then
    echo "fuzz_$t FAILED; its input:" >&2
    for f in "$tmp/$t/artifacts/"*; do [ -f "$f" ] && { echo "--- $f" >&2; head -c 4096 "$f" | od -c | head -40 >&2; }; done
    status=1
  fi
done
exit $status
