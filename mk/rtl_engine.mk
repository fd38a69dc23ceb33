# SPDX-License-Identifier: Apache-2.0
# mk/rtl_engine.mk - the whole engine's RTL (npe_top, rtl/engine): lint of
# its configurations, Yosys reads it, Icarus simulates it (tests/rtl/engine),
# its iCE40 size, and the two simulators compared on one job. Included by the
# top Makefile after mk/sim_lib.mk, whose ENGINE_RTL, ENGINE_LITE and
# SIM_LIBS it uses.
#
#   make engine-lint         verilator --lint-only -Wall of the whole engine (default,
#                            smallest, small-iCE40, clock-gated and DPI configurations)
#   make engine-yosys-check  read_verilog -sv + hierarchy -top npe_top + proc, fails on error
#   make engine-icarus-test  one gen_engine_job matmul per format on npe_top under
#                            Icarus, checked bit-exactly against the golden model
#                            (also the small build, and the clock-gated build with
#                            unit-gate-plant-test: its planted wake bug must fail)
#   make engine-sim-speed    the same job on Icarus and on Verilator (libnpesim):
#                            BENCH sim_speed_icarus / sim_speed_verilator_same_job /
#                            sim_speed_ratio_verilator_over_icarus
#
# Outputs under $(BUILD)/engine_port/. A job is "M N K FORMAT [FUNC:B:F]"
# (ternary means int8 x ternary) with binary32 results, or NLU codes; override ENGINE_ICARUS_JOBS (jobs
# joined by commas inside, spaces between) / ENGINE_SPEED_JOB to change them.

BUILD ?= build
EP_BUILD := $(BUILD)/engine_port
EP_DIR   := tests/rtl/engine

ENGINE_ICARUS_JOBS ?= 8,8,64,int8 5,3,40,fp4 4,5,24,posit4 7,2,32,posit8 \
                      3,4,16,posit16 6,5,72,ternary 5,7,2,fp4,sigmoid:6:4 \
                      4,9,1,fp4,gelu:5:6
# The small iCE40 build (ENGINE_LITE, mk/sim_lib.mk): INT8 and ternary jobs on
# its 1 x 1 array, up to the longest K its 256-word A bank takes (2048; the
# tiler then takes one output column per block, C's blocks padded to 8 bytes)
ENGINE_LITE_JOBS ?= 1,1,1,int8 5,7,100,int8 3,9,40,ternary 2,3,2048,int8 2,6,1024,int8 4,3,1000,ternary
ENGINE_LITE_SHAPE := 1:1:256:256:4
# its memory: the UP5K's 128 KiB of SPRAM at address 0 (AddrBits = 17)
ENGINE_LITE_GEN   := --base=0 --mem=131072 --shape=$(ENGINE_LITE_SHAPE)
ENGINE_SPEED_JOB  ?= 16 16 128 int8
# wall-clock limit of one Icarus run, seconds
ENGINE_ICARUS_TIMEOUT ?= 600

comma     := ,
EP_TB     := $(EP_DIR)/tb_axi_mem.sv $(EP_DIR)/tb_npe_top_icarus.sv
EP_CFLAGS := $(CFLAGS_BASE) $(DRIVER_INC) -I$(EP_DIR)

.PHONY: engine-lint engine-yosys-check engine-icarus-test engine-sim-speed

# ---------------------------------------------------------------------------
# Lint
# ---------------------------------------------------------------------------
# The smallest configuration (1 x 1 INT8 array, small banks, one-deep
# descriptor FIFO, 32-bit counters): linted too, so its widths stay legal.
ENGINE_SMALL_G := -GRows=1 -GCols=1 "-GFormatMask=6'h10" -GABankWords=256 -GBBankWords=256 \
                  -GOutGroups=4 -GDescFifoDepth=1 -GCounterBits=32

engine-lint:
	@$(DEPS) verilator
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL)
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_SMALL_G)
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_LITE_G)
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) +define+NPE_XBAR_DPI
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) -GClockGates=1\'b1 \
	  -GUnitClockGates=1\'b1 -GCheckOnce=1\'b1
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_SMALL_G) \
	  -GCheckOnce=1\'b1
	verilator --lint-only -Wall -Wno-SYNCASYNCNET --assert --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) \
	  +define+NPE_XBAR_DPI +define+NPE_ASSERT
	verilator --lint-only -Wall -Wno-SYNCASYNCNET --assert --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) \
	  +define+NPE_XBAR_DPI +define+NPE_ASSERT -GUnitClockGates=1\'b1 -GCheckOnce=1\'b1
	@echo "engine-lint: clean (default, small and small-iCE40 (lite) configurations, clock-gated, checks once (the model's CheckOnce), and with assertions)"

