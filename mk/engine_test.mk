# SPDX-License-Identifier: Apache-2.0
# mk/engine_test.mk - tests/engine: the engine through libnpesim and the
# driver's tiler, ring and sim transport (Check): shapes x formats,
# back-pressure, CSRs, bad descriptors, DMA window and faults, NLU and XBAR
# opcodes. Included by the top Makefile after mk/sim_lib.mk.
#
#   make engine-test   plain, and the C side under ASan+UBSan

DRIVER_CORE_SRCS := driver/src/npe_tiler.c driver/src/npe_ring.c
DRIVER_SIM_SRCS  := driver/src/npe_transport_sim.c
# the driver's include path (its sources are compiled here directly)
DRIVER_CFLAGS    := $(CFLAGS_BASE) $(DRIVER_INC)
ENGINE_TEST_SRCS := tests/engine/test_engine.c tests/golden/vectors.c

$(BUILD)/tests/engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                       $(wildcard driver/src/*.h) $(GOLDEN_LIB) $(MODELS_LIB) $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) \
	  $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_LIB) $(GOLDEN_LIB) $(CHECK_LIBS) $(SIM_SYSLIBS)

# The C side (tiler, ring, transport, models, golden, test) also under
# ASan+UBSan; the Verilated model stays uninstrumented.
$(BUILD)/san/tests/engine: $(ENGINE_TEST_SRCS) $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) \
                           $(wildcard driver/src/*.h) $(GOLDEN_SAN_LIB) $(MODELS_SAN_LIB) \
                           $(SIM_BUILD)/libnpesim.a
	@mkdir -p $(@D)
	$(CC) $(DRIVER_CFLAGS) $(SANFLAGS) $(CHECK_CFLAGS) -o $@ $(ENGINE_TEST_SRCS) \
	  $(DRIVER_CORE_SRCS) $(DRIVER_SIM_SRCS) $(SIM_LIBS) $(MODELS_SAN_LIB) $(GOLDEN_SAN_LIB) \
	  $(CHECK_LIBS) $(SIM_SYSLIBS)

.PHONY: engine-test
engine-test: $(BUILD)/tests/engine $(BUILD)/san/tests/engine
	$(BUILD)/tests/engine
	CK_FORK=no $(BUILD)/san/tests/engine

TEST_TARGETS += engine-test
