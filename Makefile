# NPE - top-level Makefile: the one entry point.
#
#   make          build the golden library and the npe tool
#   make test     every test (unit, sanitizers, CLI, RTL); what CI runs
#   make demo     the main job on the built-in simulator
#   make bench    benchmarks, one "BENCH <name> <value> <unit>" line each
#   make lint     verilator --lint-only -Wall on the RTL
#   make deps     install the Debian packages (as root) or print the command
#
# Outputs go under $(BUILD)/ and stay out of git.

BUILD ?= build
CC ?= cc
PREFIX ?= /usr/local

DEB_PKGS := gcc g++ make pkg-config check verilator iverilog yosys \
            nextpnr-ice40 fpga-icestorm openfpgaloader libftdi1-dev python3 zlib1g-dev \
            gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf

WARN    := -Wall -Wextra -Werror
CSTD    := -std=c11
OPT     ?= -O2
CFLAGS_ALL := $(CSTD) $(WARN) $(OPT) -g -Idriver/include -Idriver/golden
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)
DEPS := tools/check_deps.sh


.PHONY: all test demo bench lint deps clean install print-deb-pkgs install-test check-deps-sim unit-test san-test \
        cli-test golden-bench check-deps-test
.DEFAULT_GOAL := all

# ---------------------------------------------------------------------------
# Golden format library
# ---------------------------------------------------------------------------
GOLDEN_CORE := npe_format npe_dot npe_pack npe_quant npe_golden_matmul
GOLDEN_HOST := npe_metrics

GOLDEN_LIB     := $(BUILD)/golden/libnpegolden.a
GOLDEN_SAN_LIB := $(BUILD)/san/golden/libnpegolden.a
GOLDEN_TABLES  := $(BUILD)/golden/npe_tables.c

GOLDEN_OBJS     := $(patsubst %,$(BUILD)/golden/%.o,$(GOLDEN_CORE) $(GOLDEN_HOST) npe_tables)
GOLDEN_SAN_OBJS := $(patsubst %,$(BUILD)/san/golden/%.o,$(GOLDEN_CORE) $(GOLDEN_HOST) npe_tables)

$(BUILD)/tools/gen_tables: tools/gen_tables/gen_tables.c driver/golden/npe_format.c \
                           driver/golden/npe_golden_int.h driver/include/npe_format.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -o $@ tools/gen_tables/gen_tables.c driver/golden/npe_format.c

$(GOLDEN_TABLES): $(BUILD)/tools/gen_tables
	$(BUILD)/tools/gen_tables $@

$(BUILD)/golden/%.o: driver/golden/%.c driver/golden/npe_golden_int.h driver/include/npe_format.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

$(BUILD)/golden/npe_tables.o: $(GOLDEN_TABLES)
	$(CC) $(CFLAGS_ALL) -c -o $@ $<

# The sanitizer build also takes the portable (no __int128) path, the one
# 32-bit firmware uses, so both paths run in `make test`.
$(BUILD)/san/golden/%.o: driver/golden/%.c driver/golden/npe_golden_int.h driver/include/npe_format.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) -DNPE_NO_INT128 -c -o $@ $<

$(BUILD)/san/golden/npe_tables.o: $(GOLDEN_TABLES)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) -c -o $@ $<

$(GOLDEN_LIB): $(GOLDEN_OBJS)
	rm -f $@ && ar rcs $@ $^

$(GOLDEN_SAN_LIB): $(GOLDEN_SAN_OBJS)
	rm -f $@ && ar rcs $@ $^

# ---------------------------------------------------------------------------
# npe command-line tool
# ---------------------------------------------------------------------------
CLI_SRCS := driver/cli/npe.c driver/cli/cmd_format.c driver/cli/cmd_nlu.c driver/cli/cmd_matmul.c \
            driver/cli/cli_info.c driver/cli/cli_npy.c driver/cli/cli_data.c driver/cli/cli_report.c
CLI_HDRS := driver/cli/npe_cli.h driver/cli/npe_cli_nlu.h

# Fragments of the parts (RTL units, engine, ...) add their own targets and
# may append to CLI_SRCS, TEST_TARGETS and BENCH_TARGETS.
TEST_TARGETS := regmap-check axi-test cmd-test engine-lint engine-yosys-check engine-test driver-test nlu-test
BENCH_TARGETS := nlu-bench
# Order matters: sim.mk defines what driver.mk uses.
-include mk/engine.mk mk/pe.mk mk/nlu.mk mk/sim.mk mk/driver.mk mk/engine_port.mk mk/fpga.mk mk/rtl_cmd.mk
NPE_BIN     := $(BUILD)/bin/npe
NPE_SAN_BIN := $(BUILD)/san/bin/npe

$(NPE_BIN): $(CLI_SRCS) $(CLI_HDRS) $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isim/xbar -o $@ $(CLI_SRCS) $(LIBNPE) $(LIBNPE_DEPLIBS)

$(NPE_SAN_BIN): $(CLI_SRCS) $(CLI_HDRS) $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) -Isim/xbar -o $@ $(CLI_SRCS) $(LIBNPE_SAN) $(LIBNPE_DEPLIBS)

