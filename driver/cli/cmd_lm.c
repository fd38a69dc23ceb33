/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe lm`: a trained character language model (lm/MODELS.md: hgrn, gru,
 * lstm, read from its .npz) evaluated on the engine, bits per char of a
 * text per number format, with cycles, MACs and energy per char; the same
 * network through the golden model (--check, bit for bit) and the float32
 * reference in C. What runs where is in docs/LM.md: every matmul on the
 * engine (npe_matmul), the hgrn recurrence with its gates on the recurrence
 * unit (npe_rnn HGRN; --hgrn-gates host: the gates on the host in float and
 * the recurrence as npe_rnn DIAG, as before API 0.12.0), the gru / lstm
 * recurrence with its gates on the recurrence unit (npe_rnn GRU / LSTM,
 * W_hh resident), the embedding lookup and the softmax on the host.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <time.h>

#include "npe.h"
#include "npe_cli.h"
#include "npe_xbar.h"

static const char lm_usage[] =
    "Usage: npe lm MODEL.npz --text FILE [--chars N|all] [--format F|all] [--frac F]\n"
    "              [--block N] [--hgrn-gates unit|host] [--nlu-bits B [--analog]\n"
    "              [--seed S]] [--check]\n"
    "              [--json] [--progress] [--device URI|golden] [--no-b-resident]\n"
    "       npe lm MODEL.npz --generate N --prompt TEXT [--format F] [--seed S]\n"
    "              [--temperature X] [--frac F] [--check] [--json] [--device URI]\n"
    "\n"
    "Evaluates a character language model (lm/MODELS.md: cell hgrn, gru or\n"
    "lstm, as tools/lm/train.py writes it) on the engine: bits per char of the\n"
    "first N characters of FILE, one stream from the zero state, the first\n"
    "character read and not predicted. Per format: bits/char, engine cycles,\n"
    "MACs and energy (estimate, npe_stats) per predicted char; and once the\n"
    "float32 reference bits/char, computed on the host from the float weights.\n"
    "\n"
    "What runs where (docs/LM.md): the embedding lookup on the host; every\n"
    "matmul on the engine, weights and activations quantised per tensor with\n"
    "the golden quantisers (hgrn: one matmul per layer for the whole text;\n"
    "gru/lstm: the input projections as one matmul; the readout as one\n"
    "matmul); the hgrn recurrence, gates included, on the recurrence unit\n"
    "(npe_rnn HGRN: one RECUR per layer, za, zc, zg, h and y in Q15.16, the\n"
    "unit's sigmoid / tanh table); the softmax on the host; the gru/lstm\n"
    "recurrence, gates included, on the\n"
    "recurrence unit (npe_rnn GRU / LSTM: one RECUR for the whole text, W_hh\n"
    "resident in the format with a power-of-two scale, h and the gates in\n"
    "Q15.16, npe_rnn_quantize; a Sherry model's ternary W_hh as its own codes\n"
    "with its row scales, which the unit applies: npe_rnn_seq.row_scale).\n"
    "\n"
    "  --text FILE       the text (required); every symbol must be in the\n"
    "                    model's vocabulary\n"
    "  --chars N|all     its first N characters, 2..1000000 (default 256); all:\n"
    "                    the whole file (up to 1000000)\n"
    "  --block N         inputs per block, 1..65536 (default 256): the text runs\n"
    "                    as blocks one after another, the state carried over;\n"
    "                    each block's activations get their own tensor scales,\n"
    "                    so N is part of the quantised network's definition\n"
    "  --format F        fp4, posit4, posit8, posit16, int8, ternary (INT8\n"
    "                    activations x ternary weights: a Sherry model's own\n"
    "                    codes and row scales, a matrix without codes in INT8;\n"
    "                    a float model's matrices TWN-quantised), or all\n"
    "                    (default int8)\n"
    "  --hgrn-gates G    unit (default): the hgrn's gates on the recurrence unit\n"
    "                    (RECUR HGRN); host: tanh, sigmoid and the gate products\n"
    "                    on the host in float, only h_t = a_t h_{t-1} + b_t on the\n"
    "                    unit (npe_rnn DIAG: a_t in Q2.30, b_t and h_t in QF, F =\n"
    "                    --frac); --nlu-bits implies host\n"
    "  --frac F          with --hgrn-gates host: fraction bits of the hgrn\n"
    "                    recurrence's b and h, 8..29 (default 24)\n"
    "  --check           also run the same quantised network through the\n"
    "                    golden model (npe_golden_matmul_f32, npe_recur_hgrn_seq,\n"
    "                    npe_recur_diag_seq, npe_recur_gated_seq, the same host\n"
    "                    code) and require\n"
    "                    bit-identical logits\n"
    "  --nlu-bits B      the hgrn's gate nonlinearities (tanh of a and c, sigmoid\n"
    "                    of g) through a B-bit NLU, 1..8 (docs/NLU.md: Q8.8 input,\n"
    "                    tanh on [-4, 4], sigmoid on [-8, 8]) instead of host\n"
    "                    float: the golden staircase (what the RTL NLU computes),\n"
    "                    evaluated on the host; hgrn only (the gru / lstm gates\n"
    "                    run in the recurrence unit's own sigmoid table)\n"
    "  --analog          with --nlu-bits: the analog ramp of the crossbar model\n"
    "                    (models/xbar, its default non-idealities), seeded by\n"
    "                    --seed S (default 1)\n"
    "  --no-b-resident   load B for every m-tile (npe_set_b_resident(dev, 0)): the\n"
    "                    same results, more DMA bytes and energy (to compare)\n"
    "  --no-reference    skip the float32 reference (its bits/char: null, and the\n"
    "                    vs-f32 column NaN); it costs a fifth of a golden run\n"
    "  --json            print JSON instead of the table\n"
    "  --progress        progress lines on stderr (every 10 s and at the end)\n"
    "  --device URI      sim: (default) or sim:?latency=N&ready=P&valid=P&seed=S;\n"
    "                    golden: no engine, the golden model of the same quantised\n"
    "                    network (fast: for whole test splits; bits/char only)\n"
    "\n"
    "Sampling (--generate N): the prompt runs as one sequence, then N\n"
    "characters one at a time, each drawn from the softmax of the engine's\n"
    "logits at --temperature X (0.05..10, default 1) with a generator seeded\n"
    "by --seed S (default 1); prints the prompt and the sample, then cycles\n"
    "and energy per character. --check runs the golden model on the same\n"
    "characters alongside.\n"
    "\n"
    "Exit status: 0 success, 1 failure (device error, golden mismatch),\n"
    "2 bad usage or input (a bad model file, a symbol outside the vocabulary).\n";

#define LM_MAX_LAYERS 3

/* The matrices: input projections per layer, the recurrent matrix (gru,
 * lstm), the readout. */
enum { LM_IH0, LM_IH1, LM_IH2, LM_HH, LM_OUT, LM_NMAT };

typedef struct lm_model {
  char cell[16], vocab[128], quant[16];
  uint32_t v, e, h, layers, gates; /* gates: rows per unit, 3 (gru, hgrn) or 4 (lstm) */
  float *embed;                    /* v x e */
  float *w[LM_NMAT], *bias[LM_NMAT];
  uint32_t rows[LM_NMAT], cols[LM_NMAT];
  int8_t *q[LM_NMAT];              /* Sherry codes, or NULL */
  float *qs[LM_NMAT];              /* their row scales */
  double test_bpc;                 /* recorded in the file, or NAN */
} lm_model;

static void model_free(lm_model *m) {
  free(m->embed);
  for (int i = 0; i < LM_NMAT; i++) free(m->w[i]), free(m->bias[i]), free(m->q[i]), free(m->qs[i]);
}

static const char *mat_name(int i, char *buf, size_t cap) {
  if (i <= LM_IH2) snprintf(buf, cap, "weight_ih_l%d", i - LM_IH0);
  else if (i == LM_HH) snprintf(buf, cap, "weight_hh_l0");
  else snprintf(buf, cap, "out.weight");
  return buf;
}

/* Reads and checks the model; -1 with a message on stderr. */
static int model_load(const char *path, lm_model *m) {
  static const char *who = "npe lm";
  cli_npz *z;
  memset(m, 0, sizeof *m);
  m->test_bpc = NAN;
  if (cli_npz_open(path, who, &z)) return -1;
  long long e, h, l, ver;
  int rc = -1;
  if (cli_npz_int(z, "format_version", &ver) || cli_npz_str(z, "cell", m->cell, sizeof m->cell) ||
      cli_npz_str(z, "vocab", m->vocab, sizeof m->vocab) ||
      cli_npz_str(z, "quant", m->quant, sizeof m->quant) || cli_npz_int(z, "embed_size", &e) ||
      cli_npz_int(z, "hidden_size", &h) || cli_npz_int(z, "num_layers", &l))
    goto out;
  if (ver != 1) {
    fprintf(stderr, "%s: %s: format_version %lld (this npe reads 1)\n", who, path, ver);
    goto out;
  }
  int hgrn = !strcmp(m->cell, "hgrn"), lstm = !strcmp(m->cell, "lstm");
  if (!hgrn && !lstm && strcmp(m->cell, "gru")) {
    fprintf(stderr, "%s: %s: unknown cell '%s' (known: hgrn, gru, lstm)\n", who, path, m->cell);
    goto out;
  }
  if (strcmp(m->quant, "none") && strcmp(m->quant, "sherry") && strcmp(m->quant, "sherry-all")) {
    fprintf(stderr, "%s: %s: unknown quant '%s' (known: none, sherry, sherry-all)\n", who, path,
            m->quant);
    goto out;
  }
  if (e < 1 || e > 4096 || h < 1 || h > 4096 || l < 1 || l > (hgrn ? LM_MAX_LAYERS : 1)) {
    fprintf(stderr, "%s: %s: sizes embed %lld, hidden %lld, layers %lld not supported "
                    "(1..4096; layers 1..%d for %s)\n",
            who, path, e, h, l, hgrn ? LM_MAX_LAYERS : 1, m->cell);
    goto out;
  }
  m->v = (uint32_t)strlen(m->vocab), m->e = (uint32_t)e, m->h = (uint32_t)h;
  m->layers = (uint32_t)l, m->gates = lstm ? 4 : 3;
  uint64_t se[2] = {m->v, m->e};
  if (m->v < 2 || cli_npz_f32(z, "embed.weight", 2, se, &m->embed)) {
    if (m->v < 2) fprintf(stderr, "%s: %s: vocabulary of %u symbols\n", who, path, m->v);
    goto out;
  }
  int sherry = strcmp(m->quant, "none") != 0;
  for (int i = 0; i < LM_NMAT; i++) {
    if (i <= LM_IH2 && (uint32_t)(i - LM_IH0) >= m->layers) continue;
    if (i == LM_HH && hgrn) continue;
    char name[64], bname[64], qname[80];
    mat_name(i, name, sizeof name);
    m->rows[i] = i == LM_OUT ? m->v : m->gates * m->h;
    m->cols[i] = i == LM_OUT || i == LM_HH || i > LM_IH0 ? m->h : m->e;
    uint64_t s2[2] = {m->rows[i], m->cols[i]}, s1[1] = {m->rows[i]};
    if (cli_npz_f32(z, name, 2, s2, &m->w[i])) goto out;
    if (i == LM_OUT) snprintf(bname, sizeof bname, "out.bias");
    else snprintf(bname, sizeof bname, "bias_%ch_l%d", i == LM_HH ? 'h' : 'i',
                  i == LM_HH ? 0 : i - LM_IH0);
    if (cli_npz_f32(z, bname, 1, s1, &m->bias[i])) goto out;
    /* Sherry codes: every recurrent-layer matrix of a sherry model, the
     * readout too for sherry-all */
    if (sherry && (i != LM_OUT || !strcmp(m->quant, "sherry-all"))) {
      snprintf(qname, sizeof qname, "q.%s", name);
      if (cli_npz_i8(z, qname, 2, s2, &m->q[i])) goto out;
      snprintf(qname, sizeof qname, "qscale.%s", name);
      if (cli_npz_f32(z, qname, 1, s1, &m->qs[i])) goto out;
      for (size_t k = 0; k < (size_t)s2[0] * s2[1]; k++) {
        if (m->q[i][k] < -1 || m->q[i][k] > 1) {
          fprintf(stderr, "%s: %s: array 'q.%s' has a code %d outside {-1, 0, 1}\n", who, path,
                  name, m->q[i][k]);
          goto out;
        }
      }
    }
  }
  if (cli_npz_has(z, "test_bpc")) cli_npz_f64(z, "test_bpc", &m->test_bpc);
  rc = 0;
out:
  cli_npz_close(z);
  if (rc) model_free(m);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* Running: the engine, or the golden model of it                           */
/* ------------------------------------------------------------------------ */

/* One matrix quantised for a format: patterns of @c fb, the activations it
 * takes in @c fa, a tensor scale and optional row scales (Sherry). */
typedef struct lm_qw {
  npe_fmt fa, fb;
  npe_pats_out p;
  float scale;
  const float *row_scale;
} lm_qw;

typedef struct lm_run {
  const lm_model *m;
  int quantised;      /* 0: the float32 reference */
  npe_dev *dev;       /* NULL: the golden model */
  lm_qw w[LM_NMAT];
  /* gru / lstm through the recurrence unit (RECUR GRU / LSTM): W_hh as
   * npe_rnn_quantize() makes it, or a Sherry model's ternary codes in the
   * engine's row order with their row scales (hh_scale, AUX.ROWSCALE) */
  int gated;
  npe_pats_out whh;
  npe_rnn_quant wq;
  float *hh_scale;    /* G H row scales (row G i + g), or NULL */
  unsigned frac;      /* fraction bits of b and h (hgrn with host gates) */
  int host_gates;     /* hgrn: gates on the host, the recurrence as DIAG (else RECUR HGRN) */
  /* the hgrn's gate nonlinearities through the NLU (--nlu-bits): the value
   * of tanh / sigmoid per NLU input code x (index x + 32768), from the
   * golden staircase or the analog ramp model; NULL: host float */
  const float *nlu_lut[2];
  unsigned nlu_frac;  /* F of the NLU input code */
  npe_stats tot;      /* engine totals (peak_macs: matmuls and GRU / LSTM only) */
  uint64_t diag_cycles; /* cycles of DIAG and HGRN sequences (no MACs) */
  uint64_t weight_bytes; /* the weight matrices in their engine format */
  /* golden runs (--device golden): the matmuls through fast_matmul(), each
   * of the first 8 and every 64th after checked against
   * npe_golden_matmul_f32 bit for bit (a difference is an error) */
  int fast;
  uint64_t fast_calls, fast_checked;
  uint64_t matmuls, sequences;
  int err;            /* a libnpe error of the run */
} lm_run;

/* Adds the last job's statistics; @p macs_job: a matmul or GRU / LSTM
 * sequence (its peak_macs counts MAC slots), else a DIAG sequence. */
static void stats_add(lm_run *r, int macs_job) {
  npe_stats s;
  if (npe_last_stats(r->dev, &s) != NPE_OK) return;
  r->tot.cycles += s.cycles;
  if (!macs_job) r->diag_cycles += s.cycles;
  for (int f = 0; f < NPE_FMT_COUNT; f++) r->tot.macs[f] += s.macs[f];
  r->tot.energy_pj += s.energy_pj;
  r->tot.dma_read_bytes += s.dma_read_bytes;
  r->tot.dma_write_bytes += s.dma_write_bytes;
  r->tot.descriptors += s.descriptors;
  r->tot.recur_elems += s.recur_elems;
  for (int m = 0; m < 3; m++) r->tot.recur_mode_elems[m] += s.recur_mode_elems[m];
  r->tot.recur_hgrn_elems += s.recur_hgrn_elems;
  r->tot.recur_cycles += s.recur_cycles;
  if (macs_job) r->tot.peak_macs += s.peak_macs;
  r->tot.host_seconds += s.host_seconds;
}

static void report_error(lm_run *r, const char *what, int rc) {
  fprintf(stderr, "npe lm: %s: %s\n", what, npe_strerror(rc));
  cli_report_engine_error(r->dev, "npe lm", rc);
}

static float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

/* The hgrn's gate nonlinearity @p f (0 tanh, 1 sigmoid) of a quantised
 * run: host float, or the NLU's output value for the input code of @p x
 * (npe_nlu_from_double: RNE to F fraction bits, saturated to 16 bits). */
static float gate(const lm_run *r, int f, float x) {
  if (!r->quantised || !r->nlu_lut[f]) return f ? sigmoidf_(x) : tanhf(x);
  int32_t c = 0;
  (void)npe_nlu_from_double(x, r->nlu_frac, &c); /* x is finite: no error */
  return r->nlu_lut[f][c + 32768];
}

/* ------------------------------------------------------------------------ */
/* The golden matmul, faster: every pattern of the formats used here is an  */
/* integer times 2^-S (S per format), so a dot product is an exact integer  */
/* sum (128 bits), rounded once to binary32 (nearest-even) and scaled by a  */
/* power of two: the value npe_golden_matmul_f32 gets from its quire. Runs  */
/* check themselves against it (lm_run.fast).                               */
/* ------------------------------------------------------------------------ */

__extension__ typedef __int128 lm_i128;
__extension__ typedef unsigned __int128 lm_u128;

typedef struct lm_fast_tab {
  int ready, ok, shift; /* ok: every pattern finite, value = v[p] 2^-shift */
  int64_t maxabs;
  int64_t *v;
} lm_fast_tab;

static lm_fast_tab fast_tabs[NPE_FMT_COUNT];

static const lm_fast_tab *fast_table(npe_fmt f) {
  lm_fast_tab *t = &fast_tabs[f];
  if (t->ready) return t;
  t->ready = 1;
  uint32_t n = 1u << npe_fmt_bits(f);
  double *d = malloc(n * sizeof *d);
  t->v = malloc(n * sizeof *t->v);
  if (!d || !t->v) {
    free(d);
    return t;
  }
  int s = 0, ok = 1;
  for (uint32_t p = 0; ok && p < n; p++) {
    /* a code the format does not define (ternary 2) is never produced */
    if (npe_decode(f, p, &d[p]) || !isfinite(d[p])) d[p] = 0;
    int k = 0;
    while (k <= 60 && ldexp(d[p], k) != floor(ldexp(d[p], k))) k++;
    if (k > 60) ok = 0;
    s = k > s ? k : s;
  }
  for (uint32_t p = 0; ok && p < n; p++) {
    double x = ldexp(d[p], s);
    if (fabs(x) >= 0x1p62) ok = 0;
    else t->v[p] = (int64_t)x, t->maxabs = llabs(t->v[p]) > t->maxabs ? llabs(t->v[p]) : t->maxabs;
  }
  t->ok = ok, t->shift = s;
  free(d);
  return t;
}

static void fast_free(void) {
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    free(fast_tabs[f].v);
    memset(&fast_tabs[f], 0, sizeof fast_tabs[f]);
  }
}

/* x 2^-e rounded once to binary32, nearest-even (x 2^-e within the normal
 * range; zero is +0, as the quire gives it). */
static float round_f32(lm_i128 x, int e) {
  if (!x) return 0.0f;
  int neg = x < 0;
  lm_u128 u = neg ? -(lm_u128)x : (lm_u128)x;
  int nb = 0;
  for (lm_u128 w = u; w; w >>= 1) nb++;
  if (nb > 24) {
    int sh = nb - 24;
    lm_u128 q = u >> sh, rem = u & (((lm_u128)1 << sh) - 1), half = (lm_u128)1 << (sh - 1);
    if (rem > half || (rem == half && (q & 1))) q++;
    u = q, e -= sh;
  }
  double d = ldexp((double)u, -e); /* at most 25 bits: exact */
  return (float)(neg ? -d : d);
}

/* c (m x n) = a (m x k) b^T (n x k) x scale, as npe_golden_matmul_f32 with
 * lda = ldb = k, ldc = n; NPE_ERR_UNSUPPORTED if a format does not fit. */
static int fast_matmul(npe_pats a, npe_pats b, uint32_t m, uint32_t n, uint32_t k, float scale,
                       float *c) {
  const lm_fast_tab *ta = fast_table(a.fmt), *tb = fast_table(b.fmt);
  if (!ta->ok || !tb->ok) return NPE_ERR_UNSUPPORTED;
  int e = ta->shift + tb->shift;
  int narrow = (double)ta->maxabs * (double)tb->maxabs * k < 0x1p62;
  int64_t *ra = malloc((size_t)k * sizeof *ra), *rb = malloc((size_t)n * k * sizeof *rb);
  if (!ra || !rb) {
    free(ra), free(rb);
    return NPE_ERR_NO_MEM;
  }
  for (size_t q = 0; q < (size_t)n * k; q++) rb[q] = tb->v[b.u16 ? b.u16[q] : b.u8[q]];
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t q = 0; q < k; q++) {
      size_t at = (size_t)i * k + q;
      ra[q] = ta->v[a.u16 ? a.u16[at] : a.u8[at]];
    }
    for (uint32_t j = 0; j < n; j++) {
      const int64_t *bj = rb + (size_t)j * k;
      lm_i128 acc = 0;
      if (narrow) {
        int64_t s = 0;
        for (uint32_t q = 0; q < k; q++) s += ra[q] * bj[q];
        acc = s;
      } else {
        for (uint32_t q = 0; q < k; q++) acc += (lm_i128)ra[q] * bj[q];
      }
      c[(size_t)i * n + j] = round_f32(acc, e) * scale;
    }
  }
  free(ra), free(rb);
  return NPE_OK;
}

/* y (rows x n) = x (rows x k) W^T + bias for matrix @p i: in float (double
 * sums rounded once) for the reference, else quantised on the engine or the
 * golden model. */
static int linear(lm_run *r, int i, const float *x, uint32_t rows, float *y) {
  const lm_model *m = r->m;
  uint32_t n = m->rows[i], k = m->cols[i];
  if (r->err) return r->err;
  if (!r->quantised) {
    for (uint32_t a = 0; a < rows; a++)
      for (uint32_t j = 0; j < n; j++) {
        double s = 0;
        for (uint32_t c = 0; c < k; c++) s += (double)x[(size_t)a * k + c] * m->w[i][(size_t)j * k + c];
        y[(size_t)a * n + j] = (float)s + m->bias[i][j];
      }
    return 0;
  }
  const lm_qw *w = &r->w[i];
  npe_pats_out pa = {0};
  float sa;
  int rc = cli_pats_alloc(w->fa, (size_t)rows * k, &pa);
  if (!rc) rc = npe_quant_scale(w->fa, x, (size_t)rows * k, &sa);
  if (!rc) rc = npe_quantize(x, (size_t)rows * k, sa, pa);
  npe_tensor ta = {npe_pats_of(pa), rows, k, 0, sa}, tb = {npe_pats_of(w->p), n, k, 0, w->scale};
  if (!rc && r->dev) {
    npe_output o = {.f32 = y};
    rc = npe_matmul(r->dev, &ta, &tb, &o);
    if (!rc) stats_add(r, 1);
  } else if (!rc && r->fast) {
    rc = fast_matmul(ta.data, tb.data, rows, n, k, sa * w->scale, y);
    if (rc == NPE_ERR_UNSUPPORTED) { /* posit16: the golden model itself */
      rc = npe_golden_matmul_f32(ta.data, k, tb.data, k, rows, n, k, sa * w->scale, y, n);
    } else if (!rc && (r->fast_calls++ < 8 || r->fast_calls % 64 == 0)) {
      float *g = malloc((size_t)rows * n * sizeof *g);
      rc = g ? npe_golden_matmul_f32(ta.data, k, tb.data, k, rows, n, k, sa * w->scale, g, n)
             : NPE_ERR_NO_MEM;
      if (!rc && memcmp(g, y, (size_t)rows * n * sizeof *g)) {
        fprintf(stderr, "npe lm: internal error: the fast golden matmul differs from "
                        "npe_golden_matmul_f32\n");
        rc = NPE_ERR_STATE;
      }
      r->fast_checked++;
      free(g);
    } else if (!rc) {
      r->fast_calls++;
    }
  } else if (!rc) {
    rc = npe_golden_matmul_f32(ta.data, k, tb.data, k, rows, n, k, sa * w->scale, y, n);
  }
  r->matmuls++;
  cli_pats_free(&pa);
  if (rc) {
    char name[64];
    report_error(r, mat_name(i, name, sizeof name), rc);
    return r->err = rc;
  }
  for (uint32_t a = 0; a < rows; a++)
    for (uint32_t j = 0; j < n; j++) {
      float *v = &y[(size_t)a * n + j];
      if (w->row_scale) *v *= w->row_scale[j];
      *v += m->bias[i][j];
    }
  return 0;
}

/* The state a text leaves (zero at the start): per layer h in float (gru,
 * lstm, the hgrn reference) and in fixed point (the hgrn on the engine), c
 * of the lstm. */
typedef struct lm_state {
  float *hf[LM_MAX_LAYERS], *c;
  int32_t *hq[LM_MAX_LAYERS]; /* hgrn: F fraction bits; gru, lstm: Q15.16 */
  int32_t *cq;                /* lstm on the recurrence unit: c in Q15.16 */
} lm_state;

static int state_alloc(const lm_model *m, lm_state *s) {
  memset(s, 0, sizeof *s);
  int ok = (s->c = calloc(m->h, sizeof *s->c)) != NULL &&
           (s->cq = calloc(m->h, sizeof *s->cq)) != NULL;
  for (uint32_t l = 0; l < m->layers; l++) {
    ok = ok && (s->hf[l] = calloc(m->h, sizeof *s->hf[l])) != NULL;
    ok = ok && (s->hq[l] = calloc(m->h, sizeof *s->hq[l])) != NULL;
  }
  return ok ? NPE_OK : NPE_ERR_NO_MEM;
}

static void state_free(lm_state *s) {
  free(s->c), free(s->cq);
  for (int l = 0; l < LM_MAX_LAYERS; l++) free(s->hf[l]), free(s->hq[l]);
}

/* The hgrn recurrence over T x H from the state of layer @p l (updated):
 * a, b (float) -> hs (float), in float for the reference, else in fixed
 * point on the recurrence unit or its golden model. */
static int recur(lm_run *r, lm_state *st, uint32_t l, uint32_t t, uint32_t h, const float *a,
                 const float *b, float *hs) {
  if (r->err) return r->err;
  if (!r->quantised) {
    for (uint32_t i = 0; i < h; i++) {
      float s = st->hf[l][i];
      for (uint32_t k = 0; k < t; k++) {
        size_t at = (size_t)k * h + i;
        float p = a[at] * s; /* rounded, then + b rounded: the trainer's order */
        s = p + b[at];
        hs[at] = s;
      }
      st->hf[l][i] = s;
    }
    return 0;
  }
  size_t n = (size_t)t * h;
  int32_t *qa = malloc(n * sizeof *qa), *qb = malloc(n * sizeof *qb), *qh = malloc(n * sizeof *qh);
  int rc = qa && qb && qh ? NPE_OK : NPE_ERR_NO_MEM;
  for (size_t k = 0; !rc && k < n; k++) {
    rc = npe_recur_gate_from_double(a[k], &qa[k]);
    if (!rc) rc = npe_recur_fix_from_double(b[k], r->frac, &qb[k]);
  }
  /* h_0 = 0 enters as INIT = ZERO, any other state through INIT = LOAD */
  int zero = 1;
  for (uint32_t i = 0; i < h; i++) zero &= st->hq[l][i] == 0;
  if (!rc && r->dev) {
    npe_rnn_seq s = {.cell = NPE_RNN_DIAG, .steps = t, .hidden = h, .a = qa, .b = qb,
                     .h0 = zero ? NULL : st->hq[l], .h = qh};
    rc = npe_rnn(r->dev, &s);
    if (!rc) stats_add(r, 0);
  } else if (!rc) {
    int32_t *state = malloc(h * sizeof *state);
    if (state) memcpy(state, st->hq[l], h * sizeof *state);
    rc = state ? npe_recur_diag_seq(t, h, qa, qb, state, qh) : NPE_ERR_NO_MEM;
    free(state);
  }
  if (!rc) memcpy(st->hq[l], qh + (size_t)(t - 1) * h, h * sizeof *qh);
  r->sequences++;
  for (size_t k = 0; !rc && k < n; k++) hs[k] = (float)npe_recur_fix_to_double(qh[k], r->frac);
  free(qa), free(qb), free(qh);
  if (rc) {
    report_error(r, "recurrence", rc);
    r->err = rc;
  }
  return rc;
}

static int all_zero(const int32_t *v, uint32_t n) {
  int z = 1;
  for (uint32_t i = 0; i < n; i++) z &= v[i] == 0;
  return z;
}

/* An hgrn layer with its gates on the recurrence unit (or its golden
 * model): the projections @p z (T x 3 H, [za; zc; zg] = W_ih x + b_ih)
 * become Q15.16 records (npe_rnn_records), one RECUR HGRN runs the T steps
 * from layer @p l's state in @p st (Q15.16, updated to h_T), @p y (T x H) =
 * every y_t = sigma(zg) h_t. */
static int hgrn_layer(lm_run *r, lm_state *st, uint32_t l, uint32_t t, const float *z, float *y) {
  uint32_t h = r->m->h;
  size_t n = (size_t)t * h;
  int32_t *x = malloc(4 * n * sizeof *x), *qy = malloc(n * sizeof *qy);
  int32_t *hl = malloc(h * sizeof *hl);
  int rc = x && qy && hl ? NPE_OK : NPE_ERR_NO_MEM;
  if (!rc) rc = npe_rnn_records(NPE_RNN_HGRN, t, h, z, 0, NULL, x);
  if (!rc && r->dev) {
    npe_rnn_seq s = {.cell = NPE_RNN_HGRN, .steps = t, .hidden = h, .x = x,
                     .h0 = all_zero(st->hq[l], h) ? NULL : st->hq[l], .y = qy, .h_last = hl};
    rc = npe_rnn(r->dev, &s);
    if (!rc) stats_add(r, 0);
  } else if (!rc) {
    memcpy(hl, st->hq[l], h * sizeof *hl);
    rc = npe_recur_hgrn_seq(t, h, x, hl, qy);
  }
  r->sequences++;
  if (!rc) {
    memcpy(st->hq[l], hl, h * sizeof *hl);
    for (size_t k = 0; k < n; k++) y[k] = (float)qy[k] / 65536.0f;
  }
  free(x), free(qy), free(hl);
  if (rc) {
    report_error(r, "recurrence", rc);
    r->err = rc;
  }
  return rc;
}

/* A gru / lstm layer on the recurrence unit (or its golden model): the
 * input projections @p z (T x G H, W_ih x + b_ih) become records with
 * b_hh (npe_rnn_records), one RECUR runs the T steps from the state in
 * @p st (updated) with W_hh resident, y (T x H) = every h_t. */
static int gated(lm_run *r, lm_state *st, uint32_t t, const float *z, float *y) {
  const lm_model *m = r->m;
  uint32_t h = m->h, g = m->gates;
  int lstm = g == 4;
  npe_rnn_cell cell = lstm ? NPE_RNN_LSTM : NPE_RNN_GRU;
  size_t n = (size_t)t * h;
  int32_t *x = malloc(4 * n * sizeof *x), *qh = malloc(n * sizeof *qh);
  int32_t *cl = malloc(h * sizeof *cl);
  int rc = x && qh && cl ? NPE_OK : NPE_ERR_NO_MEM;
  if (!rc) rc = npe_rnn_records(cell, t, h, z, 0, m->bias[LM_HH], x);
  int hz = all_zero(st->hq[0], h), cz = all_zero(st->cq, h);
  if (!rc && r->dev) {
    npe_rnn_seq s = {.cell = cell, .steps = t, .hidden = h, .h0 = hz ? NULL : st->hq[0],
                     .h = qh, .x = x, .w_hh = npe_pats_of(r->whh), .fmt_h = r->wq.fmt_h,
                     .hshift = r->wq.hshift, .acc_shift = r->wq.acc_shift,
                     .c0 = lstm && !cz ? st->cq : NULL, .c_last = lstm ? cl : NULL,
                     .row_scale = r->hh_scale};
    rc = npe_rnn(r->dev, &s);
    if (!rc) stats_add(r, 1);
  } else if (!rc) {
    size_t nw = (size_t)g * h * h;
    uint32_t *codes = malloc(nw * sizeof *codes);
    int32_t *hs = malloc(h * sizeof *hs);
    /* row scales: what npe_rnn() makes of them (Q2.30, ACC_SHIFT), 4 per element */
    int32_t *sq = r->hh_scale ? malloc((size_t)g * h * sizeof *sq) : NULL;
    int32_t *s4 = r->hh_scale ? calloc((size_t)4 * h, sizeof *s4) : NULL;
    int32_t acc = r->wq.acc_shift;
    rc = codes && hs && (!r->hh_scale || (sq && s4)) ? NPE_OK : NPE_ERR_NO_MEM;
    if (!rc && r->hh_scale) rc = npe_rnn_row_scales(cell, h, r->hh_scale, r->wq.acc_shift, sq, &acc);
    for (size_t k = 0; !rc && s4 && k < (size_t)g * h; k++) s4[4 * (k / g) + k % g] = sq[k];
    for (size_t k = 0; !rc && k < nw; k++)
      codes[k] = r->whh.u16 ? r->whh.u16[k] : r->whh.u8[k];
    if (!rc) {
      memcpy(hs, st->hq[0], h * sizeof *hs);
      memcpy(cl, st->cq, h * sizeof *cl);
      npe_recur_gated gs = {lstm ? NPE_RECUR_LSTM : NPE_RECUR_GRU,
                            r->wq.fmt_h,
                            r->whh.fmt,
                            r->wq.hshift,
                            acc,
                            h,
                            t,
                            codes,
                            x,
                            s4,
                            0};
      rc = npe_recur_gated_seq(&gs, hs, lstm ? cl : NULL, qh);
    }
    free(codes), free(hs), free(sq), free(s4);
  }
  if (!rc) {
    memcpy(st->hq[0], qh + (size_t)(t - 1) * h, h * sizeof *qh);
    if (lstm) memcpy(st->cq, cl, h * sizeof *cl);
    for (size_t k = 0; k < n; k++) y[k] = (float)qh[k] / 65536.0f;
  }
  r->sequences++;
  free(x), free(qh), free(cl);
  if (rc) {
    report_error(r, "recurrence", rc);
    r->err = rc;
  }
  return rc;
}

/* logits (T x V) of the inputs ids[0..T-1] from the state @p st (updated:
 * the state after ids[T-1]). */
static int forward(lm_run *r, lm_state *st, const int *ids, uint32_t t, float *logits) {
  const lm_model *m = r->m;
  uint32_t h = m->h, g = m->gates, e = m->e;
  size_t wide = (size_t)t * (e > h ? e : h);
  float *u = calloc(wide, sizeof *u), *y = malloc((size_t)t * h * sizeof *y),
        *z = malloc((size_t)t * g * h * sizeof *z), *a = malloc((size_t)t * h * sizeof *a),
        *b = malloc((size_t)t * h * sizeof *b), *hs = malloc((size_t)t * h * sizeof *hs),
        *gh = malloc((size_t)g * h * sizeof *gh), *hp = st->hf[0], *cp = st->c;
  if (!u || !y || !z || !a || !b || !hs || !gh) r->err = NPE_ERR_NO_MEM;
  for (uint32_t k = 0; !r->err && k < t; k++)
    memcpy(u + (size_t)k * e, m->embed + (size_t)ids[k] * e, e * sizeof *u);
  if (!strcmp(m->cell, "hgrn")) {
    for (uint32_t l = 0; !r->err && l < m->layers; l++) {
      if (linear(r, LM_IH0 + (int)l, u, t, z)) break;
      if (r->quantised && !r->host_gates) { /* gates and recurrence: one RECUR HGRN */
        if (hgrn_layer(r, st, l, t, z, hs)) break;
        memcpy(u, hs, (size_t)t * h * sizeof *u);
        continue;
      }
      for (uint32_t k = 0; k < t; k++)
        for (uint32_t i = 0; i < h; i++) {
          const float *zk = z + (size_t)k * 3 * h;
          float at = gate(r, 0, zk[i]);
          a[(size_t)k * h + i] = at;
          b[(size_t)k * h + i] = (1.0f - fabsf(at)) * gate(r, 0, zk[h + i]);
        }
      if (recur(r, st, l, t, h, a, b, hs)) break;
      for (uint32_t k = 0; k < t; k++)
        for (uint32_t i = 0; i < h; i++)
          u[(size_t)k * h + i] = gate(r, 1, z[(size_t)k * 3 * h + 2 * h + i]) * hs[(size_t)k * h + i];
    }
    memcpy(y, u, (size_t)t * h * sizeof *y);
  } else {
    int lstm = g == 4;
    if (!r->err) linear(r, LM_IH0, u, t, z); /* the whole text's input projections */
    if (r->quantised && r->gated) {
      if (!r->err) gated(r, st, t, z, y); /* T steps in one RECUR */
    } else { /* the float reference: a mat-vec per step and the gates here */
      for (uint32_t k = 0; !r->err && k < t; k++) {
        if (linear(r, LM_HH, hp, 1, gh)) break; /* the recurrent mat-vec of this step */
        const float *xi = z + (size_t)k * g * h;
        for (uint32_t i = 0; i < h; i++) {
          if (lstm) { /* [i; f; g; o] */
            float ig = sigmoidf_(xi[i] + gh[i]), fg = sigmoidf_(xi[h + i] + gh[h + i]);
            float gg = tanhf(xi[2 * h + i] + gh[2 * h + i]);
            float og = sigmoidf_(xi[3 * h + i] + gh[3 * h + i]);
            cp[i] = fg * cp[i] + ig * gg;
            y[(size_t)k * h + i] = og * tanhf(cp[i]);
          } else { /* [r; z; n] */
            float rg = sigmoidf_(xi[i] + gh[i]), zg = sigmoidf_(xi[h + i] + gh[h + i]);
            float ng = tanhf(xi[2 * h + i] + rg * gh[2 * h + i]);
            y[(size_t)k * h + i] = (1.0f - zg) * ng + zg * hp[i];
          }
        }
        memcpy(hp, y + (size_t)k * h, h * sizeof *hp);
      }
    }
  }
  if (!r->err) linear(r, LM_OUT, y, t, logits);
  free(u), free(y), free(z), free(a), free(b), free(hs), free(gh);
  return r->err;
}

/* Sum of -ln p of ids[1..t] from the logits of ids[0..t-1], in index order
 * (blocks add their sums in text order: the same sum as one block). */
static double nats_of(const float *logits, const int *ids, uint32_t t, uint32_t v) {
  double sum = 0;
  for (uint32_t k = 0; k < t; k++) {
    const float *l = logits + (size_t)k * v;
    double mx = l[0], s = 0;
    for (uint32_t j = 1; j < v; j++) mx = l[j] > mx ? l[j] : mx;
    for (uint32_t j = 0; j < v; j++) s += exp(l[j] - mx);
    sum += mx + log(s) - l[ids[k + 1]];
  }
  return sum;
}

/* 1 if the ternary rows x cols codes @p t travel as Sherry codes on
 * npe_matmul (npe_set_sherry): every group of 4 along a row has exactly one
 * zero, a last partial group at most one. */
static int sherry_rows_fit(const uint8_t *t, uint32_t rows, uint32_t cols) {
  for (uint32_t r = 0; r < rows; r++)
    for (uint32_t g = 0; g < cols; g += 4) {
      unsigned zeros = 0, len = cols - g < 4 ? cols - g : 4;
      for (unsigned i = 0; i < len; i++) zeros += t[(size_t)r * cols + g + i] == 0;
      if (zeros > 1 || (zeros == 0 && len == 4)) return 0;
    }
  return 1;
}

/* Quantises the model's matrices for the format pair (fa, fb). */
static int quantise_weights(lm_run *r, npe_fmt fa, npe_fmt fb) {
  const lm_model *m = r->m;
  int sherry = strcmp(m->quant, "none") != 0;
  for (int i = 0; i < LM_NMAT; i++) {
    if (!m->w[i]) continue;
    lm_qw *w = &r->w[i];
    size_t n = (size_t)m->rows[i] * m->cols[i];
    w->fa = fa, w->fb = fb;
    /* ternary: a Sherry model's own codes and row scales; its matrices
     * without codes (the readout of `sherry`) in INT8 */
    if (fb == NPE_FMT_TERNARY && sherry && !m->q[i]) w->fb = NPE_FMT_INT8;
    int rc = cli_pats_alloc(w->fb, n, &w->p);
    if (rc) return rc;
    if (w->fb == NPE_FMT_TERNARY && m->q[i]) {
      for (size_t k = 0; k < n; k++) w->p.u8[k] = (uint8_t)m->q[i][k] & 3u;
      w->scale = 1.0f;
      w->row_scale = m->qs[i];
      continue;
    }
    /* a Sherry model in another format: its trained weights s x t */
    float *eff = m->q[i] ? malloc(n * sizeof *eff) : NULL;
    if (m->q[i] && !eff) return NPE_ERR_NO_MEM;
    for (size_t k = 0; eff && k < n; k++) eff[k] = m->qs[i][k / m->cols[i]] * (float)m->q[i][k];
    const float *src = eff ? eff : m->w[i];
    rc = npe_quant_scale(w->fb, src, n, &w->scale);
    if (!rc) rc = npe_quantize(src, n, w->scale, w->p);
    free(eff);
    if (rc) return rc;
  }
  /* gru / lstm: W_hh once more, for the recurrence unit (gates interleaved
   * per element): a power-of-two scale (npe_rnn_quantize), or a Sherry
   * model's ternary codes with their row scales (AUX.ROWSCALE) */
  r->gated = strcmp(m->cell, "hgrn") != 0;
  int hh_sherry = r->gated && r->w[LM_HH].fb == NPE_FMT_TERNARY && m->q[LM_HH];
  /* the bytes of the weight patterns the engine reads (W_hh once, as the
   * recurrence unit or the mat-vec takes it): format bits x weights; a
   * ternary matrix that npe_matmul sends as Sherry codes (an engine with
   * the unpacker, 3:4 sparse, not W_hh on the recurrence unit): 5 bits a
   * group of 4 */
  npe_info inf;
  int has_sherry = r->dev && npe_get_info(r->dev, &inf) == NPE_OK && inf.has_sherry;
  r->weight_bytes = 0;
  for (int i = 0; i < LM_NMAT; i++) {
    if (!m->w[i]) continue;
    uint64_t rows = m->rows[i], cols = m->cols[i];
    /* (W_hh on the recurrence unit: npe_rnn sends Sherry codes the same
     * way; a power-of-two-scaled W_hh is not 3:4 sparse in general) */
    if (has_sherry && r->w[i].fb == NPE_FMT_TERNARY && !(i == LM_HH && r->gated && !hh_sherry) &&
        sherry_rows_fit(r->w[i].p.u8, m->rows[i], m->cols[i]))
      r->weight_bytes += (rows * ((cols + 3) / 4) * 5 + 7) / 8;
    else
      r->weight_bytes += (rows * cols * npe_fmt_bits(r->w[i].fb) + 7) / 8;
  }
  if (hh_sherry) { /* row g H + i of the codes and scales becomes row G i + g */
    uint32_t h = m->h, g = m->gates;
    size_t n = (size_t)m->rows[LM_HH] * m->cols[LM_HH];
    int rc = cli_pats_alloc(NPE_FMT_TERNARY, n, &r->whh);
    r->hh_scale = rc ? NULL : malloc((size_t)g * h * sizeof *r->hh_scale);
    if (!rc && !r->hh_scale) rc = NPE_ERR_NO_MEM;
    if (rc) return rc;
    for (uint32_t gi = 0; gi < g; gi++)
      for (uint32_t i = 0; i < h; i++) {
        memcpy(r->whh.u8 + ((size_t)g * i + gi) * h, r->w[LM_HH].p.u8 + ((size_t)gi * h + i) * h, h);
        r->hh_scale[g * i + gi] = m->qs[LM_HH][gi * h + i];
      }
    /* h in INT8 x 2^7 (HSHIFT 7), codes +-1: P = s v 2^9 in Q15.16 */
    r->wq.fmt_h = NPE_FMT_INT8, r->wq.hshift = 7, r->wq.acc_shift = 16 - 7, r->wq.w_exp = 0;
  } else if (r->gated) {
    size_t n = (size_t)m->rows[LM_HH] * m->cols[LM_HH];
    float *eff = m->q[LM_HH] ? malloc(n * sizeof *eff) : NULL;
    if (m->q[LM_HH] && !eff) return NPE_ERR_NO_MEM;
    for (size_t k = 0; eff && k < n; k++)
      eff[k] = m->qs[LM_HH][k / m->cols[LM_HH]] * (float)m->q[LM_HH][k];
    int rc = cli_pats_alloc(r->w[LM_HH].fb, n, &r->whh);
    if (!rc)
      rc = npe_rnn_quantize(m->gates == 4 ? NPE_RNN_LSTM : NPE_RNN_GRU, m->h,
                            eff ? eff : m->w[LM_HH], r->whh, &r->wq);
    free(eff);
    if (rc) return rc;
  }
  return 0;
}

static void free_weights(lm_run *r) {
  for (int i = 0; i < LM_NMAT; i++) cli_pats_free(&r->w[i].p);
  cli_pats_free(&r->whh);
  free(r->hh_scale);
  r->hh_scale = NULL;
}

/* ------------------------------------------------------------------------ */
/* The command                                                               */
/* ------------------------------------------------------------------------ */

typedef struct lm_row {
  const char *name;
  npe_fmt fa, fb;
  double bpc;
  npe_stats st;
  uint64_t matmuls, sequences, diag_cycles, weight_bytes, fast_calls, fast_checked;
  long mismatches;   /* -1: not checked */
  double seconds;    /* wall time of the quantised run (the golden twin of --check excluded) */
  double cpu_seconds; /* its CPU time, the same way */
  double prefix[2];  /* bits/char after the first one and two blocks (NAN: shorter text) */
} lm_row;

/* How a text is run: blocks of @c block inputs one after another, the
 * state carried (each block's activations get their own tensor scales);
 * the NLU tables; progress on stderr. */
typedef struct lm_opts {
  uint32_t block;
  unsigned frac;
  int host_gates;     /* hgrn: --hgrn-gates host */
  const float *nlu_lut[2];
  unsigned nlu_frac;
  int progress;
  const char *label;  /* model name for the progress lines */
} lm_opts;

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* CPU time of the process (the simulator runs in it): on a shared machine
 * the rate per CPU second is the one that repeats. */
static double cpu_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* The quantised network in format @p row over ids[0..t] in blocks: on the
 * engine @p d, or on the golden model (@p d NULL); with @p check the golden
 * model runs alongside and every logit must be the engine's. */
static int run_format(const lm_model *m, npe_dev *d, const int *ids, uint32_t t,
                      const lm_opts *o, int check, lm_row *row) {
  lm_run eng = {.m = m, .quantised = 1, .dev = d, .frac = o->frac, .nlu_frac = o->nlu_frac,
                .nlu_lut = {o->nlu_lut[0], o->nlu_lut[1]}, .host_gates = o->host_gates};
  lm_run gold = eng;
  gold.dev = NULL;
  eng.fast = d == NULL; /* --device golden; --check's twin stays the plain golden model */
  lm_state se, sg;
  uint32_t bl = o->block < t ? o->block : t;
  size_t nl = (size_t)bl * m->v;
  float *le = malloc(nl * sizeof *le), *lg = check ? malloc(nl * sizeof *lg) : NULL;
  int rc = state_alloc(m, &se) | state_alloc(m, &sg);
  if (!rc) rc = le && (!check || lg) ? quantise_weights(&eng, row->fa, row->fb) : NPE_ERR_NO_MEM;
  if (!rc && check) rc = quantise_weights(&gold, row->fa, row->fb);
  row->mismatches = check ? 0 : -1;
  row->prefix[0] = row->prefix[1] = NAN;
  double nats = 0, t0 = now_s(), c0 = cpu_s(), tg = 0, cg = 0, last = t0;
  uint32_t nb = 0;
  for (uint32_t at = 0; !rc && at < t; at += bl, nb++) {
    uint32_t len = t - at < bl ? t - at : bl;
    rc = forward(&eng, &se, ids + at, len, le);
    if (!rc && check) {
      double g0 = now_s(), gc = cpu_s();
      rc = forward(&gold, &sg, ids + at, len, lg);
      tg += now_s() - g0, cg += cpu_s() - gc;
      for (size_t k = 0; !rc && k < (size_t)len * m->v; k++)
        row->mismatches += memcmp(&le[k], &lg[k], sizeof *le) != 0;
    }
    if (rc) break;
    nats += nats_of(le, ids + at, len, m->v);
    if (nb < 2 && len == bl) row->prefix[nb] = nats / (at + len) / log(2.0);
    double tn = now_s();
    if (o->progress && (tn - last >= 10 || at + len == t)) {
      last = tn;
      fprintf(stderr, "npe lm: %s %s%s: %u/%u chars, %.4f bits/char so far, %.0f s (%.0f chars/s)%s\n",
              o->label, row->name, d ? "" : " (golden model)", at + len, t,
              nats / (at + len) / log(2.0), tn - t0, (at + len) / (tn - t0 - tg + 1e-9),
              check ? ", golden model alongside" : "");
      fflush(stderr);
    }
  }
  row->seconds = now_s() - t0 - tg;
  row->cpu_seconds = cpu_s() - c0 - cg;
  if (!rc) {
    row->bpc = nats / t / log(2.0);
    row->st = eng.tot;
    row->matmuls = eng.matmuls, row->sequences = eng.sequences;
    row->diag_cycles = eng.diag_cycles, row->weight_bytes = eng.weight_bytes;
    row->fast_calls = eng.fast_calls, row->fast_checked = eng.fast_checked;
  } else if (rc == NPE_ERR_NO_MEM || rc == NPE_ERR_INVALID_ARG || rc == NPE_ERR_RANGE) {
    if (!eng.err && !gold.err) fprintf(stderr, "npe lm: %s: %s\n", row->name, npe_strerror(rc));
  }
  free_weights(&eng), free_weights(&gold);
  state_free(&se), state_free(&sg);
  free(le), free(lg);
  return rc;
}

/* The NLU's output value of tanh (lut[0]) and sigmoid (lut[1]) for every
 * 16-bit input code x (index x + 32768), npe_nlu_spec_default at @p bits
 * (Q8.8 input; tanh on [-4, 4], sigmoid on [-8, 8]): the golden staircase
 * (npe_nlu_table_eval, what the RTL NLU computes), or with @p analog the
 * crossbar model's analog ramp (npe_xbar_nlu_sweep) with the tile's default
 * non-idealities (npe_xbar_cfg_default: programming error, read noise,
 * comparator offset, stuck devices), seeded by @p seed; one ramp per
 * function, programmed once, and each input code converted once (its read
 * noise is drawn once and then kept for that code). */
static int nlu_tables(unsigned bits, int analog, uint64_t seed, float *lut[2]) {
  static const npe_nlu_func f[2] = {NPE_NLU_TANH, NPE_NLU_SIGMOID};
  unsigned *codes = malloc(65536 * sizeof *codes);
  int rc = codes ? NPE_OK : NPE_ERR_NO_MEM;
  for (int i = 0; !rc && i < 2; i++) {
    npe_nlu_spec spec;
    npe_nlu_table tab;
    lut[i] = malloc(65536 * sizeof *lut[i]);
    rc = lut[i] ? npe_nlu_spec_default(f[i], bits, &spec) : NPE_ERR_NO_MEM;
    if (!rc) rc = npe_nlu_table_gen(&spec, &tab);
    if (!rc && analog) {
      npe_xbar_cfg cfg;
      rc = npe_xbar_cfg_default(&cfg, 1, 1);
      cfg.seed = seed * 2 + (uint64_t)i;
      if (!rc) rc = npe_xbar_nlu_sweep(&tab, &cfg, -32768, 32767, codes);
    }
    for (int32_t x = -32768; !rc && x <= 32767; x++) {
      double y;
      if (!analog) rc = npe_nlu_table_eval(&tab, x, &codes[x + 32768]);
      if (!rc) rc = npe_nlu_code_value(&spec, codes[x + 32768], &y);
      lut[i][x + 32768] = (float)y;
    }
  }
  free(codes);
  return rc;
}

/* The float32 reference bits/char over ids[0..t] in blocks (the float
 * network carries its state exactly, so blocks do not change it). */
static int run_reference(lm_model *m, const int *ids, uint32_t t, uint32_t block, double *bpc) {
  lm_run ref = {.m = m, .quantised = 0};
  /* a Sherry model's reference uses its ternary weights s x t, as trained */
  float *keep[LM_NMAT] = {0};
  for (int i = 0; i < LM_NMAT; i++) {
    if (!m->q[i]) continue;
    size_t c = m->cols[i];
    keep[i] = m->w[i];
    m->w[i] = malloc((size_t)m->rows[i] * c * sizeof *m->w[i]);
    for (size_t k = 0; m->w[i] && k < (size_t)m->rows[i] * c; k++)
      m->w[i][k] = m->qs[i][k / c] * (float)m->q[i][k];
    if (!m->w[i]) ref.err = NPE_ERR_NO_MEM;
  }
  uint32_t bl = block < t ? block : t;
  float *lr = malloc((size_t)bl * m->v * sizeof *lr);
  lm_state sr;
  double nats = 0;
  int rc = state_alloc(m, &sr) || !lr || ref.err;
  for (uint32_t at = 0; !rc && at < t; at += bl) {
    uint32_t len = t - at < bl ? t - at : bl;
    rc = forward(&ref, &sr, ids + at, len, lr);
    if (!rc) nats += nats_of(lr, ids + at, len, m->v);
  }
  *bpc = nats / t / log(2.0);
  state_free(&sr);
  free(lr);
  for (int i = 0; i < LM_NMAT; i++)
    if (keep[i]) free(m->w[i]), m->w[i] = keep[i];
  return rc;
}

/* Reads the first @p n characters of @p path as vocabulary indices. */
static int read_text(const char *path, const lm_model *m, uint32_t n, int **ids, uint32_t *got) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "npe lm: --text %s: cannot open: ", path);
    perror(NULL);
    return -1;
  }
  int *v = malloc((size_t)n * sizeof *v);
  uint32_t k = 0;
  for (int c; v && k < n && (c = getc(f)) != EOF; k++) {
    const char *p = c ? strchr(m->vocab, c) : NULL;
    if (!p) {
      fprintf(stderr, "npe lm: --text %s: symbol 0x%02x%s%c%s at offset %u is not in the "
                      "model's vocabulary\n",
              path, c, c > 32 && c < 127 ? " ('" : "", c > 32 && c < 127 ? c : ' ',
              c > 32 && c < 127 ? "')" : "", k);
      fclose(f);
      free(v);
      return -1;
    }
    v[k] = (int)(p - m->vocab);
  }
  fclose(f);
  if (!v || k < 2) {
    fprintf(stderr, "npe lm: --text %s: %s\n", path,
            v ? "fewer than 2 characters" : "out of memory");
    free(v);
    return -1;
  }
  *ids = v;
  *got = k;
  return 0;
}

/* A JSON string: quotes, backslashes and control characters escaped. */
static void json_str(const char *x) {
  putchar('"');
  for (; *x; x++) {
    unsigned char c = (unsigned char)*x;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c == '\n') printf("\\n");
    else if (c < 32) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static uint64_t macs_of(const npe_stats *s) {
  uint64_t n = 0;
  for (int f = 0; f < NPE_FMT_COUNT; f++) n += s->macs[f];
  return n;
}

/* The MAC utilisation npe lm prints for a row (the table and --json):
 * cycles spent in DIAG sequences (diag_cycles) left out. */
static double row_util(const lm_row *r) {
  uint64_t mc = r->st.cycles - r->diag_cycles;
  return r->st.cycles && mc && r->st.peak_macs
             ? (double)macs_of(&r->st) * mc / ((double)r->st.peak_macs * r->st.cycles)
             : 0;
}

static const char *golden_text(const lm_row *r, char *buf, size_t cap, uint64_t logits) {
  if (r->mismatches < 0) snprintf(buf, cap, "not checked");
  else if (!r->mismatches) snprintf(buf, cap, "identical (%llu logits)", (unsigned long long)logits);
  else snprintf(buf, cap, "MISMATCH (%ld of %llu logits)", r->mismatches, (unsigned long long)logits);
  return buf;
}

/* Samples index of logits l (V) at temperature @p temp. */
static int sample(const float *l, uint32_t v, double temp, uint64_t *rng) {
  double mx = l[0], sum = 0, p[256];
  for (uint32_t j = 1; j < v; j++) mx = l[j] > mx ? l[j] : mx;
  for (uint32_t j = 0; j < v; j++) sum += p[j] = exp((l[j] - mx) / temp);
  double u = (double)(cli_rng(rng) >> 11) / 9007199254740992.0 * sum;
  for (uint32_t j = 0; j < v; j++)
    if ((u -= p[j]) < 0) return (int)j;
  return (int)v - 1;
}

/* --generate: the prompt as one sequence, then one character at a time,
 * each sampled from the engine's logits; with --check the golden model
 * follows the same characters and must give the same logits. */
static int run_generate(const lm_model *m, npe_dev *d, const int *ids, uint32_t np, uint32_t n,
                        unsigned frac, int host_gates, int check, lm_row *row, uint64_t seed,
                        double temp, int json) {
  lm_run eng = {.m = m, .quantised = 1, .dev = d, .frac = frac, .host_gates = host_gates};
  lm_run gold = {.m = m, .quantised = 1, .dev = NULL, .frac = frac, .host_gates = host_gates};
  lm_state se, sg;
  size_t nl = (size_t)np * m->v;
  float *le = malloc(nl * sizeof *le), *lg = malloc(nl * sizeof *lg);
  char *out = malloc(n + 1);
  int rc = state_alloc(m, &se) | state_alloc(m, &sg);
  if (!rc && (!le || !lg || !out)) rc = NPE_ERR_NO_MEM;
  if (!rc) rc = quantise_weights(&eng, row->fa, row->fb);
  if (!rc && check) rc = quantise_weights(&gold, row->fa, row->fb);
  row->mismatches = check ? 0 : -1;
  uint64_t rng = seed ? seed : 1;
  uint32_t len = np; /* logits rows of the last call */
  const int *in = ids;
  int id = 0;
  for (uint32_t k = 0; !rc && k <= n; k++) {
    rc = forward(&eng, &se, in, len, le);
    if (!rc && check) rc = forward(&gold, &sg, in, len, lg);
    for (size_t j = 0; !rc && check && j < (size_t)len * m->v; j++)
      row->mismatches += memcmp(&le[j], &lg[j], sizeof *le) != 0;
    if (rc || k == n) break;
    id = sample(le + (size_t)(len - 1) * m->v, m->v, temp, &rng);
    out[k] = m->vocab[id];
    in = &id, len = 1;
  }
  if (!rc) {
    out[n] = 0;
    row->st = eng.tot;
    row->matmuls = eng.matmuls, row->sequences = eng.sequences;
    uint32_t steps = np + n; /* characters fed through the network */
    char gbuf[64];
    if (json) {
      printf("{\"model_cell\": \"%s\", \"format\": \"%s\", \"seed\": %llu, \"temperature\": %g, "
             "\"prompt_chars\": %u, \"generated\": ", m->cell, row->name,
             (unsigned long long)seed, temp, np);
      json_str(out);
      printf(", \"cycles_per_char\": %.1f, \"energy_pj_per_char\": %.1f, "
             "\"golden_mismatches\": ",
             (double)row->st.cycles / steps, row->st.energy_pj / steps);
      if (row->mismatches < 0) printf("null}\n");
      else printf("%ld}\n", row->mismatches);
    } else {
      for (uint32_t k = 0; k < np; k++) putchar(m->vocab[ids[k]]);
      printf("%s\n\n", out);
      printf("generated %u chars after a prompt of %u (%s, %s, seed %llu, temperature %g): "
             "%.1f cycles/char, %.1f nJ/char (est), golden model %s\n",
             n, np, m->cell, row->name, (unsigned long long)seed, temp,
             (double)row->st.cycles / steps, row->st.energy_pj / steps / 1e3,
             golden_text(row, gbuf, sizeof gbuf, (uint64_t)(np + n) * m->v));
    }
  }
  if (rc && !eng.err && !gold.err) fprintf(stderr, "npe lm: %s: %s\n", row->name, npe_strerror(rc));
  free_weights(&eng), free_weights(&gold);
  state_free(&se), state_free(&sg);
  free(le), free(lg), free(out);
  return rc;
}

int npe_cmd_lm(int argc, char **argv) {
  const char *model_path = NULL, *text = NULL, *fmt_name = "int8", *uri = "sim:";
  const char *prompt = NULL;
  unsigned long chars = 256, frac = 24, generate = 0;
  unsigned long long seed = 1;
  double temp = 1.0;
  int check = 0, json = 0, progress = 0, analog = 0, noref = 0, no_b_resident = 0;
  int host_gates = -1; /* --hgrn-gates: -1 not given, 0 unit, 1 host */
  unsigned long block = 256, nlu_bits = 0, chars_all = 0;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *val = i + 1 < argc ? argv[i + 1] : NULL;
    char *end = NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(lm_usage, stdout);
      return NPE_EXIT_OK;
    } else if (!strcmp(a, "--check")) {
      check = 1;
    } else if (!strcmp(a, "--no-reference")) {
      noref = 1;
    } else if (!strcmp(a, "--no-b-resident")) {
      no_b_resident = 1;
    } else if (!strcmp(a, "--json")) {
      json = 1;
    } else if (!strcmp(a, "--progress")) {
      progress = 1;
    } else if (!strcmp(a, "--analog")) {
      analog = 1;
    } else if (!strcmp(a, "--text") || !strcmp(a, "--format") || !strcmp(a, "--device") ||
               !strcmp(a, "--chars") || !strcmp(a, "--frac") || !strcmp(a, "--generate") ||
               !strcmp(a, "--prompt") || !strcmp(a, "--seed") || !strcmp(a, "--temperature") ||
               !strcmp(a, "--block") || !strcmp(a, "--nlu-bits") || !strcmp(a, "--hgrn-gates")) {
      if (!val) {
        fprintf(stderr, "npe lm: %s needs a value\n", a);
        return NPE_EXIT_USAGE;
      }
      i++;
      if (!strcmp(a, "--text")) text = val;
      else if (!strcmp(a, "--format")) fmt_name = val;
      else if (!strcmp(a, "--device")) uri = val;
      else if (!strcmp(a, "--prompt")) prompt = val;
      else if (!strcmp(a, "--hgrn-gates")) {
        if (strcmp(val, "unit") && strcmp(val, "host")) {
          fprintf(stderr, "npe lm: bad --hgrn-gates '%s' (unit or host)\n", val);
          return NPE_EXIT_USAGE;
        }
        host_gates = !strcmp(val, "host");
      }
      else if (!strcmp(a, "--chars") && !strcmp(val, "all")) chars_all = 1, chars = 1000000;
      else if (!strcmp(a, "--block") || !strcmp(a, "--nlu-bits")) {
        int blk = !strcmp(a, "--block");
        unsigned long x = strtoul(val, &end, 10);
        if (*val == '-' || !*val || *end || (blk ? x < 1 || x > 65536 : x < 1 || x > 8)) {
          fprintf(stderr, "npe lm: bad %s '%s' (%s)\n", a, val, blk ? "1..65536" : "1..8");
          return NPE_EXIT_USAGE;
        }
        if (blk) block = x;
        else nlu_bits = x;
      } else if (!strcmp(a, "--seed")) {
        seed = strtoull(val, &end, 0);
        if (*val == '-' || !*val || *end) {
          fprintf(stderr, "npe lm: bad --seed '%s'\n", val);
          return NPE_EXIT_USAGE;
        }
      } else if (!strcmp(a, "--temperature")) {
        temp = strtod(val, &end);
        if (!*val || *end || !(temp >= 0.05 && temp <= 10)) {
          fprintf(stderr, "npe lm: bad --temperature '%s' (0.05..10)\n", val);
          return NPE_EXIT_USAGE;
        }
      } else if (!strcmp(a, "--generate")) {
        generate = strtoul(val, &end, 10);
        if (*val == '-' || !*val || *end || generate < 1 || generate > 100000) {
          fprintf(stderr, "npe lm: bad --generate '%s' (1..100000)\n", val);
          return NPE_EXIT_USAGE;
        }
      } else {
        unsigned long x = strtoul(val, &end, 10);
        int chr = !strcmp(a, "--chars");
        if (*val == '-' || !*val || *end || (chr ? x < 2 || x > 1000000 : x < 8 || x > 29)) {
          fprintf(stderr, "npe lm: bad %s '%s' (%s)\n", a, val, chr ? "2..1000000 or all" : "8..29");
          return NPE_EXIT_USAGE;
        }
        if (chr) chars = x;
        else frac = x;
      }
    } else if (a[0] == '-' || model_path) {
      fprintf(stderr, "npe lm: unknown argument '%s' (see `npe lm --help`)\n", a);
      return NPE_EXIT_USAGE;
    } else {
      model_path = a;
    }
  }
  if (!model_path || (!text && !generate)) {
    fprintf(stderr, "npe lm: %s (usage: npe lm MODEL.npz --text FILE ...)\n",
            !model_path ? "no model file given" : "no --text FILE given");
    return NPE_EXIT_USAGE;
  }
  if (generate && (text || !prompt || !*prompt || !strcmp(fmt_name, "all") ||
                   strchr(fmt_name, ','))) {
    fprintf(stderr, "npe lm: --generate N takes --prompt TEXT (not empty) and one --format, "
                    "no --text\n");
    return NPE_EXIT_USAGE;
  }
  if (!generate && prompt) {
    fprintf(stderr, "npe lm: --prompt goes with --generate N\n");
    return NPE_EXIT_USAGE;
  }
  if (generate && (nlu_bits || analog)) {
    fprintf(stderr, "npe lm: --nlu-bits and --analog go with --text, not --generate\n");
    return NPE_EXIT_USAGE;
  }
  if (nlu_bits && host_gates == 0) {
    fprintf(stderr, "npe lm: --nlu-bits evaluates the hgrn's gates on the host (--hgrn-gates "
                    "host), not on the recurrence unit\n");
    return NPE_EXIT_USAGE;
  }
  if (host_gates < 0) host_gates = nlu_bits != 0;
  if (analog && !nlu_bits) {
    fprintf(stderr, "npe lm: --analog needs --nlu-bits B (the analog ramp of a B-bit NLU)\n");
    return NPE_EXIT_USAGE;
  }
  int golden_dev = !strcmp(uri, "golden");
  if (golden_dev && check) {
    fprintf(stderr, "npe lm: --check compares the engine with the golden model; with "
                    "--device golden there is no engine to check\n");
    return NPE_EXIT_USAGE;
  }
  static const struct { const char *name; npe_fmt fa, fb; } all[] = {
      {"fp4", NPE_FMT_FP4, NPE_FMT_FP4},         {"posit4", NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {"posit8", NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {"posit16", NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {"int8", NPE_FMT_INT8, NPE_FMT_INT8},       {"ternary", NPE_FMT_INT8, NPE_FMT_TERNARY}};
  lm_row rows[6];
  int nrows = 0, want[6] = {0};
  /* F, all, or a comma-separated list of formats (each known, none twice) */
  for (const char *p = fmt_name; strcmp(fmt_name, "all") && *p;) {
    size_t len = strcspn(p, ",");
    int hit = -1;
    for (int i = 0; i < 6; i++)
      if (strlen(all[i].name) == len && !strncmp(p, all[i].name, len)) hit = i;
    if (hit < 0 || want[hit]) {
      fprintf(stderr, "npe lm: %s format '%.*s' in --format '%s' (fp4, posit4, posit8, posit16, "
                      "int8, ternary, all, or a comma-separated list)\n",
              hit < 0 ? "unknown" : "repeated", (int)len, p, fmt_name);
      return NPE_EXIT_USAGE;
    }
    want[hit] = 1;
    p += len;
    if (*p == ',' && !*++p) {
      fprintf(stderr, "npe lm: --format '%s' ends in a comma\n", fmt_name);
      return NPE_EXIT_USAGE;
    }
  }
  for (int i = 0; i < 6; i++)
    if (!strcmp(fmt_name, "all") || want[i])
      rows[nrows++] = (lm_row){.name = all[i].name, .fa = all[i].fa, .fb = all[i].fb,
                               .mismatches = -1};
  if (!nrows) {
    fprintf(stderr, "npe lm: unknown format '%s' (fp4, posit4, posit8, posit16, int8, ternary, "
                    "all)\n", fmt_name);
    return NPE_EXIT_USAGE;
  }
  lm_model m;
  if (model_load(model_path, &m)) return NPE_EXIT_USAGE;
  int *ids = NULL;
  uint32_t n = 0;
  if (generate) { /* the prompt's symbols */
    n = (uint32_t)strlen(prompt);
    ids = malloc(n * sizeof *ids);
    for (uint32_t k = 0; ids && k < n; k++) {
      const char *q = strchr(m.vocab, prompt[k]);
      if (!q) {
        fprintf(stderr, "npe lm: --prompt: symbol 0x%02x at offset %u is not in the model's "
                        "vocabulary\n", (unsigned char)prompt[k], k);
        free(ids);
        ids = NULL;
        break;
      }
      ids[k] = (int)(q - m.vocab);
    }
  }
  if (generate ? !ids : read_text(text, &m, (uint32_t)chars, &ids, &n)) {
    model_free(&m);
    return NPE_EXIT_USAGE;
  }
  if (chars_all && n == 1000000) {
    fprintf(stderr, "npe lm: --text %s: --chars all reads up to 999999 characters; this text "
                    "has more\n", text);
    free(ids);
    model_free(&m);
    return NPE_EXIT_USAGE;
  }
  uint32_t t = n - 1; /* characters predicted */
  int hgrn = !strcmp(m.cell, "hgrn");
  if (nlu_bits && !hgrn) {
    fprintf(stderr, "npe lm: --nlu-bits: the %s's gates run in the recurrence unit's own sigmoid "
                    "table (docs/RECUR.md), not the NLU; --nlu-bits applies to the hgrn's gates\n",
            m.cell);
    free(ids);
    model_free(&m);
    return NPE_EXIT_USAGE;
  }
  npe_dev *d = NULL;
  int ex = golden_dev ? 0 : cli_open_device(uri, &d);
  if (!ex && d && no_b_resident) (void)npe_set_b_resident(d, 0); /* 0 cannot fail here */
  npe_info in;
  memset(&in, 0, sizeof in);
  if (golden_dev) { /* the golden model: every format, no size limit */
    in.formats = ~0u, in.has_recur = 1, in.recur_modes = ~0u;
  } else if (!ex) {
    npe_get_info(d, &in);
  }
  if (!ex && hgrn && (!in.has_recur || !(in.recur_modes & 1u))) {
    fprintf(stderr, "npe lm: the hgrn model needs the recurrence unit; this engine has none "
                    "(npe info)\n");
    ex = NPE_EXIT_USAGE;
  } else if (!ex && hgrn && !host_gates && !(in.recur_modes >> NPE_RNN_HGRN & 1u)) {
    fprintf(stderr, "npe lm: this engine's recurrence unit has no HGRN mode (npe info); "
                    "--hgrn-gates host runs the gates on the host and the recurrence as DIAG\n");
    ex = NPE_EXIT_USAGE;
  }
  /* formats this engine has ("all": the others are skipped), K in range */
  int kept = 0;
  for (int i = 0; !ex && i < nrows; i++) {
    int have = (in.formats >> rows[i].fa & 1u) && (in.formats >> rows[i].fb & 1u);
    if (!have && strcmp(fmt_name, "all")) {
      fprintf(stderr, "npe lm: this engine has no %s (npe info)\n", rows[i].name);
      ex = NPE_EXIT_USAGE;
    }
    uint32_t kmax = m.h > m.e ? m.h : m.e;
    if (have && d && kmax > npe_max_k(d, rows[i].fa, rows[i].fb)) {
      fprintf(stderr, "npe lm: model too large for the engine: K = %u beyond the %s limit %u\n",
              kmax, rows[i].name, npe_max_k(d, rows[i].fa, rows[i].fb));
      ex = NPE_EXIT_USAGE;
    }
    if (have) rows[kept++] = rows[i];
  }
  nrows = kept;
  if (generate) {
    if (!ex && nrows == 1 &&
        run_generate(&m, d, ids, n, (uint32_t)generate, (unsigned)frac, host_gates, check,
                     &rows[0], seed, temp, json))
      ex = NPE_EXIT_FAIL;
    if (!ex && rows[0].mismatches > 0) ex = NPE_EXIT_FAIL;
    npe_close(d);
    free(ids);
    model_free(&m);
    return ex;
  }
  /* the float32 reference */
  double ref_bpc = NAN, tr = now_s();
  int have_ref = !ex && !noref;
  if (have_ref && run_reference(&m, ids, t, (uint32_t)block, &ref_bpc)) ex = NPE_EXIT_FAIL;
  if (have_ref && !ex && progress)
    fprintf(stderr, "npe lm: %s float32 reference: %.4f bits/char, %.0f s\n", model_path, ref_bpc,
            now_s() - tr);
  float *lut[2] = {NULL, NULL};
  if (!ex && nlu_bits && nlu_tables((unsigned)nlu_bits, analog, seed, lut)) {
    fprintf(stderr, "npe lm: the NLU tables at B = %lu could not be made\n", nlu_bits);
    ex = NPE_EXIT_FAIL;
  }
  lm_opts opt = {(uint32_t)block, (unsigned)frac, host_gates, {lut[0], lut[1]}, 8, progress,
                 model_path};
  for (int i = 0; !ex && i < nrows; i++) {
    if (run_format(&m, d, ids, t, &opt, check, &rows[i])) ex = NPE_EXIT_FAIL;
    else if (rows[i].mismatches > 0) ex = NPE_EXIT_FAIL;
  }
  free(lut[0]), free(lut[1]);
  if (!ex || ex == NPE_EXIT_FAIL) {
    uint64_t logits = (uint64_t)t * m.v;
    char gbuf[64], nlu_desc[96];
    const char *source = golden_dev ? "golden model" : "engine";
    if (!host_gates) snprintf(nlu_desc, sizeof nlu_desc, "recurrence unit (RECUR HGRN, Q15.16)");
    else if (!nlu_bits) snprintf(nlu_desc, sizeof nlu_desc, "host float");
    else if (!analog) snprintf(nlu_desc, sizeof nlu_desc, "NLU B = %lu, golden staircase", nlu_bits);
    else snprintf(nlu_desc, sizeof nlu_desc, "NLU B = %lu, analog ramp (xbar model, seed %llu)",
                  nlu_bits, seed);
    if (json && (noref || !isnan(ref_bpc))) {
      printf("{\"model\": ");
      json_str(model_path);
      printf(", \"cell\": \"%s\", \"quant\": \"%s\", \"embed\": %u, \"hidden\": %u, "
             "\"layers\": %u, \"text\": ", m.cell, m.quant, m.e, m.h, m.layers);
      json_str(text);
      printf(", \"chars\": %u, \"predicted\": %u, \"block\": %lu, \"source\": \"%s\", "
             "\"device\": ", n, t, block, source);
      json_str(uri);
      printf(", \"recur_frac_bits\": %lu, \"nlu_bits\": ", hgrn && !host_gates ? 16ul : frac);
      if (nlu_bits) printf("%lu", nlu_bits);
      else printf("null");
      printf(", \"analog\": %s, \"seed\": %llu, \"hgrn_gates\": \"%s\", "
             "\"float32_bpc\": ", analog ? "true" : "false", seed, hgrn ? nlu_desc : "n/a");
      if (isnan(ref_bpc)) printf("null, \"float32_bpc_exact\": null, \"file_test_bpc\": ");
      else printf("%.6f, \"float32_bpc_exact\": %.17g, \"file_test_bpc\": ", ref_bpc, ref_bpc);
      if (isnan(m.test_bpc)) printf("null");
      else printf("%.6f", m.test_bpc);
      printf(", \"host_float\": \"%s\", \"formats\": [",
             hgrn && host_gates ? (nlu_bits ? "embedding, gate products, softmax"
                                            : "embedding, gate nonlinearities, gate products, softmax")
                                : "embedding, softmax");
      int first = 1;
      for (int i = 0; i < nrows; i++) {
        const lm_row *r = &rows[i];
        if (!r->matmuls) continue;
        double util = row_util(r);
        printf("%s{\"format\": \"%s\", \"bpc\": %.6f, \"bpc_exact\": %.17g, \"bpc_prefix\": [",
               first ? "" : ", ", r->name, r->bpc, r->bpc);
        for (int k = 0; k < 2; k++) {
          if (isnan(r->prefix[k])) printf("%snull", k ? ", " : "");
          else printf("%s%.17g", k ? ", " : "", r->prefix[k]);
        }
        printf("], \"weight_bytes\": %llu, \"seconds\": %.3f, \"cpu_seconds\": %.3f, "
               "\"chars_per_second\": %.1f, \"chars_per_cpu_second\": %.1f",
               (unsigned long long)r->weight_bytes, r->seconds, r->cpu_seconds,
               t / (r->seconds + 1e-9), t / (r->cpu_seconds + 1e-9));
        if (!golden_dev)
          printf(", \"cycles\": %llu, \"cycles_per_char\": %.1f, \"macs\": %llu, "
                 "\"macs_per_char\": %.1f, \"mac_utilisation\": %.4f, \"energy_pj_per_char\": %.1f, "
                 "\"sim_cycles_per_second\": %.0f, \"sim_cycles_per_cpu_second\": %.0f, "
                 "\"matmuls\": %llu, \"sequences\": %llu, "
                 "\"recur_elems\": %llu, \"dma_read_bytes\": %llu",
                 (unsigned long long)r->st.cycles, (double)r->st.cycles / t,
                 (unsigned long long)macs_of(&r->st), (double)macs_of(&r->st) / t, util,
                 r->st.energy_pj / t, r->st.cycles / (r->seconds + 1e-9),
                 r->st.cycles / (r->cpu_seconds + 1e-9),
                 (unsigned long long)r->matmuls, (unsigned long long)r->sequences,
                 (unsigned long long)r->st.recur_elems, (unsigned long long)r->st.dma_read_bytes);
        if (golden_dev)
          printf(", \"fast_matmuls\": %llu, \"fast_matmuls_checked\": %llu",
                 (unsigned long long)r->fast_calls, (unsigned long long)r->fast_checked);
        printf(", \"golden_mismatches\": ");
        if (r->mismatches < 0) printf("null}");
        else printf("%ld}", r->mismatches);
        first = 0;
      }
      printf("]}\n");
    } else if (noref || !isnan(ref_bpc)) {
      printf("model           %s (%s, quant %s, embed %u, hidden %u x %u layer%s)\n", model_path,
             m.cell, m.quant, m.e, m.h, m.layers, m.layers > 1 ? "s" : "");
      printf("text            %s, %u chars (%u predicted), blocks of %lu\n", text, n, t,
             block < t ? block : (unsigned long)t);
      if (isnan(ref_bpc)) printf("float32 bpc     not computed (--no-reference)\n");
      else printf("float32 bpc     %.4f (host, C, the float weights%s)\n", ref_bpc,
                  strcmp(m.quant, "none") ? " as trained: Sherry s x t" : "");
      if (!isnan(m.test_bpc)) printf("file test bpc   %.4f (whole test split, recorded by the trainer)\n", m.test_bpc);
      if (golden_dev)
        printf("bits/char from  the golden model of the quantised network (--device golden):\n"
               "                no engine, no cycles or energy; `--check` on the engine shows\n"
               "                the two bit-identical\n");
      else if (hgrn && !host_gates)
        printf("on the engine   every matmul (npe_matmul), the recurrence and its gates\n"
               "                (npe_rnn HGRN, Q15.16); on the host: embedding, softmax\n");
      else if (hgrn)
        printf("on the engine   every matmul (npe_matmul), the recurrence (npe_rnn DIAG);\n"
               "                on the host in float: embedding, %ssoftmax\n",
               nlu_bits ? "gate products, " : "gates, ");
      else
        printf("on the engine   every matmul (npe_matmul), the recurrence and its gates\n"
               "                (npe_rnn %s, Q15.16); on the host: embedding, softmax%s\n",
               m.gates == 4 ? "LSTM" : "GRU",
               m.q[LM_HH] ? "\n                (ternary: the Sherry W_hh with its row scales, ROWSCALE)"
                          : "");
      if (hgrn && host_gates) printf("recurrence      a_t Q2.30, b_t and h_t Q%lu.%lu\n", 31 - frac, frac);
      if (hgrn && !host_gates) printf("recurrence      za, zc, zg, h_t and y_t Q15.16\n");
      if (hgrn) printf("hgrn gates      %s\n", nlu_desc);
      if (golden_dev) {
        printf("\n%-8s %8s %8s %12s %11s  %s\n", "format", "bpc", "vs f32", "weight B", "chars/s",
               "source");
        for (int i = 0; i < nrows; i++) {
          const lm_row *r = &rows[i];
          if (!r->matmuls) continue;
          printf("%-8s %8.4f %+8.4f %12llu %11.1f  golden model\n", r->name, r->bpc,
                 r->bpc - ref_bpc, (unsigned long long)r->weight_bytes,
                 t / (r->seconds + 1e-9));
        }
      } else {
        printf("\n%-8s %8s %8s %12s %11s %13s %6s %9s  %s\n", "format", "bpc", "vs f32",
               "cycles/char", "MACs/char", "nJ/char (est)", "util", "weight B", "golden model");
        for (int i = 0; i < nrows; i++) {
          const lm_row *r = &rows[i];
          if (!r->matmuls) continue;
          double util = row_util(r);
          printf("%-8s %8.4f %+8.4f %12.1f %11.1f %13.1f %6.3f %9llu  %s\n", r->name, r->bpc,
                 r->bpc - ref_bpc, (double)r->st.cycles / t, (double)macs_of(&r->st) / t,
                 r->st.energy_pj / t / 1e3, util, (unsigned long long)r->weight_bytes,
                 golden_text(r, gbuf, sizeof gbuf, logits));
        }
      }
    }
  }
  npe_close(d);
  free(ids);
  model_free(&m);
  fast_free();
  return ex;
}
