# mk/nlu.mk - nonlinear unit (NLU) and analog crossbar model (issue 6).
# Included by the top Makefile before the CLI rules.
#
#   make nlu-test    Check tests of the NLU golden model and crossbar model
#                    (plain and ASan/UBSan), the Verilator sweep of the NLU RTL
#                    against the golden staircase, a small Icarus run, and the
#                    nlu-report CLI tests
#   make nlu-lint    verilator --lint-only -Wall on rtl/nlu
#   make nlu-bench   BENCH lines: NLU throughput/latency per B, 64x64 crossbar
#                    versus digital mat-vec latency and energy
#
# Until the lead folds them into libnpegolden / libnpesim / npe, the NLU and
# crossbar objects build into their own library, $(BUILD)/nlu/libnpenlu.a.
# Their energy figures live in libnpe's table (driver/src/npe_energy.c, the
# one copy); libnpe.a carries it, and the stand-alone NLU programs below
# link its object, $(NLU_ENERGY_OBJ), next to libnpenlu.a.

BUILD ?= build

NLU_RTL      := rtl/nlu/npe_nlu_table.sv rtl/nlu/npe_nlu_col.sv rtl/nlu/npe_nlu.sv
NLU_C_SRCS   := driver/golden/npe_nlu.c sim/xbar/npe_xbar.c
NLU_C_HDRS   := driver/include/npe_nlu.h sim/xbar/npe_xbar.h driver/include/npe_format.h \
                driver/include/npe.h
NLU_CFLAGS    = $(CFLAGS_ALL) -Isim/xbar -Idriver/cli
NLU_LIB      := $(BUILD)/nlu/libnpenlu.a
NLU_SAN_LIB  := $(BUILD)/san/nlu/libnpenlu.a
NLU_OBJS     := $(BUILD)/nlu/npe_nlu.o $(BUILD)/nlu/npe_xbar.o
NLU_SAN_OBJS := $(BUILD)/san/nlu/npe_nlu.o $(BUILD)/san/nlu/npe_xbar.o
NLU_ENERGY_OBJ     := $(BUILD)/nlu/npe_energy.o
NLU_SAN_ENERGY_OBJ := $(BUILD)/san/nlu/npe_energy.o
# what a stand-alone NLU program links
NLU_LINK     := $(NLU_LIB) $(NLU_ENERGY_OBJ) $(GOLDEN_LIB)
NLU_SAN_LINK := $(NLU_SAN_LIB) $(NLU_SAN_ENERGY_OBJ) $(GOLDEN_SAN_LIB)

NLU_TEST_SRCS := tests/nlu/test_nlu_main.c tests/nlu/test_nlu_table.c \
                 tests/nlu/test_xbar.c
NLU_TEST_HDRS := tests/nlu/nlu_test.h
NLU_CLI_SRCS  := driver/cli/cmd_nlu.c tests/nlu/nlu_report_main.c
NLU_CLI_HDRS  := driver/cli/npe_cli_nlu.h driver/cli/npe_cli.h

VERILATOR_INC ?= /usr/share/verilator/include
NLU_VL_DIR    := $(BUILD)/nlu/vl
NLU_TB        := $(BUILD)/nlu/tb_nlu
NLU_TB_CXX    := -std=c++17 -O1 -Wall -I$(NLU_VL_DIR) -I$(VERILATOR_INC) \
                 -I$(VERILATOR_INC)/vltstd -Idriver/include

.PHONY: nlu-test nlu-unit-test nlu-san-test nlu-rtl-test nlu-iverilog-test \
        nlu-cli-test nlu-lint nlu-bench

# ---------------------------------------------------------------------------
# C library (golden NLU + crossbar model)
# ---------------------------------------------------------------------------
$(BUILD)/nlu/npe_nlu.o: driver/golden/npe_nlu.c $(NLU_C_HDRS)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) -c -o $@ $<
$(BUILD)/nlu/npe_xbar.o: sim/xbar/npe_xbar.c $(NLU_C_HDRS)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) -c -o $@ $<
$(BUILD)/san/nlu/npe_nlu.o: driver/golden/npe_nlu.c $(NLU_C_HDRS)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) $(SANFLAGS) -c -o $@ $<
$(BUILD)/san/nlu/npe_xbar.o: sim/xbar/npe_xbar.c $(NLU_C_HDRS)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) $(SANFLAGS) -c -o $@ $<

