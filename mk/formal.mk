# SPDX-License-Identifier: Apache-2.0
# mk/formal.mk - formal checks of the AXI edge (tests/formal): proof
# harnesses for rtl/axi/npe_axil_slave.sv and rtl/axi/npe_axi_dma.sv, run by
# tests/formal/prove.sh (Yosys -formal; ABC bmc3 for the bounded check and
# pdr for an unbounded proof; yosys-smtbmc with z3 replays a counterexample
# into a VCD and names the assertion). The RTL files stay as they are; the
# planted bugs are sed-mutated copies under $(BUILD)/formal/planted, and each
# must fail. Included by the top Makefile after mk/rtl_axi.mk.
#
#   make formal        every harness at its full depth, every planted bug
#   make formal-smoke  (in make test) the fast proofs and one planted bug
#
# Depths (steps of the clock after reset) are stated per run below; each run
# prints "formal NAME: PASSED (... depth D, bmc3 T s; pdr ...)" and BENCH lines.

FORMAL_BUILD := $(BUILD)/formal
FORMAL_PROVE := FORMAL_BUILD=$(FORMAL_BUILD) tests/formal/prove.sh
# (pdr finds no unbounded proof of the whole DMA harness within minutes; the
# safety run tries each assertion alone for FORMAL_DMA_PDR_SECONDS)
FORMAL_DMA_PDR_SECONDS ?= 4
FORMAL_PROVE_DMA := FORMAL_BUILD=$(FORMAL_BUILD) PDR_SECONDS=0 tests/formal/prove.sh
FORMAL_PROVE_DMA_PDR := FORMAL_BUILD=$(FORMAL_BUILD) PDR_EACH=1 \
                        PDR_SECONDS=$(FORMAL_DMA_PDR_SECONDS) tests/formal/prove.sh
FORMAL_AXIL_SRC := $(AXI_PKG) rtl/axi/npe_axil_slave.sv tests/formal/npe_axil_slave_formal.sv
FORMAL_DMA_SRC  := $(AXI_PKG) $(AXI_DMA_RTL) tests/formal/npe_axi_dma_formal.sv
# The DMA harness's DUT: 13 address bits (two 4 KiB pages), 11 length bits
# (the fewest npe_axi_dma supports: a command of up to 256 beats), bursts of
# at most 4 beats, 2 bursts in flight each way.
FORMAL_DMA_PARAMS := -set AddrWidth 13 -set LenWidth 11 -set MaxBurstBeats 4 -set MaxInFlight 2
FORMAL_AXIL_DEPTH ?= 25
FORMAL_DMA_DEPTH ?= 10
FORMAL_DMA_FAIR_DEPTH ?= 10

.PHONY: formal formal-smoke check-deps-formal formal-axil formal-dma formal-dma-fair \
        formal-planted-axil formal-planted-dma

check-deps-formal:
	@$(DEPS) formal

formal-axil: check-deps-formal
	@$(FORMAL_PROVE) axil npe_axil_slave_formal $(FORMAL_AXIL_DEPTH) pass "" "" $(FORMAL_AXIL_SRC)

# safety under any legal slave and producer
formal-dma: check-deps-formal
	@$(FORMAL_PROVE_DMA_PDR) dma npe_axi_dma_formal $(FORMAL_DMA_DEPTH) pass "$(FORMAL_DMA_PARAMS)" "" \
	  $(FORMAL_DMA_SRC)

# the same under a fair slave and producer, with the progress properties
formal-dma-fair: check-deps-formal
	@$(FORMAL_PROVE_DMA) dma_fair npe_axi_dma_formal $(FORMAL_DMA_FAIR_DEPTH) pass "$(FORMAL_DMA_PARAMS)" \
	  "-DFORMAL_FAIR" $(FORMAL_DMA_SRC)

