# SPDX-License-Identifier: Apache-2.0
# mk/cpu.mk - rtl/cpu: the RV32IM core (npe_rv32_core), its lint, its
# Verilator bench (tests/rtl/cpu/tb_cpu.cpp) and the ISA tests against
# qemu-riscv32 (tools/cpu/run_isa_tests.py; docs/CPU.md). Included by the top
# Makefile after mk/rtl_axi.mk (VERILATOR, ENGINE_CXX).
#
#   make cpu-lint          verilator --lint-only -Wall (plain, asserting, planted)
#   make cpu-test          directed tests + 1000 random programs vs qemu, the trap
#                          test, and the planted SRA bug (must be caught)
#   make cpu-fuzz          CPU_FUZZ_PROGRAMS (20000) random programs, seed CPU_FUZZ_SEED
#   make cpu-bench         BENCH cpu_cpi_* on the hot loop, cpu_ice40_lc (iCE40 size)

CPU_BUILD := $(BUILD)/cpu
CPU_RTL   := rtl/cpu/npe_rv32_alu.sv rtl/cpu/npe_rv32_regfile.sv rtl/cpu/npe_rv32_muldiv.sv \
             rtl/cpu/npe_rv32_decoder.sv rtl/cpu/npe_rv32_core.sv
CPU_VFLAGS := --cc -O3 --assert +define+NPE_ASSERT --x-assign unique --x-initial unique \
              -GMtvecReset=32\'h100 --top-module npe_rv32_core
CPU_TB_INC := -I$(VERILATOR_INC) -I$(VERILATOR_INC)/vltstd
CPU_RT     := $(CPU_BUILD)/verilated.o $(CPU_BUILD)/verilated_threads.o
RV_CC      ?= riscv64-unknown-elf-gcc
RV_FLAGS   := -march=rv32im_zicsr -mabi=ilp32 -nostdlib -nostartfiles -static \
              -T tests/rtl/cpu/link.ld
CPU_RUN    := $(PYTHON) tools/cpu/run_isa_tests.py --cc $(RV_CC) --jobs 2
CPU_TEST_SEED     ?= 1
CPU_TEST_PROGRAMS ?= 3000
CPU_FUZZ_SEED     ?= $(shell date +%s)
CPU_FUZZ_PROGRAMS ?= 20000

.PHONY: cpu-lint cpu-test cpu-isa-test cpu-trap-test cpu-planted-test cpu-fuzz cpu-bench cpu-deps

# The cross compiler and qemu-riscv32 (installed when missing, or the command printed)
cpu-deps:
	@$(DEPS) riscv pkg:qemu-user python3

