/* SPDX-License-Identifier: Apache-2.0 */
/* npe_recur.c - golden model of the recurrence unit (npe_recur.h): the DIAG
 * mode and its fixed-point conversions, the GRU and LSTM cells and their
 * sequence. Freestanding: integer arithmetic and plain double operations
 * only; the sigmoid table is generated (tools/gen_tables/gen_recur_sig.c). */
#include "npe_recur.h"

#include "npe_golden_int.h"

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

/* ---- GRU / LSTM ---------------------------------------------------------- */

/* floor(v / 2^n) without >> of a negative number. */
static int64_t floor_shift(int64_t v, unsigned n) {
  int64_t rem = (int64_t)((uint64_t)v & (((uint64_t)1 << n) - 1u));
  return (v - rem) / ((int64_t)1 << n);
}

int32_t npe_recur_sigmoid(int32_t x) {
  const int32_t lo = -((int32_t)1 << 19), hi = ((int32_t)1 << 19) - 1;
  int32_t xc = x < lo ? lo : x > hi ? hi : x;
  uint32_t u = (uint32_t)(xc - lo); /* 0 .. 2^20 - 1 */
  uint32_t j = u >> 12, f = u & 0xfffu;
  int64_t s0 = npe__recur_sig[j], d = (int64_t)npe__recur_sig[j + 1] - s0;
  return (int32_t)(s0 + floor_shift(d * (int64_t)f + 2048, 12));
}

int32_t npe_recur_tanh(int32_t x) {
  return 2 * npe_recur_sigmoid(sat32(2 * (int64_t)x)) - NPE_RECUR_CELL_ONE;
}

int32_t npe_recur_add(int32_t a, int32_t b) { return sat32((int64_t)a + b); }

int32_t npe_recur_sub(int32_t a, int32_t b) { return sat32((int64_t)a - b); }

int32_t npe_recur_mul(int32_t a, int32_t b) {
  int64_t p = (int64_t)a * b; /* |p| <= 2^62: exact */
  int64_t q = floor_shift(p, NPE_RECUR_CELL_FRAC);
  int64_t rem = p - q * ((int64_t)1 << NPE_RECUR_CELL_FRAC); /* 0 .. 2^16 - 1 */
  const int64_t half = (int64_t)1 << (NPE_RECUR_CELL_FRAC - 1);
  if (rem > half || (rem == half && (q & 1))) q++;
  return sat32(q);
}

int32_t npe_recur_acc_to_fix(float v, int acc_shift) {
  if (v != v) return 0;
  if (acc_shift < -32) acc_shift = -32;
  if (acc_shift > 31) acc_shift = 31;
  double y = (double)v; /* exact; times a power of two stays exact in double */
  y = acc_shift >= 0 ? y * pow2((unsigned)acc_shift) : y / pow2((unsigned)-acc_shift);
  return rne_sat32(y); /* +-Inf saturate */
}

int npe_recur_h_code(npe_fmt fa, int32_t h, unsigned hshift, uint32_t *code) {
  if (!code || (unsigned)fa >= NPE_FMT_COUNT || fa == NPE_FMT_TERNARY || hshift > 15)
    return NPE_ERR_INVALID_ARG;
  const int32_t lim = ((int32_t)1 << 24) - 1;
  int32_t hc = h < -lim ? -lim : h > lim ? lim : h;
  /* exact: |hc| < 2^24 and the divisor a power of two */
  return npe_encode(fa, (double)hc / pow2(NPE_RECUR_CELL_FRAC - hshift), code);
}

void npe_recur_gru_cell(const int32_t p[3], const int32_t x[4], int32_t h, int32_t *h_out) {
  if (!p || !x || !h_out) return;
  int32_t r = npe_recur_sigmoid(npe_recur_add(x[0], p[0]));
  int32_t z = npe_recur_sigmoid(npe_recur_add(x[1], p[1]));
  int32_t n = npe_recur_tanh(npe_recur_add(x[2], npe_recur_mul(r, npe_recur_add(p[2], x[3]))));
  *h_out = npe_recur_add(n, npe_recur_mul(z, npe_recur_sub(h, n)));
}

void npe_recur_lstm_cell(const int32_t p[4], const int32_t x[4], int32_t h, int32_t c,
                         int32_t *h_out, int32_t *c_out) {
  (void)h; /* h_{t-1} enters through p */
  if (!p || !x || !h_out || !c_out) return;
  int32_t i = npe_recur_sigmoid(npe_recur_add(x[0], p[0]));
  int32_t f = npe_recur_sigmoid(npe_recur_add(x[1], p[1]));
  int32_t g = npe_recur_tanh(npe_recur_add(x[2], p[2]));
  int32_t o = npe_recur_sigmoid(npe_recur_add(x[3], p[3]));
  int32_t c2 = npe_recur_add(npe_recur_mul(f, c), npe_recur_mul(i, g));
  *c_out = c2;
  *h_out = npe_recur_mul(o, npe_recur_tanh(c2));
}

int32_t npe_recur_row_scale(int32_t p, int32_t s) { return npe_recur_diag_step(s, 0, p); }

/* ---- HGRN ----------------------------------------------------------------- */

void npe_recur_hgrn_cell(const int32_t z[3], int32_t h, int32_t *h_out, int32_t *y_out) {
  if (!z || !h_out || !y_out) return;
  int32_t a = npe_recur_tanh(z[0]);
  int32_t abs_a = a < 0 ? -a : a; /* |a| <= 65492: no overflow */
  int32_t c = npe_recur_mul(NPE_RECUR_CELL_ONE - abs_a, npe_recur_tanh(z[1]));
  int32_t g = npe_recur_sigmoid(z[2]);
  int32_t h2 = npe_recur_add(npe_recur_mul(a, h), c);
  *h_out = h2;
  *y_out = npe_recur_mul(g, h2);
}

