#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""stat_blocks.py - per-block totals from a hierarchical Yosys `stat` of
Xilinx 7-series cells (synth_xilinx without -flatten), for make
zynq-soc-synth.

Each module's section lists its own cells and its submodule instances with
their counts; a block's total is its own cells plus each submodule's total
times its count. The blocks are the instances of PARENT (a module name or
the end of one: Yosys names parametrised modules `$paramod...\\NAME...`).
LUTs count as make zynq-synth counts them: logic LUTs plus those used as
memory (RAM32M / RAM64M / RAM128X1D: 4, RAM32X1D / RAM64X1D: 2, the single
ones and SRLs: 1); block RAM in 36 Kb units (RAMB18E1: half).

Usage: stat_blocks.py STAT PARENT PREFIX
Prints `BENCH PREFIX_<block>_luts N LUT` (and _ffs, _bram36, _dsp) per
block, the block named after its module without the parameters.
Exit 1 when PARENT is not in STAT.
"""
import re
import sys

LUT_WEIGHT = {"RAM32M": 4, "RAM64M": 4, "RAM128X1D": 4, "RAM32X1D": 2, "RAM64X1D": 2,
              "RAM32X1S": 1, "RAM64X1S": 1, "SRL16E": 1, "SRLC32E": 1}


def parse(text):
    """{module: {cell type or submodule: count}} from the per-module sections."""
    mods, cur = {}, None
    for line in text.splitlines():
        m = re.match(r"^=== (.+) ===$", line.strip())
        if m:
            cur = m.group(1)
            if cur == "design hierarchy":
                break
            mods[cur] = {}
            continue
        if cur is None:
            continue
        m = re.match(r"^\s+(\S+)\s+(\d+)$", line)
        if m and not line.strip().startswith("Number"):
            mods[cur][m.group(1)] = mods[cur].get(m.group(1), 0) + int(m.group(2))
    return mods


def hierarchy_totals(text):
    """(top, its cells) from the "design hierarchy" section, or (None, {})."""
    if "=== design hierarchy ===" not in text:
        return None, {}
    sec = text[text.index("=== design hierarchy ==="):].splitlines()[1:]
    top, cells = None, {}
    for line in sec:
        m = re.match(r"^\s+(\S+)\s+(\d+)$", line)
        if not m:
            continue
        if top is None:
            top = m.group(1)
        elif not line.strip().startswith("Number"):
            cells[m.group(1)] = cells.get(m.group(1), 0) + int(m.group(2))
    return top, cells


def short(name):
    """npe_top from $paramod$hash\\npe_top or $paramod\\npe_soc_ram\\Words=..."""
    if name.startswith("$paramod"):
        return name.split("\\")[1]
    return name


def totals(mods, name, memo):
    if name in memo:
        return memo[name]
    t = {"luts": 0, "ffs": 0, "bram36": 0.0, "dsp": 0}
    for cell, n in mods.get(name, {}).items():
        if cell in mods:
            sub = totals(mods, cell, memo)
            for k in t:
                t[k] += n * sub[k]
        elif re.match(r"^LUT[1-6]$", cell):
            t["luts"] += n
        elif cell in LUT_WEIGHT:
            t["luts"] += LUT_WEIGHT[cell] * n
        elif re.match(r"^FD[CPRS]E$", cell):
            t["ffs"] += n
        elif cell == "RAMB36E1":
            t["bram36"] += n
        elif cell == "RAMB18E1":
            t["bram36"] += n / 2
        elif cell == "DSP48E1":
            t["dsp"] += n
    memo[name] = t
    return t


def main(argv):
    if len(argv) != 4:
        print(__doc__.strip().splitlines()[-4], file=sys.stderr)
        return 2
    with open(argv[1]) as f:
        text = f.read()
    mods = parse(text)
    parents = [m for m in mods if short(m) == argv[2]]
    if not parents:
        print(f"stat_blocks.py: no module {argv[2]} in {argv[1]}", file=sys.stderr)
        return 1
    parent, memo = parents[0], {}
    own = {"luts": 0, "ffs": 0, "bram36": 0.0, "dsp": 0}
    rows = []
    for cell, n in mods[parent].items():
        if cell in mods:
            t = totals(mods, cell, memo)
            rows.append((short(cell), {k: n * v for k, v in t.items()}))
    whole = totals(mods, parent, memo)
    for k in own:
        own[k] = whole[k] - sum(r[1][k] for r in rows)
    rows.append((short(parent) + "_own", own))
    # the self-check: for the top, the sum equals Yosys's own totals
    top, cells = hierarchy_totals(text)
    if top == parent:
        want = totals({"t": {c: n for c, n in cells.items() if c not in mods}}, "t", {})
        if want != whole:
            print(f"stat_blocks.py: the blocks sum to {whole}, Yosys's totals are {want}",
                  file=sys.stderr)
            return 1
    for name, t in sorted(rows, key=lambda r: -r[1]["luts"]):
        print(f"BENCH {argv[3]}_{name}_luts {t['luts']} LUT")
        print(f"BENCH {argv[3]}_{name}_ffs {t['ffs']} FF")
        print(f"BENCH {argv[3]}_{name}_bram36 {t['bram36']:g} BRAM36")
        print(f"BENCH {argv[3]}_{name}_dsp {t['dsp']} DSP48E1")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
