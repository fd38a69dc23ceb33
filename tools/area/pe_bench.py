#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""pe_bench.py - area and FPGA figures of the PE (rtl/pe), as BENCH lines.

  BENCH pe_area_nand2_<cfg> <n> NAND2eq   Yosys generic gates, weighted below
  BENCH pe_area_share_ratio <r> ratio     all-format PE / sum of single-format PEs
  BENCH pe_datapath_share_ratio <r> ratio the same for decode+multiply+align only
  BENCH pe_ice40_lut|ff|dsp <n> ...       synth_ice40
  BENCH pe_ice40_fmax <f> MHz             nextpnr-ice40 (HX8K, ct256)
  BENCH pe_xilinx_lut|ff|dsp <n> ...      synth_xilinx (7-series)
  BENCH pe_peak_macs_<fmt> <n> MAC/cycle  lanes of the design

Usage: pe_bench.py OUTDIR [--quick]   (--quick: skip nextpnr)
"""
import os
import re
import subprocess
import sys
import time

RTL = ["rtl/npe_pkg.sv"] + ["rtl/pe/%s.sv" % m for m in (
    "npe_pe_dec", "npe_pe_front", "npe_pe_mul", "npe_pe_align", "npe_pe_quire",
    "npe_pe_norm", "npe_pe_posit_enc", "npe_pe_round", "npe_pe_cnt", "npe_pe_qslots", "npe_clk_gate", "npe_pe")]
DATAPATH = RTL + ["tools/area/npe_pe_datapath.sv"]

CONFIGS = [("all", 0x3F), ("fp4", 0x01), ("posit4", 0x02), ("posit8", 0x04),
           ("posit16", 0x08), ("int8", 0x10), ("ternary", 0x20)]

# NAND2-equivalent weights: X1 cell areas of the Nangate 45 nm Open Cell
# Library (um^2: NAND2 0.798, NOR2 0.798, INV 0.532, AND2/OR2 1.064,
# XOR2/XNOR2 1.596, MUX2 1.862, DFF 4.522, DFFR/DFFS 5.320) / NAND2.
WEIGHTS = {
    "$_NAND_": 1.0, "$_NOR_": 1.0, "$_NOT_": 0.667, "$_AND_": 1.333, "$_OR_": 1.333,
    "$_XOR_": 2.0, "$_XNOR_": 2.0, "$_MUX_": 2.333, "$_BUF_": 0.0,
    "$_DFF_P_": 5.667, "$_DFF_PN0_": 6.667, "$_DFF_PN1_": 6.667,
}

# MACs per cycle of each format (docs/PE.md lane plan).
PEAK_MACS = {"fp4": 4, "posit4": 4, "posit8": 2, "posit16": 1, "int8": 2, "ternary": 2}


def run(cmd):
    """Runs a tool quietly; shows its output only if it fails."""
    r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if r.returncode:
        sys.stderr.write(r.stdout)
        raise SystemExit("pe_bench: %s failed" % cmd[0])


def yosys(log, cmds):
    """Runs yosys with the given command string; returns the log text."""
    run(["yosys", "-q", "-l", log, "-p", cmds])
    with open(log) as f:
        return f.read()


def last_stat(text):
    """Cell counts of the last 'stat' in a yosys log."""
    block = text[text.rfind("Number of cells"):]
    cells = {}
    for line in block.splitlines()[1:]:
        m = re.match(r"\s+(\S+)\s+(\d+)\s*$", line)
        if not m:
            if cells:
                break
            continue
        cells[m.group(1)] = int(m.group(2))
    return cells


def nand2eq(cells):
    unknown = [c for c in cells if c not in WEIGHTS]
    if unknown:
        raise SystemExit("pe_bench: no gate weight for %s" % unknown)
    return sum(WEIGHTS[c] * n for c, n in cells.items())


def read(files):
    return "read_verilog -sv %s; " % " ".join(files)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "build/pe/bench"
    quick = "--quick" in sys.argv
    os.makedirs(out, exist_ok=True)
    lines = []

    def bench(name, value, unit):
        line = "BENCH %s %s %s" % (name, value, unit)
        print(line, flush=True)
        lines.append(line)

    t0 = time.time()
    # Generic gates: whole PE and datapath only, per build
    area, dp = {}, {}
    for cfg, mask in CONFIGS:
        text = yosys("%s/gates_%s.log" % (out, cfg), read(RTL) +
                     "hierarchy -top npe_pe -chparam FormatMask %d; "
                     "script tools/area/pe_gates.ys" % mask)
        area[cfg] = nand2eq(last_stat(text))
        bench("pe_area_nand2_%s" % cfg, "%.0f" % area[cfg], "NAND2eq")
        text = yosys("%s/datapath_%s.log" % (out, cfg), read(DATAPATH) +
                     "hierarchy -top npe_pe_datapath -chparam FormatMask %d; "
                     "script tools/area/pe_gates.ys" % mask)
        dp[cfg] = nand2eq(last_stat(text))
        bench("pe_datapath_nand2_%s" % cfg, "%.0f" % dp[cfg], "NAND2eq")
    singles = [c for c, _ in CONFIGS if c != "all"]
    bench("pe_area_share_ratio", "%.3f" % (area["all"] / sum(area[c] for c in singles)),
          "ratio")
    bench("pe_datapath_share_ratio", "%.3f" % (dp["all"] / sum(dp[c] for c in singles)),
          "ratio")

    # iCE40
    json = "%s/pe_ice40.json" % out
    text = yosys("%s/ice40.log" % out, read(RTL) + "hierarchy -top npe_pe; "
                 "script tools/area/pe_ice40.ys; write_json %s" % json)
    cells = last_stat(text)
    bench("pe_ice40_lut", cells.get("SB_LUT4", 0), "LUT")
    bench("pe_ice40_ff", sum(n for c, n in cells.items() if c.startswith("SB_DFF")), "FF")
    bench("pe_ice40_dsp", cells.get("SB_MAC16", 0), "DSP")
    bench("pe_ice40_carry", cells.get("SB_CARRY", 0), "CARRY")
    if not quick:
        log = "%s/nextpnr_ice40.log" % out
        run(["nextpnr-ice40", "--hx8k", "--package", "ct256", "--json", json,
             "--pcf-allow-unconstrained", "--timing-allow-fail", "--freq", "40",
             "--seed", "1", "-l", log])
        with open(log) as f:
            fmax = re.findall(r"Max frequency for clock\s+'[^']*':\s+([\d.]+) MHz", f.read())
        bench("pe_ice40_fmax", fmax[-1] if fmax else "nan", "MHz")

    # Xilinx 7-series
    text = yosys("%s/xilinx.log" % out, read(RTL) + "hierarchy -top npe_pe; "
                 "script tools/area/pe_xilinx.ys")
    cells = last_stat(text)
    bench("pe_xilinx_lut", sum(n for c, n in cells.items() if re.match(r"LUT\d$", c)), "LUT")
    bench("pe_xilinx_ff", sum(n for c, n in cells.items() if re.match(r"FD[A-Z]*$", c)), "FF")
    bench("pe_xilinx_dsp", sum(n for c, n in cells.items() if c.startswith("DSP")), "DSP")

    for fmt, n in PEAK_MACS.items():
        bench("pe_peak_macs_%s" % fmt, n, "MAC/cycle")
    with open("%s/pe_bench.txt" % out, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("pe_bench: %.0f s" % (time.time() - t0), file=sys.stderr)


if __name__ == "__main__":
    main()
