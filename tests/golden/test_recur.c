/* SPDX-License-Identifier: Apache-2.0 */
/* The recurrence unit's golden model (npe_recur.h): the DIAG step against an
 * independent oracle (truncating division and a symmetric tie rule instead
 * of floor and mask) over every edge case and a million random inputs, hand
 * computed values, the sequence function, the float conversions and the
 * float64 reference, and every bad input. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe_recur.h"
#include "unit.h"

/* The oracle: p / 2^30 as truncated quotient and remainder (C division),
 * then to nearest with ties to even by comparing 2|r| with 2^30, then the
 * sum in __int128 and saturation. Shares no code with the model. */
static int32_t oracle(int32_t a, int32_t b, int32_t h) {
  const int64_t one = 1073741824; /* 2^30 */
  int64_t p = (int64_t)a * h;
  int64_t q = p / one, r = p % one; /* r has the sign of p */
  int64_t r2 = r < 0 ? -2 * r : 2 * r;
  if (r2 > one || (r2 == one && q % 2 != 0)) q += p < 0 ? -1 : 1;
  __int128 s = (__int128)q + b;
  if (s > (__int128)2147483647) return 2147483647;
  if (s < -(__int128)2147483648) return (int32_t)(-2147483647 - 1);
  return (int32_t)s;
}

static const int32_t edges[] = {
    INT32_MIN, INT32_MIN + 1, -(1 << 30) - 1, -(1 << 30), -(1 << 30) + 1, -(1 << 29) - 1,
    -(1 << 29), -(1 << 29) + 1, -65536, -3, -2, -1, 0, 1, 2, 3, 65536, (1 << 29) - 1,
    1 << 29, (1 << 29) + 1, (1 << 30) - 1, 1 << 30, (1 << 30) + 1, INT32_MAX - 1, INT32_MAX};
#define NEDGE ((int)(sizeof edges / sizeof edges[0]))

/* Every combination of edge values for a, b and h. */
START_TEST(step_edges_exhaustive) {
  long n = 0;
  for (int i = 0; i < NEDGE; i++)
    for (int j = 0; j < NEDGE; j++)
      for (int k = 0; k < NEDGE; k++, n++) {
        int32_t a = edges[i], b = edges[j], h = edges[k];
        ck_assert_msg(npe_recur_diag_step(a, b, h) == oracle(a, b, h),
                      "a=%d b=%d h=%d: got %d, oracle %d", a, b, h,
                      npe_recur_diag_step(a, b, h), oracle(a, b, h));
      }
  ck_assert_int_eq(n, (long)NEDGE * NEDGE * NEDGE);
}
END_TEST

