# SPDX-License-Identifier: Apache-2.0
# mk/driver.mk - driver/: libnpe (the C driver), its tests (tests/driver)
# and the engine benches through it. Included by the top Makefile after
# mk/sim_lib.mk and mk/engine_test.mk (SIM_LIBS, DRIVER_CFLAGS).
#
#   make libnpe        build/lib/libnpe.a: driver + models + golden + libnpesim, one archive
#   make driver-test   Check tests through the public API (plain and ASan+UBSan), uart: transport,
#                      offload-test (matmuls through the SoC's firmware, sim:?build=soc, plain and
#                      ASan+UBSan, and its planted firmware bug, soc-driver-plant-test),
#                      and rnn-test
#   make rnn-test      sequences through the recurrence unit (npe_rnn), plain and ASan+UBSan
#   make gla-test      Gated Linear Attention (npe_gla) on the engine, plain and ASan+UBSan
#   make uio-test      the uio: transport against a fake UIO device (plain and ASan+UBSan), the
#                      engine's and the SoC's (soc=1), and uio-soc-plant-test (planted transport bugs)
#   make gla-bench     BENCH lines: GLA cycles per token (also in engine-bench)
#   make offload-bench BENCH lines: host-link bytes, frames and cycles of a matmul, host-driven
#                      versus through the SoC's firmware (sim:?build=soc)
#   make engine-bench  BENCH lines: engine utilisation and driver overhead, XBAR cycles, demo time
#   make sim-speed     BENCH lines: simulator cycles per CPU second, demo matmul and a GRU

LIBNPE_SRCS := driver/src/npe_dev.c driver/src/npe_matmul.c driver/src/npe_energy_estimate.c \
               driver/src/npe_tiler.c driver/src/npe_ring.c driver/src/npe_transport_sim.c \
               driver/src/npe_transport_uart.c driver/src/npe_rnn.c driver/src/npe_rnn_quant.c driver/src/npe_gla_engine.c \
               driver/src/npe_uri.c driver/src/npe_link.c driver/src/npe_transport_ftdi.c \
               driver/src/npe_transport_uio.c driver/src/npe_offload.c driver/src/npe_recur_plan.c
