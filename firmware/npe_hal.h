/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_hal.h - the firmware's hardware layer on the SoC (docs/SOC.md): the
 * engine's CSRs through the generated register header (include/npe_regs.h)
 * at NPE_SOC_ENGINE_BASE, the mailbox (include/npe_soc.h), the cycle
 * counter, and the engine's command ring in on-chip RAM: set up, streamed
 * from the tiler's iterator, waited for with a time-out, reset after an
 * error. Same ring protocol as the host driver's npe_ring.c.
 */
#ifndef NPE_HAL_H
#define NPE_HAL_H

#include <stdint.h>

#include "npe_regs.h"
#include "npe_soc.h"
#include "npe_tiler.h"

static inline uint32_t npe_hal_rd(uint32_t off) {
  return *(volatile uint32_t *)(uintptr_t)(NPE_SOC_ENGINE_BASE + off);
}
static inline void npe_hal_wr(uint32_t off, uint32_t v) {
  *(volatile uint32_t *)(uintptr_t)(NPE_SOC_ENGINE_BASE + off) = v;
}
static inline uint32_t npe_mbox_rd(uint32_t off) {
  return *(volatile uint32_t *)(uintptr_t)(NPE_SOC_MBOX_BASE + off);
}
static inline void npe_mbox_wr(uint32_t off, uint32_t v) {
  *(volatile uint32_t *)(uintptr_t)(NPE_SOC_MBOX_BASE + off) = v;
}
/** CSR instructions in inline assembly: the compiler is told -march=rv32im
 *  (the multilib libgcc), the assembler then needs Zicsr named. */
#define NPE_ZICSR(insn) ".option push\n.option arch, +zicsr\n" insn "\n.option pop"

/** The core's cycle counter (low 32 bits; differences of < 2^32 cycles). */
static inline uint32_t npe_hal_cycles(void) {
  uint32_t c;
  __asm__ volatile(NPE_ZICSR("csrr %0, cycle") : "=r"(c));
  return c;
}

/** The engine's shape and formats, from its CAP registers. */
typedef struct npe_hal_info {
  npe_hw_shape hw;
  uint32_t formats;   /**< CAP_FORMATS.FORMATS: bit = format code */
  uint32_t cap_array; /**< CAP_ARRAY as read */
  uint32_t cap_spad;  /**< CAP_SPAD as read */
} npe_hal_info;

/** The ring: 2^log2_n 64-byte slots at base (in the DMA window). */
typedef struct npe_hal_ring {
  uint32_t base, log2_n, tail;
} npe_hal_ring;

/** What a stream did. */
typedef struct npe_hal_result {
  uint32_t descs;       /**< descriptors written */
  uint32_t status;      /**< STATUS at the end */
  uint32_t err_addr;    /**< ERR_ADDR_LO when STATUS.ERR != 0 */
  int timed_out;        /**< 1: gave up after the time-out; the engine was reset */
} npe_hal_result;

void npe_hal_info_read(npe_hal_info *info);
/** DMA window [win_base, win_limit), the ring, CTRL.START. */
void npe_hal_setup(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit);
/** SOFT_RESET, then npe_hal_setup again. */
void npe_hal_reset(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit);
/** Streams the plan's descriptors through the ring and waits until the
 *  engine is idle, stops on an error, or @p max_cycles pass. A test hook:
 *  descriptor @p fault_at (counting from 1; 0 for none) gets source address
 *  @p fault_addr. */
void npe_hal_run(npe_hal_ring *r, const npe_mm_plan *p, uint32_t max_cycles,
                 uint32_t fault_at, uint32_t fault_addr, npe_hal_result *res);

#endif /* NPE_HAL_H */
