# mk/rtl_pe.mk - the SIMD MAC processing element (rtl/pe): lint, testbenches
# (tests/rtl/pe), area bench. Included by the top-level Makefile.
#
#   make pe-lint    verilator --lint-only -Wall, all-format and single-format builds
#   make pe-test    Verilator testbench (full) + Icarus testbench (small), vs golden,
#                   and the planted clock-gate bugs (pe-gate-plant-test) and
#                   simulation-speed bugs (pe-speed-plant-test)
#   make pe-bench   Yosys gate area (NAND2-eq), share ratio, iCE40 / Xilinx figures
#
# Outputs under $(BUILD)/pe/.

BUILD ?= build
GOLDEN_LIB ?= $(BUILD)/golden/libnpegolden.a

PE_BUILD  := $(BUILD)/pe
PE_PKG    := rtl/npe_pkg.sv
PE_RTL    := rtl/pe/npe_pe_dec.sv rtl/pe/npe_pe_front.sv rtl/pe/npe_pe_mul.sv \
             rtl/pe/npe_pe_align.sv rtl/pe/npe_pe_quire.sv rtl/pe/npe_pe_norm.sv \
             rtl/pe/npe_pe_posit_enc.sv rtl/pe/npe_pe_round.sv rtl/pe/npe_pe_cnt.sv \
             rtl/pe/npe_pe_qslots.sv rtl/pe/npe_clk_gate.sv rtl/pe/npe_pe.sv \
             rtl/pe/npe_pe_lite.sv
PE_VLT    := rtl/pe/npe_pe.vlt
PE_TB_DIR := tests/rtl/pe
PE_STIM   := $(PE_TB_DIR)/pe_stim.c $(PE_TB_DIR)/pe_stim.h
PE_CFLAGS := -std=c11 -O2 -Wall -Wextra -Werror -Igolden/include -I$(PE_TB_DIR)
PE_VERILATOR_INC := $(or $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null),/usr/share/verilator)/include
PE_CXXFLAGS := -std=c++17 -O2 -Wall -I$(PE_BUILD)/vl -I$(PE_VERILATOR_INC) \
               -I$(PE_VERILATOR_INC)/vltstd -Igolden/include -I$(PE_TB_DIR)
# One format per build, for the single-format runs and the area ratio.
PE_SINGLE_MASKS := 01 02 04 08 10 20
# npe_pe_lite (the small-FPGA PE) builds: INT8, ternary, both
PE_LITE_MASKS   := 10 20 30

.PHONY: pe-lint pe-test pe-test-verilator pe-test-icarus pe-gate-plant-test pe-speed-plant-test pe-bench

# ---------------------------------------------------------------------------
# Lint
# ---------------------------------------------------------------------------
pe-lint:
	verilator --lint-only -Wall --top-module npe_pe $(PE_VLT) $(PE_PKG) $(PE_RTL)
	verilator --lint-only -Wall --top-module npe_pe -GQuireSlots=32 -GHasCounters=0 $(PE_VLT) $(PE_PKG) $(PE_RTL)
	verilator --lint-only -Wall --top-module npe_pe -GClockGates=1\'b1 -GHasCounters=0 $(PE_VLT) $(PE_PKG) $(PE_RTL)
	verilator --lint-only -Wall --top-module npe_pe_lite -GFormatMask=6\'h30 -GHasCounters=0 $(PE_VLT) $(PE_PKG) $(PE_RTL)
	@for m in $(PE_SINGLE_MASKS); do \
	  verilator --lint-only -Wall --top-module npe_pe -GFormatMask=6\'h$$m \
	    $(PE_VLT) $(PE_PKG) $(PE_RTL) || exit 1; \
	done
	@for m in $(PE_LITE_MASKS); do \
	  verilator --lint-only -Wall --top-module npe_pe_lite -GFormatMask=6\'h$$m \
	    $(PE_VLT) $(PE_PKG) $(PE_RTL) || exit 1; \
	done
	@echo "pe-lint: clean (all-format with and without quire slots, counters and clock gates, 6 single-format and 3 npe_pe_lite builds)"

# ---------------------------------------------------------------------------
# Verilator testbench
# ---------------------------------------------------------------------------
$(PE_BUILD)/vl/Vnpe_pe__ALL.a: $(PE_PKG) $(PE_RTL) $(PE_VLT)
	@mkdir -p $(PE_BUILD)/vl
	verilator --cc -Wall --assert --x-assign unique --x-initial unique \
	  --top-module npe_pe -Mdir $(PE_BUILD)/vl $(PE_VLT) $(PE_PKG) $(PE_RTL)
	nice $(MAKE) -s -C $(PE_BUILD)/vl -f Vnpe_pe.mk Vnpe_pe__ALL.a OPT_FAST=-O2

