# SPDX-License-Identifier: Apache-2.0
# mk/engine_test.mk - tests/engine: the engine through libnpesim and the
# driver's tiler, ring and sim transport (Check): shapes x formats,
# back-pressure, CSRs, bad descriptors, DMA window and faults, NLU and XBAR
# opcodes. Included by the top Makefile after mk/sim_lib.mk.
#
#   make engine-test   plain, and the C side under ASan+UBSan
#   make recur-test    the recurrence unit (RECUR), the same two ways
#   make recur-cell-test  its GRU and LSTM modes, the same two ways
#   make soak          SOAK_SECONDS (600) of random jobs, injected bus errors,
#                      soft resets mid-job and bad descriptors at random memory
#                      timing (seed SOAK_SEED, default the time); BENCH lines
#   make soak-smoke    the same for 20 s with a fixed seed (part of make test)

DRIVER_CORE_SRCS := driver/src/npe_tiler.c driver/src/npe_ring.c
DRIVER_SIM_SRCS  := driver/src/npe_transport_sim.c
# the driver's include path (its sources are compiled here directly)
DRIVER_CFLAGS    := $(CFLAGS_BASE) $(DRIVER_INC)
ENGINE_TEST_SRCS := tests/engine/test_engine.c tests/golden/vectors.c
ENGINE_TEST_HDRS := tests/engine/engine_harness.h

