/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_offload.c - libnpe: matmuls handed to a device's firmware (the SoC of
 * docs/SOC.md, "sim:?build=soc"), through its mailbox (include/npe_soc.h)
 * instead of the engine's CSRs and ring:
 *
 *   open    PING: the firmware answers the engine's CAP_ARRAY, CAP_FORMATS
 *           and CAP_SPAD, which fill d->info and d->hw as the registers do;
 *   submit  the caller's A and B, unpacked and dense (strides packed out),
 *           into the host window, then the request and the doorbell;
 *   poll    FLAGS.DONE; then the response, the dense C block, the next
 *           request;
 *   wait    the host interrupt (transport wait) until every request is
 *           answered; the scales are applied on the host as npe_matmul.c
 *           does, and the caller's output is written only once every
 *           request has succeeded.
 *
 * A job whose operands and C do not fit the host window (or whose packed
 * operands do not fit the firmware's arena) is split here into blocks of
 * rows of A and columns of B, one request each: every element of C is still
 * one exact dot product rounded once, so the result does not depend on the
 * split. K above npe_max_k() goes to the firmware whole: it runs K tiles
 * (FLAGS.KEEP / ACCUM) as npe_matmul() does, on an engine with KSPLIT
 * (npe_info.has_ksplit); K so long that one row of A and one of B with
 * their C do not fit the host window and the arena is NPE_ERR_UNSUPPORTED,
 * as are the NLU and the crossbar (the SoC's engine has neither; npe_info
 * says so) and device buffers (the RAM is the firmware's).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_internal.h"
#include "npe_regs.h"
#include "npe_soc.h"

#define MBOX(off) ((uint64_t)NPE_SOC_MBOX_BASE + (off))
/* Cycles one transport wait may run before the driver looks again */
#define WAIT_CHUNK (1ull << 20)
/* Cycles the firmware may take to answer PING at open */
#define PING_CYCLES 2000000ull
#define TAG_BASE 0x4f460000u /* "OF" and the request's number */
/* Cycles a new job waits for the answer to a timed-out job's request (the
 * firmware's own engine time-out answers long before) */
#define STALE_CYCLES (1ull << 34)

struct npe_offload_job {
  npe_fmt fa, fb, fout;
  int fp32;
  uint32_t m, n, k, ea, eb, ec;
  uint8_t *a, *b;         /* dense copies: M x K and N x K elements */
  uint8_t *c;             /* dense C as the firmware writes it: M x N x ec bytes */
  uint32_t mb, nb;        /* rows of A and columns of B per request */
  uint32_t addr_a, addr_b, addr_c;
  uint32_t r0, c0;        /* the block in flight */
  uint32_t cur_m, cur_n;
  int64_t a_in_win, b_in_win; /* the block start of A / B the window holds (-1 none) */
  uint32_t tag;
  int finished;
  int err;                /* the job's npe_status once finished */
  uint64_t busy, descs, core_cycles, core_irqs;
  uint32_t requests;
  uint32_t sherry_reqs;   /* requests whose B went as Sherry codes (RSP_10) */
  uint64_t link0, frames0, cyc0; /* d->link_bytes, link_frames, device cycles at submit */
  npe_stats fail;         /* hw_error fields of an ENGINE answer */
};

static uint32_t le32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int mbox_rd(npe_dev *d, uint32_t off, uint32_t *v) {
  uint8_t b[4];
  int rc = d->t.mem_read(d->t.ctx, MBOX(off), b, 4);
  if (!rc) *v = le32(b);
  return rc;
}

static int mbox_wr(npe_dev *d, uint32_t off, uint32_t v) {
  uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
  return d->t.mem_write(d->t.ctx, MBOX(off), b, 4);
}

/* REQ_0..7 (one 32-byte write) and the doorbell */
static int send(npe_dev *d, const uint32_t req[8]) {
  uint8_t b[32];
  for (int i = 0; i < 8; i++)
    for (int j = 0; j < 4; j++) b[4 * i + j] = (uint8_t)(req[i] >> (8 * j));
  int rc = d->t.mem_write(d->t.ctx, MBOX(NPE_MBOX_REQ(0)), b, sizeof b);
  return rc ? rc : mbox_wr(d, NPE_MBOX_DOORBELL, 1);
}

/* RSP_0..10 (one 44-byte read), then DONE = 0 for the next request */
static int receive(npe_dev *d, uint32_t rsp[11]) {
  uint8_t b[44];
  int rc = d->t.mem_read(d->t.ctx, MBOX(NPE_MBOX_RSP(0)), b, sizeof b);
  if (rc) return rc;
  for (int i = 0; i < 11; i++) rsp[i] = le32(b + 4 * i);
  return mbox_wr(d, NPE_MBOX_DONE, 0);
}

static int done_flag(npe_dev *d, int *done) {
  uint32_t f;
  int rc = mbox_rd(d, NPE_MBOX_FLAGS, &f);
  if (!rc) *done = (f & NPE_MBOX_FLAG_DONE) != 0;
  return rc;
}

int npe__offload_open(npe_dev *d) {
  uint32_t id = 0, ready = 0, rsp[11];
  int rc = mbox_rd(d, NPE_MBOX_ID, &id);
  if (!rc) rc = mbox_rd(d, NPE_MBOX_RSP(7), &ready);
  if (rc || id != NPE_MBOX_ID_VALUE || ready != NPE_SOC_FW_READY) {
    snprintf(d->msg, sizeof d->msg, "no SoC mailbox with a running firmware answers (ID %08x, "
             "RSP_7 %08x)", id, ready);
    return rc ? rc : NPE_ERR_DEVICE;
  }
  const uint32_t ping[8] = {NPE_SOC_OP_PING, 0, 0, 0, 0, 0, 0, TAG_BASE};
  rc = send(d, ping);
  int done = 0;
  uint64_t t0 = d->t.cycles(d->t.ctx);
  while (!rc && !(rc = done_flag(d, &done)) && !done) {
    if (d->t.cycles(d->t.ctx) - t0 > PING_CYCLES) {
      snprintf(d->msg, sizeof d->msg, "the SoC's firmware does not answer PING");
      return NPE_ERR_TIMEOUT;
    }
    d->t.wait(d->t.ctx, 4096);
  }
  if (!rc) rc = receive(d, rsp);
  if (rc) return rc;
  if (rsp[0] != NPE_SOC_ST_OK || rsp[1] != TAG_BASE) {
    snprintf(d->msg, sizeof d->msg, "the SoC's firmware answers PING with status %u", rsp[0]);
    return NPE_ERR_DEVICE;
  }
  /* the engine's shape as from its registers: RSP_2 CAP_ARRAY, RSP_4
   * CAP_FORMATS, RSP_5 CAP_SPAD */
  rc = npe__fill_info(d, rsp[4], rsp[2], rsp[5], rsp[6]);
  if (rc) {
    snprintf(d->msg, sizeof d->msg, "the SoC's firmware reports no PE array");
    return rc;
  }
  npe_info *i = &d->info;
  /* what this firmware runs: MATMULs (K tiles where the engine has
   * KSPLIT: has_ksplit as CAP_FORMATS says) and DIAG, GRU and LSTM
   * sequences; no NLU or XBAR */
  i->has_nlu = 0, i->nlu_groups = 0;
  /* RECUR requests: DIAG, GRU and LSTM sequences (npe__offload_rnn), when
   * the engine has the unit (CAP_RECUR in RSP_6) */
  i->recur_modes &= 1u << NPE_RECUR_MODE_DIAG | 1u << NPE_RECUR_MODE_GRU | 1u << NPE_RECUR_MODE_LSTM;
  if (!i->recur_modes) i->has_recur = 0, i->recur_state_words = 0;
  i->id = id; /* the mailbox's ("NPMB"): the engine's ID is the core's to read */
  i->hw_version = 0;
  i->mem_size = NPE_SOC_HOST_WIN_END - NPE_SOC_HOST_WIN_BASE;
  return NPE_OK;
}

static uint64_t align8(uint64_t v) { return (v + 7u) & ~7ull; }

/* Whether an mb x nb block's packed operands and C fit the firmware's arena
 * after its ring: the firmware's own plan and check (npe_fw_main.c), with
 * 2-bit ternary B (the plan it falls back on when Sherry codes do not fit
 * or B is not 3:4 sparse). */
static int arena_fits(const npe_dev *d, const struct npe_offload_job *o, uint32_t mb,
                      uint32_t nb) {
  npe_mm_plan p;
  npe_pats none = {0};
  none.fmt = o->fb;
  return npe_tiler_plan_room(&d->hw, o->fa, o->fb, o->fout, o->fp32, mb, nb, o->k, 0, none, 0,
                             NPE_SOC_ARENA_END - NPE_SOC_ARENA_BASE - NPE_SOC_ARENA_RING_BYTES,
                             &p) == NPE_OK;
}

/* Whether requests of mb rows of A and nb columns of B fit the host window
 * and the arena, the last (smaller) blocks included. */
static int blocks_fit(const npe_dev *d, const struct npe_offload_job *o, uint32_t mb,
                      uint32_t nb) {
  uint64_t at_b = align8(NPE_SOC_HOST_WIN_BASE + (uint64_t)mb * o->k * o->ea);
  uint64_t at_c = align8(at_b + (uint64_t)nb * o->k * o->eb);
  if (at_c + (uint64_t)mb * nb * o->ec > NPE_SOC_HOST_WIN_END) return 0;
  uint32_t ms[2] = {mb, o->m % mb}, ns[2] = {nb, o->n % nb};
  for (int i = 0; i < 2; i++)
    for (int j = 0; j < 2; j++)
      if (ms[i] && ns[j] && !arena_fits(d, o, ms[i], ns[j])) return 0;
  return 1;
}

/* The widest B block (B is then sent once per column block, A once per
 * column block) with the most rows of A that fit; 0 when not even one row
 * and one column do. */
static int plan_blocks(const npe_dev *d, struct npe_offload_job *o) {
  uint32_t prev = 0;
  for (uint32_t parts = 1; parts <= o->n; parts++) {
    uint32_t nb = (o->n + parts - 1) / parts;
    if (nb == prev) continue;
    prev = nb;
    uint64_t win = NPE_SOC_HOST_WIN_END - NPE_SOC_HOST_WIN_BASE;
    uint64_t bbytes = align8((uint64_t)nb * o->k * o->eb) + 16u;
    if (bbytes >= win) continue;
    uint64_t hi = (win - bbytes) / ((uint64_t)o->k * o->ea + (uint64_t)nb * o->ec);
    if (hi > o->m) hi = o->m;
    if (hi > 0xffffu) hi = 0xffffu;
    for (uint32_t mb = (uint32_t)hi; mb >= 1; mb--) {
      if (blocks_fit(d, o, mb, nb)) {
        o->mb = mb;
        o->nb = nb > 0xffffu ? 0xffffu : nb;
        o->addr_a = NPE_SOC_HOST_WIN_BASE;
        o->addr_b = (uint32_t)align8(o->addr_a + (uint64_t)mb * o->k * o->ea);
        o->addr_c = (uint32_t)align8(o->addr_b + (uint64_t)nb * o->k * o->eb);
        return 1;
      }
    }
  }
  return 0;
}

/* Whether every element is a pattern of its format (the firmware would
 * answer BAD_PATTERN, after earlier requests had run): the host-driven
 * path's NPE_ERR_RANGE, found before anything is sent. */
static int pats_valid(npe_fmt f, const uint8_t *p, size_t count) {
  if (f == NPE_FMT_INT8 || f == NPE_FMT_POSIT16 || f == NPE_FMT_POSIT8) return 1;
  for (size_t i = 0; i < count; i++) {
    if (p[i] >> npe_fmt_bits(f)) return 0;
    if (f == NPE_FMT_TERNARY && p[i] == 2u) return 0;
  }
  return 1;
}

/* Rows of a strided operand, densely, element bytes as the caller's */
static uint8_t *dense_copy(const npe_tensor *t, size_t eb) {
  size_t rows = t->rows, cols = t->cols, stride = t->stride ? t->stride : t->cols;
  uint8_t *out = malloc(rows * cols * eb);
  if (!out) return NULL;
  const uint8_t *src = eb == 2 ? (const uint8_t *)t->data.u16 : t->data.u8;
  for (size_t r = 0; r < rows; r++) memcpy(out + r * cols * eb, src + r * stride * eb, cols * eb);
  return out;
}

void npe__offload_free(npe_dev *d, npe_job *j) {
  (void)d;
  struct npe_offload_job *o = j->off;
  if (!o) return;
  free(o->a);
  free(o->b);
  free(o->c);
  free(o);
  j->off = NULL;
}

static void job_free(npe_dev *d, npe_job *j) {
  npe__offload_free(d, j);
  d->job = NULL;
  free(j->col_scales);
  free(j);
}

/* The block at (r0, c0): its operands into the host window (what is not
 * there yet), the request, the doorbell. */
static int issue(npe_dev *d, struct npe_offload_job *o) {
  const uint32_t op = d->off_test_op ? d->off_test_op : NPE_SOC_OP_MATMUL;
  o->cur_m = o->m - o->r0 < o->mb ? o->m - o->r0 : o->mb;
  o->cur_n = o->n - o->c0 < o->nb ? o->n - o->c0 : o->nb;
  int rc = NPE_OK;
  if (o->b_in_win != (int64_t)o->c0) {
    rc = d->t.mem_write(d->t.ctx, o->addr_b, o->b + (size_t)o->c0 * o->k * o->eb,
                        (size_t)o->cur_n * o->k * o->eb);
    o->b_in_win = rc ? -1 : (int64_t)o->c0;
  }
  if (!rc && o->a_in_win != (int64_t)o->r0) {
    rc = d->t.mem_write(d->t.ctx, o->addr_a, o->a + (size_t)o->r0 * o->k * o->ea,
                        (size_t)o->cur_m * o->k * o->ea);
    o->a_in_win = rc ? -1 : (int64_t)o->r0;
  }
  o->tag = TAG_BASE + ++o->requests;
  /* npe_set_sherry(d, 0): ternary B as 2-bit codes in the firmware too */
  uint32_t req0 = NPE_SOC_REQ0(op, o->fa, o->fb, o->fp32 ? 0u : o->fout, o->fp32) |
                  (d->sherry_off ? NPE_SOC_MM_NO_SHERRY : 0u);
  uint32_t req[8] = {req0,
                     o->cur_m, o->cur_n, o->k, o->addr_a, o->addr_b, o->addr_c, o->tag};
  if (!rc) rc = send(d, req);
  return rc;
}

/* The firmware's status as an npe_status, with the reason in d->msg */
static int status_words(uint32_t st, const char **whatp) {
  const char *what;
  int rc;
  switch (st) {
    case NPE_SOC_ST_OK: what = "OK"; rc = NPE_OK; break;
    case NPE_SOC_ST_BAD_OP: what = "BAD_OP (the firmware does not take the request)"; rc = NPE_ERR_DEVICE; break;
    case NPE_SOC_ST_BAD_FORMAT: what = "BAD_FORMAT (a format or pair this build cannot run)"; rc = NPE_ERR_UNSUPPORTED; break;
    case NPE_SOC_ST_BAD_DIMS: what = "BAD_DIMS (M, N or K zero or above 65535)"; rc = NPE_ERR_INVALID_ARG; break;
    case NPE_SOC_ST_BAD_ADDR: what = "BAD_ADDR (an operand outside the host window)"; rc = NPE_ERR_INVALID_ARG; break;
    case NPE_SOC_ST_TOO_BIG: what = "TOO_BIG (K above the scratchpads, or the arena is too small)"; rc = NPE_ERR_UNSUPPORTED; break;
    case NPE_SOC_ST_BAD_PATTERN: what = "BAD_PATTERN (an element that is no pattern of its format)"; rc = NPE_ERR_RANGE; break;
    case NPE_SOC_ST_ENGINE:
      what = "ENGINE (the engine stopped on an error; the firmware reset it)";
      rc = NPE_ERR_DEVICE;
      break;
    case NPE_SOC_ST_TIMEOUT: what = "TIMEOUT (the engine did not finish; the firmware reset it)"; rc = NPE_ERR_TIMEOUT; break;
    case NPE_SOC_ST_TRAP: what = "TRAP (the firmware took an exception and stopped; reopen the device)"; rc = NPE_ERR_DEVICE; break;
    default: what = "unknown status"; rc = NPE_ERR_DEVICE; break;
  }
  *whatp = what;
  return rc;
}

static int status_of(npe_dev *d, struct npe_offload_job *o, const uint32_t rsp[11]) {
  const char *what;
  int rc = status_words(rsp[0], &what);
  if (rc == NPE_OK) return NPE_OK;
  if (rsp[0] == NPE_SOC_ST_ENGINE) {
    o->fail.hw_error = (rsp[5] >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
    o->fail.hw_error_index = (rsp[5] >> NPE_STATUS_ERR_IDX_OFFSET) & NPE_STATUS_ERR_IDX_MASK;
    o->fail.hw_error_addr = rsp[6];
  }
  snprintf(d->msg, sizeof d->msg,
           "SoC firmware: request %u (rows %u.., columns %u.., %u x %u x %u): status %u %s "
           "(RSP_5 %08x RSP_6 %08x)",
           o->requests, o->r0, o->c0, o->cur_m, o->cur_n, o->k, rsp[0], what, rsp[5], rsp[6]);
  return rc;
}

/* The answer to the request in flight: C's block into o->c, the counts, the
 * next request or the end. */
static int collect(npe_dev *d, struct npe_offload_job *o) {
  uint32_t rsp[11];
  int rc = receive(d, rsp);
  if (rc) return rc;
  if (rsp[1] != o->tag) {
    snprintf(d->msg, sizeof d->msg, "SoC firmware: the answer's tag %08x is not the request's %08x",
             rsp[1], o->tag);
    return NPE_ERR_DEVICE;
  }
  o->busy += rsp[2];
  o->core_cycles += rsp[3];
  o->core_irqs += rsp[8];
  o->descs += rsp[4];
  rc = status_of(d, o, rsp);
  if (!rc && (rsp[10] & NPE_SOC_PLAN_SHERRY)) o->sherry_reqs++;
  if (rc) return rc;
  size_t row = (size_t)o->cur_n * o->ec;
  uint8_t *blk = malloc((size_t)o->cur_m * row);
  if (!blk) return NPE_ERR_NO_MEM;
  rc = d->t.mem_read(d->t.ctx, o->addr_c, blk, (size_t)o->cur_m * row);
  for (uint32_t r = 0; !rc && r < o->cur_m; r++)
    memcpy(o->c + ((size_t)(o->r0 + r) * o->n + o->c0) * o->ec, blk + r * row, row);
  free(blk);
  if (rc) return rc;
  o->r0 += o->mb;
  if (o->r0 >= o->m) o->r0 = 0, o->c0 += o->nb;
  if (o->c0 >= o->n) {
    o->finished = 1;
    return NPE_OK;
  }
  return issue(d, o);
}

/* A job npe_wait gave up on left its request with the firmware: its answer
 * comes first (and is dropped), so the host window and DONE are free. */
static int drain_stale(npe_dev *d) {
  uint64_t t0 = d->t.cycles(d->t.ctx);
  int done = 0, rc;
  while (!(rc = done_flag(d, &done)) && !done) {
    if (d->t.cycles(d->t.ctx) - t0 > STALE_CYCLES) {
      snprintf(d->msg, sizeof d->msg, "the SoC's firmware still works on a timed-out request");
      return NPE_ERR_TIMEOUT;
    }
    d->t.wait(d->t.ctx, WAIT_CHUNK);
  }
  uint32_t rsp[11];
  if (!rc) rc = receive(d, rsp);
  if (!rc) d->off_stale = 0;
  return rc;
}

int npe__offload_submit(npe_dev *d, const npe_tensor *a, const npe_tensor *b,
                        const float *b_scales, npe_output *out, npe_job **jobp) {
  d->msg[0] = 0;
  if (d->off_stale) {
    int rc = drain_stale(d);
    if (rc) return rc;
  }
  npe_job *j = calloc(1, sizeof *j);
  struct npe_offload_job *o = calloc(1, sizeof *o);
  if (!j || !o) {
    free(j);
    free(o);
    return NPE_ERR_NO_MEM;
  }
  j->off = o;
  if (b_scales) { /* per-column scales, copied: the caller's array may change */
    j->col_scales = malloc(b->rows * sizeof *j->col_scales);
    if (!j->col_scales) {
      job_free(d, j);
      return NPE_ERR_NO_MEM;
    }
    float sa = a->scale == 0.0f ? 1.0f : a->scale;
    for (uint32_t c = 0; c < b->rows; c++) j->col_scales[c] = sa * b_scales[c];
  }
  j->t_start = npe__now();
  j->out = out;
  j->m = a->rows;
  j->n = b->rows;
  j->scale = (a->scale == 0.0f ? 1.0f : a->scale) * (b->scale == 0.0f ? 1.0f : b->scale);
  o->fa = a->data.fmt, o->fb = b->data.fmt;
  o->fp32 = out->f32 != NULL;
  o->fout = o->fp32 ? NPE_FMT_FP4 : out->pats.fmt;
  o->m = a->rows, o->n = b->rows, o->k = a->cols;
  o->ea = (uint32_t)npe_fmt_elem_bytes(o->fa), o->eb = (uint32_t)npe_fmt_elem_bytes(o->fb);
  o->ec = o->fp32 ? 4u : 2u;
  o->a_in_win = o->b_in_win = -1;
  if (!plan_blocks(d, o)) {
    snprintf(d->msg, sizeof d->msg,
             "K = %u: one row of A and one of B with its C do not fit the SoC's host window "
             "(%u bytes) and arena",
             o->k, NPE_SOC_HOST_WIN_END - NPE_SOC_HOST_WIN_BASE);
    job_free(d, j);
    return NPE_ERR_UNSUPPORTED;
  }
  o->a = dense_copy(a, o->ea);
  o->b = dense_copy(b, o->eb);
  o->c = malloc((size_t)o->m * o->n * o->ec);
  if (!o->a || !o->b || !o->c) {
    job_free(d, j);
    return NPE_ERR_NO_MEM;
  }
  if (!pats_valid(o->fa, o->a, (size_t)o->m * o->k) || !pats_valid(o->fb, o->b, (size_t)o->n * o->k)) {
    snprintf(d->msg, sizeof d->msg, "an element of %s is no pattern of its format",
             pats_valid(o->fa, o->a, (size_t)o->m * o->k) ? "B" : "A");
    job_free(d, j);
    return NPE_ERR_RANGE;
  }
  o->link0 = d->link_bytes;
  o->frames0 = d->link_frames;
  o->cyc0 = d->t.cycles(d->t.ctx);
  d->job = j;
  int rc = issue(d, o);
  if (rc) {
    job_free(d, j);
    return rc;
  }
  *jobp = j;
  return NPE_OK;
}

int npe__offload_poll(npe_dev *d, npe_job *j, int *done) {
  struct npe_offload_job *o = j->off;
  int rc = NPE_OK, flag = 0;
  if (!o->finished) {
    rc = done_flag(d, &flag);
    if (!rc && !flag) { /* let the firmware work a little, as npe_ring_wait does */
      d->t.wait(d->t.ctx, 4096);
      rc = done_flag(d, &flag);
    }
    if (!rc && flag) rc = collect(d, o);
    if (rc) o->finished = 1, o->err = rc;
  }
  *done = o->finished;
  return o->finished ? o->err : rc;
}

double npe__offload_progress(const npe_job *j) {
  const struct npe_offload_job *o = j->off;
  if (o->finished) return 1.0;
  uint64_t total = (uint64_t)((o->m + o->mb - 1) / o->mb) * ((o->n + o->nb - 1) / o->nb);
  return total ? (double)(o->requests - 1u) / (double)total : 0.0;
}

/* The job's statistics: the firmware's counts (engine busy cycles, its
 * descriptors, its own cycles), the MACs of the matmul, the link bytes and
 * device cycles counted by the driver. */
static void offload_stats(npe_dev *d, const npe_job *j, const struct npe_offload_job *o,
                          npe_stats *s) {
  memset(s, 0, sizeof *s);
  s->cycles = o->busy;
  s->macs[o->fb == NPE_FMT_TERNARY ? NPE_FMT_TERNARY : o->fa] = (uint64_t)o->m * o->n * o->k;
  npe_mm_plan p;
  unsigned lanes = 1;
  if (!npe_tiler_plan(&d->hw, o->fa, o->fb, o->fout, o->fp32, o->mb, o->nb, o->k, 0, 0, 0, &p))
    lanes = p.lanes;
  s->peak_macs = s->cycles * d->hw.rows * d->hw.cols * lanes;
  s->utilisation = s->peak_macs ? (double)((uint64_t)o->m * o->n * o->k) / (double)s->peak_macs : 0.0;
  s->descriptors = o->descs;
  s->hw_error = o->fail.hw_error;
  s->hw_error_index = o->fail.hw_error_index;
  s->hw_error_addr = o->fail.hw_error_addr;
  s->energy_pj = npe__energy_estimate(s);
  s->host_seconds = npe__now() - j->t_start;
  s->link_bytes = d->link_bytes - o->link0;
  s->link_frames = d->link_frames - o->frames0;
  s->device_cycles = d->t.cycles(d->t.ctx) - o->cyc0;
  s->core_cycles = o->core_cycles;
  s->core_irqs = o->core_irqs;
  s->requests = o->requests;
  s->sherry = o->requests && o->sherry_reqs == o->requests;
}

int npe__offload_wait(npe_dev *d, npe_job *j, uint64_t timeout_cycles) {
  struct npe_offload_job *o = j->off;
  int done = 0, rc = NPE_OK;
  for (;;) {
    rc = npe__offload_poll(d, j, &done);
    if (done || rc) break;
    /* (device time from the submission, as for a host-driven job) */
    uint64_t spent = d->t.cycles(d->t.ctx) - o->cyc0, chunk = WAIT_CHUNK;
    if (timeout_cycles) {
      if (spent >= timeout_cycles) { /* the request in flight is drained later */
        d->off_stale = 1;
        snprintf(d->msg, sizeof d->msg,
                 "the SoC's firmware did not answer within %llu cycles (request %u of the job)",
                 (unsigned long long)timeout_cycles, o->requests);
        rc = NPE_ERR_TIMEOUT;
        break;
      }
      if (timeout_cycles - spent < chunk) chunk = timeout_cycles - spent;
    }
    d->t.wait(d->t.ctx, chunk);
  }
  npe_stats s;
  offload_stats(d, j, o, &s);
  if (!rc) { /* the caller's output, now that every request succeeded */
    npe_output *out = j->out;
    size_t stride = out->stride ? out->stride : j->n;
    for (uint32_t r = 0; r < o->m; r++)
      for (uint32_t col = 0; col < o->n; col++) {
        const uint8_t *cell = o->c + ((size_t)r * o->n + col) * o->ec;
        size_t at = (size_t)r * stride + col;
        if (o->fp32) {
          uint32_t bits = le32(cell);
          float v;
          memcpy(&v, &bits, 4);
          out->f32[at] = v * (j->col_scales ? j->col_scales[col] : j->scale);
        } else {
          npe_pats_set(out->pats, at, (uint32_t)(cell[0] | cell[1] << 8));
        }
      }
    if (!o->fp32) out->scale = j->scale;
  }
  if (rc == NPE_OK || rc == NPE_ERR_DEVICE || rc == NPE_ERR_TIMEOUT) {
    d->last = s;
    d->have_last = 1;
  }
  job_free(d, j);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Recurrence sequences (NPE_SOC_OP_RECUR, DIAG)                             */
/* ------------------------------------------------------------------------ */

static void put_le32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v, p[1] = (uint8_t)(v >> 8), p[2] = (uint8_t)(v >> 16), p[3] = (uint8_t)(v >> 24);
}

/* One request of a sequence: sent, answered (the request's status in
 * d->msg when not OK), its counts added. */
static int recur_request(npe_dev *d, const uint32_t req[8], uint32_t rsp[11], npe_stats *s) {
  int rc = send(d, req);
  int done = 0;
  while (!rc && !(rc = done_flag(d, &done)) && !done) d->t.wait(d->t.ctx, WAIT_CHUNK);
  if (!rc) rc = receive(d, rsp);
  if (rc) return rc;
  if (rsp[1] != req[7]) {
    snprintf(d->msg, sizeof d->msg, "SoC firmware: the answer's tag %08x is not the request's %08x",
             rsp[1], req[7]);
    return NPE_ERR_DEVICE;
  }
  s->cycles += rsp[2];
  s->core_cycles += rsp[3];
  s->descriptors += rsp[4];
  s->core_irqs += rsp[8];
  s->requests++;
  const char *what;
  rc = status_words(rsp[0], &what);
  if (rsp[0] == NPE_SOC_ST_ENGINE) {
    s->hw_error = (rsp[5] >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
    s->hw_error_index = (rsp[5] >> NPE_STATUS_ERR_IDX_OFFSET) & NPE_STATUS_ERR_IDX_MASK;
    s->hw_error_addr = rsp[6];
  }
  if (rc)
    snprintf(d->msg, sizeof d->msg,
             "SoC firmware: recurrence request %u (T %u, H %u): status %u %s (RSP_5 %08x RSP_6 "
             "%08x)", s->requests, req[1], req[2], rsp[0], what, rsp[5], rsp[6]);
  return rc;
}

/* A sequence's statistics once its requests are done: the energy estimate,
 * host time and what crossed the link since the first request; kept as
 * npe_last_stats() gives them. */
static void seq_stats_done(npe_dev *d, npe_stats *s, double t_start, uint64_t link0,
                           uint64_t frames0, uint64_t cyc0) {
  s->recur_cycles = s->cycles;
  s->energy_pj = npe__energy_estimate(s);
  s->host_seconds = npe__now() - t_start;
  s->link_bytes = d->link_bytes - link0;
  s->link_frames = d->link_frames - frames0;
  s->device_cycles = d->t.cycles(d->t.ctx) - cyc0;
  d->last = *s;
  d->have_last = 1;
}

/* A GRU or LSTM sequence: W_hh written once at the window's base, then
 * runs of T steps as requests (the records, h_0 and c_0, every h_t or h_T,
 * and c_T), each starting from the state the previous one ended with. */
static int offload_gated(npe_dev *d, const npe_rnn_seq *q) {
  const uint32_t T = q->steps, H = q->hidden;
  const int lstm = q->cell == NPE_RNN_LSTM, all = q->h != NULL;
  const uint32_t G = lstm ? 4u : 3u, sn = lstm ? 2u : 1u;
  const npe_fmt fb = q->w_hh.fmt, fa = q->fmt_h;
  const uint32_t eb = (uint32_t)npe_fmt_elem_bytes(fb);
  const uint32_t win = NPE_SOC_HOST_WIN_END - NPE_SOC_HOST_WIN_BASE;
  uint64_t wbytes = (((uint64_t)G * H * H * eb) + 7u) & ~(uint64_t)7u;
  uint64_t fixed = wbytes + 2u * (uint64_t)sn * H * 4u + 64u;
  uint64_t per = (uint64_t)H * (16u + (all ? 4u : 0u));
  uint64_t tq64 = fixed < win ? (win - fixed) / per : 0u;
  if (!tq64) {
    snprintf(d->msg, sizeof d->msg, "SoC firmware: W_hh (%llu bytes) and one step of H = %u do "
             "not fit the host window", (unsigned long long)wbytes, H);
    return NPE_ERR_UNSUPPORTED;
  }
  uint32_t tq = tq64 > 0xffffu ? 0xffffu : (uint32_t)tq64;
  int32_t *h_all = all ? malloc((size_t)T * H * 4u) : NULL;
  int32_t *state = calloc((size_t)sn * H, 4u); /* h, then c: h_0 / c_0, then each run's end */
  uint8_t *buf = malloc(win);
  npe_stats s;
  memset(&s, 0, sizeof s);
  double t_start = npe__now();
  uint64_t link0 = d->link_bytes, frames0 = d->link_frames, cyc0 = d->t.cycles(d->t.ctx);
  int rc = state && buf && (!all || h_all) ? NPE_OK : NPE_ERR_NO_MEM;
  if (!rc) {
    if (q->h0) memcpy(state, q->h0, (size_t)H * 4u);
    if (lstm && q->c0) memcpy(state + H, q->c0, (size_t)H * 4u);
    size_t nw = (size_t)G * H * H;
    for (size_t i = 0; i < nw; i++) {
      uint32_t v = npe_pats_get(q->w_hh, i);
      for (uint32_t k = 0; k < eb; k++) buf[i * eb + k] = (uint8_t)(v >> (8 * k));
    }
    rc = d->t.mem_write(d->t.ctx, NPE_SOC_HOST_WIN_BASE, buf, nw * eb);
  }
  uint32_t tag = TAG_BASE | 0xc000u;
  const uint32_t w_at = NPE_SOC_HOST_WIN_BASE, x_at = w_at + (uint32_t)wbytes;
  for (uint32_t t0 = 0; !rc && t0 < T; t0 += tq) {
    uint32_t tc = T - t0 < tq ? T - t0 : tq;
    uint32_t h_at = x_at + tc * H * 16u, o_at = h_at + sn * H * 4u;
    for (size_t i = 0; i < (size_t)tc * H * 4u; i++)
      put_le32(buf + 4u * i, (uint32_t)q->x[(size_t)t0 * H * 4u + i]);
    rc = d->t.mem_write(d->t.ctx, x_at, buf, (size_t)tc * H * 16u);
    int h0 = t0 > 0 || q->h0 || q->c0;
    if (!rc && h0) {
      for (uint32_t i = 0; i < sn * H; i++) put_le32(buf + 4u * i, (uint32_t)state[i]);
      rc = d->t.mem_write(d->t.ctx, h_at, buf, (size_t)sn * H * 4u);
    }
    uint32_t req[8] = {NPE_SOC_OP_RECUR |
                           NPE_SOC_RECUR_GATED(q->cell, fb, q->hshift, q->acc_shift) |
                           (h0 ? NPE_SOC_RECUR_H0 : 0u) | (all ? NPE_SOC_RECUR_OUT_ALL : 0u),
                       tc, H, x_at, w_at, h_at, o_at, ++tag};
    uint32_t rsp[11];
    if (!rc) rc = recur_request(d, req, rsp, &s);
    size_t rows = all ? tc : 1u, words = rows * H + (lstm ? H : 0u);
    if (!rc) rc = d->t.mem_read(d->t.ctx, o_at, buf, words * 4u);
    if (rc) break;
    for (size_t i = 0; all && i < (size_t)tc * H; i++)
      h_all[(size_t)t0 * H + i] = (int32_t)le32(buf + 4u * i);
    for (uint32_t i = 0; i < H; i++) state[i] = (int32_t)le32(buf + 4u * ((rows - 1u) * H + i));
    for (uint32_t i = 0; lstm && i < H; i++) state[H + i] = (int32_t)le32(buf + 4u * (rows * H + i));
  }
  if (rc == NPE_OK || rc == NPE_ERR_DEVICE || rc == NPE_ERR_TIMEOUT) {
    s.recur_elems = rc == NPE_OK ? (uint64_t)T * H : 0u;
    s.recur_mode_elems[lstm ? 2 : 1] = s.recur_elems;
    npe_fmt mf = fb == NPE_FMT_TERNARY ? NPE_FMT_TERNARY : fa;
    s.macs[mf] = rc == NPE_OK ? (uint64_t)G * H * H * T : 0u;
    npe_mm_plan p;
    unsigned lanes = 1;
    if (!npe_tiler_resident_matvec(&d->hw, fa, fb, G * H, H, &p)) lanes = p.lanes;
    s.peak_macs = s.cycles * d->hw.rows * d->hw.cols * lanes;
    s.utilisation = s.peak_macs ? (double)s.macs[mf] / (double)s.peak_macs : 0.0;
    seq_stats_done(d, &s, t_start, link0, frames0, cyc0);
  }
  if (!rc) { /* the caller's outputs, now that every request succeeded */
    if (q->h) memcpy(q->h, h_all, (size_t)T * H * 4u);
    if (q->h_last) memcpy(q->h_last, state, (size_t)H * 4u);
    if (q->c_last) memcpy(q->c_last, state + H, (size_t)H * 4u);
  }
  free(h_all);
  free(state);
  free(buf);
  return rc;
}

int npe__offload_rnn(npe_dev *d, const npe_rnn_seq *q) {
  d->msg[0] = 0;
  if (d->off_stale) {
    int rc = drain_stale(d);
    if (rc) return rc;
  }
  if (q->cell == NPE_RNN_GRU || q->cell == NPE_RNN_LSTM) return offload_gated(d, q);
  if (q->cell != NPE_RNN_DIAG) return NPE_ERR_UNSUPPORTED;
  const uint32_t T = q->steps, H = q->hidden;
  const int all = q->h != NULL;
  const uint32_t win = NPE_SOC_HOST_WIN_END - NPE_SOC_HOST_WIN_BASE - 64u;
  /* elements per request: one step of a, b, h_0 and the output must fit */
  uint32_t hq = H < win / 16u ? H : win / 16u;
  int32_t *h_all = all ? malloc((size_t)T * H * 4u) : NULL;
  int32_t *h_last = malloc((size_t)H * 4u);
  uint8_t *buf = malloc(win);
  npe_stats s;
  memset(&s, 0, sizeof s);
  double t_start = npe__now();
  uint64_t link0 = d->link_bytes, frames0 = d->link_frames, cyc0 = d->t.cycles(d->t.ctx);
  int rc = h_last && buf && (!all || h_all) ? NPE_OK : NPE_ERR_NO_MEM;
  uint32_t tag = TAG_BASE | 0x8000u;
  for (uint32_t i0 = 0; !rc && i0 < H; i0 += hq) {
    uint32_t hs = H - i0 < hq ? H - i0 : hq;
    /* steps per request: a, b (and every h_t) per step; h_0 and h_T once */
    uint32_t fixed = hs * 4u + (all ? 0u : hs * 4u);
    uint32_t tq = (win - fixed) / (hs * (all ? 12u : 8u));
    if (tq > 0xffffu) tq = 0xffffu;
    for (uint32_t t0 = 0; !rc && t0 < T; t0 += tq) {
      uint32_t tc = T - t0 < tq ? T - t0 : tq;
      uint32_t seq = tc * hs * 4u;
      uint32_t a_at = NPE_SOC_HOST_WIN_BASE, b_at = a_at + seq, h_at = b_at + seq,
               o_at = h_at + hs * 4u;
      /* a, b: the block's columns of each step; h_0: the caller's (first
       * request of the block) or the state the previous request ended with */
      for (int which = 0; !rc && which < 2; which++) {
        const int32_t *src = which ? q->b : q->a;
        for (uint32_t t = 0; t < tc; t++)
          for (uint32_t i = 0; i < hs; i++)
            put_le32(buf + 4u * ((size_t)t * hs + i), (uint32_t)src[(size_t)(t0 + t) * H + i0 + i]);
        rc = d->t.mem_write(d->t.ctx, which ? b_at : a_at, buf, seq);
      }
      int h0 = t0 > 0 || q->h0;
      if (!rc && h0) {
        for (uint32_t i = 0; i < hs; i++)
          put_le32(buf + 4u * i, (uint32_t)(t0 ? h_last[i0 + i] : q->h0[i0 + i]));
        rc = d->t.mem_write(d->t.ctx, h_at, buf, hs * 4u);
      }
      uint32_t req[8] = {NPE_SOC_OP_RECUR | NPE_SOC_CELL_DIAG << 8 |
                             (h0 ? NPE_SOC_RECUR_H0 : 0u) | (all ? NPE_SOC_RECUR_OUT_ALL : 0u),
                         tc, hs, a_at, b_at, h_at, o_at, ++tag};
      uint32_t rsp[11];
      if (!rc) rc = recur_request(d, req, rsp, &s);
      uint32_t out_bytes = all ? seq : hs * 4u;
      if (!rc) rc = d->t.mem_read(d->t.ctx, o_at, buf, out_bytes);
      if (rc) break;
      for (uint32_t t = 0; all && t < tc; t++)
        for (uint32_t i = 0; i < hs; i++)
          h_all[(size_t)(t0 + t) * H + i0 + i] = (int32_t)le32(buf + 4u * ((size_t)t * hs + i));
      const uint8_t *last = buf + (all ? (size_t)(tc - 1u) * hs * 4u : 0u);
      for (uint32_t i = 0; i < hs; i++) h_last[i0 + i] = (int32_t)le32(last + 4u * i);
    }
  }
  if (rc == NPE_OK || rc == NPE_ERR_DEVICE || rc == NPE_ERR_TIMEOUT) {
    s.recur_elems = rc == NPE_OK ? (uint64_t)T * H : 0u;
    s.recur_mode_elems[0] = s.recur_elems;
    s.peak_macs = s.cycles;
    s.utilisation = s.peak_macs ? (double)s.recur_elems / (double)s.peak_macs : 0.0;
    seq_stats_done(d, &s, t_start, link0, frames0, cyc0);
  }
  if (!rc) { /* the caller's outputs, now that every request succeeded */
    if (q->h) memcpy(q->h, h_all, (size_t)T * H * 4u);
    if (q->h_last) memcpy(q->h_last, h_last, (size_t)H * 4u);
  }
  free(h_all);
  free(h_last);
  free(buf);
  return rc;
}
