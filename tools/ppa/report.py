#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""report.py - the PPA report from synth.py's and pe_energy.py's results.

Reads PPADIR/synth/synth.json and PPADIR/energy/energy.json; writes
PPADIR/report.md, report.csv, report.json, area.svg and energy.svg and prints one
"BENCH <name> <value> <unit>" line per figure (BENCHMARKS.md, docs/PPA.md).
Measured at 180 nm (OSU 0.18 um cells, typical corner, 1.8 V); scaled to
45 and 28 nm by tools/ppa/scaling.py (Stillmaker & Baas) and calibrated
against Horowitz ISSCC'14 by PPADIR/calib/calib.json (tools/ppa/calib.py)
when it exists; FPGA resources from PPADIR/fpga/fpga.json when it exists.
Also writes pj_per_mac.svg (per format: 180 nm, 28 nm raw, 28 nm
calibrated) and accuracy.svg (bits/char against energy) and bench.txt.

Usage: report.py PPADIR
"""
import csv
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import plots  # noqa: E402
import ppa_common as pc  # noqa: E402
import scaling  # noqa: E402

# SRAM bit-cell area. Source: D. J. Greaves, "45nm SRAM Memory Area and Power
# Consumption", University of Cambridge Computer Laboratory, SoC D/M slides
# (2008-12), http://www.cl.cam.ac.uk/teaching/1112/SysOnChip/slides/sp7tte/
# zhpd802be4b0.html: "area is about 600 square lambda for an SRAM bit cell,
# where lambda is the feature size". At 0.18 um: 600 x 0.18^2 um^2. Bit
# cells only: decoders, sense amplifiers and I/O are not included.
SRAM_LAMBDA2 = 600
FEATURE_UM = 0.18
SRAM_UM2_PER_BIT = SRAM_LAMBDA2 * FEATURE_UM ** 2

# The engine's memories that are not a synthesised block here (npe_top
# defaults, docs/ARCHITECTURE.md "npe_top parameters"): name -> bits.
ENGINE_MEMS = {
    "scratchpad A (Rows 4 x ABankWords 1024 x 64 bit x 2 buffers)": 4 * 1024 * 64 * 2,
    "scratchpad B (Cols 2 x BBankWords 32768 x 64 bit x 2 buffers)": 2 * 32768 * 64 * 2,
    "output buffer (OutGroups 32 x Rows 4 x Cols 2 x 32 bit x 2 buffers)": 32 * 8 * 32 * 2,
}


# libnpe's per-event table up to issue 14 (models/energy/npe_energy.c, git
# history): Horowitz ISSCC'14 operators at 45 nm, width scaling assumed.
TABLE_BEFORE = {"fp4": 0.24, "posit4": 0.27, "posit8": 0.49, "posit16": 1.26,
                "int8": 0.50, "ternary": 0.33}

# Published designs: their own figures, as their papers state them.
PUBLISHED = [
    ("XR-NPE (FP4/Posit4/Posit8/Posit16 SIMD MAC engine)", "28 nm CMOS", "0.016 mm^2", "1.72 GHz",
     "14 pJ (\"arithmetic intensity\", their metric)",
     "T. Chaudhari et al., arXiv 2508.13049 (2025), abstract"),
    ("quire-based posit dot-product unit (256-bit quire)", "28 nm CMOS", "29,209 um^2", "-",
     "about 3.1 pJ/MAC",
     "compared in Q. Li, C. Fang, Z. Wang, \"PDPU: an open-source posit dot-product unit\", "
     "arXiv 2302.01876 (2023); figures as quoted in issue 14, the paper's table not re-checked here"),
    ("NL-ADC: activation in a memristor crossbar's ramp ADC (the model of our NLU)",
     "memristor crossbar (experiment) + simulation", "-", "-",
     "\"manifold\" area / energy / throughput gains over digital activation (abstract, no figure)",
     "J. Yang, R. Mao et al., \"Efficient nonlinear function approximation in analog resistive "
     "crossbars for recurrent neural networks\", arXiv 2411.18271 (2024), Nature Communications "
     "(2025) doi:10.1038/s41467-025-56254-6; 32 + 5 memristors per 5-bit ramp column "
     "(Fig. 3 caption); its numeric tables were not readable here"),
    ("NLIM-ADC: LSTM macro with a 1-5 bit nonlinear in-memory ADC", "65 nm CMOS (SRAM)", "-", "-",
     "33.6-136.2 TOPS/W; average error about 1 LSB at 5 bits; 92.0 % on 12-class keyword spotting",
     "arXiv 2512.06362 (2025), title and abstract"),
]


def energy_order(k):
    blk, fmt = k.split(":")
    return (blk != "pe_all", blk == "pe_lite", pc.FORMATS.index(fmt), k)


def load_opt(path):
    if not os.path.exists(path):
        return None
    with open(path) as f:
        return json.load(f)


def lm_bpc(path="BENCHMARKS.md"):
    """bits/char per format of the hgrn character model and its MACs per
    character, from BENCHMARKS.md's 'A trained character model' table."""
    if not os.path.exists(path):
        return None
    text = open(path).read()
    i = text.find("## A trained character model on the engine")
    if i < 0:
        return None
    sec = text[i:i + 4000]
    m = re.search(r"([0-9,]+) MACs per character", sec)
    bpc = {}
    for f in pc.FORMATS:
        mm = re.search(r"^\| %s(?: \([^|]*\))? \| ([0-9.]+) " % f, sec, re.M)
        if mm:
            bpc[f] = float(mm.group(1))
    if not m or not bpc:
        return None
    return {"macs": int(m.group(1).replace(",", "")), "bpc": bpc}


