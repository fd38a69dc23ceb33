#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""recur_energy.py - energy per element step of the recurrence unit's netlist.

Icarus compiles the OSU cell models, the recurrence unit's RTL, the mapped
netlist that tools/ppa/synth.py wrote (SYNTHDIR/recur_unit/net.v: its h / c
state memories and sigmoid ROMs cut out as SRAM macros), a wrapper this
script writes from SYNTHDIR/recur_unit/srams.txt (models of those memories:
the ROMs with the contents Yosys found, the state memories written by the
netlist's own write ports) and tests/ppa/tb_recur_energy.sv. One run per
job: a DIAG sequence (h_t = a_t h_{t-1} + b_t), a GRU and an LSTM sequence
(INT8 h codes and weights; the testbench plays the array, returning W_hh
times the codes of h_{t-1}), and the unit idle. The stimulus and the
expected h_t and codes come from the golden model
(tests/ppa/gen_recur_energy.c, linked with the golden library); the
netlist is checked against the RTL every cycle and against the golden
model's results (the run fails otherwise). tools/ppa/energy.py sums the
energy of each job's window (dispatch to done).

Figures: pJ per cycle idle; per job pJ per cycle and per element step
(one element of one step: a DIAG multiply-add, a GRU / LSTM cell update with
its G mat-vec rows), and the element's energy above idle: (window - idle
per cycle x window cycles) / elements, what libnpe's "recur_*_elem"
entries count beside "recur_cycle". The cut-out memories' accesses are not
in the netlist (one read and one write of h per element, LSTM c too; two
16-bit ROM lookups per gate). Cached per run on its inputs' hash.

Usage: recur_energy.py SYNTHDIR OUTDIR [--golden=LIB] [RUN ...]
  RUN idle, diag, gru or lstm (default: all four). LIB: the golden
  library (default build/golden/libnpegolden.a; make build/golden/
  libnpegolden.a). Writes OUTDIR/recur_energy.json.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import energy      # noqa: E402
import liberty     # noqa: E402
import pe_energy   # noqa: E402
import ppa_common as pc  # noqa: E402

TB = "tests/ppa/tb_recur_energy.sv"
GEN = "tests/ppa/gen_recur_energy.c"
BLOCK = "recur_unit"
# mode code, N, T of each run (small: the netlist has 93k cells); idle: cycles
RUNS = {"idle": (3, 8, 1), "diag": (0, 32, 8), "gru": (1, 16, 4), "lstm": (2, 16, 4)}
IDLE_CYCLES = 128
LAT = 8   # the testbench array's cycles from a mat-vec's issue to its first rows


def rtlil_to_verilog(name):
    """The name write_verilog gives an RTLIL wire: public names (\\x) plain
    when they are identifiers with dots (Yosys 0.23 writes those unescaped),
    others escaped (a backslash, the name, a space)."""
    if name.startswith("\\") and re.match(r"^[A-Za-z_][\w.]*$", name[1:]):
        return name[1:], False
    return "\\" + (name[1:] if name.startswith("\\") else name) + " ", True


def parse_sig(spec, path, port):
    """An RTLIL signal (a wire, a slice, or a concatenation of those) as a
    list of (wire, (hi, lo) or None), MSB first; None when unconnected."""
    if spec in ("{ }", "1'x"):
        return None
    inner = spec[1:-1].strip() if spec.startswith("{") else spec
    toks = inner.split()
    items = []
    for t in toks:
        r = re.match(r"^\[(\d+)(?::(\d+))?\]$", t)
        if r:
            if not items or items[-1][1] is not None:
                pc.die("%s: port %s: '%s'" % (path, port, spec))
            hi = int(r.group(1))
            items[-1] = (items[-1][0], (hi, int(r.group(2)) if r.group(2) else hi))
        elif t[0] in "\\$":
            items.append((t, None))
        else:
            pc.die("%s: port %s on '%s' (a constant: not modelled)" % (path, port, spec))
    return items


