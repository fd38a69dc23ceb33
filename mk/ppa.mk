# mk/ppa.mk - area, timing and energy from a real cell library (issue 14;
# docs/PPA.md): the OSU 0.18 um cells of Debian's qflow-tech-osu018 (GPL, read
# from /usr/share at build time, never copied), Yosys, OpenSTA, Icarus and
# tools/ppa/. Included by the top-level Makefile.
#
#   make report-ppa   (also `make report`) synthesis + STA of every block, the
#                     PE's gate-level energy per format, the calibration
#                     operators, FPGA resources, build/ppa/report.md (.csv,
#                     .json, SVG charts) scaled to 28 nm, and BENCH lines;
#                     cached under build/ppa/
#   make ppa-synth    area and critical path per block only
#   make ppa-energy   the PE, NLU and recurrence-unit energy runs only (after
#                     ppa-synth)
#   make ppa-recur-energy  the recurrence unit's synthesis and gate-level runs
#                     (DIAG, GRU, LSTM, idle; checked against the golden model)
#   make ppa-calib    reference adders / multipliers through the same flow,
#                     against Horowitz ISSCC'14 at 45 nm: the calibration factor
#   make ppa-workloads energy per workload (the demo's matmul, its sigmoid
#                     through the NLU, a GRU) from libnpe's estimate, which
#                     holds this flow's MAC / NLU figures: build/ppa/workloads/
#   make ppa-fpga     iCE40 (engine-ice40-size's logs) and Xilinx (synth_xilinx
#                     of npe_top, cached) resources -> build/ppa/fpga/fpga.json
#   tools/ppa/pe_breakdown.py  a PE run's energy per register group (a run kept
#                     with pe_energy.py --keep-vcd; docs/PPA.md "Energy")
#   make ppa-test     the energy tool (and the breakdown) on a hand-computed circuit, the scaling
#                     arithmetic against the paper's values, and the whole
#                     flow on npe_pe_lite (synthesis, STA, gate-level INT8 run,
#                     energy), about a minute; part of `make test`
#
# Outputs under $(BUILD)/ppa/.

BUILD ?= build
PPA_BUILD  := $(BUILD)/ppa
PPA_PYTHON ?= /usr/bin/python3
PPA_TOOLS  := tools/ppa/ppa_common.py tools/ppa/synth.py tools/ppa/liberty.py \
              tools/ppa/energy.py tools/ppa/pe_energy.py tools/ppa/nlu_energy.py tools/ppa/report.py \
              tools/ppa/scaling.py tools/ppa/calib.py tools/ppa/plots.py tools/ppa/fpga.py \
              tools/ppa/workloads.py tools/ppa/recur_energy.py tools/ppa/pe_breakdown.py

# Debian packages the flow needs (make deps; qflow-tech-osu018 pulls in qflow)
DEB_PKGS += opensta qflow-tech-osu018 python3-numpy

.PHONY: report report-ppa ppa-deps ppa-synth ppa-energy ppa-recur-energy ppa-calib ppa-fpga ppa-workloads ppa-test ppa-test-energy \
        ppa-test-scaling ppa-smoke

# tools/check_deps.sh installs what is missing (or prints the command)
ppa-deps:
	@$(DEPS) yosys iverilog pkg:opensta pkg:qflow-tech-osu018 pkg:python3-numpy

ppa-synth: ppa-deps
	@mkdir -p $(PPA_BUILD)
	$(PPA_PYTHON) tools/ppa/synth.py $(PPA_BUILD)/synth

ppa-energy: ppa-synth $(GOLDEN_LIB)
	$(PPA_PYTHON) tools/ppa/pe_energy.py $(PPA_BUILD)/synth $(PPA_BUILD)/energy
	$(PPA_PYTHON) tools/ppa/nlu_energy.py $(PPA_BUILD)/synth $(PPA_BUILD)/nlu_energy
	$(PPA_PYTHON) tools/ppa/recur_energy.py $(PPA_BUILD)/synth $(PPA_BUILD)/recur_energy \
	  --golden=$(GOLDEN_LIB)

# The recurrence unit's gate-level runs alone (after synth.py ... recur_unit)
ppa-recur-energy: ppa-deps $(GOLDEN_LIB)
	$(PPA_PYTHON) tools/ppa/synth.py $(PPA_BUILD)/synth recur_unit
	$(PPA_PYTHON) tools/ppa/recur_energy.py $(PPA_BUILD)/synth $(PPA_BUILD)/recur_energy \
	  --golden=$(GOLDEN_LIB)

ppa-calib: ppa-deps
	@mkdir -p $(PPA_BUILD)
	$(PPA_PYTHON) tools/ppa/calib.py $(PPA_BUILD)/synth $(PPA_BUILD)/calib

# iCE40 figures from make engine-ice40-size (run once if its files are
# missing); Xilinx synth_xilinx of npe_top, cached, at most PPA_XILINX_TIMEOUT s
PPA_XILINX_TIMEOUT ?= 1800
ppa-fpga: ppa-deps
	@mkdir -p $(PPA_BUILD)/fpga
	@[ -f $(EP_BUILD)/ice40_small.stat ] && [ -f $(EP_BUILD)/ice40_small_pack.log ] || \
	  $(MAKE) --no-print-directory engine-ice40-size
	$(PPA_PYTHON) tools/ppa/fpga.py $(PPA_BUILD)/fpga $(EP_BUILD)/ice40_small.stat \
	  $(EP_BUILD)/ice40_small_pack.log --timeout=$(PPA_XILINX_TIMEOUT) $(ENGINE_RTL)

ppa-workloads: ppa-deps $(NPE_BIN)
	$(PPA_PYTHON) tools/ppa/workloads.py $(NPE_BIN) $(PPA_BUILD)/workloads

report-ppa: ppa-synth ppa-energy ppa-calib ppa-fpga ppa-workloads
	$(PPA_PYTHON) tools/ppa/report.py $(PPA_BUILD)

report: report-ppa

# ---------------------------------------------------------------------------
# Tests
# ---------------------------------------------------------------------------
ppa-test-energy: ppa-deps
	$(PPA_PYTHON) tests/ppa/test_energy.py

# The flow end to end on the smallest PE: every step of report-ppa, in its
# own directory, with sanity bounds on the figures.
ppa-smoke: ppa-deps
	@mkdir -p $(PPA_BUILD)/smoke
	$(PPA_PYTHON) tools/ppa/synth.py --delay-tries=2 $(PPA_BUILD)/smoke/synth pe_lite
	$(PPA_PYTHON) tools/ppa/pe_energy.py $(PPA_BUILD)/smoke/synth $(PPA_BUILD)/smoke/energy \
	  pe_lite:int8 --words=128
	$(PPA_PYTHON) tests/ppa/check_smoke.py $(PPA_BUILD)/smoke

ppa-test-scaling:
	$(PPA_PYTHON) tests/ppa/test_scaling.py

ppa-test: ppa-test-energy ppa-test-scaling ppa-smoke
	@echo "ppa-test: energy tool, scaling arithmetic and PPA flow smoke run passed"

TEST_TARGETS  += ppa-test
BENCH_TARGETS += report-ppa
