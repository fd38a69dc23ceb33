#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""pe_breakdown.py - where a PE netlist's energy goes, per register group.

Reads a netlist (SYNTHDIR/<block>/net.v) and the VCD of one of
tools/ppa/pe_energy.py's runs (kept with pe_energy.py --keep-vcd) and
splits the same energy tools/ppa/energy.py sums (same tables, same 0.1 ns
input transition) by cell:

  * a flip-flop's clock-pin energy (its share of the clock net's switching,
    by pin capacitance, plus the CLK pin's internal energy) and its own
    other energy (internal, D/R/S pins, the switching of its Q net) go to
    its register group: the net on its Q, index dropped ("u_quire.quire_q",
    or the port name of the submodule it feeds, as Yosys names it);
  * a clock gate's cells (its falling-edge flop and the AND driving a gated
    clock) go to "gate <clock net>";
  * a combinational cell goes to the register groups its outputs reach
    through combinational logic ("-> <group>": the logic in front of that
    register), split evenly when it feeds several; logic that only reaches
    output ports goes to "-> outputs".

Usage: pe_breakdown.py NET.v VCD T0_NS T1_NS SCOPE [--cycles N] [--json OUT]
Prints the groups by energy per cycle, largest first, and the total (which
equals energy.py's total without leakage).
"""
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import energy   # noqa: E402
import liberty  # noqa: E402
import ppa_common as pc  # noqa: E402

SLEW_NS = 0.1


def group_of(qnet):
    return re.sub(r"\[\d+\]$", "", qnet)


def breakdown(lib, net, counts, slew_ns=SLEW_NS):
    v2 = lib.voltage ** 2
    root = energy.net_root(net)
    tog = energy.toggles_by_net(counts, root)
    load, loads, driver, clock_nets = {}, {}, {}, set()
    for idx, (ctype, iname, conns) in enumerate(net.insts):
        cell = lib.cells[ctype]
        for pin, n in conns.items():
            if energy.is_const(n):
                continue
            n = root(n)
            p = cell.pins[pin]
            if p.direction == "input":
                load[n] = load.get(n, 0.0) + p.cap
                loads.setdefault(n, []).append((idx, pin, p.cap))
                if p.clock:
                    clock_nets.add(n)
            else:
                driver[n] = idx
    # each instance's group
    seq = {i for i, (ct, _, _) in enumerate(net.insts) if lib.cells[ct].sequential}
    inst_group = {}
    for i in seq:
        ct, iname, conns = net.insts[i]
        q = root(conns.get("Q") or "")
        clk = root(conns.get("CLK") or "")
        # a clock gate's flop: its Q drives only the AND onto a clock net
        gated = [c for c in loads.get(q, [])
                 if any(root(n) in clock_nets for pn, n in net.insts[c[0]][2].items()
                        if lib.cells[net.insts[c[0]][0]].pins[pn].direction == "output")]
        if ct == "DFFNEGX1" and gated:
            out = [root(n) for pn, n in net.insts[gated[0][0]][2].items()
                   if lib.cells[net.insts[gated[0][0]][0]].pins[pn].direction == "output"][0]
            inst_group[i] = "gate " + out
        else:
            inst_group[i] = group_of(q)
        del clk
    for n in clock_nets:   # the AND of a gate drives a clock net
        d = driver.get(n)
        if d is not None and d not in seq:
            inst_group[d] = "gate " + n
    # combinational cells: the register groups their outputs reach
    port_bits = {b for d, bits in net.ports.values() if d == "output" for b in bits}
    memo = {}

    def dests(i):
        if i in memo:
            return memo[i]
        memo[i] = frozenset()   # cycle guard (none in a synchronous netlist)
        out = set()
        ct, _, conns = net.insts[i]
        for pn, n in conns.items():
            if energy.is_const(n) or lib.cells[ct].pins[pn].direction != "output":
                continue
            n = root(n)
            ls = loads.get(n, [])
            if not ls and n in port_bits:   # (an adder's unused carry is no output)
                out.add("outputs")
            for j, _, _ in ls:
                if j in inst_group:
                    out.add(inst_group[j])
                else:
                    out |= dests(j)
        memo[i] = frozenset(out)
        return memo[i]

    sys.setrecursionlimit(100000)
    groups = {}

    def add(g, kind, e):
        d = groups.setdefault(g, {"clock": 0.0, "other": 0.0})
        d[kind] += e

    def add_inst(i, kind, e):
        if e == 0.0:
            return
        if i in inst_group:
            add(inst_group[i], kind, e)
        else:
            ds = dests(i) or frozenset(["unloaded"])
            for g in ds:
                add("-> " + g, kind, e / len(ds))

    for n, c in load.items():
        r, f = tog.get(n, (0, 0))
        e = (r + f) * 0.5 * c * v2
        if n in clock_nets:   # each clock pin's share
            for j, _, cap in loads[n]:
                add_inst(j, "clock", e * cap / c)
        elif n in driver:
            add_inst(driver[n], "other", e)
        else:
            add("inputs", "other", e)
    for i, (ct, iname, conns) in enumerate(net.insts):
        cell = lib.cells[ct]
        for pin, n in conns.items():
            if energy.is_const(n):
                continue
            n = root(n)
            p = cell.pins[pin]
            r, f = tog.get(n, (0, 0))
            if p.direction == "input":
                add_inst(i, "clock" if p.clock else "other", energy.input_pin_energy(p, r, f, slew_ns))
            elif p.power:
                add_inst(i, "clock" if n in clock_nets else "other",
                         energy.output_pin_energy(p, r, f, load.get(n, 0.0), slew_ns))
    nflops = {}
    for i in seq:
        nflops[inst_group[i]] = nflops.get(inst_group[i], 0) + 1
    return groups, nflops


def main(argv):
    args = [a for a in argv[1:] if not a.startswith("--")]
    opts = dict(a[2:].split("=", 1) for a in argv[1:] if a.startswith("--") and "=" in a)
    if len(args) != 5:
        pc.die(__doc__.strip().splitlines()[-3])
    netv, vcd, t0, t1, scope = args
    lib = liberty.read(pc.LIB)
    with open(netv) as f:
        net = energy.Netlist(f.read())
    with open(vcd) as f:
        head = f.read(4096)
    m = re.search(r"\$timescale\s+(\d+)\s*(\w+)\s+\$end", head)
    tick = int(m.group(1)) * energy._UNITS[m.group(2)] if m else 1e-9
    counts, _, _, _ = energy.read_vcd(vcd, scope, round(int(t0) * 1e-9 / tick),
                                      round(int(t1) * 1e-9 / tick))
    groups, nflops = breakdown(lib, net, counts)
    cyc = int(opts.get("cycles", 1))
    total = sum(d["clock"] + d["other"] for d in groups.values())
    rows = sorted(groups.items(), key=lambda kv: -(kv[1]["clock"] + kv[1]["other"]))
    print("%-40s %6s %10s %10s %10s %6s" % ("group", "flops", "clock", "other", "pJ/cycle", "share"))
    for g, d in rows:
        e = d["clock"] + d["other"]
        print("%-40s %6s %10.2f %10.2f %10.2f %5.1f%%" % (
            g, nflops.get(g, ""), d["clock"] / cyc, d["other"] / cyc, e / cyc, 100 * e / total))
    print("total %.2f pJ/cycle (%d cycles)" % (total / cyc, cyc))
    if "json" in opts:
        with open(opts["json"], "w") as f:
            json.dump({"groups": groups, "flops": nflops, "cycles": cyc, "total": total}, f, indent=1)


if __name__ == "__main__":
    main(sys.argv)
