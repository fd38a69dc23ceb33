#!/bin/sh
# test_matmul_cli.sh NPE_BINARY - end-to-end tests of `npe info` and
# `npe matmul` on the simulator: golden agreement, outputs, .npy input, and
# bad input (exit 2, message on stderr, nothing on stdout).
set -u
NPE=${1:?usage: test_matmul_cli.sh NPE_BINARY}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

"$NPE" info > "$T/info" || fail "npe info"
grep -q '^MAC array' "$T/info" || fail "npe info output"
"$NPE" info --json | grep -q '"rows":' || fail "npe info --json"
"$NPE" info | grep -q "^nonlinear     ramp ADC, 8 column groups" || fail "npe info: the NLU's groups per ramp"
"$NPE" info --json | grep -q '"nlu_groups": 8' || fail "npe info --json nlu_groups"
"$NPE" info --json | grep -q '"b_resident": true' || fail "npe info --json b_resident"
"$NPE" info | grep -q "B loaded once per matmul" || fail "npe info: resident B"

# every format, golden-checked, all outputs exact
"$NPE" matmul --m 9 --n 11 --k 70 --check --quiet > "$T/mm" || fail "matmul all formats"
[ "$(grep -c ' exact$' "$T/mm")" -eq 6 ] || fail "matmul: not 6 exact rows"
"$NPE" matmul --m 5 --n 7 --k 33 --format posit16 --out posit8 --check --quiet \
  --device 'sim:?latency=17&ready=60&valid=70&seed=4' > "$T/mm2" || fail "matmul requantised"
grep -q ' exact$' "$T/mm2" || fail "requantised not exact"
"$NPE" matmul --m 4 --n 4 --k 16 --format int8 --json --check --quiet > "$T/j" || fail "json"
grep -q '"golden_mismatches": 0' "$T/j" || fail "json content"
"$NPE" matmul --m 4 --n 4 --k 16 --format fp4 --quiet --csv "$T/c.csv" --json-out "$T/c.json" \
  > /dev/null || fail "csv/json files"
[ "$(wc -l < "$T/c.csv")" -eq 2 ] || fail "csv rows"
grep -q '"format": "fp4"' "$T/c.json" || fail "json file"

# resident B and --no-b-resident (B per m-tile): the same C, golden-exact,
# and more energy per step (the weights cross the DMA 5 times, not once)
"$NPE" matmul --m 17 --n 70 --k 40 --format int8 --check --quiet --c-out "$T/res.npy" \
  --json-out "$T/res.json" > "$T/res" || fail "matmul resident B"
"$NPE" matmul --m 17 --n 70 --k 40 --format int8 --check --quiet --c-out "$T/step.npy" \
  --json-out "$T/step.json" --no-b-resident > "$T/step" || fail "matmul --no-b-resident"
grep -q ' exact$' "$T/res" && grep -q ' exact$' "$T/step" || fail "resident / per-step not exact"
cmp -s "$T/res.npy" "$T/step.npy" || fail "resident and per-step C differ"
e_res=$(sed -n 's/.*"energy_pj": \([0-9.]*\).*/\1/p' "$T/res.json")
e_step=$(sed -n 's/.*"energy_pj": \([0-9.]*\).*/\1/p' "$T/step.json")
awk -v a="$e_res" -v b="$e_step" 'BEGIN { exit !(a > 0 && b > 2 * a) }' ||
  fail "per-step energy $e_step pJ not above twice the resident $e_res pJ"

# .npy inputs (float32, C order), written without numpy
python3 - "$T" <<'PY'
import struct, sys
def npy(path, rows, cols, vals):
    hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (%d, %d), }" % (rows, cols)
    hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
    with open(path, "wb") as f:
        f.write(b"\x93NUMPY\x01\x00" + struct.pack("<H", len(hdr)) + hdr.encode())
        f.write(struct.pack("<%df" % len(vals), *vals))
