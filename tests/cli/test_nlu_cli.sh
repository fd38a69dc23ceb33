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
grep -q "theirs: .*\[paper (arXiv 2411.18271), Fig. 3a\]" "$out" || \
  { echo "FAIL: paper figures not labelled with their figure"; fail=1; }
for ev in xbar_cell_read xbar_dac_conv adc_comparator adc_counter_step xbar_prog_pulse \
          nlu_step_column nlu_table_read; do
  grep -Eq "^  $ev +[0-9.e-]+ pJ/" "$out" || { echo "FAIL: energy entry $ev missing"; fail=1; }
done
ok --func tanh,gelu --bits 5 --noise 0,0.01 --trials 2 --json
grep -q '"func":"gelu","bits":5,"sigma":0.01' "$out" || { echo "FAIL: json row"; fail=1; }
grep -q '"theirs"' "$out" || { echo "FAIL: json theirs"; fail=1; }
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' "$out" 2>/dev/null || \
  { command -v python3 >/dev/null && { echo "FAIL: invalid JSON"; fail=1; }; }
# the per-activation energies are the printed table's entries, combined as
# docs/NLU.md states (ramp shared by --cols columns, table by 8)
if command -v python3 >/dev/null; then
  "$BIN" --func sigmoid,exp --bits 1,3,5,8 --noise 0 --cols 16 --json >"$out" 2>"$err"
  python3 - "$out" <<'PY' || { echo "FAIL: energies do not follow the table"; fail=1; }
import json, sys
r = json.load(open(sys.argv[1]))
t = {e["name"]: e["value"] for e in r["energy_table"]}
assert r["theirs"]["label"] == "paper (arXiv 2411.18271)"
assert all(b["where"] and b["theirs"] for b in r["theirs"]["beside_ours"])
for row in r["rows"]:
    s = 2 ** row["bits"] - 1
    ramp = s * 5 + s * (s - 1) / 2
    a = s * (t["adc_comparator"] + t["adc_counter_step"]) + ramp * t["xbar_cell_read"] / r["cols"]
    d = s * t["nlu_step_column"] + s * t["nlu_table_read"] / 8
    assert abs(row["e_analog_pj"] - a) <= 1e-5 * a, (row, a)
    assert abs(row["e_digital_pj"] - d) <= 1e-5 * d, (row, d)
PY
fi
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
