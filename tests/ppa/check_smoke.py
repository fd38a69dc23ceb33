#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""check_smoke.py - bounds on the figures of the PPA flow's smoke run
(mk/ppa.mk, ppa-smoke: npe_pe_lite synthesised, timed and simulated at gate
level on INT8). The bounds are wide: they catch a broken step (no cells, no
path, no activity, a unit slip of 1000x), not a change of the design.

Usage: check_smoke.py SMOKEDIR
"""
import json
import os
import sys


def main(argv):
    root = argv[1]
    with open(os.path.join(root, "synth", "pe_lite", "result.json")) as f:
        syn = json.load(f)
    with open(os.path.join(root, "energy", "pe_lite_int8", "result.json")) as f:
        eng = json.load(f)
    checks = [
        ("cells", syn["cells"], 1000, 20000),
        ("flops", syn["flops"], 100, 2000),
        ("area um^2", syn["area_um2"], 2e4, 2e6),
        ("critical path ns", syn["sta"]["critical_path_ns"], 1.0, 50.0),
        ("pJ/cycle", eng["pj_per_cycle"], 1.0, 2000.0),
        ("pJ/MAC", eng["pj_per_mac"], 0.5, 1000.0),
        ("clock pJ", eng["parts"]["clock"]["switching"] + eng["parts"]["clock"]["internal"],
         1e-3, 1e6),
        ("datapath pJ", eng["parts"]["datapath"]["switching"] + eng["parts"]["datapath"]["internal"],
         1e-3, 1e6),
    ]
    bad = [(n, v, lo, hi) for n, v, lo, hi in checks if not lo <= v <= hi]
    for n, v, lo, hi in bad:
        print("check_smoke: %s = %g outside [%g, %g]" % (n, v, lo, hi))
    if bad:
        return 1
    print("check_smoke: npe_pe_lite %.0f um^2, %d flops, critical path %.2f ns, INT8 %.2f pJ/MAC: OK"
          % (syn["area_um2"], syn["flops"], syn["sta"]["critical_path_ns"], eng["pj_per_mac"]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