cpu-lint:
	$(VERILATOR) --lint-only -Wall --top-module npe_rv32_core $(CPU_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT --top-module npe_rv32_core $(CPU_RTL)
	$(VERILATOR) --lint-only -Wall +define+NPE_ASSERT +define+NPE_PLANT_BUG_SRA \
	  --top-module npe_rv32_core $(CPU_RTL)
LINT_TARGETS += cpu-lint

$(CPU_BUILD)/%.o: $(VERILATOR_INC)/%.cpp
	@mkdir -p $(@D)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(CPU_TB_INC) -c -o $@ $<

# $(1): build folder, $(2): extra Verilator flags
define cpu_tb_rules
$(1)/Vnpe_rv32_core__ALL.a: $(CPU_RTL)
	@$$(DEPS) verilator
	@mkdir -p $(1)
	$(VERILATOR) $(CPU_VFLAGS) $(2) -Mdir $(1) $(CPU_RTL)
	$$(MAKE) -s -C $(1) -f Vnpe_rv32_core.mk Vnpe_rv32_core__ALL.a OPT_FAST=-O2

$(1)/tb_cpu: tests/rtl/cpu/tb_cpu.cpp $(1)/Vnpe_rv32_core__ALL.a $(CPU_RT)
	$(ENGINE_CXX) $(ENGINE_CXXFLAGS) $(CPU_TB_INC) -I$(1) -o $$@ $$< \
	  $(1)/Vnpe_rv32_core__ALL.a $(CPU_RT) -lpthread
endef
$(eval $(call cpu_tb_rules,$(CPU_BUILD)/ok,))
$(eval $(call cpu_tb_rules,$(CPU_BUILD)/planted,+define+NPE_PLANT_BUG_SRA))

CPU_TB := $(CPU_BUILD)/ok/tb_cpu

# Directed tests, then seeded random programs; each program's registers and
# memory signature from the core must equal qemu-riscv32's. Half the random
# files run with random memory wait states.
cpu-isa-test: $(CPU_TB) cpu-lint | cpu-deps
	$(CPU_RUN) --tb $(CPU_TB) --work $(CPU_BUILD)/isa --directed \
	  --random $(CPU_TEST_PROGRAMS) --seed $(CPU_TEST_SEED)

# Traps, CSRs and the interrupt: a self-checking program for the core only
# (qemu-user runs no machine-mode code).
$(CPU_BUILD)/trap_test.elf: tests/rtl/cpu/trap_test.S tests/rtl/cpu/link.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(RV_FLAGS) -o $@ $<

cpu-trap-test: $(CPU_TB) $(CPU_BUILD)/trap_test.elf
	$(CPU_TB) $(CPU_BUILD)/trap_test.elf
	$(CPU_TB) +stall=30 +seed=7 $(CPU_BUILD)/trap_test.elf

# The planted bug (SRA computed as SRL) must make the comparison fail.
cpu-planted-test: $(CPU_BUILD)/planted/tb_cpu
	@if $(CPU_RUN) --tb $(CPU_BUILD)/planted/tb_cpu --work $(CPU_BUILD)/planted/isa --directed \
	    --random 0 --quiet > $(CPU_BUILD)/planted.log 2>&1; then \
	  echo "cpu-planted-test: FAIL: the planted SRA bug went unnoticed"; exit 1; \
	elif grep -q "MISMATCH" $(CPU_BUILD)/planted.log; then \
	  echo "cpu-planted-test: planted bug caught: $$(grep -m1 MISMATCH $(CPU_BUILD)/planted.log)"; \
	else echo "cpu-planted-test: FAIL: the run failed without a mismatch"; \
	  cat $(CPU_BUILD)/planted.log; exit 1; fi

cpu-test: cpu-isa-test cpu-trap-test cpu-planted-test
TEST_TARGETS += cpu-test

cpu-fuzz: $(CPU_TB) | cpu-deps
	$(CPU_RUN) --tb $(CPU_TB) --work $(CPU_BUILD)/fuzz --random $(CPU_FUZZ_PROGRAMS) \
	  --seed $(CPU_FUZZ_SEED)

# ---------------------------------------------------------------------------
# Benchmarks: CPI of the hot loop (no wait states, then 30 % random wait
# states) and the core's size on the iCE40 (yosys synth_ice40, logic cells)
# ---------------------------------------------------------------------------
$(CPU_BUILD)/bench_loop.elf: tests/rtl/cpu/bench_loop.S tests/rtl/cpu/link.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(RV_FLAGS) -o $@ $<

cpu-bench: $(CPU_TB) $(CPU_BUILD)/bench_loop.elf
	@qemu-riscv32 $(CPU_BUILD)/bench_loop.elf
	@$(CPU_TB) +stats $(CPU_BUILD)/bench_loop.elf 2>&1 | \
	  sed -n 's/.* CPI \([0-9.]*\)/BENCH cpu_cpi_loop \1 cycles\/instr/p'
	@$(CPU_TB) +stats +stall=30 $(CPU_BUILD)/bench_loop.elf 2>&1 | \
	  sed -n 's/.* CPI \([0-9.]*\)/BENCH cpu_cpi_loop_stall30 \1 cycles\/instr/p'
	@yosys -q -p "read_verilog -sv $(CPU_RTL); synth_ice40 -top npe_rv32_core; \
	  tee -q -o $(CPU_BUILD)/ice40_stat.txt stat" > $(CPU_BUILD)/ice40.log 2>&1
	@awk '/SB_LUT4/ {l=$$2} /SB_CARRY/ {c=$$2} /SB_DFF/ {d+=$$2} /SB_RAM40_4K/ {r=$$2} \
	  END {print "BENCH cpu_ice40_luts " l " SB_LUT4"; print "BENCH cpu_ice40_dffs " d " SB_DFF*"; \
	  print "BENCH cpu_ice40_carry " c " SB_CARRY"; print "BENCH cpu_ice40_ram " (r+0) " SB_RAM40_4K"}' \
	  $(CPU_BUILD)/ice40_stat.txt
BENCH_TARGETS += cpu-bench
