/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_format.c - decode, encode and the quire: the definition of each format.
 *
 * Every rounding in the library goes through one path: a value is brought to
 * a normalised npe__real (sign, scale, 64 fraction bits, sticky), then
 * rounded to the target (posit bit string, or a multiple of a power of two
 * for FP4 / INT8 / ternary / binary32). Freestanding: no libc calls.
 */
#include "npe_format.h"

#include "npe_golden_int.h"

/* ------------------------------------------------------------------------ */
/* Names and errors                                                          */
/* ------------------------------------------------------------------------ */

const char *npe_strerror(int status) {
  switch (status) {
    case NPE_OK: return "success";
    case NPE_ERR_INVALID_ARG: return "invalid argument";
    case NPE_ERR_RANGE: return "value or bit pattern out of range";
    case NPE_ERR_NO_SPACE: return "output buffer too small";
    case NPE_ERR_NO_MEM: return "out of memory";
    case NPE_ERR_IO: return "input/output error";
    case NPE_ERR_BUSY: return "device busy";
    case NPE_ERR_DEVICE: return "device reported an error";
    case NPE_ERR_TIMEOUT: return "timed out";
    case NPE_ERR_UNSUPPORTED: return "not supported";
    case NPE_ERR_STATE: return "not allowed in this state";
    default: return "unknown error";
  }
}

static const char *const fmt_names[NPE_FMT_COUNT] = {
    "fp4", "posit4", "posit8", "posit16", "int8", "ternary"};
static const unsigned fmt_width[NPE_FMT_COUNT] = {4, 4, 8, 16, 8, 2};
static const int fix_frac[NPE_FMT_COUNT] = NPE__FIX_FRAC_INIT;

static int fmt_ok(npe_fmt f) { return (unsigned)f < (unsigned)NPE_FMT_COUNT; }

unsigned npe_fmt_bits(npe_fmt f) { return fmt_ok(f) ? fmt_width[f] : 0; }

size_t npe_fmt_elem_bytes(npe_fmt f) {
  return fmt_ok(f) ? (fmt_width[f] > 8 ? 2u : 1u) : 0u;
}

const char *npe_fmt_name(npe_fmt f) { return fmt_ok(f) ? fmt_names[f] : 0; }

int npe__fix_frac(npe_fmt f) { return fmt_ok(f) ? fix_frac[f] : 0; }

int npe_fmt_from_name(const char *name, npe_fmt *out) {
  if (!name || !out) return NPE_ERR_INVALID_ARG;
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    const char *a = name, *b = fmt_names[f];
    while (*a && *a == *b) a++, b++;
    if (*a == 0 && *b == 0) {
      *out = (npe_fmt)f;
      return NPE_OK;
    }
  }
  return NPE_ERR_INVALID_ARG;
}

/* ------------------------------------------------------------------------ */
/* Doubles without libm                                                      */
/* ------------------------------------------------------------------------ */

typedef union { double d; uint64_t u; } dbits;
typedef union { float f; uint32_t u; } fbits;

static double d_nan(void) { dbits b; b.u = 0x7ff8000000000000ull; return b.d; }

/* 2^e for -1022 <= e <= 1023. */
static double d_pow2(int e) {
  dbits b;
  b.u = (uint64_t)(e + 1023) << 52;
  return b.d;
}

/* Splits a finite non-zero double into an npe__real. */
static npe__real real_from_double(double x) {
  dbits b;
  b.d = x;
  npe__real r;
  r.neg = (int)(b.u >> 63);
  r.sticky = 0;
  int e = (int)((b.u >> 52) & 0x7ff);
  uint64_t m = b.u & 0xfffffffffffffull;
  if (e == 0) { /* subnormal: normalise */
    int s = 0;
    while (!(m & (1ull << 52))) m <<= 1, s++;
    r.scale = -1022 - s;
  } else {
    r.scale = e - 1023;
  }
  r.frac = (m & 0xfffffffffffffull) << 12;
  return r;
}

