#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""test_energy.py - tools/ppa/energy.py on a circuit whose energy is worked
out by hand: tiny.v (a[0] -> INV -> INV -> DFF -> y, clock clk) in tiny.lib's
made-up cells (V = 2, so V^2 = 4), with the activity of tiny.vcd.

Loads: a[0] 0.01 pF (INV), n1 0.01 (INV), n2 0.01 (DFF D), clk 0.02 (CLK),
y and a[1] nothing. Window (5, 85] ns:
  clk 4 rises, 4 falls; a[0] falls at 40, so n1 rises and n2 falls; y rises
  at 10 and falls at 50.
  clock     switching 8 x 0.5 x 0.02 x 4                     = 0.320
            CLK pin   4 x 0.005 + 4 x 0.007                   = 0.048
  flops     D pin     1 fall x 0.001                           = 0.001
            Q         1 x 0.004 + 1 x 0.006 (load 0)           = 0.010
  datapath  switching (1 + 1 + 1) x 0.5 x 0.01 x 4             = 0.060
            INV outputs: n1 rise 0.012, n2 fall 0.013 (load 0.01 pF, slew 0.1 ns:
            table 0.001 + load + 0.01 x slew, fall +0.001)   = 0.025
  leakage   3 cells x 1 nW x 80 ns                             = 0.00024 pJ
  total                                                        = 0.46424 pJ
The whole file (0..85 ns) adds the changes at 5 ns (a[0] rises: n1 falls,
n2 rises): datapath +0.060 + 0.013 + 0.012, flops +0.001 (D rises), and
5 ns more leakage: 0.46424 + 0.085 + 0.001 + 0.000015 = 0.550255 pJ.
"""
import os
import subprocess
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
TOOLS = os.path.join(HERE, "..", "..", "tools", "ppa")
sys.path.insert(0, TOOLS)
import energy   # noqa: E402
import liberty  # noqa: E402


def run(t_from=None, t_to=None):
    lib = liberty.read(os.path.join(HERE, "tiny.lib"))
    with open(os.path.join(HERE, "tiny.v")) as f:
        net = energy.Netlist(f.read())
    counts, ts, t0, t1 = energy.read_vcd(os.path.join(HERE, "tiny.vcd"), "tb.dut", t_from, t_to)
    lo = t0 if t_from is None else t_from
    hi = t1 if t_to is None else t_to
    return energy.energy(lib, net, counts, (hi - lo) * ts, slew_ns=0.1), counts


class TestEnergy(unittest.TestCase):
    def test_counts(self):
        _, counts = run(5, 85)
        self.assertEqual(counts["clk"], [4, 4])
        self.assertEqual(counts["a[0]"], [0, 1])
        self.assertEqual(counts["a[1]"], [0, 1])
        self.assertEqual(counts["n1[0]"], [1, 0])
        self.assertEqual(counts["n2"], [0, 1])
        self.assertEqual(counts["y"], [1, 1])

    def test_window(self):
        res, _ = run(5, 85)
        p = res["parts"]
        self.assertAlmostEqual(p["clock"]["switching"], 0.320, places=9)
        self.assertAlmostEqual(p["clock"]["internal"], 0.048, places=9)
        self.assertAlmostEqual(p["flops"]["switching"], 0.0, places=9)
        self.assertAlmostEqual(p["flops"]["internal"], 0.011, places=9)
        self.assertAlmostEqual(p["datapath"]["switching"], 0.060, places=9)
        self.assertAlmostEqual(p["datapath"]["internal"], 0.025, places=9)
        self.assertAlmostEqual(res["leakage"], 0.00024, places=12)
        self.assertAlmostEqual(res["total"], 0.46424, places=9)

    def test_breakdown(self):
        # tools/ppa/pe_breakdown.py on the same window, by hand: the DFF's
        # group (named by its Q net, y) takes the clock net's switching and
        # its CLK pin (0.320 + 0.048) and its D pin and Q (0.011); the two
        # inverters feed only it ("-> y"): n1 and n2 switching (0.02 each)
        # and their internal 0.025; a[0]'s switching (0.02) has no driving
        # cell ("inputs"). The sum is energy.py's total less leakage.
        import pe_breakdown
        lib = liberty.read(os.path.join(HERE, "tiny.lib"))
        with open(os.path.join(HERE, "tiny.v")) as f:
            net = energy.Netlist(f.read())
        counts, _, _, _ = energy.read_vcd(os.path.join(HERE, "tiny.vcd"), "tb.dut", 5, 85)
        groups, nflops = pe_breakdown.breakdown(lib, net, counts)
        self.assertEqual(sorted(groups), ["-> y", "inputs", "y"])
        self.assertEqual(nflops, {"y": 1})
        self.assertAlmostEqual(groups["y"]["clock"], 0.368, places=9)
        self.assertAlmostEqual(groups["y"]["other"], 0.011, places=9)
        self.assertAlmostEqual(groups["-> y"]["clock"], 0.0, places=9)
        self.assertAlmostEqual(groups["-> y"]["other"], 0.065, places=9)
        self.assertAlmostEqual(groups["inputs"]["other"], 0.020, places=9)
        res, _ = run(5, 85)
        self.assertAlmostEqual(sum(g["clock"] + g["other"] for g in groups.values()),
                               res["total"] - res["leakage"], places=9)

    def test_whole_file(self):
        res, _ = run()
        self.assertAlmostEqual(res["total"], 0.550255, places=9)

    def test_cli_and_errors(self):
        py = sys.executable
        tool = os.path.join(TOOLS, "energy.py")
        args = [py, tool, "--lib", os.path.join(HERE, "tiny.lib"), "--netlist",
                os.path.join(HERE, "tiny.v"), "--vcd", os.path.join(HERE, "tiny.vcd"),
                "--from", "5", "--to", "85", "--cycles", "4"]
        r = subprocess.run(args + ["--scope", "tb.dut"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        self.assertIn("per cycle       0.1161 pJ", r.stdout)
        r = subprocess.run(args + ["--scope", "tb.nothing"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)
        self.assertIn("no variables in scope tb.nothing", r.stderr)


if __name__ == "__main__":
    unittest.main()
