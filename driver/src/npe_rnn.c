/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_rnn.c - libnpe: sequences through the recurrence unit (RECUR opcode,
 * DIAG mode; docs/RECUR.md, "The driver").
 *
 * A sequence of T steps over H elements is cut into pieces, each one RECUR
 * descriptor: slices of at most CAP_RECUR.STATE_WORDS elements (DIAG is
 * elementwise, so slices are independent), each slice's T steps in chunks
 * of at most 65535 steps (the descriptor's T field) and of what fits in the
 * device buffer the job could get. A slice's first chunk starts from h0
 * (INIT = LOAD) or from zero (INIT = ZERO); each later chunk continues from
 * the state the previous RECUR left on chip (INIT = KEEP), so a slice's
 * chunks run back to back. Pieces run in passes: as many consecutive
 * pieces as fit in the buffer are staged (records packed per slice, h0),
 * streamed through the ring, and their results read back into host copies
 * of the outputs, which reach the caller's arrays only when the whole job
 * has succeeded.
 */
#include <stdlib.h>
#include <string.h>

#include "npe_internal.h"
#include "npe_regs.h"

_Static_assert(NPE_RECUR_GATE_FRAC == NPE_RECUR_GATE_FRAC_BITS,
               "golden gate format and register map disagree");

#define RNN_MAX_T 65535u          /* the descriptor's T field */
#define RNN_PASS_PIECES 64u       /* pieces staged at most per pass */

static uint64_t r8(uint64_t n) { return (n + 7u) & ~(uint64_t)7u; }

/* One RECUR descriptor: elements [i0, i0 + hs) for steps [t0, t0 + tc). */
typedef struct rnn_piece {
  uint32_t i0, hs, t0, tc;
  uint32_t init;           /* NPE_RECUR_INIT_* */
  uint64_t off_h0, off_rec, off_out; /* in the job's device buffer */
} rnn_piece;

struct npe_rnn_job {
  uint32_t T, H;
  uint32_t slices, slice_w;   /* slice widths: slice_w or slice_w - 1 (the last ones) */
  uint32_t chunk_t;           /* steps per chunk (the last of a slice may be shorter) */
  int out_last;               /* only h_T is wanted: OUT_LAST on every piece */
  uint8_t *rec;               /* T x H 8-byte records, packed as the engine reads them */
  int32_t *h0;                /* H, or NULL */
  int32_t *h_all, *h_last;    /* host copies of the outputs (h_all NULL unless asked) */
  int32_t *user_h, *user_h_last;
  uint64_t buf_bytes;         /* the device buffer (npe_job.a) */
  /* the cursor: next piece to stage */
  uint32_t cur_slice, cur_t;
  rnn_piece pass[RNN_PASS_PIECES];
  uint32_t npass, emitted;    /* pieces in this pass, descriptors given to the ring */
  npe_ring_stream stream;
  uint64_t descs;             /* descriptors of finished passes */
  uint64_t expect_rd_bytes;   /* what the DMA reads in all (progress) */
  uint64_t t0_cycles;         /* device cycles at submission */
  int failed;                 /* a pass could not be staged: npe_status */
  int all_done;
};

/* Slice s: its first element and width. */
static void slice_of(const struct npe_rnn_job *r, uint32_t s, uint32_t *i0, uint32_t *hs) {
  /* the first H % slices slices are one wider */
  uint32_t base = r->H / r->slices, extra = r->H % r->slices;
  *hs = base + (s < extra);
  *i0 = s * base + (s < extra ? s : extra);
}

/* Device bytes of a piece: h0 (LOAD), records, outputs (each 8-aligned). */
static uint64_t piece_bytes(const struct npe_rnn_job *r, uint32_t hs, uint32_t tc, int load) {
  uint64_t out = r->out_last ? (uint64_t)hs * 4u : (uint64_t)hs * tc * 4u;
  return (load ? r8((uint64_t)hs * 4u) : 0u) + (uint64_t)hs * tc * 8u + r8(out);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static int32_t get32(const uint8_t *p) {
  return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24);
}

/* The ring's source: the pass's descriptors. */
static int rnn_source(void *ctx, uint8_t desc[64]) {
  npe_job *j = ctx;
  struct npe_rnn_job *r = j->rnn;
  if (r->emitted >= r->npass) return 0;
  const rnn_piece *p = &r->pass[r->emitted++];
  memset(desc, 0, 64);
  npe_desc_set_opcode(desc, NPE_OP_RECUR);
  npe_desc_set_n(desc, (uint16_t)p->hs);
  npe_desc_set_t(desc, (uint16_t)p->tc);
  npe_desc_set_addr_a(desc, j->a->addr + p->off_rec);
  if (p->init == NPE_RECUR_INIT_LOAD) npe_desc_set_addr_b(desc, j->a->addr + p->off_h0);
  npe_desc_set_addr_c(desc, j->a->addr + p->off_out);
  npe_desc_set_aux(desc, NPE_RECUR_MODE_DIAG << NPE_RECUR_AUX_MODE_LSB |
                             p->init << NPE_RECUR_AUX_INIT_LSB |
                             (uint32_t)r->out_last << NPE_RECUR_AUX_OUT_LAST_BIT);
  return 1;
}

/* Stages the next pass from the cursor and starts streaming it. */
static int stage_pass(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  uint64_t used = 0;
  r->npass = 0;
  r->emitted = 0;
  while (r->cur_slice < r->slices && r->npass < RNN_PASS_PIECES) {
    uint32_t i0, hs;
    slice_of(r, r->cur_slice, &i0, &hs);
    uint32_t tc = r->T - r->cur_t < r->chunk_t ? r->T - r->cur_t : r->chunk_t;
    uint32_t init = r->cur_t ? NPE_RECUR_INIT_KEEP
                    : r->h0  ? NPE_RECUR_INIT_LOAD
                             : NPE_RECUR_INIT_ZERO;
    uint64_t bytes = piece_bytes(r, hs, tc, init == NPE_RECUR_INIT_LOAD);
    if (used + bytes > r->buf_bytes) break; /* the first piece always fits (plan) */
    rnn_piece *p = &r->pass[r->npass++];
    *p = (rnn_piece){i0, hs, r->cur_t, tc, init, 0, 0, 0};
    p->off_h0 = used;
    p->off_rec = used + (init == NPE_RECUR_INIT_LOAD ? r8((uint64_t)hs * 4u) : 0u);
    p->off_out = p->off_rec + (uint64_t)hs * tc * 8u;
    used += bytes;
    r->cur_t += tc;
    if (r->cur_t == r->T) r->cur_t = 0, r->cur_slice++;
  }
  if (!r->npass) return NPE_ERR_NO_MEM; /* cannot happen: the plan fits one piece */
  /* the records of a piece are its slice's columns of each step: packed */
  uint64_t maxrec = 0;
  for (uint32_t k = 0; k < r->npass; k++)
    if ((uint64_t)r->pass[k].hs * r->pass[k].tc * 8u > maxrec)
      maxrec = (uint64_t)r->pass[k].hs * r->pass[k].tc * 8u;
  uint8_t *tmp = malloc(maxrec ? maxrec : 1u);
  if (!tmp) return NPE_ERR_NO_MEM;
  int rc = NPE_OK;
  for (uint32_t k = 0; !rc && k < r->npass; k++) {
    const rnn_piece *p = &r->pass[k];
    if (p->init == NPE_RECUR_INIT_LOAD) {
      for (uint32_t i = 0; i < p->hs; i++) put32(tmp + 4u * i, (uint32_t)r->h0[p->i0 + i]);
      rc = npe_buf_write(d, j->a, p->off_h0, tmp, (size_t)p->hs * 4u);
    }
    for (uint32_t t = 0; !rc && t < p->tc; t++)
      memcpy(tmp + (size_t)t * p->hs * 8u,
             r->rec + ((size_t)(p->t0 + t) * r->H + p->i0) * 8u, (size_t)p->hs * 8u);
    if (!rc) rc = npe_buf_write(d, j->a, p->off_rec, tmp, (size_t)p->hs * p->tc * 8u);
  }
  free(tmp);
  if (rc) return rc;
  memset(&r->stream, 0, sizeof r->stream);
  r->stream.src = rnn_source;
  r->stream.src_ctx = j;
  return npe_ring_pump(&d->t, &d->ring, &r->stream);
}

/* Reads the finished pass's results into the host copies. */
static int collect_pass(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  int rc = NPE_OK;
  for (uint32_t k = 0; !rc && k < r->npass; k++) {
    const rnn_piece *p = &r->pass[k];
    size_t rows = r->out_last ? 1u : p->tc, bytes = rows * p->hs * 4u;
    uint8_t *tmp = malloc(bytes);
    if (!tmp) return NPE_ERR_NO_MEM;
    rc = npe_buf_read(d, j->a, p->off_out, tmp, bytes);
    for (size_t t = 0; !rc && r->h_all && t < rows; t++)
      for (uint32_t i = 0; i < p->hs; i++)
        r->h_all[(size_t)(p->t0 + t) * r->H + p->i0 + i] = get32(tmp + (t * p->hs + i) * 4u);
    if (!rc && p->t0 + p->tc == r->T) /* the slice's last chunk: its h_T */
      for (uint32_t i = 0; i < p->hs; i++)
        r->h_last[p->i0 + i] = get32(tmp + ((rows - 1u) * p->hs + i) * 4u);
    free(tmp);
  }
  return rc;
}

void npe__rnn_free(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  if (!r) return;
  if (j->a) npe__buf_release(d, j->a);
  j->a = NULL;
  free(r->rec), free(r->h0), free(r->h_all), free(r->h_last);
  free(r);
  j->rnn = NULL;
}

/* Checks a sequence and the engine (npe_rnn()'s errors but BUSY and NO_MEM). */
static int check_seq(npe_dev *d, const npe_rnn_seq *s) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!s) return NPE_ERR_INVALID_ARG;
  switch (s->cell) {
  case NPE_RNN_DIAG: break;
  case NPE_RNN_GRU:
  case NPE_RNN_LSTM:
  case NPE_RNN_GLA: return NPE_ERR_UNSUPPORTED; /* reserved: not built yet */
  default: return NPE_ERR_INVALID_ARG;
  }
  if (!s->steps || !s->hidden || !s->a || !s->b || (!s->h && !s->h_last))
    return NPE_ERR_INVALID_ARG;
  if (!d->info.has_recur || !d->info.recur_state_words ||
      !(d->info.recur_modes >> NPE_RECUR_MODE_DIAG & 1u))
    return NPE_ERR_UNSUPPORTED;
  if (d->job) return NPE_ERR_BUSY;
  return NPE_OK;
}