/* ------------------------------------------------------------------------ */
/* Posits                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct { unsigned n, es; } posit_cfg;

static int posit_cfg_of(npe_fmt f, posit_cfg *c) {
  switch (f) {
    case NPE_FMT_POSIT4: c->n = 4; c->es = 1; return 1;
    case NPE_FMT_POSIT8: c->n = 8; c->es = 0; return 1;
    case NPE_FMT_POSIT16: c->n = 16; c->es = 1; return 1;
    default: return 0;
  }
}

static double posit_decode(posit_cfg c, uint32_t bits) {
  uint32_t mask = (1u << c.n) - 1;
  if (bits == 0) return 0.0;
  if (bits == 1u << (c.n - 1)) return d_nan();
  int neg = (int)(bits >> (c.n - 1));
  if (neg) bits = (0u - bits) & mask;
  int i = (int)c.n - 2;
  uint32_t first = (bits >> i) & 1;
  int run = 0;
  while (i >= 0 && ((bits >> i) & 1) == first) run++, i--;
  int k = first ? run - 1 : -run;
  i--; /* the regime terminator */
  int e = 0;
  for (unsigned j = 0; j < c.es; j++) {
    e <<= 1;
    if (i >= 0) e |= (int)((bits >> i) & 1), i--;
  }
  int fb = i + 1 > 0 ? i + 1 : 0;
  uint32_t frac = fb ? bits & ((1u << fb) - 1) : 0;
  int scale = k * (1 << c.es) + e;
  double v = (double)((1u << fb) | frac) * d_pow2(scale - fb);
  return neg ? -v : v;
}

/* Rounds a non-zero real to a posit: round to nearest on the unbounded bit
 * string, ties to the even pattern, clamped to [minpos, maxpos]. */
static uint32_t posit_round(posit_cfg c, const npe__real *r) {
  uint32_t mask = (1u << c.n) - 1;
  uint32_t maxpos = mask >> 1;
  int maxscale = (int)(c.n - 2) << c.es;
  uint32_t p;
  if (r->scale >= maxscale) {
    p = maxpos;
  } else if (r->scale < -maxscale) {
    p = 1;
  } else {
    int useed_log = 1 << c.es;
    int k = r->scale >= 0 ? r->scale / useed_log
                          : -((-r->scale + useed_log - 1) / useed_log);
    uint32_t e = (uint32_t)(r->scale - k * useed_log);
    uint64_t regime;
    int rl;
    if (k >= 0) regime = ((1ull << (k + 1)) - 1) << 1, rl = k + 2;
    else regime = 1, rl = -k + 1;
    int len = rl + (int)c.es; /* at most n - 1 + es <= 17 */
    uint64_t head = (regime << c.es) | e;
    uint64_t w = (head << (64 - len)) | (r->frac >> len);
    int rest = r->sticky || (r->frac & ((1ull << len) - 1)) != 0;
    p = (uint32_t)(w >> (64 - (c.n - 1)));
    uint64_t guard = (w >> (64 - c.n)) & 1;
    rest |= (w & ((1ull << (64 - c.n)) - 1)) != 0;
    if (guard && (rest || (p & 1))) p++;
    if (p == 0) p = 1;
    if (p > maxpos) p = maxpos;
  }
  return r->neg ? (0u - p) & mask : p;
}

/* ------------------------------------------------------------------------ */
/* Rounding to a multiple of 2^qe (FP4, INT8, ternary, binary32)             */
/* ------------------------------------------------------------------------ */

/* round-to-nearest-even of |r| / 2^qe; requires r->scale - qe <= 62. */
static uint64_t round_quantum(const npe__real *r, int qe) {
  int keep = r->scale - qe;
  uint64_t m;
  int guard, rest;
  if (keep >= 0) {
    m = (1ull << keep) | (keep ? r->frac >> (64 - keep) : 0);
    guard = (int)((r->frac >> (63 - keep)) & 1);
    rest = r->sticky || (r->frac & ((1ull << (63 - keep)) - 1)) != 0;
  } else if (keep == -1) {
    m = 0, guard = 1, rest = r->sticky || r->frac != 0;
  } else {
    m = 0, guard = 0, rest = 1;
  }
  if (guard && (rest || (m & 1))) m++;
  return m;
}

/* |value| * 2 of each FP4 magnitude pattern 0..7 */
static const uint8_t fp4_twice[8] = {0, 1, 2, 3, 4, 6, 8, 12};

static uint32_t fp4_round(const npe__real *r) {
  uint32_t p = 7; /* saturate */
  if (r->scale <= 2) {
    int qe = r->scale >= 0 ? r->scale - 1 : -1;
    uint64_t m = round_quantum(r, qe);
    /* m * 2^qe as a count of halves */
    uint64_t halves = qe >= -1 ? m << (qe + 1) : 0;
    if (halves <= 12) {
      p = 0;
      while (fp4_twice[p] != halves) p++;
    }
  }
  return (r->neg ? 8u : 0u) | p;
}