# ---------------------------------------------------------------------------
# Yosys: parse, elaborate, processes (no synthesis)
# ---------------------------------------------------------------------------
engine-yosys-check: $(ENGINE_RTL)
	@$(DEPS) yosys
	@mkdir -p $(EP_BUILD)
	nice yosys -q -l $(EP_BUILD)/yosys_check.log \
	  -p 'read_verilog -sv $(ENGINE_RTL); hierarchy -check -top npe_top; proc'
	@echo "engine-yosys-check: npe_top read, elaborated and proc'd by Yosys"

# ---------------------------------------------------------------------------
# Job generator (driver tiler + golden library) and the Verilator-side bench
# ---------------------------------------------------------------------------
$(EP_BUILD)/gen_engine_job: $(EP_DIR)/gen_engine_job.c $(EP_DIR)/job_layout.h \
                            driver/src/npe_tiler.c driver/src/npe_tiler.h $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(EP_CFLAGS) -o $@ $< driver/src/npe_tiler.c $(GOLDEN_LIB) -lm

$(EP_BUILD)/bench_sim_speed: $(EP_DIR)/bench_sim_speed.c $(EP_DIR)/job_layout.h sim/npesim.h \
                             $(SIM_BUILD)/libnpesim.a $(SIM_OBJ)/Vnpe_top__ALL.a $(MODELS_LIB) \
                             $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(EP_CFLAGS) -o $@ $< $(SIM_LIBS) $(MODELS_LIB) $(GOLDEN_LIB) $(SIM_SYSLIBS)

# ---------------------------------------------------------------------------
# Icarus testbench
# ---------------------------------------------------------------------------
$(EP_BUILD)/tb_npe_top_icarus.vvp: $(ENGINE_RTL) $(EP_TB)
	@$(DEPS) iverilog
	@mkdir -p $(@D)
	nice iverilog -g2012 -o $@ -s tb_npe_top_icarus $(ENGINE_RTL) $(EP_TB) \
	  2> $(EP_BUILD)/iverilog.log || { cat $(EP_BUILD)/iverilog.log; exit 1; }

# $(call ep_run_icarus,job dir,job[,vvp[,gen_engine_job options]]): generates
# the job, runs it, leaves the log in <dir>/icarus.log and the wall time (s)
# in <dir>/icarus.wall.
define ep_run_icarus
	@mkdir -p $(1)
	$(EP_BUILD)/gen_engine_job $(4) $(wordlist 1,3,$(2)) $(1) $(wordlist 4,5,$(2)) > $(1)/job.args
	@t0=$$(date +%s.%N); \
	timeout $(ENGINE_ICARUS_TIMEOUT) nice vvp -n $(or $(3),$(EP_BUILD)/tb_npe_top_icarus.vvp) \
	  $$(cat $(1)/job.args) > $(1)/icarus.log 2>&1; rc=$$?; \
	t1=$$(date +%s.%N); awk -v a=$$t0 -v b=$$t1 'BEGIN { printf "%.3f\n", b - a }' \
	  > $(1)/icarus.wall; \
	grep "tb_npe_top_icarus" $(1)/icarus.log; \
	if [ $$rc = 124 ]; then echo "tb_npe_top_icarus: FAIL: no result within $(ENGINE_ICARUS_TIMEOUT) s"; fi; \
	grep -q "tb_npe_top_icarus: PASS" $(1)/icarus.log

endef

engine-icarus-test: $(EP_BUILD)/gen_engine_job $(EP_BUILD)/tb_npe_top_icarus.vvp \
                    $(EP_BUILD)/tb_npe_top_lite.vvp $(EP_BUILD)/tb_npe_top_gated.vvp
	$(foreach j,$(ENGINE_ICARUS_JOBS),$(call ep_run_icarus,$(EP_BUILD)/test/$(subst $(comma),_,$(j)),$(subst $(comma), ,$(j))))
	$(foreach j,$(ENGINE_LITE_JOBS),$(call ep_run_icarus,$(EP_BUILD)/lite/$(subst $(comma),_,$(j)),$(subst $(comma), ,$(j)),$(EP_BUILD)/tb_npe_top_lite.vvp,$(ENGINE_LITE_GEN)))
	$(foreach j,$(ENGINE_GATED_JOBS),$(call ep_run_icarus,$(EP_BUILD)/gated/$(subst $(comma),_,$(j)),$(subst $(comma), ,$(j)),$(EP_BUILD)/tb_npe_top_gated.vvp))
	@$(MAKE) -s unit-gate-plant-test

