# SPDX-License-Identifier: Apache-2.0
# mk/regmap.mk - the generated register map: tools/regmap is the one source
# of the registers, the descriptor layout and the format codes. Included by
# the top Makefile.
#
#   make regmap        regenerate rtl/npe_pkg.sv, include/npe_regs.h, docs/REGMAP.md
#   make regmap-check  fail if those are stale or the format codes disagree, or if
#                      the package / header do not build and compute right in
#                      Verilator, Icarus, Yosys, C11 and C++ (tools/regmap/check_generated.sh)

PYTHON ?= python3
VERILATOR ?= verilator

REGMAP_SRC := tools/regmap/npe_regmap.pyl tools/regmap/regmap.py
REGMAP_OUT := rtl/npe_pkg.sv include/npe_regs.h docs/REGMAP.md

.PHONY: regmap regmap-check

regmap:
	$(PYTHON) tools/regmap/regmap.py

regmap-check:
	$(PYTHON) tools/regmap/regmap.py --check
	VERILATOR=$(VERILATOR) CC=$(CC) CXX=$(CXX) tools/regmap/check_generated.sh $(BUILD)/regmap

TEST_TARGETS += regmap-check
