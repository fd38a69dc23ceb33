# SPDX-License-Identifier: Apache-2.0
"""liberty.py - the parts of a Liberty (.lib) file the energy tool needs.

read(path) -> Library with, per cell: area (um^2), leakage (the file's
leakage_power_unit), and per pin: direction, capacitance (the file's
capacitive_load_unit), clock flag, and internal_power tables (pJ per
transition when energy is pF x V^2, as in the OSU 0.18 um cells). A small
recursive-descent parser of the group / attribute syntax; no semantics
beyond what is read here.
"""
import re
import sys

try:
    import numpy as np
except ImportError:  # pragma: no cover
    sys.stderr.write("ppa: numpy not found; install it with: sudo apt-get install -y python3-numpy\n")
    raise SystemExit(1)

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|[{}();:,]|[^\s{}();:,"]+')


class Group:
    """One Liberty group: type (cell, pin, ...), its arguments, attributes,
    complex attributes (name -> list of argument lists) and subgroups."""

    def __init__(self, gtype, args):
        self.type, self.args = gtype, args
        self.attrs, self.complex, self.groups = {}, {}, []

    def sub(self, gtype):
        return [g for g in self.groups if g.type == gtype]


def _unquote(s):
    return s[1:-1] if s.startswith('"') else s


def parse(text):
    """Parses Liberty text into a tree of Group; returns the library group."""
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    text = text.replace("\\\n", " ")
    toks = _TOKEN.findall(text)
    pos = 0

    def body(group):
        nonlocal pos
        while pos < len(toks) and toks[pos] != "}":
            name = toks[pos]
            pos += 1
            if toks[pos] == ":":
                val = toks[pos + 1]
                pos += 2
                if pos < len(toks) and toks[pos] == ";":
                    pos += 1
                group.attrs[name] = _unquote(val)
            elif toks[pos] == "(":
                pos += 1
                args = []
                while toks[pos] != ")":
                    if toks[pos] != ",":
                        args.append(_unquote(toks[pos]))
                    pos += 1
                pos += 1
                if pos < len(toks) and toks[pos] == "{":
                    pos += 1
                    g = Group(name, args)
                    body(g)
                    pos += 1  # "}"
                    group.groups.append(g)
                else:
                    if pos < len(toks) and toks[pos] == ";":
                        pos += 1
                    group.complex.setdefault(name, []).append(args)
            else:
                raise ValueError("liberty: unexpected token %r after %r" % (toks[pos], name))

    root = Group("root", [])
    body(root)
    libs = root.sub("library")
    if not libs:
        raise ValueError("liberty: no library group")
    return libs[0]


def _floats(s):
    return [float(x) for x in s.replace(",", " ").split()]


class Table:
    """A lookup table in the template's variables, clamped bilinear interpolation."""

    def __init__(self, group, templates):
        tvars, tidx = templates.get(group.args[0] if group.args else "", ([], {}))
        self.vars = tvars
        self.index = []
        for i in (1, 2):
            key = "index_%d" % i
            if key in group.complex:
                self.index.append(np.array(_floats(group.complex[key][0][0])))
            elif key in tidx:
                self.index.append(np.array(tidx[key]))
        vals = [_floats(v) for v in group.complex["values"][0]]
        self.values = np.array(vals)
        if self.values.ndim == 2 and self.values.shape[0] == 1 and len(self.index) == 1:
            self.values = self.values[0]

    def lookup(self, **point):
        """Value at the named variables (total_output_net_capacitance,
        input_transition_time / input_net_transition), clamped to the table."""
        coords = [point[v] for v in self.vars]
        if self.values.ndim == 0 or not self.index:
            return float(self.values)
        if len(self.index) == 1:
            return float(np.interp(coords[0], self.index[0], self.values.reshape(-1)))
        x, y = coords
        col = np.array([np.interp(y, self.index[1], row) for row in self.values])
        return float(np.interp(x, self.index[0], col))


class Pin:
    def __init__(self):
        self.direction = "input"
        self.cap = 0.0
        self.clock = False
        self.passive = []   # [(rise Table, fall Table)] energy per transition of this input
        self.power = []     # [(related pin, rise Table, fall Table)] per output transition


class Cell:
    def __init__(self, name):
        self.name = name
        self.area = 0.0
        self.leakage = 0.0
        self.pins = {}
        self.sequential = False


class Library:
    def __init__(self, group):
        self.name = group.args[0] if group.args else ""
        self.voltage = float(group.attrs.get("nom_voltage", "0") or 0)
        self.cap_unit = group.complex.get("capacitive_load_unit", [["1", "pf"]])[0]
        self.leakage_unit = group.attrs.get("leakage_power_unit", "1nW")
        templates = {}
        for kind in ("lu_table_template", "power_lut_template"):
            for t in group.sub(kind):
                tvars = [t.attrs[k] for k in ("variable_1", "variable_2") if k in t.attrs]
                tidx = {k: _floats(v[0][0]) for k, v in t.complex.items() if k.startswith("index_")}
                templates[t.args[0]] = (tvars, tidx)
        self.cells = {}
        for cg in group.sub("cell"):
            cell = Cell(cg.args[0])
            cell.area = float(cg.attrs.get("area", 0))
            cell.leakage = float(cg.attrs.get("cell_leakage_power", 0))
            cell.sequential = bool(cg.sub("ff") or cg.sub("latch"))
            for pg in cg.sub("pin"):
                pin = Pin()
                pin.direction = pg.attrs.get("direction", "input")
                pin.cap = float(pg.attrs.get("capacitance", 0))
                pin.clock = pg.attrs.get("clock", "false") == "true"
                for ip in pg.sub("internal_power"):
                    rise = [Table(g, templates) for g in ip.sub("rise_power")]
                    fall = [Table(g, templates) for g in ip.sub("fall_power")]
                    if not rise or not fall:
                        continue
                    if pin.direction == "output":
                        pin.power.append((ip.attrs.get("related_pin"), rise[0], fall[0]))
                    else:
                        pin.passive.append((rise[0], fall[0]))
                cell.pins[pg.args[0]] = pin
            self.cells[cell.name] = cell


def read(path):
    with open(path) as f:
        return Library(parse(f.read()))