int npe_recur_hgrn_seq(uint32_t t, uint32_t n, const int32_t *x, int32_t *h, int32_t *y) {
  if (!x || !h || !t || !n || (uint64_t)t * n > (uint64_t)SIZE_MAX / 4u) return NPE_ERR_INVALID_ARG;
  for (uint32_t s = 0; s < t; s++)
    for (uint32_t i = 0; i < n; i++) {
      size_t k = (size_t)s * n + i;
      int32_t yv;
      npe_recur_hgrn_cell(x + 4 * k, h[i], &h[i], &yv);
      if (y) y[k] = yv;
    }
  return NPE_OK;
}

/* The weight row is copied to npe_pats in pieces of this many elements. */
#define ROW_CHUNK 256u

/* A pattern of format f: no bits above its width, not the ternary code 10b
 * (npe_decode()'s NPE_ERR_RANGE; every other code of every format is one). */
static int weight_ok(npe_fmt f, uint32_t w) {
  if (w >> npe_fmt_bits(f)) return 0;
  return !(f == NPE_FMT_TERNARY && w == 2u);
}

int npe_recur_gated_seq(const npe_recur_gated *s, int32_t *h, int32_t *c, int32_t *out) {
  if (!s || !h || !s->w || !s->x) return NPE_ERR_INVALID_ARG;
  unsigned g_n;
  if (s->mode == NPE_RECUR_GRU) g_n = 3;
  else if (s->mode == NPE_RECUR_LSTM) g_n = 4;
  else return NPE_ERR_INVALID_ARG;
  if ((g_n == 4) != (c != NULL)) return NPE_ERR_INVALID_ARG;
  npe_fmt fa = s->fmt_a, fb = s->fmt_b;
  if ((unsigned)fa >= NPE_FMT_COUNT || (unsigned)fb >= NPE_FMT_COUNT) return NPE_ERR_INVALID_ARG;
  if (!((fa == fb && fa != NPE_FMT_TERNARY) || (fa == NPE_FMT_INT8 && fb == NPE_FMT_TERNARY)))
    return NPE_ERR_INVALID_ARG;
  if (s->hshift > 15 || s->acc_shift < -32 || s->acc_shift > 31) return NPE_ERR_INVALID_ARG;
  uint32_t n = s->hidden, t_n = s->steps;
  if (!n || !t_n || (uint64_t)t_n * n > (uint64_t)SIZE_MAX / 4u) return NPE_ERR_INVALID_ARG;
  if (s->scale && s->scale_step != 0 && s->scale_step != 4u * (size_t)n) return NPE_ERR_INVALID_ARG;
  if (n > NPE_RECUR_GATED_MAX_HIDDEN) return NPE_ERR_UNSUPPORTED;
  size_t rows = (size_t)g_n * n; /* <= 2^14: G N^2 <= 2^26 fits every size_t */
  for (size_t k = 0; k < rows * n; k++)
    if (!weight_ok(fb, s->w[k])) return NPE_ERR_RANGE;

  /* Nothing can fail from here on: every output may be written. */
  union {
    uint8_t u8[NPE_RECUR_GATED_MAX_HIDDEN];
    uint16_t u16[NPE_RECUR_GATED_MAX_HIDDEN];
  } hc;
  union {
    uint8_t u8[ROW_CHUNK];
    uint16_t u16[ROW_CHUNK];
  } wr;
  const int wide_a = fa == NPE_FMT_POSIT16, wide_b = fb == NPE_FMT_POSIT16;
  const npe_pats hp = wide_a ? npe_pats_u16(fa, hc.u16) : npe_pats_u8(fa, hc.u8);
  const npe_pats wp = wide_b ? npe_pats_u16(fb, wr.u16) : npe_pats_u8(fb, wr.u8);
  for (uint32_t t = 0; t < t_n; t++) {
    for (uint32_t j = 0; j < n; j++) {
      uint32_t code = 0;
      (void)npe_recur_h_code(fa, h[j], s->hshift, &code); /* NPE_OK: checked above */
      if (wide_a) hc.u16[j] = (uint16_t)code;
      else hc.u8[j] = (uint8_t)code;
    }
    for (uint32_t i = 0; i < n; i++) {
      int32_t p[4];
      for (unsigned g = 0; g < g_n; g++) {
        const uint32_t *row = s->w + ((size_t)g_n * i + g) * n;
        npe_quire q;
        npe_quire_clear(&q);
        for (uint32_t j0 = 0; j0 < n; j0 += ROW_CHUNK) {
          uint32_t len = n - j0 < ROW_CHUNK ? n - j0 : ROW_CHUNK;
          for (uint32_t k = 0; k < len; k++) {
            if (wide_b) wr.u16[k] = (uint16_t)row[j0 + k];
            else wr.u8[k] = (uint8_t)row[j0 + k];
          }
          (void)npe_quire_add_dot(&q, npe_pats_at(hp, j0), wp, len); /* valid patterns */
        }
        float v = 0.0f;
        (void)npe_quire_to_f32(&q, &v);
        p[g] = npe_recur_acc_to_fix(v, s->acc_shift);
        if (s->scale) p[g] = npe_recur_row_scale(p[g], s->scale[s->scale_step * t + 4u * i + g]);
      }
      const int32_t *xr = s->x + 4u * ((size_t)t * n + i);
      if (g_n == 3) npe_recur_gru_cell(p, xr, h[i], &h[i]);
      else npe_recur_lstm_cell(p, xr, h[i], c[i], &h[i], &c[i]);
      if (out) out[(size_t)t * n + i] = h[i];
    }
  }
  return NPE_OK;
}
