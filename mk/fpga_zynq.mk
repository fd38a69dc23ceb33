# SPDX-License-Identifier: Apache-2.0
# mk/fpga_zynq.mk - the engine on a Zynq-7020 board (PYNQ-Z2; fpga/zynq/README.md).
# Vivado (fpga/zynq/build.tcl) is not a Debian package and does not run
# here; what can be checked without it is checked here:
#
#   make zynq-lint      verilator --lint-only -Wall of the board top with the
#                       engine (part of make lint and make test)
#   make zynq-synth     Yosys synth_xilinx of the board top to 7-series cells (no
#                       place and route): LUTs, flip-flops, block RAMs and DSPs
#                       against the XC7Z020's, as BENCH lines (part of make
#                       bench); cached in build/fpga/zynq/
#   make zynq-rtl-list  build/fpga/zynq/rtl.f, the sources build.tcl reads
#
# The board top also runs under Verilator as libnpesim's NPESIM_BUILD_ZYNQ
# (mk/sim_lib.mk; `sim:?build=zynq`), tested by make engine-test (zynq_build:
# every format bit-exact, bursts of at most 16 beats).

BUILD ?= build
ZYNQ_BUILD := $(BUILD)/fpga/zynq
# ZYNQ_RTL (the board top) is defined in mk/sim_lib.mk, which builds its model
# The XC7Z020's programmable logic (Xilinx DS190, Zynq-7000 SoC Data Sheet:
# Overview, table 1): 53,200 LUTs, 106,400 flip-flops, 140 block RAMs of
# 36 Kb, 220 DSP48E1 slices.
ZYNQ_PART_LUTS := 53200
ZYNQ_PART_FFS  := 106400
ZYNQ_PART_BRAM := 140
ZYNQ_PART_DSP  := 220

.PHONY: zynq-lint zynq-synth zynq-rtl-list

zynq-lint:
	@$(DEPS) verilator
	$(VERILATOR) --lint-only -Wall --top-module npe_zynq_top $(ENGINE_VLT) $(ENGINE_RTL) $(ZYNQ_RTL)

zynq-rtl-list:
	@mkdir -p $(ZYNQ_BUILD)
	@printf '%s\n' $(ENGINE_RTL) $(ZYNQ_RTL) > $(ZYNQ_BUILD)/rtl.f
	@echo "wrote $(ZYNQ_BUILD)/rtl.f; now: vivado -mode batch -source fpga/zynq/build.tcl -tclargs . $(ZYNQ_BUILD)"

ZYNQ_YS := read_verilog -sv $(ENGINE_RTL) $(ZYNQ_RTL); synth_xilinx -family xc7 -top npe_zynq_top

$(ZYNQ_BUILD)/stat.txt: $(ENGINE_RTL) $(ZYNQ_RTL)
	@$(DEPS) yosys
	@mkdir -p $(@D)
	@echo "zynq-synth: Yosys synth_xilinx of npe_zynq_top (log $(ZYNQ_BUILD)/yosys.log)"
	nice yosys -q -l $(ZYNQ_BUILD)/yosys.log -p '$(ZYNQ_YS); tee -q -o $@.tmp stat -top npe_zynq_top'
	mv $@.tmp $@

# Hierarchical (not flattened: each module once; flattened, the SAT-based
# resource sharing did not finish in 45 minutes); the totals are the
# "design hierarchy" section of stat -top. LUTs: logic LUTs plus those used as memory (RAM32M / RAM64M: 4, RAM32X1D /
# RAM64X1D: 2, RAM128X1D: 4, SRL16E / SRLC32E: 1); block RAM in 36 Kb
# units (a RAMB18E1 is half of one).
zynq-synth: $(ZYNQ_BUILD)/stat.txt
	@awk -v L=$(ZYNQ_PART_LUTS) -v F=$(ZYNQ_PART_FFS) -v B=$(ZYNQ_PART_BRAM) -v D=$(ZYNQ_PART_DSP) ' \
	  /design hierarchy/ { total = 1 } !total { next } \
	  $$1 ~ /^LUT[1-6]$$/ { lut += $$2 } \
	  $$1 ~ /^(RAM32M|RAM64M|RAM128X1D)$$/ { lutram += 4 * $$2 } \
	  $$1 ~ /^(RAM32X1D|RAM64X1D)$$/ { lutram += 2 * $$2 } \
	  $$1 ~ /^(RAM32X1S|RAM64X1S|SRL16E|SRLC32E)$$/ { lutram += $$2 } \
	  $$1 ~ /^FD[CPRS]E$$/ { ff += $$2 } \
	  $$1 == "RAMB36E1" { bram += $$2 } $$1 == "RAMB18E1" { bram += $$2 / 2 } \
	  $$1 ~ /^DSP48E1$$/ { dsp += $$2 } $$1 == "CARRY4" { carry += $$2 } \
	  END { t = lut + lutram; \
	    printf "BENCH zynq_xc7z020_luts %d LUT\n", t; \
	    printf "BENCH zynq_xc7z020_luts_as_memory %d LUT\n", lutram; \
	    printf "BENCH zynq_xc7z020_lut_util %.1f %%\n", 100 * t / L; \
	    printf "BENCH zynq_xc7z020_ffs %d FF\n", ff; \
	    printf "BENCH zynq_xc7z020_ff_util %.1f %%\n", 100 * ff / F; \
	    printf "BENCH zynq_xc7z020_bram36 %.1f BRAM36\n", bram; \
	    printf "BENCH zynq_xc7z020_bram_util %.1f %%\n", 100 * bram / B; \
	    printf "BENCH zynq_xc7z020_dsp %d DSP48E1\n", dsp; \
	    printf "BENCH zynq_xc7z020_dsp_util %.1f %%\n", 100 * dsp / D; \
	    printf "BENCH zynq_xc7z020_carry4 %d CARRY4\n", carry; \
	    if (t > L || ff > F || bram > B || dsp > D) print "zynq-synth: does NOT fit the XC7Z020"; \
	    else print "zynq-synth: fits the XC7Z020 (before place and route)" }' \
	  $(ZYNQ_BUILD)/stat.txt

LINT_TARGETS  += zynq-lint
TEST_TARGETS  += zynq-lint
BENCH_TARGETS += zynq-synth
