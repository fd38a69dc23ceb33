# SPDX-License-Identifier: Apache-2.0
# mk/fuzz.mk - tests/fuzz: libFuzzer targets (Debian clang-14, libfuzzer-14-dev)
# for the parsers that take outside input: the .npy reader of the npe tool,
# libnpe's device URI parser, `npe format` input, the NLU table builder's
# inputs, the board link's reply parser. Each runs under ASan + UBSan; a crash, a leak or a broken
# property of the target (abort()) is a failure. Included by the top
# Makefile after mk/cli.mk.
#
#   make fuzz         each target for FUZZ_SECONDS (default 300) on a copy of
#                     its committed corpus; new inputs stay in build/fuzz/corpus
#   make fuzz-smoke   (in make test) replays every committed corpus file,
#                     regressions included, then FUZZ_SMOKE_SECONDS (default 3)
#                     of fuzzing per target
#
# tests/fuzz/corpus/<target>/ holds the seeds and, named regress-*, every
# input that once crashed a target (replayed by fuzz-smoke).

FUZZ_CC ?= clang-14
FUZZ_SECONDS ?= 300
FUZZ_SMOKE_SECONDS ?= 3
FUZZ_TARGETS := npy uri format nlu link
FUZZ_FLAGS := -std=c11 -Wall -Wextra -Werror -g -O1 -fsanitize=fuzzer,address,undefined \
              -fno-sanitize-recover=all -fno-omit-frame-pointer
# libFuzzer options of every run: quiet targets, artefacts under build/
FUZZ_RUN_OPTS = -close_fd_mask=3 -print_final_stats=1 -artifact_prefix=$(BUILD)/fuzz/artifacts/$*-

# what each target compiles with instrumentation (the rest of the golden
# library comes from $(GOLDEN_LIB))
FUZZ_SRCS_npy    := driver/cli/cli_npy.c
FUZZ_SRCS_uri    := driver/src/npe_uri.c driver/src/npe_transport_uart.c \
                    driver/src/npe_transport_ftdi.c driver/src/npe_transport_uio.c \
                    driver/src/npe_link.c
FUZZ_SRCS_format := driver/cli/cmd_format.c driver/cli/cli_data.c golden/src/npe_format.c \
                    golden/src/npe_dot.c
FUZZ_SRCS_nlu    := golden/src/npe_nlu.c
FUZZ_SRCS_link   := driver/src/npe_link.c

FUZZ_BINS := $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))

# (fuzz-smoke-<target> and fuzz-run-<target> are pattern rules, which
# .PHONY would switch off; no such files are ever made.)
.PHONY: fuzz fuzz-smoke fuzz-build check-deps-fuzz

check-deps-fuzz:
	@$(DEPS) fuzz

.SECONDEXPANSION:
$(BUILD)/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $$(FUZZ_SRCS_$$*) $(GOLDEN_LIB) $(CLI_HDRS) \
                      $(LIBNPE_HDRS) | check-deps-fuzz
	@mkdir -p $(@D) $(BUILD)/fuzz/artifacts
	$(FUZZ_CC) $(FUZZ_FLAGS) $(CLI_INC) $(FTDI_CFLAGS) -Igolden/src -o $@ $< $(FUZZ_SRCS_$*) \
	  $(GOLDEN_LIB) -lm $(FTDI_LIBS)

fuzz-build: $(FUZZ_BINS)

# Replays the committed corpus (each file once), then fuzzes a little from it.
fuzz-smoke-%: $(BUILD)/fuzz/fuzz_%
	@rm -rf $(BUILD)/fuzz/smoke/$* && mkdir -p $(BUILD)/fuzz/smoke/$*
	@$< $(FUZZ_RUN_OPTS) -runs=0 tests/fuzz/corpus/$* > $(BUILD)/fuzz/smoke/$*.replay.log 2>&1 || \
	  { tail -n 40 $(BUILD)/fuzz/smoke/$*.replay.log; echo "fuzz-smoke-$*: replay FAILED"; exit 1; }
	@$< $(FUZZ_RUN_OPTS) -max_total_time=$(FUZZ_SMOKE_SECONDS) $(BUILD)/fuzz/smoke/$* \
	  tests/fuzz/corpus/$* > $(BUILD)/fuzz/smoke/$*.log 2>&1 || \
	  { tail -n 40 $(BUILD)/fuzz/smoke/$*.log; echo "fuzz-smoke-$*: FAILED"; exit 1; }
	@echo "fuzz-smoke-$*: $$(ls tests/fuzz/corpus/$* | wc -l) corpus files replayed," \
	  "$$(sed -n 's/^stat::number_of_executed_units: *//p' $(BUILD)/fuzz/smoke/$*.log) runs" \
	  "in $(FUZZ_SMOKE_SECONDS) s, no failure"

fuzz-smoke: $(addprefix fuzz-smoke-,$(FUZZ_TARGETS))

fuzz-run-%: $(BUILD)/fuzz/fuzz_%
	@mkdir -p $(BUILD)/fuzz/corpus/$*
	$< $(FUZZ_RUN_OPTS) -max_total_time=$(FUZZ_SECONDS) $(BUILD)/fuzz/corpus/$* tests/fuzz/corpus/$*

fuzz: $(addprefix fuzz-run-,$(FUZZ_TARGETS))

TEST_TARGETS += fuzz-smoke
