#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""scaling.py - area, delay and energy factors between CMOS nodes.

Source: A. Stillmaker and B. Baas, "Scaling equations for the accurate
prediction of CMOS device performance from 180 nm to 7 nm", Integration,
the VLSI Journal 58 (2017) 74-81, doi:10.1016/j.vlsi.2017.02.002, with the
authors' corrigendum (http://vcl.ece.ucdavis.edu/pubs/2017.02.VLSIintegration.TechScale/).
The paper fits, per node, a polynomial in the supply voltage V to HSPICE
results on the PTM (180-45 nm) and ITRS-derived (32-7 nm) models:

  delay factor  D(V) = a3 V^3 + a2 V^2 + a1 V + a0     (a3 = 0 where the paper fits a quadratic)
  energy factor E(V) = b2 V^2 + b1 V + b0             (b2 = 0 for 180 nm: a linear fit)

and gives the area scaling factors between every pair of nodes in a table
(two significant digits). A figure at node x and V_x scales to node y and
V_y as  value x D_y(V_y) / D_x(V_x)  (delay) or  x E_y(V_y) / E_x(V_x)
(energy);  area x AREA[x -> y].

Where the numbers come from: the paper's Tables as transcribed in
nodeScale.py by W. Romaszkan (UCLA NanoCAD Laboratory, MIT licence,
github.com/wromaszkan/nodeScale), which says it implements this paper; the
32 nm (HP) and 65 nm energy rows agree with the corrigendum's worked example
(E_32(0.9) = 0.4571, E_65(1.3) = 2.604, 1 pJ -> 0.1755 pJ), which
tests/ppa/test_scaling.py recomputes. The paper itself was not available
here, so the 180 nm row rests on that transcription alone.

28 nm is not a node of the paper: its factors are interpolated between the
32 nm and 20 nm entries (HP, high-performance models), geometrically in the
feature size (log factor linear in log node), both at 0.9 V.

Usage: scaling.py [--json]   prints the 180 nm / 1.8 V -> 45 nm and -> 28 nm factors
"""
import json
import math
import sys

SRC_NODE, SRC_VDD = 180, 1.8   # the OSU 0.18 um cells' nominal voltage

# Area factor from 180 nm to each node (paper's table, the 180 nm row).
AREA_FROM_180 = {180: 1.0, 130: 0.34, 90: 0.15, 65: 0.08, 45: 0.053, 32: 0.025,
                 20: 0.011, 16: 0.01, 14: 0.0093, 10: 0.0055, 7: 0.0032}
# The reverse entries of the same table (node -> 180 nm), for the consistency test.
AREA_TO_180 = {130: 2.9, 90: 6.6, 65: 12, 45: 19, 32: 40, 20: 88}

# Delay: (a3, a2, a1, a0); energy: (b2, b1, b0). HP = high-performance models.
DELAY = {
    "180": (0.0, 97.09, -356.7, 406.5),
    "65": (-53.3, 230.4, -333.9, 178.6),
    "HP45": (-501.6, 1567.0, -1619.0, 566.1),
    "HP32": (-1047.0, 2982.0, -2797.0, 873.5),
    "HP20": (0.0, 34.63, -66.37, 41.15),
}
ENERGY = {
    "180": (0.0, 24.64, -17.98),
    "65": (3.755, -4.398, 1.975),
    "HP45": (1.018, -0.3107, 0.1539),
    "HP32": (0.8367, -0.4341, 0.1701),
    "HP20": (0.373, -0.1582, 0.04104),
}

# Supply voltages of the targets: Horowitz's 45 nm figures are at 0.9 V
# (ISSCC 2014); 28 nm at 0.9 V, the 32 and 20 nm HP entries' voltage.
VDD_45 = 0.9
VDD_28 = 0.9


def delay_factor(node, vdd):
    a3, a2, a1, a0 = DELAY[node]
    return a3 * vdd ** 3 + a2 * vdd ** 2 + a1 * vdd + a0


def energy_factor(node, vdd):
    b2, b1, b0 = ENERGY[node]
    return b2 * vdd ** 2 + b1 * vdd + b0


def interp(f32, f20, node=28):
    """Geometric interpolation between the 32 nm and 20 nm values."""
    t = math.log(32.0 / node) / math.log(32.0 / 20.0)
    return f32 * (f20 / f32) ** t


def factors(node):
    """(area, delay, energy) multipliers from 180 nm / 1.8 V to node (45 or 28)."""
    d0, e0 = delay_factor("180", SRC_VDD), energy_factor("180", SRC_VDD)
    if node == 45:
        return (AREA_FROM_180[45], delay_factor("HP45", VDD_45) / d0,
                energy_factor("HP45", VDD_45) / e0)
    if 20 <= node <= 32:
        return (interp(AREA_FROM_180[32], AREA_FROM_180[20], node),
                interp(delay_factor("HP32", VDD_28), delay_factor("HP20", VDD_28), node) / d0,
                interp(energy_factor("HP32", VDD_28), energy_factor("HP20", VDD_28), node) / e0)
    raise ValueError("node %r: only 45 and 20-32 nm are set up" % node)


def summary():
    out = {"source": "Stillmaker & Baas, Integration 58 (2017) 74-81, doi:10.1016/j.vlsi.2017.02.002",
           "from": "180 nm, %.1f V" % SRC_VDD}
    for node, vdd, note in ((45, VDD_45, "HP45 entry"),
                            (28, VDD_28, "interpolated between the HP32 and HP20 entries")):
        a, d, e = factors(node)
        out["%dnm" % node] = {"vdd": vdd, "area": a, "delay": d, "energy": e, "note": note}
    return out


def main(argv):
    s = summary()
    if "--json" in argv:
        print(json.dumps(s, indent=1))
        return
    print("Stillmaker & Baas scaling from %s:" % s["from"])
    for k in ("45nm", "28nm"):
        f = s[k]
        print("  -> %s at %.1f V: area x %.4f, delay x %.4f, energy x %.5f (%s)"
              % (k, f["vdd"], f["area"], f["delay"], f["energy"], f["note"]))


if __name__ == "__main__":
    main(sys.argv)
