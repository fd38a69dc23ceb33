# NPE - top-level Makefile: the one entry point.
#
#   make          build the golden library and the npe tool
#   make test     every test (layers, golden, sanitizers, models, RTL, engine, driver, CLI); what CI runs
#   make demo     the main job on the built-in simulator
#   make bench    benchmarks, one "BENCH <name> <value> <unit>" line each
#   make report   area, timing and energy per block in a real cell library (docs/PPA.md)
#   make lint     verilator --lint-only -Wall on the RTL
#   make deps     install the Debian packages (as root) or print the command
#
# Outputs go under $(BUILD)/ and stay out of git.

BUILD ?= build
CC ?= cc
PREFIX ?= /usr/local

DEB_PKGS := gcc g++ make pkg-config check verilator iverilog yosys z3 clang-14 libfuzzer-14-dev \
            libclang-rt-14-dev nextpnr-ice40 fpga-icestorm openfpgaloader libftdi1-dev python3 zlib1g-dev \
            gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf qemu-user

WARN    := -Wall -Wextra -Werror
CSTD    := -std=c11
OPT     ?= -O2
# Layers, bottom up: golden <- models <- sim <- driver <- cli (docs/ARCHITECTURE.md,
# "Layers"). Each layer compiles with the include paths of itself and the
# layers below, so an upward include does not build; tools/check_layers.py
# (make layers-check) says which line.
GOLDEN_INC := -Igolden/include
MODELS_INC := $(GOLDEN_INC) -Imodels/energy -Imodels/xbar
HWIF_INC   := -Iinclude
SIM_INC    := $(MODELS_INC) $(HWIF_INC) -Isim
DRIVER_INC := $(SIM_INC) -Idriver/include -Idriver/src
CLI_INC    := $(DRIVER_INC) -Idriver/cli
CFLAGS_BASE := $(CSTD) $(WARN) $(OPT) -g
# the public headers (npe.h and what it includes): tests and programs using libnpe
CFLAGS_ALL := $(CFLAGS_BASE) $(MODELS_INC) -Idriver/include
# A test run that hangs fails after this many seconds (CK_FORK=no runs have
# no per-case timeout of their own).
TEST_TIMEOUT ?= 1200
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=all \
            -fno-omit-frame-pointer
CHECK_CFLAGS = $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS   = $(shell pkg-config --libs check 2>/dev/null)
DEPS := tools/check_deps.sh
PYTHON ?= python3


.PHONY: all test test-all demo demo-run bench lint deps clean install print-deb-pkgs install-test \
        check-deps-sim check-deps-test layers-check deps-test
.DEFAULT_GOAL := all

# Fragments add their own targets and append to TEST_TARGETS, BENCH_TARGETS
# and LINT_TARGETS. Each is named after what it holds:
#   regmap.mk          generated register map (include/npe_regs.h, rtl/npe_pkg.sv)
#   golden.mk          golden/: the golden format library, its tests and bench
#   models.mk          models/: energy table and crossbar tile model, tests, bench
#   rtl_pe.mk          rtl/pe: lint, Verilator and Icarus testbenches, area bench
#   rtl_axi.mk         rtl/axi: lint, CSR and DMA testbenches
#   rtl_cmd.mk         rtl/engine/npe_cmd alone: its testbench and planted-bug run
#   rtl_nlu.mk         rtl/nlu: lint, Verilator sweep, Icarus run, throughput bench
#   sim_lib.mk         sim/: the engine's RTL list and small-build parameters
#                      (ENGINE_LITE), the Verilated engine models, libnpesim
#   rtl_engine.mk      rtl/engine (npe_top): lint, Yosys, Icarus, iCE40 size, sim speed
#   engine_test.mk     tests/engine: the engine through libnpesim
#   driver.mk          driver/: libnpe, its tests and benches
#   cli.mk             driver/cli: the npe tool and its tests
#   fpga_icebreaker.mk fpga/: the iCEBreaker board build and its testbench
#   fpga_zynq.mk       fpga/zynq: the Zynq-7020 (PYNQ-Z2) board top: lint, synth_xilinx
#   link.mk            the board link (protocol v2): generated tables, link tests, benches
#   lm.mk              tools/lm, lm/: KJV corpus, char-model trainer, make models, lm-test
#   fuzz.mk            tests/fuzz: libFuzzer targets, make fuzz, fuzz-smoke
#   cpu.mk             rtl/cpu: the RV32IM core, its ISA tests against qemu-riscv32
#   firmware.mk        firmware/: bare-metal C for the core (RV32IM), firmware-test
#   ppa.mk             tools/ppa: area, timing, energy in the OSU 0.18 um cells (make report)
#   formal.mk          tests/formal: bounded and unbounded proofs of the AXI edge, planted bugs
#   soc.mk             rtl/soc: the SoC (core, RAM, engine, mailbox), its bench with the firmware
#   fpga_soc.mk        the SoC on a board: the UP5K fit, the PYNQ-Z2 top, its AXI4-Lite adapter
# Order matters: a fragment uses the variables of those above it.

