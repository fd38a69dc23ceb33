/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_gla_engine.c - Gated Linear Attention on the engine (npe_gla()): the golden
 * model's chunkwise algorithm (npe_gla_run(), golden/src/npe_gla.c) with
 * its products run as npe_matmul() on the MAC array and its state carried
 * across chunks by one DIAG sequence on the recurrence unit (npe_rnn()).
 * The statistics of every job are summed into one npe_stats.
 */
#include <string.h>

#include "npe_internal.h"
#include "npe_regs.h"

typedef struct gla_ctx {
  npe_dev *dev;
  npe_fmt fmt;
  npe_stats sum;
  uint64_t jobs, jobs_total;
} gla_ctx;

static void add_stats(gla_ctx *g) {
  npe_stats s;
  if (npe_last_stats(g->dev, &s) != NPE_OK) return;
  npe_stats *t = &g->sum;
  t->cycles += s.cycles;
  for (int f = 0; f < NPE_FMT_COUNT; f++) t->macs[f] += s.macs[f];
  t->gated_lane_cycles += s.gated_lane_cycles;
  t->stall_dma += s.stall_dma;
  t->stall_spad += s.stall_spad;
  t->stall_out += s.stall_out;
  t->stall_fence += s.stall_fence;
  t->dma_read_bytes += s.dma_read_bytes;
  t->dma_write_bytes += s.dma_write_bytes;
  t->descriptors += s.descriptors;
  t->energy_pj += s.energy_pj;
  t->recur_elems += s.recur_elems;
  for (int m = 0; m < 3; m++) t->recur_mode_elems[m] += s.recur_mode_elems[m];
  t->recur_cycles += s.recur_cycles;
  t->adc_conversions += s.adc_conversions;
  t->nlu_column_steps += s.nlu_column_steps;
  t->nlu_table_reads += s.nlu_table_reads;
  g->jobs++;
  if (g->dev->progress && g->jobs_total)
    g->dev->progress((double)g->jobs / (double)g->jobs_total, g->dev->progress_ctx);
}

static int gla_matmul(void *ctx, npe_pats a, float scale_a, npe_pats b, float scale_b, uint32_t m,
                      uint32_t n, uint32_t k, float *c) {
  gla_ctx *g = ctx;
  npe_tensor ta = {a, m, k, 0, scale_a}, tb = {b, n, k, 0, scale_b};
  npe_output out = {c, {a.fmt, NULL, NULL}, 0, 0.0f};
  npe_progress_fn fn = g->dev->progress;
  g->dev->progress = NULL; /* progress is counted in jobs, not per matmul */
  int rc = npe_matmul(g->dev, &ta, &tb, &out);
  g->dev->progress = fn;
  if (rc == NPE_OK) add_stats(g);
  return rc;
}

static int gla_diag(void *ctx, uint32_t steps, uint32_t h, const int32_t *a, const int32_t *b,
                    int32_t *out) {
  gla_ctx *g = ctx;
  npe_rnn_seq seq = {.cell = NPE_RNN_DIAG, .steps = steps, .hidden = h, .a = a, .b = b, .h = out};
  npe_progress_fn fn = g->dev->progress;
  g->dev->progress = NULL;
  int rc = npe_rnn(g->dev, &seq);
  g->dev->progress = fn;
  if (rc == NPE_OK) add_stats(g);
  return rc;
}

int npe_gla(npe_dev *dev, const npe_gla_seq *seq, float *o, float *s_last) {
  int rc = npe__dev_check(dev);
  if (rc != NPE_OK) return rc;
  if (!seq || !o) return NPE_ERR_INVALID_ARG;
  if (dev->job) return NPE_ERR_BUSY;
  if (!dev->info.has_recur || !(dev->info.recur_modes & (1u << NPE_RNN_DIAG)))
    return NPE_ERR_UNSUPPORTED;
  if ((unsigned)seq->fmt >= NPE_FMT_COUNT || seq->fmt == NPE_FMT_TERNARY)
    return NPE_ERR_INVALID_ARG;
  if (!(dev->info.formats & (1u << seq->fmt))) return NPE_ERR_UNSUPPORTED;
  if (seq->chunk > npe_max_k(dev, seq->fmt, seq->fmt) || seq->dk > npe_max_k(dev, seq->fmt, seq->fmt))
    return NPE_ERR_UNSUPPORTED;

  gla_ctx g;
  memset(&g, 0, sizeof g);
  g.dev = dev;
  g.fmt = seq->fmt;
  if (seq->chunk) { /* 3 products per chunk (2 in the first) and the DIAG run */
    uint64_t nc = ((uint64_t)seq->steps + seq->chunk - 1) / seq->chunk;
    g.jobs_total = 3 * nc;
  }
  double t0 = npe__now();
  const npe_gla_ops ops = {&g, gla_matmul, gla_diag};
  rc = npe_gla_run(seq, &ops, o, s_last);
  if (rc != NPE_OK) return rc;

  npe_stats *t = &g.sum;
  t->peak_macs = t->cycles * dev->hw.rows * dev->hw.cols * npe_hw_fmt_lanes(seq->fmt);
  t->utilisation = t->peak_macs ? (double)t->macs[seq->fmt] / (double)t->peak_macs : 0.0;
  t->host_seconds = npe__now() - t0;
  dev->last = *t;
  dev->have_last = 1;
  return NPE_OK;
}
