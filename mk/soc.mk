# SPDX-License-Identifier: Apache-2.0
# mk/soc.mk - rtl/soc: the SoC (npe_soc: the RV32IM core, on-chip RAM, the
# engine, the host mailbox; docs/SOC.md), its lint, its Verilated model and
# the bench that runs the real firmware (firmware/npe_fw_main.c) on it as
# the host would (tests/rtl/soc/tb_soc.cpp). Included by the top Makefile
# after mk/cpu.mk and mk/firmware.mk (CPU_RTL, FW_* variables).
#
#   make soc-lint     verilator --lint-only -Wall of npe_soc (plain, asserting, planted)
#   make soc-compat-check  Yosys elaboration and an Icarus compile of npe_soc
#   make soc-test     the firmware ELF on the Verilated SoC: random matmuls in
#                     every format pair, K-tiled ones (K 2-3x the scratchpads,
#                     Sherry B, M = 1) and DIAG / GRU / LSTM sequences bit-exact
#                     against the golden model, malformed requests, the engine's
#                     interrupts counted; the planted firmware bugs (soc-plant-test,
#                     soc-plant-recur-test), the planted adapter bug
#                     (soc-plant-rtl-test), the unwired engine interrupt
#                     (soc-plant-irq-test) and the dropped K-tile ACCUM flag
#                     (soc-plant-ktile-test) must be caught
#   make soc-soak     more random requests (SOC_SOAK_N, seed SOC_SOAK_SEED)
#   make soc-bench    BENCH lines: firmware-driven matmuls and DIAG sequences, the
#                     core's CPI, interrupts and CSR reads; the polling firmware

SOC_BUILD := $(BUILD)/soc
SOC_OBJ   := $(SOC_BUILD)/obj
SOC_RTL   := $(ENGINE_RTL) $(CPU_RTL) rtl/soc/npe_soc_ram.sv rtl/soc/npe_soc_ram_arb.sv \
             rtl/soc/npe_soc_axi_ram.sv rtl/soc/npe_soc_axil_master.sv \
             rtl/soc/npe_soc_mailbox.sv rtl/soc/npe_soc.sv
SOC_TB_INC := -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd -I$(SOC_OBJ) $(GOLDEN_INC) -Iinclude
SOC_RT     := $(SOC_BUILD)/verilated.o $(SOC_BUILD)/verilated_threads.o
SOC_TEST_SEED ?= 1
SOC_TEST_N    ?= 30
SOC_SOAK_SEED ?= $(shell date +%s)
SOC_SOAK_N    ?= 1000

.PHONY: soc-lint soc-compat-check soc-model soc-test soc-plant-test soc-plant-rtl-test \
        soc-plant-irq-test soc-plant-recur-test soc-plant-ktile-test soc-soak soc-bench

