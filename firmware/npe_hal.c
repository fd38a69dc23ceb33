/* SPDX-License-Identifier: Apache-2.0 */
/* npe_hal.c - see npe_hal.h. */
#include "npe_hal.h"

void npe_hal_info_read(npe_hal_info *info) {
  uint32_t fmt = npe_hal_rd(NPE_CAP_FORMATS_REG_OFFSET);
  uint32_t arr = npe_hal_rd(NPE_CAP_ARRAY_REG_OFFSET);
  uint32_t spad = npe_hal_rd(NPE_CAP_SPAD_REG_OFFSET);
  uint32_t rows = (arr >> NPE_CAP_ARRAY_ROWS_OFFSET) & NPE_CAP_ARRAY_ROWS_MASK;
  uint32_t cols = (arr >> NPE_CAP_ARRAY_COLS_OFFSET) & NPE_CAP_ARRAY_COLS_MASK;
  uint32_t a_kib = (spad >> NPE_CAP_SPAD_A_KIB_OFFSET) & NPE_CAP_SPAD_A_KIB_MASK;
  uint32_t b_kib = (spad >> NPE_CAP_SPAD_B_KIB_OFFSET) & NPE_CAP_SPAD_B_KIB_MASK;
  uint32_t c_kib = (spad >> NPE_CAP_SPAD_C_KIB_OFFSET) & NPE_CAP_SPAD_C_KIB_MASK;
  uint32_t glog2 = (arr >> NPE_CAP_ARRAY_GROUPS_LOG2_OFFSET) & NPE_CAP_ARRAY_GROUPS_LOG2_MASK;
  /* the same arithmetic as the driver's npe_dev.c */
  info->hw.rows = rows;
  info->hw.cols = cols;
  info->hw.a_bank_words = rows ? a_kib * 1024u / 8u / rows : 0;
  info->hw.b_bank_words = cols ? b_kib * 1024u / 8u / cols : 0;
  info->hw.out_groups = glog2 ? 1u << glog2 : (rows && cols ? c_kib * 1024u / 4u / (rows * cols) : 0);
  info->hw.ksplit = (fmt >> NPE_CAP_FORMATS_KSPLIT_BIT) & 1u;
  info->hw.sherry = (fmt >> NPE_CAP_FORMATS_SHERRY_BIT) & 1u;
  info->hw.b_offset = (fmt >> NPE_CAP_FORMATS_B_OFFSET_BIT) & 1u;
  info->formats = (fmt >> NPE_CAP_FORMATS_FORMATS_OFFSET) & NPE_CAP_FORMATS_FORMATS_MASK;
  info->cap_array = arr;
  info->cap_spad = spad;
  info->cap_formats = fmt;
  info->cap_recur = npe_hal_rd(NPE_CAP_RECUR_REG_OFFSET);
  int recur = (fmt >> NPE_CAP_FORMATS_RECUR_BIT) & 1u;
  info->recur_words = recur ? (info->cap_recur >> NPE_CAP_RECUR_STATE_WORDS_OFFSET) &
                                  NPE_CAP_RECUR_STATE_WORDS_MASK : 0u;
  info->recur_modes = recur ? (info->cap_recur >> NPE_CAP_RECUR_MODES_OFFSET) &
                                  NPE_CAP_RECUR_MODES_MASK : 0u;
}

uint32_t npe_hal_axil_reads;
volatile uint32_t npe_hal_eng_irqs;
volatile uint32_t npe_hal_eng_state;

void npe_hal_irq(void) {
  uint32_t st = npe_hal_rd(NPE_INTR_STATE_REG_OFFSET);
  npe_hal_wr(NPE_INTR_STATE_REG_OFFSET, st); /* w1c: irq_o falls */
  npe_hal_eng_state |= st;
  npe_hal_eng_irqs++;
}

