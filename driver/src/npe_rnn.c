/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_rnn.c - libnpe: sequences through the recurrence unit (RECUR opcode,
 * DIAG, GRU, LSTM and HGRN modes; docs/RECUR.md, "The driver").
 *
 * A sequence of T steps over H elements is cut into pieces, each one RECUR
 * descriptor: DIAG in slices of at most CAP_RECUR.STATE_WORDS elements
 * (DIAG is elementwise, so slices are independent; a gated cell and HGRN
 * are one slice of all H), each slice's T steps in chunks of at most 65535 steps
 * (the descriptor's T field) and of what fits in the device buffer the job
 * could get. A slice's first chunk starts from h0 (and LSTM's c0: INIT =
 * LOAD) or from zero (INIT = ZERO); each later chunk continues from the
 * state the previous RECUR left on chip (INIT = KEEP), so a slice's chunks
 * run back to back. Pieces run in passes: as many consecutive pieces as fit
 * in the buffer are staged (GRU / LSTM: the weights' B image first, LOADed
 * into B buffer 0 by the pass's first descriptor; records packed per
 * slice, h0), streamed through the ring, and their results read back into
 * host copies of the outputs, which reach the caller's arrays only when the
 * whole job has succeeded.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe_internal.h"
#include "npe_recur_plan.h"
#include "npe_regs.h"

_Static_assert(NPE_RECUR_GATE_FRAC == NPE_RECUR_GATE_FRAC_BITS,
               "golden gate format and register map disagree");
_Static_assert(NPE_RECUR_CELL_FRAC == NPE_RECUR_CELL_FRAC_BITS,
               "golden cell format and register map disagree");
_Static_assert((int)NPE_RNN_GRU == (int)NPE_RECUR_MODE_GRU &&
                   (int)NPE_RNN_LSTM == (int)NPE_RECUR_MODE_LSTM &&
                   (int)NPE_RNN_GRU == (int)NPE_RECUR_GRU && (int)NPE_RNN_LSTM == (int)NPE_RECUR_LSTM,
               "cells and RECUR modes disagree");
_Static_assert((int)NPE_RNN_HGRN == (int)NPE_RECUR_MODE_HGRN &&
                   (int)NPE_RNN_HGRN == (int)NPE_RECUR_HGRN,
               "the HGRN cell and RECUR mode disagree");

#define RNN_MAX_T 65535u          /* the descriptor's T field */
#define RNN_PASS_PIECES 64u       /* pieces staged at most per pass */

static uint64_t r8(uint64_t n) { return (n + 7u) & ~(uint64_t)7u; }

/* One RECUR descriptor: elements [i0, i0 + hs) for steps [t0, t0 + tc). */
typedef struct rnn_piece {
  uint32_t i0, hs, t0, tc;
  uint32_t init;           /* NPE_RECUR_INIT_* */
  int out_last;            /* OUT_LAST: writes h_T (and LSTM's c_T) only */
  uint64_t off_h0, off_rec, off_out; /* in the job's device buffer */
} rnn_piece;

