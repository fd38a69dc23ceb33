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
  info->formats = (fmt >> NPE_CAP_FORMATS_FORMATS_OFFSET) & NPE_CAP_FORMATS_FORMATS_MASK;
  info->cap_array = arr;
  info->cap_spad = spad;
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
  uint32_t ctrl = npe_hal_rd(NPE_CTRL_REG_OFFSET);
  npe_hal_wr(NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_START_BIT) | (1u << NPE_CTRL_PERF_EN_BIT) |
                                      (1u << NPE_CTRL_STOP_ON_ERR_BIT));
}

void npe_hal_reset(npe_hal_ring *r, uint32_t win_base, uint32_t win_limit) {
  uint32_t ctrl = npe_hal_rd(NPE_CTRL_REG_OFFSET);
  npe_hal_wr(NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_SOFT_RESET_BIT));
  /* SOFT_RESET drops the ring state; wait until the engine is idle again */
  for (int i = 0; i < 1000 && (npe_hal_rd(NPE_STATUS_REG_OFFSET) & (1u << NPE_STATUS_BUSY_BIT)); i++) {
  }
  npe_hal_setup(r, win_base, win_limit);
}

void npe_hal_run(npe_hal_ring *r, const npe_mm_plan *p, uint32_t max_cycles,
                 uint32_t fault_at, uint32_t fault_addr, npe_hal_result *res) {
  const uint32_t mask = (1u << r->log2_n) - 1u;
  npe_tiler_it it = {0, 0, 0, 0};
  int more = 1;
  uint32_t t0 = npe_hal_cycles();
  res->descs = 0;
  res->status = 0;
  res->err_addr = 0;
  res->timed_out = 0;
  uint32_t ctrl = npe_hal_rd(NPE_CTRL_REG_OFFSET);
  npe_hal_wr(NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_PERF_CLEAR_BIT));
  for (;;) {
    uint32_t head = npe_hal_rd(NPE_RING_HEAD_REG_OFFSET) & mask;
    uint32_t wrote = 0;
    /* the descriptors go straight into the ring's slots in RAM */
    while (more && ((r->tail + 1u) & mask) != head) {
      uint8_t *slot = (uint8_t *)(uintptr_t)(r->base + 64u * r->tail);
      more = npe_tiler_next(p, &it, slot);
      if (!more) break;
      r->tail = (r->tail + 1u) & mask;
      res->descs++;
      if (res->descs == fault_at) {
        npe_desc_set_addr_a(slot, fault_addr);
      }
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
}
