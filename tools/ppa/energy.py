#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""energy.py - switching energy of a mapped netlist from a simulation's VCD.

For every net of the gate-level netlist (Yosys write_verilog -noexpr, one
module, cells of one Liberty library) the VCD gives its rising and falling
transitions in a time window. The energy in that window is

  switching  sum over nets: transitions x 0.5 C V^2, C = the Liberty input
             capacitances of the pins the net drives (no wire capacitance)
  internal   sum over cell outputs: rises x rise_power + falls x fall_power
             (Liberty internal_power, averaged over the related pins, looked
             up at the net's load C and a fixed input transition --slew-ns),
             plus, for inputs with their own internal_power (flip-flop CLK
             and D pins), that table per transition of the input
  leakage    sum of cell_leakage_power x the window's length

split into clock (the nets on pins marked clock, their pins' internal energy,
and any cell driving such a net), flip-flops (the other internal energy of
sequential cells) and datapath (everything else, including the switching of
the flip-flops' Q nets). Energy unit: the library's capacitance x voltage^2
(pF x V^2 = pJ for the OSU 0.18 um cells). The simulation is zero-delay, so
glitches are not counted.

Usage: energy.py --lib LIB --netlist NET.v --vcd SIM.vcd --scope tb.dut
                 [--top MODULE] [--from T] [--to T] [--cycles N] [--macs N]
                 [--slew-ns 0.1] [--json OUT]
"""
import argparse
import json
import os
import re
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import liberty  # noqa: E402


# ---------------------------------------------------------------------------
# Netlist
# ---------------------------------------------------------------------------
def is_const(n):
    """True for a constant connection ("1'b0", "1'b1"): no net."""
    return n is None or n[0].isdigit()


def _netname(expr):
    """A connection expression as one bit's name: 'a[3]', 'x', or the constant
    itself ("1'b0"; is_const), or None for an empty connection."""
    e = expr.strip()
    if e == "":
        return None
    if re.match(r"^\d*'[bB][01xXzZ]$", e):
        return "1'b" + e[-1].lower()
    if e.startswith("\\"):
        m = re.match(r"^\\(\S+)\s*(\[\d+\])?$", e)
        if not m:
            raise ValueError("netlist: cannot read connection %r" % expr)
        return m.group(1) + (m.group(2) or "")
    m = re.match(r"^([A-Za-z_][\w$]*)\s*(\[\d+\])?$", e)
    if not m:
        raise ValueError("netlist: connection %r is not one bit (write the netlist with "
                         "splitnets and -noexpr)" % expr)
    return m.group(1) + (m.group(2) or "")


class Netlist:
    """Instances [(cell type, name, {pin: net})] and ports {name: (dir, bits)}."""

    def __init__(self, text, top=None):
        text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
        text = re.sub(r"//[^\n]*", " ", text)
        mods = re.findall(r"\bmodule\s+(\S+?)\s*\((.*?)\);(.*?)\bendmodule", text, re.S)
        if not mods:
            raise ValueError("netlist: no module")
        if top:
            mods = [m for m in mods if m[0].lstrip("\\") == top]
            if not mods:
                raise ValueError("netlist: no module %s" % top)
        self.top, _, body = mods[0]
        self.ports, self.insts, self.aliases = {}, [], []
        for stmt in body.split(";"):
            s = stmt.strip()
            if not s:
                continue
            m = re.match(r"^(input|output|inout|wire)\s*(\[(\d+):(\d+)\])?\s*(\S+)$", s)
            if m:
                if m.group(1) != "wire":
                    name = m.group(5).lstrip("\\")
                    if m.group(2):
                        hi, lo = int(m.group(3)), int(m.group(4))
                        bits = ["%s[%d]" % (name, i) for i in range(min(hi, lo), max(hi, lo) + 1)]
                    else:
                        bits = [name]
                    self.ports[name] = (m.group(1), bits)
                continue
            m = re.match(r"^assign\s+(.*?)\s*=\s*(.*)$", s, re.S)
            if m:
                self.aliases.append((_netname(m.group(1)), _netname(m.group(2))))
                continue
            m = re.match(r"^(\S+)\s+(\S+)\s*\((.*)\)$", s, re.S)
            if not m:
                raise ValueError("netlist: cannot read statement %r" % s[:80])
            conns = {}
            for pm in re.finditer(r"\.(\w+)\s*\(\s*((?:\\\S+\s*(?:\[\d+\])?)|[^)]*?)\s*\)", m.group(3)):
                conns[pm.group(1)] = _netname(pm.group(2))
            self.insts.append((m.group(1), m.group(2), conns))


# ---------------------------------------------------------------------------
# VCD
# ---------------------------------------------------------------------------
_UNITS = {"s": 1.0, "ms": 1e-3, "us": 1e-6, "ns": 1e-9, "ps": 1e-12, "fs": 1e-15}


def read_vcd(path, scope, t_from=None, t_to=None):
    """Rises and falls per bit name of the variables directly in scope (a
    dotted path like tb.dut), counted for changes at t_from < t <= t_to.
    Returns ({name: [rises, falls]}, timescale in s, first time, last time)."""
    want = scope.split(".")
    stack, ids = [], {}
    timescale = 1e-9
    with open(path) as f:
        data = f.read()
    head_end = data.find("$enddefinitions")
    if head_end < 0:
        raise ValueError("vcd: no $enddefinitions in %s" % path)
    head = data[:head_end]
    m = re.search(r"\$timescale\s+(\d+)\s*(\w+)\s+\$end", head)
    if m:
        timescale = int(m.group(1)) * _UNITS[m.group(2)]
    for tok in re.finditer(r"\$(scope|upscope|var)\b(.*?)\$end", head, re.S):
        kind, rest = tok.group(1), tok.group(2).split()
        if kind == "scope":
            stack.append(rest[1])
        elif kind == "upscope":
            stack.pop()
        elif stack == want:
            width, code, name = int(rest[1]), rest[2], rest[3].lstrip("\\")
            rng = rest[4] if len(rest) > 4 else ""
            m = re.match(r"\[(\d+):(\d+)\]", rng)
            if width == 1:
                bits = [name + (rng if re.match(r"\[\d+\]$", rng) else "")]
            elif m:
                hi, lo = int(m.group(1)), int(m.group(2))
                step = -1 if hi >= lo else 1
                bits = ["%s[%d]" % (name, i) for i in range(hi, lo + step, step)]
            else:
                bits = ["%s[%d]" % (name, i) for i in range(width - 1, -1, -1)]
            ids.setdefault(code, []).append(bits)
    if not ids:
        raise ValueError("vcd: no variables in scope %s" % scope)
    counts = {b: [0, 0] for lst in ids.values() for bits in lst for b in bits}
    value = {code: None for code in ids}
    t, t_first, counting = 0, None, t_from is None
    lo = t_from if t_from is not None else -1
    hi = t_to if t_to is not None else float("inf")
    for line in data[head_end:].split("\n")[1:]:
        if not line:
            continue
        c = line[0]
        if c == "#":
            t = int(line[1:])
            t_first = t if t_first is None else t_first
            counting = lo < t <= hi
            continue
        if c in "01xzXZ":
            code, val = line[1:].strip(), c.lower()
        elif c in "bB":
            v, code = line[1:].split()
            val = v.lower()
        else:
            continue  # $dumpvars / $end markers, reals
        if code not in value:
            continue
        old = value[code]
        value[code] = val
        if old is None or not counting:
            continue
        for bits in ids[code]:
            n = len(bits)
            ov, nv = old.rjust(n, "0")[-n:], val.rjust(n, "0")[-n:]
            if ov == nv:
                continue
            for i in range(n):
                a, b = ov[i], nv[i]
                if a == "0" and b == "1":
                    counts[bits[i]][0] += 1
                elif a == "1" and b == "0":
                    counts[bits[i]][1] += 1
    return counts, timescale, t_first or 0, t


# ---------------------------------------------------------------------------
# Energy
# ---------------------------------------------------------------------------
def net_root(net):
    """A function giving each net name the one net it is (`assign a = b`: a
    is the same net as b), so toggles and loads meet on one name."""
    alias = {a: b for a, b in net.aliases if not is_const(a) and not is_const(b)}

    def root(n):
        while n in alias:
            n = alias[n]
        return n
    return root


def toggles_by_net(counts, root):
    """VCD rise / fall counts summed per net (@p root of net_root())."""
    tog = {}
    for name, (r, f) in counts.items():
        t = tog.setdefault(root(name), [0, 0])
        t[0] += r
        t[1] += f
    return tog


def input_pin_energy(pin, rises, falls, slew_ns):
    """Internal energy of an input pin's rises and falls (its passive power
    tables, at the flow's input slew)."""
    e = 0.0
    for rt, ft in pin.passive:
        e += rises * rt.lookup(input_transition_time=slew_ns, input_net_transition=slew_ns) + \
            falls * ft.lookup(input_transition_time=slew_ns, input_net_transition=slew_ns)
    return e


def output_pin_energy(pin, rises, falls, load_pf, slew_ns):
    """Internal energy of an output pin's rises and falls: its power tables
    at the net's load and the flow's input slew, averaged over the arcs."""
    pt = dict(total_output_net_capacitance=load_pf, input_transition_time=slew_ns,
              input_net_transition=slew_ns)
    er = sum(t[1].lookup(**pt) for t in pin.power) / len(pin.power)
    ef = sum(t[2].lookup(**pt) for t in pin.power) / len(pin.power)
    return rises * er + falls * ef


def energy(lib, net, counts, window_s, slew_ns=0.1):
    """Energy of the window, by part and by kind; see the module comment."""
    v2 = lib.voltage ** 2
    root = net_root(net)
    tog = toggles_by_net(counts, root)
    load, clock_nets, drivers = {}, set(), {}
    unknown = set()
    for ctype, iname, conns in net.insts:
        cell = lib.cells.get(ctype)
        if cell is None:
            unknown.add(ctype)
            continue
        for pin, n in conns.items():
            if is_const(n):
                continue
            n = root(n)
            p = cell.pins.get(pin)
            if p is None:
                raise ValueError("netlist: %s has no pin %s" % (ctype, pin))
            if p.direction == "input":
                load[n] = load.get(n, 0.0) + p.cap
                if p.clock:
                    clock_nets.add(n)
            else:
                drivers[n] = iname
    if unknown:
        raise ValueError("netlist: cells not in the library: %s" % sorted(unknown))
    missing = [n for n in load if n not in tog]
    parts = {k: {"switching": 0.0, "internal": 0.0} for k in ("clock", "flops", "datapath")}
    # switching of every net
    for n, c in load.items():
        r, f = tog.get(n, (0, 0))
        part = "clock" if n in clock_nets else "datapath"
        parts[part]["switching"] += (r + f) * 0.5 * c * v2
    # internal energy of cells
    leak = 0.0
    for ctype, iname, conns in net.insts:
        cell = lib.cells[ctype]
        leak += cell.leakage
        for pin, n in conns.items():
            if is_const(n):
                continue
            n = root(n)
            p = cell.pins[pin]
            r, f = tog.get(n, (0, 0))
            if p.direction == "input":
                part = "clock" if p.clock else ("flops" if cell.sequential else "datapath")
                parts[part]["internal"] += input_pin_energy(p, r, f, slew_ns)
            elif p.power:
                part = "clock" if n in clock_nets else ("flops" if cell.sequential else "datapath")
                parts[part]["internal"] += output_pin_energy(p, r, f, load.get(n, 0.0), slew_ns)
    # leakage: the library's unit (nW for the OSU cells) x seconds -> pJ
    leak_unit = {"1nW": 1e-9, "1uW": 1e-6, "1mW": 1e-3, "1pW": 1e-12, "1W": 1.0}
    leak_pj = leak * leak_unit.get(lib.leakage_unit, 1e-9) * window_s * 1e12
    total = sum(p["switching"] + p["internal"] for p in parts.values()) + leak_pj
    return {"parts": parts, "leakage": leak_pj, "total": total,
            "nets_without_activity": len(missing), "cells": len(net.insts),
            "clock_nets": sorted(clock_nets)}


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--lib", required=True)
    ap.add_argument("--netlist", required=True)
    ap.add_argument("--vcd", required=True)
    ap.add_argument("--scope", required=True, help="VCD scope of the netlist's instance, e.g. tb.dut")
    ap.add_argument("--top")
    ap.add_argument("--from", dest="t_from", type=int, help="count changes after this VCD time")
    ap.add_argument("--to", dest="t_to", type=int, help="... up to this VCD time")
    ap.add_argument("--cycles", type=int, help="clock cycles in the window (for pJ/cycle)")
    ap.add_argument("--macs", type=int, help="MACs in the window (for pJ/MAC)")
    ap.add_argument("--slew-ns", type=float, default=0.1)
    ap.add_argument("--json")
    a = ap.parse_args(argv)
    try:
        lib = liberty.read(a.lib)
        with open(a.netlist) as f:
            net = Netlist(f.read(), a.top)
        counts, ts, t0, t1 = read_vcd(a.vcd, a.scope, a.t_from, a.t_to)
    except (OSError, ValueError) as e:
        sys.stderr.write("energy: %s\n" % e)
        return 1
    lo = a.t_from if a.t_from is not None else t0
    hi = a.t_to if a.t_to is not None else t1
    window_s = max(0, hi - lo) * ts
    try:
        res = energy(lib, net, counts, window_s, a.slew_ns)
    except ValueError as e:
        sys.stderr.write("energy: %s\n" % e)
        return 1
    res.update({"window_s": window_s, "cycles": a.cycles, "macs": a.macs, "slew_ns": a.slew_ns,
                "vdd": lib.voltage})
    del res["clock_nets"]
    p = res["parts"]
    print("energy: %s, %d cells, window %.3g s, slew %.3g ns, V = %g" %
          (net.top.lstrip("\\"), res["cells"], window_s, a.slew_ns, lib.voltage))
    for k in ("clock", "flops", "datapath"):
        print("  %-9s switching %12.4f  internal %12.4f  pJ" % (k, p[k]["switching"], p[k]["internal"]))
    print("  leakage   %12.6f pJ" % res["leakage"])
    print("  total     %12.4f pJ" % res["total"])
    if a.cycles:
        res["pj_per_cycle"] = res["total"] / a.cycles
        print("  per cycle %12.4f pJ (%d cycles)" % (res["pj_per_cycle"], a.cycles))
    if a.macs:
        res["pj_per_mac"] = res["total"] / a.macs
        print("  per MAC   %12.4f pJ (%d MACs)" % (res["pj_per_mac"], a.macs))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(res, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
