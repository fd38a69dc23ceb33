/* SPDX-License-Identifier: Apache-2.0 */
/*
 * board_sim.h - an iCEBreaker played in simulation for the link tests and
 * benches: the Verilated bridge RTL (tests/link/tb_link_board.sv: UART
 * receiver, transmitter, npe_uart_bridge) clocked at the board's 12 MHz,
 * its serial lines driven and sampled bit by bit at the bridge's rate, its
 * CSR master and memory port served by the simulated small engine build
 * (npesim.h, NPESIM_BUILD_SMALL, 128 KiB at 0), which steps with it. The
 * host side is a byte pipe with faults on demand: bytes dropped, corrupted
 * and delayed at random, each way. Single-threaded and deterministic.
 */
#ifndef BOARD_SIM_H
#define BOARD_SIM_H

#include <stddef.h>
#include <stdint.h>

#include "npesim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct board_sim board_sim;

typedef struct board_sim_config {
  unsigned clk_mhz;      /**< board clock (12) */
  unsigned clk_div;      /**< the model's ClkDiv (the build: BOARD_SIM_CLK_DIV) */
  double drop, corrupt, delay; /**< per byte and direction: probability of each fault */
  uint64_t delay_max;    /**< longest delay, cycles (a gap on the line to the board;
                          *   a late byte from it) */
  uint64_t seed;
} board_sim_config;

typedef struct board_sim_stats {
  uint64_t cycles;
  uint64_t bytes_to_board, bytes_to_host;   /**< bytes sent on each line (10 bits each) */
  uint64_t csr_writes, csr_reads;           /**< AXI4-Lite transactions of the bridge */
  uint64_t mem_words_written, mem_words_read;
  uint64_t dropped, corrupted, delayed;     /**< faults made */
} board_sim_stats;

/** ClkDiv, IdleCycles, MaxWords the model was built with. */
unsigned board_sim_clk_div(void);
unsigned board_sim_idle_cycles(void);

int board_sim_create(const board_sim_config *c, board_sim **out);
void board_sim_destroy(board_sim *b);
/** The engine, for direct looks at memory. */
npesim *board_sim_engine(board_sim *b);

/** Host to board: queues bytes on the line (faults applied here). */
void board_sim_host_write(board_sim *b, const uint8_t *p, size_t n);
/** Board to host: bytes that have arrived, up to @p cap. */
size_t board_sim_host_read(board_sim *b, uint8_t *p, size_t cap);
/** Drops the bytes that have arrived and not been read. */
void board_sim_host_flush(board_sim *b);
/** Runs @p cycles board cycles. */
void board_sim_run(board_sim *b, uint64_t cycles);
/** Runs until a byte has arrived for the host or @p max_cycles passed;
 *  1 if one has. */
int board_sim_run_until_rx(board_sim *b, uint64_t max_cycles);
/** Runs until the line to the board is empty and the bridge has sent all
 *  it has to send, or @p max_cycles passed. */
void board_sim_run_until_quiet(board_sim *b, uint64_t max_cycles);
uint64_t board_sim_cycles(const board_sim *b);
void board_sim_get_stats(const board_sim *b, board_sim_stats *s);
/** Changes the fault rates from now on. */
void board_sim_set_faults(board_sim *b, double drop, double corrupt, double delay);

#ifdef __cplusplus
}
#endif

#endif /* BOARD_SIM_H */