$(BUILD)/tests/engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                       $(wildcard driver/src/*.h) $(ENGINE_TEST_HDRS) $(GOLDEN_LIB) $(MODELS_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

# The C side (tiler, ring, transport, models, golden, test) also under
# ASan+UBSan; the Verilated model stays uninstrumented.
$(BUILD)/san/tests/engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                           $(wildcard driver/src/*.h) $(GOLDEN_SAN_LIB) $(MODELS_SAN_LIB) \
                           $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) \
	  $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB) \
	  $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: engine-test
engine-test: $(BUILD)/tests/engine $(BUILD)/san/tests/engine
	$(BUILD)/tests/engine
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/engine

TEST_TARGETS += engine-test

# The soak (test_engine.c, tcase "soak", present only with NPE_SOAK_SECONDS)
SOAK_SECONDS ?= 600
SOAK_SEED    ?= $(shell date +%s)
.PHONY: soak soak-smoke
soak: $(BUILD)/tests/engine
	NPE_SOAK_SECONDS=$(SOAK_SECONDS) NPE_SOAK_SEED=$(SOAK_SEED) CK_RUN_CASE=soak $(BUILD)/tests/engine

soak-smoke: $(BUILD)/tests/engine
	@NPE_SOAK_SECONDS=20 NPE_SOAK_SEED=1 CK_RUN_CASE=soak $(BUILD)/tests/engine \
	  > $(BUILD)/soak-smoke.log 2>&1; rc=$$?; grep -v '^BENCH' $(BUILD)/soak-smoke.log; exit $$rc

TEST_TARGETS += soak-smoke

# The recurrence unit at the descriptor level (tests/engine/test_recur.c):
# RECUR against the golden model, plain and under ASan+UBSan.
RECUR_TEST_SRCS := tests/engine/test_recur.c

$(BUILD)/tests/engine_recur: $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                             $(wildcard driver/src/*.h) $(ENGINE_TEST_HDRS) $(GOLDEN_LIB) $(MODELS_LIB) \
                             $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

$(BUILD)/san/tests/engine_recur: $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                                 $(wildcard driver/src/*.h) $(GOLDEN_SAN_LIB) $(MODELS_SAN_LIB) \
                                 $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_TEST_SRCS) \
	  $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB) \
	  $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: recur-test
recur-test: $(BUILD)/tests/engine_recur $(BUILD)/san/tests/engine_recur
	$(BUILD)/tests/engine_recur
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/engine_recur

TEST_TARGETS += recur-test

# The GRU and LSTM modes (tests/engine/test_recur_cell.c), the same two ways.
RECUR_CELL_TEST_SRCS := tests/engine/test_recur_cell.c

$(BUILD)/tests/engine_recur_cell: $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                                  $(wildcard driver/src/*.h) $(ENGINE_TEST_HDRS) $(GOLDEN_LIB) \
                                  $(MODELS_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

$(BUILD)/san/tests/engine_recur_cell: $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) \
                                      $(DRIVER_SIM_SRCS) $(wildcard driver/src/*.h) \
                                      $(GOLDEN_SAN_LIB) $(MODELS_SAN_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_CELL_TEST_SRCS) \
	  $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB) \
	  $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: recur-cell-test
recur-cell-test: $(BUILD)/tests/engine_recur_cell $(BUILD)/san/tests/engine_recur_cell
	$(BUILD)/tests/engine_recur_cell
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/engine_recur_cell

TEST_TARGETS += recur-cell-test

# ---------------------------------------------------------------------------
# The engine build with a planted bug: npe_top Verilated with
# NPE_PLANT_BUG_SCOREBOARD (npe_cmd's scoreboard forgets the output
# buffers), the same harness, the engine test's first case. The run must
# die on one of npe_cmd's assertions ("Assertion failed"): assertions are on
# in the engine build and a failing one fails the test run.
# ---------------------------------------------------------------------------
SIM_PLANT := $(BUILD)/sim_planted

$(SIM_PLANT)/obj/Vnpe_top__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT) $(SIM_VL_STAMP)
	@$(DEPS) verilator
	@rm -rf $(SIM_PLANT)/obj && mkdir -p $(SIM_PLANT)/obj
	verilator --cc -O1 $(SIM_VL_TRACE) --x-assign unique --x-initial unique --assert \
	  +define+NPE_ASSERT +define+NPE_XBAR_DPI +define+NPE_PLANT_BUG_SCOREBOARD \
	  +define+NPE_PLANT_BUG_RECUR_ROUND +define+NPE_PLANT_BUG_RECUR_SIGMOID +define+NPE_PLANT_BUG_KSPLIT \
	  +define+NPE_PLANT_BUG_SHERRY +define+NPE_PLANT_BUG_B_OFFSET -GUnitClockGates=1\'b1 -GCheckOnce=1\'b1 \
	  --top-module npe_top -Mdir $(SIM_PLANT)/obj $(ENGINE_VLT) $(ENGINE_RTL)
	$(MAKE) -s -C $(SIM_PLANT)/obj -f Vnpe_top.mk Vnpe_top__ALL.a OPT_FAST=-O1 OPT_SLOW=-O0

SIM_PLANT_CXXFLAGS := $(subst -I$(SIM_OBJ),-I$(SIM_PLANT)/obj,$(SIM_CXXFLAGS))

$(SIM_PLANT)/npesim.o: sim/npesim.cpp $(SIM_PLANT)/obj/Vnpe_top__ALL.a $(SIM_BUILD)/npesim.o
	$(CXX) $(SIM_PLANT_CXXFLAGS) $(SIM_BOARD_INC) -DNPESIM_SMALL_ROWS=$(call lite_val,Rows) \
	  -DNPESIM_SMALL_COLS=$(call lite_val,Cols) -DNPESIM_SMALL_A_BANK_WORDS=$(call lite_val,ABankWords) \
	  -DNPESIM_SMALL_B_BANK_WORDS=$(call lite_val,BBankWords) \
	  -DNPESIM_SMALL_OUT_GROUPS=$(call lite_val,OutGroups) -c -o $@ $<

$(SIM_PLANT)/npesim_xbar.o: sim/npesim_xbar.cpp $(SIM_PLANT)/obj/Vnpe_top__ALL.a
	$(CXX) $(SIM_PLANT_CXXFLAGS) -c -o $@ $<

$(SIM_PLANT)/test_engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                          $(SIM_PLANT)/npesim.o $(SIM_PLANT)/npesim_xbar.o $(SIM_BUILD)/libnpesim.a \
                          $(GOLDEN_LIB) $(MODELS_LIB)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_PLANT)/npesim.o $(SIM_PLANT)/npesim_xbar.o \
	  $(SIM_BUILD)/axi_mem.o $(SIM_BUILD)/verilated.o $(SIM_BUILD)/verilated_threads.o \
	  $(SIM_BUILD)/verilated_fst_c.o $(SIM_PLANT)/obj/Vnpe_top__ALL.a \
	  $(SIM_BOARD_MODELS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: engine-assert-test
engine-assert-test: $(SIM_PLANT)/test_engine
	@if CK_RUN_CASE=matmul $(SIM_PLANT)/test_engine > $(SIM_PLANT)/run.log 2>&1; then \
	  echo "engine-assert-test: FAIL: the planted scoreboard bug went unnoticed"; exit 1; \
	elif grep -q "Assertion failed" $(SIM_PLANT)/run.log; then \
	  echo "engine-assert-test: planted bug caught in the engine build: $$(grep -m1 'Assertion failed' $(SIM_PLANT)/run.log)"; \
	else echo "engine-assert-test: FAIL: the run failed but no assertion fired"; \
	  cat $(SIM_PLANT)/run.log; exit 1; fi

TEST_TARGETS += engine-assert-test

# The same planted build starts ACCUM MATMULs from zero
# (NPE_PLANT_BUG_KSPLIT): the K-tile test must see it.
.PHONY: ksplit-plant-test
ksplit-plant-test: $(SIM_PLANT)/test_engine
	@if CK_RUN_CASE=ksplit $(SIM_PLANT)/test_engine > $(SIM_PLANT)/ksplit.log 2>&1; then \
	  echo "ksplit-plant-test: FAIL: the planted ACCUM bug went unnoticed"; exit 1; \
	elif grep -q "k tiles .* golden" $(SIM_PLANT)/ksplit.log; then \
	  echo "ksplit-plant-test: planted bug caught: $$(grep -m1 -o 'k tiles .*' $(SIM_PLANT)/ksplit.log)"; \
	else echo "ksplit-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT)/ksplit.log; exit 1; fi

TEST_TARGETS += ksplit-plant-test

# The same planted build decodes the third non-zero weight of a Sherry
# group with the second's sign flip (NPE_PLANT_BUG_SHERRY): the Sherry
# tests must see it in a result.
.PHONY: sherry-plant-test
sherry-plant-test: $(SIM_PLANT)/test_engine
	@if CK_RUN_CASE=sherry $(SIM_PLANT)/test_engine > $(SIM_PLANT)/sherry.log 2>&1; then \
	  echo "sherry-plant-test: FAIL: the planted Sherry decode bug went unnoticed"; exit 1; \
	elif grep -q "ternary -> .*golden" $(SIM_PLANT)/sherry.log; then \
	  echo "sherry-plant-test: planted bug caught: $$(grep -m1 -o 'int8 x ternary -> .*' $(SIM_PLANT)/sherry.log)"; \
	else echo "sherry-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT)/sherry.log; exit 1; fi

TEST_TARGETS += sherry-plant-test

# The same planted build drops the low bit of a MATMUL's SPAD_OFF
# (NPE_PLANT_BUG_B_OFFSET): the random-offset test must see it in a result.
# And the tiler planted instead (NPE_PLANT_BUG_TILER_B_OFF: n-block j of a
# resident-B stream reads block j - 1's rows), compiled into the engine test
# against the real engine: the resident-B test must see that too.
$(BUILD)/tests/engine_tiler_plant: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                       $(wildcard driver/src/*.h) $(ENGINE_TEST_HDRS) $(GOLDEN_LIB) $(MODELS_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) -DNPE_PLANT_BUG_TILER_B_OFF $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) \
	  $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) \
	  $(SIM_SYSLIBS)

.PHONY: b-offset-plant-test
b-offset-plant-test: $(SIM_PLANT)/test_engine $(BUILD)/tests/engine_tiler_plant
	@if CK_RUN_CASE=boffset $(SIM_PLANT)/test_engine > $(SIM_PLANT)/boffset.log 2>&1; then \
	  echo "b-offset-plant-test: FAIL: the planted SPAD_OFF bug went unnoticed"; exit 1; \
	elif grep -q "b offset .*golden" $(SIM_PLANT)/boffset.log; then \
	  echo "b-offset-plant-test: planted RTL bug caught: $$(grep -m1 -o 'b offset .*' $(SIM_PLANT)/boffset.log)"; \
	else echo "b-offset-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT)/boffset.log; exit 1; fi
	@if CK_RUN_CASE=boffset $(BUILD)/tests/engine_tiler_plant > $(BUILD)/tests/engine_tiler_plant.log 2>&1; then \
	  echo "b-offset-plant-test: FAIL: the planted tiler offset bug went unnoticed"; exit 1; \
	elif grep -q " -> .*golden" $(BUILD)/tests/engine_tiler_plant.log; then \
	  echo "b-offset-plant-test: planted tiler bug caught: $$(grep -m1 -o '[a-z0-9]* x [a-z0-9]* -> .*' $(BUILD)/tests/engine_tiler_plant.log)"; \
	else echo "b-offset-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(BUILD)/tests/engine_tiler_plant.log; exit 1; fi

TEST_TARGETS += b-offset-plant-test

# The same planted build rounds RECUR's ties up instead of to even
# (NPE_PLANT_BUG_RECUR_ROUND): the recurrence test must see it.
$(SIM_PLANT)/test_recur: $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                         $(SIM_PLANT)/npesim.o $(SIM_PLANT)/npesim_xbar.o $(SIM_BUILD)/libnpesim.a \
                         $(GOLDEN_LIB) $(MODELS_LIB)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_PLANT)/npesim.o $(SIM_PLANT)/npesim_xbar.o \
	  $(SIM_BUILD)/axi_mem.o $(SIM_BUILD)/verilated.o $(SIM_BUILD)/verilated_threads.o \
	  $(SIM_BUILD)/verilated_fst_c.o $(SIM_PLANT)/obj/Vnpe_top__ALL.a \
	  $(SIM_BOARD_MODELS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: recur-plant-test
recur-plant-test: $(SIM_PLANT)/test_recur
	@if CK_RUN_CASE=recur CK_RUN_SUITE=recur $(SIM_PLANT)/test_recur > $(SIM_PLANT)/recur.log 2>&1; then \
	  echo "recur-plant-test: FAIL: the planted rounding bug went unnoticed"; exit 1; \
	elif grep -q "got .*, want" $(SIM_PLANT)/recur.log; then \
	  echo "recur-plant-test: planted bug caught: $$(grep -m1 'got .*, want' $(SIM_PLANT)/recur.log | sed 's/.*recur_//')"; \
	else echo "recur-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT)/recur.log; exit 1; fi

TEST_TARGETS += recur-plant-test

# ... and rounds the GRU / LSTM sigmoid's interpolation ties down
# (NPE_PLANT_BUG_RECUR_SIGMOID): the cell test must see it.
$(SIM_PLANT)/test_recur_cell: $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                              $(SIM_PLANT)/npesim.o $(SIM_PLANT)/npesim_xbar.o $(SIM_BUILD)/libnpesim.a \
                              $(GOLDEN_LIB) $(MODELS_LIB)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_PLANT)/npesim.o $(SIM_PLANT)/npesim_xbar.o \
	  $(SIM_BUILD)/axi_mem.o $(SIM_BUILD)/verilated.o $(SIM_BUILD)/verilated_threads.o \
	  $(SIM_BUILD)/verilated_fst_c.o $(SIM_PLANT)/obj/Vnpe_top__ALL.a \
	  $(SIM_BOARD_MODELS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: recur-cell-plant-test
recur-cell-plant-test: $(SIM_PLANT)/test_recur_cell
	@if CK_RUN_CASE=recur_cell CK_RUN_SUITE=recur_cell CK_FORK=no $(SIM_PLANT)/test_recur_cell > $(SIM_PLANT)/recur_cell.log 2>&1; then \
	  echo "recur-cell-plant-test: FAIL: the planted sigmoid bug went unnoticed"; exit 1; \
	elif grep -q "got .*, want" $(SIM_PLANT)/recur_cell.log; then \
	  echo "recur-cell-plant-test: planted bug caught: $$(grep -m1 'got .*, want' $(SIM_PLANT)/recur_cell.log | sed 's/.*recur_cell://')"; \
	else echo "recur-cell-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT)/recur_cell.log; exit 1; fi

TEST_TARGETS += recur-cell-plant-test

# ---------------------------------------------------------------------------
# A second planted build, with only NPE_PLANT_BUG_RECUR_ROWSCALE (the
# recurrence unit applies rows 0 and 1's, and 2 and 3's, row scales to each
# other's rows) and NPE_PLANT_BUG_RECUR_HGRN (HGRN's c takes 1 - a instead
# of 1 - |a|): the ROWSCALE cases of the cell test must fail on a result,
# and so must the HGRN cases. A build of its own: the first planted build's
# sigmoid bug fails every GRU / LSTM / HGRN case by itself, so it could not
# show that these bugs are caught; the two bugs here touch disjoint modes.
# It also carries NPE_PLANT_BUG_SIM_ENABLE (sim-enable-plant-test, below),
# which touches only the NLU and crossbar units (the first build's
# scoreboard bug stops the NLU test on an assertion before any result),
# the recurrence unit's DIAG steps (the GRU / LSTM / HGRN cases are not
# touched by it) and npe_cmd's kept check results behind a NOP or FENCE.
# ---------------------------------------------------------------------------
SIM_PLANT_RS := $(BUILD)/sim_planted_rs

$(SIM_PLANT_RS)/obj/Vnpe_top__ALL.a: $(ENGINE_RTL) $(ENGINE_VLT) $(SIM_VL_STAMP)
	@$(DEPS) verilator
	@rm -rf $(SIM_PLANT_RS)/obj && mkdir -p $(SIM_PLANT_RS)/obj
	verilator --cc -O1 $(SIM_VL_TRACE) --x-assign unique --x-initial unique --assert \
	  +define+NPE_ASSERT +define+NPE_XBAR_DPI +define+NPE_PLANT_BUG_RECUR_ROWSCALE \
	  +define+NPE_PLANT_BUG_SIM_ENABLE +define+NPE_PLANT_BUG_RECUR_HGRN -GCheckOnce=1\'b1 \
	  --top-module npe_top -Mdir $(SIM_PLANT_RS)/obj $(ENGINE_VLT) $(ENGINE_RTL)
	$(MAKE) -s -C $(SIM_PLANT_RS)/obj -f Vnpe_top.mk Vnpe_top__ALL.a OPT_FAST=-O1 OPT_SLOW=-O0

SIM_PLANT_RS_CXXFLAGS := $(subst -I$(SIM_OBJ),-I$(SIM_PLANT_RS)/obj,$(SIM_CXXFLAGS))

$(SIM_PLANT_RS)/npesim.o: sim/npesim.cpp $(SIM_PLANT_RS)/obj/Vnpe_top__ALL.a $(SIM_BUILD)/npesim.o
	$(CXX) $(SIM_PLANT_RS_CXXFLAGS) $(SIM_BOARD_INC) -DNPESIM_SMALL_ROWS=$(call lite_val,Rows) \
	  -DNPESIM_SMALL_COLS=$(call lite_val,Cols) -DNPESIM_SMALL_A_BANK_WORDS=$(call lite_val,ABankWords) \
	  -DNPESIM_SMALL_B_BANK_WORDS=$(call lite_val,BBankWords) \
	  -DNPESIM_SMALL_OUT_GROUPS=$(call lite_val,OutGroups) -c -o $@ $<

$(SIM_PLANT_RS)/npesim_xbar.o: sim/npesim_xbar.cpp $(SIM_PLANT_RS)/obj/Vnpe_top__ALL.a
	$(CXX) $(SIM_PLANT_RS_CXXFLAGS) -c -o $@ $<

$(SIM_PLANT_RS)/test_recur_cell: $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                                 $(SIM_PLANT_RS)/npesim.o $(SIM_PLANT_RS)/npesim_xbar.o \
                                 $(SIM_BUILD)/libnpesim.a $(GOLDEN_LIB) $(MODELS_LIB)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_CELL_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_PLANT_RS)/npesim.o $(SIM_PLANT_RS)/npesim_xbar.o \
	  $(SIM_BUILD)/axi_mem.o $(SIM_BUILD)/verilated.o $(SIM_BUILD)/verilated_threads.o \
	  $(SIM_BUILD)/verilated_fst_c.o $(SIM_PLANT_RS)/obj/Vnpe_top__ALL.a \
	  $(SIM_BOARD_MODELS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

# Short: the first ROWSCALE case (every format pair) stops at its first
# wrong word. The cases without ROWSCALE must still pass on this build.
.PHONY: recur-rowscale-plant-test
recur-rowscale-plant-test: $(SIM_PLANT_RS)/test_recur_cell
	@if ! CK_RUN_CASE=recur_cell CK_RUN_SUITE=recur_cell CK_FORK=no \
	    $(SIM_PLANT_RS)/test_recur_cell > $(SIM_PLANT_RS)/plain.log 2>&1; then \
	  echo "recur-rowscale-plant-test: FAIL: the cases without ROWSCALE fail on this build"; \
	  cat $(SIM_PLANT_RS)/plain.log; exit 1; \
	elif CK_RUN_CASE=recur_cell_rowscale CK_RUN_SUITE=recur_cell CK_FORK=no \
	    $(SIM_PLANT_RS)/test_recur_cell > $(SIM_PLANT_RS)/rowscale.log 2>&1; then \
	  echo "recur-rowscale-plant-test: FAIL: the planted row scale bug went unnoticed"; exit 1; \
	elif grep -q "rowscale=1: .*got .*, want" $(SIM_PLANT_RS)/rowscale.log; then \
	  echo "recur-rowscale-plant-test: planted bug caught: $$(grep -m1 -o 'mode .*got .*, want .*' $(SIM_PLANT_RS)/rowscale.log)"; \
	else echo "recur-rowscale-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT_RS)/rowscale.log; exit 1; fi

TEST_TARGETS += recur-rowscale-plant-test

# The second planted build's NPE_PLANT_BUG_SIM_ENABLE: the NLU's binary32
# converters enabled on the first slot of each gathered batch only, the
# crossbar's sum conversion on row 0 only, the recurrence unit's record
# path (DIAG's step, the cell) on the cell's rows only, not on DIAG's
# steps, and npe_cmd's CheckOnce asking the units again after a pop that
# dispatched to a unit only (a descriptor queued behind a FENCE keeps the
# FENCE's empty check results). The enables that let Verilator skip that
# logic while it is unused (docs/ARCHITECTURE.md, "Simulation speed")
# must cover every cycle that uses it: the NLU, crossbar and bad
# descriptor tests of the engine test, and the recur test's DIAG cases,
# must all fail on a result.
$(SIM_PLANT_RS)/test_engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                             $(SIM_PLANT_RS)/npesim.o $(SIM_PLANT_RS)/npesim_xbar.o \
                             $(SIM_BUILD)/libnpesim.a $(GOLDEN_LIB) $(MODELS_LIB)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_PLANT_RS)/npesim.o $(SIM_PLANT_RS)/npesim_xbar.o \
	  $(SIM_BUILD)/axi_mem.o $(SIM_BUILD)/verilated.o $(SIM_BUILD)/verilated_threads.o \
	  $(SIM_BUILD)/verilated_fst_c.o $(SIM_PLANT_RS)/obj/Vnpe_top__ALL.a \
	  $(SIM_BOARD_MODELS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

$(SIM_PLANT_RS)/test_recur: $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                            $(SIM_PLANT_RS)/npesim.o $(SIM_PLANT_RS)/npesim_xbar.o \
                            $(SIM_BUILD)/libnpesim.a $(GOLDEN_LIB) $(MODELS_LIB)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(RECUR_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_PLANT_RS)/npesim.o $(SIM_PLANT_RS)/npesim_xbar.o \
	  $(SIM_BUILD)/axi_mem.o $(SIM_BUILD)/verilated.o $(SIM_BUILD)/verilated_threads.o \
	  $(SIM_BUILD)/verilated_fst_c.o $(SIM_PLANT_RS)/obj/Vnpe_top__ALL.a \
	  $(SIM_BOARD_MODELS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: sim-enable-plant-test
sim-enable-plant-test: $(SIM_PLANT_RS)/test_engine $(SIM_PLANT_RS)/test_recur
	@if CK_RUN_CASE=bus $(SIM_PLANT_RS)/test_engine > $(SIM_PLANT_RS)/sim_enable.log 2>&1; then \
	  echo "sim-enable-plant-test: FAIL: the planted enable bugs went unnoticed"; exit 1; \
	elif grep -q ":F:bus:nlu_after_matmul:.*NLU B=.*golden" $(SIM_PLANT_RS)/sim_enable.log && \
	     grep -q ":F:bus:xbar_program_and_run:.*model" $(SIM_PLANT_RS)/sim_enable.log && \
	     grep -q ":F:bus:bad_descriptors:.*queued behind a FENCE: .*want" $(SIM_PLANT_RS)/sim_enable.log; then \
	  echo "sim-enable-plant-test: planted bugs caught: $$(grep -m1 -o 'NLU B=.*' $(SIM_PLANT_RS)/sim_enable.log);" \
	    "$$(grep -m1 -o 'XBAR .*' $(SIM_PLANT_RS)/sim_enable.log);" \
	    "$$(grep -m1 -o 'queued behind a FENCE: .*' $(SIM_PLANT_RS)/sim_enable.log)"; \
	else echo "sim-enable-plant-test: FAIL: the run failed, but not on all three results"; \
	  cat $(SIM_PLANT_RS)/sim_enable.log; exit 1; fi
	@if CK_RUN_SUITE=recur CK_RUN_CASE=recur CK_FORK=no \
	    $(SIM_PLANT_RS)/test_recur > $(SIM_PLANT_RS)/sim_enable_recur.log 2>&1; then \
	  echo "sim-enable-plant-test: FAIL: the planted recur enable bug went unnoticed"; exit 1; \
	elif grep -q ":F:recur:recur_bit_exact_shapes:.*element .*got .*, want" \
	    $(SIM_PLANT_RS)/sim_enable_recur.log; then \
	  echo "sim-enable-plant-test: planted recur bug caught: $$(grep -m1 -o 'H=.*got .*, want .*' \
	    $(SIM_PLANT_RS)/sim_enable_recur.log)"; \
	else echo "sim-enable-plant-test: FAIL: the recur run failed, but not on a result"; \
	  cat $(SIM_PLANT_RS)/sim_enable_recur.log; exit 1; fi

TEST_TARGETS += sim-enable-plant-test
# The same build's HGRN bug: the HGRN cases (tcase recur_cell_hgrn) must
# fail on a result (a negative a gives a wrong c); the GRU / LSTM cases pass
# on this build (recur-rowscale-plant-test runs them).
.PHONY: recur-hgrn-plant-test
recur-hgrn-plant-test: $(SIM_PLANT_RS)/test_recur_cell
	@if CK_RUN_CASE=recur_cell_hgrn CK_RUN_SUITE=recur_cell CK_FORK=no \
	    $(SIM_PLANT_RS)/test_recur_cell > $(SIM_PLANT_RS)/hgrn.log 2>&1; then \
	  echo "recur-hgrn-plant-test: FAIL: the planted HGRN bug went unnoticed"; exit 1; \
	elif grep -q "hgrn H=.*got .*, want" $(SIM_PLANT_RS)/hgrn.log; then \
	  echo "recur-hgrn-plant-test: planted bug caught: $$(grep -m1 -o 'hgrn H=.*got .*, want .*' $(SIM_PLANT_RS)/hgrn.log)"; \
	else echo "recur-hgrn-plant-test: FAIL: the run failed, but not on a result"; \
	  cat $(SIM_PLANT_RS)/hgrn.log; exit 1; fi

TEST_TARGETS += recur-hgrn-plant-test