def load(path):
    if not os.path.exists(path):
        pc.die("%s missing: run make ppa-synth ppa-energy (or report-ppa)" % path)
    with open(path) as f:
        return json.load(f)


def main(argv):
    if len(argv) != 2:
        pc.die("usage: report.py PPADIR")
    root = argv[1]
    syn = load(os.path.join(root, "synth", "synth.json"))
    eng = load(os.path.join(root, "energy", "energy.json"))
    bench, rows = [], []

    def b(name, value, unit, fmt="%.1f"):
        bench.append("BENCH %s %s %s" % (name, fmt % value, unit))

    md = ["# PPA report (generated by tools/ppa/report.py; do not edit)", "",
          "OSU 0.18 um standard cells (qflow-tech-osu018), typical corner, 1.8 V, 25 C.",
          "Yosys 0.23 synth + dfflibmap + abc -liberty (buffer -p; upsize; dnsize),",
          "OpenSTA report_checks (ideal clock, input/output delays 0, no wire load),",
          "Icarus zero-delay gate-level simulation + tools/ppa/energy.py.",
          "Method and sources: docs/PPA.md. Measured at 180 nm; 45 / 28 nm figures scaled (below).", "",
          "## Area and timing per block", "",
          "| block | what | cells | flops | cell area um^2 | of which flops um^2 | SRAM bits (cut out) "
          "| SRAM bit-cell area um^2 | critical path ns | from | to |",
          "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | --- |"]
    for blk in pc.BLOCK_ORDER:
        if blk not in syn:
            continue
        r = syn[blk]
        sram_area = r["sram_bits"] * SRAM_UM2_PER_BIT
        s = r["sta"]
        md.append("| %s | %s | %d | %d | %.0f | %.0f | %d | %.0f | %.2f | %s | %s |" % (
            blk, r["what"], r["cells"], r["flops"], r["area_um2"], r["flop_area_um2"],
            r["sram_bits"], sram_area, s["critical_path_ns"], s["startpoint"], s["endpoint"]))
        rows.append({"kind": "block", "name": blk, "cells": r["cells"], "flops": r["flops"],
                     "area_um2": r["area_um2"], "flop_area_um2": r["flop_area_um2"],
                     "sram_bits": r["sram_bits"], "sram_area_um2": round(sram_area),
                     "critical_path_ns": s["critical_path_ns"],
                     "startpoint": s["startpoint"], "endpoint": s["endpoint"]})
        b("ppa_area_%s" % blk, r["area_um2"], "um^2", "%.0f")
        b("ppa_crit_%s" % blk, s["critical_path_ns"], "ns", "%.2f")
        if r["sram_bits"]:
            b("ppa_sram_bits_%s" % blk, r["sram_bits"], "bit", "%d")
    singles = ["pe_" + f for f in pc.FORMATS]
    if "pe_all" in syn and all(s in syn for s in singles):
        ratio = syn["pe_all"]["area_um2"] / sum(syn[s]["area_um2"] for s in singles)
        md += ["", "Share ratio (all-format PE / sum of the six single-format PEs, cell "
               "area): **%.3f** (the NAND2-equivalent method of `make pe-bench` gives "
               "0.398, BENCHMARKS.md)." % ratio]
        b("ppa_pe_share_ratio", ratio, "ratio", "%.3f")
    md += ["", "SRAM: %d lambda^2 per bit cell at lambda = %.2f um = %.2f um^2/bit (Greaves, "
           "Cambridge SoC D/M slides; bit cells only, no periphery). Engine memories "
           "outside the synthesised blocks (npe_top defaults):" % (SRAM_LAMBDA2, FEATURE_UM,
                                                                  SRAM_UM2_PER_BIT), ""]
    md += ["| memory | bits | bit-cell area um^2 |", "| --- | ---: | ---: |"]
    for name, bits in ENGINE_MEMS.items():
        md.append("| %s | %d | %.0f |" % (name, bits, bits * SRAM_UM2_PER_BIT))
        rows.append({"kind": "sram", "name": name, "sram_bits": bits,
                     "sram_area_um2": round(bits * SRAM_UM2_PER_BIT)})
    total_bits = sum(ENGINE_MEMS.values())
    b("ppa_engine_sram_bits", total_bits, "bit", "%d")
    b("ppa_engine_sram_area", total_bits * SRAM_UM2_PER_BIT, "um^2", "%.0f")

    md += ["", "## Energy per format (gate-level activity)", "",
           "Random operands (no NaR, no invalid ternary code), dot products of 16, one word per "
           "cycle, the streaming cycles measured; the netlist matched the RTL on every cycle. "
           "Internal energy looked up at %.2f ns input transition and the net's pin load; "
           "zero-delay simulation (no glitches), no wire capacitance, no clock tree "
           "(the clock net drives every flop directly)." % (
               next(iter(eng.values()))["slew_ns"] if eng else 0), "",
           "| PE build | format | cycles | pJ/cycle | pJ/MAC | clock % | flops % | datapath % | leakage pJ/cycle |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for key in sorted(eng, key=lambda k: (k.split(":")[0] != "pe_all", k.split(":")[0] == "pe_lite",
                                          pc.FORMATS.index(k.split(":")[1]), k)):
        e = eng[key]
        blk, fmt = key.split(":")
        tot = e["total"]
        share = {k: 100 * (e["parts"][k]["switching"] + e["parts"][k]["internal"]) / tot
                 for k in ("clock", "flops", "datapath")}
        md.append("| %s | %s | %d | %.2f | %.2f | %.0f | %.0f | %.0f | %.4f |" % (
            blk, fmt, e["cycles"], e["pj_per_cycle"], e["pj_per_mac"], share["clock"], share["flops"],
            share["datapath"], e["leakage"] / e["cycles"]))
        rows.append({"kind": "energy", "name": key, "pj_per_cycle": round(e["pj_per_cycle"], 3),
                     "pj_per_mac": round(e["pj_per_mac"], 3),
                     "clock_pct": round(share["clock"], 1), "flops_pct": round(share["flops"], 1),
                     "datapath_pct": round(share["datapath"], 1)})
        tag = fmt if blk == "pe_all" else "%s_%s" % (blk, fmt)
        b("ppa_pj_per_mac_%s" % tag, e["pj_per_mac"], "pJ/MAC", "%.2f")
        b("ppa_pj_per_cycle_%s" % tag, e["pj_per_cycle"], "pJ/cycle", "%.2f")
        if blk == "pe_all":
            for k in ("clock", "flops", "datapath"):
                b("ppa_energy_share_%s_%s" % (k, fmt), share[k], "%", "%.0f")
    # ---------------------------------------------------------------- scaling
    sc = scaling.summary()
    a28, d28, e28 = (sc["28nm"][k] for k in ("area", "delay", "energy"))
    a45, d45, e45 = (sc["45nm"][k] for k in ("area", "delay", "energy"))
    md += ["", "## Scaled to 45 nm and 28 nm (Stillmaker & Baas)", "",
           "Factors from 180 nm / 1.8 V (tools/ppa/scaling.py): A. Stillmaker and B. Baas, "
           "\"Scaling equations for the accurate prediction of CMOS device performance from "
           "180 nm to 7 nm\", Integration 58 (2017) 74-81, doi:10.1016/j.vlsi.2017.02.002 "
           "(table values as transcribed in W. Romaszkan's nodeScale; 32 nm and 65 nm rows "
           "checked against the authors' corrigendum). **28 nm is not a node of the paper: "
           "interpolated geometrically between its 32 nm and 20 nm (HP) entries**, at 0.9 V.", "",
           "| to | V | area x | delay x | energy x |", "| --- | ---: | ---: | ---: | ---: |",
           "| 45 nm (HP45 entry) | %.1f | %.4f | %.4f | %.5f |" % (sc["45nm"]["vdd"], a45, d45, e45),
           "| 28 nm (interpolated 32/20 nm) | %.1f | %.4f | %.4f | %.5f |" % (sc["28nm"]["vdd"], a28, d28, e28)]
    b("ppa_scale_area_28nm", a28, "x", "%.4f")
    b("ppa_scale_delay_28nm", d28, "x", "%.4f")
    b("ppa_scale_energy_28nm", e28, "x", "%.5f")
    md += ["", "| block | area um^2 180 nm | area um^2 28 nm | critical path ns 180 nm | "
           "ns 28 nm | MHz 28 nm |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for blk in pc.BLOCK_ORDER:
        if blk not in syn:
            continue
        r = syn[blk]
        cp = r["sta"]["critical_path_ns"]
        md.append("| %s | %.0f | %.0f | %.2f | %.3f | %.0f |" % (
            blk, r["area_um2"], r["area_um2"] * a28, cp, cp * d28, 1e3 / (cp * d28)))
        rows.append({"kind": "block28", "name": blk, "area_um2": round(r["area_um2"] * a28, 1),
                     "critical_path_ns": round(cp * d28, 4), "fmax_mhz": round(1e3 / (cp * d28), 1)})
        b("ppa_area28_%s" % blk, r["area_um2"] * a28, "um^2", "%.0f")
        b("ppa_fmax28_%s" % blk, 1e3 / (cp * d28), "MHz", "%.0f")

    # ------------------------------------------------------------ calibration
    cal = load_opt(os.path.join(root, "calib", "calib.json"))
    k = cal["factor"] if cal else None
    if cal:
        md += ["", "## Calibration against Horowitz ISSCC'14 (reference operators)", "",
               "The same flow on combinational 8/32-bit adders and 8x8 / 32x32 multipliers "
               "(tools/ppa/ref/npe_ref_ops.v, tools/ppa/calib.py; %d random operand pairs each, "
               "checked against a + b / a * b), scaled to 45 nm / 0.9 V, against M. Horowitz, "
               "\"Computing's energy problem (and what we can do about it)\", ISSCC 2014 "
               "(45 nm, 0.9 V). Calibration factor = geometric mean of Horowitz / ours: "
               "**%.3f** (the four ratios %.2f-%.2f). Calibrated = raw x factor. It stands for "
               "what this flow does not model (glitches, wires) and for the difference between "
               "the OSU cells scaled by equations and a real 45 nm library." % (
                   next(iter(cal["ops"].values()))["ops"], k, cal["ratio_min"], cal["ratio_max"]), "",
               "| operator | cells | area um^2 180 nm | path ns 180 nm | pJ/op 180 nm | pJ/op 45 nm (raw) "
               "| Horowitz 45 nm pJ | Horowitz / ours |",
               "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for blk, r in cal["ops"].items():
            md.append("| %s | %d | %.0f | %.2f | %.3f | %.4f | %.2f | %.2f |" % (
                pc.BLOCKS[blk][3], r["cells"], r["area_um2_180"], r["critical_path_ns_180"],
                r["pj_per_op_180"], r["pj_per_op_45"], r["horowitz_pj"], r["ratio"]))
            rows.append({"kind": "calib", "name": blk, "area_um2": r["area_um2_180"],
                         "critical_path_ns": r["critical_path_ns_180"],
                         "pj_per_op_180": round(r["pj_per_op_180"], 4),
                         "pj_per_op_45": round(r["pj_per_op_45"], 5),
                         "horowitz_pj": r["horowitz_pj"], "ratio": round(r["ratio"], 4)})
            b("ppa_calib_ratio_%s" % blk, r["ratio"], "ratio", "%.3f")
        b("ppa_calib_factor", k, "x", "%.3f")

    # ------------------------------------------------- pJ/MAC, 180 / 28 nm
    md += ["", "## pJ/MAC per format: 180 nm, 28 nm raw, 28 nm calibrated", "",
           "| PE build | format | 180 nm | 28 nm raw | 28 nm calibrated | clock pJ 28 nm cal. "
           "| flops pJ | datapath pJ | per-event table before (45 nm, operators only) |",
           "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    mac28 = {}
    for key in sorted(eng, key=energy_order):
        e = eng[key]
        blk, fmt = key.split(":")
        raw28 = e["pj_per_mac"] * e28
        cal28 = raw28 * k if k else None
        parts = {p: (e["parts"][p]["switching"] + e["parts"][p]["internal"]) / e["macs"] * e28 * (k or 1)
                 for p in ("clock", "flops", "datapath")}
        mac28[key] = (e["pj_per_mac"], raw28, cal28)
        md.append("| %s | %s | %.2f | %.3f | %s | %.3f | %.3f | %.3f | %s |" % (
            blk, fmt, e["pj_per_mac"], raw28, "%.3f" % cal28 if k else "-", parts["clock"],
            parts["flops"], parts["datapath"],
            "%.2f" % TABLE_BEFORE[fmt] if blk == "pe_all" else ""))
        rows.append({"kind": "mac28", "name": key, "pj_per_mac": round(e["pj_per_mac"], 3),
                     "pj_per_mac_28_raw": round(raw28, 4),
                     "pj_per_mac_28_cal": round(cal28, 4) if k else "",
                     "clock_pj_28": round(parts["clock"], 4), "flops_pj_28": round(parts["flops"], 4),
                     "datapath_pj_28": round(parts["datapath"], 4)})
        tag = fmt if blk == "pe_all" else "%s_%s" % (blk, fmt)
        b("ppa_pj_per_mac28_raw_%s" % tag, raw28, "pJ/MAC", "%.3f")
        if k:
            b("ppa_pj_per_mac28_cal_%s" % tag, cal28, "pJ/MAC", "%.3f")
    # libnpe's table must hold this run's figures (models/energy/npe_energy.c)
    table_c = "models/energy/npe_energy.c"
    if os.path.exists(table_c):
        held = dict(re.findall(r'"mac_(\w+)", MEASURED_MAC\(([0-9.]+)\)', open(table_c).read()))
        stale = [f for f in pc.FORMATS if "pe_all:" + f in eng and
                 abs(float(held.get(f, "nan")) - eng["pe_all:" + f]["pj_per_mac"]) > 0.006 * eng["pe_all:" + f]["pj_per_mac"]]
        cfac = re.search(r"#define PPA_CALIB ([0-9.]+)", open(table_c).read())
        if k and cfac and abs(float(cfac.group(1)) - k) > 0.001:
            stale.append("calibration factor %s (this run %.4f)" % (cfac.group(1), k))
        if stale:
            print("ppa: WARNING %s holds other MAC figures than this run: %s; update it"
                  % (table_c, ", ".join(stale)))
        md += ["", "libnpe's table (%s): %s" % (table_c, "holds these figures" if not stale else
                                                     "**differs** from this run (%s)" % ", ".join(stale))]
    md += ["", "The clock and flip-flop columns are the PE's registers and its (ideal, unbuffered) "
           "clock net; \"per-event table before\" is libnpe's table up to issue 14 (Horowitz "
           "operators at 45 nm with width scaling assumed, no registers, no clock). With the clock "
           "and flops taken out, the 28 nm calibrated datapath energy is the figure to compare "
           "with it; libnpe's table (models/energy/npe_energy.c) now holds the all-format PE's "
           "28 nm calibrated totals."]

    # ------------------------------------------------- idle cycles: the clock gates
    idle = load_opt(os.path.join(root, "energy", "idle.json"))
    if idle:
        md += ["", "## Idle cycles and the clock gates", "",
               "The all-format PE with its clock gates (`ClockGates` 1, the ASIC build) and "
               "with enables instead (`pe_all_ungated`, as FPGA builds it), each idle (valid low, "
               "operands held, after one INT8 dot product) and busy on INT8 "
               "(`tools/ppa/pe_energy.py`, `BLOCK:idle` runs). pJ per cycle at 180 nm and at "
               "28 nm calibrated.", "",
               "| PE build | run | pJ/cycle 180 nm | pJ/cycle 28 nm cal. | clock % | flops % "
               "| datapath % |", "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        runs = dict(idle)
        if "pe_all:int8" in eng:
            runs["pe_all:int8"] = eng["pe_all:int8"]
        for key in ("pe_all:idle", "pe_all_ungated:idle", "pe_all:int8", "pe_all_ungated:int8"):
            if key not in runs:
                continue
            e = runs[key]
            blk, run = key.split(":")
            pc28 = e["pj_per_cycle"] * e28 * (k or 1)
            share = {p: 100 * (e["parts"][p]["switching"] + e["parts"][p]["internal"]) / e["total"]
                     for p in ("clock", "flops", "datapath")}
            md.append("| %s | %s | %.2f | %.4f | %.0f | %.0f | %.0f |" % (
                blk, run, e["pj_per_cycle"], pc28, share["clock"], share["flops"], share["datapath"]))
            rows.append({"kind": "pe_cycle", "name": key, "pj_per_cycle": round(e["pj_per_cycle"], 3),
                         "pj_per_cycle_28_cal": round(pc28, 5)})
            b("ppa_pj_per_cycle_%s_%s" % (blk, run), e["pj_per_cycle"], "pJ/cycle", "%.2f")
        if "pe_all:idle" in runs and "pe_all_ungated:idle" in runs:
            g, u = runs["pe_all:idle"]["pj_per_cycle"], runs["pe_all_ungated:idle"]["pj_per_cycle"]
            md += ["", "An idle cycle of the gated PE costs %.1f %% of the ungated one's (%.2f against "
                   "%.2f pJ at 180 nm)." % (100 * g / u, g, u)]
            b("ppa_idle_gated_over_ungated", g / u, "ratio", "%.3f")

    # ------------------------------------------------- the NLU's ramp steps
    nlu = load_opt(os.path.join(root, "nlu_energy", "nlu_energy.json"))
    if nlu:
        md += ["", "## Nonlinear unit: energy per ramp step (gate-level activity)", "",
               "`npe_nlu` with 64 columns (tools/ppa/nlu_energy.py, tests/ppa/tb_nlu_energy.sv): "
               "conversions of 64 random inputs back to back against a random ascending table, "
               "the netlist checked against the RTL every cycle. A column-step is one column "
               "compared with one threshold (one NLU cycle / 64): the unit libnpe's "
               "`nlu_step_column` entry counts. The threshold table (2 x 256 x 17 bits) is cut "
               "out as an SRAM and not in these figures (one 34-bit read per cycle, priced by "
               "`nlu_table_read`).", "",
               "| B | cycles | pJ/cycle 180 nm | pJ/column-step 180 nm | 28 nm raw | 28 nm calibrated "
               "| pJ/code 28 nm cal. | clock % | flops % | datapath % |",
               "| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for key in sorted(nlu, key=lambda x: nlu[x]["bits"]):
            e = nlu[key]
            share = {p: 100 * (e["parts"][p]["switching"] + e["parts"][p]["internal"]) / e["total"]
                     for p in ("clock", "flops", "datapath")}
            raw28 = e["pj_per_column_step"] * e28
            cal28 = raw28 * (k or 1)
            md.append("| %d | %d | %.2f | %.3f | %.4f | %s | %s | %.0f | %.0f | %.0f |" % (
                e["bits"], e["cycles"], e["pj_per_cycle"], e["pj_per_column_step"], raw28,
                "%.4f" % cal28 if k else "-", "%.2f" % (e["pj_per_code"] * e28 * k) if k else "-",
                share["clock"], share["flops"], share["datapath"]))
            rows.append({"kind": "nlu", "name": key, "pj_per_cycle": round(e["pj_per_cycle"], 3),
                         "pj_per_column_step": round(e["pj_per_column_step"], 4),
                         "pj_per_column_step_28_raw": round(raw28, 5),
                         "pj_per_column_step_28_cal": round(cal28, 5) if k else ""})
            b("ppa_nlu_pj_per_column_step_b%d" % e["bits"], e["pj_per_column_step"], "pJ", "%.3f")
            if k:
                b("ppa_nlu_pj_per_column_step28_cal_b%d" % e["bits"], cal28, "pJ", "%.4f")
        table_c = "models/energy/npe_energy.c"
        if os.path.exists(table_c) and "nlu:b8" in nlu:
            m = re.search(r'"nlu_step_column", MEASURED_NLU\(([0-9.]+)\)', open(table_c).read())
            have = nlu["nlu:b8"]["pj_per_column_step"]
            ok = m and abs(float(m.group(1)) - have) <= 0.006 * have
            if not ok:
                print("ppa: WARNING %s's nlu_step_column is not this run's B = 8 figure (%.3f pJ at "
                      "180 nm); update it" % (table_c, have))
            md += ["", "libnpe's `nlu_step_column` (%s): %s" % (
                table_c, "the B = 8 figure of this run" if ok else "**differs** from this run")]

    # ------------------------------------------------- the recurrence unit
    rec = load_opt(os.path.join(root, "recur_energy", "recur_energy.json"))
    if rec:
        md += ["", "## Recurrence unit: energy per element step (gate-level activity)", "",
               "`npe_recur_unit` (GRU / LSTM build, 1024 state words; tools/ppa/recur_energy.py, "
               "tests/ppa/tb_recur_energy.sv): one RECUR job per run on random data from the "
               "golden model (tests/ppa/gen_recur_energy.c), the testbench as DMA and array, the "
               "netlist checked against the RTL every cycle and its h_t and h codes against the "
               "golden model. An element step is one element of one step (DIAG: a multiply-add; "
               "GRU / LSTM: the cell update with its 3 / 4 mat-vec rows, the mat-vec itself being "
               "MACs). \"above idle\" takes the idle run's pJ/cycle times the job's cycles out: "
               "libnpe charges `recur_cycle` per cycle of a sequence and `recur_*_elem` per "
               "element. The state memories and sigmoid ROMs are cut out of the netlist and not "
               "in these figures.", "",
               "| run | N x T | cycles | pJ/cycle 180 nm | pJ/element 180 nm | above idle 180 nm "
               "| above idle 28 nm raw | 28 nm cal. | clock % | flops % | datapath % |",
               "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
        for run in ("idle", "diag", "gru", "lstm"):
            e = rec.get("recur_unit:" + run)
            if not e:
                continue
            share = {p: 100 * (e["parts"][p]["switching"] + e["parts"][p]["internal"]) / e["total"]
                     for p in ("clock", "flops", "datapath")}
            per = e["pj_per_cycle"] if run == "idle" else e["pj_per_elem_above_idle"]
            md.append("| %s | %s | %d | %.2f | %s | %s | %.4f | %s | %.0f | %.0f | %.0f |" % (
                run, "-" if run == "idle" else "%d x %d" % (e["n"], e["t"]), e["cycles"],
                e["pj_per_cycle"], "-" if run == "idle" else "%.2f" % e["pj_per_elem"],
                "(per cycle)" if run == "idle" else "%.2f" % per, per * e28,
                "%.4f" % (per * e28 * k) if k else "-",
                share["clock"], share["flops"], share["datapath"]))
            rows.append({"kind": "recur", "name": run, "pj_per_cycle": round(e["pj_per_cycle"], 3),
                         "pj_per_elem": round(e.get("pj_per_elem", 0), 3),
                         "pj_per_elem_above_idle": round(e.get("pj_per_elem_above_idle", 0), 3),
                         "pj_28_cal": round(per * e28 * k, 5) if k else ""})
            if run == "idle":
                b("ppa_recur_pj_per_cycle_idle", per, "pJ/cycle", "%.2f")
            else:
                b("ppa_recur_pj_per_elem_%s" % run, per, "pJ", "%.2f")
            if k:
                b("ppa_recur_pj28_cal_%s" % run, per * e28 * k, "pJ", "%.4f")
        table_c = "models/energy/npe_energy.c"
        if os.path.exists(table_c):
            src = open(table_c).read()
            want = {"IDLE": ("idle", "pj_per_cycle"), "DIAG": ("diag", "pj_per_elem_above_idle"),
                    "GRU": ("gru", "pj_per_elem_above_idle"),
                    "LSTM": ("lstm", "pj_per_elem_above_idle")}
            stale = []
            for macro, (run, field) in want.items():
                m = re.search(r"#define RECUR_%s_180 ([0-9.]+)" % macro, src)
                e = rec.get("recur_unit:" + run)
                if e and (not m or abs(float(m.group(1)) - e[field]) > 0.006 * e[field]):
                    stale.append(run)
            if stale:
                print("ppa: WARNING %s's recurrence-unit figures differ from this run: %s; update "
                      "them" % (table_c, ", ".join(stale)))
            md += ["", "libnpe's `recur_cycle` / `recur_*_elem` (%s): %s" % (
                table_c, "this run's figures" if not stale else
                "**differ** from this run (%s)" % ", ".join(stale))]

    # ------------------------------------------------- workloads
    wl = load_opt(os.path.join(root, "workloads", "workloads.json"))
    if wl:
        md += ["", "## Energy per workload (libnpe's estimate)", "",
               "`npe_stats.energy_pj` of each job on the simulated engine "
               "(`tools/ppa/workloads.py`): MACs at libnpe's per-format energies (the all-format PE's "
               "28 nm calibrated figures of this flow, `models/energy/npe_energy.c`), the NLU's ramp "
               "steps likewise, scratchpad and DRAM bits at Horowitz ISSCC'14's 45 nm figures (cited, "
               "not scaled), the recurrence unit at this flow's gate-level figures (its clock "
               "every cycle of the sequence, each element step above that; \"of which recurrence "
               "unit\"). The engine's control and the unit's state memories are not in it.", "",
               "| workload | format | cycles | MACs | energy nJ | of which recurrence unit nJ "
               "| pJ/MAC all-in |",
               "| --- | --- | ---: | ---: | ---: | ---: | ---: |"]
        for name, w in wl.items():
            for fmt, r in w["formats"].items():
                md.append("| %s | %s | %d | %d | %.1f | %s | %s |" % (
                    name, fmt, r["cycles"], r["macs"], r["energy_pj"] / 1e3,
                    "%.1f" % (r["recur_unit_pj"] / 1e3) if "recur_unit_pj" in r else "-",
                    "%.3f" % r["pj_per_mac"] if r["pj_per_mac"] else "-"))
                if "recur_unit_pj" in r:
                    b("ppa_workload_%s_%s_recur_unit_energy" % (name, fmt),
                      r["recur_unit_pj"] / 1e3, "nJ", "%.2f")
                rows.append({"kind": "workload", "name": "%s:%s" % (name, fmt), "cycles": r["cycles"],
                             "macs": r["macs"], "energy_pj": r["energy_pj"]})
                b("ppa_workload_%s_%s_energy" % (name, fmt), r["energy_pj"] / 1e3, "nJ", "%.2f")
        md += ["", "Commands: " + "; ".join("`%s`" % w["command"] for w in wl.values()) + "."]

    # ------------------------------------------------- published designs
    md += ["", "## Published designs (their figures, not ours)", "",
           "| design | node | area | clock | energy | source |", "| --- | --- | --- | --- | --- | --- |"]
    for d in PUBLISHED:
        md.append("| %s | %s | %s | %s | %s | %s |" % d)
        rows.append({"kind": "published", "name": d[0], "node": d[1], "area": d[2], "clock": d[3],
                     "energy": d[4], "source": d[5]})
    if "pe_all" in syn:
        pe28 = syn["pe_all"]["area_um2"] * a28
        md += ["", "Ours beside them (28 nm by the factors above, no placement or routing): the "
               "all-format PE %.0f um^2 = %.4f mm^2, %.0f MHz; FP4 %s pJ/MAC calibrated." % (
                   pe28, pe28 / 1e6, 1e3 / (syn["pe_all"]["sta"]["critical_path_ns"] * d28),
                   "%.3f" % mac28["pe_all:fp4"][2] if k and "pe_all:fp4" in mac28 else "-")]

    # ------------------------------------------------- FPGA
    fp = load_opt(os.path.join(root, "fpga", "fpga.json"))
    md += ["", "## FPGA resources", ""]
    if fp:
        md += ["| target | what | LUTs | flip-flops | BRAM | DSP | other | source |",
               "| --- | --- | ---: | ---: | ---: | ---: | --- | --- |"]
        for r in fp["rows"]:
            md.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % tuple(
                r.get(c, "") for c in ("target", "what", "lut", "ff", "bram", "dsp", "other", "source")))
            rows.append(dict({"kind": "fpga", "name": "%s %s" % (r["target"], r["what"])},
                             **{c: r.get(c, "") for c in ("lut", "ff", "bram", "dsp")}))
            tag = re.sub(r"\W+", "_", "%s %s" % (r["target"], r["what"].split(",")[0].split(" ")[0])).lower()
            b("ppa_fpga_%s_lut" % tag, r["lut"], "LUT", "%d")
            b("ppa_fpga_%s_ff" % tag, r["ff"], "FF", "%d")
        if not any(r["what"].startswith("npe_top, default") for r in fp["rows"]):
            md += ["", "Xilinx `synth_xilinx` of the whole default `npe_top`: not in this run (over "
                   "`PPA_XILINX_TIMEOUT` or failed; `build/ppa/fpga/xilinx/`, docs/PPA.md)."]
    else:
        md += ["Not measured in this run (`make ppa-fpga` writes fpga/fpga.json)."]

    # ------------------------------------------------- accuracy vs energy
    acc = lm_bpc()
    if acc and k and all("pe_all:%s" % f in mac28 for f in acc["bpc"]):
        md += ["", "## Accuracy against energy (character model)", "",
               "bits/char of `hgrn.npz` per format on the KJV sample (BENCHMARKS.md, `npe lm ... "
               "--format all`) against the PE energy of its %d MACs per character at 28 nm "
               "(calibrated, the all-format PE; no memory traffic)." % acc["macs"], "",
               "| format | bits/char | PE nJ/char 28 nm cal. |", "| --- | ---: | ---: |"]
        pts = []
        for f, bpc in acc["bpc"].items():
            nj = acc["macs"] * mac28["pe_all:%s" % f][2] / 1e3
            md.append("| %s | %.4f | %.2f |" % (f, bpc, nj))
            rows.append({"kind": "accuracy", "name": f, "bpc": bpc, "nj_per_char_28_cal": round(nj, 3)})
            pts.append((f, nj, bpc))
        plots.scatter_svg(os.path.join(root, "accuracy.svg"),
                          "Character model: bits/char vs PE energy per char (28 nm calibrated)",
                          "PE energy per character, nJ", "bits/char", pts)
    md += [""]
    # charts: area per block (flops / other cells / SRAM bit cells), PE energy per format
    area_rows = [(blk, {"flip-flops": syn[blk]["flop_area_um2"] / 1e6,
                        "other cells": (syn[blk]["area_um2"] - syn[blk]["flop_area_um2"]) / 1e6,
                        "SRAM bit cells": syn[blk]["sram_bits"] * SRAM_UM2_PER_BIT / 1e6})
                 for blk in pc.BLOCK_ORDER if blk in syn]
    plots.bars_svg(os.path.join(root, "area.svg"), "Area per block: OSU 0.18 um cells + SRAM bit cells (mm^2)",
                   "mm^2", area_rows, ["flip-flops", "other cells", "SRAM bit cells"],
                   {"flip-flops": "#4477aa", "other cells": "#66ccee", "SRAM bit cells": "#ccbb44"},
                   fmt="%.3f")
    e_rows = []
    for key in sorted(eng, key=lambda k: (k.split(":")[0] != "pe_all", k.split(":")[0] == "pe_lite",
                                          pc.FORMATS.index(k.split(":")[1]), k)):
        e = eng[key]
        e_rows.append(("%s %s" % tuple(key.split(":")),
                       {k: (e["parts"][k]["switching"] + e["parts"][k]["internal"]) / e["macs"]
                        for k in ("clock", "flops", "datapath")}))
    plots.bars_svg(os.path.join(root, "energy.svg"), "PE energy per MAC, OSU 0.18 um, 1.8 V (pJ)",
                   "pJ/MAC", e_rows, ["clock", "flops", "datapath"],
                   {"clock": "#ee6677", "flops": "#aa3377", "datapath": "#228833"}, fmt="%.1f")
    groups = [(fmt, [("180 nm", mac28["pe_all:" + fmt][0]), ("28 nm raw", mac28["pe_all:" + fmt][1])]
               + ([("28 nm calibrated", mac28["pe_all:" + fmt][2])] if k else []))
              for fmt in pc.FORMATS if "pe_all:" + fmt in mac28]
    if groups:
        plots.grouped_log_svg(os.path.join(root, "pj_per_mac.svg"),
                              "All-format PE: pJ per MAC by format (log scale)", "pJ/MAC", groups,
                              {"180 nm": "#4477aa", "28 nm raw": "#ee6677", "28 nm calibrated": "#228833"})
    md += ["Charts: `area.svg` (cell area per block), `energy.svg` (PE pJ/MAC by part, 180 nm), "
           "`pj_per_mac.svg` (180 nm / 28 nm raw / 28 nm calibrated), `accuracy.svg` "
           "(bits/char against energy).", ""]
    with open(os.path.join(root, "bench.txt"), "w") as f:
        f.write("\n".join(bench) + "\n")
    with open(os.path.join(root, "report.md"), "w") as f:
        f.write("\n".join(md))
    with open(os.path.join(root, "report.json"), "w") as f:
        json.dump({"rows": rows, "bench": bench, "sram_um2_per_bit": SRAM_UM2_PER_BIT}, f, indent=1)
    keys = sorted({k for r in rows for k in r}, key=lambda k: (k not in ("kind", "name"), k))
    with open(os.path.join(root, "report.csv"), "w", newline="") as f:
        w = csv.DictWriter(f, fieldnames=keys)
        w.writeheader()
        w.writerows(rows)
    for line in bench:
        print(line)
    print("ppa: wrote %s/report.md, report.csv, report.json, bench.txt and the SVG charts" % root)


if __name__ == "__main__":
    main(sys.argv)
