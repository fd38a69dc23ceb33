/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_quant.c - quantisers from float arrays (per-tensor, per-row, Sherry).
 * Freestanding: no libm.
 */
#include "npe_format.h"

#include "npe_golden_int.h"

static int fmt_ok(npe_fmt f) { return (unsigned)f < (unsigned)NPE_FMT_COUNT; }
static int finite(float x) { return x - x == 0.0f; }
static double dabs(double x) { return x < 0 ? -x : x; }

/* sqrt by Newton's method: enough for a scale, keeps the core libm-free. */
static double dsqrt(double x) {
  if (x <= 0) return 0;
  double r = x > 1 ? x : 1;
  for (int i = 0; i < 200; i++) {
    double n = 0.5 * (r + x / r);
    if (n == r) break;
    r = n;
  }
  return r;
}

/* Largest finite value of each format. */
static const double fmt_max[NPE_FMT_COUNT] = {6.0, 16.0, 64.0, 268435456.0, 127.0, 1.0};

int npe_quant_scale(npe_fmt f, const float *x, size_t n, float *scale) {
  if (!fmt_ok(f) || !x || !n || !scale) return NPE_ERR_INVALID_ARG;
  double amax = 0, sum = 0, sum2 = 0;
  for (size_t i = 0; i < n; i++) {
    if (!finite(x[i])) return NPE_ERR_RANGE;
    double a = dabs(x[i]);
    amax = a > amax ? a : amax;
    sum += a;
    sum2 += a * a;
  }
  double s;
  if (amax == 0) {
    s = 1;
  } else if (f == NPE_FMT_POSIT4 || f == NPE_FMT_POSIT8 || f == NPE_FMT_POSIT16) {
    /* posits are densest around +-1: map the RMS there */
    s = dsqrt(sum2 / (double)n);
  } else if (f == NPE_FMT_TERNARY) {
    double thr = 0.7 * sum / (double)n, kept = 0;
    size_t nk = 0;
    for (size_t i = 0; i < n; i++)
      if (dabs(x[i]) > thr) kept += dabs(x[i]), nk++;
    s = nk ? kept / (double)nk : amax;
  } else {
    s = amax / fmt_max[f];
  }
  *scale = (float)s;
  if (!(*scale > 0)) *scale = 1; /* underflow of a tiny tensor */
  return NPE_OK;
}

/* The check npe_quantize() makes before it writes anything: NaN has no
 * pattern in fp4, int8 and ternary (every other input encodes). */
static int quantize_inputs_ok(npe_fmt f, const float *x, size_t n) {
  if (f != NPE_FMT_FP4 && f != NPE_FMT_INT8 && f != NPE_FMT_TERNARY) return NPE_OK;
  for (size_t i = 0; i < n; i++)
    if (x[i] != x[i]) return NPE_ERR_RANGE;
  return NPE_OK;
}

int npe_quantize(const float *x, size_t n, float scale, npe_pats_out out) {
  if (npe__pats_out_check(out, n) || (n && !x) || !finite(scale) || !(scale > 0))
    return NPE_ERR_INVALID_ARG;
  int rc = quantize_inputs_ok(out.fmt, x, n);
  for (size_t i = 0; !rc && i < n; i++) {
    uint32_t bits;
    rc = npe_encode(out.fmt, (double)x[i] / scale, &bits);
    if (!rc) npe_pats_set(out, i, bits);
  }
  return rc;
}

int npe_quantize_rows(const float *x, size_t rows, size_t cols, float *scales,
                      npe_pats_out out) {
  if (!x || !scales || !rows || !cols || npe__pats_out_check(out, rows * cols))
    return NPE_ERR_INVALID_ARG;
  /* npe_quant_scale() refuses exactly the non-finite inputs, and with finite
   * inputs nothing below can fail: check them all before writing */
  for (size_t i = 0; i < rows * cols; i++)
    if (!finite(x[i])) return NPE_ERR_RANGE;
  for (size_t r = 0; r < rows; r++) {
    int rc = npe_quant_scale(out.fmt, x + r * cols, cols, &scales[r]);
    if (!rc) rc = npe_quantize(x + r * cols, cols, scales[r], npe_pats_out_at(out, r * cols));
    if (rc) return rc; /* not reached: the inputs were checked */
  }
  return NPE_OK;
}

int npe_quantize_sherry(const float *x, size_t n, uint8_t *ternary, float *scale) {
  if (!x || !ternary || !scale || !n || n % 4) return NPE_ERR_INVALID_ARG;
  double kept = 0;
  for (size_t i = 0; i < n; i++)
    if (!finite(x[i])) return NPE_ERR_RANGE;
  for (size_t g = 0; g < n; g += 4) {
    size_t zero = g;
    for (size_t i = g + 1; i < g + 4; i++)
      if (dabs(x[i]) < dabs(x[zero])) zero = i;
    for (size_t i = g; i < g + 4; i++) {
      if (i == zero) {
        ternary[i] = 0;
      } else {
        ternary[i] = x[i] < 0 ? 3 : 1;
        kept += dabs(x[i]);
      }
    }
  }
  double s = kept / (double)(n / 4 * 3);
  *scale = s > 0 ? (float)s : 1.0f;
  return NPE_OK;
}
