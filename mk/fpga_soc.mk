# SPDX-License-Identifier: Apache-2.0
# mk/fpga_soc.mk - the SoC (rtl/soc/npe_soc.sv: the RV32IM core, the RAM, the
# engine, the mailbox) on a board (docs/SOC.md, "On a board"). Included by
# the top Makefile after mk/soc.mk (SOC_RTL), mk/fpga_icebreaker.mk
# (FPGA_ABC9, the SPRAM model) and mk/fpga_zynq.mk (the XC7Z020's figures).
#
#   make soc-ice40-size     does the SoC with the small engine fit the
#                           iCEBreaker's iCE40UP5K? Yosys synth_ice40 (the
#                           board build's ABC9 mapping) and nextpnr-ice40
#                           --pack-only of fpga/icebreaker/npe_soc_up5k_fit.sv,
#                           the RAM on the four SPRAMs; each block alone the
#                           same way; BENCH lines: logic cells needed against
#                           the 5,280, the shortfall, per block (make bench;
#                           about 5 min; cached in build/fpga/soc/)
#   make soc-ice40-lint     the fit wrapper sets every ENGINE_LITE parameter
#                           (or npe_soc fixes it); verilator -Wall of the
#                           wrapper and of the SPRAM stub
#   make zynq-soc-lint      verilator --lint-only -Wall of the PYNQ-Z2 board top
#                           (fpga/zynq/npe_soc_zynq_top.v) with the SoC (make lint, test)
#   make zynq-soc-axil-test the board top's AXI4-Lite slave (npe_soc_host_axil)
#                           under Verilator against a host-port model: random
#                           reads and writes bit-exact, back-pressure, DECERR
#                           outside the window, no hang; and with a planted bug
#                           (lost byte strobes), which must fail (make test; ~15 s)
#   make zynq-soc-test      the whole board top under Verilator with the real
#                           firmware: tests/rtl/soc/tb_soc.cpp (TB_SOC_ZYNQ),
#                           the ELF loaded and every request made through the
#                           AXI4-Lite slave, matmuls bit-exact against the
#                           golden model, malformed requests (not in make test:
#                           its model takes about a minute to build)
#   make zynq-soc-synth     Yosys synth_xilinx of the board top: LUTs, flip-flops,
#                           block RAM and DSPs against the XC7Z020's, and by block
#                           (tools/ppa/stat_blocks.py) (make bench; about 6 min;
#                           cached in build/fpga/zynq_soc/)
#   make zynq-soc-rtl-list  build/fpga/zynq_soc/rtl.f, the sources build_soc.tcl reads
#   make formal-host-axil   a formal proof of the AXI4-Lite slave (bounded, then
#                           for all depths) and its planted bug (formal-planted-host-axil);
#                           both in make formal

SOCB_BUILD := $(BUILD)/fpga/soc
ZSOC_BUILD := $(BUILD)/fpga/zynq_soc

.PHONY: soc-ice40-size soc-ice40-lint zynq-soc-lint zynq-soc-axil-test zynq-soc-axil-plant-test \
        zynq-soc-test zynq-soc-synth zynq-soc-rtl-list

# ---------------------------------------------------------------------------
# The iCEBreaker: the SoC with the small engine on the UP5K
# ---------------------------------------------------------------------------
# npe_soc_ram (two ports) is replaced by the SPRAM stub npe_soc_ram_up5k
# (one port shared: fpga/icebreaker/npe_soc_ram_up5k.sv), renamed in Yosys.
SOC_FIT_RTL := $(filter-out rtl/soc/npe_soc_ram.sv,$(SOC_RTL)) \
               fpga/icebreaker/npe_soc_ram_up5k.sv fpga/icebreaker/npe_soc_up5k_fit.sv
SOC_FIT_READ := read_verilog -sv $(SOC_FIT_RTL); rename npe_soc_ram_up5k npe_soc_ram; \
                scratchpad -set abc9.script "$(FPGA_ABC9)"
SOC_FIT_YS := $(SOC_FIT_READ); synth_ice40 -top npe_soc_up5k_fit -dsp -abc9
UP5K_LC := 5280

# The blocks, each synthesised and packed alone the same way: name, top
# module, the commands before synthesis
SOC_FIT_BLOCKS := core engine mailbox ram_arb axi_ram axil_master ram_spram
soc_fit_top_core        := npe_rv32_core
soc_fit_top_engine      := npe_top
soc_fit_top_mailbox     := npe_soc_mailbox
soc_fit_top_ram_arb     := npe_soc_ram_arb
soc_fit_top_axi_ram     := npe_soc_axi_ram
soc_fit_top_axil_master := npe_soc_axil_master
soc_fit_top_ram_spram   := npe_soc_ram
soc_fit_prep_engine     := chparam $(EP_SMALL_CHPARAM) npe_top;