struct npe_rnn_job {
  npe_rnn_cell cell;
  uint32_t T, H;
  uint32_t slices, slice_w;   /* slice widths: slice_w or slice_w - 1 (the last ones) */
  uint32_t chunk_t;           /* steps per chunk (the last of a slice may be shorter) */
  int out_last;               /* no h (HGRN: y) asked: OUT_LAST on every piece */
  int split_last;             /* LSTM with every h and c_T asked, HGRN with every y and
                               * h_T: the last step is a piece of its own with OUT_LAST
                               * (h_T and c_T / y_T) */
  uint32_t rec_bytes;         /* bytes per record: 8 (DIAG), 16 (GRU, LSTM), 32 (with
                               * row scales: s0..s3, then x0..x3) */
  uint32_t state_n;           /* int32 per element that LOAD reads: 2 for LSTM (h then
                               * c), else 1 */
  uint32_t out_n;             /* int32 per element that OUT_LAST writes: 2 for LSTM (h
                               * then c) and HGRN (h then y), else 1 */
  uint8_t *rec;               /* T x H records, packed as the engine reads them */
  int32_t *h0;                /* state_n x H (h0, then LSTM's c0), or NULL */
  int32_t *h_all, *h_last;    /* host copies of the outputs (h_all NULL unless asked;
                               * HGRN: every y_t) */
  int32_t *c_last;            /* LSTM: host copy of c_T */
  int32_t *user_h, *user_h_last, *user_c_last;
  /* GRU / LSTM: the weights' B image at offset 0 of the buffer, LOADed at
   * the start of every pass */
  uint8_t *w_img;
  int32_t *scale_q;           /* GRU / LSTM with row scales: G H Q2.30 (npe_rnn_row_scales) */
  uint64_t w_bytes;           /* bytes of the rows loaded (a multiple of 8) */
  uint32_t w_rows, w_row_bytes; /* LOAD rows, scratchpad bytes of each */
  uint32_t w_mem_row;         /* device bytes of a row: w_row_bytes, or Sherry's */
  int w_sherry;               /* ternary W_hh as Sherry 1.25-bit codes (LOAD FLAGS.SHERRY) */
  uint32_t w_loads;           /* weight LOADs emitted (one per pass) */
  int load_w;                 /* the pass's weight LOAD is still to be emitted */
  uint8_t fmt_a, fmt_b;
  uint32_t aux;               /* MODE, HSHIFT and ACC_SHIFT bits of every RECUR */
  npe_fmt mac_fmt;            /* the format a MATMUL of the pair counts in */
  uint32_t lanes;             /* its MACs per PE per cycle */
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
  npe_recur_slice(r->H, r->slices, s, i0, hs); /* shared with the SoC's firmware */
}

/* Device bytes of a piece: h0 (LOAD), records, outputs (each 8-aligned). */
static uint64_t piece_bytes(const struct npe_rnn_job *r, uint32_t hs, uint32_t tc, int load,
                            int out_last) {
  uint64_t st = (uint64_t)hs * 4u * r->state_n;
  uint64_t out = out_last ? (uint64_t)hs * 4u * r->out_n : (uint64_t)hs * tc * 4u;
  return (load ? r8(st) : 0u) + (uint64_t)hs * tc * r->rec_bytes + r8(out);
}

static void put32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

static int32_t get32(const uint8_t *p) {
  return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
                   (uint32_t)p[3] << 24);
}

/* The ring's source: the pass's descriptors (GRU / LSTM: the weights' LOAD
 * first). */
static int rnn_source(void *ctx, uint8_t desc[64]) {
  npe_job *j = ctx;
  struct npe_rnn_job *r = j->rnn;
  if (r->load_w) { /* rows of the B image into B buffer 0, bank = row mod Cols */
    r->load_w = 0;
    r->w_loads++;
    npe_desc_fields f = {0};
    f.op = NPE_OP_LOAD;
    f.spad = 1u; /* scratchpad B, buffer 0 */
    if (r->w_sherry) { /* unpacked to the MATVEC image's words on the way */
      f.flags = (uint8_t)(1u << NPE_DESC_FLAG_SHERRY_BIT | 1u << NPE_DESC_FLAG_MATVEC_BIT);
      f.fmt_b = (uint8_t)NPE_FMT_TERNARY;
    }
    f.m = (uint16_t)r->w_rows;
    f.k = (uint16_t)r->w_row_bytes;
    f.addr_a = j->a->addr;
    f.stride_a = r->w_mem_row;
    npe_desc_encode(&f, desc);
    return 1;
  }
  if (r->emitted >= r->npass) return 0;
  const rnn_piece *p = &r->pass[r->emitted++];
  npe_recur_desc(desc, p->hs, p->tc, j->a->addr + p->off_rec, j->a->addr + p->off_h0,
                 j->a->addr + p->off_out, r->aux, p->init, p->out_last);
  if (r->cell == NPE_RNN_GRU || r->cell == NPE_RNN_LSTM) { /* the weights in B buffer 0, the array's output buffer 0 */
    npe_desc_set_fmt_a(desc, r->fmt_a);
    npe_desc_set_fmt_b(desc, r->fmt_b);
    npe_desc_set_spad(desc, 0);
  }
  return 1;
}