d = sys.argv[1]
npy(d + "/a.npy", 3, 8, [(i % 7) - 3.0 for i in range(24)])
npy(d + "/b.npy", 5, 8, [((i * 3) % 5) - 2.0 for i in range(40)])
npy(d + "/bad.npy", 3, 7, [1.0] * 21)
PY
"$NPE" matmul --a "$T/a.npy" --b "$T/b.npy" --format int8 --check --quiet > "$T/npy" ||
  fail "npy matmul"
grep -q 'M=3 N=5 K=8' "$T/npy" || fail "npy shape"
grep -q ' exact$' "$T/npy" || fail "npy golden"
# int8 with a per-tensor absmax scale: close to float64 (SQNR > 40 dB)
awk '$1 == "int8" && $7 + 0 > 40 { ok = 1 } END { exit !ok }' "$T/npy" || fail "npy int8 SQNR"

expect_usage() {
  "$@" > "$T/out" 2> "$T/err"
  rc=$?
  [ $rc -eq 2 ] || fail "exit $rc (want 2): $*"
  [ ! -s "$T/out" ] || fail "stdout not empty: $*"
  [ -s "$T/err" ] || fail "no error message: $*"
}
# the NLU after the matmul: codes golden-checked in every format, a
# two-segment function under back-pressure
"$NPE" matmul --m 6 --n 21 --k 40 --act sigmoid --act-bits 6 --check --quiet > "$T/act" ||
  fail "matmul --act sigmoid"
[ "$(grep -c ' exact$' "$T/act")" -eq 6 ] || fail "--act: not 6 exact rows"
grep -q 'sigmoid(A x B^T) through the NLU (B=6, F=8)' "$T/act" || fail "--act header"
"$NPE" matmul --m 5 --n 9 --k 24 --format posit8 --act gelu --act-bits 5 --act-frac 6 --check \
  --quiet --device 'sim:?latency=23&ready=70&valid=60&seed=2' > "$T/act2" || fail "--act gelu"
grep -q ' exact$' "$T/act2" || fail "--act gelu golden"
# an 8-bit sigmoid of int8 products stays within a few LSB of float64 (SQNR > 25 dB)
"$NPE" matmul --m 8 --n 8 --k 32 --format int8 --act sigmoid --check --quiet > "$T/act3" ||
  fail "--act int8"
awk '$1 == "int8" && $7 + 0 > 25 { ok = 1 } END { exit !ok }' "$T/act3" || fail "--act SQNR"

expect_usage "$NPE" matmul --act swish
# the small build: "all" is the formats it has; one it lacks is refused
"$NPE" info --device 'sim:?build=small' | grep -q '^formats *int8 ternary$' || fail "small info"
"$NPE" matmul --device 'sim:?build=small' --m 3 --n 6 --k 40 --check --quiet > "$T/sm" \
  || fail "small build matmul"
[ "$(grep -c ' exact$' "$T/sm")" -eq 2 ] || fail "small build: not 2 exact rows"
expect_usage "$NPE" matmul --device 'sim:?build=small' --format fp4 --m 2 --n 2 --k 8
expect_usage "$NPE" matmul --device 'sim:?build=tiny'
# no NLU in the small build: --act refused before any row runs
expect_usage "$NPE" matmul --device 'sim:?build=small' --act sigmoid --m 2 --n 2 --k 8
grep -q 'nonlinear unit' "$T/err" || fail "small build --act: message"
# the Zynq board top's model: every format, 64 KiB B buffers
"$NPE" info --device 'sim:?build=zynq' > "$T/zi" || fail "zynq info"
grep -q '^transport *sim-zynq$' "$T/zi" || fail "zynq info: transport"
"$NPE" matmul --device 'sim:?build=zynq' --m 5 --n 9 --k 300 --format all --check --quiet > "$T/zm" \
  || fail "zynq build matmul"