def parse_mems(path):
    """The cut-out memories of srams.txt: size, width, contents (ROMs) and
    the wire (and bit range) on each port."""
    with open(path) as f:
        text = f.read()
    mems = []
    for cell in text.split("cell $mem_v2")[1:]:
        m = {"size": int(re.search(r"parameter \\SIZE (\d+)", cell).group(1)),
             "width": int(re.search(r"parameter \\WIDTH (\d+)", cell).group(1)),
             "abits": int(re.search(r"parameter \\ABITS (\d+)", cell).group(1)),
             "wr_ports": int(re.search(r"parameter \\WR_PORTS (\d+)", cell).group(1)),
             "rd_ports": int(re.search(r"parameter \\RD_PORTS (\d+)", cell).group(1))}
        if m["rd_ports"] != 1 or m["wr_ports"] > 1:
            pc.die("%s: a memory with %d read / %d write ports (the wrapper models 1 / 0-1)" %
                   (path, m["rd_ports"], m["wr_ports"]))
        if re.search(r"parameter \\RD_CLK_ENABLE 1'1", cell):
            pc.die("%s: a memory with a clocked read (the wrapper models asynchronous ones)" % path)
        init = re.search(r"parameter \\INIT (\d+)'([01x]+)", cell)
        m["init"] = init.group(2) if init and set(init.group(2)) != {"x"} else None
        for port in ("RD_ADDR", "RD_DATA", "WR_ADDR", "WR_DATA", "WR_EN", "WR_CLK"):
            c = re.search(r"connect \\%s (.*)$" % port, cell, re.M)
            spec = c.group(1).strip() if c else "{ }"
            m[port] = parse_sig(spec, path, port)
        if m["wr_ports"] and [w for w, _ in m["WR_CLK"]] != ["\\clk_i"]:
            pc.die("%s: a memory written on %s, not clk_i" % (path, m["WR_CLK"]))
        mems.append(m)
    return mems


def sim_netlist(net, mems, out):
    """The netlist with each memory port's wire renamed mp<k> (a plain
    identifier): returns (text, {RTLIL name: mp<k>}, {mp<k>: (dir, width)})."""
    with open(net) as f:
        text = f.read()
    names = {}
    for m in mems:
        for port in ("RD_ADDR", "RD_DATA", "WR_ADDR", "WR_DATA", "WR_EN"):
            for wire, _ in m[port] or []:
                if wire not in names:
                    names[wire] = "mp%d" % len(names)
    for rtl, new in names.items():
        vname, escaped = rtlil_to_verilog(rtl)
        if escaped:
            if vname not in text:
                pc.die("%s: memory port wire %s not in the netlist" % (net, vname))
            text = text.replace(vname, new + " ")
        else:
            pat = r"(?<![\w$.\\])" + re.escape(vname) + r"(?![\w$.])"
            if not re.search(pat, text):
                pc.die("%s: memory port wire %s not in the netlist" % (net, vname))
            text = re.sub(pat, new, text)
    ports = {}
    for d, w, n in re.findall(r"^\s*(input|output)\s+(?:\[(\d+):0\]\s+)?(mp\d+)\s*;", text, re.M):
        ports[n] = (d, int(w) + 1 if w else 1)
    if set(ports) != set(names.values()):
        pc.die("%s: memory wires that are not block ports: %s" %
               (net, sorted(set(names.values()) - set(ports))))
    with open(out, "w") as f:
        f.write(text)
    return text, names, ports


