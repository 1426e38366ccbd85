#!/usr/bin/env bash
# Benchmark: the plain search (no reductions yet, one core) on ODF(K) for the three 2008
# designs, whole state space (--full), default properties of the scenario evaluated at
# every state. Prints a Markdown table and saves it, with the machine, to bench/RESULTS.md.
# Not a test: figures only. KMAX (default 4) bounds K; ODF(5) does not fit a plain search.
set -euo pipefail
cd "$(dirname "$0")/.."
B=build/release/cowcheck
[ -x "$B" ] || { cmake --preset release >/dev/null && cmake --build --preset release >/dev/null; }
KMAX=${KMAX:-4}
out=bench/RESULTS.md
{
  echo "# cowcheck benchmark: plain search on ODF(K)"
  echo
  echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB; $(date -u +%Y-%m-%d); commit $(git rev-parse --short HEAD 2>/dev/null || echo '?')."
  echo "Command: \`bash bench/run.sh\` (KMAX=$KMAX). One core, no reductions, collapse-compressed store,"
  echo "the scenario's default properties (SMT-LIB) evaluated at every state, --full."
  echo
  echo "| design | K | states | transitions | seconds | states/s | bytes/state | peak RSS MiB |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for d in v2.6.27 forcecow brlock; do
    for k in $(seq 1 "$KMAX"); do
      j=$("$B" check scenarios/odirect_fork.toml --design "$d" --param K="$k" --full --quiet --format json || true)
      echo "$j" | python3 -c '
import json, sys
j = json.load(sys.stdin); s = j["stats"]
print("| {} | {} | {} | {} | {:.2f} | {:.0f} | {:.0f} | {} |".format(
    j["design"], j["params"]["K"], s["states"], s["transitions"], s["seconds"], s["states_per_second"],
    s["store_bytes"] / max(1, s["states"]), s["peak_rss_kb"] // 1024))'
    done
  done
} | tee "$out"
