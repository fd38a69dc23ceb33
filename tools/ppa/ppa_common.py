# SPDX-License-Identifier: Apache-2.0
"""ppa_common.py - what the PPA tools share: the cell library's location, the
blocks of the flow and their RTL, tool checks, a cached step runner.

The OSU 0.18 um cells (Debian package qflow-tech-osu018, GPL) are read from
/usr/share at run time and never copied into the repository.
"""
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time

OSU = os.environ.get("NPE_OSU018", "/usr/share/qflow/tech/osu018")
LIB = os.path.join(OSU, "osu018_stdcells.lib")
CELLS_V = os.path.join(OSU, "osu018_stdcells.v")
VDD = 1.8  # V: the library's nom_voltage (typical corner)

PKG = "rtl/npe_pkg.sv"
PE_FILES = [PKG] + ["rtl/pe/%s.sv" % m for m in (
    "npe_pe_dec", "npe_pe_front", "npe_pe_mul", "npe_pe_align", "npe_pe_quire",
    "npe_pe_norm", "npe_pe_posit_enc", "npe_pe_round", "npe_pe_cnt", "npe_pe_qslots", "npe_clk_gate", "npe_pe",
    "npe_pe_lite")]

FORMATS = ["fp4", "posit4", "posit8", "posit16", "int8", "ternary"]  # format code order
LANES = {"fp4": 4, "posit4": 4, "posit8": 2, "posit16": 1, "int8": 2, "ternary": 2}

# name -> (top module, RTL files, {parameter: value}, what it is)
BLOCKS = {}
# The PEs as npe_array builds them: no activity counters in the PE
# (HasCounters 0; npe_perf counts for the whole engine since session 15) and
# no quire slots (QuireSlots 0: the K-tile slots are a small memory beside
# the arithmetic, counted separately in docs/PPA.md), with the clock
# gates of an ASIC build (ClockGates 1; the FPGA and Verilator builds clock-
# enable the same registers instead).
BLOCKS["pe_all"] = ("npe_pe", PE_FILES, {"FormatMask": 0x3F, "HasCounters": 0, "ClockGates": 1},
                    "npe_pe, all six formats")
# The same PE with enables instead of clock gates (as FPGA builds it): the
# comparison that shows what the gates save on idle and busy cycles
# (tools/ppa/pe_energy.py's idle runs; not an engine block)
BLOCKS["pe_all_ungated"] = ("npe_pe", PE_FILES, {"FormatMask": 0x3F, "HasCounters": 0, "ClockGates": 0},
                            "npe_pe, all six formats, no clock gates (comparison)")
for _code, _f in enumerate(FORMATS):
    BLOCKS["pe_" + _f] = ("npe_pe", PE_FILES, {"FormatMask": 1 << _code, "HasCounters": 0,
                                                "ClockGates": 1},
                          "npe_pe, %s only (FormatMask 6'h%02x)" % (_f, 1 << _code))
# Clock targets (ns at 180 nm) for blocks synthesised for delay (synth.py):
# the PEs, against issue 15's 1.72 GHz at 28 nm (5.30 ns x 0.1096, the
# Stillmaker-Baas delay factor in scaling.py, = 0.581 ns). Other blocks are
# mapped for area.
PE_CLOCK_NS = 5.30
CLOCK_TARGET_NS = {"pe_all": PE_CLOCK_NS, "pe_all_ungated": PE_CLOCK_NS, "pe_lite": PE_CLOCK_NS}
CLOCK_TARGET_NS.update({"pe_" + _f: PE_CLOCK_NS for _f in FORMATS})
BLOCKS["pe_lite"] = ("npe_pe_lite", PE_FILES, {"FormatMask": 0x30, "HasCounters": 0},
                     "npe_pe_lite, INT8 + ternary (small build)")
BLOCKS["nlu"] = ("npe_nlu", [PKG, "rtl/nlu/npe_nlu_table.sv", "rtl/nlu/npe_nlu_col.sv",
                             "rtl/nlu/npe_nlu.sv"], {"NumCols": 64},
                 "npe_nlu, 64 columns (8 groups x 4 x 2, as in npe_nlu_unit)")
BLOCKS["recur_diag"] = ("npe_recur_diag", [PKG, "rtl/engine/npe_recur_diag.sv"], {},
                        "npe_recur_diag, one DIAG step (combinational)")
BLOCKS["recur_unit"] = ("npe_recur_unit", [PKG, "rtl/engine/npe_recur_sig_pkg.sv",
                                           "rtl/engine/npe_recur_diag.sv",
                                           "rtl/engine/npe_recur_sigmoid.sv",
                                           "rtl/engine/npe_recur_cell.sv",
                                           "rtl/engine/npe_recur_acc_fix.sv",
                                           "rtl/pe/npe_pe_posit_enc.sv", "rtl/pe/npe_pe_round.sv", "rtl/pe/npe_clk_gate.sv",
                                           "rtl/engine/npe_recur_unit.sv"], {},
                        "npe_recur_unit with GRU / LSTM, 1024 state words (state memories as SRAM)")