$(PE_BUILD)/verilated.o: | $(PE_BUILD)/vl/Vnpe_pe__ALL.a
	nice $(CXX) $(PE_CXXFLAGS) -w -c -o $@ $(PE_VERILATOR_INC)/verilated.cpp

$(PE_BUILD)/verilated_threads.o: | $(PE_BUILD)/vl/Vnpe_pe__ALL.a
	nice $(CXX) $(PE_CXXFLAGS) -w -c -o $@ $(PE_VERILATOR_INC)/verilated_threads.cpp

$(PE_BUILD)/pe_stim.o: $(PE_STIM)
	@mkdir -p $(@D)
	$(CC) $(PE_CFLAGS) -c -o $@ $<

$(PE_BUILD)/tb_pe: $(PE_TB_DIR)/tb_pe.cpp $(PE_BUILD)/vl/Vnpe_pe__ALL.a \
                   $(PE_BUILD)/verilated.o $(PE_BUILD)/verilated_threads.o \
                   $(PE_BUILD)/pe_stim.o $(GOLDEN_LIB)
	nice $(CXX) $(PE_CXXFLAGS) -o $@ $(PE_TB_DIR)/tb_pe.cpp $(PE_BUILD)/pe_stim.o \
	  $(PE_BUILD)/vl/Vnpe_pe__ALL.a $(PE_BUILD)/verilated.o \
	  $(PE_BUILD)/verilated_threads.o $(GOLDEN_LIB) -lstdc++ -lpthread -lm

# (not through a pipe into tee: sh has no pipefail, and tee's status would
# hide a failing testbench)
pe-test-verilator: $(PE_BUILD)/tb_pe
	@rc=0; $(PE_BUILD)/tb_pe > $(PE_BUILD)/tb_pe.log 2>&1 || rc=$$?; \
	  cat $(PE_BUILD)/tb_pe.log; exit $$rc

# ---------------------------------------------------------------------------
# Icarus testbench: golden vectors in hex files, all-format PE plus every
# single-format build
# ---------------------------------------------------------------------------
$(PE_BUILD)/gen_pe_vectors: $(PE_TB_DIR)/gen_pe_vectors.c $(PE_BUILD)/pe_stim.o $(GOLDEN_LIB)
	$(CC) $(PE_CFLAGS) -o $@ $< $(PE_BUILD)/pe_stim.o $(GOLDEN_LIB) -lm

$(PE_BUILD)/iv/tb_pe_%.vvp: $(PE_TB_DIR)/tb_pe_icarus.sv $(PE_PKG) $(PE_RTL)
	@mkdir -p $(@D)
	iverilog -g2012 -o $@ -s tb_pe_icarus -Ptb_pe_icarus.FormatMask=6\'h$* \
	  $(PE_PKG) $(PE_RTL) $(PE_TB_DIR)/tb_pe_icarus.sv

$(PE_BUILD)/iv/tb_pe_lite_%.vvp: $(PE_TB_DIR)/tb_pe_icarus.sv $(PE_PKG) $(PE_RTL)
	@mkdir -p $(@D)
	iverilog -g2012 -o $@ -s tb_pe_icarus -Ptb_pe_icarus.FormatMask=6\'h$* \
	  -Ptb_pe_icarus.Lite=1 $(PE_PKG) $(PE_RTL) $(PE_TB_DIR)/tb_pe_icarus.sv

# The all-format PE with its clock gates (ClockGates = 1: latches and ANDs on
# the clock, as the PPA flow synthesises it) against the same vectors.
$(PE_BUILD)/iv/tb_pe_cg_3f.vvp: $(PE_TB_DIR)/tb_pe_icarus.sv $(PE_PKG) $(PE_RTL)
	@mkdir -p $(@D)
	iverilog -g2012 -o $@ -s tb_pe_icarus -Ptb_pe_icarus.FormatMask=6\'h3f \
	  -Ptb_pe_icarus.ClockGates=1 $(PE_PKG) $(PE_RTL) $(PE_TB_DIR)/tb_pe_icarus.sv

