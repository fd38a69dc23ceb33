#!/usr/bin/env python3
# SPDX-License-Identifier: Apache-2.0
"""ISA tests of npe_rv32_core against qemu-riscv32 (docs/CPU.md).

Generates RV32IM assembly programs, builds each file with the RISC-V GCC,
runs the ELF on qemu-riscv32 and on the Verilated core (tests/rtl/cpu/tb_cpu)
and compares their outputs byte for byte. A file holds up to --per-file
programs; each program starts from a fresh state (the 256-byte data buffer
copied from a template, every register but gp set from the seed), runs its
body, then writes its architectural state - x1..x31 and the data buffer, 380
bytes - with the write system call. gp holds the buffer's address throughout
and is never written by a body.

  --directed   every RV32I and M instruction on corner operands (div/rem by
               zero and overflow), loads and stores of every width at every
               aligned offset, branches taken and not, JAL/JALR
  --random N   N seeded random programs: ALU, M, loads/stores inside the
               buffer (from gp or from a register set just before), forward
               branches and jumps, counted backward loops

Exit status 0 when every program agrees; each difference is printed as
"MISMATCH <file> program <k> (<name>): <what> core=<v> qemu=<v>".
"""
import argparse
import concurrent.futures
import os
import random
import re
import subprocess
import sys

MASK = 0xFFFFFFFF
CORNERS = [0, 1, 2, 0xFFFFFFFF, 0xFFFFFFFE, 0x7FFFFFFF, 0x80000000, 0x80000001, 31, 32,
           0x12345678, 0xDEADBEEF, 0x0000FFFF, 0xFFFF0000, 0x00000080, 0x7F]
RR_OPS = ["add", "sub", "sll", "slt", "sltu", "xor", "srl", "sra", "or", "and",
          "mul", "mulh", "mulhsu", "mulhu", "div", "divu", "rem", "remu"]
IMM_OPS = ["addi", "slti", "sltiu", "xori", "ori", "andi"]
SH_OPS = ["slli", "srli", "srai"]
BR_OPS = ["beq", "bne", "blt", "bge", "bltu", "bgeu"]
LOADS = {"lb": 1, "lbu": 1, "lh": 2, "lhu": 2, "lw": 4}
STORES = {"sb": 1, "sh": 2, "sw": 4}
IMM_CORNERS = [0, 1, -1, 2047, -2048, 0x555, -0x556, 0x7F, -0x80]
BUF_BYTES = 256
DUMP_BYTES = 31 * 4 + BUF_BYTES
GP = 3
RD_REGS = [r for r in range(1, 32) if r != GP]           # a body may write these
RESULT_REGS = [1, 2, 4] + list(range(7, 32))             # directed results (t0, t1 scratch)


def x(r):
    return "x%d" % r


def hexv(v):
    return "0x%08x" % (v & MASK)