/* Plans the cut, allocates the device buffer: as large as the whole job
 * needs, halved while the device memory refuses, down to one step of the
 * widest slice. */
static int plan(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  uint32_t sw = d->info.recur_state_words;
  r->slices = (r->H + sw - 1u) / sw;
  r->slice_w = (r->H + r->slices - 1u) / r->slices;
  int load = r->h0 != NULL;
  uint64_t want = 0;
  for (uint32_t s = 0; s < r->slices; s++) {
    uint32_t i0, hs;
    slice_of(r, s, &i0, &hs);
    for (uint32_t t = 0; t < r->T; t += RNN_MAX_T) {
      uint32_t tc = r->T - t < RNN_MAX_T ? r->T - t : RNN_MAX_T;
      want += piece_bytes(r, hs, tc, load && t == 0);
    }
  }
  uint64_t least = piece_bytes(r, r->slice_w, 1, load);
  if (want > d->info.mem_size) want = d->info.mem_size;
  if (want < least) want = least;
  uint64_t bytes = want;
  int rc;
  for (;;) {
    rc = npe_buf_alloc(d, (size_t)bytes, &j->a);
    if (rc != NPE_ERR_NO_MEM || bytes == least) break;
    bytes = bytes / 2 > least ? bytes / 2 : least;
  }
  if (rc) return rc;
  r->buf_bytes = bytes;
  /* steps per chunk: the most with which the widest slice's chunk fits
   * the buffer (its outputs round up to 8 bytes: one step less at most);
   * one step always fits (least) */
  uint64_t w = r->slice_w;
  uint64_t fixed = (load ? r8(w * 4u) : 0u) + (r->out_last ? r8(w * 4u) : 0u);
  uint64_t per_step = w * 8u + (r->out_last ? 0u : w * 4u);
  uint64_t tc = bytes > fixed ? (bytes - fixed) / per_step : 0u;
  if (tc > RNN_MAX_T) tc = RNN_MAX_T;
  while (tc > 1u && piece_bytes(r, (uint32_t)w, (uint32_t)tc, load) > bytes) tc--;
  r->chunk_t = tc < 1u ? 1u : (uint32_t)tc;
  uint64_t chunks = (r->T + r->chunk_t - 1u) / r->chunk_t;
  r->expect_rd_bytes = (uint64_t)r->T * r->H * 8u + (load ? (uint64_t)r->H * 4u : 0u) +
                       64u * chunks * r->slices;
  return NPE_OK;
}