# Planted bugs: $(call formal_plant,name,rtl file,sed script) makes the copy.
FORMAL_SED_axil_rdata := s/StRResp: if (s_axil_rready) state_d = StIdle;/StRResp: begin rdata_d = reg_rdata_i; if (s_axil_rready) state_d = StIdle; end/
FORMAL_SED_dma_wlast  := s/assign m_axi_wlast     = (w_burst == 9.d1);/assign m_axi_wlast     = (w_burst == 9'\''d2);/
FORMAL_SED_dma_4k     := s/to_page = 10.d512 -/to_page = 10'\''d513 -/
FORMAL_SED_dma_window := s/else if (addr < base || last >/else if (1'\''b0 \&\& last >/
# (the bug the proof found: a range past 2^AddrWidth wraps to address 0)
FORMAL_SED_dma_wrap   := s/ || (last\[AddrWidth\] \&\& last\[AddrWidth-1:0\] != .0)//
FORMAL_PLANT := $(FORMAL_BUILD)/planted
define formal_plant
	@mkdir -p $(FORMAL_PLANT)/$(1)
	@sed -e '$(3)' $(2) > $(FORMAL_PLANT)/$(1)/$(notdir $(2))
	@! cmp -s $(2) $(FORMAL_PLANT)/$(1)/$(notdir $(2)) || \
	  { echo "formal: the sed script of planted bug $(1) no longer matches $(2)"; exit 1; }
endef

# npe_axil_slave: the read data changes while RVALID waits for RREADY
formal-planted-axil: check-deps-formal
	$(call formal_plant,axil_rdata,rtl/axi/npe_axil_slave.sv,$(FORMAL_SED_axil_rdata))
	@$(FORMAL_PROVE) planted_axil_rdata npe_axil_slave_formal $(FORMAL_AXIL_DEPTH) fail "" "" \
	  $(AXI_PKG) $(FORMAL_PLANT)/axil_rdata/npe_axil_slave.sv tests/formal/npe_axil_slave_formal.sv

# npe_axi_dma: WLAST a beat early; a burst may cross 4 KiB; no window check; a range
# past the top of the address space accepted (wraps to 0)
formal-planted-dma: check-deps-formal
	$(call formal_plant,dma_wlast,$(AXI_DMA_RTL),$(FORMAL_SED_dma_wlast))
	@$(FORMAL_PROVE_DMA) planted_dma_wlast npe_axi_dma_formal $(FORMAL_DMA_DEPTH) fail \
	  "$(FORMAL_DMA_PARAMS)" "" $(AXI_PKG) $(FORMAL_PLANT)/dma_wlast/npe_axi_dma.sv \
	  tests/formal/npe_axi_dma_formal.sv
	$(call formal_plant,dma_4k,$(AXI_DMA_RTL),$(FORMAL_SED_dma_4k))
	@$(FORMAL_PROVE_DMA) planted_dma_4k npe_axi_dma_formal $(FORMAL_DMA_DEPTH) fail \
	  "$(FORMAL_DMA_PARAMS)" "" $(AXI_PKG) $(FORMAL_PLANT)/dma_4k/npe_axi_dma.sv \
	  tests/formal/npe_axi_dma_formal.sv
	$(call formal_plant,dma_window,$(AXI_DMA_RTL),$(FORMAL_SED_dma_window))
	@$(FORMAL_PROVE_DMA) planted_dma_window npe_axi_dma_formal $(FORMAL_DMA_DEPTH) fail \
	  "$(FORMAL_DMA_PARAMS)" "" $(AXI_PKG) $(FORMAL_PLANT)/dma_window/npe_axi_dma.sv \
	  tests/formal/npe_axi_dma_formal.sv
	$(call formal_plant,dma_wrap,$(AXI_DMA_RTL),$(FORMAL_SED_dma_wrap))
	@$(FORMAL_PROVE_DMA) planted_dma_wrap npe_axi_dma_formal $(FORMAL_DMA_DEPTH) fail \
	  "$(FORMAL_DMA_PARAMS)" "" $(AXI_PKG) $(FORMAL_PLANT)/dma_wrap/npe_axi_dma.sv \
	  tests/formal/npe_axi_dma_formal.sv

formal: formal-axil formal-dma formal-dma-fair formal-planted-axil formal-planted-dma
	@echo "make formal: every proof holds and every planted bug is caught"

formal-smoke: formal-axil formal-planted-axil
	@echo "make formal-smoke: passed"

TEST_TARGETS += formal-smoke
BENCH_TARGETS += formal
