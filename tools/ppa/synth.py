#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""synth.py - area and timing of RTL blocks in the OSU 0.18 um cells.

Per block (tools/ppa/ppa_common.py, BLOCKS):
  Yosys 0.23   read_verilog -sv; hierarchy -chparam; synth -flatten up to
               'fine'; memories of >= SRAM_MIN_WORDS words cut out as SRAM
               macros (their ports become block ports: timing paths end and
               start there; their area comes from an SRAM density, not here);
               the rest of synth; dfflibmap; abc -liberty with a buffering
               script (buffer -p; upsize; dnsize); stat -liberty;
               blocks with a clock target (ppa_common.CLOCK_TARGET_NS, the
               PEs) are mapped for delay instead (map -D, a sweep of delay
               targets, keeping the smallest netlist that meets the clock);
               opt_clean -purge; setundef -zero; splitnets; insbuf;
               write_verilog -noexpr
  fanout.py    buffer trees (BUFX4) on nets of more than 12 loads, which
               Yosys 0.23 leaves when it reads ABC's result back; their area
               is added to stat's
  OpenSTA      the netlist, one ideal clock on clk_i (or a virtual clock for a
               combinational block), input and output delays 0, no wire load,
               report_checks -path_delay max: the critical path
Writes OUTDIR/<block>/{synth.ys,yosys.log,net.v,sta.tcl,sta.log,result.json}
and OUTDIR/synth.json; cached per block on the RTL's and this flow's hash.

