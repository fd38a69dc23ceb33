/* SPDX-License-Identifier: Apache-2.0 */
/* npe_matmul.c - libnpe: matmul jobs (check, pack, tile, run, gather) and
 * their statistics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe_internal.h"
#include "npe_regs.h"

#define JOB_MAX_CYCLES 0ull /* no bound by default */

uint32_t npe_max_k(npe_dev *d, npe_fmt fa, npe_fmt fb) {
  if (npe__dev_check(d) || (unsigned)fa >= NPE_FMT_COUNT || (unsigned)fb >= NPE_FMT_COUNT) return 0;
  if (!(d->info.formats >> (fb == NPE_FMT_TERNARY ? fb : fa) & 1u)) return 0;
  return npe_tiler_max_k(&d->hw, fa, fb);
}

static int scale_ok(float s) { return s == 0.0f || (isfinite(s) && s > 0.0f); }
static float scale_of(float s) { return s == 0.0f ? 1.0f : s; }

/* A typed array with a pointer set and of the right width for its format. */
static int pats_ok(npe_pats v) {
  size_t eb = npe_fmt_elem_bytes(v.fmt);
  return eb == 1 ? v.u8 && !v.u16 : eb == 2 ? v.u16 && !v.u8 : 0;
}

/* The checks of npe_matmul() on the operands, and an output row stride of
 * @p out_stride (0: N). */
static int check_inputs(npe_dev *d, const npe_tensor *a, const npe_tensor *b,
                        size_t out_stride) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!a || !b || !pats_ok(a->data) || !pats_ok(b->data)) return NPE_ERR_INVALID_ARG;
  if (!a->rows || !a->cols || !b->rows || a->cols != b->cols) return NPE_ERR_INVALID_ARG;
  if ((a->stride && a->stride < a->cols) || (b->stride && b->stride < b->cols) ||
      (out_stride && out_stride < b->rows))
    return NPE_ERR_INVALID_ARG;
  if (!scale_ok(a->scale) || !scale_ok(b->scale)) return NPE_ERR_INVALID_ARG;
  npe_fmt fa = a->data.fmt, fb = b->data.fmt;
  uint32_t kmax = npe_max_k(d, fa, fb);
  /* no pair at all, or a pair this engine was not built with */
  if (!kmax) return npe_tiler_max_k(&d->hw, fa, fb) ? NPE_ERR_UNSUPPORTED : NPE_ERR_INVALID_ARG;
  if (a->cols > kmax && !d->hw.ksplit) return NPE_ERR_UNSUPPORTED; /* else K tiles */
  if (d->job) return NPE_ERR_BUSY;
  return NPE_OK;
}

/* Exactly one of out->f32 and out->pats, the latter well formed. */
static int check_output(const npe_output *out) {
  if (!out) return NPE_ERR_INVALID_ARG;
  if (out->f32) return out->pats.u8 || out->pats.u16 ? NPE_ERR_INVALID_ARG : NPE_OK;
  return pats_ok(npe_pats_of(out->pats)) ? NPE_OK : NPE_ERR_INVALID_ARG;
}

static int job_source(void *ctx, uint8_t desc[64]) {
  npe_job *j = ctx;
  return npe_tiler_next(&j->plan, &j->it, desc);
}

static void free_job(npe_dev *d, npe_job *j) {
  d->job = NULL;
  if (j->a) npe__buf_release(d, j->a);
  if (j->b) npe__buf_release(d, j->b);
  if (j->c) npe__buf_release(d, j->c);
  free(j->col_scales);
  free(j);
}

/* Packs one operand on the host and writes it into a new device buffer. */
static int stage(npe_dev *d, const npe_mm_plan *p, const npe_tensor *t, int is_a,
                 npe_buf **buf) {
  uint64_t bytes = is_a ? npe_tiler_bytes_a(p) : npe_tiler_bytes_b(p);
  uint8_t *host = malloc(bytes);
  if (!host) return NPE_ERR_NO_MEM;
  size_t stride = t->stride ? t->stride : t->cols;
  int rc = is_a ? npe_tiler_pack_a(p, t->data, stride, host)
                : npe_tiler_pack_b(p, t->data, stride, host);
  if (!rc) rc = npe_buf_alloc(d, bytes, buf);
  if (!rc) rc = npe_buf_write(d, *buf, 0, host, bytes);
  free(host);
  return rc;
}