void npe_hal_setup(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit) {
  npe_hal_wr(NPE_DMA_WIN_BASE_LO_REG_OFFSET, win_base);
  npe_hal_wr(NPE_DMA_WIN_BASE_HI_REG_OFFSET, 0);
  npe_hal_wr(NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, win_limit);
  npe_hal_wr(NPE_DMA_WIN_LIMIT_HI_REG_OFFSET, 0);
  npe_hal_wr(NPE_RING_BASE_LO_REG_OFFSET, r->base);
  npe_hal_wr(NPE_RING_BASE_HI_REG_OFFSET, 0);
  npe_hal_wr(NPE_RING_SIZE_REG_OFFSET, r->log2_n);
  uint32_t head = npe_hal_rd(NPE_RING_HEAD_REG_OFFSET);
  npe_hal_wr(NPE_RING_TAIL_REG_OFFSET, head);
  r->tail = head;
#ifndef NPE_FW_POLL
  npe_hal_wr(NPE_INTR_ENABLE_REG_OFFSET,
             (1u << NPE_INTR_ENABLE_DONE_BIT) | (1u << NPE_INTR_ENABLE_ERROR_BIT));
#endif
  uint32_t ctrl = npe_hal_rd(NPE_CTRL_REG_OFFSET);
  r->ctrl = ctrl | (1u << NPE_CTRL_START_BIT) | (1u << NPE_CTRL_PERF_EN_BIT) |
            (1u << NPE_CTRL_STOP_ON_ERR_BIT);
  npe_hal_wr(NPE_CTRL_REG_OFFSET, r->ctrl);
}

void npe_hal_reset(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit) {
  npe_hal_wr(NPE_CTRL_REG_OFFSET, r->ctrl | (1u << NPE_CTRL_SOFT_RESET_BIT));
  /* SOFT_RESET drops the ring state; wait until the engine is idle again */
  for (int i = 0; i < 1000 && (npe_hal_rd(NPE_STATUS_REG_OFFSET) & (1u << NPE_STATUS_BUSY_BIT)); i++) {
  }
  npe_hal_setup(r, win_base, win_limit);
}

static int tiler_source(void *ctx, uint8_t *slot) {
  const npe_mm_plan *p = ((const npe_mm_plan *const *)ctx)[0];
  npe_tiler_it *it = ((npe_tiler_it *const *)ctx)[1];
  int more = npe_tiler_next(p, it, slot);
#ifdef NPE_FW_PLANT_KTILE_BUG
  /* planted bug (make soc-plant-ktile-test): the MATMULs of K tiles after
   * the first lose FLAGS.ACCUM, so each starts from zero and a dot product
   * keeps only its last tile */
  if (more && npe_desc_get_opcode(slot) == NPE_OP_MATMUL)
    npe_desc_set_flags(slot, npe_desc_get_flags(slot) & (uint8_t)~(1u << NPE_DESC_FLAG_ACCUM_BIT));
#endif
  return more;
}

void npe_hal_run(npe_hal_ring *r, const npe_mm_plan *p, uint32_t max_cycles,
                 uint32_t fault_at, uint32_t fault_addr, npe_hal_result *res) {
  npe_tiler_it it = {0, 0, 0, 0};
  void *ctx[2] = {(void *)(uintptr_t)p, &it};
  uint64_t n = npe_tiler_count(p);
  npe_hal_stream(r, tiler_source, ctx, n > 0xffffffffu ? 0xffffffffu : (uint32_t)n, max_cycles,
                 fault_at, fault_addr, res);
}

#ifndef NPE_FW_POLL
/* Sleeps until an engine interrupt after the one counted in @p seen, or
 * until t0 + max_cycles: 1 for an interrupt, 0 for the time-out. The core's
 * external interrupt is enabled (mstatus.MIE) only here and in the idle
 * loop, so the interrupts the engine raises while the firmware writes
 * descriptors (it goes idle after nearly each one: the core is the slower)
 * wait, as one pending INTR_STATE, until the firmware sleeps. WFI is a
 * no-op on this core: the loop spins on the handler's counter. */
static int sleep_irq(uint32_t seen, uint32_t t0, uint32_t max_cycles) {
  int ok = 1;
  __asm__ volatile(NPE_ZICSR("csrs mstatus, %0") ::"r"(1u << 3));
  while (npe_hal_eng_irqs == seen) {
    if (npe_hal_cycles() - t0 > max_cycles) {
      ok = 0;
      break;
    }
    __asm__ volatile("wfi");
  }
  __asm__ volatile(NPE_ZICSR("csrc mstatus, %0") ::"r"(1u << 3));
  return ok;
}
#endif

