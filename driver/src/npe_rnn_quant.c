/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_rnn_quant.c - libnpe, host only: float weights and input projections
 * of a GRU / LSTM layer (torch's layout) to what npe_rnn() takes for the
 * gated cells: weight patterns in the engine's row order with a power-of-two
 * scale, HSHIFT and ACC_SHIFT, and Q15.16 records (npe.h,
 * npe_rnn_quantize() and npe_rnn_records(); docs/RECUR.md, "The driver").
 */
#include <math.h>
#include <stdlib.h>

#include "npe.h"

static uint32_t gates_of(npe_rnn_cell c) { return c == NPE_RNN_LSTM ? 4u : 3u; }

/* Squared error of the codes of w x 2^e against w (the weights' scale 2^-e). */
static double sq_err(npe_fmt f, const float *w, size_t n, int e) {
  double s = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c;
    double v = 0;
    npe_encode(f, ldexp((double)w[i], e), &c); /* finite input: cannot fail */
    npe_decode(f, c, &v);
    double d = ldexp(v, -e) - (double)w[i];
    s += d * d;
  }
  return s;
}

int npe_rnn_quantize(npe_rnn_cell cell, uint32_t hidden, const float *w_hh, npe_pats_out w,
                     npe_rnn_quant *q) {
  if (!w_hh || !q || !hidden || (cell != NPE_RNN_GRU && cell != NPE_RNN_LSTM))
    return NPE_ERR_INVALID_ARG;
  npe_fmt f = w.fmt;
  size_t eb = (unsigned)f < NPE_FMT_COUNT ? npe_fmt_elem_bytes(f) : 0;
  if (!(eb == 1 ? w.u8 && !w.u16 : eb == 2 ? w.u16 && !w.u8 : 0)) return NPE_ERR_INVALID_ARG;
  uint32_t G = gates_of(cell), H = hidden;
  if ((uint64_t)G * H * H > SIZE_MAX / 8u) return NPE_ERR_NO_MEM;
  size_t n = (size_t)G * H * H;
  double absmax = 0;
  for (size_t i = 0; i < n; i++) {
    if (!isfinite(w_hh[i])) return NPE_ERR_RANGE;
    double a = fabs((double)w_hh[i]);
    if (a > absmax) absmax = a;
  }
  npe_rnn_quant r;
  r.fmt_h = f == NPE_FMT_TERNARY ? NPE_FMT_INT8 : f;
  r.hshift = r.fmt_h == NPE_FMT_INT8 ? 7u : r.fmt_h == NPE_FMT_FP4 ? 2u : 0u;
  r.w_absmax = absmax;
  r.w_exp = 0;
  if (absmax > 0) {
    /* the format's largest value: the largest positive pattern */
    double maxval = 1;
    npe_decode(f, (1u << (npe_fmt_bits(f) - 1u)) - 1u, &maxval);
    int lo = (int)floor(log2(1.0 / absmax)) - 4, hi = (int)floor(log2(maxval / absmax)) + 3;
    double best = INFINITY;
    for (int e = lo; e <= hi; e++) {
      double err = sq_err(f, w_hh, n, e);
      if (err < best) best = err, r.w_exp = e;
    }
  }
  r.acc_shift = 16 - (int32_t)r.hshift - r.w_exp;
  if (r.acc_shift < -32 || r.acc_shift > 31) return NPE_ERR_RANGE;
  r.w_rmse = sqrt(sq_err(f, w_hh, n, r.w_exp) / (double)n);
  /* torch's row g H + i becomes the engine's row G i + g */
  for (uint32_t g = 0; g < G; g++)
    for (uint32_t i = 0; i < H; i++)
      for (uint32_t k = 0; k < H; k++) {
        uint32_t c;
        npe_encode(f, ldexp((double)w_hh[((size_t)g * H + i) * H + k], r.w_exp), &c);
        npe_pats_set(w, ((size_t)G * i + g) * H + k, c);
      }
  *q = r;
  return NPE_OK;
}

int npe_rnn_records(npe_rnn_cell cell, uint32_t steps, uint32_t hidden, const float *proj,
                    size_t stride, const float *b_hh, int32_t *x) {
  if (!proj || !x || !steps || !hidden ||
      (cell != NPE_RNN_GRU && cell != NPE_RNN_LSTM && cell != NPE_RNN_HGRN))
    return NPE_ERR_INVALID_ARG;
  uint32_t G = gates_of(cell), H = hidden;
  size_t gh = (size_t)G * H;
  if (!stride) stride = gh;
  if (stride < gh) return NPE_ERR_INVALID_ARG;
  for (uint32_t t = 0; t < steps; t++)
    for (size_t k = 0; k < gh; k++)
      if (!isfinite(proj[(size_t)t * stride + k])) return NPE_ERR_RANGE;
  if (b_hh)
    for (size_t k = 0; k < gh; k++)
      if (!isfinite(b_hh[k])) return NPE_ERR_RANGE;
  for (uint32_t t = 0; t < steps; t++) {
    const float *p = proj + (size_t)t * stride;
    for (uint32_t i = 0; i < H; i++) {
      double v[4];
      for (uint32_t g = 0; g < G; g++) {
        double bh = b_hh ? (double)b_hh[(size_t)g * H + i] : 0.0;
        v[g] = (double)p[(size_t)g * H + i] + bh;
      }
      if (cell == NPE_RNN_GRU) { /* r multiplies W_hn h + b_hn: b_hn is its own record value */
        v[2] = (double)p[2u * (size_t)H + i];
        v[3] = b_hh ? (double)b_hh[2u * (size_t)H + i] : 0.0;
      }
      if (cell == NPE_RNN_HGRN) v[3] = 0.0; /* za, zc, zg; value 3 is not read */
      for (int j = 0; j < 4; j++)
        npe_recur_fix_from_double(v[j], NPE_RECUR_CELL_FRAC, &x[4u * ((size_t)t * H + i) + (size_t)j]);
    }
  }
  return NPE_OK;
}