/* The matmul plan options the engine may lack: on by default where built,
 * switched off by npe_set_sherry / npe_set_b_resident(dev, 0). */
typedef enum { OPT_SHERRY, OPT_B_RESIDENT } plan_option;

static int set_plan_option(npe_dev *d, plan_option o, int on) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  uint32_t built = o == OPT_SHERRY ? d->info.has_sherry : d->info.has_b_offset;
  if (on && !built) return NPE_ERR_UNSUPPORTED;
  if (d->job) return NPE_ERR_BUSY;
  *(o == OPT_SHERRY ? &d->sherry_off : &d->b_resident_off) = !on;
  return NPE_OK;
}

int npe_set_sherry(npe_dev *d, int on) { return set_plan_option(d, OPT_SHERRY, on); }

int npe_set_b_resident(npe_dev *d, int on) { return set_plan_option(d, OPT_B_RESIDENT, on); }

/* The job's plan at addresses a, b, c: as the tiler chooses, a mat-vec for
 * one row, and with Sherry B when @p sherry (npe_set_sherry): K tiles then
 * start at multiples of 4, so the tiles' groups of 4 are B's
 * (npe_tiler_plan_matmul: the SoC's firmware plans its requests the same
 * way). */
static int plan_job(npe_dev *d, npe_job *j, const npe_tensor *a, const npe_tensor *b,
                    npe_fmt fout, int fp32, int sherry, uint64_t aa, uint64_t ab, uint64_t ac) {
  npe_hw_shape hw = d->hw;
  if (d->b_resident_off) hw.b_offset = 0; /* npe_set_b_resident(d, 0): B per step */
  return npe_tiler_plan_matmul(&hw, a->data.fmt, b->data.fmt, fout, fp32, a->rows, b->rows,
                               a->cols, sherry ? NPE_TILER_SHERRY : 0u, aa, ab, ac, &j->plan);
}

/* Whether B goes as Sherry codes: ternary, the engine has the unpacker, not
 * turned off, and B 3:4 sparse as the plan's LOAD rows group it. */
static int want_sherry(npe_dev *d, npe_job *j, const npe_tensor *a, const npe_tensor *b,
                       npe_fmt fout, int fp32) {
  if (b->data.fmt != NPE_FMT_TERNARY || !d->hw.sherry || d->sherry_off) return 0;
  if (plan_job(d, j, a, b, fout, fp32, 1, 0, 0, 0)) return 0;
  return npe_tiler_sherry_fits(&j->plan, b->data, b->stride ? b->stride : b->cols);
}

/* Starts a matmul into @p out; with @p nlu_aux != NULL (and @p out NULL) an
 * NLU job (npe_matmul_nlu). */