/* Stages the next pass from the cursor and starts streaming it. */
static int stage_pass(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  uint64_t used = r->w_bytes; /* the weights' image first (GRU, LSTM) */
  r->npass = 0;
  r->emitted = 0;
  while (r->cur_slice < r->slices && r->npass < RNN_PASS_PIECES) {
    uint32_t i0, hs;
    slice_of(r, r->cur_slice, &i0, &hs);
    uint32_t left = r->T - r->cur_t;
    uint32_t tc = left < r->chunk_t ? left : r->chunk_t;
    int ol = r->out_last;
    if (r->split_last) {
      if (left == 1) ol = 1;          /* the last step: h_T and c_T */
      else if (tc == left) tc--;      /* leaves the last step to a piece of its own */
    }
    uint32_t init = r->cur_t ? NPE_RECUR_INIT_KEEP
                    : r->h0  ? NPE_RECUR_INIT_LOAD
                             : NPE_RECUR_INIT_ZERO;
    int load = init == NPE_RECUR_INIT_LOAD;
    uint64_t bytes = piece_bytes(r, hs, tc, load, ol);
    if (used + bytes > r->buf_bytes) break; /* the first piece always fits (plan) */
    rnn_piece *p = &r->pass[r->npass++];
    *p = (rnn_piece){i0, hs, r->cur_t, tc, init, ol, 0, 0, 0};
    p->off_h0 = used;
    p->off_rec = used + (load ? r8((uint64_t)hs * 4u * r->state_n) : 0u);
    p->off_out = p->off_rec + (uint64_t)hs * tc * r->rec_bytes;
    used += bytes;
    r->cur_t += tc;
    if (r->cur_t == r->T) r->cur_t = 0, r->cur_slice++;
  }
  if (!r->npass) return NPE_ERR_NO_MEM; /* cannot happen: the plan fits one piece */
  int rc = r->w_bytes ? npe_buf_write(d, j->a, 0, r->w_img, (size_t)r->w_bytes) : NPE_OK;
  r->load_w = r->w_bytes != 0;
  /* the records of a piece are its slice's columns of each step: packed
   * (a piece of the whole width is one block of the host copy already) */
  size_t rb = r->rec_bytes;
  uint64_t maxrec = 0;
  for (uint32_t k = 0; k < r->npass; k++)
    if (r->pass[k].hs != r->H && (uint64_t)r->pass[k].hs * r->pass[k].tc * rb > maxrec)
      maxrec = (uint64_t)r->pass[k].hs * r->pass[k].tc * rb;
  uint64_t st_bytes = (uint64_t)r->slice_w * 4u * r->state_n;
  uint8_t *tmp = malloc(maxrec > st_bytes ? maxrec : st_bytes);
  if (!tmp) return NPE_ERR_NO_MEM;
  for (uint32_t k = 0; !rc && k < r->npass; k++) {
    const rnn_piece *p = &r->pass[k];
    if (p->init == NPE_RECUR_INIT_LOAD) { /* h0 (then c0) of the slice */
      for (uint32_t s = 0; s < r->state_n; s++)
        for (uint32_t i = 0; i < p->hs; i++)
          put32(tmp + 4u * ((size_t)s * p->hs + i), (uint32_t)r->h0[(size_t)s * r->H + p->i0 + i]);
      rc = npe_buf_write(d, j->a, p->off_h0, tmp, (size_t)p->hs * 4u * r->state_n);
    }
    if (rc) break;
    if (p->hs == r->H) {
      rc = npe_buf_write(d, j->a, p->off_rec, r->rec + (size_t)p->t0 * r->H * rb,
                         (size_t)p->hs * p->tc * rb);
      continue;
    }
    for (uint32_t t = 0; t < p->tc; t++)
      memcpy(tmp + (size_t)t * p->hs * rb, r->rec + ((size_t)(p->t0 + t) * r->H + p->i0) * rb,
             (size_t)p->hs * rb);
    rc = npe_buf_write(d, j->a, p->off_rec, tmp, (size_t)p->hs * p->tc * rb);
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
    int last = p->t0 + p->tc == r->T; /* the slice's last chunk: its h_T (c_T) */
    if (!p->out_last && !r->h_all) continue; /* cannot happen: no h, OUT_LAST */
    if (p->out_last && !last) continue;      /* a chunk's end state: on chip */
    size_t words = p->out_last ? (size_t)p->hs * r->out_n : (size_t)p->hs * p->tc;
    uint8_t *tmp = malloc(words * 4u);
    if (!tmp) return NPE_ERR_NO_MEM;
    rc = npe_buf_read(d, j->a, p->off_out, tmp, words * 4u);
    size_t rows = p->out_last ? 1u : p->tc; /* h rows in tmp, from step t0 + tc - rows */
    for (size_t t = 0; !rc && r->h_all && !(p->out_last && r->cell == NPE_RNN_HGRN) && t < rows; t++)
      for (uint32_t i = 0; i < p->hs; i++)
        r->h_all[(size_t)(p->t0 + p->tc - rows + t) * r->H + p->i0 + i] =
            get32(tmp + (t * p->hs + i) * 4u);
    if (!rc && last) {
      for (uint32_t i = 0; i < p->hs; i++)
        r->h_last[p->i0 + i] = get32(tmp + ((rows - 1u) * p->hs + i) * 4u);
      if (p->out_last && r->c_last)
        for (uint32_t i = 0; i < p->hs; i++)
          r->c_last[p->i0 + i] = get32(tmp + ((size_t)p->hs + i) * 4u);
      if (p->out_last && r->cell == NPE_RNN_HGRN && r->h_all) /* y_T after h_T */
        for (uint32_t i = 0; i < p->hs; i++)
          r->h_all[(size_t)(r->T - 1u) * r->H + p->i0 + i] = get32(tmp + ((size_t)p->hs + i) * 4u);
    }
    free(tmp);
  }
  return rc;
}

