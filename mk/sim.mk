# mk/sim.mk - the engine (rtl/engine) as the Verilator library libnpesim,
# plus its lint. Included by the top-level Makefile.
#
#   make sim-lib      build/sim/libnpesim.a (+ build/sim/obj/Vnpe_top__ALL.a)
#   make engine-lint  verilator --lint-only -Wall of the whole engine

BUILD ?= build
SIM_BUILD := $(BUILD)/sim
SIM_OBJ   := $(SIM_BUILD)/obj
VL_INC    := $(shell verilator --getenv VERILATOR_ROOT 2>/dev/null)/include

ENGINE_RTL := rtl/npe_pkg.sv \
  $(filter-out %_tb.sv,$(sort $(wildcard rtl/pe/*.sv))) \
  rtl/axi/npe_axil_slave.sv rtl/axi/npe_csr.sv rtl/axi/npe_axi_dma.sv \
  rtl/nlu/npe_nlu_table.sv rtl/nlu/npe_nlu_col.sv rtl/nlu/npe_nlu.sv \
  $(sort $(wildcard rtl/engine/*.sv))
ENGINE_VLT := $(wildcard rtl/pe/npe_pe.vlt)

SIM_CXXFLAGS := -std=c++17 -O2 -Wall -I$(SIM_OBJ) -I$(VL_INC) -I$(VL_INC)/vltstd \
                -Isim -Isim/xbar -Idriver/include
SIM_LIBS := $(SIM_BUILD)/libnpesim.a $(SIM_OBJ)/Vnpe_top__ALL.a \
            $(SIM_BUILD)/obj_small/Vnpe_top_small__ALL.a -lz -lstdc++ -lpthread -lm

.PHONY: sim-lib engine-lint

# The smallest configuration (1 x 1 INT8 array, small banks, one-deep
# descriptor FIFO, 32-bit counters): linted too, so its widths stay legal.
ENGINE_SMALL_G := -GRows=1 -GCols=1 "-GFormatMask=6'h10" -GABankWords=256 -GBBankWords=256 \
                  -GOutGroups=4 -GDescFifoDepth=1 -GCounterBits=32

# The small iCE40 build (docs/ARCHITECTURE.md, "The small build"): npe_top
# parameters as NAME=INTEGER, the one list the lint, the Icarus tests and
# the iCE40 size and fit runs all take.
ENGINE_LITE := Rows=1 Cols=1 FormatMask=48 ABankWords=256 BBankWords=256 OutGroups=4 \
               DescFifoDepth=1 CounterBits=32 MaxReadsInFlight=2 AddrBits=17 \
               HasNlu=0 HasXbar=0 LitePe=1 HasDirectDesc=0 PerfMask=29183
# (AddrBits 17: the UP5K's 128 KiB of SPRAM; PerfMask 0x71ff: no stall
# counters for scratchpad, output and fence)
ENGINE_LITE_BITS := HasNlu HasXbar LitePe HasDirectDesc
lite_val = $(patsubst $(1)=%,%,$(filter $(1)=%,$(ENGINE_LITE)))
ep_pname = $(word 1,$(subst =, ,$(1)))
ep_pval  = $(word 2,$(subst =, ,$(1)))
# Verilator -G values carry the parameter's width (no WIDTH warnings)
ep_vlval = $(if $(filter $(1),$(ENGINE_LITE_BITS)),1'b$(2),$(if $(filter FormatMask,$(1)),6'd$(2),$(2)))
ENGINE_LITE_G := $(foreach p,$(ENGINE_LITE),"-G$(call ep_pname,$(p))=$(call ep_vlval,$(call ep_pname,$(p)),$(call ep_pval,$(p)))")

engine-lint:
	@$(DEPS) verilator
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL)
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_SMALL_G)
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_LITE_G)
	verilator --lint-only -Wall --top-module npe_top $(ENGINE_VLT) $(ENGINE_RTL) +define+NPE_XBAR_DPI
	@echo "engine-lint: clean (default, small and small-iCE40 (lite) configurations)"

$(SIM_OBJ)/Vnpe_top__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT)
	@$(DEPS) verilator
	@mkdir -p $(SIM_OBJ)
	verilator --cc -O3 --trace-fst --x-assign unique --x-initial unique --assert +define+NPE_ASSERT +define+NPE_XBAR_DPI \
	  --top-module npe_top -Mdir $(SIM_OBJ) $(ENGINE_VLT) $(ENGINE_RTL)
	$(MAKE) -s -C $(SIM_OBJ) -f Vnpe_top.mk Vnpe_top__ALL.a OPT_FAST=-O2 OPT_SLOW=-O1

$(SIM_BUILD)/%.o: sim/%.cpp sim/npesim.h sim/axi_mem.h sim/npesim_xbar.h sim/xbar/npe_xbar.h \
                  $(SIM_OBJ)/Vnpe_top__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -c -o $@ $<

$(SIM_BUILD)/verilated_%.o: $(VL_INC)/verilated_%.cpp $(SIM_OBJ)/Vnpe_top__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -O2 -c -o $@ $<

$(SIM_BUILD)/verilated.o: $(VL_INC)/verilated.cpp $(SIM_OBJ)/Vnpe_top__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -O2 -c -o $@ $<

# The small build (ENGINE_LITE) as its own model, for npesim_small.h
SIM_OBJ_SMALL := $(SIM_BUILD)/obj_small

$(SIM_OBJ_SMALL)/Vnpe_top_small__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT)
	@$(DEPS) verilator
	@mkdir -p $(SIM_OBJ_SMALL)
	verilator --cc -O3 --trace-fst --x-assign unique --x-initial unique --assert +define+NPE_ASSERT --prefix Vnpe_top_small \
	  --top-module npe_top -Mdir $(SIM_OBJ_SMALL) $(ENGINE_VLT) $(ENGINE_RTL) $(ENGINE_LITE_G)
	$(MAKE) -s -C $(SIM_OBJ_SMALL) -f Vnpe_top_small.mk Vnpe_top_small__ALL.a OPT_FAST=-O2 OPT_SLOW=-O1

$(SIM_BUILD)/npesim_small.o: sim/npesim_small.cpp sim/npesim.cpp sim/npesim.h sim/npesim_small.h \
                             sim/axi_mem.h sim/npesim_xbar.h $(SIM_OBJ_SMALL)/Vnpe_top_small__ALL.a
	$(CXX) $(SIM_CXXFLAGS) -I$(SIM_OBJ_SMALL) -DNPESIM_ROWS=$(call lite_val,Rows) \
	  -DNPESIM_COLS=$(call lite_val,Cols) -DNPESIM_A_BANK_WORDS=$(call lite_val,ABankWords) \
	  -DNPESIM_B_BANK_WORDS=$(call lite_val,BBankWords) \
	  -DNPESIM_OUT_GROUPS=$(call lite_val,OutGroups) -c -o $@ $<

SIM_LIB_OBJS := $(SIM_BUILD)/npesim.o $(SIM_BUILD)/npesim_small.o $(SIM_BUILD)/npesim_xbar.o \
                $(SIM_BUILD)/axi_mem.o \
                $(SIM_BUILD)/verilated.o \
                $(SIM_BUILD)/verilated_threads.o $(SIM_BUILD)/verilated_fst_c.o

$(SIM_BUILD)/libnpesim.a: $(SIM_LIB_OBJS)
	rm -f $@ && ar rcs $@ $^

sim-lib: $(SIM_BUILD)/libnpesim.a

# ---------------------------------------------------------------------------
# Engine tests (Check, through libnpesim and the driver's tiler and ring)
# ---------------------------------------------------------------------------
DRIVER_CORE_SRCS := driver/src/npe_tiler.c driver/src/npe_ring.c
DRIVER_SIM_SRCS  := driver/src/npe_transport_sim.c
DRIVER_CFLAGS    := $(CFLAGS_ALL) -Idriver/src -Isim -Isim/xbar
ENGINE_TEST_SRCS := tests/engine/test_engine.c tests/unit/vectors.c driver/golden/npe_nlu.c \
                    sim/xbar/npe_xbar.c driver/src/npe_energy.c

$(BUILD)/tests/engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                       $(wildcard driver/src/*.h) $(GOLDEN_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(GOLDEN_LIB) $(SIM_LIBS) $(CHECK_LIBS)

# The C side (tiler, ring, transport, test) also under ASan+UBSan; the
# Verilated model stays uninstrumented.
$(BUILD)/san/tests/engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                           $(wildcard driver/src/*.h) $(GOLDEN_SAN_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) \
	  $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(GOLDEN_SAN_LIB) $(SIM_LIBS) $(CHECK_LIBS)

.PHONY: engine-test
engine-test: $(BUILD)/tests/engine $(BUILD)/san/tests/engine
	$(BUILD)/tests/engine
	CK_FORK=no $(BUILD)/san/tests/engine
