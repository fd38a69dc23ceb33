# SPDX-License-Identifier: Apache-2.0
# mk/sim_lib.mk - sim/: the engine (npe_top) as the Verilator library
# libnpesim, one C API over its builds (npesim_config.build): the engine's
# RTL list (ENGINE_RTL) and the small build's parameters (ENGINE_LITE), which
# every engine flow takes (mk/rtl_engine.mk, mk/fpga_icebreaker.mk), the three
# Verilated models (default, small, the Zynq board top), the SoC's
# (mk/soc.mk builds it) and the harness. Included by the top-level Makefile;
# compiled with golden/, models/ and include/ on the include path.
#
#   make sim-lib      build/sim/libnpesim.a (+ build/sim/obj/Vnpe_top__ALL.a,
#                     build/sim/obj_small/Vnpe_top_small__ALL.a,
#                     build/sim/obj_zynq/Vnpe_zynq_top__ALL.a)
#   make TRACE=1 ...  the same with waveform tracing (sim:?trace=FILE) built in
#   make UNIT_CG=0 ... the default model without its unit clock gates
#                     (npe_top's UnitClockGates; for before/after comparisons)
#   make CHECK_ONCE=0 ... the default model with the descriptor checks in
#                     every cycle (npe_top's CheckOnce; the same)

BUILD ?= build
SIM_BUILD := $(BUILD)/sim
SIM_OBJ   := $(SIM_BUILD)/obj
# (Debian's path when verilator is not installed yet: make reads this before
# tools/check_deps.sh installs it, on a fresh machine)
VL_INC    := $(or $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null),/usr/share/verilator)/include