int npe_rnn_submit(npe_dev *d, const npe_rnn_seq *s, npe_job **jobp) {
  int rc = check_seq(d, s);
  if (rc) return rc;
  if (!jobp) return NPE_ERR_INVALID_ARG;
  uint64_t n = (uint64_t)s->steps * s->hidden;
  if (n > SIZE_MAX / 8u) return NPE_ERR_NO_MEM;
  npe_job *j = calloc(1, sizeof *j);
  struct npe_rnn_job *r = calloc(1, sizeof *r);
  if (!j || !r) {
    free(j), free(r);
    return NPE_ERR_NO_MEM;
  }
  j->rnn = r;
  j->t_start = npe__now();
  r->T = s->steps, r->H = s->hidden;
  r->out_last = !s->h;
  r->user_h = s->h, r->user_h_last = s->h_last;
  r->rec = malloc((size_t)n * 8u);
  r->h_last = malloc((size_t)r->H * 4u);
  if (s->h0) r->h0 = malloc((size_t)r->H * 4u);
  if (s->h) r->h_all = malloc((size_t)n * 4u);
  rc = r->rec && r->h_last && (!s->h0 || r->h0) && (!s->h || r->h_all) ? NPE_OK : NPE_ERR_NO_MEM;
  if (!rc) {
    /* the inputs, copied: records {b: bits 31:0, a: bits 63:32}, little-endian */
    for (size_t i = 0; i < n; i++) {
      put32(r->rec + 8u * i, (uint32_t)s->b[i]);
      put32(r->rec + 8u * i + 4u, (uint32_t)s->a[i]);
    }
    if (s->h0) memcpy(r->h0, s->h0, (size_t)r->H * 4u);
    rc = plan(d, j);
  }
  d->job = j;
  uint32_t ctrl;
  if (!rc) rc = d->t.csr_read(d->t.ctx, NPE_CTRL_REG_OFFSET, &ctrl);
  if (!rc) /* counters from zero for this job */
    rc = d->t.csr_write(d->t.ctx, NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_PERF_CLEAR_BIT));
  r->t0_cycles = d->t.cycles(d->t.ctx);
  if (!rc) rc = stage_pass(d, j);
  if (rc) {
    d->job = NULL;
    npe__rnn_free(d, j);
    free(j);
    return rc;
  }
  *jobp = j;
  return NPE_OK;
}