static int submit(npe_dev *d, const npe_tensor *a, const npe_tensor *b, const float *b_scales,
                  npe_output *out, const uint32_t *nlu_aux, npe_job **jobp) {
  int rc;
  /* the firmware runs it (npe_offload.c); it has no NLU (has_nlu 0) */
  if (d->t.offload)
    return nlu_aux ? NPE_ERR_UNSUPPORTED : npe__offload_submit(d, a, b, b_scales, out, jobp);
  npe_job *j = calloc(1, sizeof *j);
  if (!j) return NPE_ERR_NO_MEM;
  if (b_scales) { /* per-column scales, copied: the caller's array may change */
    j->col_scales = malloc(b->rows * sizeof *j->col_scales);
    if (!j->col_scales) {
      free(j);
      return NPE_ERR_NO_MEM;
    }
    for (uint32_t c = 0; c < b->rows; c++) j->col_scales[c] = scale_of(a->scale) * b_scales[c];
  }
  if (nlu_aux) j->nlu = 1;
  j->t_start = npe__now();
  j->link0 = d->link_bytes;
  j->frames0 = d->link_frames;
  j->cyc0 = d->t.cycles(d->t.ctx);
  j->out = out;
  j->m = a->rows;
  j->n = b->rows;
  j->scale = scale_of(a->scale) * scale_of(b->scale);
  /* an NLU job stores 2-byte codes (its descriptors name A's format as the
   * output format); its MATMULs round to binary32 */
  npe_fmt fa = a->data.fmt;
  int fp32 = out && out->f32;
  npe_fmt fout = nlu_aux ? fa : fp32 ? NPE_FMT_FP4 : out->pats.fmt;
  /* plan once without addresses to learn the sizes, then for real */
  int sherry = want_sherry(d, j, a, b, fout, fp32);
  rc = plan_job(d, j, a, b, fout, fp32, sherry, 0, 0, 0);
  if (!rc) rc = stage(d, &j->plan, a, 1, &j->a);
  if (!rc) rc = stage(d, &j->plan, b, 0, &j->b);
  if (!rc) rc = npe_buf_alloc(d, npe_tiler_bytes_c(&j->plan), &j->c);
  if (!rc) rc = plan_job(d, j, a, b, fout, fp32, sherry, j->a->addr, j->b->addr, j->c->addr);
  if (!rc && nlu_aux) rc = npe_tiler_set_nlu(&j->plan, *nlu_aux);
  d->job = j;
  if (rc) {
    free_job(d, j);
    return rc;
  }
  /* counters from zero for this job */
  uint32_t ctrl;
  rc = d->t.csr_read(d->t.ctx, NPE_CTRL_REG_OFFSET, &ctrl);
  if (!rc) rc = d->t.csr_write(d->t.ctx, NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_PERF_CLEAR_BIT));
  j->stream.src = job_source;
  j->stream.src_ctx = j;
  if (!rc) rc = npe_ring_pump(&d->t, &d->ring, &j->stream);
  if (rc) {
    free_job(d, j);
    return rc;
  }
  *jobp = j;
  return NPE_OK;
}

int npe_matmul_submit(npe_dev *d, const npe_tensor *a, const npe_tensor *b, npe_output *out,
                      npe_job **jobp) {
  if (!jobp) return NPE_ERR_INVALID_ARG;
  int rc = check_inputs(d, a, b, out ? out->stride : 0);
  if (!rc) rc = check_output(out);
  if (rc) return rc;
  return submit(d, a, b, NULL, out, NULL, jobp);
}

/* The checks npe_matmul_rows() adds to npe_matmul()'s. */
static int check_rows(const npe_tensor *b, const float *b_scales, const npe_output *out) {
  if (!b || !b_scales || !out || !out->f32) return NPE_ERR_INVALID_ARG;
  if (b->scale != 0.0f && b->scale != 1.0f) return NPE_ERR_INVALID_ARG;
  for (uint32_t c = 0; c < b->rows; c++)
    if (!scale_ok(b_scales[c]) || b_scales[c] == 0.0f) return NPE_ERR_INVALID_ARG;
  return NPE_OK;
}

int npe_matmul_rows_submit(npe_dev *d, const npe_tensor *a, const npe_tensor *b,
                           const float *b_scales, npe_output *out, npe_job **jobp) {
  if (!jobp) return NPE_ERR_INVALID_ARG;
  int rc = check_inputs(d, a, b, out ? out->stride : 0);
  if (!rc) rc = check_output(out);
  if (!rc) rc = check_rows(b, b_scales, out);
  if (rc) return rc;
  return submit(d, a, b, b_scales, out, NULL, jobp);
}