all: $(GOLDEN_LIB) $(NPE_BIN)

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
UNIT_SRCS := tests/unit/test_main.c tests/unit/test_format.c tests/unit/test_quire.c \
             tests/unit/test_pack.c tests/unit/vectors.c
UNIT_HDRS := tests/unit/unit.h

$(BUILD)/tests/unit: $(UNIT_SRCS) $(UNIT_HDRS) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -o $@ $(UNIT_SRCS) $(GOLDEN_LIB) $(CHECK_LIBS) -lm

$(BUILD)/san/tests/unit: $(UNIT_SRCS) $(UNIT_HDRS) $(GOLDEN_SAN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(UNIT_SRCS) $(GOLDEN_SAN_LIB) $(CHECK_LIBS) -lm

check-deps-test:
	@$(DEPS) c check verilator iverilog python3 zlib

unit-test: check-deps-test $(BUILD)/tests/unit
	NPE_VECTORS=tests/vectors $(BUILD)/tests/unit

# CK_FORK=no keeps the sanitizers' reports in one process.
san-test: check-deps-test $(BUILD)/san/tests/unit
	CK_FORK=no NPE_VECTORS=tests/vectors $(BUILD)/san/tests/unit

cli-test: $(NPE_BIN) $(NPE_SAN_BIN)
	tests/cli/test_format_cli.sh $(NPE_BIN)
	tests/cli/test_format_cli.sh $(NPE_SAN_BIN)
	tests/cli/test_matmul_cli.sh $(NPE_BIN)
	tests/cli/test_matmul_cli.sh $(NPE_SAN_BIN)

test: check-deps-test unit-test san-test cli-test install-test $(TEST_TARGETS)
	@echo "make test: all tests passed"

# ---------------------------------------------------------------------------
# Demo and benchmarks
# ---------------------------------------------------------------------------
check-deps-sim:
	@$(DEPS) c verilator zlib

# The main job: one matmul workload in every format on the simulated engine.
demo: check-deps-sim $(NPE_BIN)
	@mkdir -p $(BUILD)/demo
	$(NPE_BIN) info
	@echo
	$(NPE_BIN) matmul --m 64 --n 64 --k 256 --format all --check \
	  --csv $(BUILD)/demo/matmul.csv --json-out $(BUILD)/demo/matmul.json
	@echo
	$(NPE_BIN) matmul --m 64 --n 64 --k 256 --format all --act sigmoid --check \
	  --csv $(BUILD)/demo/matmul_sigmoid.csv

$(BUILD)/bench/bench_golden: tests/bench/bench_golden.c $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -O3 -o $@ $< $(GOLDEN_LIB) -lm

golden-bench: $(BUILD)/bench/bench_golden
	$(BUILD)/bench/bench_golden

bench: golden-bench engine-bench $(BENCH_TARGETS)

# ---------------------------------------------------------------------------
# Housekeeping
# ---------------------------------------------------------------------------
lint: pe-lint axi-lint engine-lint nlu-lint fpga-lint
	@echo "make lint: verilator --lint-only -Wall clean"

print-deb-pkgs:
	@echo $(DEB_PKGS)

deps:
	@if [ "$$(id -u)" = 0 ]; then \
	  apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y $(DEB_PKGS); \
	else \
	  echo "Run as root to install, or run:"; \
	  echo "  sudo apt-get update && sudo apt-get install -y $(DEB_PKGS)"; \
	fi

# libnpe.a carries the driver, the golden library and the simulator; npe.pc
# tells a program how to link it (cc prog.c $(pkg-config --cflags --libs npe)).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(NPE_BIN) $(DESTDIR)$(PREFIX)/bin/npe
	install -m 644 driver/include/npe.h driver/include/npe_format.h driver/include/npe_nlu.h \
	  $(DESTDIR)$(PREFIX)/include/
	install -m 644 $(LIBNPE) $(DESTDIR)$(PREFIX)/lib/libnpe.a
	sed 's|@PREFIX@|$(PREFIX)|' driver/npe.pc.in > $(DESTDIR)$(PREFIX)/lib/pkgconfig/npe.pc

# Installs into a scratch root and builds examples/hello_matmul.c against it
# with pkg-config, as a user would.
install-test: $(LIBNPE) $(NPE_BIN)
	rm -rf $(BUILD)/install-test
	$(MAKE) -s install DESTDIR=$(CURDIR)/$(BUILD)/install-test PREFIX=/opt/npe
	PKG_CONFIG_SYSROOT_DIR=$(CURDIR)/$(BUILD)/install-test \
	PKG_CONFIG_PATH=$(CURDIR)/$(BUILD)/install-test/opt/npe/lib/pkgconfig \
	  sh -c '$(CC) -std=c11 -Wall -Wextra -Werror examples/hello_matmul.c \
	    $$(pkg-config --cflags --libs npe) -o $(BUILD)/install-test/hello_matmul'
	$(BUILD)/install-test/hello_matmul | tail -n 1
	$(BUILD)/install-test/opt/npe/bin/npe info | head -n 1

clean:
	rm -rf $(BUILD)

