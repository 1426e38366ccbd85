#!/usr/bin/env python3
"""Formats `cowcheck compare --designs v5.19,cow-pte-table --scenarios scenarios/ --format json`
(read on stdin) as the table of papers/cow-pte-table.md: per row, whether every verdict is
the same, what is violated, the states and the costs that differ between the designs."""
import json
import sys

rows = json.load(sys.stdin)
by, order = {}, []
for r in rows:
    k = (r["scenario"], r["params"])
    if k not in by:
        order.append(k)
    by.setdefault(k, {})[r["design"]] = r


def bound(c):
    return str(c["min"]) if c["min"] == c["max"] else f"{c['min']}–{c['max']}"


print("| scenario | params | same verdicts | violated (both) | states v5.19 / cow-pte | "
      "pt-pages-allocated | ptes-copied-at-fork | faults | cow-copies |")
print("|---|---|---|---|---:|---|---|---|---|")
for k in order:
    a, c = by[k]["v5.19"], by[k]["cow-pte-table"]
    same = all(a["verdicts"][p] == c["verdicts"].get(p) for p in a["verdicts"])
    viol = sorted(p for p, v in c["verdicts"].items() if v == "VIOLATED")
    ca, cc = a["costs"], c["costs"]
    cells = [f"{bound(ca[n])} / {bound(cc[n])}" for n in ("pt-pages-allocated", "ptes-copied-at-fork", "faults", "cow-copies")]
    print(f"| {k[0]} | {k[1] or '-'} | {'yes' if same else 'NO'} | {', '.join(viol) or '-'} | "
          f"{a['states']} / {c['states']} | " + " | ".join(cells) + " |")
