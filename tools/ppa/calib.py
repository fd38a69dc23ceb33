#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""calib.py - calibrates the flow's energy against Horowitz, ISSCC 2014.

The reference operators of tools/ppa/ref/npe_ref_ops.v (8- and 32-bit add,
8x8 and 32x32 multiply, combinational) go through the same flow as the
engine (tools/ppa/synth.py: Yosys, OSU 0.18 um cells, buffering, OpenSTA);
an Icarus testbench written here applies OPS random operand pairs, one per
10 ns, checks every result against a + b / a * b, and dumps the netlist's
nets; tools/ppa/energy.py gives the energy per operation at 180 nm / 1.8 V.
tools/ppa/scaling.py (Stillmaker & Baas) scales it to 45 nm / 0.9 V, where
M. Horowitz, "Computing's energy problem (and what we can do about it)",
ISSCC 2014, gives: 8-bit add 0.03 pJ, 32-bit add 0.1 pJ, 8-bit multiply
0.2 pJ, 32-bit multiply 3.1 pJ (45 nm, 0.9 V).

The calibration factor is the geometric mean over the four operators of
Horowitz / ours-at-45-nm; "calibrated" figures elsewhere are raw x factor.
It absorbs what this flow leaves out (glitches of a zero-delay simulation,
wire capacitance) and the differences between the OSU cells and the cells
behind Horowitz's figures; the spread of the four ratios says how far one
number can stand for all.