int npe_poll(npe_dev *d, npe_job *j, int *done) {
  int rc0 = npe__dev_check(d);
  if (rc0) return rc0;
  if (!j || j != d->job || !done) return NPE_ERR_INVALID_ARG;
  if (j->rnn) return npe__rnn_poll(d, j, done);
  if (j->off) return npe__offload_poll(d, j, done);
  int rc = npe_ring_pump(&d->t, &d->ring, &j->stream);
  if (!rc && !j->stream.finished) rc = npe_ring_wait(&d->t);
  if (!rc) rc = npe_ring_pump(&d->t, &d->ring, &j->stream);
  if (!rc) *done = j->stream.finished;
  return rc;
}

int npe__read_counters(npe_dev *d, npe_stats *s) {
  uint64_t c[NPE_PERF_COUNT];
  for (uint32_t i = 0; i < NPE_PERF_COUNT; i++) {
    uint32_t lo, hi;
    int rc = d->t.csr_read(d->t.ctx, NPE_PERF_REG_OFFSET(i), &lo);
    if (!rc) rc = d->t.csr_read(d->t.ctx, NPE_PERF_REG_OFFSET(i) + 4u, &hi);
    if (rc) return rc;
    c[i] = (uint64_t)hi << 32 | lo;
  }
  s->cycles = c[NPE_PERF_BUSY_CYCLES];
  for (int f = 0; f < NPE_FMT_COUNT; f++) s->macs[f] = c[NPE_PERF_MACS_FP4 + (uint32_t)f];
  s->gated_lane_cycles = c[NPE_PERF_GATED_LANE_CYC];
  s->stall_dma = c[NPE_PERF_STALL_DMA];
  s->stall_spad = c[NPE_PERF_STALL_SPAD];
  s->stall_out = c[NPE_PERF_STALL_OUT];
  s->stall_fence = c[NPE_PERF_STALL_FENCE];
  s->dma_read_bytes = c[NPE_PERF_DMA_RD_BYTES];
  s->dma_write_bytes = c[NPE_PERF_DMA_WR_BYTES];
  s->adc_conversions = c[NPE_PERF_ADC_CONV];
  return NPE_OK;
}

/* Converts the engine's C (device layout) into the caller's output (the
 * codes of an NLU job, which has no npe_output). */
/* Ramps of the NLU jobs of a plan: one NLU per (m-tile, n-block), each
 * converting ceil(cols / array cols) column groups, nlu_groups per ramp. */
static uint64_t nlu_ramps(const npe_mm_plan *p, uint32_t nlu_groups) {
  uint64_t ramps = 0;
  for (uint32_t b = 0; b < p->n_blocks; b++) {
    uint32_t c0 = b * p->nb, cols = p->n - c0 < p->nb ? p->n - c0 : p->nb;
    uint32_t groups = (cols + p->hw.cols - 1) / p->hw.cols;
    ramps += (groups + nlu_groups - 1) / nlu_groups;
  }
  return ramps * p->m_tiles;
}

static void gather(const npe_job *j, const uint8_t *c) {
  const npe_mm_plan *p = &j->plan;
  npe_output *o = j->out;
  size_t stride = j->nlu ? j->nlu_stride : o->stride ? o->stride : j->n;
  for (uint32_t r = 0; r < j->m; r++) {
    for (uint32_t col = 0; col < j->n; col++) {
      const uint8_t *cell = c + npe_tiler_c_offset(p, r, col);
      size_t at = (size_t)r * stride + col;
      if (j->nlu) {
        j->nlu_codes[at] = cell[0];
      } else if (p->out_fp32) {
        uint32_t bits = (uint32_t)cell[0] | (uint32_t)cell[1] << 8 | (uint32_t)cell[2] << 16 |
                        (uint32_t)cell[3] << 24;
        float v;
        memcpy(&v, &bits, 4);
        o->f32[at] = v * (j->col_scales ? j->col_scales[col] : j->scale);
      } else {
        npe_pats_set(o->pats, at, (uint32_t)(cell[0] | cell[1] << 8));
      }
    }
  }
  if (!p->out_fp32 && !j->nlu) o->scale = j->scale;
}