/* Values worked out by hand from the definition in npe_recur.h. */
START_TEST(step_hand_values) {
  static const struct { int32_t a, b, h, want; } v[] = {
      {1 << 30, 0, 12345, 12345},              /* a = 1.0: h itself */
      {1 << 30, 7, -12345, -12338},            /* ... plus b */
      {0, -99, INT32_MAX, -99},                /* a = 0: b */
      {-(1 << 30), 0, 5, -5},                  /* a = -1.0: -h */
      {-(1 << 30), 0, INT32_MIN, INT32_MAX},   /* -(-2^31) saturates */
      {-(1 << 30), -1, INT32_MIN, INT32_MAX},  /* 2^31 - 1 exactly, no saturation needed */
      {INT32_MIN, 0, 3, -6},                   /* a = -2.0 */
      {INT32_MIN, 0, INT32_MIN, INT32_MAX},    /* 2^32 saturates up */
      {INT32_MIN, 0, INT32_MAX, INT32_MIN},    /* -2^32 + 2 saturates down */
      {INT32_MAX, 0, INT32_MAX, INT32_MAX},    /* ~2 * (2^31 - 1) saturates */
      {1 << 30, INT32_MAX, 1, INT32_MAX},      /* h + b overflows: saturates */
      {1 << 30, INT32_MIN, -1, INT32_MIN},     /* ... downwards */
      /* ties at a = 0.5: p = h * 2^29 */
      {1 << 29, 0, 1, 0},   /* 0.5 -> 0 (even) */
      {1 << 29, 0, 3, 2},   /* 1.5 -> 2 */
      {1 << 29, 0, 5, 2},   /* 2.5 -> 2 */
      {1 << 29, 0, 7, 4},   /* 3.5 -> 4 */
      {1 << 29, 0, -1, 0},  /* -0.5 -> 0 */
      {1 << 29, 0, -3, -2}, /* -1.5 -> -2 */
      {1 << 29, 0, -5, -2}, /* -2.5 -> -2 */
      {1 << 29, 0, -7, -4}, /* -3.5 -> -4 */
      /* just off a tie: a = 0.5 + 2^-30 */
      {(1 << 29) + 1, 0, 1, 1},    /* p = 2^29 + 1: above half -> 1 */
      {(1 << 29) - 1, 0, 1, 0},    /* 0.5 - 2^-30 -> 0 */
      {(1 << 29) + 1, 0, -1, -1},  /* -(0.5 + 2^-30) -> -1 */
      {1, 0, 1 << 29, 0},          /* 2^-30 * 2^29 = 0.5 -> 0 */
      {1, 0, 3 << 29, 2},          /* 1.5 -> 2 */
      {-1, 0, 3 << 29, -2},        /* -1.5 -> -2 */
      {3, 100, 1 << 29, 102},      /* 1.5 -> 2, + 100 */
  };
  for (size_t i = 0; i < sizeof v / sizeof v[0]; i++) {
    int32_t want = v[i].want;
    ck_assert_msg(npe_recur_diag_step(v[i].a, v[i].b, v[i].h) == want,
                  "case %zu: a=%d b=%d h=%d: got %d want %d", i, v[i].a, v[i].b, v[i].h,
                  npe_recur_diag_step(v[i].a, v[i].b, v[i].h), want);
    ck_assert_int_eq(oracle(v[i].a, v[i].b, v[i].h), want);
  }
}
END_TEST

/* Every rounding tie of a whole family: a = 2^29 (0.5) times every odd h in
 * a window around 0 and around both extremes, and a = k * 2^29 for odd k
 * with h = 1; plus the neighbours rem = 2^29 - 1 and 2^29 + 1. */
START_TEST(step_every_tie) {
  long ties = 0;
  for (int64_t h = -200001; h <= 200001; h += 2, ties++) {
    int32_t want = (int32_t)(h / 2 + (h / 2 % 2 != 0 ? (h < 0 ? -1 : 1) : 0));
    ck_assert_int_eq(npe_recur_diag_step(1 << 29, 0, (int32_t)h), want);
    ck_assert_int_eq(oracle(1 << 29, 0, (int32_t)h), want);
  }
  for (int64_t h = INT32_MAX; h > INT32_MAX - 4000; h -= 2, ties++) {
    ck_assert_int_eq(npe_recur_diag_step(1 << 29, 0, (int32_t)h), oracle(1 << 29, 0, (int32_t)h));
    ck_assert_int_eq(npe_recur_diag_step(1 << 29, 0, (int32_t)-h),
                     oracle(1 << 29, 0, (int32_t)-h));
  }
  for (int64_t k = -4001; k <= 4001; k += 2, ties++) {
    int32_t a = (int32_t)(k * (1 << 19)); /* p = k m 2^29 with h = m 2^10: a tie when m is odd */
    for (int32_t h = -9 * 1024; h <= 9 * 1024; h += 1024) {
      ck_assert_int_eq(npe_recur_diag_step(a, 0, h), oracle(a, 0, h));
      ck_assert_int_eq(npe_recur_diag_step(a, -h, h), oracle(a, -h, h));
    }
  }
  /* rem exactly 2^29 - 1, 2^29, 2^29 + 1 with h = 1: a = that */
  ck_assert_int_eq(npe_recur_diag_step((1 << 29) - 1, 0, 1), 0);
  ck_assert_int_eq(npe_recur_diag_step(1 << 29, 0, 1), 0);
  ck_assert_int_eq(npe_recur_diag_step((1 << 29) + 1, 0, 1), 1);
  ck_assert_int_eq(npe_recur_diag_step(3 << 29, 0, 1), 2);
  ck_assert_int_eq(npe_recur_diag_step(-(3 << 29), 0, 1), -2);
  ck_assert(ties > 100000);
}
END_TEST

