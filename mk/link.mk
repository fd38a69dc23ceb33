# SPDX-License-Identifier: Apache-2.0
# mk/link.mk - the board link, protocol v2 (docs/LINK.md): its one
# description (tools/link/link.py), the bridge RTL run end to end against
# libnpe's link code, the UART's rate limits, the link benches. Included by
# the top Makefile after mk/driver.mk and mk/fpga_icebreaker.mk.
#
#   make link            regenerate include/npe_link_proto.h, fpga/rtl/npe_link_pkg.sv and
#                        the tables of docs/LINK.md from tools/link/link.py
#   make link-check      fail if they are stale (make test)
#   make link-test       libnpe's ftdi:// transport and link (npe_link.c) against a fake
#                        libftdi whose other end is the Verilated bridge RTL and the
#                        simulated small engine: frames, repeats, FRAME_ERR, matmuls
#                        bit-exact with 1 % of the bytes dropped, corrupted and delayed,
#                        a dead and an unplugged board, libftdi errors, URIs; plain and
#                        ASan+UBSan (make test)
#   make link-rate-test  npe_uart_rx / npe_uart_tx under Icarus at ClkDiv 2..8 against a
#                        host whose bit time is 2 % off, to show which rates hold (make test)
#   make link-bench      BENCH lines: payload throughput before (v1, 115200) and after
#                        (v2, 3 Mbaud, bits counted on the simulated wire), the
#                        64 x 64 x 256 INT8 matmul's wall time on the board path

LINK_BUILD := $(BUILD)/link
LINK_OBJ   := $(LINK_BUILD)/obj
LINK_RTL   := fpga/rtl/npe_link_pkg.sv fpga/rtl/npe_link_buf.sv fpga/rtl/npe_uart_rx.sv \
              fpga/rtl/npe_uart_tx.sv fpga/rtl/npe_uart_bridge.sv
# the board's rate: 12 MHz / 4 = 3 Mbaud (make link-rate-test); 341 us of quiet ends a broken frame
LINK_CLK_DIV     := 4
LINK_IDLE_CYCLES := 4095

.PHONY: link link-check link-test link-rate-test link-bench

link:
	$(PYTHON) tools/link/link.py

link-check:
	$(PYTHON) tools/link/link.py --check

$(LINK_OBJ)/Vtb_link_board__ALL.a: $(LINK_RTL) tests/link/tb_link_board.sv
	@$(DEPS) verilator
	@mkdir -p $(LINK_OBJ)
	verilator --cc -O3 --x-assign unique --x-initial unique --top-module tb_link_board \
	  -GClkDiv=$(LINK_CLK_DIV) -GIdleCycles=$(LINK_IDLE_CYCLES) -Mdir $(LINK_OBJ) \
	  $(LINK_RTL) tests/link/tb_link_board.sv
	$(MAKE) -s -C $(LINK_OBJ) -f Vtb_link_board.mk Vtb_link_board__ALL.a OPT_FAST=-O2 OPT_SLOW=-O1

$(LINK_BUILD)/board_sim.o: tests/link/board_sim.cpp tests/link/board_sim.h sim/npesim.h \
                           $(LINK_OBJ)/Vtb_link_board__ALL.a
	$(CXX) -std=c++17 -O2 -Wall -Werror -I$(LINK_OBJ) -isystem $(VL_INC) -isystem $(VL_INC)/vltstd \
	  -Isim -Iinclude -DBOARD_SIM_CLK_DIV=$(LINK_CLK_DIV) -DBOARD_SIM_IDLE_CYCLES=$(LINK_IDLE_CYCLES) \
	  -c -o $@ $<

# the board: board_sim.o and the bridge model; the Verilator runtime comes with libnpe.a
LINK_BOARD := $(LINK_BUILD)/board_sim.o $(LINK_OBJ)/Vtb_link_board__ALL.a
# tests/driver/test_uart.c plays its board with it too (mk/driver.mk)
$(BUILD)/tests/uart $(BUILD)/san/tests/uart: $(LINK_BOARD) tests/link/board_sim.h
LINK_TEST_CFLAGS = $(CFLAGS_ALL) $(DRIVER_INC) -Itests/link $(CHECK_CFLAGS)

$(BUILD)/tests/link: tests/link/test_link.c tests/link/fake_ftdi.h tests/driver/check_matmul.h $(LINK_BOARD) $(LIBNPE) $(LIBNPE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LINK_TEST_CFLAGS) -o $@ $< $(LINK_BOARD) $(LIBNPE) $(CHECK_LIBS) $(LIBNPE_DEPLIBS)

$(BUILD)/san/tests/link: tests/link/test_link.c tests/link/fake_ftdi.h tests/driver/check_matmul.h $(LINK_BOARD) $(LIBNPE_SAN) $(LIBNPE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(LINK_TEST_CFLAGS) $(SANFLAGS) -o $@ $< $(LINK_BOARD) $(LIBNPE_SAN) $(CHECK_LIBS) \
	  $(LIBNPE_DEPLIBS)

link-test: $(BUILD)/tests/link $(BUILD)/san/tests/link
	$(BUILD)/tests/link
	timeout $(TEST_TIMEOUT) env CK_FORK=no $(BUILD)/san/tests/link

$(LINK_BUILD)/tb_uart_rate.vvp: fpga/rtl/npe_uart_rx.sv fpga/rtl/npe_uart_tx.sv tests/link/tb_uart_rate.sv
	@$(DEPS) iverilog
	@mkdir -p $(@D)
	iverilog -g2012 -o $@ -s tb_uart_rate $^

link-rate-test: $(LINK_BUILD)/tb_uart_rate.vvp
	vvp -n $< | tee $(LINK_BUILD)/tb_uart_rate.log | grep tb_uart_rate
	@grep -q "tb_uart_rate: PASS" $(LINK_BUILD)/tb_uart_rate.log

$(BUILD)/bench/bench_link: tests/bench/bench_link.c tests/link/fake_ftdi.h $(LINK_BOARD) $(LIBNPE) $(LIBNPE_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_ALL) $(DRIVER_INC) -Itests/link -o $@ $< $(LINK_BOARD) $(LIBNPE) $(LIBNPE_DEPLIBS)

link-bench: $(BUILD)/bench/bench_link
	$(BUILD)/bench/bench_link

TEST_TARGETS  += link-check link-test link-rate-test
BENCH_TARGETS += link-bench
