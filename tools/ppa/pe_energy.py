#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""pe_energy.py - energy per cycle and per MAC of the PE netlists, per format.

For each (block, format) run: Icarus compiles the OSU cell models, the PE's
RTL, the mapped netlist that tools/ppa/synth.py wrote (SYNTHDIR/<block>/
net.v) and tests/ppa/tb_pe_energy.sv; the run streams WORDS random words of
the format back to back (dot products of 16), checks the netlist against
the RTL every cycle, and dumps the netlist's nets; tools/ppa/energy.py sums
the energy of the streaming cycles. Cached per run on its inputs' hash.

BLOCK:idle runs the block idle instead (one INT8 dot product first, then
WORDS cycles with valid low and the operands held): the energy of an idle
PE cycle, written to OUTDIR/idle.json. The ungated all-format PE
(pe_all_ungated, enables instead of clock gates) beside the gated one shows
what the gates save.

--keep-vcd keeps each run's VCD (OUTDIR/<block>_<format>/net.vcd) for
tools/ppa/pe_breakdown.py, the energy per register group.

Usage: pe_energy.py SYNTHDIR OUTDIR [BLOCK:FORMAT|BLOCK:idle ...] [--words N] [--keep-vcd]
  default runs: every single-format PE on its format, the all-format PE on
  each format, npe_pe_lite on INT8 and ternary, pe_all and pe_all_ungated
  idle and on INT8. Writes OUTDIR/energy.json (and idle.json).
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import energy      # noqa: E402
import liberty     # noqa: E402
import ppa_common as pc  # noqa: E402

TB = "tests/ppa/tb_pe_energy.sv"
SLEW_NS = 0.1  # fixed input transition for the internal_power tables


def default_runs():
    runs = [("pe_" + f, f) for f in pc.FORMATS]
    runs += [("pe_all", f) for f in pc.FORMATS]
    runs += [("pe_lite", "int8"), ("pe_lite", "ternary")]
    runs += [("pe_all", "idle"), ("pe_all_ungated", "idle"), ("pe_all_ungated", "int8")]
    return runs