/* The identities of the special gates, over many h and b. */
START_TEST(step_special_gates) {
  uint64_t s = 77;
  for (int i = 0; i < 200000; i++) {
    int32_t h = (int32_t)(uint32_t)(rng_next(&s) >> 32), b = (int32_t)(uint32_t)(rng_next(&s) >> 32);
    int64_t hb = (int64_t)h + b;
    int32_t sat = hb > INT32_MAX ? INT32_MAX : hb < INT32_MIN ? INT32_MIN : (int32_t)hb;
    ck_assert_int_eq(npe_recur_diag_step(1 << 30, b, h), sat);        /* 1.0 */
    ck_assert_int_eq(npe_recur_diag_step(0, b, h), b);                /* 0 */
    int64_t nb = -(int64_t)h + b, tb = -2 * (int64_t)h + b;
    ck_assert_int_eq(npe_recur_diag_step(-(1 << 30), b, h),           /* -1.0 */
                     nb > INT32_MAX ? INT32_MAX : nb < INT32_MIN ? INT32_MIN : (int32_t)nb);
    ck_assert_int_eq(npe_recur_diag_step(INT32_MIN, b, h),            /* -2.0 */
                     tb > INT32_MAX ? INT32_MAX : tb < INT32_MIN ? INT32_MIN : (int32_t)tb);
  }
}
END_TEST

/* A million random inputs, half of them with small gates (|a| <= 1). */
START_TEST(step_random) {
  uint64_t s = 12345;
  long sat_hi = 0, sat_lo = 0;
  for (long i = 0; i < 1000000; i++) {
    uint64_t r = rng_next(&s);
    int32_t a = (int32_t)(uint32_t)r, b = (int32_t)(uint32_t)(r >> 32);
    int32_t h = (int32_t)(uint32_t)(rng_next(&s) >> 16);
    if (i & 1) a /= 2; /* [-1, 1) */
    if (i % 3 == 0) b >>= 8;
    int32_t got = npe_recur_diag_step(a, b, h);
    ck_assert_msg(got == oracle(a, b, h), "a=%d b=%d h=%d: got %d, oracle %d", a, b, h, got,
                  oracle(a, b, h));
    sat_hi += got == INT32_MAX, sat_lo += got == INT32_MIN;
  }
  ck_assert(sat_hi > 100 && sat_lo > 100); /* both saturations were exercised */
}
END_TEST

START_TEST(seq_matches_steps) {
  enum { T = 37, H = 13 };
  int32_t a[T * H], b[T * H], st[H], st2[H], out[T * H], out2[T * H];
  uint64_t s = 5;
  for (int i = 0; i < T * H; i++) {
    a[i] = (int32_t)(uint32_t)rng_next(&s) / 2;
    b[i] = (int32_t)(uint32_t)rng_next(&s) >> 6;
  }
  for (int i = 0; i < H; i++) st[i] = st2[i] = (int32_t)(uint32_t)rng_next(&s) >> 4;
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, out), NPE_OK);
  for (int t = 0; t < T; t++)
    for (int i = 0; i < H; i++) {
      st2[i] = npe_recur_diag_step(a[t * H + i], b[t * H + i], st2[i]);
      ck_assert_int_eq(out[t * H + i], st2[i]);
    }
  ck_assert_mem_eq(st, st2, sizeof st);
  /* without out; and in two pieces (what the driver's chunks do) */
  for (int i = 0; i < H; i++) st2[i] = 0, st[i] = 0;
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, NULL), NPE_OK);
  ck_assert_int_eq(npe_recur_diag_seq(20, H, a, b, st2, out2), NPE_OK);
  ck_assert_int_eq(npe_recur_diag_seq(T - 20, H, a + 20 * H, b + 20 * H, st2, out2 + 20 * H),
                   NPE_OK);
  ck_assert_mem_eq(st, st2, sizeof st);
  /* errors: nothing written */
  int32_t keep[H];
  memcpy(keep, st, sizeof keep);
  memset(out2, 0x5a, sizeof out2);
  ck_assert_int_eq(npe_recur_diag_seq(0, H, a, b, st, out2), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_seq(T, 0, a, b, st, out2), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_seq(T, H, NULL, b, st, out2), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, NULL, st, out2), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, NULL, out2), NPE_ERR_INVALID_ARG);
  ck_assert_mem_eq(st, keep, sizeof keep);
  for (int i = 0; i < T * H; i++) ck_assert_int_eq(out2[i], 0x5a5a5a5a);
}
END_TEST