[ "$(grep -c ' exact$' "$T/zm")" -eq 6 ] || fail "zynq build: not 6 exact rows"
expect_usage "$NPE" matmul --act tanh --act-bits 0
expect_usage "$NPE" matmul --act tanh --act-bits 9
expect_usage "$NPE" matmul --act tanh --act-frac 15
expect_usage "$NPE" matmul --act tanh --out int8
expect_usage "$NPE" matmul --m 0
expect_usage "$NPE" matmul --m abc
expect_usage "$NPE" matmul --format posit9
expect_usage "$NPE" matmul --out f16
expect_usage "$NPE" matmul --bogus
# K beyond the scratchpads: K tiles on the default build (golden-checked),
# refused with the reason on the small build, which has none
"$NPE" matmul --m 3 --n 5 --k 20000 --format posit16 --check --quiet > "$T/kt" ||
  fail "matmul K = 20000 in K tiles"
grep -q ' exact$' "$T/kt" || fail "K tiles not exact"
"$NPE" info | grep -q '^largest K.*any K in K tiles' || fail "npe info: K tiles"
"$NPE" info --json | grep -q '"k_tiles": true' || fail "npe info --json: k_tiles"
"$NPE" info | grep -q '^weights .*Sherry 1.25-bit' || fail "npe info: Sherry"
"$NPE" info --json | grep -q '"sherry": true' || fail "npe info --json: sherry"
"$NPE" info --device 'sim:?build=small' --json | grep -q '"sherry": false' ||
  fail "npe info --json: small build without Sherry"
expect_usage "$NPE" matmul --device 'sim:?build=small' --format int8 --m 2 --n 2 --k 9000
grep -q "no K tiles" "$T/err" || fail "small build: K tiles reason"
expect_usage "$NPE" matmul --device 'sim:?latency=x'
expect_usage "$NPE" matmul --device 'ftdi://nothing'
expect_usage "$NPE" matmul --a "$T/a.npy"
expect_usage "$NPE" matmul --a "$T/a.npy" --b "$T/bad.npy"
expect_usage "$NPE" matmul --a "$T/missing.npy" --b "$T/b.npy"
expect_usage "$NPE" info --bogus

# --- pre-quantised inputs and --c-out (issue 18) ---
# npy.py: write a .npy from a header dict text, a struct format and values
# (or raw bytes), and read one back; plain Python, no numpy
cat > "$T/npy.py" <<'PY'
import struct, sys
def raw(path, hdr, data, magic=b"\x93NUMPY", ver=b"\x01\x00", pad=True):
    if pad:
        hdr += " " * (63 - (10 + len(hdr)) % 64) + "\n"
    hb = hdr.encode("latin-1")
    ln = struct.pack("<H", len(hb)) if ver[0] == 1 else struct.pack("<I", len(hb))
    open(path, "wb").write(magic + ver + ln + hb + data)
def arr(path, descr, shape, vals, code, order="False"):
    hdr = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (descr, order, shape)
    raw(path, hdr, struct.pack("<%d%s" % (len(vals), code), *vals))
def read(path):
    b = open(path, "rb").read()
    assert b[:8] == b"\x93NUMPY\x01\x00", b[:8]
    n = struct.unpack("<H", b[8:10])[0]
    hdr = b[10:10 + n].decode()
    assert (10 + n) % 64 == 0 and hdr.endswith("\n"), hdr
    return hdr, b[10 + n:]
PY
python3 - "$T" <<'PY' || fail "writing the .npy test files"
import sys, math, struct
sys.path.insert(0, sys.argv[1])
from npy import raw, arr
d = sys.argv[1] + "/"
f4 = lambda name, shape, vals, **kw: arr(d + name, "<f4", shape, vals, "f", **kw)
f4("rank3.npy", "(2, 2, 2)", [1.0] * 8)
f4("rank1.npy", "(8,)", [1.0] * 8)
f4("empty.npy", "(0, 4)", [])
f4("fortran.npy", "(2, 4)", [1.0] * 8, order="True")
f4("nan.npy", "(2, 4)", [1.0] * 5 + [math.nan] + [1.0] * 2)
f4("inf.npy", "(2, 4)", [1.0] * 7 + [-math.inf])
arr(d + "cplx.npy", "<c8", "(2, 4)", [1.0] * 16, "f")
arr(d + "be.npy", ">f4", "(2, 4)", [1.0] * 8, "f")
arr(d + "f16.npy", "<f2", "(2, 4)", [1.0] * 8, "e")
hdr = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }"
raw(d + "trunc.npy", hdr, struct.pack("<7f", *[1.0] * 7))
raw(d + "extra.npy", hdr, struct.pack("<9f", *[1.0] * 9))
raw(d + "magic.npy", hdr, struct.pack("<8f", *[1.0] * 8), magic=b"\x93NUMPX")
raw(d + "version.npy", hdr, struct.pack("<8f", *[1.0] * 8), ver=b"\x09\x00")
raw(d + "huge.npy", hdr + " " * 200000, struct.pack("<8f", *[1.0] * 8), ver=b"\x02\x00")
raw(d + "garbled.npy", "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 4) junk", b"")
raw(d + "nokey.npy", "{'descr': '<f4', 'shape': (2, 4), }", struct.pack("<8f", *[1.0] * 8))
raw(d + "dupkey.npy", "{'descr': '<f4', 'descr': '<f4', 'fortran_order': False, 'shape': (2, 4), }",
    struct.pack("<8f", *[1.0] * 8))