Usage: calib.py SYNTHDIR OUTDIR [--ops N]    writes OUTDIR/calib.json
"""
import json
import math
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import energy      # noqa: E402
import liberty     # noqa: E402
import ppa_common as pc  # noqa: E402
import scaling     # noqa: E402
import synth       # noqa: E402

# Horowitz ISSCC'14, 45 nm, 0.9 V, pJ per operation
HOROWITZ_PJ = {"ref_add8": 0.03, "ref_add32": 0.1, "ref_mul8": 0.2, "ref_mul32": 3.1}
SLEW_NS = 0.1
CLK_NS = 10

TB = """`timescale 1ns / 10ps
module tb_ref;
  localparam int W = %(w)d;
  localparam int N = %(n)d;
  logic [W-1:0] a = '0, b = '0;
  logic [%(yw)d-1:0] y;
  integer i, errors = 0, seed = %(seed)d;
  %(top)s_net dut (.a (a), .b (b), .y (y));
  function automatic logic [W-1:0] rnd();  // W <= 32
    return W'($random(seed));
  endfunction
  initial begin
    string vcd;
    if ($value$plusargs("vcd=%%s", vcd)) begin
      $dumpfile(vcd);
      $dumpvars(1, dut);
    end
    a = rnd(); b = rnd();
    #%(clk)d;
    for (i = 0; i < N; i++) begin
      a = rnd(); b = rnd();
      #%(clk)d;
      if (y !== %(expr)s) begin
        errors++;
        if (errors < 5) $display("tb_ref: %%0d %(op)s %%0d = %%0d, expected %%0d", a, b, y, %(expr)s);
      end
    end
    $display("tb_ref: %%s t0_ns=%(half)d t1_ns=%%0d ops=%%0d", errors ? "FAIL" : "PASS", (N + 1) * %(clk)d, N);
    $finish;
  end
endmodule
"""


def one(synthdir, outroot, block, nops, lib):
    op, w = pc.CALIB_OPS[block]
    top = pc.BLOCKS[block][0]
    syn = synth.flow(block, synthdir)
    net = os.path.join(synthdir, block, "net.v")
    outdir = os.path.join(outroot, block)
    os.makedirs(outdir, exist_ok=True)
    yw = w if op == "add" else 2 * w
    expr = "%d'(a + b)" % w if op == "add" else "%d'(%d'(a) * %d'(b))" % (yw, yw, yw)
    tb = TB % {"w": w, "n": nops, "yw": yw, "seed": 1 + w, "top": top, "clk": CLK_NS, "half": CLK_NS // 2,
               "expr": expr, "op": "+" if op == "add" else "*"}
    here = os.path.dirname(os.path.abspath(__file__))
    key = pc.digest([net, pc.CELLS_V, pc.LIB, os.path.join(here, "energy.py")], tb + str(SLEW_NS))
    res_path = os.path.join(outdir, "result.json")
    if pc.cached(outdir, key) and os.path.exists(res_path):
        with open(res_path) as f:
            res = json.load(f)
        print("ppa: calib %-10s cached: %.4f pJ/op at 180 nm" % (block, res["pj_per_op_180"]), flush=True)
        return res
    tbv = os.path.join(outdir, "tb_ref.sv")
    with open(tbv, "w") as f:
        f.write(tb)
    vvp, vcd, log = (os.path.join(outdir, n) for n in ("tb.vvp", "net.vcd", "vvp.log"))
    pc.run(["iverilog", "-g2012", "-o", vvp, "-s", "tb_ref", pc.CELLS_V, net, tbv],
           os.path.join(outdir, "iverilog.log"))
    t_sim = pc.run(["vvp", "-n", vvp, "+vcd=" + vcd], log)
    text = open(log).read()
    m = re.search(r"tb_ref: (PASS|FAIL) t0_ns=(\d+) t1_ns=(\d+) ops=(\d+)", text)
    if not m or m.group(1) != "PASS":
        sys.stderr.write(text[-2000:])
        pc.die("%s: the netlist does not compute %s (%s)" % (block, op, log))
    t0_ns, t1_ns, ops = (int(m.group(i)) for i in range(2, 5))
    with open(net) as f:
        netlist = energy.Netlist(f.read())
    tick = 1e-11  # the testbench's 10 ps precision
    counts, ts, _, _ = energy.read_vcd(vcd, "tb_ref.dut", round(t0_ns * 1e-9 / ts_guess(vcd, tick)),
                                       round(t1_ns * 1e-9 / ts_guess(vcd, tick)))
    r = energy.energy(lib, netlist, counts, (t1_ns - t0_ns) * 1e-9, SLEW_NS)
    if r["nets_without_activity"]:
        pc.die("%s: %d loaded nets missing from the VCD" % (block, r["nets_without_activity"]))
    os.remove(vcd)
    res = {"block": block, "op": op, "width": w, "ops": ops, "cells": syn["cells"],
           "area_um2_180": syn["area_um2"], "critical_path_ns_180": syn["sta"]["critical_path_ns"],
           "pj_per_op_180": r["total"] / ops, "sim_s": round(t_sim, 1)}
    with open(res_path, "w") as f:
        json.dump(res, f, indent=1)
    pc.mark_done(outdir, key)
    print("ppa: calib %-10s %.4f pJ/op at 180 nm, %.0f um^2, %.2f ns" % (
        block, res["pj_per_op_180"], res["area_um2_180"], res["critical_path_ns_180"]), flush=True)
    return res


def ts_guess(vcd, default):
    with open(vcd) as f:
        head = f.read(4096)
    m = re.search(r"\$timescale\s+(\d+)\s*(\w+)\s+\$end", head)
    return int(m.group(1)) * energy._UNITS[m.group(2)] if m else default


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    nops = 1000
    for a in argv[1:]:
        if a.startswith("--ops="):
            nops = int(a.split("=", 1)[1])
    if len(args) != 2:
        pc.die(__doc__.strip().splitlines()[-1])
    pc.need("yosys", "sta", "iverilog", "vvp")
    synthdir, outroot = args
    os.makedirs(outroot, exist_ok=True)
    lib = liberty.read(pc.LIB)
    t0 = time.time()
    _, _, e45 = scaling.factors(45)
    ops = {}
    for block in pc.CALIB_OPS:
        r = one(synthdir, outroot, block, nops, lib)
        r["pj_per_op_45"] = r["pj_per_op_180"] * e45
        r["horowitz_pj"] = HOROWITZ_PJ[block]
        r["ratio"] = HOROWITZ_PJ[block] / r["pj_per_op_45"]
        ops[block] = r
    factor = math.exp(sum(math.log(r["ratio"]) for r in ops.values()) / len(ops))
    out = {"factor": factor, "energy_45_from_180": e45, "ops": ops,
           "ratio_min": min(r["ratio"] for r in ops.values()),
           "ratio_max": max(r["ratio"] for r in ops.values()),
           "source": "Horowitz, ISSCC 2014, 45 nm 0.9 V; scaling: Stillmaker & Baas 2017",
           "method": "geometric mean of Horowitz / (ours at 180 nm x E45(0.9)/E180(1.8))"}
    with open(os.path.join(outroot, "calib.json"), "w") as f:
        json.dump(out, f, indent=1)
    for b, r in ops.items():
        print("ppa: calib %-10s 180 nm %.4f pJ -> 45 nm %.5f pJ; Horowitz %.2f pJ: ratio %.2f"
              % (b, r["pj_per_op_180"], r["pj_per_op_45"], r["horowitz_pj"], r["ratio"]))
    print("ppa: energy calibration factor %.3f (geometric mean; ratios %.2f-%.2f) in %.0f s -> %s"
          % (factor, out["ratio_min"], out["ratio_max"], time.time() - t0,
             os.path.join(outroot, "calib.json")))


if __name__ == "__main__":
    main(sys.argv)