# Blocks whose cut-out memories have ports on Yosys-internal wires (recur_unit:
# the sigmoid evaluators' second lookup, sig_tab(j + 1), and the state
# memories' write data and enables): synth.py exposes those wires too. Before
# (up to session 18) they were left out, so that lookup read 0 and the write
# logic was dropped from the netlist (its area and timing a little low). A set,
# not every block, so the others' synthesis stays cached.
SRAM_PORTS_UNNAMED = {"recur_unit"}
BLOCKS["axi_dma"] = ("npe_axi_dma", [PKG, "rtl/axi/npe_axi_dma.sv"], {}, "npe_axi_dma, AXI4 master")
BLOCKS["csr"] = ("npe_csr", [PKG, "rtl/axi/npe_csr.sv"], {}, "npe_csr, registers")
BLOCKS["cmd"] = ("npe_cmd", [PKG, "rtl/engine/npe_cmd.sv"], {}, "npe_cmd, command processor")
# The SoC's core (issue 16; docs/CPU.md): register file in flops (32 words)
BLOCKS["rv32_core"] = ("npe_rv32_core", ["rtl/cpu/npe_rv32_alu.sv", "rtl/cpu/npe_rv32_regfile.sv",
                                         "rtl/cpu/npe_rv32_muldiv.sv", "rtl/cpu/npe_rv32_decoder.sv",
                                         "rtl/cpu/npe_rv32_core.sv"], {},
                       "npe_rv32_core, the SoC's RV32IM core")

# Reference operators for the calibration against Horowitz ISSCC'14
# (tools/ppa/calib.py): not part of the engine, not in BLOCK_ORDER.
REF_V = "tools/ppa/ref/npe_ref_ops.v"
CALIB_OPS = {"ref_add8": ("add", 8), "ref_add32": ("add", 32),
             "ref_mul8": ("mul", 8), "ref_mul32": ("mul", 32)}
for _b, (_op, _w) in CALIB_OPS.items():
    BLOCKS[_b] = ("npe_ref_" + _op, [REF_V], {"W": _w},
                  "%d-bit %s (reference operator)" % (_w, "adder" if _op == "add" else "multiplier"))

# The order of the report.
BLOCK_ORDER = ["pe_all"] + ["pe_" + f for f in FORMATS] + [
    "pe_lite", "pe_all_ungated", "nlu", "recur_diag", "recur_unit", "axi_dma", "csr", "cmd",
    "rv32_core"]

TOOLS = {"yosys": "yosys", "sta": "opensta", "iverilog": "iverilog", "vvp": "iverilog"}


def update_json(path, results):
    """Merges results (a dict) into the JSON summary at path, keeping the
    entries of earlier runs that this one did not redo."""
    old = {}
    if os.path.exists(path):
        with open(path) as f:
            old = json.load(f)
    old.update(results)
    with open(path, "w") as f:
        json.dump(old, f, indent=1)


def die(msg):
    sys.stderr.write("ppa: %s\n" % msg)
    raise SystemExit(1)


def need(*tools):
    """Fails cleanly, naming the Debian package, when a tool is missing."""
    for t in tools:
        if shutil.which(t) is None:
            die("'%s' not found; install it with: sudo apt-get install -y %s" % (t, TOOLS[t]))
    if not os.path.exists(LIB):
        die("%s not found; install the OSU 0.18 um cells with: "
            "sudo apt-get install -y qflow-tech-osu018 (or set NPE_OSU018)" % LIB)


def digest(paths, extra=""):
    """SHA-256 over files' contents and a string: the cache key of a step."""
    h = hashlib.sha256(extra.encode())
    for p in paths:
        with open(p, "rb") as f:
            h.update(p.encode() + b"\0" + f.read())
    return h.hexdigest()


def cached(outdir, key):
    """True when outdir holds a finished step with this key."""
    try:
        with open(os.path.join(outdir, "key")) as f:
            return f.read().strip() == key
    except OSError:
        return False


def mark_done(outdir, key):
    with open(os.path.join(outdir, "key"), "w") as f:
        f.write(key + "\n")


def run(cmd, log, cwd=None):
    """Runs a tool at low priority, output to log; on failure shows the log's tail."""
    t0 = time.time()
    with open(log, "w") as f:
        r = subprocess.run(["nice", "-n", "10"] + cmd, stdout=f, stderr=subprocess.STDOUT, cwd=cwd)
    if r.returncode:
        with open(log) as f:
            tail = f.read()[-3000:]
        sys.stderr.write(tail)
        die("%s failed (exit %d); log: %s" % (cmd[0], r.returncode, log))
    return time.time() - t0