void npe__rnn_free(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  if (!r) return;
  if (j->a) npe__buf_release(d, j->a);
  j->a = NULL;
  free(r->rec), free(r->h0), free(r->h_all), free(r->h_last), free(r->c_last), free(r->w_img);
  free(r->scale_q);
  free(r);
  j->rnn = NULL;
}

/* A typed array with a pointer set and of the right width for its format. */
static int pats_ok(npe_pats v) {
  size_t eb = (unsigned)v.fmt < NPE_FMT_COUNT ? npe_fmt_elem_bytes(v.fmt) : 0;
  return eb == 1 ? v.u8 && !v.u16 : eb == 2 ? v.u16 && !v.u8 : 0;
}

/* The A format of weights of format fb (MATMUL's pairs), or -1. */
static int fmt_h_of(npe_fmt fb) {
  if ((unsigned)fb >= NPE_FMT_COUNT) return -1;
  return fb == NPE_FMT_TERNARY ? (int)NPE_FMT_INT8 : (int)fb;
}

static uint32_t gates_of(npe_rnn_cell c) { return c == NPE_RNN_LSTM ? 4u : 3u; }

/* GRU / LSTM of width H with weights fb on this engine: the plan of the
 * weights' B image, or UNSUPPORTED (beyond the state, A or B buffer; a
 * format the engine lacks). */
static int gated_plan(const npe_dev *d, npe_rnn_cell c, npe_fmt fb, uint32_t H,
                      npe_mm_plan *plan) {
  int fa = fmt_h_of(fb);
  if (fa < 0) return NPE_ERR_INVALID_ARG;
  if (!(d->info.formats >> (fb == NPE_FMT_TERNARY ? fb : (npe_fmt)fa) & 1u))
    return NPE_ERR_UNSUPPORTED;
  if (H > d->info.recur_state_words || (uint64_t)gates_of(c) * H > 0xffffu)
    return NPE_ERR_UNSUPPORTED;
  return npe_tiler_resident_matvec(&d->hw, (npe_fmt)fa, fb, gates_of(c) * H, H, plan);
}

uint32_t npe_rnn_max_hidden(npe_dev *d, npe_rnn_cell c, npe_fmt fmt_w) {
  if (npe__dev_check(d) || (unsigned)c > (unsigned)NPE_RNN_HGRN || c == NPE_RNN_GLA ||
      !d->info.has_recur || !(d->info.recur_modes >> c & 1u))
    return 0;
  if (c == NPE_RNN_DIAG) return UINT32_MAX;
  if (c == NPE_RNN_HGRN) return d->info.recur_state_words;
  if (c != NPE_RNN_GRU && c != NPE_RNN_LSTM) return 0;
  /* the weights' image grows with H: the largest H that fits, by bisection */
  npe_mm_plan p;
  uint32_t lo = 0, hi = d->info.recur_state_words;
  while (lo < hi) {
    uint32_t mid = lo + (hi - lo + 1u) / 2u;
    if (gated_plan(d, c, fmt_w, mid, &p) == NPE_OK) lo = mid;
    else hi = mid - 1u;
  }
  return lo;
}

