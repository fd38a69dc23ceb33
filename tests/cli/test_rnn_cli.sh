#!/bin/sh
# test_rnn_cli.sh NPE_BINARY - end-to-end tests of `npe rnn` on the
# simulator: the random DIAG run golden-checked (table and JSON), the parity
# task with signed gates (solved) and positive gates (near chance), GRU and
# LSTM (the defaults, every format in JSON, the golden device, --out,
# --weights from a .npz), the help, and bad input (exit 2, message on
# stderr, nothing on stdout).
set -u
NPE=${1:?usage: test_rnn_cli.sh NPE_BINARY}
PY=${RNN_PY:-/usr/bin/python3} # with numpy, for the .npz files
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

# the defaults: a small case at once, every state bit for bit
"$NPE" rnn --cell diag --check --quiet > "$T/r" || fail "rnn --check"
grep -q '^golden          exact (16384 states bit for bit)$' "$T/r" || fail "rnn golden line"
grep -q '^elements        16384$' "$T/r" || fail "rnn elements"
awk '$1 == "elems/cycle" && $2 > 0.5 && $2 <= 1 { ok = 1 } END { exit !ok }' "$T/r" ||
  fail "rnn elems/cycle"
# Q15.16 with gates in [-1, 1]: within a few LSB of float64
awk '$1 == "max" && $3 + 0 < 1e-3 { ok = 1 } END { exit !ok }' "$T/r" || fail "rnn max err"
# sliced, positive gates, back-pressure, JSON
"$NPE" rnn --steps 40 --hidden 1100 --gates positive --frac 12 --seed 3 --check --json --quiet \
  --device 'sim:?latency=23&ready=70&valid=60&seed=2' > "$T/j" || fail "rnn --json"
grep -q '"golden_mismatches": 0}' "$T/j" || fail "json golden"
grep -q '"elements": 44000' "$T/j" || fail "json elements"
grep -q '"descriptors": 2,' "$T/j" || fail "json: H=1100 is two slices"
grep -q '"gates": "positive"' "$T/j" || fail "json gates"
# without --check: not checked, still the error figures
"$NPE" rnn --steps 5 --hidden 3 --quiet > "$T/n" || fail "rnn unchecked"
grep -q 'not checked' "$T/n" || fail "unchecked line"
"$NPE" rnn --steps 5 --hidden 3 --json --quiet | grep -q '"golden_mismatches": null' ||
  fail "json unchecked"

# parity: signed gates solve it on every stream
"$NPE" rnn --task parity --steps 300 --seed 4 > "$T/p" || fail "parity signed"
grep -q '^accuracy        100.0%' "$T/p" || fail "parity signed accuracy"
grep -q 'exact (h_T bit for bit)' "$T/p" || fail "parity golden"
"$NPE" rnn --task parity --json --steps 64 --streams 16 |
  grep -q '"accuracy": 1.0000, .*"golden_mismatches": 0}' || fail "parity json"
# positive gates: the best grid recurrence is near chance on fresh streams
"$NPE" rnn --task parity --gates positive --steps 32 --streams 128 --seed 2 --json > "$T/pp" ||
  fail "parity positive"
grep -q '"golden_mismatches": 0}' "$T/pp" || fail "parity positive golden"
awk -F'"accuracy": ' 'NF > 1 { split($2, v, ","); if (v[1] + 0 < 0.65) ok = 1 } END { exit !ok }' \
  "$T/pp" || fail "parity positive accuracy not near chance: $(cat "$T/pp")"
"$NPE" rnn --task parity --gates positive --steps 24 --streams 32 | grep -q 'arXiv 2411.12537' ||
  fail "parity positive table"