static uint32_t int_round(const npe__real *r, int64_t lo, int64_t hi) {
  int64_t v = r->scale > 40 ? hi + 1 : (int64_t)round_quantum(r, 0);
  if (r->neg) v = -v;
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  return (uint32_t)v;
}

static float f32_round(const npe__real *r) {
  fbits b;
  if (r->scale > 127) {
    b.u = 0x7f800000u;
  } else {
    int qe = (r->scale >= -126 ? r->scale : -126) - 23;
    uint64_t m = round_quantum(r, qe);
    if (m >> 24) m >>= 1, qe++;
    if (m >> 23) {
      int biased = qe + 150;
      b.u = biased >= 255 ? 0x7f800000u
                          : ((uint32_t)biased << 23) | (uint32_t)(m & 0x7fffff);
    } else {
      b.u = (uint32_t)m; /* subnormal or zero */
    }
  }
  if (r->neg) b.u |= 0x80000000u;
  return b.f;
}

/* Rounds a non-zero real to format f (not for NaN). */
static uint32_t round_to_fmt(npe_fmt f, const npe__real *r) {
  posit_cfg c;
  if (posit_cfg_of(f, &c)) return posit_round(c, r);
  switch (f) {
    case NPE_FMT_FP4: return fp4_round(r);
    case NPE_FMT_INT8: return int_round(r, -128, 127) & 0xff;
    default: return int_round(r, -1, 1) & 0x3; /* ternary */
  }
}

/* ------------------------------------------------------------------------ */
/* Public decode / encode                                                    */
/* ------------------------------------------------------------------------ */

int npe_decode(npe_fmt f, uint32_t bits, double *value) {
  if (!fmt_ok(f) || !value) return NPE_ERR_INVALID_ARG;
  if (bits >> fmt_width[f]) return NPE_ERR_RANGE;
  posit_cfg c;
  double v;
  if (posit_cfg_of(f, &c)) {
    v = posit_decode(c, bits);
  } else if (f == NPE_FMT_FP4) {
    v = fp4_twice[bits & 7] * 0.5;
    if (bits & 8) v = -v;
  } else if (f == NPE_FMT_INT8) {
    v = (double)(int8_t)bits;
  } else {
    if (bits == 2) return NPE_ERR_RANGE;
    v = bits == 3 ? -1.0 : (double)bits;
  }
  *value = v;
  return NPE_OK;
}

int npe_encode(npe_fmt f, double x, uint32_t *bits) {
  if (!fmt_ok(f) || !bits) return NPE_ERR_INVALID_ARG;
  dbits b;
  b.d = x;
  int is_nan = (b.u & 0x7fffffffffffffffull) > 0x7ff0000000000000ull;
  int is_inf = (b.u & 0x7fffffffffffffffull) == 0x7ff0000000000000ull;
  posit_cfg c;
  if (posit_cfg_of(f, &c)) {
    if (is_nan || is_inf) {
      *bits = 1u << (c.n - 1);
      return NPE_OK;
    }
  } else if (is_nan) {
    return NPE_ERR_RANGE;
  }
  if (x == 0.0) {
    *bits = (f == NPE_FMT_FP4 && (b.u >> 63)) ? 0x8u : 0u;
    return NPE_OK;
  }
  npe__real r;
  if (is_inf) {
    r.neg = (int)(b.u >> 63), r.scale = 1000, r.frac = 0, r.sticky = 0;
  } else {
    r = real_from_double(x);
  }
  *bits = round_to_fmt(f, &r);
  return NPE_OK;
}

int npe_encode_f(npe_fmt f, float x, uint32_t *bits) {
  return npe_encode(f, (double)x, bits);
}