# ---------------------------------------------------------------------------
# Directed tests: (name, lines) where lines use {r} for the result register
# ---------------------------------------------------------------------------
def directed_tests():
    tests = []
    for op in RR_OPS:
        for a in CORNERS:
            for b in CORNERS:
                tests.append((op, ["li t0, %s" % hexv(a), "li t1, %s" % hexv(b),
                                   "%s {r}, t0, t1" % op]))
        # aliasing: rd = rs1 = rs2, and a write to x0
        tests.append((op + " alias", ["li {r}, 0x87654321", "%s {r}, {r}, {r}" % op]))
        tests.append((op + " x0", ["li t0, 5", "li t1, 3", "%s x0, t0, t1" % op,
                                   "add {r}, x0, x0"]))
    for op in IMM_OPS:
        for a in CORNERS:
            for i in IMM_CORNERS:
                tests.append((op, ["li t0, %s" % hexv(a), "%s {r}, t0, %d" % (op, i)]))
    for op in SH_OPS:
        for a in CORNERS:
            for s in (0, 1, 4, 15, 16, 31):
                tests.append((op, ["li t0, %s" % hexv(a), "%s {r}, t0, %d" % (op, s)]))
    for imm in (0, 1, 0x80000, 0xFFFFF, 0x7FFFF, 0x12345):
        tests.append(("lui", ["lui {r}, 0x%x" % imm]))
        tests.append(("auipc", ["auipc {r}, 0x%x" % imm]))
    # loads: every width at every aligned offset of the first 16 bytes, from
    # gp and with a negative offset from a register past them
    for op, size in LOADS.items():
        for off in range(0, 16, size):
            tests.append((op, ["%s {r}, %d(gp)" % (op, off)]))
            tests.append((op + " neg", ["addi t0, gp, 100", "%s {r}, %d(t0)" % (op, off - 100)]))
        tests.append((op + " end", ["%s {r}, %d(gp)" % (op, BUF_BYTES - size)]))
    # stores: every width at every aligned offset of a word, read back as a word
    for op, size in STORES.items():
        for off in range(0, 8, size):
            base = 64 + 8 * size
            tests.append((op, ["li t0, 0x8badf00d", "%s t0, %d(gp)" % (op, base + off),
                               "lw {r}, %d(gp)" % (base + (off & ~3))]))
            tests.append((op + " neg", ["li t0, 0xc001d00d", "addi t1, gp, 200",
                                        "%s t0, %d(t1)" % (op, base + 32 + off - 200),
                                        "lhu {r}, %d(gp)" % (base + 32 + (off & ~1))]))
    # branches, taken and not: {r} = 1 when not taken, + 2 either way
    br_vals = [0, 1, 0xFFFFFFFF, 0x7FFFFFFF, 0x80000000]
    for op in BR_OPS:
        for a in br_vals:
            for b in br_vals:
                tests.append((op, ["li t0, %s" % hexv(a), "li t1, %s" % hexv(b), "li {r}, 0",
                                   "%s t0, t1, 1f" % op, "li {r}, 1", "1: addi {r}, {r}, 2"]))
        tests.append((op + " back", ["li {r}, 0", "li t0, 0", "j 2f", "1: addi {r}, {r}, 4",
                                     "j 3f", "2: %s t0, t0, 1b" % op, "addi {r}, {r}, 1",
                                     "3: addi {r}, {r}, 16"]))
    # jumps: link values (the ELF is identical on both sides) and targets
    tests.append(("jal", ["jal {r}, 1f", "li {r}, 99", "1: nop"]))
    tests.append(("jal back", ["li t1, 0", "j 2f", "1: addi t1, t1, 5", "j 3f",
                               "2: jal {r}, 1b", "3: add {r}, {r}, t1"]))
    tests.append(("jal x0", ["li {r}, 1", "jal x0, 1f", "li {r}, 2", "1: nop"]))
    tests.append(("jalr", ["la t0, 1f", "jalr {r}, 0(t0)", "li {r}, 99", "1: nop"]))
    tests.append(("jalr off", ["la t0, 1f", "addi t0, t0, -40", "jalr {r}, 40(t0)",
                               "li {r}, 99", "1: nop"]))
    tests.append(("jalr negoff", ["la t0, 1f", "addi t0, t0, 12", "jalr {r}, -12(t0)",
                                  "li {r}, 99", "1: nop"]))
    tests.append(("jalr odd", ["la t0, 1f", "addi t0, t0, 1", "jalr {r}, 0(t0)",
                               "li {r}, 99", "1: nop"]))
    tests.append(("jalr rd=rs1", ["la {r}, 1f", "jalr {r}, 0({r})", "li {r}, 99", "1: nop"]))
    tests.append(("fence", ["li {r}, 7", "fence", "fence.i", "addi {r}, {r}, 1"]))
    return tests


def pack_directed(tests):
    """Groups tests into programs, one result register each."""
    progs = []
    cur, names = [], []
    for name, lines in tests:
        if len(names) == len(RESULT_REGS):
            progs.append(("directed " + ",".join(sorted(set(names))), cur))
            cur, names = [], []
        r = x(RESULT_REGS[len(names)])
        names.append(name.split()[0])
        cur += [ln.replace("{r}", r) for ln in lines]
    if cur:
        progs.append(("directed " + ",".join(sorted(set(names))), cur))
    return progs


# ---------------------------------------------------------------------------
# Random programs
# ---------------------------------------------------------------------------
def rand_val(rng):
    c = rng.random()
    if c < 0.3:
        return rng.choice(CORNERS)
    if c < 0.5:
        return rng.randrange(-64, 64) & MASK
    return rng.getrandbits(32)


def rand_alu(rng, avoid=()):
    regs = [r for r in RD_REGS if r not in avoid]
    rd = 0 if rng.random() < 0.03 else rng.choice(regs)
    rs1, rs2 = rng.randrange(32), rng.randrange(32)
    k = rng.random()
    if k < 0.55:
        return "%s %s, %s, %s" % (rng.choice(RR_OPS), x(rd), x(rs1), x(rs2))
    if k < 0.8:
        return "%s %s, %s, %d" % (rng.choice(IMM_OPS), x(rd), x(rs1), rng.randrange(-2048, 2048))
    if k < 0.93:
        return "%s %s, %s, %d" % (rng.choice(SH_OPS), x(rd), x(rs1), rng.randrange(32))
    return "%s %s, 0x%x" % (rng.choice(["lui", "auipc"]), x(rd), rng.getrandbits(20))


