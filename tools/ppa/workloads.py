#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""workloads.py - energy per workload for the report: runs the `npe` tool on
the simulated engine (default build) and keeps what libnpe's estimate
(npe_stats.energy_pj) says, per format. That estimate uses this flow's
measured MAC, NLU and recurrence-unit energies (models/energy/npe_energy.c,
28 nm calibrated; the GRU's row also gives the recurrence unit's share) and the cited SRAM / DRAM figures, so it is only as current as
that table: report.py warns when the table and the energy runs differ.

Workloads (the demo's): the 64 x 64 x 256 matmul; the same with a sigmoid
through the NLU (B = 8); a GRU of T = 100, H = 64 on the recurrence unit.
Cached on the npe binary and the energy table.

Usage: workloads.py NPE_BIN OUTDIR    writes OUTDIR/workloads.json
"""
import json
import os
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ppa_common as pc  # noqa: E402

RUNS = [
    ("matmul_64x64x256", ["matmul", "--m", "64", "--n", "64", "--k", "256", "--format", "all", "--json"]),
    ("matmul_64x64x256_sigmoid", ["matmul", "--m", "64", "--n", "64", "--k", "256", "--format", "all",
                                  "--act", "sigmoid", "--json"]),
    ("gru_t100_h64", ["rnn", "--cell", "gru", "--steps", "100", "--hidden", "64", "--format", "all",
                      "--json"]),
]


def run(npe, name, args):
    """One workload: per format {cycles, macs, energy_pj, pj_per_mac}."""
    p = subprocess.run([npe] + args, capture_output=True, text=True)
    if p.returncode != 0:
        pc.die("%s: npe %s failed (rc %d): %s" % (name, " ".join(args), p.returncode, p.stderr.strip()))
    doc = json.loads(p.stdout)
    out = {}
    for r in doc.get("rows", doc.get("runs", [])):
        if r.get("energy_pj") is None:
            pc.die("%s: no energy_pj in npe's JSON" % name)
        cycles = r["cycles"]
        macs = r["macs"]
        out[r["format"]] = {"cycles": cycles, "macs": round(macs), "energy_pj": r["energy_pj"],
                            "pj_per_mac": r["energy_pj"] / macs if macs else None}
        if "recur_unit_pj" in r:   # the GRU: the recurrence unit's share of energy_pj
            out[r["format"]]["recur_unit_pj"] = r["recur_unit_pj"]
    if not out:
        pc.die("%s: npe printed no rows" % name)
    return out


def main(argv):
    if len(argv) != 3:
        pc.die(__doc__.strip().splitlines()[-1])
    npe, outdir = argv[1], argv[2]
    os.makedirs(outdir, exist_ok=True)
    key = pc.digest([npe, "models/energy/npe_energy.c"], repr(RUNS))
    path = os.path.join(outdir, "workloads.json")
    if pc.cached(outdir, key) and os.path.exists(path):
        print("ppa: workloads cached (%s)" % path)
        return
    res = {}
    for name, args in RUNS:
        t0 = time.time()
        print("ppa: workload %s ..." % name, flush=True)
        res[name] = {"command": "npe " + " ".join(args), "formats": run(npe, name, args)}
        print("ppa: workload %s done [%.0f s]" % (name, time.time() - t0), flush=True)
    with open(path, "w") as f:
        json.dump(res, f, indent=1)
    pc.mark_done(outdir, key)
    print("ppa: wrote %s" % path)


if __name__ == "__main__":
    main(sys.argv)
