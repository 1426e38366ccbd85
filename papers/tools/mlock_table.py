#!/usr/bin/env python3
"""Formats `cowcheck compare --designs mlock-v2.6.37,mlock-v2.6.38 --scenarios
scenarios/mlock_shared_file.toml scenarios/mlock_private_cow.toml --format json` (read on
stdin) as the tables of papers/mlock-dirtying.md: per row and design, what is violated and
the costs the 2010 thread argued about."""
import json
import sys

COSTS = ("pages-dirtied", "writebacks", "mlock-blocks", "faults", "cow-copies", "ptes-wrprotected")


def bound(c):
    return str(c["min"]) if c["min"] == c["max"] else f"{c['min']}–{c['max']}"


rows = json.load(sys.stdin)
print("| scenario | params | design | violated | states | " + " | ".join(COSTS) + " |")
print("|---|---|---|---|---:|" + "---:|" * len(COSTS))
for r in rows:
    viol = sorted(p for p, v in r["verdicts"].items() if v == "VIOLATED")
    cells = [bound(r["costs"][n]) for n in COSTS]
    print(f"| {r['scenario']} | {r['params'] or '-'} | {r['design']} | {', '.join(viol) or '-'} | {r['states']} | "
          + " | ".join(cells) + " |")