# $(call soc_fit_pack,json,log): nextpnr's packing (the logic cells to fit)
soc_fit_pack = nice -n 5 nextpnr-ice40 --up5k --package sg48 --json $(1) --pack-only \
  --pcf-allow-unconstrained > $(2) 2>&1 || { tail -20 $(2); exit 1; }

$(SOCB_BUILD)/soc.json: $(SOC_FIT_RTL)
	@$(DEPS) yosys
	@mkdir -p $(@D)
	@echo "soc-ice40-size: synth_ice40 of npe_soc_up5k_fit (log $(SOCB_BUILD)/soc_yosys.log)"
	nice -n 5 yosys -q -l $(SOCB_BUILD)/soc_yosys.log -p '$(SOC_FIT_YS) -json $@.tmp; tee -q -o $(SOCB_BUILD)/soc.stat stat'
	mv $@.tmp $@

$(SOCB_BUILD)/block_%.json: $(SOC_FIT_RTL)
	@$(DEPS) yosys
	@mkdir -p $(@D)
	nice -n 5 yosys -q -l $(SOCB_BUILD)/block_$*_yosys.log -p '$(SOC_FIT_READ); $(soc_fit_prep_$*) synth_ice40 -top $(soc_fit_top_$*) -dsp -abc9 -json $@.tmp'
	mv $@.tmp $@

$(SOCB_BUILD)/%_pack.log: $(SOCB_BUILD)/%.json
	@$(DEPS) nextpnr
	$(call soc_fit_pack,$<,$@.tmp)
	mv $@.tmp $@

soc_lc = $$(awk '/ICESTORM_LC:/ { split($$3, a, "/"); print a[1] }' $(1))

soc-ice40-size: $(SOCB_BUILD)/soc_pack.log $(foreach b,$(SOC_FIT_BLOCKS),$(SOCB_BUILD)/block_$(b)_pack.log)
	@awk -v avail=$(UP5K_LC) '/ICESTORM_LC:/ { split($$3, a, "/"); lc = a[1] } \
	  /ICESTORM_RAM:/ { split($$3, a, "/"); ram = a[1] } \
	  /ICESTORM_DSP:/ { split($$3, a, "/"); dsp = a[1] } \
	  /ICESTORM_SPRAM:/ { split($$3, a, "/"); spram = a[1] } END { \
	  printf "BENCH soc_up5k_lc %d logic_cells\n", lc; \
	  printf "BENCH soc_up5k_lc_available %d logic_cells\n", avail; \
	  printf "BENCH soc_up5k_lc_shortfall %d logic_cells\n", (lc > avail) ? (lc - avail) : 0; \
	  printf "BENCH soc_up5k_lc_ratio %.2f of_5280\n", lc / avail; \
	  printf "BENCH soc_up5k_ebr %d SB_RAM40_4K_of_30\n", ram; \
	  printf "BENCH soc_up5k_dsp %d SB_MAC16_of_8\n", dsp; \
	  printf "BENCH soc_up5k_spram %d SB_SPRAM256KA_of_4\n", spram }' $(SOCB_BUILD)/soc_pack.log
	@awk '$$2 ~ /^[0-9]+$$/ && $$1 == "SB_LUT4" { lut = $$2 } $$1 == "SB_CARRY" { carry = $$2 } \
	  $$1 ~ /^SB_DFF/ { ff += $$2 } END { \
	  printf "BENCH soc_up5k_lut4 %d SB_LUT4\n", lut; \
	  printf "BENCH soc_up5k_carry %d SB_CARRY\n", carry; \
	  printf "BENCH soc_up5k_ff %d SB_DFF\n", ff }' $(SOCB_BUILD)/soc.stat
	@sum=0; eng=0; for b in $(SOC_FIT_BLOCKS); do \
	  n=$(call soc_lc,$(SOCB_BUILD)/block_$${b}_pack.log); sum=$$((sum + n)); \
	  [ $$b = engine ] && eng=$$n; \
	  echo "BENCH soc_up5k_lc_$$b $$n logic_cells"; done; \
	  echo "BENCH soc_up5k_lc_blocks_sum $$sum logic_cells"; \
	  echo "BENCH soc_up5k_lc_blocks_but_engine $$((sum - eng)) logic_cells"; \
	  echo "BENCH soc_up5k_lc_left_beside_engine $$(($(UP5K_LC) - eng)) logic_cells"
	@lc=$(call soc_lc,$(SOCB_BUILD)/soc_pack.log); \
	  if [ $$lc -gt $(UP5K_LC) ]; then \
	    echo "soc-ice40-size: does NOT fit the UP5K: $$lc logic cells needed, $(UP5K_LC) there, $$((lc - $(UP5K_LC))) short"; \
	  else echo "soc-ice40-size: fits the UP5K's logic ($$lc of $(UP5K_LC) logic cells; not placed)"; fi
	@echo "soc-ice40-size: the RAM (128 KiB, two ports) is the four SPRAMs (16K x 16 each, side by side: one 64-bit port), shared by both ports (block ram_spram); the 30 EBRs (15 KiB) could not hold a second copy. Not counted: a link in front of the host port (the iCEBreaker build's UART bridge)"