def one(synthdir, outroot, block, fmt, words, lib, keep_vcd=False):
    top, files, params, _ = pc.BLOCKS[block]
    lite = top == "npe_pe_lite"
    mask = params["FormatMask"]
    idle = fmt == "idle"
    # an idle run's dot product before the window: INT8, else the lowest format built
    code = (4 if mask & 0x10 else (mask & -mask).bit_length() - 1) if idle else pc.FORMATS.index(fmt)
    if not mask & (1 << code):
        pc.die("%s does not build %s" % (block, fmt))
    net = os.path.join(synthdir, block, "net.v")
    if not os.path.exists(net):
        pc.die("%s missing: run tools/ppa/synth.py %s %s first" % (net, synthdir, block))
    name = "%s_%s" % (block, fmt)
    outdir = os.path.join(outroot, name)
    os.makedirs(outdir, exist_ok=True)
    defs = ["-Ptb_pe_energy.FormatMask=%d" % mask, "-Ptb_pe_energy.Lite=%d" % int(lite),
            "-Ptb_pe_energy.Fmt=%d" % code, "-Ptb_pe_energy.Words=%d" % words,
            "-Ptb_pe_energy.HasCounters=%d" % params.get("HasCounters", 1),
            "-Ptb_pe_energy.ClockGates=%d" % params.get("ClockGates", 0),
            "-Ptb_pe_energy.Idle=%d" % int(idle)]
    key = pc.digest([net, TB, pc.CELLS_V, pc.LIB] + files, " ".join(defs) + str(SLEW_NS) +
                    open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "energy.py")).read())
    res_path = os.path.join(outdir, "result.json")
    if pc.cached(outdir, key) and os.path.exists(res_path):
        with open(res_path) as f:
            res = json.load(f)
        print("ppa: energy %-22s cached: %.2f pJ/cycle" % (name, res["pj_per_cycle"]), flush=True)
        return res
    t_start = time.time()
    vvp = os.path.join(outdir, "tb.vvp")
    vcd = os.path.join(outdir, "net.vcd")
    pc.run(["iverilog", "-g2012", "-o", vvp, "-s", "tb_pe_energy"] + defs +
           [pc.CELLS_V] + files + [net, TB], os.path.join(outdir, "iverilog.log"))
    log = os.path.join(outdir, "vvp.log")
    t_sim = pc.run(["vvp", "-n", vvp, "+vcd=" + vcd, "+seed=%d" % (1 + code)], log)
    with open(log) as f:
        text = f.read()
    m = re.search(r"tb_pe_energy: (PASS|FAIL) .*t0_ns=(\d+) t1_ns=(\d+) cycles=(\d+) macs=(\d+)", text)
    if not m:
        pc.die("no result line in %s" % log)
    if m.group(1) != "PASS":
        sys.stderr.write(text[-2000:])
        pc.die("%s: the netlist does not match the RTL (%s)" % (name, log))
    t0_ns, t1_ns, cycles, macs = (int(m.group(i)) for i in range(2, 6))
    scope = "tb_pe_energy.%s.dut" % ("gen_lite" if lite else "gen_full")
    tick = ts_of(vcd)
    try:
        with open(net) as f:
            netlist = energy.Netlist(f.read())
        counts, _, _, _ = energy.read_vcd(vcd, scope, round(t0_ns * 1e-9 / tick),
                                          round(t1_ns * 1e-9 / tick))
        res = energy.energy(lib, netlist, counts, (t1_ns - t0_ns) * 1e-9, SLEW_NS)
    except ValueError as e:
        pc.die("%s: %s" % (name, e))
    del res["clock_nets"]
    if res["nets_without_activity"]:
        pc.die("%s: %d loaded nets missing from the VCD (names differ?)" % (name, res["nets_without_activity"]))
    res.update({"block": block, "format": fmt, "cycles": cycles, "macs": macs,
                "pj_per_cycle": res["total"] / cycles,
                "pj_per_mac": res["total"] / macs if macs else None,
                "slew_ns": SLEW_NS, "clock_ns": 10, "sim_s": round(t_sim, 1),
                "run_s": round(time.time() - t_start, 1)})
    if not keep_vcd:
        os.remove(vcd)  # tens of MB; the counts are in result.json's totals
    res.update({"t0_ns": t0_ns, "t1_ns": t1_ns, "scope": scope})
    with open(res_path, "w") as f:
        json.dump(res, f, indent=1)
    pc.mark_done(outdir, key)
    p = res["parts"]
    print("ppa: energy %-22s %.2f pJ/cycle, %s (clock %.0f%%, flops %.0f%%, datapath %.0f%%) "
          "[%.0f s]" % (name, res["pj_per_cycle"],
                        "idle" if idle else "%.2f pJ/MAC" % res["pj_per_mac"],
                        *(100 * (p[k]["switching"] + p[k]["internal"]) / res["total"]
                          for k in ("clock", "flops", "datapath")), res["run_s"]), flush=True)
    return res


def ts_of(vcd):
    with open(vcd) as f:
        head = f.read(4096)
    m = re.search(r"\$timescale\s+(\d+)\s*(\w+)\s+\$end", head)
    return int(m.group(1)) * energy._UNITS[m.group(2)] if m else 1e-9


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    words = 256
    for a in argv[1:]:
        if a.startswith("--words="):
            words = int(a.split("=", 1)[1])
    if len(args) < 2:
        pc.die(__doc__.strip().splitlines()[-3])
    pc.need("iverilog", "vvp")
    synthdir, outroot = args[0], args[1]
    runs = [tuple(r.split(":")) for r in args[2:]] or default_runs()
    lib = liberty.read(pc.LIB)
    t0 = time.time()
    results = {}
    for block, fmt in runs:
        if block not in pc.BLOCKS or fmt not in pc.FORMATS + ["idle"]:
            pc.die("unknown run %s:%s" % (block, fmt))
        results["%s:%s" % (block, fmt)] = one(synthdir, outroot, block, fmt, words, lib,
                                              "--keep-vcd" in argv)
    summary = os.path.join(outroot, "energy.json")
    busy = {k: v for k, v in results.items() if not k.endswith(":idle")}
    idle = {k: v for k, v in results.items() if k.endswith(":idle")}
    # energy.json: busy runs of the engine's PEs (the report's per-MAC
    # figures); the ungated comparison and idle runs go to idle.json
    comp = {k: v for k, v in busy.items() if k.startswith("pe_all_ungated:")}
    pc.update_json(summary, {k: v for k, v in busy.items() if k not in comp})
    if idle or comp:
        pc.update_json(os.path.join(outroot, "idle.json"), {**idle, **comp})
    print("ppa: %d energy run(s) in %.0f s -> %s" % (len(runs), time.time() - t0, summary))


if __name__ == "__main__":
    main(sys.argv)