expect_usage() {
  "$@" > "$T/out" 2> "$T/err"
  rc=$?
  [ $rc -eq 2 ] || fail "exit $rc (want 2): $*"
  [ ! -s "$T/out" ] || fail "stdout not empty: $*"
  [ -s "$T/err" ] || fail "no error message: $*"
}
# expect_usage, and the message has $pattern (a fixed string)
expect_usage_msg() {
  expect_usage "$@"
  grep -qF -- "$pattern" "$T/err" || fail "message of '$*' lacks '$pattern': $(cat "$T/err")"
}
# ---- GRU and LSTM ----
# the defaults: a small random case at once, golden-exact, near float64
for cell in gru lstm; do
  "$NPE" rnn --cell $cell --check --quiet > "$T/g" || fail "rnn --cell $cell --check"
  grep -q "^npe rnn: cell $cell, T=100 H=64 I=16, random weights, device sim:" "$T/g" ||
    fail "$cell defaults"
  grep -q '^int8 .* exact$' "$T/g" || fail "$cell golden row"
  # columns: format Sw hshf acc cycles MACs util max rms golden; MACs = G H^2 T
  macs=$([ $cell = gru ] && echo 1228800 || echo 1638400)
  awk -v m=$macs '$1 == "int8" && $6 == m && $7 > 0.5 && $7 <= 1 && $8 + 0 < 0.02 && $9 + 0 < 0.005 \
    { ok = 1 } END { exit !ok }' "$T/g" || fail "$cell int8 row: $(grep '^int8' "$T/g")"
done
# every format, JSON, back-pressure; LSTM asks for every h and c_T
"$NPE" rnn --cell lstm --format all --steps 12 --hidden 13 --input 5 --seed 4 --check --json \
  --quiet --device 'sim:?latency=23&ready=70&valid=60&seed=2' > "$T/gj" || fail "lstm --format all"
[ "$(grep -o '"golden_mismatches": 0}' "$T/gj" | wc -l)" -eq 6 ] || fail "lstm all golden: $(cat "$T/gj")"
[ "$(grep -o '"macs": 8112,' "$T/gj" | wc -l)" -eq 6 ] || fail "lstm all macs"
for f in int8 fp4 posit4 posit8 posit16 ternary; do
  grep -q "\"format\": \"$f\"" "$T/gj" || fail "lstm all: $f"
done
grep -q '^{"cell": "lstm", "steps": 12, "hidden": 13, "input": 5, "seed": 4, "weights": null' \
  "$T/gj" || fail "lstm json head"
if command -v "$PY" > /dev/null; then
  "$PY" -m json.tool "$T/gj" > /dev/null || fail "lstm json does not parse"
fi
# progress on stderr, ending at 100%
"$NPE" rnn --cell lstm --steps 200 --hidden 24 --progress > /dev/null 2> "$T/pe" || fail "--progress"
tr '\r' '\n' < "$T/pe" | grep -q '^npe rnn: 100.0%' || fail "progress does not reach 100%"
# the golden model as the device: no engine figures
"$NPE" rnn --cell gru --device golden --format posit8 --steps 9 --hidden 7 --json > "$T/gg" ||
  fail "gru --device golden"
grep -q '"cycles": null' "$T/gg" || fail "golden device cycles"
grep -q '"device": "golden"' "$T/gg" || fail "golden device name"
"$NPE" rnn --cell gru --device golden --steps 9 --hidden 7 | grep -q 'is the device$' ||
  fail "golden device table"
# --out: every h_t as a T x H float32 .npy, the same h on the engine and the golden model
"$NPE" rnn --cell gru --format fp4 --steps 9 --hidden 7 --quiet --out "$T/h.npy" > /dev/null ||
  fail "gru --out"
head -c 128 "$T/h.npy" | grep -q "'shape': (9, 7)" || fail "--out shape"
head -c 128 "$T/h.npy" | grep -q "'descr': '<f4'" || fail "--out dtype"
"$NPE" rnn --cell gru --format fp4 --steps 9 --hidden 7 --device golden --out "$T/hg.npy" \
  > /dev/null || fail "gru --out golden"