def rand_mem(rng, op, size):
    off = rng.randrange(0, BUF_BYTES, size)
    if rng.random() < 0.5:
        base, pre = "gp", []
    else:
        rb = rng.choice(RD_REGS)
        imm = rng.randrange(max(-2048, off - 2047), min(2047, off + 2048) + 1)
        base, pre = x(rb), ["addi %s, gp, %d" % (x(rb), off - imm)]
        off = imm
    if op in STORES:
        return pre + ["%s %s, %d(%s)" % (op, x(rng.randrange(32)), off, base)]
    rd = rng.choice(RD_REGS)
    return pre + ["%s %s, %d(%s)" % (op, x(rd), off, base)]


def random_body(rng, tag):
    lines = []
    n = rng.randrange(40, 120)
    lab = 0
    while len(lines) < n:
        k = rng.random()
        lab += 1
        label = "L%s_%d" % (tag, lab)
        if k < 0.55:
            lines.append(rand_alu(rng))
        elif k < 0.67:
            op = rng.choice(list(LOADS))
            lines += rand_mem(rng, op, LOADS[op])
        elif k < 0.79:
            op = rng.choice(list(STORES))
            lines += rand_mem(rng, op, STORES[op])
        elif k < 0.88:
            rs1 = rng.randrange(32)
            rs2 = rs1 if rng.random() < 0.15 else rng.randrange(32)
            lines.append("%s %s, %s, %s" % (rng.choice(BR_OPS), x(rs1), x(rs2), label))
            lines += [rand_alu(rng) for _ in range(rng.randrange(1, 5))]
            lines.append("%s:" % label)
        elif k < 0.92:
            rd = 0 if rng.random() < 0.2 else rng.choice(RD_REGS)
            lines.append("jal %s, %s" % (x(rd), label))
            lines += [rand_alu(rng) for _ in range(rng.randrange(1, 4))]
            lines.append("%s:" % label)
        elif k < 0.96:
            rb = rng.choice(RD_REGS)
            rd = 0 if rng.random() < 0.2 else rng.choice(RD_REGS)
            d = rng.randrange(-64, 64)
            odd = 1 if rng.random() < 0.3 else 0
            lines += ["la %s, %s" % (x(rb), label), "addi %s, %s, %d" % (x(rb), x(rb), -d - odd),
                      "jalr %s, %d(%s)" % (x(rd), d + odd, x(rb))]
            lines += [rand_alu(rng) for _ in range(rng.randrange(1, 4))]
            lines.append("%s:" % label)
        else:
            # a counted loop: rc counts down, the body leaves it alone
            rc = rng.choice(RD_REGS)
            lines += ["li %s, %d" % (x(rc), rng.randrange(1, 6)), "%s:" % label]
            lines += [rand_alu(rng, avoid=(rc,)) for _ in range(rng.randrange(1, 5))]
            lines += ["addi %s, %s, -1" % (x(rc), x(rc)), "bnez %s, %s" % (x(rc), label)]
    return lines