pe-test-icarus: $(PE_BUILD)/gen_pe_vectors $(PE_BUILD)/iv/tb_pe_3f.vvp $(PE_BUILD)/iv/tb_pe_cg_3f.vvp \
                $(patsubst %,$(PE_BUILD)/iv/tb_pe_%.vvp,$(PE_SINGLE_MASKS)) \
                $(patsubst %,$(PE_BUILD)/iv/tb_pe_lite_%.vvp,$(PE_LITE_MASKS))
	@set -e; for m in 3f $(PE_SINGLE_MASKS); do \
	  $(PE_BUILD)/gen_pe_vectors $$m $(PE_BUILD)/iv/vec_$$m > $(PE_BUILD)/iv/vec_$$m.args; \
	  vvp -n $(PE_BUILD)/iv/tb_pe_$$m.vvp $$(cat $(PE_BUILD)/iv/vec_$$m.args) \
	    | tee $(PE_BUILD)/iv/tb_pe_$$m.log | grep "tb_pe_icarus"; \
	  grep -q "tb_pe_icarus: PASS" $(PE_BUILD)/iv/tb_pe_$$m.log; \
	done
	@set -e; $(PE_BUILD)/gen_pe_vectors 3f $(PE_BUILD)/iv/vec_3f > $(PE_BUILD)/iv/vec_3f.args; \
	  vvp -n $(PE_BUILD)/iv/tb_pe_cg_3f.vvp $$(cat $(PE_BUILD)/iv/vec_3f.args) \
	    | tee $(PE_BUILD)/iv/tb_pe_cg_3f.log | sed 's/^tb_pe_icarus/tb_pe_icarus (clock gates)/' \
	    | grep "tb_pe_icarus"; \
	  grep -q "tb_pe_icarus: PASS" $(PE_BUILD)/iv/tb_pe_cg_3f.log
	@set -e; for m in $(PE_LITE_MASKS); do \
	  $(PE_BUILD)/gen_pe_vectors $$m $(PE_BUILD)/iv/lvec_$$m > $(PE_BUILD)/iv/lvec_$$m.args; \
	  vvp -n $(PE_BUILD)/iv/tb_pe_lite_$$m.vvp $$(cat $(PE_BUILD)/iv/lvec_$$m.args) \
	    | tee $(PE_BUILD)/iv/tb_pe_lite_$$m.log | sed 's/^tb_pe_icarus/tb_pe_icarus (npe_pe_lite)/' \
	    | grep "tb_pe_icarus"; \
	  grep -q "tb_pe_icarus: PASS" $(PE_BUILD)/iv/tb_pe_lite_$$m.log; \
	done

# Planted bugs in the format and lane clock gates (ClockGates = 1, issue 15;
# docs/PE.md "Clock gating and counters"): each build must fail the gated
# Icarus run against the golden vectors.
#   LANE_GATE  S2's lane-2 gate opens on lane 1's activity (8-bit formats'
#              lane 2 shift and sign never loaded)
#   NZ_GATE    the "wider format was here" flag of the operand bits never
#              set (bits 4L+3..4L+2 keep an 8/16-bit word's bits in 4-bit words)
#   LO_GATE    the same flag of the addend's bits 33..0 (a posit16 word's
#              bits stay in the next formats' addends)
#   MID_GATE   the same flag of the addend's bits 53..34 (a posit word's bits
#              stay in FP4 / INT8 / ternary addends)
#   QUIRE_LO   the quire's low-bit gate ignores the clear
#   RDF_GATE   the read-out format's shift register stops one stage early
PE_GATE_PLANTS := LANE_GATE NZ_GATE LO_GATE MID_GATE QUIRE_LO RDF_GATE

$(PE_BUILD)/iv/tb_pe_cgplant_%.vvp: $(PE_TB_DIR)/tb_pe_icarus.sv $(PE_PKG) $(PE_RTL)
	@mkdir -p $(@D)
	iverilog -g2012 -o $@ -s tb_pe_icarus -Ptb_pe_icarus.FormatMask=6\'h3f \
	  -Ptb_pe_icarus.ClockGates=1 -DNPE_PLANT_BUG_PE_$* $(PE_PKG) $(PE_RTL) $(PE_TB_DIR)/tb_pe_icarus.sv

