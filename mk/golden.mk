# SPDX-License-Identifier: Apache-2.0
# mk/golden.mk - golden/: the golden format library (formats, quire, packing,
# quantisers, metrics, NLU tables, the recurrence unit), the bottom layer everything is checked
# against; its tests (tests/golden) and its bench. Included by the top
# Makefile; compiled with golden/include alone on the include path.
#
#   make golden-test      Check tests: every vector, round trips, quire, packing, NLU tables,
#                         the recurrence unit (DIAG step; GRU / LSTM sigmoid, tanh, cells, sequence)
#   make golden-san-test  the same under ASan+UBSan, on the portable (no __int128) path
#   make golden-bench     BENCH lines of the golden library
#   make recur-sig        rewrite rtl/engine/npe_recur_sig_pkg.sv, the RTL's copy of the
#                         recurrence unit's sigmoid table (tools/gen_tables/gen_recur_sig.c)
#   make recur-sig-check  fail if that file is stale or not lint-clean (verilator -Wall)
#   (old names: unit-test = golden-test, san-test = golden-san-test)

GOLDEN_CORE := npe_format npe_dot npe_pack npe_quant npe_golden_matmul npe_recur
# host only: libm
GOLDEN_HOST := npe_metrics npe_nlu npe_gla

GOLDEN_LIB     := $(BUILD)/golden/libnpegolden.a
GOLDEN_SAN_LIB := $(BUILD)/san/golden/libnpegolden.a
GOLDEN_TABLES  := $(BUILD)/golden/npe_tables.c
# the recurrence unit's sigmoid table: one generator for the golden model's
# copy (built, as npe_tables.c) and the RTL's (committed, checked for staleness)
RECUR_SIG_GEN  := $(BUILD)/tools/gen_recur_sig
RECUR_SIG_C    := $(BUILD)/golden/npe_recur_sig.c
RECUR_SIG_SV   := rtl/engine/npe_recur_sig_pkg.sv
GOLDEN_HDRS    := $(wildcard golden/include/*.h) golden/src/npe_golden_int.h
GOLDEN_CFLAGS  := $(CFLAGS_BASE) $(GOLDEN_INC)

GOLDEN_GEN      := npe_tables npe_recur_sig
GOLDEN_OBJS     := $(patsubst %,$(BUILD)/golden/%.o,$(GOLDEN_CORE) $(GOLDEN_HOST) $(GOLDEN_GEN))
GOLDEN_SAN_OBJS := $(patsubst %,$(BUILD)/san/golden/%.o,$(GOLDEN_CORE) $(GOLDEN_HOST) $(GOLDEN_GEN))

.PHONY: golden-test golden-san-test golden-bench unit-test san-test recur-sig recur-sig-check

$(BUILD)/tools/gen_tables: tools/gen_tables/gen_tables.c golden/src/npe_format.c $(GOLDEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -o $@ tools/gen_tables/gen_tables.c golden/src/npe_format.c

$(GOLDEN_TABLES): $(BUILD)/tools/gen_tables
	@mkdir -p $(@D)
	$(BUILD)/tools/gen_tables $@

$(RECUR_SIG_GEN): tools/gen_tables/gen_recur_sig.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) -o $@ $< -lm

$(RECUR_SIG_C): $(RECUR_SIG_GEN)
	@mkdir -p $(@D)
	$(RECUR_SIG_GEN) --c $@

$(BUILD)/golden/%.o: golden/src/%.c $(GOLDEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -c -o $@ $<

$(BUILD)/golden/npe_tables.o: $(GOLDEN_TABLES)
	$(CC) $(GOLDEN_CFLAGS) -Igolden/src -c -o $@ $<

$(BUILD)/golden/npe_recur_sig.o: $(RECUR_SIG_C)
	$(CC) $(GOLDEN_CFLAGS) -c -o $@ $<

# The sanitizer build also takes the portable (no __int128) path, the one
# 32-bit firmware uses, so both paths run in `make test`.
$(BUILD)/san/golden/%.o: golden/src/%.c $(GOLDEN_HDRS)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) $(SANFLAGS) -DNPE_NO_INT128 -c -o $@ $<

$(BUILD)/san/golden/npe_tables.o: $(GOLDEN_TABLES)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) -Igolden/src $(SANFLAGS) -c -o $@ $<

$(BUILD)/san/golden/npe_recur_sig.o: $(RECUR_SIG_C)
	@mkdir -p $(@D)
	$(CC) $(GOLDEN_CFLAGS) $(SANFLAGS) -c -o $@ $<

# ---------------------------------------------------------------------------
# The RTL's copy of the sigmoid table
# ---------------------------------------------------------------------------
recur-sig: $(RECUR_SIG_GEN)
	$(RECUR_SIG_GEN) --sv $(RECUR_SIG_SV)

# written under its own name, so the lint's file-name rule holds for both
recur-sig-check: $(RECUR_SIG_GEN)
	@mkdir -p $(BUILD)/recur_sig
	$(RECUR_SIG_GEN) --sv $(BUILD)/recur_sig/npe_recur_sig_pkg.sv
	@cmp -s $(BUILD)/recur_sig/npe_recur_sig_pkg.sv $(RECUR_SIG_SV) || \
	  { echo "recur-sig-check: $(RECUR_SIG_SV) is stale or edited; run make recur-sig"; exit 1; }
	$(VERILATOR) --lint-only -Wall $(RECUR_SIG_SV)
	@echo "recur-sig-check: $(RECUR_SIG_SV) is current and lint-clean"

$(GOLDEN_LIB): $(GOLDEN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(GOLDEN_SAN_LIB): $(GOLDEN_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------------------
# Tests (tests/golden)
# ---------------------------------------------------------------------------
GOLDEN_TEST_SRCS := tests/golden/test_main.c tests/golden/test_format.c \
                    tests/golden/test_quire.c tests/golden/test_pack.c \
                    tests/golden/test_nlu_table.c tests/golden/test_recur.c tests/golden/test_gla.c \
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

TEST_TARGETS  += golden-test golden-san-test recur-sig-check
BENCH_TARGETS += golden-bench