void npe__recover(npe_dev *d) {
  uint32_t ctrl, st = 0;
  if (!d->t.csr_read(d->t.ctx, NPE_CTRL_REG_OFFSET, &ctrl))
    d->t.csr_write(d->t.ctx, NPE_CTRL_REG_OFFSET, ctrl | (1u << NPE_CTRL_SOFT_RESET_BIT));
  /* The aborted jobs run out first (their DMA commands still move beats):
   * wait until BUSY drops, so the next job's counters hold only its own
   * work (bounded: a dead link gives up). */
  for (unsigned i = 0; i < 100000u; i++)
    if (d->t.csr_read(d->t.ctx, NPE_STATUS_REG_OFFSET, &st) ||
        !(st & (1u << NPE_STATUS_BUSY_BIT)))
      break;
  npe_ring_setup(&d->t, &d->ring);
}

int npe_wait(npe_dev *d, npe_job *j, uint64_t timeout_cycles) {
  int rc0 = npe__dev_check(d);
  if (rc0) return rc0;
  if (!j || j != d->job) return NPE_ERR_INVALID_ARG;
  if (j->rnn) return npe__rnn_wait(d, j, timeout_cycles);
  if (j->off) return npe__offload_wait(d, j, timeout_cycles);
  int rc = npe_ring_finish(&d->t, &d->ring, &j->stream, timeout_cycles, NULL, NULL);
  npe_stats s;
  memset(&s, 0, sizeof s);
  if (!rc) rc = npe__read_counters(d, &s);
  if (!rc && j->stream.res.hw_err) {
    s.hw_error = j->stream.res.hw_err;
    s.hw_error_index = j->stream.res.err_idx;
    s.hw_error_addr = j->stream.res.err_addr;
    rc = NPE_ERR_DEVICE;
  }
  uint8_t *c = NULL;
  if (!rc) {
    uint64_t bytes = npe_tiler_bytes_c(&j->plan);
    c = malloc(bytes);
    rc = c ? npe_buf_read(d, j->c, 0, c, bytes) : NPE_ERR_NO_MEM;
    if (!rc) gather(j, c);
    free(c);
  }
  if (rc == NPE_OK || rc == NPE_ERR_DEVICE) {
    unsigned lanes = j->plan.lanes;
    s.peak_macs = s.cycles * d->hw.rows * d->hw.cols * lanes;
    uint64_t total = 0;
    for (int f = 0; f < NPE_FMT_COUNT; f++) total += s.macs[f];
    s.utilisation = s.peak_macs ? (double)total / (double)s.peak_macs : 0.0;
    s.descriptors = j->stream.res.descs;
    s.dma_weight_bytes = npe_tiler_dma_bytes_b(&j->plan);
    s.sherry = (uint32_t)j->plan.sherry;
    if (j->nlu) { /* every ramp of a B-bit NLU job takes 2^B steps and reads the
                   * table once per step for all the columns it converts */
      uint64_t steps = 1ull << (j->plan.nlu_aux & 0xfu);
      s.nlu_column_steps = s.adc_conversions * steps;
      s.nlu_table_reads = nlu_ramps(&j->plan, d->info.nlu_groups) * steps;
    }
    s.energy_pj = npe__energy_estimate(&s);
    s.host_seconds = npe__now() - j->t_start;
    s.link_bytes = d->link_bytes - j->link0;
    s.link_frames = d->link_frames - j->frames0;
    s.device_cycles = d->t.cycles(d->t.ctx) - j->cyc0;
    d->last = s;
    d->have_last = 1;
  }
  if (rc == NPE_ERR_DEVICE) npe__recover(d); /* clear the halt so the next job can run */
  free_job(d, j);
  return rc;
}

/* Runs a submitted matmul job to the end, with progress. */
static int run_job(npe_dev *d, npe_job *j) {
  int rc = NPE_OK;
  if (d->progress && j->off) { /* the firmware's requests answered so far */
    int done = 0;
    while (!rc && !done) {
      rc = npe_poll(d, j, &done);
      d->progress(npe__offload_progress(j), d->progress_ctx);
    }
  } else if (d->progress) {
    uint64_t total = npe_tiler_count(&j->plan);
    int done = 0;
    while (!rc && !done) {
      rc = npe_poll(d, j, &done);
      d->progress((double)j->stream.res.descs / (double)total, d->progress_ctx);
    }
  }
  int rc2 = npe_wait(d, j, JOB_MAX_CYCLES);
  return rc ? rc : rc2;
}