$(BUILD)/nlu/npe_energy.o: driver/src/npe_energy.c driver/include/npe.h $(wildcard driver/src/*.h)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) -Idriver/src -c -o $@ $<
$(BUILD)/san/nlu/npe_energy.o: driver/src/npe_energy.c driver/include/npe.h $(wildcard driver/src/*.h)
	@mkdir -p $(@D)
	$(CC) $(NLU_CFLAGS) -Idriver/src $(SANFLAGS) -c -o $@ $<

$(NLU_LIB): $(NLU_OBJS)
	rm -f $@ && ar rcs $@ $^
$(NLU_SAN_LIB): $(NLU_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------------------
# Check tests
# ---------------------------------------------------------------------------
$(BUILD)/nlu/test_nlu: $(NLU_TEST_SRCS) $(NLU_TEST_HDRS) $(NLU_LINK)
	$(CC) $(NLU_CFLAGS) $(CHECK_CFLAGS) -o $@ $(NLU_TEST_SRCS) $(NLU_LINK) $(CHECK_LIBS) -lm
$(BUILD)/san/nlu/test_nlu: $(NLU_TEST_SRCS) $(NLU_TEST_HDRS) $(NLU_SAN_LINK)
	$(CC) $(NLU_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(NLU_TEST_SRCS) $(NLU_SAN_LINK) $(CHECK_LIBS) -lm

nlu-unit-test: $(BUILD)/nlu/test_nlu
	$(BUILD)/nlu/test_nlu

nlu-san-test: $(BUILD)/san/nlu/test_nlu
	CK_FORK=no $(BUILD)/san/nlu/test_nlu

# ---------------------------------------------------------------------------
# nlu-report (standalone until the lead wires `npe nlu-report` into npe)
# ---------------------------------------------------------------------------
$(BUILD)/nlu/npe-nlu-report: $(NLU_CLI_SRCS) $(NLU_CLI_HDRS) $(NLU_LINK)
	$(CC) $(NLU_CFLAGS) -o $@ $(NLU_CLI_SRCS) $(NLU_LINK) -lm
$(BUILD)/san/nlu/npe-nlu-report: $(NLU_CLI_SRCS) $(NLU_CLI_HDRS) $(NLU_SAN_LINK)
	$(CC) $(NLU_CFLAGS) $(SANFLAGS) -o $@ $(NLU_CLI_SRCS) $(NLU_SAN_LINK) -lm

nlu-cli-test: $(BUILD)/nlu/npe-nlu-report $(BUILD)/san/nlu/npe-nlu-report
	tests/nlu/test_nlu_cli.sh $(BUILD)/nlu/npe-nlu-report
	tests/nlu/test_nlu_cli.sh $(BUILD)/san/nlu/npe-nlu-report

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

$(NLU_TB): tests/nlu/tb_nlu.cpp $(NLU_VL_DIR)/Vnpe_nlu__ALL.a $(BUILD)/nlu/verilated.o \
           $(BUILD)/nlu/verilated_threads.o $(NLU_LINK)
	$(CXX) $(NLU_TB_CXX) -o $@ tests/nlu/tb_nlu.cpp $(NLU_VL_DIR)/Vnpe_nlu__ALL.a \
	  $(BUILD)/nlu/verilated.o $(BUILD)/nlu/verilated_threads.o $(NLU_LINK) \
	  -lstdc++ -lpthread -lm

nlu-rtl-test: $(NLU_TB)
	$(NLU_TB)

$(BUILD)/nlu/gen_nlu_vectors: tests/nlu/gen_nlu_vectors.c $(NLU_LINK)
	$(CC) $(NLU_CFLAGS) -o $@ $< $(NLU_LINK) -lm

nlu-iverilog-test: $(BUILD)/nlu/gen_nlu_vectors $(NLU_RTL) tests/nlu/tb_nlu_iv.sv
	$(BUILD)/nlu/gen_nlu_vectors $(BUILD)/nlu/iv
	iverilog -g2012 -o $(BUILD)/nlu/iv/tb_nlu_iv.vvp tests/nlu/tb_nlu_iv.sv $(NLU_RTL)
	cd $(BUILD)/nlu/iv && vvp -n tb_nlu_iv.vvp

nlu-lint:
	verilator --lint-only -Wall --top-module npe_nlu $(NLU_RTL)

nlu-test: nlu-lint nlu-unit-test nlu-san-test nlu-rtl-test nlu-iverilog-test nlu-cli-test
	@echo "nlu-test: all NLU tests passed"

# ---------------------------------------------------------------------------
# Benchmarks
# ---------------------------------------------------------------------------
$(BUILD)/nlu/bench_xbar: tests/nlu/bench_xbar.c $(NLU_LINK)
	$(CC) $(NLU_CFLAGS) -o $@ $< $(NLU_LINK) -lm

nlu-bench: $(NLU_TB) $(BUILD)/nlu/bench_xbar
	$(NLU_TB) --bench
	$(BUILD)/nlu/bench_xbar
