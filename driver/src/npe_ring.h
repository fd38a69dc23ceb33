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

/** A stream in progress (zero-initialise, then set src and src_ctx). */
typedef struct npe_ring_stream {
  npe_desc_source src;
  void *src_ctx;
  int more;           /**< the source may have more descriptors */
  int started;
  int finished;       /**< the engine is idle after the last descriptor, or failed */
  uint64_t t0;        /**< device cycle count at the start */
  npe_ring_result res;
} npe_ring_stream;

/**
 * One non-blocking step: writes descriptors while the ring has room,
 * advances TAIL, and checks STATUS; sets s->finished (and s->res) when the
 * stream has run to its end or the engine reported an error. Errors:
 * NPE_ERR_INVALID_ARG, transport errors.
 */
int npe_ring_pump(const npe_transport *t, npe_ring *r, npe_ring_stream *s);

/**
 * Pumps @p s until it finishes, letting the device run in between. Bounds
 * the device time by @p max_cycles (0 = none). @p progress, if not NULL, is
 * called now and then with the descriptors submitted so far.
 * Returns NPE_OK (check s->res.hw_err for device errors), NPE_ERR_TIMEOUT, or
 * a transport error.
 */
int npe_ring_finish(const npe_transport *t, npe_ring *r, npe_ring_stream *s,
                    uint64_t max_cycles, void (*progress)(uint64_t done, void *ctx),
                    void *progress_ctx);

/** Lets the device run once (up to a poll interval or the next interrupt)
 *  and acknowledges the interrupt. */
int npe_ring_wait(const npe_transport *t);

#endif /* NPE_RING_H */