/* The row scales' rule (npe_rnn_row_scales), @p q NULL: only checked. */
static int row_scales(npe_rnn_cell cell, uint32_t H, const float *rs, int32_t acc_shift,
                      int32_t *q, int32_t *acc_eff) {
  if (!rs || !acc_eff || (cell != NPE_RNN_GRU && cell != NPE_RNN_LSTM) || !H || acc_shift < -32 ||
      acc_shift > 31)
    return NPE_ERR_INVALID_ARG;
  size_t rows = (size_t)gates_of(cell) * H;
  double m = 0.0;
  for (size_t o = 0; o < rows; o++) {
    if (!isfinite(rs[o])) return NPE_ERR_RANGE;
    double a = fabs((double)rs[o]);
    if (a > m) m = a;
  }
  int e = 0;
  if (m > 0.0) {
    (void)frexp(m, &e); /* m = f 2^e, f in [0.5, 1) */
    e -= 1;             /* 2^e <= m < 2^(e+1) */
  }
  if (acc_shift + e < -32 || acc_shift + e > 31) return NPE_ERR_RANGE;
  for (size_t o = 0; q && o < rows; o++) /* exact product; |value| < 2^31 */
    q[o] = (int32_t)nearbyint(ldexp((double)rs[o], 30 - e));
  *acc_eff = acc_shift + e;
  return NPE_OK;
}

int npe_rnn_row_scales(npe_rnn_cell cell, uint32_t hidden, const float *row_scale,
                       int32_t acc_shift, int32_t *q, int32_t *acc_shift_eff) {
  if (!q || !acc_shift_eff) return NPE_ERR_INVALID_ARG;
  int32_t acc;
  int rc = row_scales(cell, hidden, row_scale, acc_shift, NULL, &acc); /* nothing written on error */
  if (rc) return rc;
  return row_scales(cell, hidden, row_scale, acc_shift, q, acc_shift_eff);
}

/* Checks a sequence and the engine (npe_rnn()'s errors but BUSY, NO_MEM
 * and a bad weight pattern). */
static int check_seq(npe_dev *d, const npe_rnn_seq *s) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!s) return NPE_ERR_INVALID_ARG;
  switch (s->cell) {
  case NPE_RNN_DIAG:
  case NPE_RNN_GRU:
  case NPE_RNN_LSTM:
  case NPE_RNN_HGRN: break;
  case NPE_RNN_GLA: return NPE_ERR_UNSUPPORTED; /* reserved: not built yet */
  default: return NPE_ERR_INVALID_ARG;
  }
  if (!s->steps || !s->hidden) return NPE_ERR_INVALID_ARG;
  if (s->cell != NPE_RNN_HGRN && s->y) return NPE_ERR_INVALID_ARG;
  if (s->cell == NPE_RNN_DIAG) {
    if (!s->a || !s->b || (!s->h && !s->h_last) || s->c0 || s->c_last || s->row_scale)
      return NPE_ERR_INVALID_ARG;
  } else if (s->cell == NPE_RNN_HGRN) {
    if (!s->x || (!s->y && !s->h_last) || s->h || s->a || s->b || s->w_hh.u8 || s->w_hh.u16 ||
        s->c0 || s->c_last || s->row_scale || s->hshift || s->acc_shift)
      return NPE_ERR_INVALID_ARG;
  } else {
    if (!s->x || !pats_ok(s->w_hh) || fmt_h_of(s->w_hh.fmt) != (int)s->fmt_h ||
        s->hshift > 15u || s->acc_shift < -32 || s->acc_shift > 31)
      return NPE_ERR_INVALID_ARG;
    if (s->cell == NPE_RNN_GRU && (s->c0 || s->c_last)) return NPE_ERR_INVALID_ARG;
    if (!s->h && !s->h_last && !s->c_last) return NPE_ERR_INVALID_ARG;
    int32_t acc;
    if (s->row_scale) {
      rc = row_scales(s->cell, s->hidden, s->row_scale, s->acc_shift, NULL, &acc);
      if (rc) return rc;
    }
  }
  if (!d->info.has_recur || !d->info.recur_state_words || !(d->info.recur_modes >> s->cell & 1u))
    return NPE_ERR_UNSUPPORTED;
  if (s->cell == NPE_RNN_HGRN && s->hidden > d->info.recur_state_words)
    return NPE_ERR_UNSUPPORTED; /* not sliced */
  if (s->cell == NPE_RNN_GRU || s->cell == NPE_RNN_LSTM) {
    npe_mm_plan p;
    rc = gated_plan(d, s->cell, s->w_hh.fmt, s->hidden, &p);
    if (rc) return rc;
  }
  if (d->job) return NPE_ERR_BUSY;
  return NPE_OK;
}

