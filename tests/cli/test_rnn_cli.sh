#!/bin/sh
# test_rnn_cli.sh NPE_BINARY - end-to-end tests of `npe rnn` on the
# simulator: the random DIAG run golden-checked (table and JSON), the parity
# task with signed gates (solved) and positive gates (near chance), the help,
# and bad input (exit 2, message on stderr, nothing on stdout).
set -u
NPE=${1:?usage: test_rnn_cli.sh NPE_BINARY}
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
for cell in gru lstm hgrn gla; do
  expect_usage "$NPE" rnn --cell $cell
  grep -q 'not built yet' "$T/err" || fail "--cell $cell message"
done
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
"$NPE" rnn --help > "$T/h" || fail "rnn --help"
grep -q 'Usage: npe rnn' "$T/h" || fail "help usage"
grep -q 'arXiv 2411.12537' "$T/h" || fail "help citation"
"$NPE" help rnn | grep -q 'Usage: npe rnn' || fail "help rnn"
"$NPE" --help | grep -q '^  rnn ' || fail "npe --help lists rnn"
"$NPE" info | grep -q '^recurrence    diag, 1024 state elements' || fail "info recurrence"
"$NPE" info --device 'sim:?build=small' | grep -q '^recurrence    none' || fail "small info"

if [ $fails -ne 0 ]; then
  echo "test_rnn_cli: $fails failure(s)" >&2
  exit 1
fi
echo "test_rnn_cli: all passed ($NPE)"
