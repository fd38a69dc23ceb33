#!/bin/sh
# SPDX-License-Identifier: Apache-2.0
# check_generated.sh OUTDIR: the generated rtl/npe_pkg.sv and
# include/npe_regs.h build and compute right in every tool that reads
# them. npe_pkg_check.sv (descriptor accessors, reserved mask, format table)
# under Verilator lint -Wall, Icarus (run: npe_pkg_check_tb) and Yosys (read,
# elaborate, prove ok_o for every input); npe_regs_check.c as C11 and as
# C++, both run. Run from the repository root; `make regmap-check` calls it.
set -eu
out=${1:-build/regmap}
VERILATOR=${VERILATOR:-verilator}
IVERILOG=${IVERILOG:-iverilog}
VVP=${VVP:-vvp}
YOSYS=${YOSYS:-yosys}
CC=${CC:-cc}
CXX=${CXX:-c++}
pkg=rtl/npe_pkg.sv
chk=tools/regmap/npe_pkg_check.sv
mkdir -p "$out"

"$VERILATOR" --lint-only -Wall "$pkg" "$chk" --top-module npe_pkg_check
"$IVERILOG" -g2012 -o "$out/npe_pkg_check_tb" "$pkg" "$chk" tools/regmap/npe_pkg_check_tb.sv
"$VVP" -N "$out/npe_pkg_check_tb"
"$YOSYS" -q -l "$out/yosys.log" -p "read_verilog -sv $pkg $chk; hierarchy -check -top npe_pkg_check;
  proc; flatten; opt; sat -prove ok_o 1 -verify" >/dev/null
echo "npe_pkg_check: Verilator, Icarus and Yosys agree"

flags="-Wall -Wextra -Werror -pedantic -Iinclude"
"$CC" -std=c11 $flags -o "$out/npe_regs_check_c" tools/regmap/npe_regs_check.c
"$CXX" -x c++ -std=c++11 $flags -o "$out/npe_regs_check_cxx" tools/regmap/npe_regs_check.c
"$out/npe_regs_check_c"
"$out/npe_regs_check_cxx"
