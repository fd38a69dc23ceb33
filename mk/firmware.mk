# SPDX-License-Identifier: Apache-2.0
# mk/firmware.mk - firmware/: bare-metal C for the RV32IM core beside the
# engine (issue 16; docs/CPU.md), built with Debian's gcc-riscv64-unknown-elf
# for -march=rv32im -mabi=ilp32, freestanding (no libc: crt0.S, link.ld and
# npe_fw_sys.c give the start, the console and the exit). The golden
# library's freestanding core and the driver's tiler are compiled into it
# from the same sources as the host's.
#
#   make firmware        build/firmware/*.elf
#   make firmware-test   tiler_check on qemu-riscv32 and natively on the host:
#                        the two outputs must be identical (part of make test)

BUILD ?= build
FW_BUILD := $(BUILD)/firmware
FW_INC   := -Ifirmware -Igolden/include -Igolden/src -Iinclude -Idriver/src
FW_CFLAGS := -std=c11 -Wall -Wextra -Werror -Os -march=rv32im -mabi=ilp32 -ffreestanding \
             -nostdlib -nostartfiles -static -T firmware/link.ld $(FW_INC)
# what every firmware program links: start-up, console, the shared code
FW_COMMON := firmware/crt0.S firmware/npe_fw_sys.c driver/src/npe_tiler.c driver/src/npe_recur_plan.c \
             $(patsubst %,golden/src/%.c,$(GOLDEN_CORE)) $(GOLDEN_TABLES) $(RECUR_SIG_C)
FW_HDRS   := firmware/npe_fw_sys.h driver/src/npe_tiler.h driver/src/npe_recur_plan.h $(GOLDEN_HDRS) include/npe_regs.h

.PHONY: firmware firmware-test

$(FW_BUILD)/%.elf: firmware/tests/%.c $(FW_COMMON) $(FW_HDRS) firmware/link.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(FW_CFLAGS) -o $@ $< $(FW_COMMON) -lgcc

# the same program for the host, to compare with
$(FW_BUILD)/%.host: firmware/tests/%.c $(filter %.c,$(FW_COMMON)) $(FW_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(FW_INC) -o $@ $< $(filter %.c,$(FW_COMMON))

firmware: $(FW_BUILD)/tiler_check.elf

firmware-test: $(FW_BUILD)/tiler_check.elf $(FW_BUILD)/tiler_check.host
	@qemu-riscv32 $(FW_BUILD)/tiler_check.elf > $(FW_BUILD)/tiler_check.rv32.txt
	@$(FW_BUILD)/tiler_check.host > $(FW_BUILD)/tiler_check.host.txt
	@if cmp -s $(FW_BUILD)/tiler_check.rv32.txt $(FW_BUILD)/tiler_check.host.txt; then \
	  echo "firmware-test: the tiler on RV32 (qemu-riscv32) plans $$(grep -c ' descs ' \
	    $(FW_BUILD)/tiler_check.host.txt) matmuls exactly as on the host"; \
	else echo "firmware-test: FAIL: RV32 and host differ:"; \
	  diff $(FW_BUILD)/tiler_check.rv32.txt $(FW_BUILD)/tiler_check.host.txt | head; exit 1; fi

TEST_TARGETS += firmware-test

# The SoC firmware (firmware/npe_fw_main.c, docs/SOC.md): the mailbox command
# loop with the HAL, its console on the mailbox (NPE_FW_SOC), unused
# sections dropped so the image fits the SoC's RAM above 0x10000; the
# planted build (NPE_FW_PLANT_BUG) drops the last n-block of every plan.
# The tiler's mat-vec row buffer (on the stack) holds 8 KiB, twice the SoC
# engine's B bank (the tiler answers UNSUPPORTED beyond it).
FW_SOC_SRC   := firmware/npe_fw_main.c firmware/npe_hal.c
FW_SOC_HDRS  := firmware/npe_hal.h include/npe_soc.h
FW_SOC_OPT   ?= -O2 -finline-limit=2000
FW_SOC_FLAGS := $(subst -Os,$(FW_SOC_OPT),$(subst firmware/link.ld,firmware/link_soc.ld,$(FW_CFLAGS))) -DNPE_FW_SOC \
                -DNPE_TILER_MV_ROW_BYTES=8192 \
                -ffunction-sections -fdata-sections -Wl,--gc-sections -Wl,--no-warn-rwx-segments
FW_SOC_ELF   := $(FW_BUILD)/npe_soc_fw.elf

$(FW_BUILD)/npe_soc_fw.elf: $(FW_SOC_SRC) $(FW_SOC_HDRS) $(FW_COMMON) $(FW_HDRS) firmware/link_soc.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(FW_SOC_FLAGS) -o $@ $(FW_SOC_SRC) $(FW_COMMON) -lgcc

$(FW_BUILD)/npe_soc_fw_plant.elf: $(FW_SOC_SRC) $(FW_SOC_HDRS) $(FW_COMMON) $(FW_HDRS) firmware/link_soc.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(FW_SOC_FLAGS) -DNPE_FW_PLANT_BUG -o $@ $(FW_SOC_SRC) $(FW_COMMON) -lgcc

# The planted K-tile bug (NPE_FW_PLANT_KTILE_BUG, in npe_hal.c): the
# MATMULs lose FLAGS.ACCUM, so every K tile starts from zero.
$(FW_BUILD)/npe_soc_fw_plant_ktile.elf: $(FW_SOC_SRC) $(FW_SOC_HDRS) $(FW_COMMON) $(FW_HDRS) firmware/link_soc.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(FW_SOC_FLAGS) -DNPE_FW_PLANT_KTILE_BUG -o $@ $(FW_SOC_SRC) $(FW_COMMON) -lgcc

# The planted recurrence bug (NPE_FW_PLANT_RECUR_BUG): a sequence's later
# chunks start from zero instead of the state the previous RECUR left (KEEP).
$(FW_BUILD)/npe_soc_fw_plant_recur.elf: $(FW_SOC_SRC) $(FW_SOC_HDRS) $(FW_COMMON) $(FW_HDRS) firmware/link_soc.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(FW_SOC_FLAGS) -DNPE_FW_PLANT_RECUR_BUG -o $@ $(FW_SOC_SRC) $(FW_COMMON) -lgcc

# The firmware that polls the engine's CSRs instead of sleeping until its
# interrupt (NPE_FW_POLL: the loop before the interrupt was wired), for the
# comparison in make soc-bench.
$(FW_BUILD)/npe_soc_fw_poll.elf: $(FW_SOC_SRC) $(FW_SOC_HDRS) $(FW_COMMON) $(FW_HDRS) firmware/link_soc.ld | cpu-deps
	@mkdir -p $(@D)
	$(RV_CC) $(FW_SOC_FLAGS) -DNPE_FW_POLL -o $@ $(FW_SOC_SRC) $(FW_COMMON) -lgcc

firmware: $(FW_SOC_ELF)