def wrapper(text, mems, names, ports, out):
    """recur_net_wrap: npe_recur_unit's ports, the netlist, the memories."""
    top = pc.BLOCKS[BLOCK][0] + "_net"
    head = re.search(r"^module %s\((.*?)\);" % top, text, re.S | re.M)
    decls = []
    for d, w, n in re.findall(r"^\s*(input|output)\s+(?:\[(\d+):0\]\s+)?(\w+)\s*;", text, re.M):
        if n not in ports:
            decls.append((d, int(w) + 1 if w else 1, n))
    body = ["// Generated by tools/ppa/recur_energy.py from srams.txt; do not edit.",
            "module recur_net_wrap ("]
    body.append(",\n".join("  %s logic [%d:0] %s" % (d, w - 1, n) for d, w, n in decls))
    body.append(");")
    for n, (d, w) in sorted(ports.items()):
        body.append("  wire [%d:0] %s;" % (w - 1, n))
    body.append("  %s dut (%s);" % (top, ", ".join(
        ".%s(%s)" % (n, n) for n in [x for _, _, x in decls] + sorted(ports))))
    driven = {}
    for k, m in enumerate(mems):
        w, size = m["width"], m["size"]
        body.append("  logic [%d:0] mem%d [%d];" % (w - 1, k, size))

        def sig(port):
            parts = ["%s[%d:%d]" % (names[w], r[0], r[1]) if r else names[w] for w, r in m[port]]
            return parts[0] if len(parts) == 1 else "{%s}" % ", ".join(parts)
        if m["init"]:
            bits = m["init"].replace("x", "0").rjust(size * w, "0")
            body.append("  initial begin")
            for a in range(size):
                word = bits[len(bits) - (a + 1) * w: len(bits) - a * w]
                body.append("    mem%d[%d] = %d'b%s;" % (k, a, w, word))
            body.append("  end")
        elif not m["wr_ports"]:
            pc.die("a memory with neither contents nor a write port")
        for rd_wire, rd_rng in m["RD_DATA"]:
            n = names[rd_wire]
            lo, hi = (rd_rng[1], rd_rng[0]) if rd_rng else (0, ports[n][1] - 1)
            driven.setdefault(n, set()).update(range(lo, hi + 1))
        body.append("  assign %s = mem%d[%s];" % (sig("RD_DATA"), k, sig("RD_ADDR")))
        if m["wr_ports"]:
            body.append("  wire [%d:0] mem%d_we = %s, mem%d_wd = %s;" %
                        (w - 1, k, sig("WR_EN"), k, sig("WR_DATA")))
            body.append("  wire [%d:0] mem%d_wa = %s;" % (m["abits"] - 1, k, sig("WR_ADDR")))
            body.append("  always @(posedge clk_i)")
            body.append("    for (int b = 0; b < %d; b++) if (mem%d_we[b]) mem%d[mem%d_wa][b] <= "
                        "mem%d_wd[b];" % (w, k, k, k, k))
    # input bits of a memory wire that no memory drives (a constant in the
    # RTL, e.g. bit 16 of a 17-bit table value held in 16-bit words): 0
    for n, (d, w) in sorted(ports.items()):
        if d == "input":
            for b in range(w):
                if b not in driven.get(n, ()):
                    body.append("  assign %s[%d] = 1'b0;" % (n, b))
    body.append("endmodule")
    with open(out, "w") as f:
        f.write("\n".join(body) + "\n")


def build_gen(outroot, golden):
    exe = os.path.join(outroot, "gen_recur_energy")
    if not os.path.exists(golden):
        pc.die("%s missing: run make %s first" % (golden, golden))
    pc.run(["cc", "-std=c11", "-O2", "-Wall", "-Wextra", "-Werror", "-Igolden/include", "-o", exe,
            GEN, golden, "-lm"], os.path.join(outroot, "gen.log"))
    return exe