cmp -s "$T/h.npy" "$T/hg.npy" || fail "--out: engine and golden h differ"

# --weights: torch's names from a .npz (numpy needed to write them)
if "$PY" -c 'import numpy' 2> /dev/null; then
  "$PY" - "$T" <<'PY' || fail "writing the .npz test files"
import sys
import numpy as np
d = sys.argv[1]
r = np.random.default_rng(3)
H, I, T = 5, 3, 7
def f(*s):
    return (r.standard_normal(s) * 0.4).astype(np.float32)
good = dict(weight_ih_l0=f(3 * H, I), weight_hh_l0=f(3 * H, H), bias_ih_l0=f(3 * H),
            bias_hh_l0=f(3 * H), x=f(T, I))
np.savez(d + "/gru.npz", **good)
lstm = dict(good, weight_ih_l0=f(4 * H, I), weight_hh_l0=f(4 * H, H), bias_ih_l0=f(4 * H),
            bias_hh_l0=f(4 * H))
np.savez(d + "/lstm.npz", **lstm)
np.savez(d + "/nobias.npz", **{k: v for k, v in good.items() if not k.startswith("bias")})
bad = {
    "nox": {k: v for k, v in good.items() if k != "x"},
    "nowhh": {k: v for k, v in good.items() if k != "weight_hh_l0"},
    "whh4": dict(good, weight_hh_l0=f(4 * H, H)),
    "whh1d": dict(good, weight_hh_l0=f(3 * H)),
    "wih": dict(good, weight_ih_l0=f(3 * H, I + 1)),
    "x1d": dict(good, x=f(T)),
    "bias": dict(good, bias_hh_l0=f(3 * H + 1)),
    "f64": dict(good, weight_ih_l0=good["weight_ih_l0"].astype(np.float64)),
    "nan": dict(good, x=np.full((T, I), np.nan, np.float32)),
}
for name, arrays in bad.items():
    np.savez(d + "/" + name + ".npz", **arrays)