/* One step: pumps the pass; when it has finished cleanly, collects it and
 * stages the next. Sets r->all_done when nothing is left to run. */
static int rnn_step(npe_dev *d, npe_job *j, int wait) {
  struct npe_rnn_job *r = j->rnn;
  if (r->all_done) return NPE_OK;
  int rc = npe_ring_pump(&d->t, &d->ring, &r->stream);
  if (!rc && !r->stream.finished && wait) {
    rc = npe_ring_wait(&d->t);
    if (!rc) rc = npe_ring_pump(&d->t, &d->ring, &r->stream);
  }
  if (rc || !r->stream.finished) return rc;
  r->descs += r->stream.res.descs;
  if (r->stream.res.hw_err) {
    r->all_done = 1;
    return NPE_OK;
  }
  rc = collect_pass(d, j);
  if (!rc && r->cur_slice < r->slices) {
    rc = stage_pass(d, j);
  } else if (!rc) {
    r->all_done = 1;
  }
  if (rc) {
    r->failed = rc;
    r->all_done = 1;
  }
  return rc;
}

int npe__rnn_poll(npe_dev *d, npe_job *j, int *done) {
  int rc = rnn_step(d, j, 1);
  if (!rc) *done = j->rnn->all_done;
  return rc;
}

int npe__rnn_wait(npe_dev *d, npe_job *j, uint64_t timeout_cycles) {
  struct npe_rnn_job *r = j->rnn;
  int rc = r->failed;
  while (!rc && !r->all_done) {
    if (timeout_cycles && d->t.cycles(d->t.ctx) - r->t0_cycles > timeout_cycles) {
      rc = NPE_ERR_TIMEOUT;
      break;
    }
    rc = rnn_step(d, j, 1);
  }
  if (!rc && r->failed) rc = r->failed;
  npe_stats s;
  memset(&s, 0, sizeof s);
  int hw = !rc && r->stream.res.hw_err;
  if (!rc) rc = npe__read_counters(d, &s);
  if (!rc && hw) {
    s.hw_error = r->stream.res.hw_err;
    s.hw_error_index = r->stream.res.err_idx;
    s.hw_error_addr = r->stream.res.err_addr;
    rc = NPE_ERR_DEVICE;
  }
  if (rc == NPE_OK || rc == NPE_ERR_DEVICE) {
    s.descriptors = r->descs;
    s.recur_elems = rc == NPE_OK ? (uint64_t)r->T * r->H : 0u;
    s.peak_macs = s.cycles;
    s.utilisation = s.peak_macs ? (double)s.recur_elems / (double)s.peak_macs : 0.0;
    s.energy_pj = npe__energy_estimate(&s);
    s.host_seconds = npe__now() - j->t_start;
    d->last = s;
    d->have_last = 1;
  }
  if (rc == NPE_OK) {
    if (r->user_h) memcpy(r->user_h, r->h_all, (size_t)r->T * r->H * 4u);
    if (r->user_h_last) memcpy(r->user_h_last, r->h_last, (size_t)r->H * 4u);
  }
  if (rc == NPE_ERR_DEVICE || rc == NPE_ERR_TIMEOUT) npe__recover(d);
  d->job = NULL;
  npe__rnn_free(d, j);
  free(j);
  return rc;
}

/* Fraction done: the DMA's read bytes against what the job reads in all. */
static double rnn_fraction(npe_dev *d, const struct npe_rnn_job *r) {
  uint32_t lo = 0, hi = 0;
  uint32_t off = NPE_PERF_REG_OFFSET(NPE_PERF_DMA_RD_BYTES);
  if (d->t.csr_read(d->t.ctx, off, &lo) || d->t.csr_read(d->t.ctx, off + 4u, &hi)) return 0.0;
  double f = (double)((uint64_t)hi << 32 | lo) / (double)r->expect_rd_bytes;
  return r->all_done ? 1.0 : f < 1.0 ? f : 1.0;
}

int npe_rnn(npe_dev *d, const npe_rnn_seq *s) {
  npe_job *j;
  int rc = npe_rnn_submit(d, s, &j);
  if (rc) return rc;
  if (d->progress) {
    int done = 0;
    while (!rc && !done) {
      rc = npe_poll(d, j, &done);
      d->progress(rnn_fraction(d, j->rnn), d->progress_ctx);
    }
  }
  int rc2 = npe_wait(d, j, 0);
  return rc ? rc : rc2;
}