# the npe tool (mk/cli.mk), named here as lower layers' benches run it
NPE_BIN     := $(BUILD)/bin/npe
NPE_SAN_BIN := $(BUILD)/san/bin/npe

TEST_TARGETS  := layers-check
BENCH_TARGETS :=
LINT_TARGETS  :=
include mk/regmap.mk mk/golden.mk mk/models.mk mk/rtl_pe.mk mk/rtl_axi.mk mk/rtl_cmd.mk \
        mk/rtl_nlu.mk mk/sim_lib.mk mk/rtl_engine.mk mk/engine_test.mk mk/driver.mk mk/cli.mk \
        mk/fpga_icebreaker.mk mk/fpga_zynq.mk mk/link.mk mk/lm.mk mk/fuzz.mk mk/ppa.mk mk/formal.mk
include mk/cpu.mk mk/firmware.mk mk/soc.mk mk/fpga_soc.mk

all: $(GOLDEN_LIB) $(NPE_BIN)

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
# DEPS_EXTRA: more requirements, e.g. pkg:NAME (tests/deps fakes a missing one)
DEPS_EXTRA ?=
# Everything make test uses, installed before it starts building.
check-deps-test:
	@$(DEPS) c check verilator iverilog python3 zlib ftdi fuzz formal yosys nextpnr riscv \
	  pkg:qemu-user lm pkg:opensta pkg:qflow-tech-osu018 $(DEPS_EXTRA)

# No include from a layer into one above it (golden <- models <- sim <- driver <- cli).
layers-check:
	$(PYTHON) tools/check_layers.py

# The set-up logic of make demo / make test on a fake machine (fake apt-get,
# sudo, id and dpkg-query; a package that does not exist).
deps-test:
	tests/deps/test_check_deps.sh
TEST_TARGETS += deps-test

# Two stages: the packages first, then a new make, which reads the tools'
# paths (Verilator's include directory, ...) and sees their files: make
# caches directory listings, so files installed during one run can stay
# invisible to its rules (a bare-machine make demo once failed that way:
# "No rule to make target build/sim/verilated_fst_c.o").
# The tests run JOBS at a time (default: one per core), each target's output
# printed whole when it ends (-Otarget), so a failure reads in one piece.
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
test: check-deps-test
	@$(MAKE) --no-print-directory -j$(JOBS) -Otarget test-all

test-all: install-test $(TEST_TARGETS)
	@echo "make test: all tests passed"

# ---------------------------------------------------------------------------
# Demo and benchmarks
# ---------------------------------------------------------------------------
check-deps-sim:
	@$(DEPS) c verilator zlib ftdi $(DEPS_EXTRA)

# The main job: one matmul workload in every format on the simulated engine
# (two stages, as make test).
demo: check-deps-sim
	@$(MAKE) --no-print-directory -j$(JOBS) demo-run

demo-run: $(NPE_BIN)
	@mkdir -p $(BUILD)/demo
	$(NPE_BIN) info
	@echo
	$(NPE_BIN) matmul --m 64 --n 64 --k 256 --format all --check \
	  --csv $(BUILD)/demo/matmul.csv --json-out $(BUILD)/demo/matmul.json
	@echo
	$(NPE_BIN) matmul --m 64 --n 64 --k 256 --format all --act sigmoid --check \
	  --csv $(BUILD)/demo/matmul_sigmoid.csv
	@echo
	$(NPE_BIN) rnn --cell gru --format all --check

bench: $(BENCH_TARGETS)

# ---------------------------------------------------------------------------
# Housekeeping
# ---------------------------------------------------------------------------
lint: $(LINT_TARGETS)
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

# libnpe.a carries the driver, the models, the golden library and the
# simulator; npe.h and the headers it includes are installed; npe.pc
# tells a program how to link it (cc prog.c $(pkg-config --cflags --libs npe)).
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include \
	  $(DESTDIR)$(PREFIX)/lib/pkgconfig
	install -m 755 $(NPE_BIN) $(DESTDIR)$(PREFIX)/bin/npe
	install -m 644 $(PUBLIC_HDRS) $(DESTDIR)$(PREFIX)/include/
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

