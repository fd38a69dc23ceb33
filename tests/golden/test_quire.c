/* SPDX-License-Identifier: Apache-2.0 */
/* Exact products and accumulation: reference vectors (mul, fdp), the fast
 * dot product against term-by-term accumulation and against exact double
 * arithmetic, overflow and NaR rules, bad input; the rounded single
 * operations against the exact-double oracle, the quire's export and
 * import, and the golden matmul. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

static int quire_eq(const npe_quire *a, const npe_quire *b) {
  return a->lo == b->lo && a->hi == b->hi && a->flags == b->flags;
}

typedef struct {
  npe_fmt f;
  long bad;
  char first_bad[64];
} qctx;

static int mul_cb(char **fl, int nf, void *p) {
  qctx *c = p;
  ck_assert_int_eq(nf, 3);
  uint32_t a = (uint32_t)strtoul(fl[0], NULL, 16), b = (uint32_t)strtoul(fl[1], NULL, 16);
  uint32_t want = (uint32_t)strtoul(fl[2], NULL, 16), got = 0xdead;
  npe_quire q;
  npe_quire_clear(&q);
  uint32_t got2 = 0xdead;
  if (npe_quire_add_product(&q, c->f, a, c->f, b) || npe_quire_to_fmt(&q, c->f, &got) ||
      got != want || npe_mul_rounded(c->f, a, b, &got2) || got2 != want) {
    if (!c->bad++) snprintf(c->first_bad, sizeof c->first_bad, "%s %s %s", fl[0], fl[1], fl[2]);
  }
  return 0;
}

static int fdp_cb(char **fl, int nf, void *p) {
  qctx *c = p;
  long n = strtol(fl[0], NULL, 10);
  ck_assert_int_eq(nf, 2 * n + 2);
  uint16_t a16[4096], b16[4096];
  uint8_t a8[4096], b8[4096];
  ck_assert(n <= 4096);
  npe_quire q1, q2;
  npe_quire_clear(&q1);
  npe_quire_clear(&q2);
  for (long i = 0; i < n; i++) {
    uint32_t a = (uint32_t)strtoul(fl[1 + 2 * i], NULL, 16);
    uint32_t b = (uint32_t)strtoul(fl[2 + 2 * i], NULL, 16);
    a16[i] = (uint16_t)a, b16[i] = (uint16_t)b, a8[i] = (uint8_t)a, b8[i] = (uint8_t)b;
    ck_assert_int_eq(npe_quire_add_product(&q1, c->f, a, c->f, b), NPE_OK);
  }
  int wide = npe_fmt_elem_bytes(c->f) == 2;
  npe_pats va = wide ? npe_pats_u16(c->f, a16) : npe_pats_u8(c->f, a8);
  npe_pats vb = wide ? npe_pats_u16(c->f, b16) : npe_pats_u8(c->f, b8);
  ck_assert_int_eq(npe_quire_add_dot(&q2, va, vb, (size_t)n), NPE_OK);
  uint32_t want = (uint32_t)strtoul(fl[nf - 1], NULL, 16), g1, g2;
  ck_assert_int_eq(npe_quire_to_fmt(&q1, c->f, &g1), NPE_OK);
  ck_assert_int_eq(npe_quire_to_fmt(&q2, c->f, &g2), NPE_OK);
  if (g1 != want || g2 != want || !quire_eq(&q1, &q2)) c->bad++;
  return 0;
}

static void run_q(const char *file, npe_fmt f, vec_cb cb, long min_lines) {
  qctx c = {f, 0, ""};
  long n = vec_foreach(file, cb, &c);
  ck_assert_msg(n >= min_lines, "%s: read %ld lines (missing file?)", file, n);
  ck_assert_msg(c.bad == 0, "%s: %ld mismatches, first: %s", file, c.bad, c.first_bad);
}

START_TEST(vectors_mul) {
  run_q("posit4_1_mul.txt", NPE_FMT_POSIT4, mul_cb, 256);
  run_q("posit8_0_mul.txt", NPE_FMT_POSIT8, mul_cb, 65536);
  run_q("posit16_1_mul.txt", NPE_FMT_POSIT16, mul_cb, 100000);
}
END_TEST

START_TEST(vectors_fdp) {
  run_q("posit4_1_fdp.txt", NPE_FMT_POSIT4, fdp_cb, 100);
  run_q("posit8_0_fdp.txt", NPE_FMT_POSIT8, fdp_cb, 100);
  run_q("posit16_1_fdp.txt", NPE_FMT_POSIT16, fdp_cb, 100);
}
END_TEST

/* A writable view of one of two caller arrays, the one of f's element width. */
static npe_pats_out over(npe_fmt f, uint16_t *w16, uint8_t *w8) {
  return npe_fmt_elem_bytes(f) == 2 ? npe_pats_out_u16(f, w16) : npe_pats_out_u8(f, w8);
}

