/* SPDX-License-Identifier: Apache-2.0 */
/* npe_internal.h - libnpe internals shared by its source files. Not API. */
#ifndef NPE_INTERNAL_H
#define NPE_INTERNAL_H

#include "npe.h"
#include "npe_ring.h"
#include "npe_tiler.h"
#include "npe_transport.h"

#define NPE_BUF_MAGIC 0x4e504542u  /* "NPEB" */
#define NPE_DEV_MAGIC 0x4e504544u  /* "NPED" */
#define NPE_RING_LOG2 10u          /* 1024 descriptors, 64 KiB */

struct npe_buf {
  uint32_t magic;      /* NPE_BUF_MAGIC while live, 0 once freed */
  npe_dev *dev;
  uint64_t addr;       /* device address */
  size_t size;         /* bytes asked for */
  size_t span;         /* bytes reserved (rounded up to 64) */
  struct npe_buf *next;
};

struct npe_rnn_job; /* npe_rnn.c */
struct npe_offload_job; /* npe_offload.c */

/* An asynchronous job: a matmul, or with rnn set a sequence (npe_rnn.c),
 * whose device buffer is held in a so that npe_buf_free() sees it busy. */
struct npe_job {
  struct npe_rnn_job *rnn;
  struct npe_offload_job *off; /* a matmul the firmware runs (npe_offload.c) */
  npe_mm_plan plan;
  npe_tiler_it it;
  npe_ring_stream stream;
  npe_buf *a, *b, *c;
  npe_output *out;
  uint32_t m, n;
  float scale;         /* scale_a * scale_b */
  float *col_scales;   /* npe_matmul_rows: scale_a * b_scales[j] per column j (owned), else NULL */
  double t_start;      /* host seconds */
  uint64_t link0, frames0, cyc0; /* npe_dev.link_bytes, link_frames, device cycles at submit */
  /* NLU jobs (npe_matmul_nlu; the plan's nlu_aux): 2-byte codes go to
   * nlu_codes. */
  int nlu;
  uint8_t *nlu_codes;
  size_t nlu_stride;
};

struct npe_dev {
  uint32_t magic;              /* NPE_DEV_MAGIC while open (cleared by npe_close) */
  /* What the driver calls: raw's functions with every byte that crosses the
   * host link counted into link_bytes (npe_stats.link_bytes) */
  npe_transport t;
  npe_transport raw;           /* the transport itself */
  uint64_t link_bytes;         /* CSR words (4 bytes each) and memory bytes moved so far */
  uint64_t link_frames;        /* board-link frames they would take (npe_dev.c) */
  char msg[192];               /* the last offload failure in words ("" if none) */
  uint32_t off_test_op;        /* offload tests: the opcode of the next requests (the
                                * firmware's MATMUL_FAULT / _TIMEOUT hooks); 0: MATMUL */
  int off_stale;               /* offload: a timed-out job's request is still with the
                                * firmware; its answer is drained before the next one */
  npe_ring ring;
  npe_hw_shape hw;
  npe_info info;
  uint64_t heap_lo, heap_hi;   /* device memory the allocator hands out */
  npe_buf *bufs;               /* every buffer ever made, live or freed */
  npe_job *job;                /* the job in flight, if any */
  npe_stats last;
  int have_last;
  npe_progress_fn progress;
  void *progress_ctx;
  int sherry_off;              /* npe_set_sherry(dev, 0): ternary B always as 2-bit codes */
  int b_resident_off;          /* npe_set_b_resident(dev, 0): B LOADed per step, as before */
};

/* NPE_OK for an open device, NPE_ERR_INVALID_ARG for NULL or anything
 * without the device magic (a closed handle is undefined behaviour; the
 * check is no promise). */
int npe__dev_check(const npe_dev *d);

/* What npe_open uses instead of the real thing (tests): NULL fields are the
 * real ones. */
struct npe_ftdi_ops;
struct npe_uio_ops;
typedef struct npe_open_hooks {
  const struct npe_ftdi_ops *ftdi; /* libftdi calls of ftdi:// */
  const struct npe_uio_ops *uio;   /* system calls of uio: */
} npe_open_hooks;

/* npe_open_msg with @p hooks (NULL: none). */
int npe__open_with(const char *uri, const npe_open_hooks *hooks, npe_dev **out, char *msg,
                   size_t cap);

/* Unlinks and frees a buffer the driver made for itself (no tombstone). */
void npe__buf_release(npe_dev *d, npe_buf *b);

/* Host wall-clock seconds (monotonic). */
double npe__now(void);

/* Sequence jobs (npe_rnn.c), called by npe_poll() / npe_wait() for a job
 * with rnn set, and by npe_close() for one still in flight. */
int npe__rnn_poll(npe_dev *d, npe_job *j, int *done);
int npe__rnn_wait(npe_dev *d, npe_job *j, uint64_t timeout_cycles);
void npe__rnn_free(npe_dev *d, npe_job *j);

/* The engine's performance counters into @p s (cycles, MACs, stalls, DMA
 * bytes, ADC conversions); the other fields are left alone. */
int npe__read_counters(npe_dev *d, npe_stats *s);

/* After a device error: SOFT_RESET and a fresh ring, so the next job runs. */
void npe__recover(npe_dev *d);

/* Offloaded matmuls (npe_offload.c), for a device whose transport has
 * offload set: PING at open (the engine's shape), submit / poll / wait of a
 * matmul job, the job freed by npe_close() when still in flight. */
int npe__offload_open(npe_dev *d);
int npe__offload_submit(npe_dev *d, const npe_tensor *a, const npe_tensor *b,
                        const float *b_scales, npe_output *out, npe_job **jobp);
int npe__offload_poll(npe_dev *d, npe_job *j, int *done);
int npe__offload_wait(npe_dev *d, npe_job *j, uint64_t timeout_cycles);
void npe__offload_free(npe_dev *d, npe_job *j);
double npe__offload_progress(const npe_job *j); /* requests answered / requests */
/* A DIAG sequence through the firmware (NPE_SOC_OP_RECUR requests), run to
 * the end: npe_rnn() on an offload device (the sequence already checked). */
int npe__offload_rnn(npe_dev *d, const npe_rnn_seq *s);
/* The engine's shape and units from its CAP registers (read over the CSRs,
 * or from the firmware's PING) into d->info and d->hw. */
int npe__fill_info(npe_dev *d, uint32_t cap_fmt, uint32_t cap_arr, uint32_t cap_spad,
                   uint32_t cap_recur);

/* Energy estimate of a job from its counters. */
double npe__energy_estimate(const npe_stats *s);

#endif /* NPE_INTERNAL_H */