# The same testbench on the clock-gated build (UnitClockGates = 1: the
# idle units on gated clocks, as in the Verilator model), and with the
# planted wake bug (NPE_PLANT_BUG_UNIT_GATE: the NLU's clock sleeps through
# its table writes), which must fail the NLU job on its result.
ENGINE_GATED_JOBS ?= 8,8,64,int8 5,7,2,fp4,sigmoid:6:4
ENGINE_GATED_PLANT_JOB ?= 5,7,2,fp4,sigmoid:6:4

$(EP_BUILD)/tb_npe_top_gated.vvp: $(ENGINE_RTL) $(EP_TB)
	@$(DEPS) iverilog
	@mkdir -p $(@D)
	nice iverilog -g2012 -o $@ -s tb_npe_top_icarus -Ptb_npe_top_icarus.UnitClockGates=1 \
	  $(ENGINE_RTL) $(EP_TB) 2> $(EP_BUILD)/iverilog_gated.log || { cat $(EP_BUILD)/iverilog_gated.log; exit 1; }

$(EP_BUILD)/tb_npe_top_gated_plant.vvp: $(ENGINE_RTL) $(EP_TB)
	@$(DEPS) iverilog
	@mkdir -p $(@D)
	nice iverilog -g2012 -o $@ -s tb_npe_top_icarus -Ptb_npe_top_icarus.UnitClockGates=1 \
	  -DNPE_PLANT_BUG_UNIT_GATE $(ENGINE_RTL) $(EP_TB) \
	  2> $(EP_BUILD)/iverilog_gated_plant.log || { cat $(EP_BUILD)/iverilog_gated_plant.log; exit 1; }

.PHONY: unit-gate-plant-test
unit-gate-plant-test: $(EP_BUILD)/gen_engine_job $(EP_BUILD)/tb_npe_top_gated_plant.vvp
	@d=$(EP_BUILD)/gated_plant; mkdir -p $$d; \
	$(EP_BUILD)/gen_engine_job $(wordlist 1,3,$(subst $(comma), ,$(ENGINE_GATED_PLANT_JOB))) $$d \
	  $(wordlist 4,5,$(subst $(comma), ,$(ENGINE_GATED_PLANT_JOB))) > $$d/job.args || exit 1; \
	timeout $(ENGINE_ICARUS_TIMEOUT) nice vvp -n $(EP_BUILD)/tb_npe_top_gated_plant.vvp \
	  $$(cat $$d/job.args) > $$d/icarus.log 2>&1; \
	if grep -q "tb_npe_top_icarus: PASS" $$d/icarus.log; then \
	  echo "unit-gate-plant-test: FAIL: the planted wake bug went unnoticed"; exit 1; \
	elif grep -q "mismatched words=[1-9]" $$d/icarus.log; then \
	  echo "unit-gate-plant-test: planted bug caught: $$(grep -m1 'mismatched words=' $$d/icarus.log | cut -c1-200)"; \
	else echo "unit-gate-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $$d/icarus.log; exit 1; fi

# The same testbench on the small iCE40 build (ENGINE_LITE parameters)
$(EP_BUILD)/tb_npe_top_lite.vvp: $(ENGINE_RTL) $(EP_TB)
	@$(DEPS) iverilog
	@mkdir -p $(@D)
	nice iverilog -g2012 -o $@ -s tb_npe_top_icarus \
	  $(foreach p,$(ENGINE_LITE),-Ptb_npe_top_icarus.$(p)) -Ptb_npe_top_icarus.MemBase=0 \
	  -Ptb_npe_top_icarus.MemWords=16384 $(ENGINE_RTL) $(EP_TB) \
	  2> $(EP_BUILD)/iverilog_lite.log || { cat $(EP_BUILD)/iverilog_lite.log; exit 1; }

