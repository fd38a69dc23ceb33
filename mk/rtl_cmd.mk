# SPDX-License-Identifier: Apache-2.0
# mk/rtl_cmd.mk - the command processor (rtl/engine/npe_cmd.sv) on its own:
# Verilator testbench against fake units and a reference model of the
# dispatch rules, assertions on; and the same bench on a copy of npe_cmd
# with a planted scoreboard bug, which the assertions (and the bench) must
# catch. Included by the top Makefile after mk/rtl_axi.mk (AXI_RT).
#
#   make cmd-test     tb_cmd (300 random rings) and the planted-bug run

CMD_BUILD := $(BUILD)/rtl_cmd
CMD_VFLAGS := --cc -O3 --assert +define+NPE_ASSERT --x-assign unique --x-initial unique \
              -Wno-fatal --top-module npe_cmd
CMD_RTL := rtl/npe_pkg.sv rtl/engine/npe_cmd.sv
CMD_TB_INC := -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd -Iinclude

.PHONY: cmd-test

# $(1): build folder, $(2): extra Verilator flags
define cmd_tb_rules
$(1)/Vnpe_cmd__ALL.a: $(CMD_RTL)
	@$$(DEPS) verilator
	@mkdir -p $(1)
	$(VERILATOR) $(CMD_VFLAGS) $(2) -Mdir $(1) $(CMD_RTL)
	$$(MAKE) -s -C $(1) -f Vnpe_cmd.mk Vnpe_cmd__ALL.a OPT_FAST=-O1

$(1)/tb_cmd: tests/rtl/cmd/tb_cmd.cpp $(1)/Vnpe_cmd__ALL.a $(AXI_RT) include/npe_regs.h
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(AXI_VDEFS) $(CMD_TB_INC) -I$(1) -o $$@ $$< \
	  $(1)/Vnpe_cmd__ALL.a $(AXI_RT) -lpthread
endef
$(eval $(call cmd_tb_rules,$(CMD_BUILD)/ok,))
$(eval $(call cmd_tb_rules,$(CMD_BUILD)/planted,+define+NPE_PLANT_BUG_SCOREBOARD))

# The planted bug (npe_cmd ignores the output buffers in its scoreboard)
# must stop the run with an assertion (Verilator prints "Assertion failed").
cmd-test: $(CMD_BUILD)/ok/tb_cmd $(CMD_BUILD)/planted/tb_cmd
	$(CMD_BUILD)/ok/tb_cmd +seed=1 +scenarios=300
	@if $(CMD_BUILD)/planted/tb_cmd +seed=1 +scenarios=300 > $(CMD_BUILD)/planted.log 2>&1; then \
	  echo "cmd-test: FAIL: the planted scoreboard bug went unnoticed"; exit 1; \
	elif grep -q "Assertion failed" $(CMD_BUILD)/planted.log; then \
	  echo "cmd-test: planted scoreboard bug caught: $$(grep -m1 'Assertion failed' $(CMD_BUILD)/planted.log)"; \
	else echo "cmd-test: FAIL: the planted bug failed the run but no assertion fired"; \
	  cat $(CMD_BUILD)/planted.log; exit 1; fi

TEST_TARGETS += cmd-test