pe-gate-plant-test: $(PE_BUILD)/gen_pe_vectors $(patsubst %,$(PE_BUILD)/iv/tb_pe_cgplant_%.vvp,$(PE_GATE_PLANTS))
	@$(PE_BUILD)/gen_pe_vectors 3f $(PE_BUILD)/iv/vec_3f > $(PE_BUILD)/iv/vec_3f.args
	@set -e; for p in $(PE_GATE_PLANTS); do \
	  vvp -n $(PE_BUILD)/iv/tb_pe_cgplant_$$p.vvp $$(cat $(PE_BUILD)/iv/vec_3f.args) \
	    > $(PE_BUILD)/iv/tb_pe_cgplant_$$p.log 2>&1 || true; \
	  if grep -q "tb_pe_icarus: PASS" $(PE_BUILD)/iv/tb_pe_cgplant_$$p.log; then \
	    echo "pe-gate-plant-test: FAIL: the planted $$p bug went unnoticed"; exit 1; \
	  elif grep -q "tb_pe_icarus: FAIL" $(PE_BUILD)/iv/tb_pe_cgplant_$$p.log; then \
	    echo "pe-gate-plant-test: planted $$p bug caught: $$(grep 'tb_pe_icarus: FAIL' $(PE_BUILD)/iv/tb_pe_cgplant_$$p.log)"; \
	  else echo "pe-gate-plant-test: FAIL: $$p run ended without a verdict"; \
	    tail -5 $(PE_BUILD)/iv/tb_pe_cgplant_$$p.log; exit 1; fi; \
	done

# Planted bugs in the simulation-speed structure (docs/ARCHITECTURE.md,
# "Simulation speed"): the decoders' per-format arms and the enables the
# stage registers load under. Each build (FormatMask 3f,
# no clock gates: the Verilator models' PE) must fail against the vectors.
#   DEC_ARM   npe_pe_dec's posit / INT8 arm misses posit4
#   STAGE_EN  the addend register loads one stage early (dec_valid_q)
PE_SPEED_PLANTS := DEC_ARM STAGE_EN

$(PE_BUILD)/iv/tb_pe_spplant_%.vvp: $(PE_TB_DIR)/tb_pe_icarus.sv $(PE_PKG) $(PE_RTL)
	@mkdir -p $(@D)
	iverilog -g2012 -o $@ -s tb_pe_icarus -Ptb_pe_icarus.FormatMask=6\'h3f \
	  -DNPE_PLANT_BUG_PE_$* $(PE_PKG) $(PE_RTL) $(PE_TB_DIR)/tb_pe_icarus.sv

pe-speed-plant-test: $(PE_BUILD)/gen_pe_vectors $(patsubst %,$(PE_BUILD)/iv/tb_pe_spplant_%.vvp,$(PE_SPEED_PLANTS))
	@$(PE_BUILD)/gen_pe_vectors 3f $(PE_BUILD)/iv/vec_3f > $(PE_BUILD)/iv/vec_3f.args
	@set -e; for p in $(PE_SPEED_PLANTS); do \
	  vvp -n $(PE_BUILD)/iv/tb_pe_spplant_$$p.vvp $$(cat $(PE_BUILD)/iv/vec_3f.args) \
	    > $(PE_BUILD)/iv/tb_pe_spplant_$$p.log 2>&1 || true; \
	  if grep -q "tb_pe_icarus: PASS" $(PE_BUILD)/iv/tb_pe_spplant_$$p.log; then \
	    echo "pe-speed-plant-test: FAIL: the planted $$p bug went unnoticed"; exit 1; \
	  elif grep -q "tb_pe_icarus: FAIL" $(PE_BUILD)/iv/tb_pe_spplant_$$p.log; then \
	    echo "pe-speed-plant-test: planted $$p bug caught: $$(grep 'tb_pe_icarus: FAIL' $(PE_BUILD)/iv/tb_pe_spplant_$$p.log)"; \
	  else echo "pe-speed-plant-test: FAIL: $$p run ended without a verdict"; \
	    tail -5 $(PE_BUILD)/iv/tb_pe_spplant_$$p.log; exit 1; fi; \
	done

pe-test: pe-lint pe-test-verilator pe-test-icarus pe-gate-plant-test pe-speed-plant-test
	@echo "pe-test: all PE tests passed"

# Part of the project-wide `make test` and `make bench`.
TEST_TARGETS += pe-test
BENCH_TARGETS += pe-bench
LINT_TARGETS += pe-lint

# ---------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------
pe-bench: $(PE_PKG) $(PE_RTL)
	@mkdir -p $(PE_BUILD)/bench
	nice python3 tools/area/pe_bench.py $(PE_BUILD)/bench
