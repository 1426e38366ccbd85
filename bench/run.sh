#!/usr/bin/env bash
# Benchmark: ODF(K) (docs/reference-odf.md, scenarios/odirect_fork.toml) for
# the three 2008 designs, K = 1..KMAX, whole state space (--full), the scenario's default
# properties (SMT-LIB) checked on every state, with and without each reduction:
#   plain/1      no reduction, one core              plain        no reduction, every core
#   por          partial-order reduction             sym          frame symmetry
#   por+sym      both                                por+sym+hc   both, hash compaction (lossy)
# Prints a Markdown table and saves it, with the machine, to bench/RESULTS.md. Not a test:
# figures only. ODF(5) without POR does not fit this machine; those runs stop at
# --time-limit T5 seconds (default 60) and are marked incomplete.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/release/cowcheck
[ -x "$B" ] || { cmake --preset release >/dev/null && cmake --build --preset release >/dev/null; }
KMAX=${KMAX:-5}
T5=${T5:-60}
out=bench/RESULTS.md

row() {  # design K mode flags...
  local d=$1 k=$2 mode=$3
  shift 3
  local limit=()
  if [ "$k" -ge 5 ] && [[ "$mode" != por* ]]; then limit=(--time-limit "$T5"); fi
  j=$("$B" check scenarios/odirect_fork.toml --design "$d" --param K="$k" --full --quiet --format json "${limit[@]}" "$@" || true)
  MODE=$mode python3 -c '
import json, os, sys
j = json.load(sys.stdin); s = j["stats"]
verdicts = "".join("V" if p["verdict"] == "violated" else ("H" if p["verdict"] == "holds" else "?") for p in j["properties"])
done = j["completion"] == "exhausted"
print("| {} | {} | {} | {}{} | {} | {:.2f} | {:.0f} | {:.0f} | {} | {} |".format(
    j["design"], j["params"]["K"], os.environ["MODE"], s["states"], "" if done else " (incomplete)",
    s["transitions"], s["seconds"], s["states_per_second"], s["store_bytes"] / max(1, s["states"]),
    s["peak_rss_kb"] // 1024, verdicts))' <<<"$j"
}

{
  echo "# cowcheck benchmark: ODF(K), with and without each reduction"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo "Command: \`bash bench/run.sh\` (KMAX=$KMAX, T5=$T5). --full, the scenario's default properties"
  echo "checked on every state. plain/1 runs on one core (--threads 1); the others on every core."
  echo "Verdicts, in the scenario's property order (dma-visible, own-write-visible, pin-writable-in-owner,"
  echo "refcount-sane, no-deadlock, isolation, no-use-after-free): V violated, H holds, ? unknown."
  echo "bytes/state: the visited set (store) divided by the states; peak RSS includes the BFS queue."
  echo
  echo "| design | K | mode | states | transitions | seconds | states/s | bytes/state | peak RSS MiB | verdicts |"
  echo "|---|---:|---|---:|---:|---:|---:|---:|---:|---|"
  for k in $(seq 1 "$KMAX"); do
    for d in v2.6.27 forcecow brlock; do
      row "$d" "$k" plain/1 --threads 1
      if [ "$k" -ge 3 ]; then row "$d" "$k" plain; fi
      row "$d" "$k" por --por
      row "$d" "$k" sym --symmetry
      row "$d" "$k" por+sym --por --symmetry
      row "$d" "$k" por+sym+hc --por --symmetry --hash-compact
    done
  done
} | tee "$out"