/* GRU / LSTM: the weights' B image, the MATVEC layout of the G H x H
 * patterns (npe_tiler), and the fields of every RECUR. */
static int gated_setup(npe_dev *d, struct npe_rnn_job *r, const npe_rnn_seq *s) {
  npe_mm_plan p;
  int rc = gated_plan(d, s->cell, s->w_hh.fmt, s->hidden, &p);
  if (rc) return rc;
  /* ternary W_hh that is 3:4 sparse travels as Sherry codes, as a
   * matmul's B does (npe_set_sherry) */
  if (s->w_hh.fmt == NPE_FMT_TERNARY && d->hw.sherry && !d->sherry_off &&
      npe_tiler_use_sherry(&p) == NPE_OK && !npe_tiler_sherry_fits(&p, s->w_hh, s->hidden))
    p.sherry = 0;
  uint64_t bytes = npe_tiler_bytes_b(&p);
  r->w_img = malloc((size_t)bytes);
  if (!r->w_img) return NPE_ERR_NO_MEM;
  rc = npe_tiler_pack_b(&p, s->w_hh, s->hidden, r->w_img); /* RANGE: a bad pattern */
  if (rc) return rc;
  r->w_rows = npe_tiler_resident_rows(&p);
  r->w_row_bytes = p.row_bytes_b;
  r->w_sherry = p.sherry;
  r->w_mem_row = p.sherry ? npe_tiler_sherry_seg_bytes(&p) : p.row_bytes_b;
  r->w_bytes = (uint64_t)r->w_rows * r->w_mem_row;
  r->fmt_a = (uint8_t)s->fmt_h, r->fmt_b = (uint8_t)s->w_hh.fmt;
  r->mac_fmt = s->w_hh.fmt == NPE_FMT_TERNARY ? NPE_FMT_TERNARY : s->fmt_h;
  r->lanes = p.lanes;
  int32_t acc = s->acc_shift;
  if (s->row_scale) { /* the scales in Q2.30, their power of two into ACC_SHIFT */
    r->scale_q = malloc((size_t)gates_of(s->cell) * s->hidden * sizeof *r->scale_q);
    if (!r->scale_q) return NPE_ERR_NO_MEM;
    rc = row_scales(s->cell, s->hidden, s->row_scale, s->acc_shift, r->scale_q, &acc);
    if (rc) return rc;
    r->aux |= 1u << NPE_RECUR_AUX_ROW_SCALE_BIT;
  }
  r->aux |= s->hshift << NPE_RECUR_AUX_H_SHIFT_LSB |
            ((uint32_t)acc & ((1u << NPE_RECUR_AUX_ACC_SHIFT_BITS) - 1u))
                << NPE_RECUR_AUX_ACC_SHIFT_LSB;
  return NPE_OK;
}

/* Plans the cut, allocates the device buffer: as large as the whole job
 * needs, halved while the device memory refuses, down to one step of the
 * widest slice (with the weights' image). */
