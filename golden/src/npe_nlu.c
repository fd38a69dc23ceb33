/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_nlu.c - golden model of the nonlinear unit: threshold-table generation
 * (libm), the integer staircase the RTL must match bit for bit, table checks
 * and the accumulator-to-NLU input conversion. Definitions in npe_nlu.h and
 * docs/NLU.md.
 */
#include "npe_nlu.h"

#include <math.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Functions                                                                 */
/* ------------------------------------------------------------------------ */

static const char *const func_names[NPE_NLU_FUNC_COUNT] = {
    "sigmoid", "tanh", "exp", "softplus", "hardsigmoid", "linear", "silu", "gelu"};

const char *npe_nlu_func_name(npe_nlu_func f) {
  if ((unsigned)f >= NPE_NLU_FUNC_COUNT) return NULL;
  return func_names[f];
}

int npe_nlu_func_from_name(const char *name, npe_nlu_func *out) {
  if (!name || !out) return NPE_ERR_INVALID_ARG;
  for (unsigned i = 0; i < NPE_NLU_FUNC_COUNT; i++) {
    if (!strcmp(name, func_names[i])) {
      *out = (npe_nlu_func)i;
      return NPE_OK;
    }
  }
  return NPE_ERR_INVALID_ARG;
}

int npe_nlu_func_monotone(npe_nlu_func f) {
  if ((unsigned)f >= NPE_NLU_FUNC_COUNT) return -1;
  return (f == NPE_NLU_SILU || f == NPE_NLU_GELU) ? 0 : 1;
}

double npe_nlu_func_value(npe_nlu_func f, double x) {
  switch (f) {
    case NPE_NLU_SIGMOID:
      /* Two forms so that neither exp() overflows. */
      return x >= 0 ? 1.0 / (1.0 + exp(-x)) : exp(x) / (1.0 + exp(x));
    case NPE_NLU_TANH: return tanh(x);
    case NPE_NLU_EXP: return exp(x);
    case NPE_NLU_SOFTPLUS: return x > 30 ? x + log1p(exp(-x)) : log1p(exp(x));
    case NPE_NLU_HARDSIGMOID: {
      double y = x / 6.0 + 0.5;
      return y < 0 ? 0.0 : (y > 1 ? 1.0 : y);
    }
    case NPE_NLU_LINEAR: return x;
    case NPE_NLU_SILU:
      return x >= 0 ? x / (1.0 + exp(-x)) : x * exp(x) / (1.0 + exp(x));
    case NPE_NLU_GELU: return 0.5 * x * (1.0 + erf(x * 0.70710678118654752440));
    default: return NAN;
  }
}