int npe__decode_fixed(npe_fmt f, uint32_t bits, int64_t *x, int *nar) {
  double v;
  int rc = npe_decode(f, bits, &v);
  if (rc) return rc;
  *nar = v != v;
  *x = *nar ? 0 : (int64_t)(v * d_pow2(fix_frac[f]));
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* 128-bit helpers                                                           */
/* ------------------------------------------------------------------------ */

static npe__u128 u128_add(npe__u128 a, npe__u128 b) {
  npe__u128 s;
  s.lo = a.lo + b.lo;
  s.hi = a.hi + b.hi + (s.lo < a.lo);
  return s;
}

static npe__u128 u128_neg(npe__u128 a) {
  npe__u128 z = {~a.lo, ~a.hi}, one = {1, 0};
  return u128_add(z, one);
}

static npe__u128 u128_shl(npe__u128 a, unsigned s) {
  npe__u128 r;
  if (s == 0) return a;
  if (s >= 128) { r.lo = r.hi = 0; return r; }
  if (s >= 64) { r.hi = a.lo << (s - 64); r.lo = 0; return r; }
  r.hi = (a.hi << s) | (a.lo >> (64 - s));
  r.lo = a.lo << s;
  return r;
}

npe__u128 npe__mul_shift(int64_t a, int64_t b, unsigned shift) {
  int neg = (a < 0) != (b < 0);
  uint64_t x = a < 0 ? 0 - (uint64_t)a : (uint64_t)a;
  uint64_t y = b < 0 ? 0 - (uint64_t)b : (uint64_t)b;
  /* 64 x 64 -> 128 from 32-bit halves */
  uint64_t x0 = x & 0xffffffffu, x1 = x >> 32, y0 = y & 0xffffffffu, y1 = y >> 32;
  uint64_t p00 = x0 * y0, p01 = x0 * y1, p10 = x1 * y0, p11 = x1 * y1;
  uint64_t mid = (p00 >> 32) + (p01 & 0xffffffffu) + (p10 & 0xffffffffu);
  npe__u128 p;
  p.lo = (mid << 32) | (p00 & 0xffffffffu);
  p.hi = p11 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
  p = u128_shl(p, shift);
  return neg ? u128_neg(p) : p;
}

/* ------------------------------------------------------------------------ */
/* Quire                                                                     */
/* ------------------------------------------------------------------------ */

void npe_quire_clear(npe_quire *q) {
  if (q) q->lo = q->hi = 0, q->flags = 0;
}

void npe__quire_add128(npe_quire *q, npe__u128 v) {
  if (q->flags & NPE_QUIRE_OVF) return;
  npe__u128 a = {q->lo, q->hi};
  npe__u128 s = u128_add(a, v);
  uint64_t sa = a.hi >> 63, sv = v.hi >> 63, ss = s.hi >> 63;
  if (sa == sv && ss != sa) {
    q->flags |= NPE_QUIRE_OVF;
    return;
  }
  q->lo = s.lo, q->hi = s.hi;
}

int npe_quire_add_product(npe_quire *q, npe_fmt fa, uint32_t a, npe_fmt fb, uint32_t b) {
  if (!q || !fmt_ok(fa) || !fmt_ok(fb)) return NPE_ERR_INVALID_ARG;
  int64_t xa, xb;
  int nara, narb;
  int rc = npe__decode_fixed(fa, a, &xa, &nara);
  if (!rc) rc = npe__decode_fixed(fb, b, &xb, &narb);
  if (rc) return rc;
  if (nara || narb) q->flags |= NPE_QUIRE_NAR;
  unsigned shift = (unsigned)(NPE_QUIRE_FRAC_BITS - fix_frac[fa] - fix_frac[fb]);
  npe__quire_add128(q, npe__mul_shift(xa, xb, shift));
  return NPE_OK;
}

int npe_quire_add(npe_quire *dst, const npe_quire *src) {
  if (!dst || !src) return NPE_ERR_INVALID_ARG;
  npe__u128 v = {src->lo, src->hi};
  dst->flags |= src->flags;
  npe__quire_add128(dst, v);
  return NPE_OK;
}

/* Normalises a non-zero quire into a real. */
static npe__real quire_real(const npe_quire *q) {
  npe__u128 m = {q->lo, q->hi};
  npe__real r;
  r.neg = (int)(q->hi >> 63);
  if (r.neg) m = u128_neg(m);
  int p = 127;
  while (!((p >= 64 ? m.hi >> (p - 64) : m.lo >> p) & 1)) p--;
  m = u128_shl(m, (unsigned)(127 - p)); /* leading one to bit 127 */
  r.scale = p - (int)NPE_QUIRE_FRAC_BITS;
  r.frac = (m.hi << 1) | (m.lo >> 63);
  r.sticky = (m.lo << 1) != 0;
  return r;
}

static int quire_is_zero(const npe_quire *q) { return q->lo == 0 && q->hi == 0; }

int npe_quire_to_f32(const npe_quire *q, float *out) {
  if (!q || !out) return NPE_ERR_INVALID_ARG;
  fbits b;
  if (q->flags & NPE_QUIRE_NAR) {
    b.u = 0x7fc00000u;
  } else if (q->flags & NPE_QUIRE_OVF) {
    b.u = (q->hi >> 63) ? 0xff800000u : 0x7f800000u;
  } else if (quire_is_zero(q)) {
    b.u = 0;
  } else {
    npe__real r = quire_real(q);
    b.f = f32_round(&r);
  }
  *out = b.f;
  return NPE_OK;
}

int npe_quire_to_fmt(const npe_quire *q, npe_fmt f, uint32_t *bits) {
  if (!q || !fmt_ok(f) || !bits) return NPE_ERR_INVALID_ARG;
  posit_cfg c;
  int posit = posit_cfg_of(f, &c);
  if (q->flags & NPE_QUIRE_NAR) {
    *bits = posit ? 1u << (c.n - 1) : 0;
  } else if (q->flags & NPE_QUIRE_OVF) {
    if (posit) {
      *bits = 1u << (c.n - 1);
    } else {
      npe__real r = {(int)(q->hi >> 63), 1000, 0, 0};
      *bits = round_to_fmt(f, &r);
    }
  } else if (quire_is_zero(q)) {
    *bits = 0;
  } else {
    npe__real r = quire_real(q);
    *bits = round_to_fmt(f, &r);
  }
  return NPE_OK;
}

int npe_quire_to_double(const npe_quire *q, double *out) {
  if (!q || !out) return NPE_ERR_INVALID_ARG;
  if (q->flags & NPE_QUIRE_NAR) {
    *out = d_nan();
    return NPE_OK;
  }
  if (quire_is_zero(q)) {
    *out = 0.0;
    return NPE_OK;
  }
  npe__real r = quire_real(q);
  /* nearest double: round the 64-bit fraction to 52 bits */
  npe__real t = r;
  t.neg = 0;
  uint64_t m = round_quantum(&t, r.scale - 52);
  double v = (double)m * d_pow2(r.scale - 52);
  *out = r.neg ? -v : v;
  return NPE_OK;
}

uint32_t npe_quire_flags(const npe_quire *q) { return q ? q->flags : 0u; }

int npe_quire_export(const npe_quire *q, uint8_t out[16]) {
  if (!q || !out) return NPE_ERR_INVALID_ARG;
  for (unsigned i = 0; i < 8; i++) {
    out[i] = (uint8_t)(q->lo >> (8 * i));
    out[8 + i] = (uint8_t)(q->hi >> (8 * i));
  }
  return NPE_OK;
}

int npe_quire_import(npe_quire *q, const uint8_t in[16], uint32_t flags) {
  if (!q || !in || (flags & ~(NPE_QUIRE_NAR | NPE_QUIRE_OVF))) return NPE_ERR_INVALID_ARG;
  uint64_t lo = 0, hi = 0;
  for (unsigned i = 0; i < 8; i++) {
    lo |= (uint64_t)in[i] << (8 * i);
    hi |= (uint64_t)in[8 + i] << (8 * i);
  }
  q->lo = lo, q->hi = hi, q->flags = flags;
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Rounded single operations: exact in a quire, one rounding                 */
/* ------------------------------------------------------------------------ */

/* q += x, the value of pattern x of f, exactly. */
static int quire_add_value(npe_quire *q, npe_fmt f, uint32_t x) {
  int64_t v;
  int nar;
  int rc = npe__decode_fixed(f, x, &v, &nar);
  if (rc) return rc;
  if (nar) q->flags |= NPE_QUIRE_NAR;
  npe__quire_add128(q, npe__mul_shift(v, 1, (unsigned)(NPE_QUIRE_FRAC_BITS - fix_frac[f])));
  return NPE_OK;
}

int npe_mul_rounded(npe_fmt f, uint32_t a, uint32_t b, uint32_t *out) {
  return npe_fma_rounded(f, a, b, 0u, out);
}

int npe_add_rounded(npe_fmt f, uint32_t a, uint32_t b, uint32_t *out) {
  if (!fmt_ok(f) || !out) return NPE_ERR_INVALID_ARG;
  npe_quire q;
  npe_quire_clear(&q);
  int rc = quire_add_value(&q, f, a);
  if (!rc) rc = quire_add_value(&q, f, b);
  return rc ? rc : npe_quire_to_fmt(&q, f, out);
}

int npe_fma_rounded(npe_fmt f, uint32_t a, uint32_t b, uint32_t c, uint32_t *out) {
  if (!fmt_ok(f) || !out) return NPE_ERR_INVALID_ARG;
  npe_quire q;
  npe_quire_clear(&q);
  int rc = npe_quire_add_product(&q, f, a, f, b);
  if (!rc) rc = quire_add_value(&q, f, c);
  return rc ? rc : npe_quire_to_fmt(&q, f, out);
}