static npe_pats fill(npe_fmt f, uint16_t *w16, uint8_t *w8, size_t n, uint64_t *s) {
  npe_pats_out v = over(f, w16, w8);
  for (size_t i = 0; i < n; i++) npe_pats_set(v, i, random_pattern(f, s));
  return npe_pats_of(v);
}

/* Every format pair: npe_quire_add_dot equals term-by-term
 * npe_quire_add_product. Where the
 * exact sum fits a double (no posit16 operand), readouts also equal
 * rounding that double, an independent path. */
START_TEST(dot_random_all_pairs) {
  uint64_t s = 0x1234567;
  static uint16_t a16[4096], b16[4096];
  static uint8_t a8[4096], b8[4096];
  for (int fa = 0; fa < NPE_FMT_COUNT; fa++) {
    for (int fb = 0; fb < NPE_FMT_COUNT; fb++) {
      for (int rep = 0; rep < 12; rep++) {
        size_t n = 1 + rng_next(&s) % 4096;
        npe_pats a = fill((npe_fmt)fa, a16, a8, n, &s);
        npe_pats b = fill((npe_fmt)fb, b16, b8, n, &s);
        npe_quire q1, q2;
        npe_quire_clear(&q1);
        npe_quire_clear(&q2);
        double sum = 0;
        int nar = 0;
        for (size_t i = 0; i < n; i++) {
          double x, y;
          npe_decode((npe_fmt)fa, npe_pats_get(a, i), &x);
          npe_decode((npe_fmt)fb, npe_pats_get(b, i), &y);
          if (isnan(x) || isnan(y)) nar = 1;
          else sum += x * y;
          ck_assert_int_eq(npe_quire_add_product(&q1, (npe_fmt)fa, npe_pats_get(a, i),
                                                 (npe_fmt)fb, npe_pats_get(b, i)), NPE_OK);
        }
        ck_assert_int_eq(npe_quire_add_dot(&q2, a, b, n), NPE_OK);
        ck_assert_msg(!!quire_eq(&q1, &q2), "dot != fma: %d x %d n=%zu", fa, fb, n);
        ck_assert_int_eq(!!(q2.flags & NPE_QUIRE_NAR), nar);
        if (fa == NPE_FMT_POSIT16 || fb == NPE_FMT_POSIT16 || nar) continue;
        float f32;
        ck_assert_int_eq(npe_quire_to_f32(&q2, &f32), NPE_OK);
        ck_assert_msg(f32 == (float)sum, "f32 %a vs %a", (double)f32, sum);
        double d;
        ck_assert_int_eq(npe_quire_to_double(&q2, &d), NPE_OK);
        ck_assert(d == sum);
        for (int fo = 0; fo < NPE_FMT_COUNT; fo++) {
          uint32_t got, want;
          ck_assert_int_eq(npe_quire_to_fmt(&q2, (npe_fmt)fo, &got), NPE_OK);
          ck_assert_int_eq(npe_encode((npe_fmt)fo, sum, &want), NPE_OK);
          if (sum == 0) want = 0; /* an exact-zero quire is +0 */
          ck_assert_msg(got == want, "to fmt %d: %x vs %x (sum %a)", fo, got, want, sum);
        }
      }
    }
  }
}
END_TEST

/* Largest products: posit16 maxpos^2 = 2^56 is 2^112 quire LSBs; the quire
 * holds [-2^127, 2^127), so 2^15 - 1 positive terms fit and the 2^15-th
 * overflows, while 2^15 negative terms fit exactly. */
