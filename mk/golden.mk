# SPDX-License-Identifier: Apache-2.0
# mk/golden.mk - golden/: the golden format library (formats, quire, packing,
# quantisers, metrics, NLU tables, the recurrence unit), the bottom layer everything is checked
# against; its tests (tests/golden) and its bench. Included by the top
# Makefile; compiled with golden/include alone on the include path.
#
#   make golden-test      Check tests: every vector, round trips, quire, packing, NLU tables,
#                         the recurrence unit's DIAG step
#   make golden-san-test  the same under ASan+UBSan, on the portable (no __int128) path
#   make golden-bench     BENCH lines of the golden library
#   (old names: unit-test = golden-test, san-test = golden-san-test)

GOLDEN_CORE := npe_format npe_dot npe_pack npe_quant npe_golden_matmul npe_recur
# host only: libm
GOLDEN_HOST := npe_metrics npe_nlu

GOLDEN_LIB     := $(BUILD)/golden/libnpegolden.a
GOLDEN_SAN_LIB := $(BUILD)/san/golden/libnpegolden.a
GOLDEN_TABLES  := $(BUILD)/golden/npe_tables.c
GOLDEN_HDRS    := $(wildcard golden/include/*.h) golden/src/npe_golden_int.h
GOLDEN_CFLAGS  := $(CFLAGS_BASE) $(GOLDEN_INC)

GOLDEN_OBJS     := $(patsubst %,$(BUILD)/golden/%.o,$(GOLDEN_CORE) $(GOLDEN_HOST) npe_tables)
GOLDEN_SAN_OBJS := $(patsubst %,$(BUILD)/san/golden/%.o,$(GOLDEN_CORE) $(GOLDEN_HOST) npe_tables)

.PHONY: golden-test golden-san-test golden-bench unit-test san-test

$(BUILD)/tools/gen_tables: tools/gen_tables/gen_tables.c golden/src/npe_format.c $(GOLDEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -o $@ tools/gen_tables/gen_tables.c golden/src/npe_format.c

$(GOLDEN_TABLES): $(BUILD)/tools/gen_tables
	$(BUILD)/tools/gen_tables $@

$(BUILD)/golden/%.o: golden/src/%.c $(GOLDEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -c -o $@ $<

$(BUILD)/golden/npe_tables.o: $(GOLDEN_TABLES)
	$(CC) $(GOLDEN_CFLAGS) -Igolden/src -c -o $@ $<

# The sanitizer build also takes the portable (no __int128) path, the one
# 32-bit firmware uses, so both paths run in `make test`.
$(BUILD)/san/golden/%.o: golden/src/%.c $(GOLDEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) $(SANFLAGS) -DNPE_NO_INT128 -c -o $@ $<

$(BUILD)/san/golden/npe_tables.o: $(GOLDEN_TABLES)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -Igolden/src $(SANFLAGS) -c -o $@ $<

$(GOLDEN_LIB): $(GOLDEN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(GOLDEN_SAN_LIB): $(GOLDEN_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------------------
# Tests (tests/golden)
# ---------------------------------------------------------------------------
GOLDEN_TEST_SRCS := tests/golden/test_main.c tests/golden/test_format.c \
                    tests/golden/test_quire.c tests/golden/test_pack.c \
                    tests/golden/test_nlu_table.c tests/golden/test_recur.c \
                    tests/golden/vectors.c
GOLDEN_TEST_HDRS := tests/golden/unit.h

$(BUILD)/tests/golden: $(GOLDEN_TEST_SRCS) $(GOLDEN_TEST_HDRS) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) $(CHECK_CFLAGS) -o $@ $(GOLDEN_TEST_SRCS) $(GOLDEN_LIB) $(CHECK_LIBS) -lm

$(BUILD)/san/tests/golden: $(GOLDEN_TEST_SRCS) $(GOLDEN_TEST_HDRS) $(GOLDEN_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(GOLDEN_TEST_SRCS) $(GOLDEN_SAN_LIB) \
	  $(CHECK_LIBS) -lm

golden-test: check-deps-test $(BUILD)/tests/golden
	NPE_VECTORS=tests/vectors $(BUILD)/tests/golden

# CK_FORK=no keeps the sanitizers' reports in one process.
golden-san-test: check-deps-test $(BUILD)/san/tests/golden
	timeout $(TEST_TIMEOUT) env CK_FORK=no NPE_VECTORS=tests/vectors $(BUILD)/san/tests/golden

unit-test: golden-test
san-test: golden-san-test

# ---------------------------------------------------------------------------
# Bench
# ---------------------------------------------------------------------------
$(BUILD)/bench/bench_golden: tests/bench/bench_golden.c tests/bench/bench_util.h $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -O3 -o $@ $< $(GOLDEN_LIB) -lm

golden-bench: $(BUILD)/bench/bench_golden
	$(BUILD)/bench/bench_golden

TEST_TARGETS  += golden-test golden-san-test
BENCH_TARGETS += golden-bench