def compile_tb(outroot, net, mems, run):
    """The simulation netlist, the wrapper and tb.vvp for one run."""
    _, files, _, _ = pc.BLOCKS[BLOCK]
    mode, n, t = RUNS[run]
    outdir = os.path.join(outroot, run)
    os.makedirs(outdir, exist_ok=True)
    simnet = os.path.join(outroot, "net_sim.v")
    wrap = os.path.join(outroot, "recur_net_wrap.sv")
    text, names, ports = sim_netlist(net, mems, simnet)
    wrapper(text, mems, names, ports, wrap)
    vvp = os.path.join(outdir, "tb.vvp")
    defs = ["-Ptb_recur_energy.Mode=%d" % mode, "-Ptb_recur_energy.N=%d" % n,
            "-Ptb_recur_energy.T=%d" % t, "-Ptb_recur_energy.Lat=%d" % LAT,
            "-Ptb_recur_energy.IdleCycles=%d" % IDLE_CYCLES]
    pc.run(["iverilog", "-g2012", "-o", vvp, "-s", "tb_recur_energy"] + defs +
           [pc.CELLS_V] + files + [simnet, wrap, TB], os.path.join(outdir, "iverilog.log"))
    return text, vvp


def one(synthdir, outroot, run, lib, gen, idle):
    mode, n, t = RUNS[run]
    net = os.path.join(synthdir, BLOCK, "net.v")
    srams = os.path.join(synthdir, BLOCK, "srams.txt")
    outdir = os.path.join(outroot, run)
    os.makedirs(outdir, exist_ok=True)
    _, files, _, _ = pc.BLOCKS[BLOCK]
    here = os.path.dirname(os.path.abspath(__file__))
    key = pc.digest([net, srams, TB, GEN, pc.CELLS_V, pc.LIB] + files,
                    repr((RUNS[run], IDLE_CYCLES, LAT, pe_energy.SLEW_NS)) +
                    open(os.path.join(here, "energy.py")).read() +
                    open(os.path.abspath(__file__)).read() +
                    (json.dumps(idle, sort_keys=True) if idle else ""))
    res_path = os.path.join(outdir, "result.json")
    if pc.cached(outdir, key) and os.path.exists(res_path):
        with open(res_path) as f:
            res = json.load(f)
        print("ppa: energy recur_%-5s cached: %.2f pJ/cycle%s" %
              (run, res["pj_per_cycle"], "" if run == "idle" else
               ", %.2f pJ/element" % res["pj_per_elem"]), flush=True)
        return res
    t_start = time.time()
    print("ppa: energy recur_%-5s simulating the netlist (%s) ..." %
          (run, "%d idle cycles" % IDLE_CYCLES if run == "idle" else "N %d, T %d" % (n, t)),
          flush=True)
    mems = parse_mems(srams)
    text, vvp = compile_tb(outroot, net, mems, run)
    if run != "idle":
        r = subprocess.run([gen, run, str(n), str(t), str(1 + mode), outdir],
                           capture_output=True, text=True)
        if r.returncode:
            pc.die("gen_recur_energy %s failed: %s" % (run, r.stderr.strip()))
    log = os.path.join(outdir, "vvp.log")
    vcd = os.path.join(outdir, "net.vcd")
    t_sim = pc.run(["vvp", "-n", vvp, "+vcd=" + vcd, "+dir=" + outdir], log)
    with open(log) as f:
        out = f.read()
    m = re.search(r"tb_recur_energy: (PASS|FAIL) .*t0_ns=(\d+) t1_ns=(\d+) cycles=(\d+) "
                  r"elems=(\d+) a_words=(\d+) wr_beats=(\d+)", out)
    if not m:
        pc.die("no result line in %s" % log)
    if m.group(1) != "PASS":
        sys.stderr.write(out[-3000:])
        pc.die("recur_%s: the netlist does not match the RTL or the golden model (%s)" % (run, log))
    t0_ns, t1_ns, cycles, elems, a_words, wr_beats = (int(m.group(i)) for i in range(2, 8))
    tick = pe_energy.ts_of(vcd)
    try:
        netlist = energy.Netlist(text)
        counts, _, _, _ = energy.read_vcd(vcd, "tb_recur_energy.u_net.dut",
                                          round(t0_ns * 1e-9 / tick), round(t1_ns * 1e-9 / tick))
        res = energy.energy(lib, netlist, counts, (t1_ns - t0_ns) * 1e-9, pe_energy.SLEW_NS)
    except ValueError as e:
        pc.die("recur_%s: %s" % (run, e))
    del res["clock_nets"]
    if res["nets_without_activity"]:
        pc.die("recur_%s: %d loaded nets missing from the VCD (names differ?)" %
               (run, res["nets_without_activity"]))
    res.update({"block": BLOCK, "run": run, "mode": mode, "n": n if run != "idle" else 0,
                "t": t if run != "idle" else 0, "cycles": cycles, "elems": elems,
                "a_words": a_words, "wr_beats": wr_beats,
                "pj_per_cycle": res["total"] / cycles,
                "slew_ns": pe_energy.SLEW_NS, "clock_ns": 10, "array_latency": LAT,
                "sim_s": round(t_sim, 1)})
    if run != "idle":
        res["pj_per_elem"] = res["total"] / elems
        res["idle_pj_per_cycle"] = idle["pj_per_cycle"]
        res["pj_per_elem_above_idle"] = (res["total"] - idle["pj_per_cycle"] * cycles) / elems
        res["cycles_per_elem"] = cycles / elems
    res["run_s"] = round(time.time() - t_start, 1)
    os.remove(vcd)
    with open(res_path, "w") as f:
        json.dump(res, f, indent=1)
    pc.mark_done(outdir, key)
    p = res["parts"]
    split = "(clock %.0f%%, flops %.0f%%, datapath %.0f%%)" % tuple(
        100 * (p[k]["switching"] + p[k]["internal"]) / res["total"]
        for k in ("clock", "flops", "datapath"))
    if run == "idle":
        print("ppa: energy recur_idle  %.2f pJ/cycle %s [%.0f s]" %
              (res["pj_per_cycle"], split, res["run_s"]), flush=True)
    else:
        print("ppa: energy recur_%-5s %.2f pJ/cycle, %.2f pJ/element, %.2f above idle, "
              "%.2f cycles/element %s [%.0f s]" %
              (run, res["pj_per_cycle"], res["pj_per_elem"], res["pj_per_elem_above_idle"],
               res["cycles_per_elem"], split, res["run_s"]), flush=True)
    return res


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    golden = "build/golden/libnpegolden.a"
    for a in argv[1:]:
        if a.startswith("--golden="):
            golden = a.split("=", 1)[1]
        elif a.startswith("--"):
            pc.die("unknown option %s; %s" % (a, __doc__.strip().splitlines()[-4].strip()))
    if len(args) < 2 or any(r not in RUNS for r in args[2:]):
        pc.die(__doc__.strip().splitlines()[-4].strip())
    pc.need("iverilog", "vvp")
    synthdir, outroot = args[0], args[1]
    runs = args[2:] or ["idle", "diag", "gru", "lstm"]
    if "idle" not in runs:
        runs = ["idle"] + runs   # the others are reported above idle
    net = os.path.join(synthdir, BLOCK, "net.v")
    if not os.path.exists(net):
        pc.die("%s missing: run tools/ppa/synth.py %s %s first" % (net, synthdir, BLOCK))
    os.makedirs(outroot, exist_ok=True)
    lib = liberty.read(pc.LIB)
    gen = build_gen(outroot, golden)
    t0 = time.time()
    results = {}
    idle = None
    for r in runs:
        res = one(synthdir, outroot, r, lib, gen, idle)
        if r == "idle":
            idle = {"pj_per_cycle": res["pj_per_cycle"]}
        results["recur_unit:" + r] = res
    summary = os.path.join(outroot, "recur_energy.json")
    pc.update_json(summary, results)
    print("ppa: %d recurrence-unit energy run(s) in %.0f s -> %s" %
          (len(runs), time.time() - t0, summary))


if __name__ == "__main__":
    main(sys.argv)
