/* SPDX-License-Identifier: Apache-2.0 */
/* npe_recur.c - golden model of the recurrence unit's DIAG mode and its
 * fixed-point conversions (npe_recur.h). Freestanding: integer arithmetic
 * and plain double operations only. */
#include "npe_recur.h"

#define HALF_ULP_30 ((int64_t)1 << 29) /* 2^29: half of the step 2^30 */
#define MASK_30 (((uint64_t)1 << 30) - 1u)

static int32_t sat32(int64_t s) {
  return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
}

int32_t npe_recur_diag_step(int32_t a, int32_t b, int32_t h) {
  int64_t p = (int64_t)a * (int64_t)h; /* |p| <= 2^62: exact */
  /* floor(p / 2^30) without relying on >> of a negative number: p - rem is
   * a multiple of 2^30, so the division is exact */
  int64_t rem = (int64_t)((uint64_t)p & MASK_30);
  int64_t q = (p - rem) / ((int64_t)1 << 30);
  if (rem > HALF_ULP_30 || (rem == HALF_ULP_30 && (q & 1))) q++;
  return sat32(q + (int64_t)b); /* |q| <= 2^32, so the sum is exact */
}

/* T x H as a size_t, or 0 when it does not fit. */
static size_t elems(uint32_t t, uint32_t h) {
  if (!t || !h || (uint64_t)t * h > (uint64_t)SIZE_MAX) return 0;
  return (size_t)t * h;
}

int npe_recur_diag_seq(uint32_t t, uint32_t h, const int32_t *a, const int32_t *b,
                       int32_t *state, int32_t *out) {
  if (!a || !b || !state || !elems(t, h)) return NPE_ERR_INVALID_ARG;
  for (uint32_t s = 0; s < t; s++) {
    size_t row = (size_t)s * h;
    for (uint32_t i = 0; i < h; i++) {
      state[i] = npe_recur_diag_step(a[row + i], b[row + i], state[i]);
      if (out) out[row + i] = state[i];
    }
  }
  return NPE_OK;
}

int npe_recur_diag_ref(uint32_t t, uint32_t h, const double *a, const double *b,
                       double *state, double *out) {
  if (!a || !b || !state || !elems(t, h)) return NPE_ERR_INVALID_ARG;
  for (uint32_t s = 0; s < t; s++) {
    size_t row = (size_t)s * h;
    for (uint32_t i = 0; i < h; i++) {
      state[i] = a[row + i] * state[i] + b[row + i];
      if (out) out[row + i] = state[i];
    }
  }
  return NPE_OK;
}

/* 2^n as a double, exactly (n <= 62). */
static double pow2(unsigned n) { return (double)((uint64_t)1 << n); }

/* RNE(y) saturated to int32, for a y that is not NaN. */
static int32_t rne_sat32(double y) {
  if (y >= pow2(32)) return INT32_MAX;
  if (y <= -pow2(32)) return INT32_MIN;
  int64_t r = (int64_t)y;     /* toward zero; exact: |y| < 2^32 */
  double f = y - (double)r;   /* exact, in (-1, 1), same sign as y */
  if (f > 0.5 || (f == 0.5 && (r & 1))) r++;
  else if (f < -0.5 || (f == -0.5 && (r & 1))) r--;
  return sat32(r);
}

int npe_recur_fix_from_double(double x, unsigned frac_bits, int32_t *q) {
  if (!q || frac_bits > NPE_RECUR_MAX_FRAC_BITS) return NPE_ERR_INVALID_ARG;
  if (x != x) return NPE_ERR_RANGE;
  *q = rne_sat32(x * pow2(frac_bits)); /* exact scaling: a power of two */
  return NPE_OK;
}

int npe_recur_gate_from_double(double x, int32_t *q) {
  return npe_recur_fix_from_double(x, NPE_RECUR_GATE_FRAC, q);
}

double npe_recur_fix_to_double(int32_t q, unsigned frac_bits) {
  if (frac_bits > NPE_RECUR_MAX_FRAC_BITS) frac_bits = NPE_RECUR_MAX_FRAC_BITS;
  return (double)q / pow2(frac_bits);
}
