#!/bin/sh
# test_soc_cli.sh NPE_BINARY - `npe info` and `npe matmul` on the SoC whose
# firmware runs the matmuls (sim:?build=soc, docs/SOC.md): the engine's
# shape from the firmware's PING, every format golden-exact through the
# firmware, an M = 1 mat-vec, K above the scratchpads (K tiles in the
# firmware), DIAG and LSTM sequences golden-exact, and the refusals (K too
# long for the firmware's arena, the NLU, a missing firmware): exit
# non-zero with a message.
set -u
NPE=${1:?usage: test_soc_cli.sh NPE_BINARY}
DEV='sim:?build=soc'
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

"$NPE" info --device "$DEV" > "$T/info" || fail "npe info"
grep -q '^transport     sim-soc' "$T/info" || fail "npe info: transport"
grep -q '^MAC array     2 x 2 PEs' "$T/info" || fail "npe info: the SoC's array"
grep -q '^formats       fp4 posit4 posit8 posit16 int8 ternary' "$T/info" || fail "npe info: formats"
grep -q '^nonlinear     none' "$T/info" || fail "npe info: no NLU through the firmware"

"$NPE" matmul --device "$DEV" --m 20 --n 24 --k 96 --format all --check --quiet > "$T/mm" ||
  fail "matmul --format all on the SoC"
[ "$(grep -c ' exact$' "$T/mm")" -eq 6 ] || fail "matmul on the SoC: not 6 exact rows"
"$NPE" matmul --device "$DEV" --m 1 --n 20 --k 64 --format posit16 --out posit8 --check --quiet \
  > "$T/mv" || fail "mat-vec on the SoC"
grep -q ' exact$' "$T/mv" || fail "mat-vec on the SoC not exact"

# K above the scratchpads (int8 2,048, posit16 1,024): K tiles in the
# firmware, golden-exact
"$NPE" info --json --device "$DEV" | grep -q '"k_tiles": true' || fail "npe info --json: K tiles"
"$NPE" matmul --device "$DEV" --m 2 --n 2 --k 5000 --format int8 --check --quiet > "$T/kt" ||
  fail "matmul K 5000 int8 on the SoC"
grep -q ' exact$' "$T/kt" || fail "K 5000 int8 on the SoC not exact"
"$NPE" matmul --device "$DEV" --m 1 --n 3 --k 2500 --format posit16 --out posit8 --check --quiet \
  > "$T/kt" || fail "matmul K 2500 posit16 on the SoC"
grep -q ' exact$' "$T/kt" || fail "K 2500 posit16 on the SoC not exact"
# K so long that a row of A and one of B do not fit the firmware's arena
if "$NPE" matmul --device "$DEV" --m 1 --n 1 --k 16000 --format int8 > "$T/o" 2> "$T/e"; then
  fail "K 16000 accepted"
fi
grep -q 'do not fit' "$T/e" || fail "K 16000: no message"
if grep -q ' exact$' "$T/o"; then fail "K 16000: the failed row reported as exact"; fi
if "$NPE" matmul --device "$DEV" --m 4 --n 4 --k 16 --format int8 --act sigmoid > "$T/o" 2> "$T/e"; then
  fail "an NLU job accepted"
fi
grep -q 'nonlinear unit' "$T/e" || fail "NLU: no message"
# recurrences through the firmware's RECUR requests, golden-exact
"$NPE" rnn --steps 50 --hidden 40 --check --device "$DEV" > "$T/rnn" 2>&1 || fail "npe rnn (DIAG)"
grep -q '^golden          exact' "$T/rnn" || fail "npe rnn (DIAG): not golden-exact"
"$NPE" rnn --cell lstm --steps 20 --hidden 8 --format int8 --check --device "$DEV" > "$T/lstm" 2>&1 ||
  fail "npe rnn --cell lstm"
grep -q '^int8 .* exact$' "$T/lstm" || fail "npe rnn --cell lstm: not golden-exact"
if "$NPE" info --device 'sim:?build=soc&firmware=/nonexistent.elf' > "$T/o" 2> "$T/e"; then
  fail "a missing firmware accepted"
fi
grep -q "firmware cannot be loaded" "$T/e" || fail "missing firmware: no message"

if [ "$fails" -ne 0 ]; then
  echo "test_soc_cli: $fails failure(s)"
  exit 1
fi
echo "test_soc_cli: all passed"
