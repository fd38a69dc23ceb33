# mk/fpga_icebreaker.mk - the small engine on an iCEBreaker board (iCE40UP5K)
#
#   make fpga-icebreaker        bitstream build/fpga/npe_icebreaker.bin (Yosys,
#                               nextpnr-ice40, icepack) and its size and timing as
#                               BENCH lines (part of make bench)
#   make fpga-icebreaker-test   the board top under Icarus, with Yosys's SPRAM
#                               model: link frames (protocol v2), refusals, one
#                               matmul checked bit-exactly against the golden
#                               model (make test)
#   make fpga-icebreaker-flash  write the bitstream to a connected board
#                               (openFPGALoader)
#   make fpga-lint              verilator --lint-only -Wall of the board RTL
#
# The board top fixes the engine parameters of ENGINE_LITE (mk/sim_lib.mk).

BUILD ?= build
FPGA_BUILD := $(BUILD)/fpga
FPGA_RTL   := fpga/rtl/npe_link_pkg.sv fpga/rtl/npe_link_buf.sv fpga/rtl/npe_uart_rx.sv \
              fpga/rtl/npe_uart_tx.sv fpga/rtl/npe_uart_bridge.sv \
              fpga/rtl/npe_spram_axi.sv fpga/icebreaker/npe_icebreaker_top.sv
FPGA_PCF   := fpga/icebreaker/icebreaker.pcf
# Yosys's simulation model of the UP5K's SPRAM, cut out of its cell library
# (yosys-config comes with yosys-dev, which this project does not need)
# (Debian's path when yosys is not installed yet, on a fresh machine)
YOSYS_DATDIR    := $(or $(shell yosys-config --datdir 2>/dev/null),$(if $(shell command -v yosys 2>/dev/null),$(abspath $(dir $(shell command -v yosys))../share/yosys),/usr/share/yosys))
YOSYS_ICE40_SIM := $(YOSYS_DATDIR)/ice40/cells_sim.v
FPGA_ICEBREAKER_JOB ?= 3 5 40 int8

.PHONY: fpga-icebreaker fpga-icebreaker-test fpga-icebreaker-flash fpga-lint

$(FPGA_BUILD)/sb_spram256ka_sim.v:
	@$(DEPS) yosys
	@mkdir -p $(@D)
	sed -n '/^module SB_SPRAM256KA/,/^endmodule/p' $(YOSYS_ICE40_SIM) > $@
	@grep -q '^endmodule' $@ || { echo "no SB_SPRAM256KA in $(YOSYS_ICE40_SIM)"; exit 1; }

# ---------------------------------------------------------------------------
# Bitstream, size and timing
# ---------------------------------------------------------------------------
# ABC9 maps it into 5,263 cells where the default ABC needs 5,374 (the UP5K
# has 5,280); its default script's &mfs aborts on this design (an assertion
# in Yosys 0.23's ABC), so the script is the default without &mfs.
FPGA_ABC9 := +&scorr;&sweep;&dc2;&dch -f;&ps;&if {C} {W} {D} {R} -v
FPGA_YS := read_verilog -sv $(ENGINE_RTL) $(FPGA_RTL); scratchpad -set abc9.script "$(FPGA_ABC9)"; \
           synth_ice40 -top npe_icebreaker_top -dsp -abc9

$(FPGA_BUILD)/npe_icebreaker.json: $(ENGINE_RTL) $(FPGA_RTL)
	@$(DEPS) yosys
	@mkdir -p $(@D)
	nice yosys -q -l $(FPGA_BUILD)/yosys.log -p '$(FPGA_YS) -json $@'

$(FPGA_BUILD)/npe_icebreaker.asc: $(FPGA_BUILD)/npe_icebreaker.json $(FPGA_PCF)
	@$(DEPS) nextpnr
	nice nextpnr-ice40 --up5k --package sg48 --pcf $(FPGA_PCF) --json $< --asc $@ \
	  --freq 12 --seed 1 > $(FPGA_BUILD)/nextpnr.log 2>&1 || { tail -20 $(FPGA_BUILD)/nextpnr.log; exit 1; }

$(FPGA_BUILD)/npe_icebreaker.bin: $(FPGA_BUILD)/npe_icebreaker.asc
	icepack $< $@