/* (not inlined into npe_hal_run: one copy, for the image's size) */
__attribute__((noinline)) void npe_hal_stream(npe_hal_ring *r, npe_hal_source src, void *ctx,
                                              uint32_t count, uint32_t max_cycles,
                                              uint32_t fault_at, uint32_t fault_addr,
                                              npe_hal_result *res) {
  const uint32_t mask = (1u << r->log2_n) - 1u;
  int more = count != 0;
  uint32_t t0 = npe_hal_cycles();
  res->descs = 0;
  res->status = 0;
  res->err_addr = 0;
  res->timed_out = 0;
  npe_hal_wr(NPE_CTRL_REG_OFFSET, r->ctrl | (1u << NPE_CTRL_PERF_CLEAR_BIT));
#ifdef NPE_FW_POLL
  /* the polling loop (before the engine's interrupt was wired; kept for
   * the comparison in make soc-bench): RING_HEAD and STATUS read on every
   * round */
  for (;;) {
    uint32_t head = npe_hal_rd(NPE_RING_HEAD_REG_OFFSET) & mask;
    uint32_t wrote = 0;
    while (more && ((r->tail + 1u) & mask) != head) {
      uint8_t *slot = (uint8_t *)(uintptr_t)(r->base + 64u * r->tail);
      more = src(ctx, slot);
      if (!more) break;
      r->tail = (r->tail + 1u) & mask;
      res->descs++;
      more = res->descs < count;
      if (res->descs == fault_at) npe_desc_set_addr_a(slot, fault_addr);
      wrote++;
    }
    if (wrote) npe_hal_wr(NPE_RING_TAIL_REG_OFFSET, r->tail);
    uint32_t status = npe_hal_rd(NPE_STATUS_REG_OFFSET);
    uint32_t err = (status >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
    if (err || (!more && !(status & (1u << NPE_STATUS_BUSY_BIT)) &&
                npe_hal_rd(NPE_RING_HEAD_REG_OFFSET) == r->tail)) {
      res->status = status;
      if (err) res->err_addr = npe_hal_rd(NPE_ERR_ADDR_LO_REG_OFFSET);
      return;
    }
    if (npe_hal_cycles() - t0 > max_cycles) {
      res->status = status;
      res->timed_out = 1;
      return;
    }
  }
#else
  /* The engine was idle at the start: RING_HEAD = tail. head is what the
   * firmware knows of RING_HEAD; it reads it only when the ring looks full
   * (as many descriptors as fit go out with one TAIL write) and at the end,
   * and reads STATUS only when it has to wait. */
  uint32_t head = r->tail;
  for (;;) {
    uint32_t wrote = 0;
    while (more && ((r->tail + 1u) & mask) != head) {
      uint8_t *slot = (uint8_t *)(uintptr_t)(r->base + 64u * r->tail);
      if (!src(ctx, slot)) { /* (the count says when it ends) */
        more = 0;
        break;
      }
      r->tail = (r->tail + 1u) & mask;
      res->descs++;
      more = res->descs < count;
      if (res->descs == fault_at) npe_desc_set_addr_a(slot, fault_addr);
      wrote++;
    }
    if (wrote) npe_hal_wr(NPE_RING_TAIL_REG_OFFSET, r->tail);
    /* room again (more to write) or the end (all written)? The interrupt
     * counter is taken before the reads, so an interrupt after them ends
     * the sleep below (none is lost). */
    for (;;) {
      uint32_t seen = npe_hal_eng_irqs;
      if (npe_hal_cycles() - t0 > max_cycles) {
        res->status = npe_hal_rd(NPE_STATUS_REG_OFFSET);
        res->timed_out = 1;
        return;
      }
      /* RING_HEAD first: once it has reached the tail, STATUS idle after
       * it means the last descriptor is done */
      head = npe_hal_rd(NPE_RING_HEAD_REG_OFFSET) & mask;
      if (more && ((r->tail + 1u) & mask) != head) break;
      uint32_t status = npe_hal_rd(NPE_STATUS_REG_OFFSET);
      if ((status >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK) {
        res->status = status;
        res->err_addr = npe_hal_rd(NPE_ERR_ADDR_LO_REG_OFFSET);
        return;
      }
      if (!more && !(status & (1u << NPE_STATUS_BUSY_BIT)) && head == r->tail) {
        res->status = status;
        return;
      }
      if (!sleep_irq(seen, t0, max_cycles)) {
        res->status = npe_hal_rd(NPE_STATUS_REG_OFFSET);
        res->timed_out = 1;
        return;
      }
    }
  }
#endif
}
