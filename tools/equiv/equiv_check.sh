#!/bin/bash
# SPDX-License-Identifier: Apache-2.0
# tools/equiv/equiv_check.sh OLD_REV FILE TOP [NAME=VALUE ...] - prove the
# module TOP of FILE as it is now equivalent to the same file at git revision
# OLD_REV (Yosys: equiv_make, equiv_simple -seq 2, equiv_struct, equiv_induct,
# equiv_status -assert; async2sync for asynchronous resets), with the given
# parameter values. Used for the simulation-speed rewrites of RTL modules
# (docs/ARCHITECTURE.md, "Simulation speed"; BENCHMARKS.md). Other files the
# module needs (rtl/npe_pkg.sv, and the files in EQUIV_DEPS) are read from
# the working tree for both.
# Prints "equiv_check: TOP (params) proven" or fails.
set -euo pipefail
rev=${1:?usage: equiv_check.sh OLD_REV FILE TOP [NAME=VALUE ...]}
file=${2:?}; top=${3:?}; shift 3
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
git show "$rev:$file" > "$tmp/old.sv"
cp "$file" "$tmp/new.sv"
chp=""
for p in "$@"; do chp="$chp -chparam ${p%%=*} ${p#*=}"; done
deps="rtl/npe_pkg.sv ${EQUIV_DEPS:-}"
cat > "$tmp/eq.ys" <<YS
read_verilog -sv $deps $tmp/old.sv
hierarchy -top $top $chp
proc; flatten; opt_clean
rename -top gold
design -stash gold
read_verilog -sv $deps $tmp/new.sv
hierarchy -top $top $chp
proc; flatten; opt_clean
rename -top gate
design -stash gate
design -copy-from gold -as gold gold
design -copy-from gate -as gate gate
async2sync
equiv_make gold gate equiv
hierarchy -top equiv
equiv_simple -seq 2
equiv_struct
equiv_induct
equiv_status -assert
YS
if yosys -q -l "$tmp/log" "$tmp/eq.ys" > /dev/null 2>&1; then
  grep -o "Found [0-9]* \$equiv cells.*" "$tmp/log" | tail -1 || true
  echo "equiv_check: $top ($*) proven equivalent to $rev:$file"
else
  tail -20 "$tmp/log" >&2
  echo "equiv_check: $top ($*) NOT proven" >&2
  exit 1
fi
