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
expect_usage "$NPE" matmul --act tanh --act-bits 0
expect_usage "$NPE" matmul --act tanh --act-bits 9
expect_usage "$NPE" matmul --act tanh --act-frac 15
expect_usage "$NPE" matmul --act tanh --out int8
expect_usage "$NPE" matmul --m 0
expect_usage "$NPE" matmul --m abc
expect_usage "$NPE" matmul --format posit9
expect_usage "$NPE" matmul --out f16
expect_usage "$NPE" matmul --bogus
expect_usage "$NPE" matmul --m 2 --n 2 --k 20000 --format posit16
expect_usage "$NPE" matmul --device 'sim:?latency=x'
expect_usage "$NPE" matmul --device 'ftdi://nothing'
expect_usage "$NPE" matmul --a "$T/a.npy"
expect_usage "$NPE" matmul --a "$T/a.npy" --b "$T/bad.npy"
expect_usage "$NPE" matmul --a "$T/missing.npy" --b "$T/b.npy"
expect_usage "$NPE" info --bogus
"$NPE" matmul --help | grep -q 'Usage: npe matmul' || fail "matmul --help"
"$NPE" help info | grep -q 'Usage: npe info' || fail "help info"

if [ $fails -ne 0 ]; then
  echo "test_matmul_cli: $fails failure(s)" >&2
  exit 1
fi
echo "test_matmul_cli: all passed ($NPE)"
