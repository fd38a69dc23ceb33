/* SPDX-License-Identifier: Apache-2.0 */
/* npe_ring.c - descriptor streaming through the command ring; see npe_ring.h. */
#include "npe_ring.h"

#include "npe_format.h"
#include "npe_regs.h"

#define RING_POLL_BUDGET 1024u /* device cycles between polls of HEAD/STATUS */
#define RING_RUN 16u           /* descriptors written at once, at most */

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

int npe_ring_pump(const npe_transport *t, npe_ring *r, npe_ring_stream *s) {
  if (!t || !r || !s || !s->src) return NPE_ERR_INVALID_ARG;
  if (s->finished) return NPE_OK;
  const uint32_t mask = (1u << r->log2_n) - 1u;
  const uint32_t intr = (1u << NPE_INTR_STATE_DONE_BIT) | (1u << NPE_INTR_STATE_ERROR_BIT);
  uint32_t head, status, lo, hi;
  int rc = NPE_OK;
  if (!s->started) {
    /* interrupts on completion and error end each wait early */
    rc = t->csr_write(t->ctx, NPE_INTR_STATE_REG_OFFSET, intr);
    if (!rc) rc = t->csr_write(t->ctx, NPE_INTR_ENABLE_REG_OFFSET, intr);
    if (rc) return rc;
    s->started = 1;
    s->more = 1;
    s->t0 = t->cycles(t->ctx);
  }
  rc = t->csr_read(t->ctx, NPE_RING_HEAD_REG_OFFSET, &head);
  /* descriptors go in runs of consecutive slots, one memory write each (a
   * board link sends each write as frames: fewer, longer ones) */
  uint8_t run[RING_RUN * 64];
  uint32_t wrote = 0, n = 0, first = r->tail;
  while (!rc && s->more && ((r->tail + 1u) & mask) != head) {
    s->more = s->src(s->src_ctx, run + 64u * n);
    if (!s->more) break;
    n++;
    r->tail = (r->tail + 1u) & mask;
    s->res.descs++;
    wrote++;
    if (n == RING_RUN || r->tail == 0) {
      rc = t->mem_write(t->ctx, r->base + 64u * (uint64_t)first, run, 64u * n);
      n = 0;
      first = r->tail;
    }
  }
  if (!rc && n) rc = t->mem_write(t->ctx, r->base + 64u * (uint64_t)first, run, 64u * n);
  if (!rc && wrote) rc = t->csr_write(t->ctx, NPE_RING_TAIL_REG_OFFSET, r->tail);
  if (!rc) rc = t->csr_read(t->ctx, NPE_STATUS_REG_OFFSET, &status);
  if (rc) return rc;
  uint32_t err = (status >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
  if (err || (!s->more && !(status & (1u << NPE_STATUS_BUSY_BIT)))) {
    s->res.hw_err = err;
    s->res.err_idx = (status >> NPE_STATUS_ERR_IDX_OFFSET) & NPE_STATUS_ERR_IDX_MASK;
    rc = t->csr_read(t->ctx, NPE_ERR_ADDR_LO_REG_OFFSET, &lo);
    if (!rc) rc = t->csr_read(t->ctx, NPE_ERR_ADDR_HI_REG_OFFSET, &hi);
    if (rc) return rc;
    s->res.err_addr = (uint64_t)hi << 32 | lo;
    s->res.cycles = t->cycles(t->ctx) - s->t0;
    s->finished = 1;
  }
  return NPE_OK;
}

int npe_ring_wait(const npe_transport *t) {
  uint32_t pending;
  int rc = t->wait(t->ctx, RING_POLL_BUDGET);
  if (!rc) rc = t->csr_read(t->ctx, NPE_INTR_STATE_REG_OFFSET, &pending);
  if (!rc && pending) rc = t->csr_write(t->ctx, NPE_INTR_STATE_REG_OFFSET, pending);
  return rc;
}

int npe_ring_finish(const npe_transport *t, npe_ring *r, npe_ring_stream *s,
                    uint64_t max_cycles, void (*progress)(uint64_t done, void *ctx),
                    void *progress_ctx) {
  if (!t || !r || !s) return NPE_ERR_INVALID_ARG;
  uint64_t polls = 0;
  for (;;) {
    int rc = npe_ring_pump(t, r, s);
    if (rc || s->finished) return rc;
    if (max_cycles && t->cycles(t->ctx) - s->t0 > max_cycles) return NPE_ERR_TIMEOUT;
    rc = npe_ring_wait(t);
    if (rc) return rc;
    if (progress && (++polls & 63u) == 0) progress(s->res.descs, progress_ctx);
  }
}
