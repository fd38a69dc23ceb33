#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# End-to-end tests of `npe nlu-report` (argument: the binary to run, which
# takes the subcommand's arguments directly).
set -u
BIN=$1
fail=0
out=$(mktemp) err=$(mktemp)
trap 'rm -f "$out" "$err"' EXIT

ok() { # expect exit 0 and some stdout
  if ! "$BIN" "$@" >"$out" 2>"$err" || [ ! -s "$out" ]; then
    echo "FAIL: $* (expected success)"; cat "$err"; fail=1
  fi
}
bad() { # expect exit 2, a message on stderr, nothing on stdout
  "$BIN" "$@" >"$out" 2>"$err"; rc=$?
  if [ "$rc" != 2 ] || [ -s "$out" ] || [ ! -s "$err" ]; then
    echo "FAIL: $* (expected exit 2, got $rc)"; fail=1
  fi
}

ok --help
grep -q "Usage: npe nlu-report" "$out" || { echo "FAIL: help text"; fail=1; }
ok --func sigmoid --bits 4 --noise 0
# exact staircase: max error is half a step (lsb 1/15)
grep -Eq "^sigmoid +4 +0.000 +0.03333 " "$out" || { echo "FAIL: sigmoid B=4 error"; cat "$out"; fail=1; }
grep -q "Theirs" "$out" || { echo "FAIL: paper figures missing"; fail=1; }
ok --func tanh,gelu --bits 5 --noise 0,0.01 --trials 2 --json
grep -q '"func":"gelu","bits":5,"sigma":0.01' "$out" || { echo "FAIL: json row"; fail=1; }
grep -q '"theirs"' "$out" || { echo "FAIL: json theirs"; fail=1; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out" 2>/dev/null || \
  { command -v python3 >/dev/null && { echo "FAIL: invalid JSON"; fail=1; }; }
# same seed, same report
"$BIN" --func exp --bits 6 --noise 0.02 --seed 7 >"$out" 2>&1
a=$(cat "$out")
"$BIN" --func exp --bits 6 --noise 0.02 --seed 7 >"$out" 2>&1
[ "$a" = "$(cat "$out")" ] || { echo "FAIL: not deterministic"; fail=1; }

bad --bits 9
bad --bits 0
bad --bits 4,,5
bad --func relu
bad --noise -0.1
bad --noise 0.6
bad --noise abc
bad --trials 0
bad --cols 2000
bad --seed -1
bad --frobnicate
bad --bits

[ $fail = 0 ] && echo "test_nlu_cli: PASS ($BIN)"
exit $fail