soc-lint:
	$(VERILATOR) --lint-only -Wall --top-module npe_soc $(ENGINE_VLT) $(SOC_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT --top-module npe_soc $(ENGINE_VLT) $(SOC_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT +define+NPE_PLANT_BUG_SOC_STRB \
	  --top-module npe_soc $(ENGINE_VLT) $(SOC_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT +define+NPE_PLANT_BUG_SOC_NO_ENG_IRQ \
	  --top-module npe_soc $(ENGINE_VLT) $(SOC_RTL)
LINT_TARGETS += soc-lint

# The house subset: Yosys reads, elaborates and proc's npe_soc; Icarus compiles it
soc-compat-check: $(SOC_RTL)
	@$(DEPS) yosys iverilog
	@mkdir -p $(SOC_BUILD)
	@rm -f $(SOC_BUILD)/npe_soc.vvp
	nice yosys -q -l $(SOC_BUILD)/yosys_check.log \
	  -p 'read_verilog -sv $(SOC_RTL); hierarchy -check -top npe_soc; proc'
	iverilog -g2012 -o $(SOC_BUILD)/npe_soc.vvp -s npe_soc $(SOC_RTL) 2>&1 | \
	  grep -v 'sorry: \(constant selects\|Case unique\)' || true
	@test -s $(SOC_BUILD)/npe_soc.vvp
	@echo "soc-compat-check: npe_soc elaborated by Yosys and compiled by Icarus"
TEST_TARGETS += soc-compat-check

# $(call soc_model,OBJ_DIR,DEFINES,OPT_FAST): the Verilated npe_soc in OBJ_DIR
# (assertions on), with extra +define+s for the planted builds
define soc_model
$(1)/Vnpe_soc__ALL.a: $$(SOC_RTL) $$(ENGINE_VLT)
	@$$(DEPS) verilator
	@mkdir -p $(1)
	$$(VERILATOR) --cc -O3 --x-assign unique --x-initial unique --assert +define+NPE_ASSERT $(2) \
	  --top-module npe_soc -Mdir $(1) $$(ENGINE_VLT) $$(SOC_RTL)
	$$(MAKE) -s -C $(1) -f Vnpe_soc.mk Vnpe_soc__ALL.a OPT_FAST=$(3) OPT_SLOW=-O1
endef

$(eval $(call soc_model,$(SOC_OBJ),,-O2))
soc-model: $(SOC_OBJ)/Vnpe_soc__ALL.a

# The planted RTL bug: npe_soc_axi_ram drops the strobe of byte lane 7
SOC_OBJ_PLANT := $(SOC_BUILD)/obj_plant
$(eval $(call soc_model,$(SOC_OBJ_PLANT),+define+NPE_PLANT_BUG_SOC_STRB,-O2))

# The planted wiring bug: the engine's interrupt does not reach the core
SOC_OBJ_PLANT_IRQ := $(SOC_BUILD)/obj_plant_irq
$(eval $(call soc_model,$(SOC_OBJ_PLANT_IRQ),+define+NPE_PLANT_BUG_SOC_NO_ENG_IRQ,-O1))

$(SOC_BUILD)/%.o: $(VERILATOR_INC)/%.cpp $(SOC_OBJ)/Vnpe_soc__ALL.a
	@mkdir -p $(@D)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(SOC_TB_INC) -c -o $@ $<

$(SOC_BUILD)/tb_soc: tests/rtl/soc/tb_soc.cpp include/npe_soc.h $(SOC_OBJ)/Vnpe_soc__ALL.a \
                     $(SOC_RT) $(GOLDEN_LIB)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(SOC_TB_INC) -o $@ $< $(SOC_OBJ)/Vnpe_soc__ALL.a \
	  $(SOC_RT) $(GOLDEN_LIB) -lpthread -lm

SOC_TB := $(SOC_BUILD)/tb_soc

$(SOC_BUILD)/tb_soc_plant: tests/rtl/soc/tb_soc.cpp include/npe_soc.h $(SOC_OBJ_PLANT)/Vnpe_soc__ALL.a \
                           $(SOC_RT) $(GOLDEN_LIB)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(subst $(SOC_OBJ),$(SOC_OBJ_PLANT),$(SOC_TB_INC)) -o $@ $< \
	  $(SOC_OBJ_PLANT)/Vnpe_soc__ALL.a $(SOC_RT) $(GOLDEN_LIB) -lpthread -lm

$(SOC_BUILD)/tb_soc_plant_irq: tests/rtl/soc/tb_soc.cpp include/npe_soc.h \
                               $(SOC_OBJ_PLANT_IRQ)/Vnpe_soc__ALL.a $(SOC_RT) $(GOLDEN_LIB)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(subst $(SOC_OBJ),$(SOC_OBJ_PLANT_IRQ),$(SOC_TB_INC)) -o $@ $< \
	  $(SOC_OBJ_PLANT_IRQ)/Vnpe_soc__ALL.a $(SOC_RT) $(GOLDEN_LIB) -lpthread -lm

# $(call soc_must_mismatch,TARGET,TB,ARGS,ELF,WHAT): a planted bug's run of
# TB with ARGS on ELF passes only when it fails with a MISMATCH line (the bug
# caught); a clean pass (WHAT went unnoticed) or another failure fails it.
# +stop_first: the run ends at the first job after a mismatch.
define soc_must_mismatch
	@if $(2) +quiet +stop_first $(3) +seed=$(SOC_TEST_SEED) $(4) > $(SOC_BUILD)/$(1).log 2>&1; then \
	  echo "$(1): FAIL: $(5) went unnoticed"; exit 1; \
	elif grep -q MISMATCH $(SOC_BUILD)/$(1).log; then \
	  echo "$(1): planted bug caught: $$(grep -m1 MISMATCH $(SOC_BUILD)/$(1).log)"; \
	else echo "$(1): FAIL: the run failed without a mismatch"; \
	  cat $(SOC_BUILD)/$(1).log; exit 1; fi
endef

# The engine's interrupt left unwired must fail: the firmware sleeps until
# it, so the matmul times out (one job: the time-out costs ~2 M cycles).
soc-plant-irq-test: $(SOC_BUILD)/tb_soc_plant_irq $(FW_SOC_ELF)
	$(call soc_must_mismatch,soc-plant-irq-test,$(SOC_BUILD)/tb_soc_plant_irq,+no_bad +no_recur +no_ktile +n=1,$(FW_SOC_ELF),the unwired engine interrupt)

# The planted recurrence bug (a later chunk starts from zero, not KEEP) must
# fail: the recurrence requests only.
soc-plant-recur-test: $(SOC_TB) $(FW_BUILD)/npe_soc_fw_plant_recur.elf
	$(call soc_must_mismatch,soc-plant-recur-test,$(SOC_TB),+no_bad +no_ktile +n=0,$(FW_BUILD)/npe_soc_fw_plant_recur.elf,the planted recurrence bug)

# The planted adapter bug (a dropped write strobe) must fail too.
soc-plant-rtl-test: $(SOC_BUILD)/tb_soc_plant $(FW_SOC_ELF)
	$(call soc_must_mismatch,soc-plant-rtl-test,$(SOC_BUILD)/tb_soc_plant,+no_bad +no_recur +no_ktile +n=6,$(FW_SOC_ELF),the dropped strobe)

# The planted K-tile bug (the MATMULs' FLAGS.ACCUM dropped: each K tile
# starts from zero) must fail: the K-tiled matmuls only.
soc-plant-ktile-test: $(SOC_TB) $(FW_BUILD)/npe_soc_fw_plant_ktile.elf
	$(call soc_must_mismatch,soc-plant-ktile-test,$(SOC_TB),+no_bad +no_recur +n=0,$(FW_BUILD)/npe_soc_fw_plant_ktile.elf,the planted K-tile bug)

# The planted firmware (the last n-block of every plan dropped) must fail.
soc-plant-test: $(SOC_TB) $(FW_BUILD)/npe_soc_fw_plant.elf
	$(call soc_must_mismatch,soc-plant-test,$(SOC_TB),+no_bad +no_recur +no_ktile +n=12,$(FW_BUILD)/npe_soc_fw_plant.elf,the planted firmware bug)

soc-test: $(SOC_TB) $(FW_SOC_ELF)
	$(SOC_TB) +quiet +seed=$(SOC_TEST_SEED) +n=$(SOC_TEST_N) $(FW_SOC_ELF)
	@$(MAKE) -s soc-plant-test soc-plant-rtl-test soc-plant-irq-test soc-plant-recur-test \
	  soc-plant-ktile-test
TEST_TARGETS += soc-test

soc-soak: $(SOC_TB) $(FW_SOC_ELF)
	$(SOC_TB) +quiet +seed=$(SOC_SOAK_SEED) +n=$(SOC_SOAK_N) $(FW_SOC_ELF)

# BENCH lines: firmware-driven matmuls (cycles, descriptors, host-link bytes)
soc-bench: $(SOC_TB) $(FW_SOC_ELF) $(FW_BUILD)/npe_soc_fw_poll.elf
	@$(SOC_TB) +bench $(FW_SOC_ELF) | grep '^BENCH'
	@$(SOC_TB) +bench +poll $(FW_BUILD)/npe_soc_fw_poll.elf | grep '^BENCH soc_poll_'
BENCH_TARGETS += soc-bench