raw(d + "nonl.npy", hdr, struct.pack("<8f", *[1.0] * 8), pad=False)
open(d + "hdrtrunc.npy", "wb").write(b"\x93NUMPY\x01\x00\x40\x00{'descr'")
open(d + "short.npy", "wb").write(b"\x93NUM")
f4("b4.npy", "(3, 4)", [0.5] * 12)
# pre-quantised: int8 A (2 x 4), int8 B (3 x 4); ternary B; posit8 patterns
A = [1, -2, 3, 127, -128, 0, 5, -7]
B = [2, 1, -1, 0, 1, 1, 1, 1, -3, 4, 0, 2]
T3 = [1, 0, -1, 1, -1, -1, 0, 0, 1, 1, 1, 1]
arr(d + "a8.npy", "|i1", "(2, 4)", A, "b")
arr(d + "b8.npy", "|i1", "(3, 4)", B, "b")
arr(d + "bt.npy", "|i1", "(3, 4)", T3, "b")
arr(d + "bt_bad.npy", "|i1", "(3, 4)", T3[:5] + [2] + T3[6:], "b")
arr(d + "a8_wide.npy", "<i2", "(2, 4)", A[:3] + [300] + A[4:], "h")
# posit8: 0x40 = 1, 0xc0 = -1, 0x60 = 2, 0x00 = 0
arr(d + "ap.npy", "|u1", "(2, 4)", [0x40, 0xc0, 0x60, 0x00, 0x60, 0x60, 0x40, 0xc0], "B")
arr(d + "bp.npy", "|u1", "(1, 4)", [0x40, 0x40, 0x40, 0x40], "B")
# per-row scales of b8 (3 rows), wrong-sized, zero, and as a row vector
arr(d + "s3.npy", "<f4", "(3, 1)", [0.5, 2.0, 0.25], "f")
arr(d + "s3row.npy", "<f8", "(1, 3)", [0.5, 2.0, 0.25], "d")
arr(d + "s2.npy", "<f4", "(2, 1)", [0.5, 2.0], "f")
arr(d + "s3zero.npy", "<f4", "(3, 1)", [0.5, 0.0, 0.25], "f")
PY
# every malformed file: exit 2, nothing on stdout, the file and the problem named
bad_npy() { # FILE WORDS-IN-THE-MESSAGE
  expect_usage "$NPE" matmul --a "$T/$1" --b "$T/b4.npy" --format int8 --quiet
  grep -q "$T/$1: .*$2" "$T/err" || fail "$1: message '$(cat "$T/err")' lacks '$2'"
}
bad_npy rank3.npy 'shape (2, 2, 2) has rank 3; need a 2-D array'
bad_npy rank1.npy 'rank 1'
bad_npy empty.npy 'empty array'
bad_npy fortran.npy 'Fortran-order'
bad_npy nan.npy 'element \[1, 1\] is NaN'
bad_npy inf.npy 'element \[1, 3\] is -Inf'
bad_npy cplx.npy "dtype '<c8' not supported"
bad_npy f16.npy "dtype '<f2' not supported"
bad_npy be.npy 'big-endian'
bad_npy trunc.npy 'truncated data: 28 bytes'
bad_npy extra.npy '4 bytes after the data'
bad_npy magic.npy 'not a .npy file'
bad_npy version.npy 'unsupported .npy format version 9.0'
bad_npy huge.npy 'larger than the 65535-byte limit'
bad_npy garbled.npy 'garbled header'
bad_npy nokey.npy "missing 'fortran_order'"
bad_npy dupkey.npy "'descr' twice"
bad_npy nonl.npy 'does not end in a newline'
bad_npy hdrtrunc.npy 'truncated header'
bad_npy short.npy 'not a .npy file'
# a bad file given as B is named too
expect_usage "$NPE" matmul --a "$T/b4.npy" --b "$T/rank3.npy" --format int8 --quiet
grep -q "rank3.npy: .*rank 3" "$T/err" || fail "bad B not named"

