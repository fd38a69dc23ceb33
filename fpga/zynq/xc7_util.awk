# SPDX-License-Identifier: Apache-2.0
# fpga/zynq/xc7_util.awk - Yosys `stat -top` of a synth_xilinx run against
# the XC7Z020's resources, as BENCH lines (mk/fpga_zynq.mk, mk/fpga_soc.mk):
#   awk -v L=LUTS -v F=FFS -v B=BRAM36 -v D=DSPS -v name=BENCH_PREFIX \
#       -v target=MAKE_TARGET -f fpga/zynq/xc7_util.awk stat.txt
# The totals are the "design hierarchy" section. LUTs: logic LUTs plus
# those used as memory (RAM32M / RAM64M / RAM128X1D: 4, RAM32X1D /
# RAM64X1D: 2, RAM32X1S / RAM64X1S / SRL16E / SRLC32E: 1); block RAM in
# 36 Kb units (a RAMB18E1 is half of one).
/design hierarchy/ { total = 1 }
!total { next }
$1 ~ /^LUT[1-6]$/ { lut += $2 }
$1 ~ /^(RAM32M|RAM64M|RAM128X1D)$/ { lutram += 4 * $2 }
$1 ~ /^(RAM32X1D|RAM64X1D)$/ { lutram += 2 * $2 }
$1 ~ /^(RAM32X1S|RAM64X1S|SRL16E|SRLC32E)$/ { lutram += $2 }
$1 ~ /^FD[CPRS]E$/ { ff += $2 }
$1 == "RAMB36E1" { bram += $2 }
$1 == "RAMB18E1" { bram += $2 / 2 }
$1 ~ /^DSP48E1$/ { dsp += $2 }
$1 == "CARRY4" { carry += $2 }
END {
  t = lut + lutram
  printf "BENCH %s_luts %d LUT\n", name, t
  printf "BENCH %s_luts_as_memory %d LUT\n", name, lutram
  printf "BENCH %s_lut_util %.1f %%\n", name, 100 * t / L
  printf "BENCH %s_ffs %d FF\n", name, ff
  printf "BENCH %s_ff_util %.1f %%\n", name, 100 * ff / F
  printf "BENCH %s_bram36 %.1f BRAM36\n", name, bram
  printf "BENCH %s_bram_util %.1f %%\n", name, 100 * bram / B
  printf "BENCH %s_dsp %d DSP48E1\n", name, dsp
  printf "BENCH %s_dsp_util %.1f %%\n", name, 100 * dsp / D
  printf "BENCH %s_carry4 %d CARRY4\n", name, carry
  if (t > L || ff > F || bram > B || dsp > D) print target ": does NOT fit the XC7Z020"
  else print target ": fits the XC7Z020 (before place and route)"
}