# ---------------------------------------------------------------------------
# Simulation speed: the same job, wall time of the whole vvp run (start-up
# included) against the Verilator run loops (bench_sim_speed repeats the job
# for at least 2 s). Simulated cycles include reset and the CSR set-up.
# ---------------------------------------------------------------------------
engine-sim-speed: $(EP_BUILD)/gen_engine_job $(EP_BUILD)/tb_npe_top_icarus.vvp \
                  $(EP_BUILD)/bench_sim_speed
	$(call ep_run_icarus,$(EP_BUILD)/speed,$(ENGINE_SPEED_JOB))
	$(EP_BUILD)/bench_sim_speed $$(cat $(EP_BUILD)/speed/job.args) | tee $(EP_BUILD)/speed/verilator.log
	@ic=$$(sed -n 's/.* cycles=\([0-9]*\),.*/\1/p' $(EP_BUILD)/speed/icarus.log); \
	iw=$$(cat $(EP_BUILD)/speed/icarus.wall); \
	vr=$$(sed -n 's/.*cycles_per_s=\([0-9.]*\).*/\1/p' $(EP_BUILD)/speed/verilator.log); \
	awk -v c=$$ic -v w=$$iw -v v=$$vr 'BEGIN { i = c / w; \
	  printf "BENCH sim_speed_icarus %.0f cycles/s\n", i; \
	  printf "BENCH sim_speed_verilator_same_job %.0f cycles/s\n", v; \
	  printf "BENCH sim_speed_ratio_verilator_over_icarus %.1f ratio\n", v / i }'

# ---------------------------------------------------------------------------
# iCE40 size of the smallest configuration (the UP5K target of issue 4):
# synth_ice40 of npe_top with the ENGINE_LITE parameters (mk/sim_lib.mk).
# ---------------------------------------------------------------------------
EP_SMALL_CHPARAM := $(foreach p,$(ENGINE_LITE),-set $(call ep_pname,$(p)) $(call ep_pval,$(p)))

EP_SMALL_YS := read_verilog -sv $(ENGINE_RTL); chparam $(EP_SMALL_CHPARAM) npe_top; synth_ice40 -top npe_top -dsp -json $(EP_BUILD)/ice40_small.json; tee -q -o $(EP_BUILD)/ice40_small.stat stat

# Logic cells after nextpnr's packing (a LUT and a flip-flop share a cell
# only when the LUT feeds the flip-flop; carries need cells too): the figure
# that must fit the UP5K's 5,280. --pack-only, as npe_top's 461 ports are no
# board's pins (a board top wraps them).
engine-ice40-size: $(ENGINE_RTL)
	@$(DEPS) yosys nextpnr
	@mkdir -p $(EP_BUILD)
	nice yosys -q -l $(EP_BUILD)/ice40_small.log -p '$(EP_SMALL_YS)'
	nice nextpnr-ice40 --up5k --package sg48 --json $(EP_BUILD)/ice40_small.json --pack-only \
	  --pcf-allow-unconstrained > $(EP_BUILD)/ice40_small_pack.log 2>&1
	@awk '/ICESTORM_LC:/ { split($$3, a, "/"); print "BENCH engine_small_up5k_lc", a[1], "logic_cells"; \
	  printf "BENCH engine_small_up5k_lc_ratio %.2f ratio\n", a[1] / 5280 }' \
	  $(EP_BUILD)/ice40_small_pack.log
	@awk '/SB_LUT4/ { lut = $$2 } /SB_DFF/ { ff += $$2 } /SB_RAM40_4K/ { ram = $$2 } \
	  /SB_MAC16/ { dsp = $$2 } END { \
	  printf "BENCH engine_small_ice40_lut %d LUT4\n", lut; \
	  printf "BENCH engine_small_ice40_ff %d FF\n", ff; \
	  printf "BENCH engine_small_ice40_ram %d SB_RAM40_4K\n", ram; \
	  printf "BENCH engine_small_ice40_dsp %d SB_MAC16\n", dsp; \
	  printf "BENCH engine_small_up5k_lut_ratio %.2f ratio\n", lut / 5280 }' \
	  $(EP_BUILD)/ice40_small.stat

.PHONY: engine-ice40-size
TEST_TARGETS  += engine-lint engine-yosys-check engine-icarus-test
LINT_TARGETS  += engine-lint
BENCH_TARGETS += engine-sim-speed engine-ice40-size