The smoke run of `make test` passes --delay-tries=2: the sweep's first and
last targets only (the sweep's logic, in a seventh of the time).

Usage: synth.py [--delay-tries=N] OUTDIR [BLOCK...]     (default: every block)
"""
import json
import os
import re
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import energy  # noqa: E402
import fanout  # noqa: E402
import liberty  # noqa: E402
import ppa_common as pc  # noqa: E402

SRAM_MIN_WORDS = 256  # a memory with this many words or more is an SRAM macro
PERIOD_NS = 100.0     # STA clock period; the critical path is period - slack


def sta_period(block):
    """The STA clock: the block's clock target if it has one, else PERIOD_NS.
    With clock gates, the gate's flop samples at the falling edge, so its paths
    are half a cycle long and their period - slack depends on the period: at a
    block's real clock they stay below its flop-to-flop paths; at 100 ns they
    would read about 50 ns."""
    return pc.CLOCK_TARGET_NS.get(block, PERIOD_NS)

# ABC: Yosys' default -liberty script, then buffering and gate sizing (an
# unbuffered high-fan-out net doubles the critical path).
ABC_SCRIPT = ("strash; ifraig; scorr; dc2; dretime; strash; &get -n; &dch -f; &nf; &put; "
              "buffer -p; upsize; dnsize\n")

# Blocks with a clock target: ABC maps for delay. Yosys 0.23's default
# liberty script (and ABC_SCRIPT above) runs dc2/ifraig/scorr and an
# area-recovering &nf, which turn the Brent-Kung prefix tree Yosys builds for
# a wide adder back into a ripple chain: the PE's 128-bit quire addition
# took 15.3 ns that way, 3.2 ns mapped with `map -D`. ABC's delay model is
# not OpenSTA's, and the result moves by +-0.2 ns from one target to the
# next, so the flow tries eleven delay targets (in ps: 0.95 down to 0.75 of
# the clock) and keeps the smallest netlist whose OpenSTA critical path meets
# the clock; if none does, the fastest. Every try is in result.json.
DELAY_FRACTIONS = tuple(round(0.95 - 0.02 * i, 2) for i in range(11))


def delay_abc_script(delay_ps):
    return "strash; dch; map -D {0}; buffer -p; upsize -D {0}; dnsize -D {0}\n".format(delay_ps)


# Latches onto the LATCH cell (none in today's blocks); see the file.
LATCH_MAP = "tools/ppa/osu018_latch.v"


SRAM_SEL = "t:$mem_v2 r:SIZE>=%d %%i" % SRAM_MIN_WORDS


def yosys_script(block, outdir):
    top, files, params, _ = pc.BLOCKS[block]
    chparam = "".join(" -chparam %s %d" % (k, v) for k, v in sorted(params.items()))
    abc = os.path.join(outdir, "abc.script")
    # The wires on a cut-out memory's ports become block ports (expose), but
    # only named ones: a port on a Yosys-internal ($) wire would be deleted
    # with the memory, its logic left undriven (setundef -zero). For the
    # blocks in SRAM_PORTS_UNNAMED those wires are named sram_w<k> first.
    name_ports = ("rename -enumerate -pattern sram_w%% %s "
                  "%%x:+$mem_v2[RD_DATA,RD_ADDR,RD_EN,WR_ADDR,WR_DATA,WR_EN] w:$* %%i" % SRAM_SEL
                  if block in pc.SRAM_PORTS_UNNAMED else None)
    return "\n".join([
        "read_verilog -sv %s" % " ".join(files),
        "hierarchy -check -top %s%s" % (top, chparam),
        "synth -top %s -flatten -run :fine" % top] + ([name_ports] if name_ports else []) + [
        "tee -o %s/srams.txt dump %s" % (outdir, SRAM_SEL),
        "expose -input %s %%co:+$mem_v2[RD_DATA] w:* %%i" % SRAM_SEL,
        "expose %s %%ci:+$mem_v2[RD_ADDR,RD_EN,WR_ADDR,WR_DATA,WR_EN] w:* %%i" % SRAM_SEL,
        "delete %s" % SRAM_SEL,
        "synth -top %s -run fine:" % top,
        "dfflibmap -liberty %s" % pc.LIB,
        "techmap -map %s" % LATCH_MAP,
        "abc -liberty %s -script %s" % (pc.LIB, abc),
        "opt_clean -purge",
        "tee -o %s/stat.txt stat -liberty %s" % (outdir, pc.LIB),
        "setundef -zero",
        "splitnets",
        "insbuf -buf BUFX2 A Y",  # no assign statements left: OpenSTA 2019 rejects concatenations
        "opt_clean -purge",
        "rename %s %s_net" % (top, top),  # beside the RTL module in a testbench
        "write_verilog -noattr -noexpr -nohex -nodec %s/net.v" % outdir,
        ""])


def sta_script(block, outdir, ports):
    top = pc.BLOCKS[block][0]
    lines = ["read_liberty %s" % pc.LIB,
             "read_verilog %s/net.v" % outdir,
             "link_design %s_net" % top]
    if "clk_i" in ports:
        lines += ["create_clock -name clk -period %g [get_ports clk_i]" % sta_period(block),
                  "set_input_delay 0 -clock clk [delete_from_list [all_inputs] [get_ports clk_i]]"]
    else:
        lines += ["create_clock -name clk -period %g" % sta_period(block),
                  "set_input_delay 0 -clock clk [all_inputs]"]
    lines += ["set_output_delay 0 -clock clk [all_outputs]",
              "report_checks -path_delay max -digits 3 -group_count 1",
              "exit", ""]
    return "\n".join(lines)


def parse_stat(text):
    """Cells by type, chip area (um^2) and flip-flop count/area from stat -liberty."""
    cells = {}
    for m in re.finditer(r"^\s+(\S+)\s+(\d+)\s*$", text[text.find("Number of cells"):], re.M):
        cells[m.group(1)] = int(m.group(2))
    area = float(re.search(r"Chip area for (?:top )?module '\S+': ([0-9.]+)", text).group(1))
    unknown = [c for c in cells if c.startswith("$")]
    if unknown:
        pc.die("unmapped cells after synthesis: %s" % unknown)
    return cells, area


def lib_areas():
    areas, cell = {}, None
    with open(pc.LIB) as f:
        for line in f:
            m = re.match(r"\s*cell\s*\(\s*\"?(\w+)\"?\s*\)", line)
            if m:
                cell = m.group(1)
            m = re.match(r"\s*area\s*:\s*([0-9.]+)", line)
            if m and cell:
                areas[cell] = float(m.group(1))
    # The Liberty gives LATCH area 0; its LEF gives the cell's real size
    # (5.6 x 10 um), which the flow uses for any zero-area cell.
    lef = os.path.splitext(pc.LIB)[0] + ".lef"
    if os.path.exists(lef):
        with open(lef) as f:
            for m in re.finditer(r"MACRO (\w+)\s.*?SIZE ([0-9.]+) BY ([0-9.]+)", f.read(), re.S):
                if areas.get(m.group(1)) == 0.0:
                    areas[m.group(1)] = float(m.group(2)) * float(m.group(3))
    return areas


def parse_srams(text):
    """(words, width) of each memory cut out as an SRAM, from 'dump'."""
    out = []
    for cell in text.split("cell $mem_v2")[1:]:
        size = int(re.search(r"parameter \\SIZE (\d+)", cell).group(1))
        width = int(re.search(r"parameter \\WIDTH (\d+)", cell).group(1))
        name = re.search(r"^\s*(\S+)", cell).group(1)
        memid = re.search(r"parameter \\MEMID \"([^\"]*)\"", cell)
        out.append({"cell": name, "memid": memid.group(1) if memid else name,
                    "words": size, "width": width, "bits": size * width})
    return out


def parse_sta(text, period):
    """The worst register/port path (the async reset's recovery checks left out)."""
    if re.search(r"^Error:", text, re.M):
        pc.die("OpenSTA: %s" % re.search(r"^Error:.*$", text, re.M).group(0))
    best = None
    for rep in text.split("Startpoint: ")[1:]:
        if "Path Group: **async_default**" in rep:
            continue
        ep = re.search(r"^Endpoint: (.*)$", rep, re.M)
        arr = re.search(r"^\s*(-?[0-9.]+)\s+data arrival time", rep, re.M)
        slack = re.search(r"^\s*(-?[0-9.]+)\s+slack", rep, re.M)
        if not (ep and arr and slack):
            continue
        path = {"startpoint": rep.splitlines()[0].strip(), "endpoint": ep.group(1).strip(),
                "arrival_ns": float(arr.group(1)),
                "critical_path_ns": round(period - float(slack.group(1)), 3)}
        if best is None or path["critical_path_ns"] > best["critical_path_ns"]:
            best = path
    if best is None:
        pc.die("no path in the STA report")
    return best


def name_flops(sta, netlist):
    """Names a flip-flop start/end point by the net on its Q (the RTL register)."""
    text = open(netlist).read()
    qnet = {m.group(1): m.group(2).strip() for m in re.finditer(
        r"^\s*(?:DFF\w*|LATCH)\s+(\S+)\s*\((?:[^;]*?)\.Q\(([^)]*)\)", text, re.M)}
    for k in ("startpoint", "endpoint"):
        inst = sta[k].split()[0]
        if inst in qnet:
            sta[k] = "%s (register %s)" % (inst, qnet[inst].lstrip("\\"))
    return sta


def ports_of(netlist, top):
    text = open(netlist).read()
    m = re.search(r"module %s\((.*?)\);" % top, text, re.S)
    return [p.strip() for p in m.group(1).split(",")]


def sweep_fractions(n):
    """N of DELAY_FRACTIONS spread from the first to the last (all of them
    when N is None or at least their number)."""
    if n is None or n >= len(DELAY_FRACTIONS):
        return DELAY_FRACTIONS
    if n == 1:
        return DELAY_FRACTIONS[:1]
    last = len(DELAY_FRACTIONS) - 1
    return tuple(DELAY_FRACTIONS[round(i * last / (n - 1))] for i in range(n))


def flow(block, outroot, delay_tries=None):
    """Synthesis and STA of one block into OUTROOT/<block>; its result dict."""
    outdir = os.path.join(outroot, block)
    target = pc.CLOCK_TARGET_NS.get(block)
    if target is None:
        return flow_one(block, outdir, ABC_SCRIPT, block)
    sweep, tries = [], []
    for frac in sweep_fractions(delay_tries):
        d = int(round(target * 1000 * frac))
        tdir = os.path.join(outdir, "abc_D%d" % d)
        try:
            res = flow_one(block, tdir, delay_abc_script(d), "%s D=%d" % (block, d))
        except SystemExit:   # ABC 1.01 sometimes fails on a tight target
            sweep.append({"abc_delay_ps": d, "failed": True})
            continue
        sweep.append({"abc_delay_ps": d, "area_um2": res["area_um2"],
                      "critical_path_ns": res["sta"]["critical_path_ns"]})
        tries.append((tdir, res))
    if not tries:
        pc.die("%s: ABC failed at every delay target" % block)
    meeting = [t for t in tries if t[1]["sta"]["critical_path_ns"] <= target]
    if meeting:   # the smallest that meets the clock (the first of equals)
        chosen = min(meeting, key=lambda t: t[1]["area_um2"])
    else:         # else the fastest
        chosen = min(tries, key=lambda t: t[1]["sta"]["critical_path_ns"])
    tdir, res = chosen
    for name in ("net.v", "net_yosys.v", "sta.log", "sta.tcl", "stat.txt", "synth.ys",
                 "abc.script", "srams.txt"):
        with open(os.path.join(tdir, name)) as f:
            text = f.read().replace(tdir, outdir)
        with open(os.path.join(outdir, name), "w") as f:
            f.write(text)
    res = dict(res, clock_target_ns=target, abc_delay_ps=int(tdir.rsplit("_D", 1)[1]),
               delay_sweep=sweep, meets_clock_target=res["sta"]["critical_path_ns"] <= target)
    # the netlist was written for tdir; STA and energy read it from outdir
    with open(os.path.join(outdir, "result.json"), "w") as f:
        json.dump(res, f, indent=1)
    print("ppa: %-11s clock target %.2f ns: %s at ABC -D %d (%.0f um^2, %.2f ns)"
          % (block, target, "met" if res["meets_clock_target"] else "MISSED",
             res["abc_delay_ps"], res["area_um2"], res["sta"]["critical_path_ns"]), flush=True)
    return res


def flow_one(block, outdir, abc_script, label):
    top, files, params, what = pc.BLOCKS[block]
    os.makedirs(outdir, exist_ok=True)
    ys = yosys_script(block, outdir)
    here = os.path.dirname(os.path.abspath(__file__))
    key_ys = pc.digest(files + [pc.LIB], ys + abc_script)
    key = pc.digest([os.path.join(here, "fanout.py"), os.path.join(here, "energy.py")],
                    key_ys + sta_script(block, outdir, ["clk_i"]) + sta_script(block, outdir, []))
    res_path = os.path.join(outdir, "result.json")
    if pc.cached(outdir, key) and os.path.exists(res_path):
        with open(res_path) as f:
            res = json.load(f)
        print("ppa: %-11s cached (%.0f s to synthesise)" % (label, res["synth_s"]), flush=True)
        return res
    ys_dir = os.path.join(outdir, "yosys")   # the Yosys step's own cache
    os.makedirs(ys_dir, exist_ok=True)
    if pc.cached(ys_dir, key_ys) and os.path.exists(os.path.join(outdir, "net_yosys.v")):
        with open(os.path.join(ys_dir, "synth_s")) as f:
            t_syn = float(f.read())
        print("ppa: %-11s Yosys result cached; buffering and STA ..." % label, flush=True)
    else:
        print("ppa: %-11s synthesising %s ..." % (label, what), flush=True)
        with open(os.path.join(outdir, "abc.script"), "w") as f:
            f.write(abc_script)
        with open(os.path.join(outdir, "synth.ys"), "w") as f:
            f.write(ys)
        t_syn = pc.run(["yosys", "-q", "-l", os.path.join(outdir, "yosys.log"),
                        "-s", os.path.join(outdir, "synth.ys")], os.path.join(outdir, "yosys.out"))
        os.replace(os.path.join(outdir, "net.v"), os.path.join(outdir, "net_yosys.v"))
        with open(os.path.join(ys_dir, "synth_s"), "w") as f:
            f.write("%.1f\n" % t_syn)
        pc.mark_done(ys_dir, key_ys)
    with open(os.path.join(outdir, "stat.txt")) as f:
        cells, area = parse_stat(f.read())
    with open(os.path.join(outdir, "srams.txt")) as f:
        srams = parse_srams(f.read())
    areas = lib_areas()
    area += cells.get("LATCH", 0) * areas["LATCH"]   # stat counted them as 0
    # buffer trees on the nets ABC's PI buffering left unbuffered (fanout.py)
    netv = os.path.join(outdir, "net.v")
    with open(os.path.join(outdir, "net_yosys.v")) as f:
        netlist = energy.Netlist(f.read())
    nbuf = fanout.repair(netlist, liberty.read(pc.LIB))
    fanout.write(netlist, netv)
    cells[fanout.BUF] = cells.get(fanout.BUF, 0) + nbuf
    area += nbuf * areas[fanout.BUF]
    flops = {c: n for c, n in cells.items() if c.startswith("DFF") or c == "LATCH"}
    ports = ports_of(os.path.join(outdir, "net.v"), top + "_net")
    with open(os.path.join(outdir, "sta.tcl"), "w") as f:
        f.write(sta_script(block, outdir, ports))
    t_sta = pc.run(["sta", os.path.join(outdir, "sta.tcl")], os.path.join(outdir, "sta.log"))
    with open(os.path.join(outdir, "sta.log")) as f:
        sta = name_flops(parse_sta(f.read(), sta_period(block)), netv)
    res = {"block": block, "top": top, "what": what, "params": params,
           "cells": sum(cells.values()), "cell_types": cells, "area_um2": area,
           "flops": sum(flops.values()),
           "flop_area_um2": sum(areas[c] * n for c, n in flops.items()),
           "fanout_buffers": nbuf, "fanout_buffer_area_um2": nbuf * areas[fanout.BUF],
           "srams": srams, "sram_bits": sum(s["bits"] for s in srams),
           "sta": sta, "period_ns": sta_period(block),
           "synth_s": round(t_syn, 1), "sta_s": round(t_sta, 1)}
    with open(res_path, "w") as f:
        json.dump(res, f, indent=1)
    pc.mark_done(outdir, key)
    print("ppa: %-11s %.0f um^2, %d cells, %d flops, critical path %.2f ns (%.0f s)"
          % (label, area, res["cells"], res["flops"], sta["critical_path_ns"], t_syn + t_sta),
          flush=True)
    return res


def main(argv):
    delay_tries = None
    args = argv[1:]
    if args and args[0].startswith("--delay-tries="):
        v = args.pop(0).split("=", 1)[1]
        if not v.isdigit() or int(v) < 1:
            pc.die("--delay-tries: want a whole number >= 1, got '%s'" % v)
        delay_tries = int(v)
    if not args:
        pc.die(__doc__.strip().splitlines()[-1])
    pc.need("yosys", "sta")
    outroot = args[0]
    blocks = args[1:] or pc.BLOCK_ORDER
    for b in blocks:
        if b not in pc.BLOCKS:
            pc.die("unknown block '%s' (known: %s)" % (b, " ".join(pc.BLOCK_ORDER)))
    os.makedirs(outroot, exist_ok=True)
    t0 = time.time()
    results = {b: flow(b, outroot, delay_tries) for b in blocks}
    summary = os.path.join(outroot, "synth.json")
    pc.update_json(summary, results)
    print("ppa: synthesis and STA of %d block(s) in %.0f s -> %s" % (len(blocks), time.time() - t0, summary))


if __name__ == "__main__":
    main(sys.argv)
