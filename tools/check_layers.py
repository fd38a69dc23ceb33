#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""Fails if a C/C++ source of one layer includes a header of a layer above it.

The layers, bottom up (docs/ARCHITECTURE.md, "Layers"):

    golden <- models <- sim <- driver <- cli
    include (generated hardware-interface headers) sits beside golden

Every `#include "..."` line of a file under a layer's folders is resolved to
a file of the tree (relative to the including file, else by name among the
layers' headers); a header outside every layer (the C library, Verilator's
and the Verilated models' headers) is not ours and passes. Tests, tools and
examples are not layers: they may include anything.

Usage: tools/check_layers.py [ROOT]. Exit status 0 when every include points
down or sideways, 1 with one line per upward include otherwise.
"""
import os
import re
import sys

# name, folders, the layers it may include from (itself always)
LAYERS = [
    ("golden", ["golden"], []),
    ("include", ["include"], []),
    ("models", ["models"], ["golden"]),
    ("sim", ["sim"], ["golden", "models", "include"]),
    ("driver", ["driver/include", "driver/src"], ["golden", "models", "include", "sim"]),
    ("cli", ["driver/cli"], ["golden", "models", "include", "sim", "driver"]),
]
SOURCES = (".c", ".h", ".cpp", ".hpp", ".cc")
INCLUDE = re.compile(r'^\s*#\s*include\s*"([^"]+)"')


def layer_of(path):
    for name, folders, _ in LAYERS:
        if any(path == f or path.startswith(f + "/") for f in folders):
            return name
    return None


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    files = []  # repository-relative paths of every layer's sources
    for _, folders, _ in LAYERS:
        for folder in folders:
            for d, _, names in os.walk(os.path.join(root, folder)):
                for n in names:
                    if n.endswith(SOURCES):
                        files.append(os.path.relpath(os.path.join(d, n), root))
    by_name = {}
    for f in files:
        by_name.setdefault(os.path.basename(f), []).append(f)
    allowed = {name: set(below) | {name} for name, _, below in LAYERS}
    bad = []
    for name, paths in sorted(by_name.items()):
        if len({layer_of(p) for p in paths}) > 1:  # the name alone could not say which
            bad.append("%s: header name in two layers: %s" % (name, ", ".join(sorted(paths))))
    for f in sorted(files):
        src = layer_of(f)
        with open(os.path.join(root, f), encoding="utf-8", errors="replace") as fh:
            for lineno, line in enumerate(fh, 1):
                m = INCLUDE.match(line)
                if not m:
                    continue
                inc = m.group(1)
                rel = os.path.normpath(os.path.join(os.path.dirname(f), inc))
                if os.path.isfile(os.path.join(root, rel)):
                    target = rel
                elif len(by_name.get(os.path.basename(inc), [])) == 1:
                    target = by_name[os.path.basename(inc)][0]
                else:
                    continue  # not ours: system, Verilator, generated models
                dst = layer_of(target)
                if dst is not None and dst not in allowed[src]:
                    bad.append("%s:%d: includes %s (%s): %s may include only %s" % (
                        f, lineno, target, dst, src, ", ".join(sorted(allowed[src]))))
    for b in bad:
        print("check_layers: " + b)
    if bad:
        print("check_layers: FAIL: %d upward include(s); layers: "
              "golden <- models <- sim <- driver <- cli (include/ beside golden)" % len(bad))
        return 1
    print("check_layers: %d files, every include points down "
          "(golden <- models <- sim <- driver <- cli)" % len(files))
    return 0


if __name__ == "__main__":
    sys.exit(main())
