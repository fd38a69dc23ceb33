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

/** AXI4-Lite reads of the engine's CSRs the firmware has made (each costs
 *  the core a round trip over the bus; reported per request in RSP_9). */
extern uint32_t npe_hal_axil_reads;
/** Engine interrupts taken (npe_hal_irq calls; RSP_8 per request). */
extern volatile uint32_t npe_hal_eng_irqs;
/** INTR_STATE bits the interrupts cleared, ORed (the main code clears it). */
extern volatile uint32_t npe_hal_eng_state;

static inline uint32_t npe_hal_rd(uint32_t off) {
  npe_hal_axil_reads++;
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
  uint32_t cap_formats; /**< CAP_FORMATS as read (RECUR, KSPLIT, ... bits) */
  uint32_t cap_recur; /**< CAP_RECUR as read (0: no recurrence unit) */
  uint32_t recur_words; /**< CAP_RECUR.STATE_WORDS when CAP_FORMATS.RECUR, else 0 */
  uint32_t recur_modes; /**< CAP_RECUR.MODES when CAP_FORMATS.RECUR, else 0 */
} npe_hal_info;

/** The ring: 2^log2_n 64-byte slots at base (in the DMA window); ctrl is
 *  what CTRL was last written with (START, PERF_EN, STOP_ON_ERR). */
typedef struct npe_hal_ring {
  uint32_t base, log2_n, tail, ctrl;
} npe_hal_ring;

/** What a stream did. */
typedef struct npe_hal_result {
  uint32_t descs;       /**< descriptors written */
  uint32_t status;      /**< STATUS at the end */
  uint32_t err_addr;    /**< ERR_ADDR_LO when STATUS.ERR != 0 */
  int timed_out;        /**< 1: gave up after the time-out; the engine was reset */
} npe_hal_result;

void npe_hal_info_read(npe_hal_info *info);
/** The engine's part of the trap handler, called when the mailbox's
 *  FLAGS.ENG_IRQ is set: reads INTR_STATE, clears it (w1c), ORs it into
 *  npe_hal_eng_state and counts the interrupt. */
void npe_hal_irq(void);
/** DMA window [win_base, win_limit), the ring, the interrupt enables
 *  (INTR_ENABLE.DONE and ERROR: the engine's irq_o reaches the core through
 *  the mailbox), CTRL.START. */
void npe_hal_setup(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit);
/** SOFT_RESET, then npe_hal_setup again. */
void npe_hal_reset(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit);
/** Streams the plan's descriptors through the ring and waits until the
 *  engine is idle, stops on an error, or @p max_cycles pass. The waits
 *  (the ring full, the end of the stream) sleep until the engine's
 *  interrupt (INTR_STATE.DONE: the engine went idle; ERROR) and then check
 *  STATUS and RING_HEAD once, instead of polling them (the firmware built
 *  with NPE_FW_POLL polls, for comparison). A test hook:
 *  descriptor @p fault_at (counting from 1; 0 for none) gets source address
 *  @p fault_addr. */
void npe_hal_run(npe_hal_ring *r, const npe_mm_plan *p, uint32_t max_cycles,
                 uint32_t fault_at, uint32_t fault_addr, npe_hal_result *res);

/** Streams @p count descriptors from a source callback (npe_tiler_next's
 *  shape: writes one 64-byte descriptor into slot and returns 1, or 0 when
 *  it has none left) through the ring, waits as npe_hal_run. Knowing the
 *  count, the firmware checks the engine right after the last TAIL write. */
typedef int (*npe_hal_source)(void *ctx, uint8_t *slot);
void npe_hal_stream(npe_hal_ring *r, npe_hal_source src, void *ctx, uint32_t count,
                    uint32_t max_cycles, uint32_t fault_at, uint32_t fault_addr,
                    npe_hal_result *res);

#endif /* NPE_HAL_H */
