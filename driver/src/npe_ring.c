/* SPDX-License-Identifier: Apache-2.0 */
/* npe_ring.c - descriptor streaming through the command ring; see npe_ring.h. */
#include "npe_ring.h"

#include "npe_format.h"
#include "npe_regs.h"

#define RING_POLL_BUDGET 1024u /* device cycles between polls of HEAD/STATUS */

int npe_ring_setup(const npe_transport *t, npe_ring *r) {
  if (!t || !r || (r->base & 63u) || r->log2_n < 1 || r->log2_n > 15)
    return NPE_ERR_INVALID_ARG;
  uint32_t head, ctrl;
  int rc = t->csr_write(t->ctx, NPE_RING_BASE_LO_REG_OFFSET, (uint32_t)r->base);
  if (!rc) rc = t->csr_write(t->ctx, NPE_RING_BASE_HI_REG_OFFSET, (uint32_t)(r->base >> 32));
  if (!rc) rc = t->csr_write(t->ctx, NPE_RING_SIZE_REG_OFFSET, r->log2_n);
  if (!rc) rc = t->csr_read(t->ctx, NPE_RING_HEAD_REG_OFFSET, &head);
  if (!rc) rc = t->csr_write(t->ctx, NPE_RING_TAIL_REG_OFFSET, head);
  if (!rc) rc = t->csr_read(t->ctx, NPE_CTRL_REG_OFFSET, &ctrl);
  if (!rc) rc = t->csr_write(t->ctx, NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_START_BIT));
  if (!rc) r->tail = head;
  return rc;
}

int npe_ring_run(const npe_transport *t, npe_ring *r, npe_desc_source src, void *src_ctx,
                 uint64_t max_cycles, npe_ring_result *res,
                 void (*progress)(uint64_t done, void *ctx), void *progress_ctx) {
  if (!t || !r || !src || !res) return NPE_ERR_INVALID_ARG;
  npe_ring_result out = {0, 0, 0, 0, 0};
  uint32_t mask = (1u << r->log2_n) - 1u, head, status, lo, hi;
  uint64_t t0 = t->cycles(t->ctx), polls = 0;
  int more = 1, rc = t->csr_read(t->ctx, NPE_RING_HEAD_REG_OFFSET, &head);
  uint8_t desc[64];
  /* interrupts on completion and error end each wait early */
  const uint32_t intr = (1u << NPE_INTR_STATE_DONE_BIT) | (1u << NPE_INTR_STATE_ERROR_BIT);
  uint32_t pending;
  if (!rc) rc = t->csr_write(t->ctx, NPE_INTR_STATE_REG_OFFSET, intr);
  if (!rc) rc = t->csr_write(t->ctx, NPE_INTR_ENABLE_REG_OFFSET, intr);
  while (!rc) {
    uint32_t wrote = 0;
    while (more && ((r->tail + 1u) & mask) != head) {
      more = src(src_ctx, desc);
      if (!more) break;
      rc = t->mem_write(t->ctx, r->base + 64u * (uint64_t)r->tail, desc, 64);
      if (rc) return rc;
      r->tail = (r->tail + 1u) & mask;
      out.descs++;
      wrote++;
    }
    if (wrote) rc = t->csr_write(t->ctx, NPE_RING_TAIL_REG_OFFSET, r->tail);
    if (!rc) rc = t->csr_read(t->ctx, NPE_STATUS_REG_OFFSET, &status);
    if (rc) break;
    uint32_t err = (status >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
    if (err || (!more && !(status & (1u << NPE_STATUS_BUSY_BIT)))) {
      out.hw_err = err;
      out.err_idx = (status >> NPE_STATUS_ERR_IDX_OFFSET) & NPE_STATUS_ERR_IDX_MASK;
      rc = t->csr_read(t->ctx, NPE_ERR_ADDR_LO_REG_OFFSET, &lo);
      if (!rc) rc = t->csr_read(t->ctx, NPE_ERR_ADDR_HI_REG_OFFSET, &hi);
      out.err_addr = (uint64_t)hi << 32 | lo;
      break;
    }
    if (max_cycles && t->cycles(t->ctx) - t0 > max_cycles) {
      rc = NPE_ERR_TIMEOUT;
      break;
    }
    rc = t->wait(t->ctx, RING_POLL_BUDGET);
    if (!rc) rc = t->csr_read(t->ctx, NPE_INTR_STATE_REG_OFFSET, &pending);
    if (!rc && pending) rc = t->csr_write(t->ctx, NPE_INTR_STATE_REG_OFFSET, pending);
    if (!rc) rc = t->csr_read(t->ctx, NPE_RING_HEAD_REG_OFFSET, &head);
    if (progress && (++polls & 63u) == 0) progress(out.descs, progress_ctx);
  }
  out.cycles = t->cycles(t->ctx) - t0;
  *res = out;
  return rc;
}
