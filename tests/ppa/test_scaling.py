#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""test_scaling.py - tools/ppa/scaling.py against the values printed in
Stillmaker & Baas, Integration 58 (2017) 74-81, and its corrigendum
(http://vcl.ece.ucdavis.edu/pubs/2017.02.VLSIintegration.TechScale/):

* the corrigendum's worked example: 1 pJ/op at 65 nm, 1.3 V -> 32 nm, 0.9 V:
  E_32 = 0.8367 x 0.9^2 - 0.4341 x 0.9 + 0.1701 = 0.4571,
  E_65 = 3.755 x 1.3^2 - 4.398 x 1.3 + 1.975 = 2.604, result 0.1755 pJ/op;
* the area table is consistent with itself: AREA[180 -> y] x AREA[y -> 180]
  ~ 1 within its two significant digits;
* the 28 nm interpolation returns the table's own 32 and 20 nm entries at
  those nodes, lies between them at 28, and is the geometric interpolation
  (worked here: t = ln(32/28)/ln(32/20) = 0.28410, area 0.025 x
  (0.011/0.025)^t = 0.019799);
* the 180 nm row by hand: E_180(1.8) = 24.64 x 1.8 - 17.98 = 26.372,
  D_180(1.8) = 97.09 x 3.24 - 356.7 x 1.8 + 406.5 = 79.0116.
"""
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tools", "ppa"))
import scaling  # noqa: E402


class Scaling(unittest.TestCase):
    def test_corrigendum_example(self):
        e32 = scaling.energy_factor("HP32", 0.9)
        e65 = scaling.energy_factor("65", 1.3)
        self.assertAlmostEqual(e32, 0.4571, places=4)
        self.assertAlmostEqual(e65, 2.604, places=3)
        self.assertAlmostEqual(1.0 * e32 / e65, 0.1755, places=3)

    def test_180_row_by_hand(self):
        self.assertAlmostEqual(scaling.energy_factor("180", 1.8), 26.372, places=6)
        self.assertAlmostEqual(scaling.delay_factor("180", 1.8), 79.0116, places=6)

    def test_area_table_consistent(self):
        for node, back in scaling.AREA_TO_180.items():
            prod = scaling.AREA_FROM_180[node] * back
            self.assertLess(abs(prod - 1.0), 0.07, "180 <-> %d nm: %.3f" % (node, prod))

    def test_interpolation(self):
        a32, a20 = scaling.AREA_FROM_180[32], scaling.AREA_FROM_180[20]
        self.assertAlmostEqual(scaling.interp(a32, a20, 32), 0.025, places=12)
        self.assertAlmostEqual(scaling.interp(a32, a20, 20), 0.011, places=12)
        self.assertAlmostEqual(scaling.interp(a32, a20, 28), 0.019799, places=6)
        for f in scaling.factors(28):
            self.assertGreater(f, 0)
        a, d, e = scaling.factors(28)
        self.assertTrue(a20 < a < a32)
        e0 = scaling.energy_factor("180", 1.8)
        e32, e20 = scaling.energy_factor("HP32", 0.9) / e0, scaling.energy_factor("HP20", 0.9) / e0
        self.assertTrue(e20 < e < e32)

    def test_45nm_factors(self):
        a, d, e = scaling.factors(45)
        self.assertEqual(a, 0.053)
        # E_45(0.9) = 1.018 x 0.81 - 0.3107 x 0.9 + 0.1539 = 0.69885
        self.assertAlmostEqual(e, 0.69885 / 26.372, places=9)


if __name__ == "__main__":
    unittest.main(verbosity=1)