START_TEST(overflow) {
  static uint16_t a[40000], b[40000];
  npe_pats pa = npe_pats_u16(NPE_FMT_POSIT16, a), pb = npe_pats_u16(NPE_FMT_POSIT16, b);
  for (int i = 0; i < 40000; i++) a[i] = 0x7fff, b[i] = 0x7fff;
  npe_quire q, r;
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_dot(&q, pa, pb, 32767), NPE_OK);
  ck_assert_uint_eq(q.flags, 0);
  ck_assert_uint_eq(q.hi, 0x7fff000000000000ull);
  r = q;
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT16, 0x7fff, NPE_FMT_POSIT16, 0x7fff), NPE_OK);
  ck_assert_uint_eq(q.flags, NPE_QUIRE_OVF);
  ck_assert_uint_eq(q.hi, r.hi); /* frozen */
  ck_assert_uint_eq(q.lo, r.lo);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT16, 0x7fff, NPE_FMT_POSIT16, 0x8001), NPE_OK);
  ck_assert_uint_eq(q.hi, r.hi); /* later terms ignored */
  float f;
  uint32_t p;
  npe_quire_to_f32(&q, &f);
  ck_assert(isinf(f) && f > 0);
  npe_quire_to_fmt(&q, NPE_FMT_POSIT16, &p);
  ck_assert_uint_eq(p, 0x8000);
  npe_quire_to_fmt(&q, NPE_FMT_FP4, &p);
  ck_assert_uint_eq(p, 7);
  npe_quire_to_fmt(&q, NPE_FMT_INT8, &p);
  ck_assert_uint_eq(p, 127);
  /* the fast path finds the same overflow point */
  npe_quire_clear(&r);
  ck_assert_int_eq(npe_quire_add_dot(&r, pa, pb, 40000), NPE_OK);
  ck_assert(quire_eq(&q, &r));
  /* negative side: exactly -2^127 is representable */
  for (int i = 0; i < 40000; i++) b[i] = 0x8001; /* -maxpos */
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_dot(&q, pa, pb, 32768), NPE_OK);
  ck_assert_uint_eq(q.flags, 0);
  ck_assert_uint_eq(q.hi, 0x8000000000000000ull);
  ck_assert_uint_eq(q.lo, 0);
  npe_quire_to_f32(&q, &f);
  ck_assert(f == -ldexpf(1, 71));
  npe_quire_to_fmt(&q, NPE_FMT_POSIT16, &p);
  ck_assert_uint_eq(p, 0x8001); /* -maxpos */
  npe_quire_to_fmt(&q, NPE_FMT_INT8, &p);
  ck_assert_uint_eq(p, 0x80);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT16, 0x4000, NPE_FMT_POSIT16, 0xc000), NPE_OK);
  ck_assert_uint_eq(q.flags, NPE_QUIRE_OVF);
  npe_quire_to_f32(&q, &f);
  ck_assert(isinf(f) && f < 0);
  npe_quire_to_fmt(&q, NPE_FMT_FP4, &p);
  ck_assert_uint_eq(p, 0xf);
  /* a small-format dot onto a nearly full quire overflows at the same term
   * as term-by-term accumulation */
  static uint8_t c8[1000], d8[1000];
  for (int i = 0; i < 1000; i++) c8[i] = 0x7f, d8[i] = 0x7f; /* posit8 maxpos^2 = 2^12 */
  npe_quire_clear(&q);
  q.lo = ~0ull, q.hi = 0x7fffffffffffffffull - (500ull << 4); /* room for 500 */
  r = q;
  ck_assert_int_eq(npe_quire_add_dot(&q, npe_pats_u8(NPE_FMT_POSIT8, c8),
                                     npe_pats_u8(NPE_FMT_POSIT8, d8), 1000), NPE_OK);
  for (int i = 0; i < 1000; i++) npe_quire_add_product(&r, NPE_FMT_POSIT8, 0x7f, NPE_FMT_POSIT8, 0x7f);
  ck_assert(r.flags & NPE_QUIRE_OVF);
  ck_assert_uint_eq(r.hi, 0x7fffffffffffffffull); /* 500 terms landed */
  ck_assert(quire_eq(&q, &r));
}
END_TEST

START_TEST(nar_rules) {
  npe_quire q;
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT8, 0x40, NPE_FMT_POSIT8, 0x40), NPE_OK);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT8, 0x80, NPE_FMT_POSIT8, 0x00), NPE_OK);
  ck_assert_uint_eq(q.flags, NPE_QUIRE_NAR);
  float f;
  uint32_t p;
  double d;
  npe_quire_to_f32(&q, &f);
  ck_assert(isnan(f));
  npe_quire_to_double(&q, &d);
  ck_assert(isnan(d));
  npe_quire_to_fmt(&q, NPE_FMT_POSIT4, &p);
  ck_assert_uint_eq(p, 0x8);
  npe_quire_to_fmt(&q, NPE_FMT_FP4, &p);
  ck_assert_uint_eq(p, 0);
  npe_quire_to_fmt(&q, NPE_FMT_TERNARY, &p);
  ck_assert_uint_eq(p, 0);
  /* quire_add merges flags and values */
  npe_quire a, b;
  npe_quire_clear(&a);
  npe_quire_clear(&b);
  npe_quire_add_product(&a, NPE_FMT_INT8, 100, NPE_FMT_INT8, 3);
  npe_quire_add_product(&b, NPE_FMT_FP4, 0x7, NPE_FMT_FP4, 0xf); /* 6 * -6 */
  ck_assert_int_eq(npe_quire_add(&a, &b), NPE_OK);
  npe_quire_to_double(&a, &d);
  ck_assert(d == 264.0);
  ck_assert_int_eq(npe_quire_add(&a, &q), NPE_OK);
  ck_assert(a.flags & NPE_QUIRE_NAR);
}
END_TEST