np.savez_compressed(d + "/compressed.npz", **good)
PY
  "$NPE" rnn --cell gru --weights "$T/gru.npz" --format all --check --quiet > "$T/w" ||
    fail "gru --weights"
  grep -q "^npe rnn: cell gru, T=7 H=5 I=3, $T/gru.npz, device sim:" "$T/w" || fail "weights head"
  [ "$(grep -c ' exact$' "$T/w")" -eq 6 ] || fail "weights golden: $(cat "$T/w")"
  "$NPE" rnn --cell lstm --weights "$T/lstm.npz" --check --json --quiet |
    grep -q '"steps": 7, "hidden": 5, "input": 3, .*"golden_mismatches": 0}' || fail "lstm --weights"
  "$NPE" rnn --cell gru --weights "$T/nobias.npz" --check --quiet > /dev/null ||
    fail "weights without biases"
  # the GRU's file is no LSTM
  pattern='weight_hh_l0 has shape (15, 5), an LSTM' expect_usage_msg "$NPE" rnn --cell lstm \
    --weights "$T/gru.npz"
  for c in "nox:no array 'x'" "nowhh:no array 'weight_hh_l0'" \
           "whh4:weight_hh_l0 has shape (20, 5), a GRU's is (3H, H)" \
           "whh1d:weight_hh_l0 has shape (15), a GRU" \
           "wih:array 'weight_ih_l0' has shape (15, 4), expected (15, 3)" \
           "x1d:x (the input sequence) must be 2-D" \
           "bias:array 'bias_hh_l0' has shape (16), expected (15)" \
           "f64:array 'weight_ih_l0' has dtype <f8, expected <f4" \
           "nan:array 'x' has a NaN or Inf" "compressed:compressed (deflate)"; do
    pattern=${c#*:} expect_usage_msg "$NPE" rnn --cell gru --weights "$T/${c%%:*}.npz"
  done
  expect_usage "$NPE" rnn --cell gru --weights "$T/gru.npz" --hidden 5
  expect_usage "$NPE" rnn --cell gru --weights "$T/gru.npz" --steps 5
else
  echo "SKIP: --weights .npz files (numpy missing)"
fi
pattern='cannot open' expect_usage_msg "$NPE" rnn --cell gru --weights "$T/none.npz"

# HGRN (RECUR MODE 4): golden-checked, JSON, back-pressure, the state limit,
# options of other cells, an engine without the mode
"$NPE" rnn --cell hgrn --steps 50 --hidden 37 --check --quiet > "$T/h" || fail "hgrn --check"
grep -q 'identical (every y_t and h_T)' "$T/h" || fail "hgrn golden"
awk '$1 == "vs" && $5 + 0 < 1e-3 { ok = 1 } END { exit !ok }' "$T/h" || fail "hgrn float64 err"
"$NPE" rnn --cell hgrn --steps 20 --hidden 5 --check --json --quiet \
  --device 'sim:?latency=23&ready=70&valid=60&seed=2' > "$T/hj" || fail "hgrn --json"
grep -q '"golden_mismatches": 0}' "$T/hj" || fail "hgrn json golden"
grep -q '"elements": 100,' "$T/hj" || fail "hgrn json elements"
pattern='no HGRN mode for H = 1025' expect_usage_msg "$NPE" rnn --cell hgrn --hidden 1025
pattern='--frac is not an option of --cell hgrn' expect_usage_msg "$NPE" rnn --cell hgrn --frac 8
pattern='--format is not an option of --cell hgrn' expect_usage_msg "$NPE" rnn --cell hgrn --format int8
pattern='no HGRN mode' expect_usage_msg "$NPE" rnn --cell hgrn --device 'sim:?build=small'
expect_usage "$NPE" rnn --cell hgrn --device golden

# GLA: a small head in every format, bit for bit with the golden model
"$NPE" rnn --cell gla --steps 40 --dk 8 --dv 6 --chunk 16 --format all --check --quiet > "$T/g" ||
  fail "gla --check"
[ "$(grep -c ' exact$' "$T/g")" = 5 ] || fail "gla: five formats exact"
# posit16 follows the float64 recurrence closely; fp4 does not
awk '$1 == "posit16" && $6 + 0 < 1e-3 { ok = 1 } END { exit !ok }' "$T/g" || fail "gla posit16 err"
"$NPE" rnn --cell gla --steps 20 --dk 4 --dv 4 --chunk 3 --format posit8 --check --json --quiet \
  --device 'sim:?latency=23&ready=70&valid=60&seed=2' > "$T/gj" || fail "gla --json"
grep -q '"golden_mismatches": 0}' "$T/gj" || fail "gla json golden"
grep -q '"chunk": 3' "$T/gj" || fail "gla json chunk"
"$NPE" rnn --cell gla --steps 20 --dk 4 --dv 4 --device golden --quiet | grep -q 'golden model' ||
  fail "gla golden device"
pattern='--hidden is not an option of --cell gla' expect_usage_msg "$NPE" rnn --cell gla --hidden 4
pattern='--gates is not an option of --cell gla' expect_usage_msg "$NPE" rnn --cell gla --gates signed
pattern='--chunk goes with --cell gla' expect_usage_msg "$NPE" rnn --chunk 4
pattern='--dk goes with --cell gla' expect_usage_msg "$NPE" rnn --cell gru --dk 4
pattern='is not one GLA takes' expect_usage_msg "$NPE" rnn --cell gla --format ternary
pattern='no recurrence unit' expect_usage_msg "$NPE" rnn --cell gla --device 'sim:?build=small'
expect_usage "$NPE" rnn --cell gla --chunk 0
expect_usage "$NPE" rnn --cell gla --chunk 257
expect_usage "$NPE" rnn --cell gla --dk 1025
expect_usage "$NPE" rnn --cell rwkv
expect_usage "$NPE" rnn --steps 0
expect_usage "$NPE" rnn --steps 1000001
expect_usage "$NPE" rnn --hidden 0
expect_usage "$NPE" rnn --hidden x
expect_usage "$NPE" rnn --frac 25
expect_usage "$NPE" rnn --seed -1
expect_usage "$NPE" rnn --gates negative
expect_usage "$NPE" rnn --task sort
expect_usage "$NPE" rnn --task parity --hidden 4
expect_usage "$NPE" rnn --task parity --cell diag
expect_usage "$NPE" rnn --streams 4
expect_usage "$NPE" rnn --bogus
expect_usage "$NPE" rnn --steps
expect_usage "$NPE" rnn --device 'sim:?latency=x'
expect_usage "$NPE" rnn --device 'sim:?build=small'
grep -q 'no recurrence unit' "$T/err" || fail "small build message"
# gated cells: bad input
pattern='does not fit this engine for a GRU in int8: at most H = ' expect_usage_msg \
  "$NPE" rnn --cell gru --hidden 2000
pattern='does not fit this engine for an LSTM in posit16: at most H = 256' expect_usage_msg \
  "$NPE" rnn --cell lstm --format all --hidden 300
pattern='unknown format' expect_usage_msg "$NPE" rnn --cell gru --format int7
pattern='--out writes one format' expect_usage_msg "$NPE" rnn --cell gru --format all --out "$T/o.npy"
pattern='--frac is not an option of --cell gru' expect_usage_msg "$NPE" rnn --cell gru --frac 8
pattern='--gates is not an option of --cell lstm' expect_usage_msg "$NPE" rnn --cell lstm --gates positive
pattern='--task is not an option' expect_usage_msg "$NPE" rnn --cell gru --task parity
pattern='--format goes with --cell gru or lstm (or gla)' expect_usage_msg "$NPE" rnn --format int8
pattern='--weights goes with --cell gru or lstm' expect_usage_msg "$NPE" rnn --cell diag --weights x.npz
pattern='--input goes with' expect_usage_msg "$NPE" rnn --input 4
expect_usage "$NPE" rnn --cell lstm --input 0
expect_usage "$NPE" rnn --cell lstm --input 4097
expect_usage "$NPE" rnn --cell gru --steps 0
pattern="beyond the recurrence unit's state" expect_usage_msg "$NPE" rnn --cell gru --device golden \
  --hidden 1025
pattern='this engine has no gru cell' expect_usage_msg "$NPE" rnn --cell gru --device 'sim:?build=small'
"$NPE" rnn --help > "$T/h" || fail "rnn --help"
grep -q 'Usage: npe rnn' "$T/h" || fail "help usage"
grep -q 'arXiv 2411.12537' "$T/h" || fail "help citation"
grep -q 'torch.nn.GRU or' "$T/h" || fail "help gru"
grep -q -- '--weights FILE' "$T/h" || fail "help --weights"
grep -q 'npe_rnn_quantize' "$T/h" || fail "help quantiser"
"$NPE" help rnn | grep -q 'Usage: npe rnn' || fail "help rnn"
"$NPE" --help | grep -q '^  rnn ' || fail "npe --help lists rnn"
"$NPE" info > "$T/i"
grep -q '^recurrence    diag gru lstm hgrn, 1024 state elements' "$T/i" || fail "info recurrence"
grep -q '^gru max H     fp4 [0-9]*, posit4 [0-9]*, posit8 [0-9]*, posit16 [0-9]*, int8 [0-9]*, ternary' \
  "$T/i" || fail "info gru max H"
grep -q '^lstm max H ' "$T/i" || fail "info lstm max H"
"$NPE" info --device 'sim:?build=small' | grep -q '^recurrence    none' || fail "small info"

if [ $fails -ne 0 ]; then
  echo "test_rnn_cli: $fails failure(s)" >&2
  exit 1
fi
echo "test_rnn_cli: all passed ($NPE)"
