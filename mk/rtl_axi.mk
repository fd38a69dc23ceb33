# SPDX-License-Identifier: Apache-2.0
# mk/rtl_axi.mk - the AXI edge of the engine (rtl/axi): lint and the CSR and
# DMA testbenches (tests/rtl/axi). Included by the top Makefile; every path is
# relative to the repository root.
#
#   make axi-lint      verilator --lint-only -Wall of rtl/axi and the package
#   make axi-test      build and run the CSR and DMA testbenches under $(BUILD)/axi

BUILD ?= build
VERILATOR ?= verilator
VERILATOR_INC ?= /usr/share/verilator/include
ENGINE_CXX ?= g++
ENGINE_CXXFLAGS ?= -O2 -std=c++17 -Wall
AXI_TEST_ARGS ?=

AXI_BUILD := $(BUILD)/axi
AXI_PKG := rtl/npe_pkg.sv
AXI_DMA_RTL := rtl/axi/npe_axi_dma.sv
AXI_RTL := rtl/axi/npe_axil_slave.sv rtl/axi/npe_csr.sv $(AXI_DMA_RTL)
AXI_VFLAGS := --cc -O3 --assert -DNPE_ASSERT --x-assign unique --x-initial unique \
              -Irtl -Irtl/axi
AXI_VDEFS := -DVM_COVERAGE=0 -DVM_SC=0 -DVM_TRACE=0 -DVM_TRACE_FST=0 -DVM_TRACE_VCD=0
AXI_TB_INC := -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd -Isim -Iinclude
AXI_RT := $(AXI_BUILD)/rt/verilated.o $(AXI_BUILD)/rt/verilated_threads.o

.PHONY: axi-lint axi-test axi-clean

axi-lint: $(AXI_PKG) $(AXI_RTL)
	$(VERILATOR) --lint-only -Wall $(AXI_PKG) $(AXI_RTL) --top-module npe_axil_slave
	$(VERILATOR) --lint-only -Wall $(AXI_PKG) $(AXI_RTL) --top-module npe_csr
	$(VERILATOR) --lint-only -Wall $(AXI_PKG) $(AXI_RTL) --top-module npe_axi_dma
	$(VERILATOR) --lint-only -Wall -DNPE_ASSERT --assert $(AXI_PKG) $(AXI_RTL) \
	  tests/rtl/axi/tb_axil_csr.sv --top-module tb_axil_csr -Wno-SYNCASYNCNET

axi-test: $(AXI_BUILD)/tb_csr $(AXI_BUILD)/tb_dma $(AXI_BUILD)/tb_dma_small
	$(AXI_BUILD)/tb_csr $(AXI_TEST_ARGS)
	$(AXI_BUILD)/tb_dma $(AXI_TEST_ARGS)
	$(AXI_BUILD)/tb_dma_small $(AXI_TEST_ARGS)

axi-clean:
	rm -rf $(AXI_BUILD)

# Verilator runtime, compiled once.
$(AXI_BUILD)/rt/%.o: $(VERILATOR_INC)/%.cpp
	@mkdir -p $(@D)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(AXI_VDEFS) $(AXI_TB_INC) -c $< -o $@

# $(call axi_model,name,top,sources,extra verilator flags): builds
# $(AXI_BUILD)/name/V<top>__ALL.a from the sources.
define axi_model
$(AXI_BUILD)/$(1)/V$(2)__ALL.a: $(3)
	@mkdir -p $(AXI_BUILD)/$(1)
	$(VERILATOR) $(AXI_VFLAGS) $(4) --Mdir $(AXI_BUILD)/$(1) --top-module $(2) $(3)
	$$(MAKE) -s -C $(AXI_BUILD)/$(1) -f V$(2).mk V$(2)__ALL.a
endef

$(eval $(call axi_model,csr,tb_axil_csr,$(AXI_PKG) $(AXI_RTL) tests/rtl/axi/tb_axil_csr.sv,))
$(eval $(call axi_model,dma,npe_axi_dma,$(AXI_PKG) $(AXI_DMA_RTL),))
$(eval $(call axi_model,dma_small,npe_axi_dma,$(AXI_PKG) $(AXI_DMA_RTL),\
  -GAddrWidth=40 -GMaxBurstBeats=16 -GMaxReadsInFlight=2 -GMaxWritesInFlight=1 \
  -GIdWidth=2 -GAxiId=3))

$(AXI_BUILD)/tb_csr: tests/rtl/axi/tb_csr.cpp $(AXI_BUILD)/csr/Vtb_axil_csr__ALL.a $(AXI_RT) \
                     include/npe_regs.h
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(AXI_VDEFS) $(AXI_TB_INC) -I$(AXI_BUILD)/csr \
	  $< $(AXI_BUILD)/csr/Vtb_axil_csr__ALL.a $(AXI_RT) -o $@ -lstdc++ -lpthread -lm

$(AXI_BUILD)/tb_dma: tests/rtl/axi/tb_dma.cpp sim/axi_mem.cpp sim/axi_mem.h \
                     $(AXI_BUILD)/dma/Vnpe_axi_dma__ALL.a $(AXI_RT) include/npe_regs.h
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(AXI_VDEFS) $(AXI_TB_INC) -I$(AXI_BUILD)/dma \
	  $< sim/axi_mem.cpp $(AXI_BUILD)/dma/Vnpe_axi_dma__ALL.a $(AXI_RT) -o $@ \
	  -lstdc++ -lpthread -lm

$(AXI_BUILD)/tb_dma_small: tests/rtl/axi/tb_dma.cpp sim/axi_mem.cpp sim/axi_mem.h \
                           $(AXI_BUILD)/dma_small/Vnpe_axi_dma__ALL.a $(AXI_RT) \
                           include/npe_regs.h
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(AXI_VDEFS) $(AXI_TB_INC) -I$(AXI_BUILD)/dma_small \
	  -DTB_MAX_BURST=16 -DTB_ADDR_BITS=40 \
	  $< sim/axi_mem.cpp $(AXI_BUILD)/dma_small/Vnpe_axi_dma__ALL.a $(AXI_RT) -o $@ \
	  -lstdc++ -lpthread -lm

TEST_TARGETS += axi-test
LINT_TARGETS += axi-lint
