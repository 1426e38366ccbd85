#!/usr/bin/env bash
# What each memory model costs and changes on the whole scenario library: `cowcheck compare`
# of the designs with PageAnonExclusive (DESIGNS, default v5.19,v6.1,v6.18) under sc, tso
# and lkmm, without costs; prints, per model, the rows, the states summed over them and the
# seconds, then every row whose states or verdicts differ from sc. Figures, not asserts:
# papers/memory-ordering.md quotes a run. Needs python3 (Debian's python3) for the CSV.
# Usage: bench/memory_models.sh [path/to/cowcheck]
set -euo pipefail
cd "$(dirname "$0")/.."
bin="${1:-build/release/cowcheck}"
designs="${DESIGNS:-v5.19,v6.1,v6.18}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
for m in sc tso lkmm; do
  start=$(date +%s%N)
  "$bin" compare --designs "$designs" --scenarios scenarios --no-costs --format csv --memory-model "$m" > "$tmp/$m.csv"
  echo $(( ($(date +%s%N) - start) / 1000000 )) > "$tmp/$m.ms"
done
python3 - "$tmp" <<'PY'
import csv, sys
d = sys.argv[1]
rows = {m: list(csv.DictReader(open(f"{d}/{m}.csv"))) for m in ("sc", "tso", "lkmm")}
print("memory model | rows | states (sum) | seconds")
print("---|---:|---:|---:")
for m, rs in rows.items():
    ms = int(open(f"{d}/{m}.ms").read())
    print(f"{m} | {len(rs)} | {sum(int(r['states']) for r in rs)} | {ms / 1000:.1f}")
print()
print("rows that differ from sc:")
skip = {"scenario", "params", "design", "states", "transitions", "seconds"}
for m in ("tso", "lkmm"):
    for a, b in zip(rows["sc"], rows[m]):
        assert (a["scenario"], a["params"], a["design"]) == (b["scenario"], b["params"], b["design"])
        changed = [f"{k}: {a[k]} -> {b[k]}" for k in a if k not in skip and a[k] != b[k]]
        if a["states"] != b["states"] or changed:
            print(f"  {m}: {a['scenario']} [{a['params']}] {a['design']}: {a['states']} -> {b['states']} states"
                  + ("; " + "; ".join(changed) if changed else ""))
PY