static int plan(npe_dev *d, npe_job *j) {
  struct npe_rnn_job *r = j->rnn;
  uint32_t sw = r->cell == NPE_RNN_DIAG ? d->info.recur_state_words : r->H; /* HGRN: checked */
  r->slices = (r->H + sw - 1u) / sw;
  r->slice_w = (r->H + r->slices - 1u) / r->slices;
  int load = r->h0 != NULL;
  uint64_t want = r->w_bytes;
  for (uint32_t s = 0; s < r->slices; s++) {
    uint32_t i0, hs;
    slice_of(r, s, &i0, &hs);
    for (uint32_t t = 0; t < r->T; t += RNN_MAX_T) {
      uint32_t tc = r->T - t < RNN_MAX_T ? r->T - t : RNN_MAX_T;
      want += piece_bytes(r, hs, tc, load && t == 0, r->out_last);
    }
  }
  if (r->split_last) want += piece_bytes(r, r->H, 1, load, 1);
  uint64_t one = piece_bytes(r, r->slice_w, 1, load, r->out_last),
           one_last = piece_bytes(r, r->slice_w, 1, load, 1);
  uint64_t least = r->w_bytes + (one > one_last ? one : one_last);
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
   * the buffer beside the weights (its outputs round up to 8 bytes: one
   * step less at most); one step always fits (least) */
  uint64_t w = r->slice_w, room = bytes - r->w_bytes;
  uint64_t st = w * 4u * r->state_n;
  uint64_t fixed = (load ? r8(st) : 0u) + (r->out_last ? r8(w * 4u * r->out_n) : 0u);
  uint64_t per_step = w * r->rec_bytes + (r->out_last ? 0u : w * 4u);
  uint64_t tc = room > fixed ? (room - fixed) / per_step : 0u;
  if (tc > RNN_MAX_T) tc = RNN_MAX_T;
  while (tc > 1u && piece_bytes(r, (uint32_t)w, (uint32_t)tc, load, r->out_last) > room) tc--;
  r->chunk_t = tc < 1u ? 1u : (uint32_t)tc;
  uint64_t chunks = (r->T + r->chunk_t - 1u) / r->chunk_t + (r->split_last ? 1u : 0u);
  uint64_t passes = (want + bytes - 1u) / bytes;
  r->expect_rd_bytes = (uint64_t)r->T * r->H * r->rec_bytes +
                       (load ? (uint64_t)r->H * 4u * r->state_n : 0u) +
                       64u * (chunks * r->slices + (r->w_bytes ? passes : 0u)) +
                       r->w_bytes * passes;
  return NPE_OK;
}

