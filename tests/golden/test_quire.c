/* SPDX-License-Identifier: Apache-2.0 */
/* Exact products and accumulation: reference vectors (mul, fdp), the fast
 * dot product against term-by-term accumulation and against exact double
 * arithmetic, overflow and NaR rules, and bad input. */
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
  if (npe_quire_fma(&q, c->f, a, c->f, b) || npe_quire_to_fmt(&q, c->f, &got) ||
      got != want) {
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
    ck_assert_int_eq(npe_quire_fma(&q1, c->f, a, c->f, b), NPE_OK);
  }
  int wide = c->f == NPE_FMT_POSIT16;
  ck_assert_int_eq(npe_dot(&q2, c->f, wide ? (void *)a16 : (void *)a8, c->f,
                           wide ? (void *)b16 : (void *)b8, (size_t)n), NPE_OK);
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

static void fill(npe_fmt f, void *v, size_t n, uint64_t *s) {
  for (size_t i = 0; i < n; i++) {
    uint32_t p = random_pattern(f, s);
    if (f == NPE_FMT_POSIT16) ((uint16_t *)v)[i] = (uint16_t)p;
    else ((uint8_t *)v)[i] = (uint8_t)p;
  }
}

static uint32_t at(npe_fmt f, const void *v, size_t i) {
  return f == NPE_FMT_POSIT16 ? ((const uint16_t *)v)[i] : ((const uint8_t *)v)[i];
}

/* Every format pair: npe_dot equals term-by-term npe_quire_fma. Where the
 * exact sum fits a double (no posit16 operand), readouts also equal
 * rounding that double, an independent path. */
START_TEST(dot_random_all_pairs) {
  uint64_t s = 0x1234567;
  static uint16_t a[4096], b[4096];
  for (int fa = 0; fa < NPE_FMT_COUNT; fa++) {
    for (int fb = 0; fb < NPE_FMT_COUNT; fb++) {
      for (int rep = 0; rep < 12; rep++) {
        size_t n = 1 + rng_next(&s) % 4096;
        fill((npe_fmt)fa, a, n, &s);
        fill((npe_fmt)fb, b, n, &s);
        npe_quire q1, q2;
        npe_quire_clear(&q1);
        npe_quire_clear(&q2);
        double sum = 0;
        int nar = 0;
        for (size_t i = 0; i < n; i++) {
          double x, y;
          npe_decode((npe_fmt)fa, at((npe_fmt)fa, a, i), &x);
          npe_decode((npe_fmt)fb, at((npe_fmt)fb, b, i), &y);
          if (isnan(x) || isnan(y)) nar = 1;
          else sum += x * y;
          ck_assert_int_eq(npe_quire_fma(&q1, (npe_fmt)fa, at((npe_fmt)fa, a, i),
                                         (npe_fmt)fb, at((npe_fmt)fb, b, i)), NPE_OK);
        }
        ck_assert_int_eq(npe_dot(&q2, (npe_fmt)fa, a, (npe_fmt)fb, b, n), NPE_OK);
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
  for (int i = 0; i < 40000; i++) a[i] = 0x7fff, b[i] = 0x7fff;
  npe_quire q, r;
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_POSIT16, a, NPE_FMT_POSIT16, b, 32767), NPE_OK);
  ck_assert_uint_eq(q.flags, 0);
  ck_assert_uint_eq(q.hi, 0x7fff000000000000ull);
  r = q;
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_POSIT16, 0x7fff, NPE_FMT_POSIT16, 0x7fff), NPE_OK);
  ck_assert_uint_eq(q.flags, NPE_QUIRE_OVF);
  ck_assert_uint_eq(q.hi, r.hi); /* frozen */
  ck_assert_uint_eq(q.lo, r.lo);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_POSIT16, 0x7fff, NPE_FMT_POSIT16, 0x8001), NPE_OK);
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
  ck_assert_int_eq(npe_dot(&r, NPE_FMT_POSIT16, a, NPE_FMT_POSIT16, b, 40000), NPE_OK);
  ck_assert(quire_eq(&q, &r));
  /* negative side: exactly -2^127 is representable */
  for (int i = 0; i < 40000; i++) b[i] = 0x8001; /* -maxpos */
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_POSIT16, a, NPE_FMT_POSIT16, b, 32768), NPE_OK);
  ck_assert_uint_eq(q.flags, 0);
  ck_assert_uint_eq(q.hi, 0x8000000000000000ull);
  ck_assert_uint_eq(q.lo, 0);
  npe_quire_to_f32(&q, &f);
  ck_assert(f == -ldexpf(1, 71));
  npe_quire_to_fmt(&q, NPE_FMT_POSIT16, &p);
  ck_assert_uint_eq(p, 0x8001); /* -maxpos */
  npe_quire_to_fmt(&q, NPE_FMT_INT8, &p);
  ck_assert_uint_eq(p, 0x80);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_POSIT16, 0x4000, NPE_FMT_POSIT16, 0xc000), NPE_OK);
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
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_POSIT8, c8, NPE_FMT_POSIT8, d8, 1000), NPE_OK);
  for (int i = 0; i < 1000; i++) npe_quire_fma(&r, NPE_FMT_POSIT8, 0x7f, NPE_FMT_POSIT8, 0x7f);
  ck_assert(r.flags & NPE_QUIRE_OVF);
  ck_assert_uint_eq(r.hi, 0x7fffffffffffffffull); /* 500 terms landed */
  ck_assert(quire_eq(&q, &r));
}
END_TEST

START_TEST(nar_rules) {
  npe_quire q;
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_POSIT8, 0x40, NPE_FMT_POSIT8, 0x40), NPE_OK);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_POSIT8, 0x80, NPE_FMT_POSIT8, 0x00), NPE_OK);
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
  npe_quire_fma(&a, NPE_FMT_INT8, 100, NPE_FMT_INT8, 3);
  npe_quire_fma(&b, NPE_FMT_FP4, 0x7, NPE_FMT_FP4, 0xf); /* 6 * -6 */
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
  npe_quire_fma(&q, NPE_FMT_INT8, 5, NPE_FMT_INT8, 7);
  keep = q;
  uint8_t a[4] = {1, 2, 3, 4}, b[4] = {1, 1, 1, 0x10};
  float f = 1;
  uint32_t p = 9;
  double d = 3;
  npe_quire_clear(NULL);
  ck_assert_int_eq(npe_quire_fma(NULL, NPE_FMT_INT8, 1, NPE_FMT_INT8, 1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_COUNT, 1, NPE_FMT_INT8, 1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_FP4, 0x10, NPE_FMT_INT8, 1), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quire_fma(&q, NPE_FMT_INT8, 1, NPE_FMT_TERNARY, 2), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_dot(NULL, NPE_FMT_INT8, a, NPE_FMT_INT8, b, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_INT8, NULL, NPE_FMT_INT8, b, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_INT8, a, (npe_fmt)9, b, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_INT8, a, NPE_FMT_FP4, b, 4), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_TERNARY, a, NPE_FMT_INT8, b, 4), NPE_ERR_RANGE);
  ck_assert(quire_eq(&q, &keep)); /* untouched by every error */
  ck_assert_int_eq(npe_dot(&q, NPE_FMT_INT8, NULL, NPE_FMT_INT8, NULL, 0), NPE_OK);
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
  suite_add_tcase(s, tc);
  return s;
}