ENGINE_RTL := rtl/npe_pkg.sv rtl/engine/npe_recur_sig_pkg.sv \
  $(filter-out %_tb.sv,$(sort $(wildcard rtl/pe/*.sv))) \
  rtl/axi/npe_axil_slave.sv rtl/axi/npe_csr.sv rtl/axi/npe_axi_dma.sv \
  rtl/nlu/npe_nlu_table.sv rtl/nlu/npe_nlu_col.sv rtl/nlu/npe_nlu.sv \
  $(filter-out %_pkg.sv,$(sort $(wildcard rtl/engine/*.sv)))
ENGINE_VLT := $(wildcard rtl/pe/npe_pe.vlt)

# How every engine model is Verilated. Assertions are on in every build
# (--assert, NPE_ASSERT); X values are random (unique), not zero. Waveform
# tracing (--trace-fst, what sim:?trace=FILE needs) costs about 15 % of the
# simulator's speed, so it is built only with TRACE=1 (docs/ARCHITECTURE.md,
# "Simulation speed"); without it a trace= URI fails with a message saying
# so. The flags are kept in a stamp file: changing TRACE rebuilds the models.
TRACE ?= 0
SIM_VL_TRACE := $(if $(filter 1,$(TRACE)),--trace-fst)
SIM_VL_FLAGS := -O3 $(SIM_VL_TRACE) --x-assign unique --x-initial unique --assert
SIM_VL_STAMP := $(SIM_BUILD)/verilator_flags
# The default model's hot code at gcc -O3: about 5 % fewer instructions per
# cycle than -O2 (valgrind; docs/ARCHITECTURE.md, "Simulation speed"). In the
# stamp too, so changing it rebuilds the model.
SIM_OPT_FAST := -O3

$(SIM_VL_STAMP): sim-vl-flags-force
	@mkdir -p $(@D)
	@echo '$(SIM_VL_FLAGS) $(SIM_OPT_FAST)' | cmp -s - $@ 2>/dev/null || \
	  echo '$(SIM_VL_FLAGS) $(SIM_OPT_FAST)' > $@

.PHONY: sim-vl-flags-force
sim-vl-flags-force:

SIM_CXXFLAGS := -std=c++17 -O2 -Wall -I$(SIM_OBJ) -I$(VL_INC) -I$(VL_INC)/vltstd \
                $(SIM_INC)
# libnpesim and its models; a program also links $(MODELS_LIB) $(GOLDEN_LIB)
# (or their sanitizer builds) after them, then $(SIM_SYSLIBS)
SIM_OBJ_SMALL := $(SIM_BUILD)/obj_small
SIM_OBJ_ZYNQ  := $(SIM_BUILD)/obj_zynq
# the SoC's model (NPESIM_BUILD_SOC): the one mk/soc.mk builds for tb_soc
# (its rule is there, after mk/cpu.mk's CPU_RTL)
SIM_OBJ_SOC   := $(BUILD)/soc/obj
# the board builds' models, and their headers for npesim.cpp
SIM_BOARD_MODELS := $(SIM_OBJ_SMALL)/Vnpe_top_small__ALL.a $(SIM_OBJ_ZYNQ)/Vnpe_zynq_top__ALL.a \
                    $(SIM_OBJ_SOC)/Vnpe_soc__ALL.a
SIM_BOARD_INC    := -I$(SIM_OBJ_SMALL) -I$(SIM_OBJ_ZYNQ) -I$(SIM_OBJ_SOC)
SIM_LIBS := $(SIM_BUILD)/libnpesim.a $(SIM_OBJ)/Vnpe_top__ALL.a $(SIM_BOARD_MODELS)
SIM_SYSLIBS := -lz -lstdc++ -lpthread -lm

.PHONY: sim-lib

# The small iCE40 build (docs/ARCHITECTURE.md, "The small build"): npe_top
# parameters as NAME=INTEGER, the one list the lint, the Icarus tests and
# the iCE40 size and fit runs all take.
ENGINE_LITE := Rows=1 Cols=1 FormatMask=48 ABankWords=256 BBankWords=256 OutGroups=4 \
               DescFifoDepth=1 CounterBits=32 MaxReadsInFlight=2 AddrBits=17 \
               HasNlu=0 HasXbar=0 HasRecur=0 LitePe=1 HasDirectDesc=0 HasSherry=0 PerfMask=29183
# (AddrBits 17: the UP5K's 128 KiB of SPRAM; PerfMask 0x71ff: no stall
# counters for scratchpad, output and fence)
ENGINE_LITE_BITS := HasNlu HasXbar HasRecur LitePe HasDirectDesc HasSherry
lite_val = $(patsubst $(1)=%,%,$(filter $(1)=%,$(ENGINE_LITE)))
ep_pname = $(word 1,$(subst =, ,$(1)))
ep_pval  = $(word 2,$(subst =, ,$(1)))
# Verilator -G values carry the parameter's width (no WIDTH warnings)
ep_vlval = $(if $(filter $(1),$(ENGINE_LITE_BITS)),1'b$(2),$(if $(filter FormatMask,$(1)),6'd$(2),$(2)))
ENGINE_LITE_G := $(foreach p,$(ENGINE_LITE),"-G$(call ep_pname,$(p))=$(call ep_vlval,$(call ep_pname,$(p)),$(call ep_pval,$(p)))")

# The default model runs its idle units on gated clocks (npe_top's
# UnitClockGates; docs/ARCHITECTURE.md, "Simulation speed"): Verilator then
# skips their logic while they sleep. UNIT_CG=0 builds it without (the
# before/after comparison of BENCHMARKS.md); the flag is in the stamp.
UNIT_CG ?= 1
# It also checks each head descriptor once (npe_top's CheckOnce: the units'
# checks run in the head's first cycle, npe_cmd keeps the results; "Simulation
# speed"); CHECK_ONCE=0 builds it without, for the same comparisons.
CHECK_ONCE ?= 1
SIM_UNIT_CG := $(if $(filter 1,$(UNIT_CG)),-GUnitClockGates=1\'b1) \
               $(if $(filter 1,$(CHECK_ONCE)),-GCheckOnce=1\'b1)
SIM_UNIT_CG_STAMP := $(SIM_BUILD)/unit_cg

$(SIM_UNIT_CG_STAMP): sim-vl-flags-force
	@mkdir -p $(@D)
	@echo '$(UNIT_CG) $(CHECK_ONCE)' | cmp -s - $@ 2>/dev/null || echo '$(UNIT_CG) $(CHECK_ONCE)' > $@
$(SIM_OBJ)/Vnpe_top__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT) $(SIM_VL_STAMP) $(SIM_UNIT_CG_STAMP)
	@$(DEPS) verilator
	@rm -rf $(SIM_OBJ) && mkdir -p $(SIM_OBJ)
	verilator --cc $(SIM_VL_FLAGS) +define+NPE_ASSERT +define+NPE_XBAR_DPI $(SIM_UNIT_CG) \
	  --top-module npe_top -Mdir $(SIM_OBJ) $(ENGINE_VLT) $(ENGINE_RTL)
	$(MAKE) -s -C $(SIM_OBJ) -f Vnpe_top.mk Vnpe_top__ALL.a OPT_FAST=$(SIM_OPT_FAST) OPT_SLOW=-O1

$(SIM_BUILD)/%.o: sim/%.cpp sim/npesim.h sim/axi_mem.h sim/npesim_xbar.h models/xbar/npe_xbar.h \
                  include/npe_regs.h $(SIM_OBJ)/Vnpe_top__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -c -o $@ $<

$(SIM_BUILD)/verilated_%.o: $(VL_INC)/verilated_%.cpp $(SIM_OBJ)/Vnpe_top__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -O2 -c -o $@ $<

$(SIM_BUILD)/verilated.o: $(VL_INC)/verilated.cpp $(SIM_OBJ)/Vnpe_top__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -O2 -c -o $@ $<

# The small build (ENGINE_LITE) as its own model (NPESIM_BUILD_SMALL)

$(SIM_OBJ_SMALL)/Vnpe_top_small__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT) $(SIM_VL_STAMP)
	@$(DEPS) verilator
	@rm -rf $(SIM_OBJ_SMALL) && mkdir -p $(SIM_OBJ_SMALL)
	verilator --cc $(SIM_VL_FLAGS) +define+NPE_ASSERT --prefix Vnpe_top_small \
	  --top-module npe_top -Mdir $(SIM_OBJ_SMALL) $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_LITE_G)
	$(MAKE) -s -C $(SIM_OBJ_SMALL) -f Vnpe_top_small.mk Vnpe_top_small__ALL.a OPT_FAST=-O2 OPT_SLOW=-O1

# The Zynq-7020 board top (fpga/zynq/npe_zynq_top.v) as its own model
# (NPESIM_BUILD_ZYNQ), with its own parameter defaults; compiled at -O1 to keep
# the cost of a third engine model in make test down (it runs short tests)
ZYNQ_RTL := fpga/zynq/npe_zynq_top.v

$(SIM_OBJ_ZYNQ)/Vnpe_zynq_top__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT) $(ZYNQ_RTL) $(SIM_VL_STAMP)
	@$(DEPS) verilator
	@rm -rf $(SIM_OBJ_ZYNQ) && mkdir -p $(SIM_OBJ_ZYNQ)
	verilator --cc $(SIM_VL_FLAGS) +define+NPE_ASSERT \
	  --top-module npe_zynq_top -Mdir $(SIM_OBJ_ZYNQ) $(ENGINE_VLT) $(ENGINE_RTL) $(ZYNQ_RTL)
	$(MAKE) -s -C $(SIM_OBJ_ZYNQ) -f Vnpe_zynq_top.mk Vnpe_zynq_top__ALL.a OPT_FAST=-O1 OPT_SLOW=-O0

# The harness, once for all models; the small build's shape from ENGINE_LITE
$(SIM_BUILD)/npesim.o: sim/npesim.cpp sim/npesim.h sim/axi_mem.h sim/npesim_xbar.h \
                       models/xbar/npe_xbar.h include/npe_soc.h $(SIM_OBJ)/Vnpe_top__ALL.a $(SIM_BOARD_MODELS)
	$(CXX) $(SIM_CXXFLAGS) $(SIM_BOARD_INC) -DNPESIM_SMALL_ROWS=$(call lite_val,Rows) \
	  -DNPESIM_SMALL_COLS=$(call lite_val,Cols) -DNPESIM_SMALL_A_BANK_WORDS=$(call lite_val,ABankWords) \
	  -DNPESIM_SMALL_B_BANK_WORDS=$(call lite_val,BBankWords) \
	  -DNPESIM_SMALL_OUT_GROUPS=$(call lite_val,OutGroups) -c -o $@ $<

SIM_LIB_OBJS := $(SIM_BUILD)/npesim.o $(SIM_BUILD)/npesim_xbar.o \
                $(SIM_BUILD)/axi_mem.o \
                $(SIM_BUILD)/verilated.o \
                $(SIM_BUILD)/verilated_threads.o $(SIM_BUILD)/verilated_fst_c.o

$(SIM_BUILD)/libnpesim.a: $(SIM_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

sim-lib: $(SIM_BUILD)/libnpesim.a