int npe_rnn_submit(npe_dev *d, const npe_rnn_seq *s, npe_job **jobp) {
  int rc = check_seq(d, s);
  if (rc) return rc;
  if (!jobp) return NPE_ERR_INVALID_ARG;
  /* the SoC's firmware runs a sequence to the end in npe_rnn(); no job */
  if (d->t.offload) return NPE_ERR_UNSUPPORTED;
  int gated = s->cell == NPE_RNN_GRU || s->cell == NPE_RNN_LSTM;
  int hgrn = s->cell == NPE_RNN_HGRN;
  int32_t *outs = hgrn ? s->y : s->h; /* every step's output */
  uint64_t n = (uint64_t)s->steps * s->hidden;
  if (n > SIZE_MAX / 32u) return NPE_ERR_NO_MEM;
  npe_job *j = calloc(1, sizeof *j);
  struct npe_rnn_job *r = calloc(1, sizeof *r);
  if (!j || !r) {
    free(j), free(r);
    return NPE_ERR_NO_MEM;
  }
  j->rnn = r;
  j->t_start = npe__now();
  r->cell = s->cell;
  r->T = s->steps, r->H = s->hidden;
  r->rec_bytes = s->row_scale && gated ? NPE_RECUR_SCALE_RECORD_BYTES
                 : gated || hgrn      ? NPE_RECUR_CELL_RECORD_BYTES
                                      : 8u;
  r->state_n = s->cell == NPE_RNN_LSTM ? 2u : 1u;
  r->out_n = s->cell == NPE_RNN_LSTM || hgrn ? 2u : 1u;
  r->aux = (uint32_t)s->cell << NPE_RECUR_AUX_MODE_LSB;
  r->out_last = !outs;
  r->split_last = (s->cell == NPE_RNN_LSTM && s->h && s->c_last) || (hgrn && s->y && s->h_last);
  r->user_h = outs, r->user_h_last = s->h_last, r->user_c_last = s->c_last;
  int load = s->h0 || s->c0;
  r->rec = malloc((size_t)n * r->rec_bytes);
  r->h_last = malloc((size_t)r->H * 4u);
  if (s->cell == NPE_RNN_LSTM) r->c_last = malloc((size_t)r->H * 4u);
  if (load) r->h0 = calloc((size_t)r->H * r->state_n, 4u);
  if (outs) r->h_all = malloc((size_t)n * 4u);
  rc = r->rec && r->h_last && (s->cell != NPE_RNN_LSTM || r->c_last) && (!load || r->h0) &&
               (!outs || r->h_all)
           ? NPE_OK
           : NPE_ERR_NO_MEM;
  if (!rc && gated) rc = gated_setup(d, r, s);
  if (!rc) {
    if (gated && r->scale_q) { /* records {s0, s1, s2, s3, x0, x1, x2, x3} (GRU: s3 = 0) */
      uint32_t G = gates_of(s->cell);
      for (size_t k = 0; k < (size_t)n; k++) {
        const int32_t *sq = r->scale_q + (size_t)G * (k % r->H);
        for (uint32_t g = 0; g < 4u; g++) {
          put32(r->rec + 32u * k + 4u * g, (uint32_t)(g < G ? sq[g] : 0));
          put32(r->rec + 32u * k + 16u + 4u * g, (uint32_t)s->x[4u * k + g]);
        }
      }
    } else if (gated || hgrn) { /* records {x0, x1, x2, x3}, little-endian */
      for (size_t i = 0; i < 4u * (size_t)n; i++) put32(r->rec + 4u * i, (uint32_t)s->x[i]);
    } else { /* records {b: bits 31:0, a: bits 63:32}, little-endian */
      for (size_t i = 0; i < n; i++) npe_recur_diag_record(r->rec + 8u * i, s->a[i], s->b[i]);
    }
    if (s->h0) memcpy(r->h0, s->h0, (size_t)r->H * 4u);
    if (s->c0) memcpy(r->h0 + r->H, s->c0, (size_t)r->H * 4u);
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
    if (r->cell == NPE_RNN_HGRN) s.recur_hgrn_elems = s.recur_elems;
    else s.recur_mode_elems[r->cell == NPE_RNN_DIAG ? 0 : r->cell == NPE_RNN_GRU ? 1 : 2] = s.recur_elems;
    s.recur_cycles = s.cycles;
    if (r->cell == NPE_RNN_DIAG || r->cell == NPE_RNN_HGRN) {
      s.peak_macs = s.cycles;
      s.utilisation = s.peak_macs ? (double)s.recur_elems / (double)s.peak_macs : 0.0;
    } else { /* the mat-vecs: G H^2 per step, as a matmul's statistics */
      for (int f = 0; f < NPE_FMT_COUNT; f++) s.macs[f] = 0;
      s.macs[r->mac_fmt] = rc == NPE_OK ? (uint64_t)gates_of(r->cell) * r->H * r->H * r->T : 0u;
      s.peak_macs = s.cycles * d->hw.rows * d->hw.cols * r->lanes;
      s.utilisation = s.peak_macs ? (double)s.macs[r->mac_fmt] / (double)s.peak_macs : 0.0;
      s.dma_weight_bytes = (uint64_t)r->w_loads * r->w_bytes;
      s.sherry = (uint32_t)r->w_sherry;
    }
    s.energy_pj = npe__energy_estimate(&s);
    s.host_seconds = npe__now() - j->t_start;
    d->last = s;
    d->have_last = 1;
  }
  if (rc == NPE_OK) {
    if (r->user_h) memcpy(r->user_h, r->h_all, (size_t)r->T * r->H * 4u);
    if (r->user_h_last) memcpy(r->user_h_last, r->h_last, (size_t)r->H * 4u);
    if (r->user_c_last) memcpy(r->user_c_last, r->c_last, (size_t)r->H * 4u);
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
  if (d && !npe__dev_check(d) && d->t.offload) { /* through the SoC's firmware */
    int rc = check_seq(d, s);
    if (!rc && s->row_scale) rc = NPE_ERR_UNSUPPORTED; /* the firmware has no ROWSCALE */
    return rc ? rc : npe__offload_rnn(d, s);
  }
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