fpga-icebreaker: $(FPGA_BUILD)/npe_icebreaker.bin
	@awk '/ICESTORM_LC:/ { split($$3, a, "/"); lc = a[1] } \
	  /ICESTORM_RAM:/ { split($$3, a, "/"); ram = a[1] } \
	  /ICESTORM_DSP:/ { split($$3, a, "/"); dsp = a[1] } \
	  /ICESTORM_SPRAM:/ { split($$3, a, "/"); spram = a[1] } \
	  /Max frequency for clock +.CLK/ { f = $$7 } END { \
	  printf "BENCH fpga_icebreaker_lc %d logic_cells\n", lc; \
	  printf "BENCH fpga_icebreaker_lc_share %.2f of_5280\n", lc / 5280; \
	  printf "BENCH fpga_icebreaker_ebr %d SB_RAM40_4K\n", ram; \
	  printf "BENCH fpga_icebreaker_dsp %d SB_MAC16\n", dsp; \
	  printf "BENCH fpga_icebreaker_spram %d SB_SPRAM256KA\n", spram; \
	  printf "BENCH fpga_icebreaker_fmax %.2f MHz\n", f }' $(FPGA_BUILD)/nextpnr.log
	@echo "fpga-icebreaker: $(FPGA_BUILD)/npe_icebreaker.bin (make fpga-icebreaker-flash writes it)"

fpga-icebreaker-flash: $(FPGA_BUILD)/npe_icebreaker.bin
	@command -v openFPGALoader >/dev/null 2>&1 || { echo "error: missing package openfpgaloader"; \
	  echo "  sudo apt-get install -y openfpgaloader"; exit 1; }
	openFPGALoader -b ice40_generic $<

# ---------------------------------------------------------------------------
# Simulation of the board top
# ---------------------------------------------------------------------------
$(FPGA_BUILD)/tb_icebreaker.vvp: $(ENGINE_RTL) $(FPGA_RTL) tests/fpga/tb_icebreaker.sv \
                                 $(FPGA_BUILD)/sb_spram256ka_sim.v
	@$(DEPS) iverilog
	nice iverilog -g2012 -o $@ -s tb_icebreaker $(ENGINE_RTL) $(FPGA_RTL) \
	  tests/fpga/tb_icebreaker.sv $(FPGA_BUILD)/sb_spram256ka_sim.v \
	  2> $(FPGA_BUILD)/iverilog.log || { cat $(FPGA_BUILD)/iverilog.log; exit 1; }

fpga-icebreaker-test: $(FPGA_BUILD)/tb_icebreaker.vvp $(EP_BUILD)/gen_engine_job
	@mkdir -p $(FPGA_BUILD)/job
	$(EP_BUILD)/gen_engine_job $(ENGINE_LITE_GEN) $(wordlist 1,3,$(FPGA_ICEBREAKER_JOB)) \
	  $(FPGA_BUILD)/job $(word 4,$(FPGA_ICEBREAKER_JOB)) \
	  > $(FPGA_BUILD)/job/job.args
	timeout 600 vvp -n $< $$(cat $(FPGA_BUILD)/job/job.args) > $(FPGA_BUILD)/tb_icebreaker.log 2>&1; \
	  grep "tb_icebreaker" $(FPGA_BUILD)/tb_icebreaker.log; \
	  grep -q "tb_icebreaker: PASS" $(FPGA_BUILD)/tb_icebreaker.log

fpga-lint: $(FPGA_BUILD)/sb_spram256ka_sim.v
	@$(DEPS) verilator
	@for p in $(ENGINE_LITE); do \
	  grep -Eq "\.$${p%%=*} \(([0-9]*'[db])?$${p#*=}\)" fpga/icebreaker/npe_icebreaker_top.sv || \
	  { echo "fpga-lint: npe_icebreaker_top does not set $$p (ENGINE_LITE, mk/sim_lib.mk)"; exit 1; }; \
	done
	verilator --lint-only -Wall --top-module npe_icebreaker_top $(ENGINE_VLT) \
	  fpga/icebreaker/lint.vlt $(ENGINE_RTL) $(FPGA_RTL) $(FPGA_BUILD)/sb_spram256ka_sim.v
	@echo "fpga-lint: clean"

TEST_TARGETS  += fpga-lint fpga-icebreaker-test
LINT_TARGETS  += fpga-lint
BENCH_TARGETS += fpga-icebreaker