# pre-quantised int8 x int8, scale 1: C is the exact integer product
"$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --format int8 --check --quiet \
  --c-out "$T/c8.npy" > "$T/pq" || fail "pre-quantised int8"
grep -q ' exact$' "$T/pq" || fail "pre-quantised int8 golden"
grep -q "^wrote $T/c8.npy" "$T/pq" || fail "--c-out not reported"
# ... ternary weights, and posit8 patterns with scales 0.5 and 0.25
"$NPE" matmul --a "$T/a8.npy" --b "$T/bt.npy" --format ternary --check --quiet \
  --c-out "$T/ct.npy" > /dev/null || fail "pre-quantised ternary"
"$NPE" matmul --a "$T/ap.npy" --b "$T/bp.npy" --a-scale 0.5 --b-scale 0.25 --format posit8 \
  --check --quiet --c-out "$T/cp.npy" > /dev/null || fail "pre-quantised posit8"
# requantised posit16 output: patterns with the scale in the header, read back as A
"$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --format int8 --b-scale 0.125 --out posit16 \
  --check --quiet --c-out "$T/c16.npy" > /dev/null || fail "--out posit16 --c-out"
"$NPE" matmul --a "$T/c16.npy" --b "$T/c16.npy" --format posit16 --check --quiet \
  > /dev/null || fail "--c-out posit16 patterns read back as --a"
# per-row (per-output-channel) scales of a pre-quantised B, and float B quantised per row
"$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --b-scales "$T/s3.npy" --format int8 --check \
  --quiet --c-out "$T/cr.npy" > "$T/pr" || fail "--b-scales"
grep -q ' exact$' "$T/pr" || fail "--b-scales golden"
"$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --b-scales "$T/s3row.npy" --format int8 --check \
  --quiet > /dev/null || fail "--b-scales (1, N) float64"
"$NPE" matmul --m 5 --n 9 --k 40 --per-row --check --quiet > "$T/prr" || fail "--per-row"
[ "$(grep -c ' exact$' "$T/prr")" = 6 ] || fail "--per-row: six formats exact"
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --b-scales "$T/s2.npy" --format int8
grep -q "s2.npy: per-row scales must be 3 float values" "$T/err" || fail "--b-scales size message"
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --b-scales "$T/s3zero.npy" --format int8
grep -q "s3zero.npy: scale \[1\] = 0 is not a finite normal value > 0" "$T/err" ||
  fail "--b-scales zero message"
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --b-scales "$T/b8.npy" --format int8
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --per-row --format int8
grep -q "needs its scales: --b-scales" "$T/err" || fail "--per-row pre-quantised message"
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --b-scales "$T/s3.npy" --b-scale 2 \
  --format int8
expect_usage "$NPE" matmul --m 2 --n 2 --k 8 --per-row --out int8
grep -q "give binary32 results" "$T/err" || fail "--per-row --out message"
expect_usage "$NPE" matmul --m 2 --n 2 --k 8 --per-row --act sigmoid
expect_usage "$NPE" matmul --m 2 --n 2 --k 8 --b-scales "$T/s3.npy"
# the NLU codes
"$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --format int8 --act sigmoid --check --quiet \
  --c-out "$T/cs.npy" > /dev/null || fail "--act --c-out"
