/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_ring.h - feeds a descriptor stream through the engine's command ring
 * over any transport: writes descriptors at TAIL while there is room,
 * advances TAIL, lets the device run, and refills as HEAD moves, so a stream
 * of any length runs through a ring of fixed size. Internal to libnpe.
 */
#ifndef NPE_RING_H
#define NPE_RING_H

#include <stdint.h>

#include "npe_transport.h"

/** Ring placement in device memory. */
typedef struct npe_ring {
  uint64_t base;      /**< 64-byte aligned */
  uint32_t log2_n;    /**< entries = 2^log2_n, 1..15 */
  uint32_t tail;      /**< host copy of TAIL */
} npe_ring;

/** Produces the next descriptor; returns 1, or 0 at the end of the stream. */
typedef int (*npe_desc_source)(void *ctx, uint8_t desc[64]);

/** Outcome of a run. */
typedef struct npe_ring_result {
  uint32_t hw_err;    /**< STATUS.ERR (0 = none) */
  uint32_t err_idx;   /**< STATUS.ERR_IDX */
  uint64_t err_addr;  /**< ERR_ADDR */
  uint64_t cycles;    /**< device cycles from START to idle */
  uint64_t descs;     /**< descriptors submitted */
} npe_ring_result;

/** Programs RING_BASE/RING_SIZE/TAIL (TAIL = HEAD) and enables the ring.
 *  Errors: NPE_ERR_INVALID_ARG, transport errors. */
int npe_ring_setup(const npe_transport *t, npe_ring *r);

/**
 * Streams every descriptor of @p src through the ring and waits until the
 * engine is idle. @p max_cycles bounds the device time (0 = no bound).
 * @p progress, if not NULL, is called now and then with (descs done, ctx).
 * Returns NPE_OK (check res->hw_err for device errors), NPE_ERR_TIMEOUT,
 * or a transport error.
 */
int npe_ring_run(const npe_transport *t, npe_ring *r, npe_desc_source src, void *src_ctx,
                 uint64_t max_cycles, npe_ring_result *res,
                 void (*progress)(uint64_t done, void *ctx), void *progress_ctx);

#endif /* NPE_RING_H */