START_TEST(bad_input) {
  npe_quire q, keep;
  npe_quire_clear(&q);
  npe_quire_add_product(&q, NPE_FMT_INT8, 5, NPE_FMT_INT8, 7);
  keep = q;
  uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 1, 1, 0x10};
  float f = 1;
  uint32_t p = 9;
  double d = 3;
  npe_quire_clear(NULL);
  ck_assert_int_eq(npe_quire_add_product(NULL, NPE_FMT_INT8, 1, NPE_FMT_INT8, 1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_COUNT, 1, NPE_FMT_INT8, 1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_FP4, 0x10, NPE_FMT_INT8, 1), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_INT8, 1, NPE_FMT_TERNARY, 2), NPE_ERR_RANGE);
  uint16_t w[4] = {1, 2, 3, 4};
  npe_pats ia = npe_pats_u8(NPE_FMT_INT8, a), ib = npe_pats_u8(NPE_FMT_INT8, b);
  ck_assert_int_eq(npe_quire_add_dot(NULL, ia, ib, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add_dot(&q, npe_pats_u8(NPE_FMT_INT8, NULL), ib, 4),
                   NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add_dot(&q, ia, npe_pats_u8((npe_fmt)9, b), 4), NPE_ERR_INVALID_ARG);
  /* arrays of the wrong element width for their format */
  ck_assert_int_eq(npe_quire_add_dot(&q, ia, npe_pats_u16(NPE_FMT_INT8, w), 4),
                   NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add_dot(&q, npe_pats_u8(NPE_FMT_POSIT16, a),
                                     npe_pats_u16(NPE_FMT_POSIT16, w), 2), NPE_ERR_INVALID_ARG);
  npe_pats both = {NPE_FMT_INT8, a, w};
  ck_assert_int_eq(npe_quire_add_dot(&q, both, ib, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add_dot(&q, ia, npe_pats_u8(NPE_FMT_FP4, b), 4), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quire_add_dot(&q, npe_pats_u8(NPE_FMT_TERNARY, a), ib, 4), NPE_ERR_RANGE);
  ck_assert(quire_eq(&q, &keep)); /* untouched by every error */
  ck_assert_int_eq(npe_quire_add_dot(&q, npe_pats_u8(NPE_FMT_INT8, NULL),
                                     npe_pats_u8(NPE_FMT_INT8, NULL), 0), NPE_OK);
  ck_assert_int_eq(npe_quire_add(NULL, &q), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_add(&q, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_f32(NULL, &f), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_f32(&q, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_fmt(&q, NPE_FMT_COUNT, &p), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_fmt(&q, NPE_FMT_FP4, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_fmt(NULL, NPE_FMT_FP4, &p), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_double(NULL, &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_to_double(&q, NULL), NPE_ERR_INVALID_ARG);
  ck_assert(f == 1 && p == 9 && d == 3);
  ck_assert(quire_eq(&q, &keep));
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Rounded single operations against the exact-double oracle                 */
/* ------------------------------------------------------------------------ */

/* The oracle: the exact value s (a double known to be exact) rounded by
 * npe_encode(), an independent path from the quire's read-out; NaN (a NaR
 * operand) gives NaR; an exact zero is +0 (the quire has no signed zero). */
static uint32_t oracle(npe_fmt f, double s) {
  uint32_t want;
  if (s == 0) return 0;
  ck_assert_int_eq(npe_encode(f, s, &want), NPE_OK);
  return want;
}

/* s = x + y exactly in a double? (Knuth's TwoSum: the rounding error is 0) */
static int sum_exact(double x, double y, double *s) {
  *s = x + y;
  double bb = *s - x;
  return (x - (*s - bb)) + (y - bb) == 0;
}

static double value(npe_fmt f, uint32_t p) {
  double v;
  ck_assert_int_eq(npe_decode(f, p, &v), NPE_OK);
  return v;
}

/* Formats of 8 bits or fewer: every pair (mul, add), every triple for the
 * 4-bit and 2-bit formats (fma). Products and sums are exact in a double. */
START_TEST(rounded_ops_exhaustive_small) {
  for (int fi = 0; fi < NPE_FMT_COUNT; fi++) {
    npe_fmt f = (npe_fmt)fi;
    if (f == NPE_FMT_POSIT16) continue;
    uint32_t np = 1u << npe_fmt_bits(f);
    long checked = 0;
    for (uint32_t a = 0; a < np; a++) {
      double x;
      if (npe_decode(f, a, &x)) continue;
      for (uint32_t b = 0; b < np; b++) {
        double y;
        if (npe_decode(f, b, &y)) continue;
        uint32_t got;
        ck_assert_int_eq(npe_mul_rounded(f, a, b, &got), NPE_OK);
        ck_assert_msg(got == oracle(f, x * y), "%s mul %x %x = %x, want %x", npe_fmt_name(f), a,
                      b, got, oracle(f, x * y));
        ck_assert_int_eq(npe_add_rounded(f, a, b, &got), NPE_OK);
        ck_assert_msg(got == oracle(f, x + y), "%s add %x %x = %x, want %x", npe_fmt_name(f), a,
                      b, got, oracle(f, x + y));
        checked++;
        if (npe_fmt_bits(f) > 4) continue;
        for (uint32_t c = 0; c < np; c++) {
          double z;
          if (npe_decode(f, c, &z)) continue;
          ck_assert_int_eq(npe_fma_rounded(f, a, b, c, &got), NPE_OK);
          ck_assert_msg(got == oracle(f, x * y + z), "%s fma %x %x %x = %x, want %x",
                        npe_fmt_name(f), a, b, c, got, oracle(f, x * y + z));
        }
      }
    }
    ck_assert_int_ge(checked, f == NPE_FMT_TERNARY ? 9 : 256);
  }
}
END_TEST

/* posit16 (and fma of the 8-bit formats): random operands; a sum is
 * checked where the double holds it exactly, which must be most of them. */
START_TEST(rounded_ops_random) {
  static const npe_fmt fs[3] = {NPE_FMT_POSIT16, NPE_FMT_POSIT8, NPE_FMT_INT8};
  uint64_t s = 0xfeed;
  for (int i = 0; i < 3; i++) {
    npe_fmt f = fs[i];
    long n = 300000, exact_add = 0, exact_fma = 0;
    for (long t = 0; t < n; t++) {
      uint32_t a = random_pattern(f, &s), b = random_pattern(f, &s), c = random_pattern(f, &s);
      if (t < 4) a = t < 2 ? 1u << (npe_fmt_bits(f) - 1) : a; /* NaR (int8: -128) */
      double x = value(f, a), y = value(f, b), z = value(f, c), sum;
      uint32_t got;
      ck_assert_int_eq(npe_mul_rounded(f, a, b, &got), NPE_OK);
      ck_assert_msg(got == oracle(f, x * y), "%s mul %x %x = %x", npe_fmt_name(f), a, b, got);
      ck_assert_int_eq(npe_add_rounded(f, a, b, &got), NPE_OK);
      if (sum_exact(x, y, &sum) || sum != sum) {
        exact_add++;
        ck_assert_msg(got == oracle(f, sum), "%s add %x %x = %x, want %x", npe_fmt_name(f), a, b,
                      got, oracle(f, sum));
      }
      ck_assert_int_eq(npe_fma_rounded(f, a, b, c, &got), NPE_OK);
      if (sum_exact(x * y, z, &sum) || sum != sum) {
        exact_fma++;
        ck_assert_msg(got == oracle(f, sum), "%s fma %x %x %x = %x, want %x", npe_fmt_name(f),
                      a, b, c, got, oracle(f, sum));
      }
    }
    ck_assert_msg(exact_add > n * 9 / 10 && exact_fma > n * 9 / 10,
                  "%s: only %ld adds and %ld fmas exact in a double", npe_fmt_name(f), exact_add,
                  exact_fma);
  }
}
END_TEST

/* Rounded once, not twice: cases where rounding the product first and then
 * the sum gives a different pattern than npe_fma_rounded. */
START_TEST(rounded_ops_single_rounding) {
  uint32_t got, p, two;
  /* posit8 (es 0): 0x41 = 1.03125, whose square 1.0634765625 rounds to
   * 1.0625 (0x42). fma(0x41, 0x41, -1.0625) is 2^-10 exactly, which rounds
   * to minpos 2^-6 (0x01: posits never round to 0), while mul-then-add
   * cancels to an exact 0. */
  ck_assert_int_eq(npe_mul_rounded(NPE_FMT_POSIT8, 0x41, 0x41, &p), NPE_OK);
  ck_assert_uint_eq(p, 0x42);
  ck_assert_int_eq(npe_fma_rounded(NPE_FMT_POSIT8, 0x41, 0x41, 0xbe, &got), NPE_OK);
  ck_assert(value(NPE_FMT_POSIT8, 0x41) * value(NPE_FMT_POSIT8, 0x41) +
            value(NPE_FMT_POSIT8, 0xbe) == 0x1p-10);
  ck_assert_uint_eq(got, 0x01);
  ck_assert_int_eq(npe_add_rounded(NPE_FMT_POSIT8, p, 0xbe, &two), NPE_OK);
  ck_assert_uint_eq(two, 0);
  /* int8 saturates, fp4 keeps the sign of a non-zero result rounded to 0 */
  ck_assert_int_eq(npe_mul_rounded(NPE_FMT_INT8, 100, 100, &got), NPE_OK);
  ck_assert_uint_eq(got, 127);
  ck_assert_int_eq(npe_mul_rounded(NPE_FMT_FP4, 0x9, 0x1, &got), NPE_OK); /* -0.5 * 0.5 */
  ck_assert_uint_eq(got, 0x8);
  ck_assert_int_eq(npe_add_rounded(NPE_FMT_FP4, 0x8, 0x0, &got), NPE_OK); /* -0 + 0 */
  ck_assert_uint_eq(got, 0x0);
  /* errors: nothing written */
  got = 0x1234;
  ck_assert_int_eq(npe_mul_rounded(NPE_FMT_COUNT, 1, 1, &got), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_mul_rounded(NPE_FMT_INT8, 1, 1, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_add_rounded(NPE_FMT_FP4, 0x10, 1, &got), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_add_rounded(NPE_FMT_TERNARY, 1, 2, &got), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_fma_rounded(NPE_FMT_TERNARY, 1, 1, 2, &got), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_fma_rounded(NPE_FMT_POSIT8, 1, 0x100, 1, &got), NPE_ERR_RANGE);
  ck_assert_uint_eq(got, 0x1234);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Export and import                                                         */
/* ------------------------------------------------------------------------ */

/* The Q71.56 value of 16 exported bytes, summed in a double from the sign
 * byte down (every partial sum is the value truncated, so the result is
 * exact when the value has at most 53 significant bits). */
static double q7156(const uint8_t b[16]) {
  double v = 0;
  for (int i = 15; i >= 0; i--) {
    int byte = i == 15 ? (int)(int8_t)b[i] : (int)b[i];
    v += ldexp((double)byte, 8 * i - 56);
  }
  return v;
}

START_TEST(quire_export_import) {
  npe_quire q, r;
  uint8_t b[16];
  /* 1 = 2^56 LSBs: byte 7 */
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_INT8, 1, NPE_FMT_INT8, 1), NPE_OK);
  ck_assert_int_eq(npe_quire_export(&q, b), NPE_OK);
  for (int i = 0; i < 16; i++) ck_assert_uint_eq(b[i], i == 7 ? 1 : 0);
  /* -1: two's complement, sign in bit 7 of byte 15 */
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_INT8, 0xff, NPE_FMT_INT8, 1), NPE_OK);
  ck_assert_int_eq(npe_quire_export(&q, b), NPE_OK);
  for (int i = 0; i < 16; i++) ck_assert_uint_eq(b[i], i < 7 ? 0 : 0xff);
  /* minpos(posit16)^2 = 2^-56: the LSB */
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT16, 1, NPE_FMT_POSIT16, 1), NPE_OK);
  ck_assert_int_eq(npe_quire_export(&q, b), NPE_OK);
  for (int i = 0; i < 16; i++) ck_assert_uint_eq(b[i], i == 0 ? 1 : 0);
  /* maxpos(posit16)^2 = 2^56: bit 112, byte 14 */
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT16, 0x7fff, NPE_FMT_POSIT16, 0x7fff),
                   NPE_OK);
  ck_assert_int_eq(npe_quire_export(&q, b), NPE_OK);
  for (int i = 0; i < 16; i++) ck_assert_uint_eq(b[i], i == 14 ? 1 : 0);
  /* random dots whose exact sum fits a double: the bytes are that value in
   * Q71.56, and import gives the same quire back */
  uint64_t s = 77;
  static uint16_t a16[512], b16[512];
  static uint8_t a8[512], b8[512];
  for (int fa = 0; fa < NPE_FMT_COUNT; fa++) {
    if (fa == NPE_FMT_POSIT16) continue;
    for (int rep = 0; rep < 50; rep++) {
      size_t n = 1 + rng_next(&s) % 512;
      npe_pats va = fill((npe_fmt)fa, a16, a8, n, &s);
      npe_pats vb = fill(fa == NPE_FMT_TERNARY ? NPE_FMT_INT8 : (npe_fmt)fa, b16, b8, n, &s);
      double sum = 0;
      for (size_t i = 0; i < n; i++)
        sum += value(va.fmt, npe_pats_get(va, i)) * value(vb.fmt, npe_pats_get(vb, i));
      npe_quire_clear(&q);
      ck_assert_int_eq(npe_quire_add_dot(&q, va, vb, n), NPE_OK);
      uint32_t fl = npe_quire_flags(&q);
      ck_assert_int_eq(npe_quire_export(&q, b), NPE_OK);
      if (!(fl & NPE_QUIRE_NAR)) ck_assert_msg(q7156(b) == sum, "%a vs %a", q7156(b), sum);
      memset(&r, 0xee, sizeof r);
      ck_assert_int_eq(npe_quire_import(&r, b, fl), NPE_OK);
      ck_assert(quire_eq(&q, &r));
    }
  }
  /* flags travel beside the value: an overflowed quire round-trips */
  static uint16_t big[32768];
  for (int i = 0; i < 32768; i++) big[i] = 0x7fff;
  npe_quire_clear(&q);
  npe_pats pb = npe_pats_u16(NPE_FMT_POSIT16, big);
  ck_assert_int_eq(npe_quire_add_dot(&q, pb, pb, 32768), NPE_OK);
  ck_assert_uint_eq(npe_quire_flags(&q), NPE_QUIRE_OVF);
  ck_assert_int_eq(npe_quire_export(&q, b), NPE_OK);
  ck_assert_uint_eq(b[15], 0x7f); /* the frozen value: (2^15 - 1) * 2^112 */
  ck_assert_uint_eq(b[14], 0xff);
  ck_assert_int_eq(npe_quire_import(&r, b, npe_quire_flags(&q)), NPE_OK);
  ck_assert(quire_eq(&q, &r));
  float f;
  ck_assert_int_eq(npe_quire_to_f32(&r, &f), NPE_OK);
  ck_assert(isinf(f) && f > 0);
  /* bad input: nothing changes */
  npe_quire keep = r;
  ck_assert_int_eq(npe_quire_export(NULL, b), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_export(&q, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_import(NULL, b, 0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_import(&r, NULL, 0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_import(&r, b, 0x4), NPE_ERR_INVALID_ARG);
  ck_assert(quire_eq(&r, &keep));
  ck_assert_uint_eq(npe_quire_flags(NULL), 0);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* The golden matmul                                                         */
/* ------------------------------------------------------------------------ */

/* Against term-by-term accumulation, with row strides, every format pair
 * (the engine's and mixed ones), binary32 with a scale and every output
 * format. */
START_TEST(golden_matmul_terms) {
  enum { M = 5, N = 7, K = 37, LDA = 40, LDB = 41, LDC = 9 };
  static uint16_t a16[M * LDA], b16[N * LDB], c16[M * LDC];
  static uint8_t a8[M * LDA], b8[N * LDB], c8[M * LDC];
  static float cf[M * LDC];
  uint64_t s = 4242;
  for (int fa = 0; fa < NPE_FMT_COUNT; fa++) {
    for (int fb = 0; fb < NPE_FMT_COUNT; fb++) {
      npe_pats a = fill((npe_fmt)fa, a16, a8, M * LDA, &s);
      npe_pats b = fill((npe_fmt)fb, b16, b8, N * LDB, &s);
      for (int i = 0; i < M * LDC; i++) cf[i] = 42.0f;
      ck_assert_int_eq(npe_golden_matmul_f32(a, LDA, b, LDB, M, N, K, 0.375f, cf, LDC), NPE_OK);
      for (int fo = 0; fo < NPE_FMT_COUNT; fo++) {
        npe_pats_out c = over((npe_fmt)fo, c16, c8);
        memset(c16, 0xee, sizeof c16);
        memset(c8, 0xee, sizeof c8);
        ck_assert_int_eq(npe_golden_matmul_fmt(a, LDA, b, LDB, M, N, K, c, LDC), NPE_OK);
        for (uint32_t i = 0; i < M; i++) {
          for (uint32_t j = 0; j < LDC; j++) {
            uint32_t got = npe_pats_get(npe_pats_of(c), i * LDC + j);
            if (j >= N) { /* the row padding is not written */
              ck_assert_uint_eq(got, fo == NPE_FMT_POSIT16 ? 0xeeee : 0xee);
              if (fo == 0) ck_assert(cf[i * LDC + j] == 42.0f);
              continue;
            }
            npe_quire q;
            npe_quire_clear(&q);
            for (uint32_t t = 0; t < K; t++)
              ck_assert_int_eq(npe_quire_add_product(&q, (npe_fmt)fa,
                                                     npe_pats_get(a, i * LDA + t), (npe_fmt)fb,
                                                     npe_pats_get(b, j * LDB + t)), NPE_OK);
            uint32_t want;
            ck_assert_int_eq(npe_quire_to_fmt(&q, (npe_fmt)fo, &want), NPE_OK);
            ck_assert_msg(got == want, "%d x %d -> %d [%u][%u]: %x vs %x", fa, fb, fo, i, j, got,
                          want);
            if (fo == 0) {
              float w32;
              ck_assert_int_eq(npe_quire_to_f32(&q, &w32), NPE_OK);
              w32 = w32 * 0.375f;
              float g32 = cf[i * LDC + j];
              ck_assert_msg(!memcmp(&g32, &w32, 4) || (isnan(g32) && isnan(w32)),
                            "%d x %d f32 [%u][%u]: %a vs %a", fa, fb, i, j, (double)g32,
                            (double)w32);
            }
          }
        }
      }
    }
  }
}
END_TEST

/* Bad arguments and bad patterns: an error, and nothing written. */
START_TEST(golden_matmul_errors) {
  uint8_t a[2 * 4] = {1, 2, 3, 4, 5, 6, 7, 8}, b[3 * 4] = {1, 1, 1, 1, 0, 1, 3, 0, 3, 3, 0, 1};
  uint16_t w[16] = {0};
  float c[2 * 3];
  uint8_t c8[2 * 3];
  for (int i = 0; i < 6; i++) c[i] = 42.0f, c8[i] = 0xee;
  npe_pats pa = npe_pats_u8(NPE_FMT_INT8, a), pb = npe_pats_u8(NPE_FMT_TERNARY, b);
  npe_pats_out po = npe_pats_out_u8(NPE_FMT_INT8, c8);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 4, 2, 3, 4, 1, NULL, 3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 3, pb, 4, 2, 3, 4, 1, c, 3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 3, 2, 3, 4, 1, c, 3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 4, 2, 3, 4, 1, c, 2), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 4, 0, 3, 4, 1, c, 3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 4, 2, 3, 0, 1, c, 3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_f32(npe_pats_u16(NPE_FMT_INT8, w), 4, pb, 4, 2, 3, 4, 1, c,
                                         3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_fmt(pa, 4, pb, 4, 2, 3, 4,
                                         npe_pats_out_u16(NPE_FMT_INT8, w), 3),
                   NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_golden_matmul_fmt(pa, 4, pb, 4, 2, 3, 4,
                                         npe_pats_out_u8(NPE_FMT_POSIT16, c8), 3),
                   NPE_ERR_INVALID_ARG);
  /* a bad pattern in the last element of the last row of B: the cells
   * before it would have been computable, yet none is written */
  b[11] = 2;
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 4, 2, 3, 4, 1, c, 3), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_golden_matmul_fmt(pa, 4, pb, 4, 2, 3, 4, po, 3), NPE_ERR_RANGE);
  for (int i = 0; i < 6; i++) ck_assert(c[i] == 42.0f && c8[i] == 0xee);
  b[11] = 1;
  ck_assert_int_eq(npe_golden_matmul_f32(pa, 4, pb, 4, 2, 3, 4, 1, c, 3), NPE_OK);
  ck_assert(c[0] == 10.0f && c[1] == -1.0f && c[2] == 1.0f && c[5] == -3.0f);
  ck_assert_int_eq(npe_golden_matmul_fmt(pa, 4, pb, 4, 2, 3, 4, po, 3), NPE_OK);
  ck_assert_uint_eq(c8[0], 10);
}
END_TEST

START_TEST(elem_bytes) {
  static const size_t want[NPE_FMT_COUNT] = {1, 1, 1, 2, 1, 1};
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    ck_assert_uint_eq(npe_fmt_elem_bytes((npe_fmt)f), want[f]);
    ck_assert_uint_ge(8 * npe_fmt_elem_bytes((npe_fmt)f), npe_fmt_bits((npe_fmt)f));
  }
  ck_assert_uint_eq(npe_fmt_elem_bytes(NPE_FMT_COUNT), 0);
  ck_assert_uint_eq(npe_fmt_elem_bytes((npe_fmt)-1), 0);
}
END_TEST

Suite *quire_suite(void) {
  Suite *s = suite_create("quire");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 300);
  tcase_add_test(tc, vectors_mul);
  tcase_add_test(tc, vectors_fdp);
  tcase_add_test(tc, dot_random_all_pairs);
  tcase_add_test(tc, overflow);
  tcase_add_test(tc, nar_rules);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, rounded_ops_exhaustive_small);
  tcase_add_test(tc, rounded_ops_random);
  tcase_add_test(tc, rounded_ops_single_rounding);
  tcase_add_test(tc, quire_export_import);
  tcase_add_test(tc, golden_matmul_terms);
  tcase_add_test(tc, golden_matmul_errors);
  tcase_add_test(tc, elem_bytes);
  suite_add_tcase(s, tc);
  return s;
}
