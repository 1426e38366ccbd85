#!/usr/bin/env bash
# Benchmark: states/s of the plain search with the SMT-LIB properties (compiled from
# properties/*.smt2) against the C++ forms they replaced (cxx:NAME), on ODF(K) for the
# three 2008 designs. Best of 3 runs each (the machines are shared and noisy). Prints a
# Markdown table and saves it to bench/properties-results.md. Not a test.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/release/cowcheck
[ -x "$B" ] || { cmake --preset release >/dev/null && cmake --build --preset release >/dev/null; }
props() { for p in dma-visible own-write-visible pin-writable-in-owner refcount-sane; do printf -- '--property %s%s ' "$1" "$p"; done; }
best() {  # best states/s over 3 runs of: cowcheck check ARGS
  local b=0 r
  for _ in 1 2 3; do
    r=$("$B" check "$@" | sed -n 3p | grep -o '[0-9]* states/s' | cut -d' ' -f1)
    [ "$r" -gt "$b" ] && b=$r
  done
  echo "$b"
}
out=bench/properties-results.md
{
  echo "# SMT-LIB vs C++ properties: states/s of the plain search"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d)."
  echo "Command: \`bash bench/properties.sh\`. Properties: dma-visible, own-write-visible, pin-writable-in-owner, refcount-sane (+ no-deadlock), best of 3 runs."
  echo
  echo "| design | K | states | SMT-LIB states/s | C++ states/s | SMT / C++ |"
  echo "|---|---:|---:|---:|---:|---:|"
  for d in v2.6.27 forcecow brlock; do
    for k in 2 3; do
      args=(scenarios/odirect_fork.toml --design "$d" --param K=$k --full --property no-deadlock)
      states=$("$B" check "${args[@]}" | sed -n 3p | grep -o 'exhausted: [0-9]*' | cut -d' ' -f2)
      # shellcheck disable=SC2046
      smt=$(best "${args[@]}" $(props ""))
      # shellcheck disable=SC2046
      cxx=$(best "${args[@]}" $(props "cxx:"))
      echo "| $d | $k | $states | $smt | $cxx | $(awk -v a="$smt" -v b="$cxx" 'BEGIN{printf "%.2f", a/b}') |"
    done
  done
  if command -v valgrind >/dev/null && command -v callgrind_annotate >/dev/null; then
    echo
    echo "Instructions executed by the search (valgrind --tool=callgrind, inclusive cost of"
    echo "Explorer::run: repeatable, unlike seconds on a shared machine), ODF(2):"
    echo
    echo "| design | states | SMT-LIB instr/state | C++ instr/state | C++ / SMT |"
    echo "|---|---:|---:|---:|---:|"
    tmp=$(mktemp -d)
    for d in v2.6.27 brlock; do
      args=(scenarios/odirect_fork.toml --design "$d" --param K=2 --full --property no-deadlock)
      states=$("$B" check "${args[@]}" | sed -n 3p | grep -o 'exhausted: [0-9]*' | cut -d' ' -f2)
      ir() {
        valgrind --tool=callgrind --callgrind-out-file="$tmp/cg" "$B" check "${args[@]}" "$@" >/dev/null 2>&1 || true
        callgrind_annotate --inclusive=yes "$tmp/cg" 2>/dev/null | grep 'Explorer::run()' | head -1 | awk '{gsub(",","",$1); print $1}'
      }
      # shellcheck disable=SC2046
      smt=$(ir $(props ""))
      # shellcheck disable=SC2046
      cxx=$(ir $(props "cxx:"))
      echo "| $d | $states | $((smt / states)) | $((cxx / states)) | $(awk -v a="$smt" -v b="$cxx" 'BEGIN{printf "%.2f", b/a}') |"
    done
    rm -rf "$tmp"
  fi
} | tee "$out"
