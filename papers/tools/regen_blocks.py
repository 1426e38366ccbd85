#!/usr/bin/env python3
"""Rewrite every `<!-- generated: cowcheck ARGS -->...<!-- end -->` block of the given
Markdown files with what `cowcheck ARGS` prints now (run from the source directory).
tests/test_generated_docs.cpp checks the blocks of README.md, docs/ and papers/. `check`'s
search statistics line (seconds, states/s) is left out, as in papers/traces/."""
import re, shlex, subprocess, sys

BIN = "build/release/cowcheck"
BLOCK = re.compile(r"(<!-- generated: cowcheck (.*?) -->\n)(.*?)(<!-- end -->)", re.S)

def regen(path):
    text = open(path).read()
    def sub(m):
        out = subprocess.run([BIN] + shlex.split(m.group(2)), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if out.returncode not in (0, 1):
            sys.exit(f"{path}: cowcheck {m.group(2)}: exit {out.returncode}\n{out.stderr}")
        kept = "".join(l for l in out.stdout.splitlines(True) if not l.startswith("search    "))
        return m.group(1) + kept + m.group(4)
    new = BLOCK.sub(sub, text)
    if new != text:
        open(path, "w").write(new)
        print("updated", path)

for p in sys.argv[1:]:
    regen(p)
