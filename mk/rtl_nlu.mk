# SPDX-License-Identifier: Apache-2.0
# mk/rtl_nlu.mk - the nonlinear unit's RTL (rtl/nlu): lint, the Verilator
# sweep against the golden staircase, a small Icarus run (tests/rtl/nlu), and
# its throughput / latency bench. Included by the top Makefile. (The golden
# NLU tables are in mk/golden.mk, the crossbar model in mk/models.mk, the
# `npe nlu-report` tests in mk/cli.mk.)
#
#   make nlu-lint           verilator --lint-only -Wall on rtl/nlu
#   make nlu-rtl-test       Verilator sweep of rtl/nlu against the golden staircase
#   make nlu-iverilog-test  a small Icarus run of the same
#   make nlu-rtl-bench      BENCH lines: NLU throughput/latency per B
#   make nlu-test           all NLU tests (with the golden, model and CLI ones)

BUILD ?= build

NLU_RTL      := rtl/nlu/npe_nlu_table.sv rtl/nlu/npe_nlu_col.sv rtl/nlu/npe_nlu.sv
NLU_TB_DIR   := tests/rtl/nlu
NLU_CFLAGS   := $(CFLAGS_BASE) $(GOLDEN_INC)
NLU_LINK     := $(GOLDEN_LIB)

VERILATOR_INC ?= /usr/share/verilator/include
NLU_VL_DIR    := $(BUILD)/nlu/vl
NLU_TB        := $(BUILD)/nlu/tb_nlu
NLU_TB_CXX    := -std=c++17 -O1 -Wall -I$(NLU_VL_DIR) -I$(VERILATOR_INC) \
                 -I$(VERILATOR_INC)/vltstd $(GOLDEN_INC)

.PHONY: nlu-test nlu-rtl-test nlu-iverilog-test nlu-lint nlu-rtl-bench nlu-bench \
        nlu-unit-test nlu-san-test

# ---------------------------------------------------------------------------
# RTL: Verilator sweep, Icarus smoke run, lint
# ---------------------------------------------------------------------------
$(NLU_VL_DIR)/Vnpe_nlu__ALL.a: $(NLU_RTL)
	@mkdir -p $(NLU_VL_DIR)
	verilator --cc -Wall -Wno-SYNCASYNCNET --assert -DNPE_ASSERT --top-module npe_nlu \
	  -GNumCols=8 -GInWidthBits=16 -GMaxBits=8 -Mdir $(NLU_VL_DIR) $(NLU_RTL)
	$(MAKE) -s -C $(NLU_VL_DIR) -f Vnpe_nlu.mk Vnpe_nlu__ALL.a

$(BUILD)/nlu/verilated.o: $(VERILATOR_INC)/verilated.cpp
	@mkdir -p $(@D)
	$(CXX) $(NLU_TB_CXX) -c -o $@ $<
$(BUILD)/nlu/verilated_threads.o: $(VERILATOR_INC)/verilated_threads.cpp
	@mkdir -p $(@D)
	$(CXX) $(NLU_TB_CXX) -c -o $@ $<

$(NLU_TB): $(NLU_TB_DIR)/tb_nlu.cpp $(NLU_VL_DIR)/Vnpe_nlu__ALL.a $(BUILD)/nlu/verilated.o \
           $(BUILD)/nlu/verilated_threads.o $(NLU_LINK)
	$(CXX) $(NLU_TB_CXX) -o $@ $(NLU_TB_DIR)/tb_nlu.cpp $(NLU_VL_DIR)/Vnpe_nlu__ALL.a \
	  $(BUILD)/nlu/verilated.o $(BUILD)/nlu/verilated_threads.o $(NLU_LINK) \
	  -lstdc++ -lpthread -lm

nlu-rtl-test: $(NLU_TB)
	$(NLU_TB)

$(BUILD)/nlu/gen_nlu_vectors: $(NLU_TB_DIR)/gen_nlu_vectors.c $(NLU_LINK)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) -o $@ $< $(NLU_LINK) -lm

nlu-iverilog-test: $(BUILD)/nlu/gen_nlu_vectors $(NLU_RTL) $(NLU_TB_DIR)/tb_nlu_iv.sv
	$(BUILD)/nlu/gen_nlu_vectors $(BUILD)/nlu/iv
	iverilog -g2012 -o $(BUILD)/nlu/iv/tb_nlu_iv.vvp $(NLU_TB_DIR)/tb_nlu_iv.sv $(NLU_RTL)
	cd $(BUILD)/nlu/iv && vvp -n tb_nlu_iv.vvp

nlu-lint:
	verilator --lint-only -Wall --top-module npe_nlu $(NLU_RTL)

# Every NLU test, as before the layers: the golden tables, the crossbar
# model, the RTL and the nlu-report CLI.
nlu-test: nlu-lint golden-test golden-san-test models-test nlu-rtl-test nlu-iverilog-test \
          nlu-cli-test
	@echo "nlu-test: all NLU tests passed"
nlu-unit-test: golden-test models-test
nlu-san-test: golden-san-test models-test

# ---------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------
nlu-rtl-bench: $(NLU_TB)
	$(NLU_TB) --bench

# as before the layers: with the crossbar model's bench
nlu-bench: nlu-rtl-bench models-bench

TEST_TARGETS  += nlu-lint nlu-rtl-test nlu-iverilog-test
BENCH_TARGETS += nlu-rtl-bench
LINT_TARGETS  += nlu-lint