# ---------------------------------------------------------------------------
# Files
# ---------------------------------------------------------------------------
def build_asm(progs, rng):
    out = ["# generated by tools/cpu/run_isa_tests.py; do not edit",
           "  .section .text.start", "  .globl _start", "_start:"]
    for k, (name, body) in enumerate(progs):
        out += ["# program %d: %s" % (k, name),
                "  la gp, buf", "  la t0, tmpl", "  li t1, %d" % (BUF_BYTES // 4),
                "1: lw t2, 0(t0)", "  sw t2, 0(gp)", "  addi t0, t0, 4", "  addi gp, gp, 4",
                "  addi t1, t1, -1", "  bnez t1, 1b", "  la gp, buf"]
        out += ["  li %s, %s" % (x(r), hexv(rand_val(rng))) for r in RD_REGS]
        out += ["  " + ln if not ln.endswith(":") else ln for ln in body]
        out += ["  sw x%d, %d(gp)" % (r, 4 * (r - 1) - 124) for r in range(1, 32)]
        out += ["  li a0, 1", "  addi a1, gp, -124", "  li a2, %d" % DUMP_BYTES, "  li a7, 64",
                "  ecall"]
    out += ["  li a0, 0", "  li a7, 93", "  ecall", "", "  .data", "  .align 4",
            "dump: .space 124", "buf: .space %d" % BUF_BYTES, "tmpl:"]
    head = [0x80, 0xFF, 0x7F, 0x01, 0x00, 0x80, 0xFF, 0xFE, 0x34, 0x12, 0x00, 0x80,
            0xFF, 0x7F, 0x55, 0xAA]
    data = head + [rng.getrandbits(8) for _ in range(BUF_BYTES - len(head))]
    for i in range(0, BUF_BYTES, 16):
        out.append("  .byte " + ", ".join("0x%02x" % b for b in data[i:i + 16]))
    return "\n".join(out) + "\n"


def describe(core, qemu, k):
    a, b = core[k * DUMP_BYTES:(k + 1) * DUMP_BYTES], qemu[k * DUMP_BYTES:(k + 1) * DUMP_BYTES]
    if len(a) != len(b):
        return "output length core=%d qemu=%d" % (len(core), len(qemu))
    for i in range(0, DUMP_BYTES, 4):
        if a[i:i + 4] != b[i:i + 4]:
            what = "x%d" % (i // 4 + 1) if i < 124 else "buf+%d" % (i - 124)
            return "%s core=0x%s qemu=0x%s" % (what, a[i:i + 4][::-1].hex(), b[i:i + 4][::-1].hex())
    return "identical"


def run_file(args, path, progs, stall, seed):
    elf = path[:-2] + ".elf"
    r = subprocess.run([args.cc, "-march=rv32im_zifencei", "-mabi=ilp32", "-nostdlib", "-nostartfiles",
                        "-static", "-T", args.ld, "-o", elf, path],
                       capture_output=True, text=True)
    if r.returncode:
        return [("BUILD", path, r.stderr.strip()[:2000])], 0, 0
    q = subprocess.run([args.qemu, elf], capture_output=True, timeout=120)
    tb = [args.tb, "+stats", "+seed=%d" % seed] + (["+stall=%d" % stall] if stall else []) + [elf]
    c = subprocess.run(tb, capture_output=True, timeout=600)
    m = re.search(rb"(\d+) cycles, (\d+) instructions", c.stderr)
    cycles, insns = (int(m.group(1)), int(m.group(2))) if m else (0, 0)
    errs = []
    if q.returncode != 0 or len(q.stdout) != len(progs) * DUMP_BYTES:
        errs.append(("QEMU", path, "status %d, %d bytes" % (q.returncode, len(q.stdout))))
    elif c.returncode != 0 or c.stdout != q.stdout:
        for k in range(len(progs)):
            d = describe(c.stdout, q.stdout, k)
            if d != "identical":
                errs.append(("MISMATCH", path, "program %d (%s): %s" % (k, progs[k][0], d)))
                break
        if not errs:
            errs.append(("MISMATCH", path, "exit status core=%d qemu=%d: %s" %
                         (c.returncode, q.returncode, c.stderr.decode(errors="replace")[-500:])))
    return errs, cycles, insns


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--tb", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("--cc", default="riscv64-unknown-elf-gcc")
    ap.add_argument("--qemu", default="qemu-riscv32")
    ap.add_argument("--ld", default=os.path.join(os.path.dirname(__file__), "..", "..",
                                                 "tests", "rtl", "cpu", "link.ld"))
    ap.add_argument("--directed", action="store_true")
    ap.add_argument("--random", type=int, default=0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--per-file", type=int, default=50)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--quiet", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)

    # files: (label, programs, stall percent)
    files = []
    if args.directed:
        progs = pack_directed(directed_tests())
        for i in range(0, len(progs), args.per_file):
            files.append(("directed_%03d" % (i // args.per_file), progs[i:i + args.per_file], 0))
    rng = random.Random(args.seed)
    n = 0
    while n < args.random:
        cnt = min(args.per_file, args.random - n)
        fi = len(files)
        progs = [("random seed %d #%d" % (args.seed, n + k), random_body(rng, "%d_%d" % (fi, k)))
                 for k in range(cnt)]
        files.append(("random_s%d_%04d" % (args.seed, n // args.per_file), progs,
                      30 if (n // args.per_file) % 2 else 0))
        n += cnt

    jobs = []
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as ex:
        for label, progs, stall in files:
            path = os.path.join(args.work, label + ".S")
            with open(path, "w") as f:
                # register and buffer initial values: from the seed and the file's place
                f.write(build_asm(progs, random.Random(args.seed * 7919 + len(jobs))))
            jobs.append((label, progs, ex.submit(run_file, args, path, progs, stall, len(jobs) + 1)))
        nprog = ndir = bad = 0
        dcyc = dins = rcyc = rins = 0
        for label, progs, fut in jobs:
            errs, cyc, ins = fut.result()
            nprog += len(progs)
            if label.startswith("directed"):
                ndir += len(progs)
                dcyc, dins = dcyc + cyc, dins + ins
            else:
                rcyc, rins = rcyc + cyc, rins + ins
            for kind, path, msg in errs:
                bad += 1
                print("%s %s %s" % (kind, path, msg))
    summary = "cpu isa: %d programs (%d directed, %d random, seed %d) in %d files vs qemu-riscv32: " \
              "%d mismatching files" % (nprog, ndir, nprog - ndir, args.seed, len(files), bad)
    print(summary)
    if dins:
        print("cpu isa: directed files %d cycles / %d instructions, CPI %.3f (no wait states)"
              % (dcyc, dins, dcyc / dins))
    if rins:
        print("cpu isa: random files %d cycles / %d instructions, CPI %.3f (half with 30%% wait states)"
              % (rcyc, rins, rcyc / rins))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
