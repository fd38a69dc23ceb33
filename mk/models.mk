# SPDX-License-Identifier: Apache-2.0
# mk/models.mk - models/: pure models and data between the golden library
# and the simulator/driver: the per-event energy table (models/energy) and
# the analog crossbar tile model (models/xbar), as libnpemodels.a; their
# tests (tests/models) and the crossbar model's bench. Included by the top
# Makefile; compiled with golden/ and models/ alone on the include path.
#
#   make models-test   Check tests of the crossbar model and its energies (plain and ASan+UBSan)
#   make models-bench  BENCH lines: 64x64 crossbar versus digital mat-vec latency and energy

MODELS_SRCS := models/energy/npe_energy.c models/xbar/npe_xbar.c
MODELS_HDRS := $(wildcard models/*/*.h) $(GOLDEN_HDRS)
MODELS_CFLAGS := $(CFLAGS_BASE) $(MODELS_INC)
MODELS_LIB     := $(BUILD)/models/libnpemodels.a
MODELS_SAN_LIB := $(BUILD)/san/models/libnpemodels.a
MODELS_OBJS     := $(patsubst models/%.c,$(BUILD)/models/%.o,$(MODELS_SRCS))
MODELS_SAN_OBJS := $(patsubst models/%.c,$(BUILD)/san/models/%.o,$(MODELS_SRCS))

.PHONY: models-test models-bench

$(BUILD)/models/%.o: models/%.c $(MODELS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(MODELS_CFLAGS) -c -o $@ $<

$(BUILD)/san/models/%.o: models/%.c $(MODELS_HDRS)
	@mkdir -p $(@D)
	$(CC) $(MODELS_CFLAGS) $(SANFLAGS) -c -o $@ $<

$(MODELS_LIB): $(MODELS_OBJS)
	rm -f $@ && ar rcs $@ $^

$(MODELS_SAN_LIB): $(MODELS_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------------------
# Tests (tests/models)
# ---------------------------------------------------------------------------
MODELS_TEST_SRCS := tests/models/test_main.c tests/models/test_xbar.c
MODELS_TEST_HDRS := tests/models/models_test.h

$(BUILD)/tests/models: $(MODELS_TEST_SRCS) $(MODELS_TEST_HDRS) $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(MODELS_CFLAGS) $(CHECK_CFLAGS) -o $@ $(MODELS_TEST_SRCS) $(MODELS_LIB) $(GOLDEN_LIB) \
	  $(CHECK_LIBS) -lm

$(BUILD)/san/tests/models: $(MODELS_TEST_SRCS) $(MODELS_TEST_HDRS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(MODELS_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(MODELS_TEST_SRCS) $(MODELS_SAN_LIB) \
	  $(GOLDEN_SAN_LIB) $(CHECK_LIBS) -lm

models-test: check-deps-test $(BUILD)/tests/models $(BUILD)/san/tests/models
	$(BUILD)/tests/models
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/models

# ---------------------------------------------------------------------------
# Bench
# ---------------------------------------------------------------------------
$(BUILD)/bench/bench_xbar_model: tests/bench/bench_xbar_model.c $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(MODELS_CFLAGS) -o $@ $< $(MODELS_LIB) $(GOLDEN_LIB) -lm

models-bench: $(BUILD)/bench/bench_xbar_model
	$(BUILD)/bench/bench_xbar_model

TEST_TARGETS  += models-test
BENCH_TARGETS += models-bench
