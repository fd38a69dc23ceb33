/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe rnn --cell gru|lstm`: a one-layer GRU or LSTM (torch.nn.GRU /
 * torch.nn.LSTM) on the engine through the public libnpe API: the input
 * projections as one npe_matmul for all T steps, the recurrence on the
 * recurrence unit (npe_rnn, RECUR MODE 1 / 2, W_hh resident in a B buffer,
 * the state in Q15.16). Per number format: the engine's cycles and MACs,
 * the error of every h_t against float64 arithmetic (exact exp and tanh,
 * unquantised weights) and, with --check, bit-exact agreement with the
 * golden model (npe_golden_matmul_f32 + npe_recur_gated_seq). The weights
 * are random (torch's initialisation) or read from a .npz with torch's
 * names; --out writes every h_t as a .npy.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "npe_cli.h"

/* The layer, in float as torch holds it (gate-major rows: g H + i). */
typedef struct gated_layer {
  npe_rnn_cell cell;
  uint32_t G, T, H, I;
  float *w_ih, *w_hh, *b_ih, *b_hh; /* G H x I, G H x H, G H, G H */
  float *x;                         /* T x I */
} gated_layer;

/* One format's run. */
typedef struct gated_row {
  npe_fmt fw, fa;                   /* weights, activations (h, x) */
  npe_rnn_quant q;
  npe_stats st;                     /* the recurrence */
  uint64_t proj_cycles;             /* the input projections' matmul */
  double max_err, rms_err;          /* h against the float64 reference */
  long bad;                         /* golden mismatches, -1 not checked */
  int rc;                           /* npe_status of the run */
} gated_row;

static void layer_free(gated_layer *l) {
  free(l->w_ih), free(l->w_hh), free(l->b_ih), free(l->b_hh), free(l->x);
  memset(l, 0, sizeof *l);
}

static const char *cell_name(npe_rnn_cell c) { return c == NPE_RNN_LSTM ? "lstm" : "gru"; }

/* Random layer: torch's initialisation, U(-1/sqrt(H), 1/sqrt(H)) for every
 * weight and bias; x_t ~ N(0, 1). */
static int layer_random(const cli_rnn_gated_opts *o, gated_layer *l) {
  uint32_t G = l->G, H = l->H, I = l->I, T = l->T;
  size_t gh = (size_t)G * H;
  l->w_ih = malloc(gh * I * 4), l->w_hh = malloc(gh * H * 4);
  l->b_ih = malloc(gh * 4), l->b_hh = malloc(gh * 4), l->x = malloc((size_t)T * I * 4);
  if (!l->w_ih || !l->w_hh || !l->b_ih || !l->b_hh || !l->x) return -1;
  uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + 3;
  double k = 1.0 / sqrt((double)H);
  for (size_t i = 0; i < gh * I; i++) l->w_ih[i] = (float)(k * (2 * cli_uniform(&s) - 1));
  for (size_t i = 0; i < gh * H; i++) l->w_hh[i] = (float)(k * (2 * cli_uniform(&s) - 1));
  for (size_t i = 0; i < gh; i++) l->b_ih[i] = (float)(k * (2 * cli_uniform(&s) - 1));
  for (size_t i = 0; i < gh; i++) l->b_hh[i] = (float)(k * (2 * cli_uniform(&s) - 1));
  for (size_t i = 0; i < (size_t)T * I; i++) l->x[i] = (float)cli_gauss(&s);
  return 0;
}

/* The layer from a .npz with torch's names; -1 with a message (bad input). */
static int layer_npz(const cli_rnn_gated_opts *o, gated_layer *l) {
  const char *who = "npe rnn";
  cli_npz *z;
  if (cli_npz_open(o->weights, who, &z)) return -1;
  int rc = -1, nd;
  uint64_t sh[CLI_NPY_MAX_RANK];
  uint32_t G = l->G;
  const char *cn = l->cell == NPE_RNN_LSTM ? "LSTM" : "GRU";
  if (cli_npz_shape(z, "weight_hh_l0", &nd, sh)) goto out;
  if (nd != 2 || sh[1] == 0 || sh[0] != (uint64_t)G * sh[1] || sh[1] > 65535) {
    char got[96] = "(";
    for (int i = 0; i < nd && i < CLI_NPY_MAX_RANK; i++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", i ? ", " : "",
               (unsigned long long)sh[i]);
    fprintf(stderr, "%s: %s: weight_hh_l0 has shape %s), a%s %s's is (%uH, H) with H >= 1\n",
            who, o->weights, got, l->cell == NPE_RNN_LSTM ? "n" : "", cn, G);
    goto out;
  }
  l->H = (uint32_t)sh[1];
  if (cli_npz_shape(z, "x", &nd, sh)) goto out;
  if (nd != 2 || sh[0] == 0 || sh[1] == 0 || sh[0] > 1000000 || sh[1] > 4096) {
    fprintf(stderr, "%s: %s: x (the input sequence) must be 2-D, T x I with T in 1..1000000 and "
                    "I in 1..4096\n", who, o->weights);
    goto out;
  }
  l->T = (uint32_t)sh[0], l->I = (uint32_t)sh[1];
  uint64_t s_hh[2] = {(uint64_t)G * l->H, l->H}, s_ih[2] = {(uint64_t)G * l->H, l->I},
           s_b[1] = {(uint64_t)G * l->H}, s_x[2] = {l->T, l->I};
  if (cli_npz_f32(z, "weight_hh_l0", 2, s_hh, &l->w_hh) ||
      cli_npz_f32(z, "weight_ih_l0", 2, s_ih, &l->w_ih) || cli_npz_f32(z, "x", 2, s_x, &l->x))
    goto out;
  const char *bn[2] = {"bias_ih_l0", "bias_hh_l0"};
  float **bp[2] = {&l->b_ih, &l->b_hh};
  for (int b = 0; b < 2; b++) {
    if (cli_npz_has(z, bn[b])) {
      if (cli_npz_f32(z, bn[b], 1, s_b, bp[b])) goto out;
    } else if (!(*bp[b] = calloc(s_b[0], 4))) { /* bias=False: zero */
      fprintf(stderr, "%s: out of memory\n", who);
      goto out;
    }
  }
  rc = 0;
out:
  cli_npz_close(z);
  return rc;
}

static double sigm(double v) { return 1.0 / (1.0 + exp(-v)); }

/* The float64 reference: torch's equations with exact exp and tanh on the
 * unquantised weights, from h_0 = c_0 = 0; every h_t into ref (T x H). */
static int layer_ref(const gated_layer *l, double *ref) {
  uint32_t G = l->G, H = l->H, I = l->I;
  size_t gh = (size_t)G * H;
  double *h = calloc(H, 8), *c = calloc(H, 8), *pi = malloc(gh * 8), *ph = malloc(gh * 8);
  if (!h || !c || !pi || !ph) {
    free(h), free(c), free(pi), free(ph);
    return -1;
  }
  for (uint32_t t = 0; t < l->T; t++) {
    const float *xt = l->x + (size_t)t * I;
    for (size_t k = 0; k < gh; k++) {
      double si = l->b_ih[k], sh = l->b_hh[k];
      for (uint32_t j = 0; j < I; j++) si += (double)l->w_ih[k * I + j] * xt[j];
      for (uint32_t j = 0; j < H; j++) sh += (double)l->w_hh[k * H + j] * h[j];
      pi[k] = si, ph[k] = sh;
    }
    for (uint32_t i = 0; i < H; i++) {
      if (l->cell == NPE_RNN_GRU) {
        double r = sigm(pi[i] + ph[i]), z = sigm(pi[H + i] + ph[H + i]);
        double n = tanh(pi[2 * H + i] + r * ph[2 * H + i]);
        ref[(size_t)t * H + i] = (1 - z) * n + z * h[i];
      } else {
        double ig = sigm(pi[i] + ph[i]), fg = sigm(pi[H + i] + ph[H + i]);
        double gg = tanh(pi[2 * H + i] + ph[2 * H + i]), og = sigm(pi[3 * H + i] + ph[3 * H + i]);
        c[i] = fg * c[i] + ig * gg;
        ref[(size_t)t * H + i] = og * tanh(c[i]);
      }
    }
    memcpy(h, ref + (size_t)t * H, (size_t)H * 8);
  }
  free(h), free(c), free(pi), free(ph);
  return 0;
}

/* Quantised operands of one format: x and W_ih per tensor (the golden
 * quantisers), W_hh by npe_rnn_quantize(). */
typedef struct gated_q {
  npe_pats_out xa, wih, whh;
  float sx, sw;
} gated_q;

static void q_free(gated_q *q) {
  cli_pats_free(&q->xa), cli_pats_free(&q->wih), cli_pats_free(&q->whh);
}

static int q_make(const gated_layer *l, npe_fmt fw, npe_fmt fa, gated_q *q, npe_rnn_quant *rq) {
  size_t gh = (size_t)l->G * l->H, nx = (size_t)l->T * l->I;
  memset(q, 0, sizeof *q);
  int rc = cli_pats_alloc(fa, nx, &q->xa);
  if (!rc) rc = cli_pats_alloc(fw, gh * l->I, &q->wih);
  if (!rc) rc = cli_pats_alloc(fw, gh * l->H, &q->whh);
  if (!rc) rc = npe_quant_scale(fa, l->x, nx, &q->sx);
  if (!rc) rc = npe_quantize(l->x, nx, q->sx, q->xa);
  if (!rc) rc = npe_quant_scale(fw, l->w_ih, gh * l->I, &q->sw);
  if (!rc) rc = npe_quantize(l->w_ih, gh * l->I, q->sw, q->wih);
  if (!rc) rc = npe_rnn_quantize(l->cell, l->H, l->w_hh, q->whh, rq);
  return rc;
}

/* proj (T x G H) = x W_ih^T (engine or golden, binary32) + b_ih; then the
 * records. */
static int make_records(const gated_layer *l, const float *proj_mm, int32_t *rec, float *tmp) {
  size_t gh = (size_t)l->G * l->H;
  for (uint32_t t = 0; t < l->T; t++)
    for (size_t k = 0; k < gh; k++) tmp[t * gh + k] = proj_mm[t * gh + k] + l->b_ih[k];
  return npe_rnn_records(l->cell, l->T, l->H, tmp, 0, l->b_hh, rec);
}

/* The same network on the golden model: h (T x H) and, for LSTM, c_T. */
static int golden_run(const gated_layer *l, const gated_q *q, const npe_rnn_quant *rq,
                      int32_t *h, int32_t *c_last, float *proj, float *tmp, int32_t *rec) {
  size_t gh = (size_t)l->G * l->H;
  int rc = npe_golden_matmul_f32(npe_pats_of(q->xa), l->I, npe_pats_of(q->wih), l->I, l->T,
                                 (uint32_t)gh, l->I, q->sx * q->sw, proj, gh);
  if (!rc) rc = make_records(l, proj, rec, tmp);
  if (rc) return rc;
  npe_recur_gated s;
  memset(&s, 0, sizeof s);
  s.mode = l->cell == NPE_RNN_LSTM ? NPE_RECUR_LSTM : NPE_RECUR_GRU;
  s.fmt_a = rq->fmt_h, s.fmt_b = q->whh.fmt;
  s.hshift = rq->hshift, s.acc_shift = rq->acc_shift;
  s.hidden = l->H, s.steps = l->T;
  s.w = NULL;
  /* the weight patterns as uint32 */
  uint32_t *w = malloc(gh * l->H * sizeof *w);
  int32_t *hs = calloc(l->H, 4), *cs = l->cell == NPE_RNN_LSTM ? calloc(l->H, 4) : NULL;
  if (!w || !hs || (l->cell == NPE_RNN_LSTM && !cs)) {
    free(w), free(hs), free(cs);
    return NPE_ERR_NO_MEM;
  }
  for (size_t i = 0; i < gh * l->H; i++) w[i] = npe_pats_get(npe_pats_of(q->whh), i);
  s.w = w, s.x = rec;
  rc = npe_recur_gated_seq(&s, hs, cs, h);
  if (!rc && c_last) memcpy(c_last, cs, (size_t)l->H * 4);
  free(w), free(hs), free(cs);
  return rc;
}

/* One format: quantise, run (engine or golden), compare. h gets every h_t. */
static int run_format(npe_dev *d, const cli_rnn_gated_opts *o, const gated_layer *l,
                      const double *ref, gated_row *row, int32_t *h) {
  size_t gh = (size_t)l->G * l->H, n = (size_t)l->T * l->H;
  gated_q q;
  memset(&q, 0, sizeof q);
  float *proj = malloc((size_t)l->T * gh * 4), *tmp = malloc((size_t)l->T * gh * 4);
  int32_t *rec = malloc(n * 16), *gh_out = o->check && d ? malloc(n * 4) : NULL;
  int32_t *c_last = malloc((size_t)l->H * 4), *g_c = malloc((size_t)l->H * 4);
  int rc = proj && tmp && rec && c_last && g_c && (!o->check || !d || gh_out) ? NPE_OK
                                                                              : NPE_ERR_NO_MEM;
  if (!rc) rc = q_make(l, row->fw, row->fa, &q, &row->q);
  row->bad = -1;
  if (!rc && !d) {
    rc = golden_run(l, &q, &row->q, h, NULL, proj, tmp, rec);
  } else if (!rc) {
    npe_tensor ta = {npe_pats_of(q.xa), l->T, l->I, 0, q.sx};
    npe_tensor tb = {npe_pats_of(q.wih), (uint32_t)gh, l->I, 0, q.sw};
    npe_output out = {.f32 = proj};
    rc = npe_matmul(d, &ta, &tb, &out);
    npe_stats ms;
    if (!rc && npe_last_stats(d, &ms) == NPE_OK) row->proj_cycles = ms.cycles;
    if (!rc) rc = make_records(l, proj, rec, tmp);
    if (!rc) {
      npe_rnn_seq s;
      memset(&s, 0, sizeof s);
      s.cell = l->cell, s.steps = l->T, s.hidden = l->H;
      s.h = h, s.x = rec;
      s.w_hh = npe_pats_of(q.whh);
      s.fmt_h = row->q.fmt_h, s.hshift = row->q.hshift, s.acc_shift = row->q.acc_shift;
      if (l->cell == NPE_RNN_LSTM) s.c_last = c_last;
      if (o->progress) npe_set_progress(d, cli_rnn_progress, NULL);
      rc = npe_rnn(d, &s);
      npe_set_progress(d, NULL, NULL);
      if (o->progress) fprintf(stderr, "\r%40s\r", "");
      if (!rc) npe_last_stats(d, &row->st);
    }
    if (!rc && o->check) { /* the golden model from the quantised operands on */
      rc = golden_run(l, &q, &row->q, gh_out, l->cell == NPE_RNN_LSTM ? g_c : NULL, proj, tmp, rec);
      if (!rc) {
        row->bad = 0;
        for (size_t i = 0; i < n; i++) row->bad += gh_out[i] != h[i];
        if (l->cell == NPE_RNN_LSTM)
          for (uint32_t i = 0; i < l->H; i++) row->bad += g_c[i] != c_last[i];
      }
    }
  }
  if (!rc) {
    double mx = 0, ss = 0;
    for (size_t i = 0; i < n; i++) {
      double e = fabs(npe_recur_fix_to_double(h[i], NPE_RECUR_CELL_FRAC) - ref[i]);
      ss += e * e;
      if (e > mx) mx = e;
    }
    row->max_err = mx, row->rms_err = sqrt(ss / (double)n);
  }
  q_free(&q);
  free(proj), free(tmp), free(rec), free(gh_out), free(c_last), free(g_c);
  return row->rc = rc;
}

/* The recurrence unit's share of energy_pj: its entries of the energy
 * table times the job's counts (npe_energy_estimate.c sums the same). */
static double recur_unit_pj(const npe_stats *st) {
  static const char *const ev[3] = {"recur_diag_elem", "recur_gru_elem", "recur_lstm_elem"};
  const npe_energy_entry *e;
  double pj = npe_energy_find("recur_cycle", &e) == NPE_OK ? (double)st->recur_cycles * e->pj : 0;
  for (int m = 0; m < 3; m++)
    if (npe_energy_find(ev[m], &e) == NPE_OK) pj += (double)st->recur_mode_elems[m] * e->pj;
  return pj;
}

static void print_json_row(const gated_row *r, int engine, int first) {
  printf("%s{\"format\": \"%s\", \"w_exp\": %d, \"hshift\": %u, \"acc_shift\": %d, "
         "\"w_rmse\": %.6g, ",
         first ? "" : ", ", r->fw == NPE_FMT_TERNARY ? "ternary" : npe_fmt_name(r->fw),
         r->q.w_exp, r->q.hshift, r->q.acc_shift, r->q.w_rmse);
  if (engine) {
    uint64_t macs = 0;
    for (int f = 0; f < NPE_FMT_COUNT; f++) macs += r->st.macs[f];
    printf("\"cycles\": %llu, \"macs\": %llu, \"mac_utilisation\": %.4f, \"energy_pj\": %.1f, "
           "\"recur_unit_pj\": %.1f, "
           "\"descriptors\": %llu, \"dma_read_bytes\": %llu, \"dma_write_bytes\": %llu, "
           "\"proj_cycles\": %llu, ",
           (unsigned long long)r->st.cycles, (unsigned long long)macs, r->st.utilisation,
           r->st.energy_pj, recur_unit_pj(&r->st),
           (unsigned long long)r->st.descriptors, (unsigned long long)r->st.dma_read_bytes,
           (unsigned long long)r->st.dma_write_bytes, (unsigned long long)r->proj_cycles);
  } else {
    printf("\"cycles\": null, \"macs\": null, \"mac_utilisation\": null, \"energy_pj\": null, "
           "\"recur_unit_pj\": null, "
           "\"descriptors\": null, "
           "\"dma_read_bytes\": null, \"dma_write_bytes\": null, \"proj_cycles\": null, ");
  }
  printf("\"max_err\": %.6g, \"rms_err\": %.6g, \"golden_mismatches\": ", r->max_err, r->rms_err);
  if (r->bad < 0) printf("null}");
  else printf("%ld}", r->bad);
}

static void print_table_row(const gated_row *r, int engine) {
  printf("%-8s %4d %4u %4d", r->fw == NPE_FMT_TERNARY ? "ternary" : npe_fmt_name(r->fw),
         r->q.w_exp, r->q.hshift, r->q.acc_shift);
  if (engine) {
    uint64_t macs = 0;
    for (int f = 0; f < NPE_FMT_COUNT; f++) macs += r->st.macs[f];
    printf(" %10llu %10llu %8.4f", (unsigned long long)r->st.cycles, (unsigned long long)macs,
           r->st.utilisation);
  } else {
    printf(" %10s %10s %8s", "-", "-", "-");
  }
  printf("  %9.3g %9.3g  ", r->max_err, r->rms_err);
  if (r->bad < 0) printf("%s\n", engine ? "not checked" : "is the device");
  else if (!r->bad) printf("exact\n");
  else printf("%ld differ\n", r->bad);
}

int cli_rnn_gated(const cli_rnn_gated_opts *o) {
  static const char *const all_names[] = {"int8", "fp4", "posit4", "posit8", "posit16", "ternary"};
  const char *names[6];
  int nf = 0;
  if (!strcmp(o->format, "all")) {
    for (int i = 0; i < 6; i++) names[nf++] = all_names[i];
  } else {
    npe_fmt f;
    if (npe_fmt_from_name(o->format, &f)) {
      fprintf(stderr, "npe rnn: unknown format '%s' (int8, fp4, posit4, posit8, posit16, "
                      "ternary or all)\n", o->format);
      return NPE_EXIT_USAGE;
    }
    names[nf++] = o->format;
  }
  if (o->out && nf != 1) {
    fprintf(stderr, "npe rnn: --out writes one format's h: give --format NAME, not all\n");
    return NPE_EXIT_USAGE;
  }
  if (o->weights && o->have_sizes) {
    fprintf(stderr, "npe rnn: with --weights, T, H and I come from the file (no --steps, "
                    "--hidden or --input)\n");
    return NPE_EXIT_USAGE;
  }
  gated_layer l;
  memset(&l, 0, sizeof l);
  l.cell = o->cell;
  l.G = o->cell == NPE_RNN_LSTM ? 4 : 3;
  l.T = o->steps, l.H = o->hidden, l.I = o->input;
  if (o->weights && layer_npz(o, &l)) { /* H, I, T from the file */
    layer_free(&l);
    return NPE_EXIT_USAGE;
  }
  int engine = strcmp(o->uri, "golden") != 0;
  npe_dev *d = NULL;
  gated_row rows[6];
  memset(rows, 0, sizeof rows);
  for (int i = 0; i < nf; i++) {
    npe_fmt_from_name(names[i], &rows[i].fw);
    rows[i].fa = rows[i].fw == NPE_FMT_TERNARY ? NPE_FMT_INT8 : rows[i].fw;
  }
  if (!engine && l.H > 1024) {
    fprintf(stderr, "npe rnn: H = %u is beyond the recurrence unit's state (1024 elements)\n",
            l.H);
    layer_free(&l);
    return NPE_EXIT_USAGE;
  }
  if (engine) {
    int ex = cli_open_device(o->uri, &d);
    if (ex) {
      layer_free(&l);
      return ex;
    }
    npe_info in;
    npe_get_info(d, &in);
    if (!in.has_recur || !(in.recur_modes >> o->cell & 1u)) {
      fprintf(stderr, "npe rnn: this engine has no %s cell (npe info: recurrence; "
                      "--device golden runs the golden model)\n", cell_name(o->cell));
      npe_close(d);
      layer_free(&l);
      return NPE_EXIT_USAGE;
    }
    for (int i = 0; i < nf; i++) {
      uint32_t mh = npe_rnn_max_hidden(d, o->cell, rows[i].fw);
      if (l.H > mh) {
        if (!mh)
          fprintf(stderr, "npe rnn: this engine has no %s format for the %s cell\n", names[i],
                  cell_name(o->cell));
        else
          fprintf(stderr, "npe rnn: H = %u does not fit this engine for a%s %s in %s: at most "
                          "H = %u (the %uH x H weights must fit one B buffer, H at most %u: "
                          "docs/RECUR.md)\n", l.H, o->cell == NPE_RNN_LSTM ? "n" : "",
                  o->cell == NPE_RNN_LSTM ? "LSTM" : "GRU", names[i], mh, l.G,
                  in.recur_state_words);
        npe_close(d);
        layer_free(&l);
        return NPE_EXIT_USAGE;
      }
    }
  }
  if (!o->weights && layer_random(o, &l)) { /* once the sizes are known to fit */
    fprintf(stderr, "npe rnn: out of memory\n");
    npe_close(d);
    layer_free(&l);
    return NPE_EXIT_FAIL;
  }
  size_t n = (size_t)l.T * l.H;
  double *ref = malloc(n * 8);
  int32_t *h = malloc(n * 4);
  if (!ref || !h || layer_ref(&l, ref)) {
    fprintf(stderr, "npe rnn: out of memory\n");
    free(ref), free(h);
    npe_close(d);
    layer_free(&l);
    return NPE_EXIT_FAIL;
  }
  int ex = NPE_EXIT_OK, ran = 0;
  for (int i = 0; i < nf; i++) {
    int rc = run_format(d, o, &l, ref, &rows[i], h);
    if (rc) {
      fprintf(stderr, "npe rnn: %s: %s\n", names[i], npe_strerror(rc));
      cli_report_engine_error(d, "npe rnn", rc);
      ex = NPE_EXIT_FAIL;
      break;
    }
    ran++;
    if (rows[i].bad > 0) ex = NPE_EXIT_FAIL;
    if (o->out) { /* every h_t as float32 */
      float *hf = malloc(n * 4);
      int bad = !hf;
      for (size_t k = 0; !bad && k < n; k++)
        hf[k] = (float)npe_recur_fix_to_double(h[k], NPE_RECUR_CELL_FRAC);
      if (!bad) bad = cli_npy_write_f32(o->out, l.T, l.H, hf) != 0;
      free(hf);
      if (bad) {
        fprintf(stderr, "npe rnn: cannot write %s\n", o->out);
        ex = NPE_EXIT_FAIL;
        break;
      }
    }
  }
  if (ran && o->json) {
    printf("{\"cell\": \"%s\", \"steps\": %u, \"hidden\": %u, \"input\": %u, \"seed\": %llu, "
           "\"weights\": ", cell_name(o->cell), l.T, l.H, l.I, (unsigned long long)o->seed);
    if (o->weights) printf("\"%s\"", o->weights);
    else printf("null");
    printf(", \"device\": \"%s\", \"runs\": [", o->uri);
    for (int i = 0; i < ran; i++) print_json_row(&rows[i], engine, i == 0);
    printf("]}\n");
  } else if (ran) {
    printf("npe rnn: cell %s, T=%u H=%u I=%u, %s, device %s\n", cell_name(o->cell), l.T, l.H,
           l.I, o->weights ? o->weights : "random weights", o->uri);
    if (!o->weights) printf("seed            %llu\n", (unsigned long long)o->seed);
    printf("projections     x W_ih^T %s (x and W_ih per tensor in the format,\n"
           "                binary32 out); + b_ih, b_hh on the host: Q15.16 records\n",
           engine ? "on the engine (npe_matmul)" : "on the golden model");
    printf("recurrence      RECUR %s: W_hh resident in a B buffer (scale 2^-Sw), h enters\n"
           "                as h x 2^hshf, ACC_SHIFT acc; h, c and gates Q15.16\n",
           o->cell == NPE_RNN_LSTM ? "LSTM" : "GRU");
    printf("errors          every h_t against float64 (exact exp and tanh, unquantised weights)\n");
    printf("format     Sw hshf  acc     cycles       MACs MAC util  max |err|   rms err  golden\n");
    for (int i = 0; i < ran; i++) print_table_row(&rows[i], engine);
  }
  free(ref), free(h);
  npe_close(d);
  layer_free(&l);
  return ex;
}