int npe_nlu_spec_default(npe_nlu_func f, unsigned bits, npe_nlu_spec *out) {
  static const double ranges[NPE_NLU_FUNC_COUNT][4] = {
      /* in_lo, in_hi, out_lo, out_hi */
      {-8, 8, 0, 1},            /* sigmoid */
      {-4, 4, -1, 1},           /* tanh */
      {-8, 0, 0, 1},            /* exp */
      {-8, 8, 0, 8},            /* softplus */
      {-4, 4, 0, 1},            /* hardsigmoid */
      {-8, 8, -8, 8},           /* linear */
      {-8, 8, -0.278464542761074, 8}, /* silu: minimum at x = -1.27846 */
      {-4, 4, -0.169971484496141, 4}, /* gelu: minimum at x = -0.75179 */
  };
  if (!out || (unsigned)f >= NPE_NLU_FUNC_COUNT) return NPE_ERR_INVALID_ARG;
  if (bits < NPE_NLU_MIN_BITS || bits > NPE_NLU_MAX_BITS) return NPE_ERR_RANGE;
  npe_nlu_spec s;
  s.func = f;
  s.bits = bits;
  s.in_frac_bits = 8;
  s.in_lo = ranges[f][0];
  s.in_hi = ranges[f][1];
  s.out_lo = ranges[f][2];
  s.out_hi = ranges[f][3];
  *out = s;
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Table generation                                                          */
/* ------------------------------------------------------------------------ */

/* f at input code x (sign = +1) or at -x (sign = -1, the negated segment). */
static double f_at(npe_nlu_func f, int sign, int32_t code, unsigned frac) {
  return npe_nlu_func_value(f, ldexp((double)(sign * code), -(int)frac));
}

/* Level boundary j (1-based): halfway between output levels j-1 and j. */
static double boundary(const npe_nlu_spec *s, unsigned j) {
  double step = (s->out_hi - s->out_lo) / (double)((1u << s->bits) - 1u);
  return s->out_lo + ((double)j - 0.5) * step;
}

/* One ascending segment: g(c) = f(sign * c), non-decreasing on [lo, hi]
 * (codes); t_j = smallest c in [lo, hi] with g(c) >= b_j, T_MIN if that is lo
 * (inputs clamp there), T_MAX if there is none. */
static void gen_segment(const npe_nlu_spec *s, int sign, int32_t lo, int32_t hi,
                        int32_t *t) {
  unsigned n = (1u << s->bits) - 1u;
  double g_lo = f_at(s->func, sign, lo, s->in_frac_bits);
  double g_hi = f_at(s->func, sign, hi, s->in_frac_bits);
  for (unsigned j = 1; j <= n; j++) {
    double b = boundary(s, j);
    if (g_lo >= b) {
      t[j - 1] = NPE_NLU_T_MIN;
    } else if (g_hi < b) {
      t[j - 1] = NPE_NLU_T_MAX;
    } else {
      int32_t a = lo, c = hi; /* invariant: g(a) < b <= g(c) */
      while (c - a > 1) {
        int32_t mid = a + (c - a) / 2;
        if (f_at(s->func, sign, mid, s->in_frac_bits) >= b) c = mid; else a = mid;
      }
      t[j - 1] = c;
    }
  }
}

static int spec_codes(const npe_nlu_spec *s, int32_t *lo, int32_t *hi) {
  if ((unsigned)s->func >= NPE_NLU_FUNC_COUNT) return NPE_ERR_INVALID_ARG;
  if (s->bits < NPE_NLU_MIN_BITS || s->bits > NPE_NLU_MAX_BITS) return NPE_ERR_RANGE;
  if (s->in_frac_bits > NPE_NLU_MAX_FRAC_BITS) return NPE_ERR_RANGE;
  if (!isfinite(s->in_lo) || !isfinite(s->in_hi) || !isfinite(s->out_lo) ||
      !isfinite(s->out_hi) || !(s->out_lo < s->out_hi))
    return NPE_ERR_RANGE;
  double l = ceil(ldexp(s->in_lo, (int)s->in_frac_bits));
  double h = floor(ldexp(s->in_hi, (int)s->in_frac_bits));
  if (l < NPE_NLU_IN_MIN || h > NPE_NLU_IN_MAX || !(l < h)) return NPE_ERR_RANGE;
  *lo = (int32_t)l;
  *hi = (int32_t)h;
  return NPE_OK;
}

int npe_nlu_table_gen(const npe_nlu_spec *spec, npe_nlu_table *out) {
  if (!spec || !out) return NPE_ERR_INVALID_ARG;
  int32_t lo, hi;
  int rc = spec_codes(spec, &lo, &hi);
  if (rc != NPE_OK) return rc;

  npe_nlu_table tab;
  memset(&tab, 0, sizeof tab);
  tab.bits = spec->bits;
  tab.nseg = 1;
  int32_t m = lo;
  if (npe_nlu_func_monotone(spec->func) == 0) {
    /* Non-monotone (one minimum): split at the first code of smallest f. */
    double fmin = f_at(spec->func, 1, lo, spec->in_frac_bits);
    for (int32_t c = lo + 1; c <= hi; c++) {
      double v = f_at(spec->func, 1, c, spec->in_frac_bits);
      if (v < fmin) {
        fmin = v;
        m = c;
      }
    }
  }
  if (m > lo) {
    /* x >= m: ascending on [m, hi]; x < m: u = -x ascending on [1 - m, -lo]. */
    tab.nseg = 2;
    tab.split = m;
    gen_segment(spec, 1, m, hi, tab.seg_t[0]);
    gen_segment(spec, -1, 1 - m, -lo, tab.seg_t[1]);
  } else {
    gen_segment(spec, 1, lo, hi, tab.seg_t[0]);
  }
  *out = tab;
  return NPE_OK;
}

int npe_nlu_thresholds(const npe_nlu_spec *spec, int32_t *thresholds, size_t cap,
                       size_t *n) {
  if (!spec || !thresholds || !n) return NPE_ERR_INVALID_ARG;
  npe_nlu_table tab;
  int rc = npe_nlu_table_gen(spec, &tab);
  if (rc != NPE_OK) return rc;
  if (tab.nseg != 1) return NPE_ERR_UNSUPPORTED;
  size_t len = ((size_t)1 << tab.bits) - 1;
  if (cap < len) return NPE_ERR_NO_SPACE;
  memcpy(thresholds, tab.seg_t[0], len * sizeof *thresholds);
  *n = len;
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Checks and the staircase (integer-only)                                   */
/* ------------------------------------------------------------------------ */

int npe_nlu_check_table(const int32_t *t, size_t n, unsigned bits, size_t *bad_index) {
  if (bits < NPE_NLU_MIN_BITS || bits > NPE_NLU_MAX_BITS || (!t && n > 0)) {
    if (bad_index) *bad_index = 0;
    return NPE_ERR_INVALID_ARG;
  }
  size_t want = ((size_t)1 << bits) - 1;
  if (n != want) {
    if (bad_index) *bad_index = n;
    return NPE_ERR_INVALID_ARG;
  }
  for (size_t i = 0; i < n; i++) {
    if (t[i] < NPE_NLU_T_MIN || t[i] > NPE_NLU_T_MAX || (i > 0 && t[i] < t[i - 1])) {
      if (bad_index) *bad_index = i;
      return NPE_ERR_RANGE;
    }
  }
  return NPE_OK;
}

int npe_nlu_table_check(const npe_nlu_table *tab) {
  if (!tab || (tab->nseg != 1 && tab->nseg != 2)) return NPE_ERR_INVALID_ARG;
  if (tab->nseg == 2 && (tab->split < NPE_NLU_IN_MIN || tab->split > NPE_NLU_IN_MAX))
    return NPE_ERR_RANGE;
  size_t n = (tab->bits >= NPE_NLU_MIN_BITS && tab->bits <= NPE_NLU_MAX_BITS)
                 ? ((size_t)1 << tab->bits) - 1
                 : 0;
  for (unsigned s = 0; s < tab->nseg; s++) {
    int rc = npe_nlu_check_table(tab->seg_t[s], n, tab->bits, NULL);
    if (rc != NPE_OK) return rc;
  }
  return NPE_OK;
}

int npe_nlu_eval(const int32_t *t, unsigned bits, int32_t x, unsigned *code) {
  if (!t || !code || bits < NPE_NLU_MIN_BITS || bits > NPE_NLU_MAX_BITS)
    return NPE_ERR_INVALID_ARG;
  if (x < NPE_NLU_T_MIN || x > NPE_NLU_T_MAX) return NPE_ERR_RANGE;
  unsigned steps = (1u << bits) - 1u;
  unsigned c = 0;
  /* Ramp step j = c + 1 compares against t_j; the comparator flips at the
   * first threshold above the input and the counter stops there. */
  while (c < steps && x >= t[c]) c++;
  *code = c;
  return NPE_OK;
}

int npe_nlu_table_eval(const npe_nlu_table *tab, int32_t x, unsigned *code) {
  if (!tab || !code || (tab->nseg != 1 && tab->nseg != 2)) return NPE_ERR_INVALID_ARG;
  if (x < NPE_NLU_IN_MIN || x > NPE_NLU_IN_MAX) return NPE_ERR_RANGE;
  if (tab->nseg == 2 && x < tab->split) return npe_nlu_eval(tab->seg_t[1], tab->bits, -x, code);
  return npe_nlu_eval(tab->seg_t[0], tab->bits, x, code);
}

int npe_nlu_code_value(const npe_nlu_spec *spec, unsigned code, double *y) {
  if (!spec || !y || spec->bits < NPE_NLU_MIN_BITS || spec->bits > NPE_NLU_MAX_BITS)
    return NPE_ERR_INVALID_ARG;
  unsigned top = (1u << spec->bits) - 1u;
  if (code > top) return NPE_ERR_RANGE;
  *y = spec->out_lo + (double)code * ((spec->out_hi - spec->out_lo) / (double)top);
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Input conversion                                                          */
/* ------------------------------------------------------------------------ */

int npe_nlu_from_quire(const npe_quire *q, unsigned in_frac_bits, int32_t *x) {
  if (!q || !x || in_frac_bits > NPE_NLU_MAX_FRAC_BITS) return NPE_ERR_INVALID_ARG;
  if (q->flags & NPE_QUIRE_NAR) return NPE_ERR_RANGE;
  /* value = (hi:lo) * 2^-56; want RNE(value * 2^F) = RNE((hi:lo) / 2^s). */
  unsigned s = NPE_QUIRE_FRAC_BITS - in_frac_bits; /* 42..56, < 64 */
  uint64_t lo = q->lo, hi = q->hi;
  uint64_t ql = (lo >> s) | (hi << (64 - s));
  /* Arithmetic right shift of hi without relying on signed >>. */
  uint64_t qh = hi >> s;
  if (hi >> 63) qh |= ~(UINT64_MAX >> s);
  uint64_t rem = lo & ((UINT64_C(1) << s) - 1);
  uint64_t half = UINT64_C(1) << (s - 1);
  if (rem > half || (rem == half && (ql & 1))) {
    ql++;
    if (ql == 0) qh++;
  }
  int neg = (int)(qh >> 63);
  int32_t r;
  if (qh != (ql >> 63 ? UINT64_MAX : 0)) {
    r = neg ? NPE_NLU_IN_MIN : NPE_NLU_IN_MAX; /* beyond 64 bits */
  } else if (ql >> 63) {
    r = (ql < (uint64_t)(int64_t)NPE_NLU_IN_MIN) ? NPE_NLU_IN_MIN
                                                 : (int32_t)(int64_t)ql;
  } else {
    r = ql > (uint64_t)NPE_NLU_IN_MAX ? NPE_NLU_IN_MAX : (int32_t)ql;
  }
  *x = r;
  return NPE_OK;
}

int npe_nlu_from_double(double v, unsigned in_frac_bits, int32_t *x) {
  if (!x || in_frac_bits > NPE_NLU_MAX_FRAC_BITS) return NPE_ERR_INVALID_ARG;
  if (isnan(v)) return NPE_ERR_RANGE;
  double y = ldexp(v, (int)in_frac_bits);
  int32_t r;
  if (y >= (double)NPE_NLU_IN_MAX) {
    r = NPE_NLU_IN_MAX;
  } else if (y <= (double)NPE_NLU_IN_MIN) {
    r = NPE_NLU_IN_MIN;
  } else {
    double f = floor(y), d = y - f; /* exact: |y| < 2^15 */
    r = (int32_t)f;
    if (d > 0.5 || (d == 0.5 && (r & 1))) r++;
  }
  *x = r;
  return NPE_OK;
}
