#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/sim_speed.sh NPE [RUNS] - simulator speed on two fixed workloads
# through the npe CLI (`make sim-speed`):
#   demo  npe matmul --m 64 --n 64 --k 256 --format all (the demo's matmul,
#         all six formats, 412,140 engine cycles)
#   gru   npe rnn --cell gru --steps 100 --hidden 64 --format int8 (the
#         input projections and the GRU recurrence, seed 1)
# Speed = engine cycles the jobs report / CPU seconds (user + system) of the
# whole npe process, start-up, reset, host-side quantisation and the CSR
# traffic included: a lower bound of the model's own cycles per second. The
# best of RUNS runs (default 3) is printed, as it is the least disturbed by
# other load on the machine:
#   BENCH sim_speed_demo_matmul <cycles/s> cycles/s
#   BENCH sim_speed_gru <cycles/s> cycles/s
set -euo pipefail
npe=${1:?usage: tools/sim_speed.sh NPE [RUNS]}
runs=${2:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
TIMEFORMAT='%U %S'

# run NAME CYCLES_AWK ARGS...: best cycles per CPU second of RUNS runs
run() {
  local name=$1 prog=$2 best=0 r cycles secs
  shift 2
  for ((r = 1; r <= runs; r++)); do
    { time "$npe" "$@" --json --quiet > "$tmp/out.json"; } 2> "$tmp/time"
    cycles=$(grep -o "$prog" "$tmp/out.json" | awk -F': ' '{ s += $2 } END { print s + 0 }')
    secs=$(awk '{ print $1 + $2 }' "$tmp/time")
    echo "sim_speed: $name run $r: $cycles cycles in $secs CPU s" >&2
    best=$(awk -v c="$cycles" -v s="$secs" -v b="$best" \
           'BEGIN { v = s > 0 ? c / s : 0; print (v > b ? v : b) }')
  done
  awk -v n="$name" -v b="$best" 'BEGIN { printf "BENCH sim_speed_%s %.0f cycles/s\n", n, b }'
}

run demo_matmul '"cycles": [0-9]*' matmul --m 64 --n 64 --k 256 --format all
run gru '"\(proj_\)\?cycles": [0-9]*' rnn --cell gru --steps 100 --hidden 64 --format int8
