#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""fpga.py - FPGA resources of the engine for the PPA report.

  iCE40    the small build (ENGINE_LITE) from `make engine-ice40-size`'s
           files: Yosys synth_ice40 -dsp cell counts (ICE40_STAT) and the
           logic cells after nextpnr-ice40 --pack-only (ICE40_PACK)
  Xilinx   Yosys synth_xilinx (7-series cells) of the all-format PE,
           flattened (OUTDIR/xilinx_pe/), and of npe_top with its default
           parameters, by module (OUTDIR/xilinx/: flattened, its SAT-based
           resource sharing did not finish in 45 minutes), run at low
           priority with a time limit each, cached on the RTL's hash

Usage: fpga.py OUTDIR ICE40_STAT ICE40_PACK [--timeout=S] RTL...
Writes OUTDIR/fpga.json. A missing input or a synthesis over the time
limit leaves its row out (and says so); it is not an error.
"""
import json
import os
import re
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ppa_common as pc  # noqa: E402


def ice40(stat, pack):
    if not (os.path.exists(stat) and os.path.exists(pack)):
        print("ppa: fpga iCE40: %s / %s missing (make engine-ice40-size)" % (stat, pack))
        return None
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(SB_\w+)\s+(\d+)\s*$",
                                                               open(stat).read(), re.M)}
    m = re.search(r"ICESTORM_LC:\s+(\d+)/\s*(\d+)", open(pack).read())
    return {"target": "iCE40UP5K", "what": "npe_top small build (ENGINE_LITE)",
            "lut": cells.get("SB_LUT4", 0),
            "ff": sum(n for c, n in cells.items() if c.startswith("SB_DFF")),
            "bram": "%d SB_RAM40_4K" % cells.get("SB_RAM40_4K", 0),
            "dsp": "%d SB_MAC16" % cells.get("SB_MAC16", 0),
            "other": ("%s of %s logic cells after packing" % (m.group(1), m.group(2))) if m else "",
            "source": "make engine-ice40-size (Yosys synth_ice40 -dsp; nextpnr-ice40 --pack-only)"}


def xilinx(outdir, rtl, timeout, top="npe_top", sub="xilinx", what="npe_top, default parameters",
           flatten=False):
    xdir = os.path.join(outdir, sub)
    os.makedirs(xdir, exist_ok=True)
    how = "-flatten" if flatten else "by module"
    ys = "read_verilog -sv %s; synth_xilinx -top %s%s; tee -o %s/stat.txt stat -top %s" % (
        " ".join(rtl), top, " -flatten" if flatten else "", xdir, top)
    key = pc.digest(rtl, ys)
    res = os.path.join(xdir, "result.json")
    if pc.cached(xdir, key) and os.path.exists(res):
        r = json.load(open(res))
        # a run over the limit is remembered, so that every make report does not wait
        # again; a longer limit than that run's retries it
        if "timed_out_s" in r and r["timed_out_s"] >= timeout:
            print("ppa: fpga Xilinx %s: over %d s in an earlier run, left out (a longer "
                  "PPA_XILINX_TIMEOUT retries)" % (top, r["timed_out_s"]))
            return None
        if "timed_out_s" not in r:
            print("ppa: fpga Xilinx %s cached" % top)
            return r
    print("ppa: fpga Xilinx: yosys synth_xilinx of %s, at most %d s ..." % (what, timeout), flush=True)
    t0 = time.time()
    try:
        with open(os.path.join(xdir, "yosys.log"), "w") as log:
            subprocess.run(["nice", "-n", "10", "yosys", "-q", "-p", ys], stdout=log,
                           stderr=subprocess.STDOUT, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        print("ppa: fpga Xilinx %s: over %d s, left out" % (top, timeout))
        json.dump({"timed_out_s": timeout}, open(res, "w"))
        pc.mark_done(xdir, key)
        return None
    except subprocess.CalledProcessError:
        print("ppa: fpga Xilinx: yosys failed, left out (%s/yosys.log)" % xdir)
        return None
    text = open(os.path.join(xdir, "stat.txt")).read()
    if "design hierarchy" in text:  # by module: the totals over the hierarchy
        text = text[text.index("design hierarchy"):]
    cells = {m.group(1): int(m.group(2)) for m in re.finditer(r"^\s+(\w+)\s+(\d+)\s*$", text, re.M)}
    bram = {c: n for c, n in cells.items() if c.startswith("RAMB")}
    lutram = {c: n for c, n in cells.items() if c.startswith("RAM") and not c.startswith("RAMB")}
    r = {"target": "Xilinx 7-series", "what": what,
         "lut": sum(n for c, n in cells.items() if re.match(r"LUT\d$", c)),
         "ff": sum(n for c, n in cells.items() if re.match(r"FD[A-Z]*$", c)),
         "bram": ", ".join("%d %s" % (n, c) for c, n in sorted(bram.items())) or "0",
         "dsp": ", ".join("%d %s" % (n, c) for c, n in sorted(cells.items()) if c.startswith("DSP")) or "0",
         "other": ", ".join("%d %s" % (n, c) for c, n in sorted(cells.items())
                            if c.startswith(("CARRY", "MUXF")) or c in lutram),
         "source": "yosys synth_xilinx %s (no place and route), %.0f s" % (how, time.time() - t0)}
    json.dump(r, open(res, "w"), indent=1)
    pc.mark_done(xdir, key)
    return r


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--timeout=")]
    timeout = 1800
    for a in argv[1:]:
        if a.startswith("--timeout="):
            timeout = int(a.split("=", 1)[1])
    if len(args) < 4:
        pc.die(__doc__.strip().splitlines()[-4])
    outdir, stat, pack, rtl = args[0], args[1], args[2], args[3:]
    os.makedirs(outdir, exist_ok=True)
    pe = xilinx(outdir, pc.PE_FILES, timeout, "npe_pe", "xilinx_pe", "npe_pe, all six formats (one PE)",
                flatten=True)
    rows = [r for r in (ice40(stat, pack), pe, xilinx(outdir, rtl, timeout)) if r]
    json.dump({"rows": rows}, open(os.path.join(outdir, "fpga.json"), "w"), indent=1)
    for r in rows:
        print("ppa: fpga %s: %s LUT, %s FF, BRAM %s, DSP %s" % (r["target"], r["lut"], r["ff"],
                                                              r["bram"], r["dsp"]))


if __name__ == "__main__":
    main(sys.argv)