LIBNPE_HDRS := driver/include/npe.h include/npe_regs.h include/npe_link_proto.h include/npe_soc.h \
               $(MODELS_HDRS) \
               $(wildcard driver/src/*.h) sim/npesim.h
# what `make install` puts in include/: npe.h and the headers it includes
PUBLIC_HDRS := driver/include/npe.h models/energy/npe_energy.h golden/include/npe_format.h \
               golden/include/npe_nlu.h golden/include/npe_recur.h golden/include/npe_gla.h
LIBNPE_OBJS     := $(patsubst driver/src/%.c,$(BUILD)/driver/%.o,$(LIBNPE_SRCS))
LIBNPE_SAN_OBJS := $(patsubst driver/src/%.c,$(BUILD)/san/driver/%.o,$(LIBNPE_SRCS))
LIBNPE     := $(BUILD)/lib/libnpe.a
LIBNPE_SAN := $(BUILD)/san/lib/libnpe.a
# libftdi1 (Debian libftdi1-dev) for the ftdi:// transport
FTDI_CFLAGS = $(shell pkg-config --cflags libftdi1 2>/dev/null)
FTDI_LIBS   = $(or $(shell pkg-config --libs libftdi1 2>/dev/null),-lftdi1 -lusb-1.0)
# what a program linking libnpe.a also needs (the Verilated model is C++)
LIBNPE_DEPLIBS = -lz -lstdc++ -lpthread -lm $(FTDI_LIBS)

$(BUILD)/driver/%.o: driver/src/%.c $(LIBNPE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) -c -o $@ $<

$(BUILD)/san/driver/%.o: driver/src/%.c $(LIBNPE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(SANFLAGS) -c -o $@ $<

# the one source that includes ftdi.h
$(BUILD)/driver/npe_transport_ftdi.o: driver/src/npe_transport_ftdi.c $(LIBNPE_HDRS)
	@$(DEPS) ftdi
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(FTDI_CFLAGS) -c -o $@ $<

$(BUILD)/san/driver/npe_transport_ftdi.o: driver/src/npe_transport_ftdi.c $(LIBNPE_HDRS)
	@$(DEPS) ftdi
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(FTDI_CFLAGS) $(SANFLAGS) -c -o $@ $<

# One archive with everything, so users link -lnpe alone (plus LIBNPE_DEPLIBS).
define merge_archive
	@mkdir -p $(@D)
	rm -f $@
	{ echo "CREATE $@"; for o in $(1); do echo "ADDMOD $$o"; done; \
	  for a in $(2); do echo "ADDLIB $$a"; done; echo SAVE; echo END; } | ar -M
endef

$(LIBNPE): $(LIBNPE_OBJS) $(GOLDEN_LIB) $(MODELS_LIB) $(SIM_LIBS)
	$(call merge_archive,$(LIBNPE_OBJS),$(GOLDEN_LIB) $(MODELS_LIB) $(SIM_LIBS))

$(LIBNPE_SAN): $(LIBNPE_SAN_OBJS) $(GOLDEN_SAN_LIB) $(MODELS_SAN_LIB) $(SIM_LIBS)
	$(call merge_archive,$(LIBNPE_SAN_OBJS),$(GOLDEN_SAN_LIB) $(MODELS_SAN_LIB) $(SIM_LIBS))

.PHONY: libnpe driver-test rnn-test
libnpe: $(LIBNPE)

DRIVER_TEST_SRCS := tests/driver/test_driver.c

# (CFLAGS_ALL has models/xbar: the energy-table test also checks the
# crossbar / NLU model, in libnpe.a, that reads the table.)
$(BUILD)/tests/driver: $(DRIVER_TEST_SRCS) $(LIBNPE) models/xbar/npe_xbar.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -o $@ $(DRIVER_TEST_SRCS) $(LIBNPE) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/driver: $(DRIVER_TEST_SRCS) $(LIBNPE_SAN) models/xbar/npe_xbar.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(DRIVER_TEST_SRCS) $(LIBNPE_SAN) \
	  $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

# Sequences through the recurrence unit (npe_rnn), on the simulated engine
$(BUILD)/tests/rnn: tests/driver/test_rnn.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -o $@ $< $(LIBNPE) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/rnn: tests/driver/test_rnn.c $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $< \
	  $(LIBNPE_SAN) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

# The uio: transport against a fake UIO device served by the simulator
$(BUILD)/tests/uio: tests/driver/test_uio.c tests/driver/fake_uio.h $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(CHECK_CFLAGS) -o $@ $< $(LIBNPE) $(CHECK_LIBS) \
	  $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/uio: tests/driver/test_uio.c tests/driver/fake_uio.h $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $< $(LIBNPE_SAN) \
	  $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

# ... and its SoC mode (uio:N?soc=1) against a fake window served by the
# SoC's simulator, booted by the transport's own loader; each planted
# transport bug (a mailbox one word off; a word of the image lost; a
# partial word's bytes in the wrong lanes) must fail it
$(BUILD)/tests/uio_soc: tests/driver/test_uio_soc.c tests/driver/fake_uio.h $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(CHECK_CFLAGS) -o $@ $< $(LIBNPE) $(CHECK_LIBS) \
	  $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/uio_soc: tests/driver/test_uio_soc.c tests/driver/fake_uio.h $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $< \
	  $(LIBNPE_SAN) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

# (the planted transport object comes before the archive, so its copy is not linked)
$(BUILD)/tests/uio_soc_plant_%: tests/driver/test_uio_soc.c tests/driver/fake_uio.h driver/src/npe_transport_uio.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(CHECK_CFLAGS) \
	  -DNPE_PLANT_UIO_SOC_$(shell echo $* | tr a-z A-Z) -o $@ $< driver/src/npe_transport_uio.c \
	  $(LIBNPE) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

uio-test: $(BUILD)/tests/uio $(BUILD)/san/tests/uio $(BUILD)/tests/uio_soc $(BUILD)/san/tests/uio_soc \
          $(BUILD)/firmware/npe_soc_fw.elf
	$(BUILD)/tests/uio
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/uio
	$(BUILD)/tests/uio_soc
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/uio_soc
	@$(MAKE) -s uio-soc-plant-test

uio-soc-plant-test: $(BUILD)/tests/uio_soc_plant_mbox $(BUILD)/tests/uio_soc_plant_loader \
                    $(BUILD)/tests/uio_soc_plant_rmw $(BUILD)/firmware/npe_soc_fw.elf
	@for p in mbox loader rmw; do \
	  if CK_FORK=no $(BUILD)/tests/uio_soc_plant_$$p > $(BUILD)/tests/uio_soc_plant_$$p.log 2>&1; then \
	    echo "uio-soc-plant-test: FAIL: the planted $$p bug went unnoticed"; exit 1; fi; \
	  echo "uio-soc-plant-test: planted $$p bug caught: $$(grep -m1 ':F:' \
	    $(BUILD)/tests/uio_soc_plant_$$p.log | cut -c1-300)"; done

# Gated Linear Attention (npe_gla) on the simulated engine
$(BUILD)/tests/gla: tests/driver/test_gla.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(CHECK_CFLAGS) -o $@ $< $(LIBNPE) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/gla: tests/driver/test_gla.c $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $< $(LIBNPE_SAN) $(CHECK_LIBS) \
	  $(LIBNPE_DEPLIBS)

# The uart: transport against a board played on a pseudo-terminal: the
# bridge RTL and the small engine of tests/link/board_sim (LINK_BOARD,
# mk/link.mk, which adds it to these prerequisites)
$(BUILD)/tests/uart: tests/driver/test_uart.c tests/driver/check_matmul.h $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isim -Itests/link $(CHECK_CFLAGS) -o $@ $< $(LINK_BOARD) $(LIBNPE) \
	  $(CHECK_LIBS) $(LIBNPE_DEPLIBS) -lpthread

$(BUILD)/san/tests/uart: tests/driver/test_uart.c tests/driver/check_matmul.h $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Isim -Itests/link $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $< $(LINK_BOARD) \
	  $(LIBNPE_SAN) $(CHECK_LIBS) $(LIBNPE_DEPLIBS) -lpthread

driver-test: $(BUILD)/tests/driver $(BUILD)/san/tests/driver $(BUILD)/tests/uart \
             $(BUILD)/san/tests/uart rnn-test gla-test uio-test offload-test
	$(BUILD)/tests/driver
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/driver
	$(BUILD)/tests/uart
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/uart

# Matmuls offloaded through the SoC's firmware (sim:?build=soc, npe_offload.c)
# against the host-driven sim: and the golden model (also part of
# driver-test); the planted firmware (the last n-block of every plan
# dropped) must fail it
$(BUILD)/tests/offload: tests/driver/test_offload.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(CHECK_CFLAGS) -o $@ $< $(LIBNPE) $(CHECK_LIBS) \
	  $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/offload: tests/driver/test_offload.c $(LIBNPE_SAN)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Iinclude -Isim -Idriver/src $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $< \
	  $(LIBNPE_SAN) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

.PHONY: offload-test soc-driver-plant-test
offload-test: $(BUILD)/tests/offload $(BUILD)/san/tests/offload $(BUILD)/firmware/npe_soc_fw.elf
	$(BUILD)/tests/offload
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/offload
	@$(MAKE) -s soc-driver-plant-test

soc-driver-plant-test: $(BUILD)/tests/offload $(BUILD)/firmware/npe_soc_fw_plant.elf
	@if CK_RUN_CASE=soc NPE_TEST_SOC_FIRMWARE=$(BUILD)/firmware/npe_soc_fw_plant.elf \
	    $(BUILD)/tests/offload > $(BUILD)/tests/offload_plant.log 2>&1; then \
	  echo "soc-driver-plant-test: FAIL: the planted firmware bug went unnoticed"; exit 1; \
	elif grep -q MISMATCH $(BUILD)/tests/offload_plant.log; then \
	  echo "soc-driver-plant-test: planted bug caught: $$(grep -m1 MISMATCH $(BUILD)/tests/offload_plant.log)"; \
	else echo "soc-driver-plant-test: FAIL: the run failed without a mismatch"; \
	  cat $(BUILD)/tests/offload_plant.log; exit 1; fi

# The planted recurrence firmware (a later chunk starts from zero, not KEEP)
# must fail the sequences of test_offload (not in make test: about 50 s;
# soc-plant-recur-test covers the bug in soc-test)
.PHONY: soc-driver-plant-recur-test
soc-driver-plant-recur-test: $(BUILD)/tests/offload $(BUILD)/firmware/npe_soc_fw_plant_recur.elf
	@if CK_RUN_CASE=soc NPE_TEST_SOC_FIRMWARE=$(BUILD)/firmware/npe_soc_fw_plant_recur.elf \
	    $(BUILD)/tests/offload > $(BUILD)/tests/offload_plant_recur.log 2>&1; then \
	  echo "soc-driver-plant-recur-test: FAIL: the planted recurrence bug went unnoticed"; exit 1; \
	elif grep -q MISMATCH $(BUILD)/tests/offload_plant_recur.log; then \
	  echo "soc-driver-plant-recur-test: planted bug caught: $$(grep -m1 MISMATCH $(BUILD)/tests/offload_plant_recur.log)"; \
	else echo "soc-driver-plant-recur-test: FAIL: the run failed without a mismatch"; \
	  cat $(BUILD)/tests/offload_plant_recur.log; exit 1; fi

# GLA alone (also part of driver-test)
gla-test: $(BUILD)/tests/gla $(BUILD)/san/tests/gla
	$(BUILD)/tests/gla
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/gla

# the sequence tests alone (also part of driver-test)
rnn-test: $(BUILD)/tests/rnn $(BUILD)/san/tests/rnn
	$(BUILD)/tests/rnn
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/rnn

# ---------------------------------------------------------------------------
# Benchmarks of the engine through the driver
# ---------------------------------------------------------------------------
$(BUILD)/bench/bench_engine: tests/bench/bench_engine.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(DRIVER_INC) -o $@ $< $(LIBNPE) $(LIBNPE_DEPLIBS)

$(BUILD)/bench/bench_sherry_engine: tests/bench/bench_sherry_engine.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(DRIVER_INC) -o $@ $< $(LIBNPE) $(LIBNPE_DEPLIBS)

# Resident B against the per-step LOAD B stream (docs/ARCHITECTURE.md, "The
# tiler"): make b-resident-bench, BENCH b_resident_* lines
$(BUILD)/bench/bench_b_resident: tests/bench/bench_b_resident.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(DRIVER_INC) -o $@ $< $(LIBNPE) $(LIBNPE_DEPLIBS)

.PHONY: b-resident-bench
b-resident-bench: $(BUILD)/bench/bench_b_resident
	$(BUILD)/bench/bench_b_resident
BENCH_TARGETS += b-resident-bench

.PHONY: engine-bench gla-test gla-bench uio-test uio-soc-plant-test
$(BUILD)/bench/bench_xbar_engine: tests/bench/bench_xbar_engine.c tests/bench/bench_sim.h $(DRIVER_CORE_SRCS) \
                                  $(DRIVER_SIM_SRCS) $(SIM_BUILD)/libnpesim.a $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) -o $@ $< $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) \
	  $(MODELS_LIB) $(GOLDEN_LIB) $(SIM_SYSLIBS)

$(BUILD)/bench/bench_recur_engine: tests/bench/bench_recur_engine.c tests/bench/bench_sim.h $(DRIVER_CORE_SRCS) \
                                   $(DRIVER_SIM_SRCS) $(SIM_BUILD)/libnpesim.a $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) -o $@ $< $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) \
	  $(MODELS_LIB) $(GOLDEN_LIB) $(SIM_SYSLIBS)

$(BUILD)/bench/bench_matvec_engine: tests/bench/bench_matvec_engine.c tests/bench/bench_sim.h $(DRIVER_CORE_SRCS) \
                                    $(DRIVER_SIM_SRCS) $(SIM_BUILD)/libnpesim.a $(MODELS_LIB) $(GOLDEN_LIB)
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) -o $@ $< $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) \
	  $(MODELS_LIB) $(GOLDEN_LIB) $(SIM_SYSLIBS)

$(BUILD)/bench/bench_gla: tests/bench/bench_gla.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_BASE) $(DRIVER_INC) -o $@ $< $(LIBNPE) $(LIBNPE_DEPLIBS)

# Host-driven versus firmware-driven matmuls: host-link bytes, frames and
# cycles (docs/SOC.md, BENCHMARKS.md)
$(BUILD)/bench/bench_offload: tests/bench/bench_offload.c $(LIBNPE)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) -Itests/driver -o $@ $< $(LIBNPE) $(LIBNPE_DEPLIBS)

.PHONY: offload-bench
offload-bench: $(BUILD)/bench/bench_offload $(BUILD)/firmware/npe_soc_fw.elf
	$(BUILD)/bench/bench_offload
BENCH_TARGETS += offload-bench

# RECUR GRU / LSTM with and without AUX.ROWSCALE alone (also in engine-bench)
.PHONY: recur-rowscale-bench
recur-rowscale-bench: $(BUILD)/bench/bench_recur_engine
	$(BUILD)/bench/bench_recur_engine rowscale

# RECUR HGRN against DIAG alone, H = 64, 128, 256 (also in engine-bench)
.PHONY: recur-hgrn-bench
recur-hgrn-bench: $(BUILD)/bench/bench_recur_engine
	$(BUILD)/bench/bench_recur_engine hgrn

# GLA alone: cycles per token, d = 64, T = 1024, chunks 16 / 32 / 64 (about 3 minutes)
gla-bench: $(BUILD)/bench/bench_gla
	$(BUILD)/bench/bench_gla

engine-bench: $(BUILD)/bench/bench_engine $(BUILD)/bench/bench_xbar_engine \
              $(BUILD)/bench/bench_recur_engine $(BUILD)/bench/bench_matvec_engine $(NPE_BIN) \
              $(BUILD)/bench/bench_gla $(BUILD)/bench/bench_sherry_engine
	$(BUILD)/bench/bench_engine 256
	$(BUILD)/bench/bench_sherry_engine
	$(BUILD)/bench/bench_gla
	$(BUILD)/bench/bench_xbar_engine
	$(BUILD)/bench/bench_recur_engine
	$(BUILD)/bench/bench_matvec_engine
	@t0=$$(date +%s.%N); \
	$(NPE_BIN) matmul --m 64 --n 64 --k 256 --format all --check --quiet > /dev/null; \
	t1=$$(date +%s.%N); awk -v a=$$t0 -v b=$$t1 'BEGIN { printf "BENCH demo_wall_time %.2f s\n", b - a }'

# Simulator speed on fixed workloads (the demo matmul in every format, a GRU):
# BENCH sim_speed_demo_matmul / sim_speed_gru, engine cycles per CPU second
# (tools/sim_speed.sh; docs/ARCHITECTURE.md, "Simulation speed")
SIM_SPEED_RUNS ?= 3
.PHONY: sim-speed
sim-speed: $(NPE_BIN)
	tools/sim_speed.sh $(NPE_BIN) $(SIM_SPEED_RUNS)

TEST_TARGETS  += driver-test
BENCH_TARGETS += engine-bench sim-speed