int npe_matmul(npe_dev *d, const npe_tensor *a, const npe_tensor *b, npe_output *out) {
  npe_job *j;
  int rc = npe_matmul_submit(d, a, b, out, &j);
  return rc ? rc : run_job(d, j);
}

int npe_matmul_rows(npe_dev *d, const npe_tensor *a, const npe_tensor *b, const float *b_scales,
                    npe_output *out) {
  npe_job *j;
  int rc = npe_matmul_rows_submit(d, a, b, b_scales, out, &j);
  return rc ? rc : run_job(d, j);
}

int npe_matmul_nlu(npe_dev *d, const npe_tensor *a, const npe_tensor *b,
                   const npe_nlu_table *table, unsigned in_frac_bits, uint8_t *codes,
                   size_t stride) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!a || !b || !table || !codes || in_frac_bits > NPE_NLU_MAX_FRAC_BITS)
    return NPE_ERR_INVALID_ARG;
  /* power-of-two scales fold into the NLU input shift: x = RNE(D 2^(F-S)) */
  int ea, eb;
  if (!scale_ok(a->scale) || !scale_ok(b->scale) || frexpf(scale_of(a->scale), &ea) != 0.5f ||
      frexpf(scale_of(b->scale), &eb) != 0.5f)
    return NPE_ERR_INVALID_ARG;
  int e = (int)in_frac_bits + (ea - 1) + (eb - 1);
  if (e < -15 || e > NPE_NLU_MAX_FRAC_BITS) return NPE_ERR_INVALID_ARG;
  unsigned nl_f = e >= 0 ? (unsigned)e : 0u, nl_s = e < 0 ? (unsigned)-e : 0u;
  rc = check_inputs(d, a, b, stride);
  if (rc) return rc;
  if (!d->info.has_nlu) return NPE_ERR_UNSUPPORTED;
  rc = npe_nlu_table_check(table);
  if (rc) return rc;
  /* the table, segment by segment, through the auto-incrementing port */
  for (unsigned s = 0; !rc && s < table->nseg; s++) {
    rc = d->t.csr_write(d->t.ctx, NPE_NLU_TBL_ADDR_REG_OFFSET, 256u * s + 1u);
    for (unsigned i = 1; !rc && i < (1u << table->bits); i++)
      rc = d->t.csr_write(d->t.ctx, NPE_NLU_TBL_DATA_REG_OFFSET,
                          (uint32_t)table->seg_t[s][i - 1] & 0x1ffffu);
  }
  if (rc) return rc;
  uint32_t aux = table->bits | nl_f << 4 | (table->nseg == 2 ? 1u << 8 : 0u) | nl_s << 12 |
                 ((uint32_t)table->split & 0xffffu) << 16;
  npe_job *j;
  rc = submit(d, a, b, NULL, NULL, &aux, &j);
  if (rc) return rc;
  j->nlu_codes = codes;
  j->nlu_stride = stride ? stride : b->rows;
  if (d->progress) {
    uint64_t total = npe_tiler_count(&j->plan);
    int done = 0;
    while (!rc && !done) {
      rc = npe_poll(d, j, &done);
      double f = (double)j->stream.res.descs / (double)total;
      d->progress(f < 1.0 ? f : 1.0, d->progress_ctx);
    }
  }
  int rc2 = npe_wait(d, j, JOB_MAX_CYCLES);
  return rc ? rc : rc2;
}

int npe_last_stats(npe_dev *d, npe_stats *s) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!s) return NPE_ERR_INVALID_ARG;
  if (!d->have_last) return NPE_ERR_STATE;
  *s = d->last;
  return NPE_OK;
}