# Every ENGINE_LITE parameter is set by the fit wrapper, fixed inside npe_soc,
# or an npe_soc parameter whose default is the value (AddrBits: from
# RamBytes, 128 KiB -> 17)
soc-ice40-lint: $(FPGA_BUILD)/sb_spram256ka_sim.v
	@$(DEPS) verilator
	@for p in $(ENGINE_LITE); do n=$${p%%=*}; v=$${p#*=}; \
	  if grep -Eq "\.$$n \(([0-9]*'[db])?$$v\)" fpga/icebreaker/npe_soc_up5k_fit.sv; then :; \
	  elif grep -Eq "\.$$n \(([0-9]*'[db])?$$v\)" rtl/soc/npe_soc.sv && \
	       ! grep -Eq "parameter .* $$n " rtl/soc/npe_soc.sv; then :; \
	  elif grep -Eq "parameter .* $$n += ([0-9]*'[db])?$$v([,) ]|$$)" rtl/soc/npe_soc.sv; then :; \
	  elif [ "$$p" = AddrBits=17 ] && grep -q '\.RamBytes (131072)' fpga/icebreaker/npe_soc_up5k_fit.sv; then :; \
	  else echo "soc-ice40-lint: npe_soc_up5k_fit does not set $$p (ENGINE_LITE, mk/sim_lib.mk)"; exit 1; fi; \
	done
	$(VERILATOR) --lint-only -Wall --top-module npe_soc_up5k_fit $(ENGINE_VLT) $(SOC_RTL) \
	  fpga/icebreaker/npe_soc_up5k_fit.sv
	$(VERILATOR) --lint-only -Wall --top-module npe_soc_ram_up5k fpga/icebreaker/lint.vlt \
	  fpga/icebreaker/npe_soc_ram_up5k.sv $(FPGA_BUILD)/sb_spram256ka_sim.v
	@echo "soc-ice40-lint: clean"

# ---------------------------------------------------------------------------
# The PYNQ-Z2 (Zynq-7020): the PS as the SoC's host
# ---------------------------------------------------------------------------
ZSOC_RTL := $(SOC_RTL) fpga/rtl/npe_soc_host_axil.sv fpga/zynq/npe_soc_zynq_top.v

zynq-soc-lint:
	@$(DEPS) verilator yosys iverilog
	$(VERILATOR) --lint-only -Wall --top-module npe_soc_zynq_top $(ENGINE_VLT) $(ZSOC_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT --top-module npe_soc_zynq_top $(ENGINE_VLT) \
	  $(ZSOC_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT +define+NPE_PLANT_BUG_SOC_HOST_AXIL \
	  --top-module npe_soc_host_axil fpga/rtl/npe_soc_host_axil.sv
	@# the house subset: Yosys and Icarus read the adapter too
	@mkdir -p $(ZSOC_BUILD)
	yosys -q -p 'read_verilog -sv fpga/rtl/npe_soc_host_axil.sv; hierarchy -check -top npe_soc_host_axil; proc'
	iverilog -g2012 -o $(ZSOC_BUILD)/host_axil.vvp -s npe_soc_host_axil fpga/rtl/npe_soc_host_axil.sv
	@echo "zynq-soc-lint: clean"

zynq-soc-rtl-list:
	@mkdir -p $(ZSOC_BUILD)
	@printf '%s\n' $(ZSOC_RTL) > $(ZSOC_BUILD)/rtl.f
	@echo "wrote $(ZSOC_BUILD)/rtl.f; now: vivado -mode batch -source fpga/zynq/build_soc.tcl -tclargs . $(ZSOC_BUILD)"

# The adapter's bench: plain, and with the planted bug (must fail)
ZSOC_AXIL_VFLAGS := --cc -O3 --assert +define+NPE_ASSERT --x-assign unique --x-initial unique
ZSOC_TB_INC := -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd
# (the Verilator runtime mk/rtl_axi.mk compiles for its benches)
ZSOC_RT := $(AXI_RT)

# $(call zsoc_axil_model,dir,extra flags)
define zsoc_axil_model
$(ZSOC_BUILD)/$(1)/Vnpe_soc_host_axil__ALL.a: fpga/rtl/npe_soc_host_axil.sv
	@$(DEPS) verilator
	@mkdir -p $(ZSOC_BUILD)/$(1)
	$(VERILATOR) $(ZSOC_AXIL_VFLAGS) $(2) --Mdir $(ZSOC_BUILD)/$(1) --top-module npe_soc_host_axil $$<
	$$(MAKE) -s -C $(ZSOC_BUILD)/$(1) -f Vnpe_soc_host_axil.mk Vnpe_soc_host_axil__ALL.a

$(ZSOC_BUILD)/tb_host_axil_$(1): tests/rtl/soc/tb_soc_host_axil.cpp \
    $(ZSOC_BUILD)/$(1)/Vnpe_soc_host_axil__ALL.a $(ZSOC_RT)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(ZSOC_TB_INC) -I$(ZSOC_BUILD)/$(1) $$< \
	  $(ZSOC_BUILD)/$(1)/Vnpe_soc_host_axil__ALL.a $(ZSOC_RT) -o $$@ -lpthread -lm
endef
$(eval $(call zsoc_axil_model,ok,))
$(eval $(call zsoc_axil_model,plant,+define+NPE_PLANT_BUG_SOC_HOST_AXIL))

ZSOC_AXIL_SEED ?= 1
ZSOC_AXIL_OPS  ?= 20000

zynq-soc-axil-test: $(ZSOC_BUILD)/tb_host_axil_ok
	$(ZSOC_BUILD)/tb_host_axil_ok +seed=$(ZSOC_AXIL_SEED) +ops=$(ZSOC_AXIL_OPS)
	@$(MAKE) -s zynq-soc-axil-plant-test

# The planted bug (the byte strobes lost: every write writes the whole word)
zynq-soc-axil-plant-test: $(ZSOC_BUILD)/tb_host_axil_plant
	@if $(ZSOC_BUILD)/tb_host_axil_plant +seed=$(ZSOC_AXIL_SEED) +ops=2000 \
	    > $(ZSOC_BUILD)/plant.log 2>&1; then \
	  echo "zynq-soc-axil-plant-test: FAIL: the lost strobes went unnoticed"; exit 1; \
	elif grep -q "FAIL (cycle" $(ZSOC_BUILD)/plant.log; then \
	  echo "zynq-soc-axil-plant-test: planted bug caught: $$(grep -m1 'FAIL (cycle' $(ZSOC_BUILD)/plant.log)"; \
	else echo "zynq-soc-axil-plant-test: FAIL: the run failed without a check failing"; \
	  cat $(ZSOC_BUILD)/plant.log; exit 1; fi

# The whole board top with the real firmware: tests/rtl/soc/tb_soc.cpp built
# with TB_SOC_ZYNQ, every host access through the AXI4-Lite slave (not in
# make test: its model takes about a minute to build)
ZSOC_OBJ := $(ZSOC_BUILD)/obj
ZSOC_TEST_N ?= 12

$(ZSOC_OBJ)/Vnpe_soc_zynq_top__ALL.a: $(ZSOC_RTL) $(ENGINE_VLT)
	@$(DEPS) verilator
	@mkdir -p $(ZSOC_OBJ)
	nice -n 5 $(VERILATOR) --cc -O3 --x-assign unique --x-initial unique --assert +define+NPE_ASSERT \
	  --top-module npe_soc_zynq_top -Mdir $(ZSOC_OBJ) $(ENGINE_VLT) $(ZSOC_RTL)
	nice -n 5 $(MAKE) -s -C $(ZSOC_OBJ) -f Vnpe_soc_zynq_top.mk Vnpe_soc_zynq_top__ALL.a \
	  OPT_FAST=-O2 OPT_SLOW=-O1

$(ZSOC_BUILD)/tb_soc_zynq: tests/rtl/soc/tb_soc.cpp include/npe_soc.h \
    $(ZSOC_OBJ)/Vnpe_soc_zynq_top__ALL.a $(ZSOC_RT) $(GOLDEN_LIB)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) -DTB_SOC_ZYNQ $(ZSOC_TB_INC) -I$(ZSOC_OBJ) $(GOLDEN_INC) \
	  -Iinclude -o $@ $< $(ZSOC_OBJ)/Vnpe_soc_zynq_top__ALL.a $(ZSOC_RT) $(GOLDEN_LIB) -lpthread -lm

zynq-soc-test: $(ZSOC_BUILD)/tb_soc_zynq $(FW_SOC_ELF)
	$(ZSOC_BUILD)/tb_soc_zynq +quiet +seed=$(SOC_TEST_SEED) +n=$(ZSOC_TEST_N) $(FW_SOC_ELF)

# Yosys synth_xilinx of the board top, by module (as make zynq-synth: the
# totals are stat -top's "design hierarchy"; LUTs as memory and block RAM
# counted the same way)
ZSOC_YS := read_verilog -sv $(ZSOC_RTL); synth_xilinx -family xc7 -top npe_soc_zynq_top

$(ZSOC_BUILD)/stat.txt: $(ZSOC_RTL)
	@$(DEPS) yosys
	@mkdir -p $(@D)
	@echo "zynq-soc-synth: Yosys synth_xilinx of npe_soc_zynq_top (log $(ZSOC_BUILD)/yosys.log)"
	nice -n 5 yosys -q -l $(ZSOC_BUILD)/yosys.log -p '$(ZSOC_YS); tee -q -o $@.tmp stat -top npe_soc_zynq_top'
	mv $@.tmp $@

zynq-soc-synth: $(ZSOC_BUILD)/stat.txt
	@awk -v L=$(ZYNQ_PART_LUTS) -v F=$(ZYNQ_PART_FFS) -v B=$(ZYNQ_PART_BRAM) -v D=$(ZYNQ_PART_DSP) \
	  -v name=zynq_soc -v target=zynq-soc-synth -f fpga/zynq/xc7_util.awk $(ZSOC_BUILD)/stat.txt
	@# by block (the nonzero figures): the SoC and the host adapter, then the SoC's parts
	@{ $(PYTHON) tools/ppa/stat_blocks.py $(ZSOC_BUILD)/stat.txt npe_soc_zynq_top zynq_soc_top && \
	   $(PYTHON) tools/ppa/stat_blocks.py $(ZSOC_BUILD)/stat.txt npe_soc zynq_soc; } | \
	  grep -v ' 0 [A-Z]'

# A formal proof of the AXI4-Lite slave (tests/formal/npe_soc_host_axil_formal.sv,
# run by tests/formal/prove.sh as mk/formal.mk's harnesses: bmc3 to depth
# FORMAL_HOST_AXIL_DEPTH, then pdr for all depths) and the planted lost
# strobes, which must fail; part of make formal (about 45 s)
FORMAL_HOST_AXIL_DEPTH ?= 25
FORMAL_HOST_AXIL_SRC := fpga/rtl/npe_soc_host_axil.sv tests/formal/npe_soc_host_axil_formal.sv
.PHONY: formal-host-axil formal-planted-host-axil

formal-host-axil: check-deps-formal
	@$(FORMAL_PROVE) host_axil npe_soc_host_axil_formal $(FORMAL_HOST_AXIL_DEPTH) pass "" "" \
	  $(FORMAL_HOST_AXIL_SRC)

# the planted bugs: the byte strobes lost (NPE_PLANT_BUG_SOC_HOST_AXIL); a read
# address outside the window let through to the host port
FORMAL_SED_host_axil_decode := s/assign ar_in    = !s_axil_araddr\[RamAW\] || s_axil_araddr\[RamAW-1:12\] == .0;/assign ar_in    = 1'\''b1;/
formal-planted-host-axil: check-deps-formal
	@FORMAL_BUILD=$(FORMAL_BUILD) PDR_SECONDS=0 tests/formal/prove.sh planted_host_axil_strb \
	  npe_soc_host_axil_formal $(FORMAL_HOST_AXIL_DEPTH) fail "" "-DNPE_PLANT_BUG_SOC_HOST_AXIL" \
	  $(FORMAL_HOST_AXIL_SRC)
	$(call formal_plant,host_axil_decode,fpga/rtl/npe_soc_host_axil.sv,$(FORMAL_SED_host_axil_decode))
	@FORMAL_BUILD=$(FORMAL_BUILD) PDR_SECONDS=0 tests/formal/prove.sh planted_host_axil_decode \
	  npe_soc_host_axil_formal $(FORMAL_HOST_AXIL_DEPTH) fail "" "" \
	  $(FORMAL_PLANT)/host_axil_decode/npe_soc_host_axil.sv tests/formal/npe_soc_host_axil_formal.sv

formal: formal-host-axil formal-planted-host-axil

LINT_TARGETS  += zynq-soc-lint soc-ice40-lint
TEST_TARGETS  += zynq-soc-lint zynq-soc-axil-test
BENCH_TARGETS += soc-ice40-size zynq-soc-synth
