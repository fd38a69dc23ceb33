#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""nlu_energy.py - energy per ramp step of the nonlinear unit's netlist.

Icarus compiles the OSU cell models, the NLU's RTL, the mapped netlist that
tools/ppa/synth.py wrote (SYNTHDIR/nlu/net.v, its 2 x 256 x 17-bit threshold
table cut out as an SRAM macro) and tests/ppa/tb_nlu_energy.sv; the run
converts CONVS sets of 64 random inputs back to back at B bits against a
random ascending table, checks the netlist against the RTL every cycle and
dumps the netlist's nets; tools/ppa/energy.py sums the energy of the
converting cycles. The table's storage is not in the netlist: its reads are
counted (one 2 x 17-bit read per ramp step) and priced separately.

Figures: pJ per NLU cycle (all 64 columns, the sequencer, clock and flops)
and pJ per column-step (that / 64), the unit libnpe's "nlu_step_column"
energy entry counts in. Cached per run on its inputs' hash.

Usage: nlu_energy.py SYNTHDIR OUTDIR [--bits=B,...] [--convs=N]
  default B = 5 and 8 (the NL-ADC paper's 5-bit column, the engine's 8),
  4 conversions each. Writes OUTDIR/nlu_energy.json.
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import energy      # noqa: E402
import liberty     # noqa: E402
import pe_energy   # noqa: E402
import ppa_common as pc  # noqa: E402

TB = "tests/ppa/tb_nlu_energy.sv"
BLOCK = "nlu"


def sim_netlist(net, out):
    """The netlist with the cut-out memory's ports renamed u_table.x ->
    u_table_x: Yosys writes them unescaped, which Icarus reads as
    hierarchical names."""
    with open(net) as f:
        text = f.read()
    text = re.sub(r"\bu_table\.(\w+)", r"u_table_\1", text)
    with open(out, "w") as f:
        f.write(text)
    return text


def one(synthdir, outroot, bits, convs, lib):
    _, files, params, _ = pc.BLOCKS[BLOCK]
    cols = params["NumCols"]
    net = os.path.join(synthdir, BLOCK, "net.v")
    if not os.path.exists(net):
        pc.die("%s missing: run tools/ppa/synth.py %s %s first" % (net, synthdir, BLOCK))
    name = "nlu_b%d" % bits
    outdir = os.path.join(outroot, name)
    os.makedirs(outdir, exist_ok=True)
    defs = ["-Ptb_nlu_energy.NumCols=%d" % cols, "-Ptb_nlu_energy.Bits=%d" % bits,
            "-Ptb_nlu_energy.Convs=%d" % convs]
    here = os.path.dirname(os.path.abspath(__file__))
    key = pc.digest([net, TB, pc.CELLS_V, pc.LIB] + files, " ".join(defs) + str(pe_energy.SLEW_NS) +
                    open(os.path.join(here, "energy.py")).read() +
                    open(os.path.abspath(__file__)).read())
    res_path = os.path.join(outdir, "result.json")
    if pc.cached(outdir, key) and os.path.exists(res_path):
        with open(res_path) as f:
            res = json.load(f)
        print("ppa: energy %-10s cached: %.3f pJ/column-step" % (name, res["pj_per_column_step"]),
              flush=True)
        return res
    t_start = time.time()
    simnet = os.path.join(outdir, "net_sim.v")
    text = sim_netlist(net, simnet)
    vvp = os.path.join(outdir, "tb.vvp")
    vcd = os.path.join(outdir, "net.vcd")
    pc.run(["iverilog", "-g2012", "-o", vvp, "-s", "tb_nlu_energy"] + defs +
           [pc.CELLS_V] + files + [simnet, TB], os.path.join(outdir, "iverilog.log"))
    log = os.path.join(outdir, "vvp.log")
    t_sim = pc.run(["vvp", "-n", vvp, "+vcd=" + vcd, "+seed=%d" % bits], log)
    with open(log) as f:
        out = f.read()
    m = re.search(r"tb_nlu_energy: (PASS|FAIL) .*t0_ns=(\d+) t1_ns=(\d+) cycles=(\d+) convs=(\d+)",
                  out)
    if not m:
        pc.die("no result line in %s" % log)
    if m.group(1) != "PASS":
        sys.stderr.write(out[-2000:])
        pc.die("%s: the netlist does not match the RTL (%s)" % (name, log))
    t0_ns, t1_ns, cycles, done = (int(m.group(i)) for i in range(2, 6))
    tick = pe_energy.ts_of(vcd)
    try:
        netlist = energy.Netlist(text)
        counts, _, _, _ = energy.read_vcd(vcd, "tb_nlu_energy.dut", round(t0_ns * 1e-9 / tick),
                                          round(t1_ns * 1e-9 / tick))
        res = energy.energy(lib, netlist, counts, (t1_ns - t0_ns) * 1e-9, pe_energy.SLEW_NS)
    except ValueError as e:
        pc.die("%s: %s" % (name, e))
    del res["clock_nets"]
    if res["nets_without_activity"]:
        pc.die("%s: %d loaded nets missing from the VCD (names differ?)" %
               (name, res["nets_without_activity"]))
    res.update({"block": BLOCK, "bits": bits, "columns": cols, "cycles": cycles, "convs": done,
                "pj_per_cycle": res["total"] / cycles,
                "pj_per_column_step": res["total"] / cycles / cols,
                "pj_per_code": res["total"] / (done * cols),
                "table_reads_per_cycle": 1, "table_read_bits": 34,
                "slew_ns": pe_energy.SLEW_NS, "clock_ns": 10, "sim_s": round(t_sim, 1),
                "run_s": round(time.time() - t_start, 1)})
    os.remove(vcd)
    with open(res_path, "w") as f:
        json.dump(res, f, indent=1)
    pc.mark_done(outdir, key)
    p = res["parts"]
    print("ppa: energy %-10s %.2f pJ/cycle, %.3f pJ/column-step, %.1f pJ/code "
          "(clock %.0f%%, flops %.0f%%, datapath %.0f%%) [%.0f s]" %
          (name, res["pj_per_cycle"], res["pj_per_column_step"], res["pj_per_code"],
           *(100 * (p[k]["switching"] + p[k]["internal"]) / res["total"]
             for k in ("clock", "flops", "datapath")), res["run_s"]), flush=True)
    return res


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    bits, convs = [5, 8], 4
    for a in argv[1:]:
        if a.startswith("--bits="):
            bits = [int(b) for b in a.split("=", 1)[1].split(",")]
        elif a.startswith("--convs="):
            convs = int(a.split("=", 1)[1])
    if len(args) != 2 or any(not 1 <= b <= 8 for b in bits) or convs < 1:
        pc.die(__doc__.strip().splitlines()[-4])
    pc.need("iverilog", "vvp")
    synthdir, outroot = args
    lib = liberty.read(pc.LIB)
    t0 = time.time()
    results = {}
    for b in bits:
        results["nlu:b%d" % b] = one(synthdir, outroot, b, convs, lib)
    summary = os.path.join(outroot, "nlu_energy.json")
    pc.update_json(summary, results)
    print("ppa: %d NLU energy run(s) in %.0f s -> %s" % (len(bits), time.time() - t0, summary))


if __name__ == "__main__":
    main(sys.argv)
