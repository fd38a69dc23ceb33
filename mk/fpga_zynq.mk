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
# resource sharing did not finish in 45 minutes); fpga/zynq/xc7_util.awk
# counts the "design hierarchy" section of stat -top against the part.
zynq-synth: $(ZYNQ_BUILD)/stat.txt
	@awk -v L=$(ZYNQ_PART_LUTS) -v F=$(ZYNQ_PART_FFS) -v B=$(ZYNQ_PART_BRAM) -v D=$(ZYNQ_PART_DSP) \
	  -v name=zynq_xc7z020 -v target=zynq-synth -f fpga/zynq/xc7_util.awk $(ZYNQ_BUILD)/stat.txt

LINT_TARGETS  += zynq-lint
TEST_TARGETS  += zynq-lint
BENCH_TARGETS += zynq-synth