python3 - "$T" <<'PY' || fail "--c-out contents"
import sys, struct
sys.path.insert(0, sys.argv[1])
from npy import read
d = sys.argv[1] + "/"
A = [1, -2, 3, 127, -128, 0, 5, -7]
B = [2, 1, -1, 0, 1, 1, 1, 1, -3, 4, 0, 2]
T3 = [1, 0, -1, 1, -1, -1, 0, 0, 1, 1, 1, 1]
mm = lambda a, b, n: [sum(a[i * 4 + t] * b[j * 4 + t] for t in range(4)) for i in range(2) for j in range(n)]
def f32(name, want):
    hdr, data = read(d + name)
    assert "'descr': '<f4'" in hdr and "'shape': (2, %d)" % (len(want) // 2) in hdr, hdr
    got = list(struct.unpack("<%df" % len(want), data))
    assert got == [float(x) for x in want], (name, got, want)
f32("c8.npy", mm(A, B, 3))
f32("cr.npy", [x * [0.5, 2.0, 0.25][i % 3] for i, x in enumerate(mm(A, B, 3))])
f32("ct.npy", mm(A, T3, 3))
f32("cp.npy", [x * 0.125 for x in mm([1, -1, 2, 0, 2, 2, 1, -1], [1] * 4, 1)])
hdr, data = read(d + "c16.npy")
assert "'descr': '<u2'" in hdr and "# npe: format=posit16 scale=0x1p-3" in hdr, hdr
assert len(data) == 12
hdr, data = read(d + "cs.npy")
assert "'descr': '|u1'" in hdr and "# npe: act=sigmoid bits=8 frac=8" in hdr, hdr
assert len(data) == 6
PY
# pre-quantised refusals
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/bt_bad.npy" --format ternary
grep -q "bt_bad.npy: element \[1, 1\] = 2 is not a ternary pattern" "$T/err" ||
  fail "bad ternary pattern message"
expect_usage "$NPE" matmul --a "$T/a8_wide.npy" --b "$T/b8.npy" --format int8
grep -q "a8_wide.npy: element \[0, 3\] = 300 is not a int8 pattern" "$T/err" ||
  fail "int8 range message"
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy"
grep -q "a8.npy: pre-quantised ('|i1') patterns need one --format" "$T/err" ||
  fail "patterns with --format all"
expect_usage "$NPE" matmul --a "$T/c16.npy" --b "$T/c16.npy" --format posit8
grep -q "holds posit16 patterns" "$T/err" || fail "recorded format mismatch"
expect_usage "$NPE" matmul --a "$T/b4.npy" --b "$T/b4.npy" --format int8 --a-scale 2
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --format int8 --a-scale 0
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --format int8 --b-scale nan
expect_usage "$NPE" matmul --a "$T/a8.npy" --b "$T/b8.npy" --format int8 --act tanh --a-scale 3
expect_usage "$NPE" matmul --m 2 --n 2 --k 8 --a-scale 2
expect_usage "$NPE" matmul --m 2 --n 2 --k 8 --c-out "$T/x.npy"
[ ! -e "$T/x.npy" ] || fail "--c-out with --format all wrote a file"
"$NPE" matmul --m 2 --n 2 --k 8 --format int8 --quiet --c-out "$T/no/such/dir.npy" \
  > /dev/null 2> "$T/err"
[ $? -eq 1 ] || fail "--c-out to a bad path: want exit 1"
grep -q 'no/such/dir.npy' "$T/err" || fail "--c-out bad path not named"
"$NPE" matmul --help | grep -q 'Usage: npe matmul' || fail "matmul --help"
"$NPE" help info | grep -q 'Usage: npe info' || fail "help info"
"$NPE" --help | grep -q 'ftdi://\[VID:PID\]' || fail "npe --help: device URIs"
"$NPE" info --help | grep -q 'interface=A|B' || fail "info --help: ftdi:// options"

if [ $fails -ne 0 ]; then
  echo "test_matmul_cli: $fails failure(s)" >&2
  exit 1
fi
echo "test_matmul_cli: all passed ($NPE)"
