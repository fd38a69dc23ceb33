# SPDX-License-Identifier: Apache-2.0
"""fanout.py - buffer trees on the high-fan-out nets ABC leaves behind.

ABC's `buffer -p` buffers the primary inputs of the logic it maps (block
ports and flip-flop outputs), but Yosys 0.23 reads those buffers back as
plain connections, so a FIFO read pointer can drive a thousand mux selects
from one DFFSR (a 36 ns edge in OpenSTA). repair() rebuilds every net with
more than MAX_FANOUT input-pin loads, except the clock (ideal in STA, and no
clock tree in the energy figures) and nets that only reach asynchronous
set/reset pins, as a tree of BUFX4 with at most MAX_FANOUT loads per
buffer: the standard "repair design" step of a physical flow, done on the
netlist Yosys wrote. Returns the buffers added; the caller adds their area.
"""
import re

import energy

MAX_FANOUT = 12
BUF, BUF_IN, BUF_OUT = "BUFX4", "A", "Y"


def _is_plain(name):
    return re.match(r"^[A-Za-z_][\w$]*$", name) is not None


def write(net, path):
    """Writes a Netlist (energy.Netlist) back as Verilog, one bit per net."""
    port_bits = {b for _, bits in net.ports.values() for b in bits}

    def ref(n):
        if n is None:
            return ""
        if n[0].isdigit():  # a constant, "1'b0"
            return n
        if n in port_bits or _is_plain(n):
            return n
        return "\\%s " % n

    wires = set()
    for _, _, conns in net.insts:
        for n in conns.values():
            if not energy.is_const(n) and n not in port_bits:
                wires.add(n)
    top = net.top.lstrip("\\")
    out = ["/* Yosys netlist with buffer trees added by tools/ppa/fanout.py */",
           "module %s(%s);" % (top, ", ".join(net.ports))]
    for name, (d, bits) in net.ports.items():
        idx = [int(re.search(r"\[(\d+)\]$", b).group(1)) for b in bits] if bits != [name] else []
        rng = " [%d:%d]" % (max(idx), min(idx)) if idx else ""
        out.append("  %s%s %s;" % (d, rng, name))
        out.append("  wire%s %s;" % (rng, name))
    for w in sorted(wires):
        out.append("  wire %s;" % ref(w))
    for ctype, iname, conns in net.insts:
        pins = ",\n".join("    .%s(%s)" % (p, ref(n)) for p, n in conns.items())
        out.append("  %s %s (\n%s\n  );" % (ctype, iname, pins))
    for a, b in net.aliases:
        out.append("  assign %s = %s;" % (ref(a), ref(b)))
    out.append("endmodule\n")
    with open(path, "w") as f:
        f.write("\n".join(out))


def repair(net, lib, max_fanout=MAX_FANOUT):
    """Adds buffer trees in place; returns the number of buffers added."""
    loads = {}
    for k, (ctype, iname, conns) in enumerate(net.insts):
        cell = lib.cells[ctype]
        for pin, n in conns.items():
            if not energy.is_const(n) and cell.pins[pin].direction == "input":
                loads.setdefault(n, []).append((k, pin, cell.pins[pin].clock, pin in ("R", "S")))
    added = 0
    for n, lst in sorted(loads.items()):
        if len(lst) <= max_fanout or any(c for _, _, c, _ in lst) or all(a for _, _, _, a in lst):
            continue
        level = [(k, pin) for k, pin, _, _ in lst]
        while len(level) > max_fanout:
            nxt = []
            for g in range(0, len(level), max_fanout):
                bnet = "fo_net_%d" % added  # plain names: no escaping needed
                bname = "fo_buf_%d" % added
                idx = len(net.insts)
                net.insts.append((BUF, bname, {BUF_IN: None, BUF_OUT: bnet}))
                for k, pin in level[g:g + max_fanout]:
                    net.insts[k][2][pin] = bnet
                nxt.append((idx, BUF_IN))
                added += 1
            level = nxt
        for k, pin in level:
            net.insts[k][2][pin] = n
    return added