START_TEST(conversions) {
  int32_t q = 7;
  /* gates */
  ck_assert_int_eq(npe_recur_gate_from_double(1.0, &q), NPE_OK);
  ck_assert_int_eq(q, 1 << 30);
  ck_assert_int_eq(npe_recur_gate_from_double(-1.0, &q), NPE_OK);
  ck_assert_int_eq(q, -(1 << 30));
  ck_assert_int_eq(npe_recur_gate_from_double(-2.0, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MIN);
  ck_assert_int_eq(npe_recur_gate_from_double(2.0, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MAX); /* saturates */
  ck_assert_int_eq(npe_recur_gate_from_double(-3.5, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MIN);
  ck_assert_int_eq(npe_recur_gate_from_double(INFINITY, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MAX);
  ck_assert_int_eq(npe_recur_gate_from_double(-INFINITY, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MIN);
  ck_assert_int_eq(npe_recur_gate_from_double(0x1p-31, &q), NPE_OK); /* half an ulp: tie to 0 */
  ck_assert_int_eq(q, 0);
  ck_assert_int_eq(npe_recur_gate_from_double(0x3p-31, &q), NPE_OK); /* 1.5 ulp: to 2 */
  ck_assert_int_eq(q, 2);
  ck_assert_int_eq(npe_recur_gate_from_double(-0x3p-31, &q), NPE_OK);
  ck_assert_int_eq(q, -2);
  ck_assert_int_eq(npe_recur_gate_from_double(-0x5p-31, &q), NPE_OK); /* -2.5 ulp: to -2 */
  ck_assert_int_eq(q, -2);
  ck_assert_int_eq(npe_recur_gate_from_double(0x1.8p-31, &q), NPE_OK); /* 0.75 ulp: to 1 */
  ck_assert_int_eq(q, 1);
  ck_assert_int_eq(npe_recur_gate_from_double(0.5, &q), NPE_OK);
  ck_assert_int_eq(q, 1 << 29);
  /* fixed point: ties to even, saturation, every F */
  ck_assert_int_eq(npe_recur_fix_from_double(2.5, 0, &q), NPE_OK);
  ck_assert_int_eq(q, 2);
  ck_assert_int_eq(npe_recur_fix_from_double(3.5, 0, &q), NPE_OK);
  ck_assert_int_eq(q, 4);
  ck_assert_int_eq(npe_recur_fix_from_double(-2.5, 0, &q), NPE_OK);
  ck_assert_int_eq(q, -2);
  ck_assert_int_eq(npe_recur_fix_from_double(2147483647.5, 0, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MAX);
  ck_assert_int_eq(npe_recur_fix_from_double(-2147483648.5, 0, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MIN);
  ck_assert_int_eq(npe_recur_fix_from_double(1e300, 16, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MAX);
  ck_assert_int_eq(npe_recur_fix_from_double(-1e300, 16, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MIN);
  ck_assert_int_eq(npe_recur_fix_from_double(-1.0, 31, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MIN);
  ck_assert_int_eq(npe_recur_fix_from_double(1.0, 31, &q), NPE_OK);
  ck_assert_int_eq(q, INT32_MAX);
  uint64_t s = 9;
  for (unsigned f = 0; f <= NPE_RECUR_MAX_FRAC_BITS; f++) {
    for (int i = 0; i < 2000; i++) {
      int32_t v = (int32_t)(uint32_t)rng_next(&s);
      double x = npe_recur_fix_to_double(v, f);
      ck_assert_double_eq(x, ldexp((double)v, -(int)f));
      ck_assert_int_eq(npe_recur_fix_from_double(x, f, &q), NPE_OK);
      ck_assert_int_eq(q, v); /* round trip */
      /* a quarter ulp either side rounds back; a random real rounds to nearest */
      double u = ldexp(1.0, -(int)f);
      ck_assert_int_eq(npe_recur_fix_from_double(x + 0.25 * u, f, &q), NPE_OK);
      ck_assert_int_eq(q, v);
      ck_assert_int_eq(npe_recur_fix_from_double(x - 0.25 * u, f, &q), NPE_OK);
      ck_assert_int_eq(q, v);
      double y = ((double)(rng_next(&s) >> 11) / 9007199254740992.0 - 0.5) * 4.0;
      ck_assert_int_eq(npe_recur_fix_from_double(y, f, &q), NPE_OK);
      double want = nearbyint(ldexp(y, (int)f));
      want = want > INT32_MAX ? INT32_MAX : want < INT32_MIN ? INT32_MIN : want;
      ck_assert_double_eq((double)q, want);
    }
  }
  ck_assert_double_eq(npe_recur_fix_to_double(1 << 30, NPE_RECUR_GATE_FRAC), 1.0);
  ck_assert_double_eq(npe_recur_fix_to_double(INT32_MIN, NPE_RECUR_GATE_FRAC), -2.0);
  ck_assert_double_eq(npe_recur_fix_to_double(-4, 40), -4.0 / 2147483648.0); /* F > 31: 31 */
  /* errors: nothing written */
  q = 123;
  ck_assert_int_eq(npe_recur_gate_from_double(NAN, &q), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_recur_fix_from_double(NAN, 8, &q), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_recur_fix_from_double(1.0, 32, &q), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(q, 123);
  ck_assert_int_eq(npe_recur_gate_from_double(1.0, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_fix_from_double(1.0, 8, NULL), NPE_ERR_INVALID_ARG);
}
END_TEST

/* The float64 reference: exact where doubles are exact, and close to the
 * integer model for a well-scaled contractive recurrence. */
START_TEST(reference_and_integer_agree) {
  enum { T = 300, H = 5, F = 16 };
  static int32_t a[T * H], b[T * H], out[T * H];
  static double ad[T * H], bd[T * H], outd[T * H];
  int32_t st[H] = {0};
  double std[H] = {0};
  uint64_t s = 3;
  for (int i = 0; i < T * H; i++) {
    double x = (double)(rng_next(&s) >> 11) / 9007199254740992.0; /* [0, 1) */
    double y = (double)(rng_next(&s) >> 11) / 9007199254740992.0 * 2 - 1;
    ck_assert_int_eq(npe_recur_gate_from_double(1.9 * x - 0.95, &a[i]), NPE_OK);
    ck_assert_int_eq(npe_recur_fix_from_double(y, F, &b[i]), NPE_OK);
    ad[i] = npe_recur_fix_to_double(a[i], NPE_RECUR_GATE_FRAC);
    bd[i] = npe_recur_fix_to_double(b[i], F);
  }
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, out), NPE_OK);
  ck_assert_int_eq(npe_recur_diag_ref(T, H, ad, bd, std, outd), NPE_OK);
  double mx = 0;
  for (int i = 0; i < T * H; i++) {
    double d = fabs(npe_recur_fix_to_double(out[i], F) - outd[i]);
    if (d > mx) mx = d;
  }
  /* each step adds at most half an ulp (2^-17); |a| <= 0.95 damps the sum to
   * at most 2^-17 / 0.05 */
  ck_assert_msg(mx <= ldexp(1.0, -17) / 0.05, "max error %g", mx);
  ck_assert(mx > 0); /* the rounding did happen */
  /* exact case: a = 1, b small integers: a running sum */
  double st1[1] = {0.5}, a1[4] = {1, 1, 1, 1}, b1[4] = {1, 2, 3, 4}, o1[4];
  ck_assert_int_eq(npe_recur_diag_ref(4, 1, a1, b1, st1, o1), NPE_OK);
  ck_assert_double_eq(o1[3], 10.5);
  ck_assert_double_eq(st1[0], 10.5);
  ck_assert_int_eq(npe_recur_diag_ref(0, 1, a1, b1, st1, o1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_ref(4, 0, a1, b1, st1, o1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_ref(4, 1, NULL, b1, st1, o1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_ref(4, 1, a1, NULL, st1, o1), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_diag_ref(4, 1, a1, b1, NULL, o1), NPE_ERR_INVALID_ARG);
  ck_assert_double_eq(st1[0], 10.5);
}
END_TEST

Suite *recur_suite(void) {
  Suite *s = suite_create("recur");
  TCase *tc = tcase_create("diag");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, step_edges_exhaustive);
  tcase_add_test(tc, step_hand_values);
  tcase_add_test(tc, step_every_tie);
  tcase_add_test(tc, step_special_gates);
  tcase_add_test(tc, step_random);
  tcase_add_test(tc, seq_matches_steps);
  tcase_add_test(tc, conversions);
  tcase_add_test(tc, reference_and_integer_agree);
  suite_add_tcase(s, tc);
  return s;
}
