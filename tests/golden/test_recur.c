/* SPDX-License-Identifier: Apache-2.0 */
/* The recurrence unit's golden model (npe_recur.h): the DIAG step against an
 * independent oracle (truncating division and a symmetric tie rule instead
 * of floor and mask) over every edge case and a million random inputs, hand
 * computed values, the sequence function, the float conversions and the
 * float64 reference, and every bad input. GRU / LSTM: sigma and tanh
 * against libm over every input in [-2^20, 2^20] and a table rebuilt here,
 * the saturating arithmetic and the conversions by hand and against
 * oracles, the cells against torch's equations in double, the sequence
 * against a loop of the cells over an independent exact mat-vec, and every
 * bad input. HGRN: the step against an independent oracle (edges, a
 * million random), the sequence against the float64 cell within a derived
 * bound, and bad input. NPE_RECUR_REPORT=1 prints the measured error bounds. */
#include <float.h>
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

/* ======================================================================== */
/* GRU / LSTM (MODE 1 / 2)                                                   */
/* ======================================================================== */

/* Check's ck_assert_* record every passing assertion (a write per call):
 * the loops below that run millions of times test with this instead. */
#define FAST_ASSERT(cond)                                    \
  do {                                                       \
    if (!(cond)) ck_abort_msg("assertion failed: %s", #cond); \
  } while (0)

static double q16(int32_t v) { return (double)v / 65536.0; }
static int report(void) { return getenv("NPE_RECUR_REPORT") != NULL; }
static int32_t rnd32(uint64_t *s) { return (int32_t)(uint32_t)(rng_next(s) >> 32); }
/* uniform in [-m, m] (raw Q15.16), m < 2^31 */
static int32_t rnd_range(uint64_t *s, int32_t m) {
  return (int32_t)((int64_t)(rng_next(s) % (2 * (uint64_t)m + 1)) - m);
}

/* The measured worst errors this file asserts (docs/RECUR.md states them):
 * inside the table's range (sigma: |x| < 8, tanh: |x| < 4) and beyond it,
 * where the output stops at S[0] / S[256] = (1 -) 3.357e-4. */
#define ES_IN 6e-5
#define ET_IN 1.2e-4
#define ES_OUT 3.36e-4
#define ET_OUT 6.72e-4

/* The table, rebuilt here from its definition with libm. */
static int32_t ref_tab[257];
static void build_ref_tab(void) {
  for (int j = 0; j <= 256; j++)
    ref_tab[j] = (int32_t)nearbyint(65536.0 / (1.0 + exp(-(j / 16.0 - 8.0))));
}

/* sigma by the spec, written another way: the clamp on u, division for the
 * shifts (d f + 2^11 >= 0 because the table rises, checked in sig_table). */
static int32_t ref_sigmoid(int32_t x) {
  int64_t u = (int64_t)x + 524288;
  u = u < 0 ? 0 : u > 1048575 ? 1048575 : u;
  int64_t j = u / 4096, f = u % 4096, d = ref_tab[j + 1] - ref_tab[j];
  return (int32_t)(ref_tab[j] + (d * f + 2048) / 4096);
}

START_TEST(sig_table) {
  build_ref_tab();
  ck_assert_int_eq(ref_tab[0], 22);
  ck_assert_int_eq(ref_tab[128], 32768);
  ck_assert_int_eq(ref_tab[256], 65514);
  for (int j = 0; j <= 256; j++) {
    if (j) ck_assert_int_ge(ref_tab[j], ref_tab[j - 1]);
    ck_assert_int_eq(ref_tab[j] + ref_tab[256 - j], 65536); /* sigma(-x) = 1 - sigma(x) */
  }
  /* the model's table at the knots (f = 0) and the last entry */
  for (int j = 0; j < 256; j++) ck_assert_int_eq(npe_recur_sigmoid(-524288 + 4096 * j), ref_tab[j]);
  ck_assert_int_eq(npe_recur_sigmoid(524287), ref_tab[255] + (((ref_tab[256] - ref_tab[255]) * 4095 + 2048) >> 12));
  /* the interpolation, every input of [-2^20, 2^20] and samples of the rest */
  for (int32_t x = -(1 << 20); x <= (1 << 20); x++)
    if (npe_recur_sigmoid(x) != ref_sigmoid(x))
      ck_abort_msg("sigma(%d) = %d, want %d", x, npe_recur_sigmoid(x), ref_sigmoid(x));
  uint64_t s = 17;
  for (int i = 0; i < 200000; i++) {
    int32_t x = rnd32(&s);
    FAST_ASSERT(npe_recur_sigmoid(x) == ref_sigmoid(x));
  }
  /* the RTL's copy holds the same numbers (tests run from the repository root) */
  FILE *f = fopen("rtl/engine/npe_recur_sig_pkg.sv", "r");
  ck_assert_msg(f != NULL, "rtl/engine/npe_recur_sig_pkg.sv not found");
  char line[256];
  int seen = 0, dflt = 0;
  while (fgets(line, sizeof line, f)) {
    int j, v;
    if (sscanf(line, " 9'd%d: sig_tab = 17'd%d;", &j, &v) == 2) {
      ck_assert_int_eq(j, seen);
      ck_assert_int_eq(v, ref_tab[j]);
      seen++;
    } else if (sscanf(line, " default: sig_tab = 17'd%d;", &v) == 1) {
      ck_assert_int_eq(v, ref_tab[256]);
      dflt = 1;
    }
  }
  fclose(f);
  ck_assert_int_eq(seen, 256);
  ck_assert(dflt);
}
END_TEST

/* Against libm: every Q15.16 input of [-16, 16]. */
START_TEST(sig_tanh_accuracy) {
  double es_in = 0, es_out = 0, et_in = 0, et_out = 0;
  int32_t xs = 0, xt = 0;
  for (int32_t x = -(1 << 20); x <= (1 << 20); x++) {
    double xr = q16(x);
    double es = fabs(q16(npe_recur_sigmoid(x)) - 1.0 / (1.0 + exp(-xr)));
    double et = fabs(q16(npe_recur_tanh(x)) - tanh(xr));
    if (x >= -(1 << 19) && x < (1 << 19)) {
      if (es > es_in) es_in = es, xs = x;
    } else if (es > es_out) {
      es_out = es;
    }
    if (x >= -(1 << 18) && x < (1 << 18)) {
      if (et > et_in) et_in = et, xt = x;
    } else if (et > et_out) {
      et_out = et;
    }
  }
  if (report())
    printf("recur: max |error| sigma %.3g (at x = %.6f) inside [-8, 8), %.4g beyond; "
           "tanh %.3g (at x = %.6f) inside [-4, 4), %.4g beyond\n",
           es_in, q16(xs), es_out, et_in, q16(xt), et_out);
  ck_assert_msg(es_in < ES_IN, "sigma error %g", es_in);
  ck_assert_msg(et_in < ET_IN, "tanh error %g", et_in);
  ck_assert_msg(es_out < ES_OUT, "sigma error beyond the table %g", es_out);
  ck_assert_msg(et_out < ET_OUT, "tanh error beyond the table %g", et_out);
  ck_assert(es_out > 3.3e-4 && et_out > 6.6e-4); /* the saturation is what bounds it there */
}
END_TEST

START_TEST(sig_tanh_ends_and_shape) {
  ck_assert_int_eq(npe_recur_sigmoid(INT32_MIN), 22);
  ck_assert_int_eq(npe_recur_sigmoid(-524288), 22);
  ck_assert_int_eq(npe_recur_sigmoid(-524289), 22);
  ck_assert_int_eq(npe_recur_sigmoid(INT32_MAX), 65514);
  ck_assert_int_eq(npe_recur_sigmoid(524287), 65514);
  ck_assert_int_eq(npe_recur_sigmoid(524288), 65514);
  ck_assert_int_eq(npe_recur_sigmoid(0), 32768);
  ck_assert_int_eq(npe_recur_tanh(0), 0);
  ck_assert_int_eq(npe_recur_tanh(INT32_MIN), -65492);
  ck_assert_int_eq(npe_recur_tanh(INT32_MAX), 65492);
  ck_assert_int_eq(npe_recur_tanh(1 << 30), 65492);       /* 2x saturates */
  ck_assert_int_eq(npe_recur_tanh(-(1 << 30) - 1), -65492);
  ck_assert_int_eq(npe_recur_tanh(262143), 65492);        /* 2x = 2^19 - 2: j 255, f 4094 */
  ck_assert_int_eq(npe_recur_tanh(-262144), -65492);
  /* monotone, and sigma(x) + sigma(-x) is 1 or 1 + 2^-16 (round half up) */
  int32_t ps = npe_recur_sigmoid(-(1 << 20) - 1), pt = npe_recur_tanh(-(1 << 20) - 1);
  for (int32_t x = -(1 << 20); x <= (1 << 20); x++) {
    int32_t sg = npe_recur_sigmoid(x), th = npe_recur_tanh(x);
    if (sg < ps || th < pt) ck_abort_msg("not monotone at x = %d", x);
    int32_t sum = sg + npe_recur_sigmoid(-x);
    if (sum != 65536 && sum != 65537) ck_abort_msg("sigma(%d) + sigma(-x) = %d", x, sum);
    int32_t odd = th + npe_recur_tanh(-x);
    if (odd < 0 || odd > 2) ck_abort_msg("tanh(%d) + tanh(-x) = %d", x, odd);
    ps = sg, pt = th;
  }
  /* the whole int32 range, coarsely: monotone and saturated beyond +-8 / +-4 */
  ps = npe_recur_sigmoid(INT32_MIN), pt = npe_recur_tanh(INT32_MIN);
  for (int64_t x = INT32_MIN; x <= INT32_MAX; x += 65521) {
    int32_t sg = npe_recur_sigmoid((int32_t)x), th = npe_recur_tanh((int32_t)x);
    FAST_ASSERT(sg >= ps && th >= pt);
    FAST_ASSERT(x > -(1 << 19) || sg == 22);
    FAST_ASSERT(x < (1 << 19) || sg == 65514);
    FAST_ASSERT(x > -(1 << 18) || th == -65492);
    FAST_ASSERT(x < (1 << 18) || th == 65492);
    ps = sg, pt = th;
  }
}
END_TEST

START_TEST(fix_arith_hand) {
  const int32_t mx = INT32_MAX, mn = INT32_MIN;
  ck_assert_int_eq(npe_recur_add(5, -7), -2);
  ck_assert_int_eq(npe_recur_add(mx, 1), mx);
  ck_assert_int_eq(npe_recur_add(mx, mx), mx);
  ck_assert_int_eq(npe_recur_add(mn, -1), mn);
  ck_assert_int_eq(npe_recur_add(mn, mn), mn);
  ck_assert_int_eq(npe_recur_add(mx, mn), -1);
  ck_assert_int_eq(npe_recur_add(mx - 1, 1), mx); /* exactly, no saturation */
  ck_assert_int_eq(npe_recur_sub(-5, 3), -8);
  ck_assert_int_eq(npe_recur_sub(mn, 1), mn);
  ck_assert_int_eq(npe_recur_sub(0, mn), mx);
  ck_assert_int_eq(npe_recur_sub(-1, mn), mx); /* 2^31 - 1 exactly */
  ck_assert_int_eq(npe_recur_sub(mx, -1), mx);
  ck_assert_int_eq(npe_recur_sub(mn, mx), mn);
  ck_assert_int_eq(npe_recur_sub(mx, mx), 0);
  /* mul: a b / 2^16, ties to even */
  ck_assert_int_eq(npe_recur_mul(65536, 12345), 12345);      /* 1.0 x */
  ck_assert_int_eq(npe_recur_mul(-65536, 12345), -12345);
  ck_assert_int_eq(npe_recur_mul(98304, 98304), 147456);     /* 1.5 * 1.5 = 2.25 */
  ck_assert_int_eq(npe_recur_mul(1, 32768), 0);              /* 0.5 ulp: to 0 */
  ck_assert_int_eq(npe_recur_mul(3, 32768), 2);              /* 1.5: to 2 */
  ck_assert_int_eq(npe_recur_mul(5, 32768), 2);              /* 2.5: to 2 */
  ck_assert_int_eq(npe_recur_mul(7, 32768), 4);              /* 3.5: to 4 */
  ck_assert_int_eq(npe_recur_mul(-1, 32768), 0);             /* -0.5: to 0 */
  ck_assert_int_eq(npe_recur_mul(-3, 32768), -2);            /* -1.5: to -2 */
  ck_assert_int_eq(npe_recur_mul(-5, 32768), -2);            /* -2.5: to -2 */
  ck_assert_int_eq(npe_recur_mul(1, 32769), 1);              /* just above half */
  ck_assert_int_eq(npe_recur_mul(1, 32767), 0);              /* just below */
  ck_assert_int_eq(npe_recur_mul(-1, 32769), -1);
  ck_assert_int_eq(npe_recur_mul(-1, 32767), 0);
  ck_assert_int_eq(npe_recur_mul(mn, 65536), mn);            /* -32768 * 1.0, exact */
  ck_assert_int_eq(npe_recur_mul(mn, -65536), mx);           /* 32768: saturates */
  ck_assert_int_eq(npe_recur_mul(mn, mn), mx);               /* 2^46 */
  ck_assert_int_eq(npe_recur_mul(mn, mx), mn);
  ck_assert_int_eq(npe_recur_mul(mx, mx), mx);
  ck_assert_int_eq(npe_recur_mul(1 << 24, 1 << 23), mx); /* 2^31: saturates */
  ck_assert_int_eq(npe_recur_mul(1 << 24, (1 << 23) - 1), (int32_t)(((int64_t)1 << 31) - 256));
  ck_assert_int_eq(npe_recur_mul(0, mn), 0);
}
END_TEST

/* mul against an oracle in the style of the DIAG one (truncated quotient,
 * symmetric tie rule, __int128). */
static int32_t mul_oracle(int32_t a, int32_t b) {
  const int64_t one = 65536;
  int64_t p = (int64_t)a * b, q = p / one, r = p % one;
  int64_t r2 = r < 0 ? -2 * r : 2 * r;
  if (r2 > one || (r2 == one && q % 2 != 0)) q += p < 0 ? -1 : 1;
  return q > INT32_MAX ? INT32_MAX : q < INT32_MIN ? INT32_MIN : (int32_t)q;
}

START_TEST(fix_mul_oracle) {
  static const int32_t e[] = {INT32_MIN, INT32_MIN + 1, -(1 << 24), -65537, -65536, -32769, -32768,
                              -32767, -3, -2, -1, 0, 1, 2, 3, 32767, 32768, 32769, 65535, 65536,
                              65537, 1 << 24, (1 << 24) + 1, INT32_MAX - 1, INT32_MAX};
  const int ne = (int)(sizeof e / sizeof e[0]);
  for (int i = 0; i < ne; i++)
    for (int j = 0; j < ne; j++) {
      ck_assert_int_eq(npe_recur_mul(e[i], e[j]), mul_oracle(e[i], e[j]));
      int64_t sum = (int64_t)e[i] + e[j], dif = (int64_t)e[i] - e[j];
      ck_assert_int_eq(npe_recur_add(e[i], e[j]), sum > INT32_MAX ? INT32_MAX : sum < INT32_MIN ? INT32_MIN : sum);
      ck_assert_int_eq(npe_recur_sub(e[i], e[j]), dif > INT32_MAX ? INT32_MAX : dif < INT32_MIN ? INT32_MIN : dif);
    }
  uint64_t s = 23;
  for (int i = 0; i < 1000000; i++) {
    int32_t a = rnd32(&s), b = rnd32(&s);
    if (i & 1) a >>= 12;
    if (i & 2) b >>= 8;
    if (i % 7 == 0) b = (b & ~0xffff) | 0x8000; /* a tie when a is odd */
    if (npe_recur_mul(a, b) != mul_oracle(a, b))
      ck_abort_msg("mul(%d, %d) = %d, want %d", a, b, npe_recur_mul(a, b), mul_oracle(a, b));
  }
}
END_TEST

static float f32_bits(uint32_t u) {
  float f;
  memcpy(&f, &u, sizeof f);
  return f;
}

/* acc_to_fix's oracle: long double holds v 2^s exactly, nearbyintl rounds
 * it to nearest even in the default rounding mode. */
static int32_t acc_oracle(float v, int s) {
  if (isnan(v)) return 0;
  long double y = nearbyintl(ldexpl((long double)v, s));
  return y >= 2147483647.0L ? INT32_MAX : y <= -2147483648.0L ? INT32_MIN : (int32_t)y;
}

START_TEST(acc_to_fix_cases) {
  const int32_t mx = INT32_MAX, mn = INT32_MIN;
  ck_assert_int_eq(npe_recur_acc_to_fix(NAN, 0), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(-NAN, 31), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(f32_bits(0x7f800001u), -32), 0); /* signalling NaN */
  ck_assert_int_eq(npe_recur_acc_to_fix(f32_bits(0xffc00000u), 5), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(INFINITY, 0), mx);
  ck_assert_int_eq(npe_recur_acc_to_fix(-INFINITY, 0), mn);
  ck_assert_int_eq(npe_recur_acc_to_fix(INFINITY, -32), mx);
  ck_assert_int_eq(npe_recur_acc_to_fix(-INFINITY, -32), mn);
  /* ties to even at shift 0 */
  ck_assert_int_eq(npe_recur_acc_to_fix(0.5f, 0), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(1.5f, 0), 2);
  ck_assert_int_eq(npe_recur_acc_to_fix(2.5f, 0), 2);
  ck_assert_int_eq(npe_recur_acc_to_fix(-0.5f, 0), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(-1.5f, 0), -2);
  ck_assert_int_eq(npe_recur_acc_to_fix(-2.5f, 0), -2);
  ck_assert_int_eq(npe_recur_acc_to_fix(-3.5f, 0), -4);
  ck_assert_int_eq(npe_recur_acc_to_fix(0.49999997f, 0), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(0.50000006f, 0), 1);
  ck_assert_int_eq(npe_recur_acc_to_fix(-0.0f, 0), 0);
  ck_assert_int_eq(npe_recur_acc_to_fix(1.25f, 0), 1);
  ck_assert_int_eq(npe_recur_acc_to_fix(-1.75f, 0), -2);
  /* the int32 ends at shift 0 */
  ck_assert_int_eq(npe_recur_acc_to_fix(2147483520.0f, 0), 2147483520); /* largest float < 2^31 */
  ck_assert_int_eq(npe_recur_acc_to_fix(2147483648.0f, 0), mx);
  ck_assert_int_eq(npe_recur_acc_to_fix(-2147483648.0f, 0), mn);          /* exactly INT32_MIN */
  ck_assert_int_eq(npe_recur_acc_to_fix(-2147483904.0f, 0), mn);
  ck_assert_int_eq(npe_recur_acc_to_fix(FLT_MAX, 0), mx);
  ck_assert_int_eq(npe_recur_acc_to_fix(-FLT_MAX, 0), mn);
  /* shift -32 */
  ck_assert_int_eq(npe_recur_acc_to_fix(4294967296.0f, -32), 1);
  ck_assert_int_eq(npe_recur_acc_to_fix(2147483648.0f, -32), 0);          /* 0.5: to 0 */
  ck_assert_int_eq(npe_recur_acc_to_fix(6442450944.0f, -32), 2);          /* 1.5: to 2 */
  ck_assert_int_eq(npe_recur_acc_to_fix(-10737418240.0f, -32), -2);       /* -2.5: to -2 */
  ck_assert_int_eq(npe_recur_acc_to_fix(FLT_MAX, -32), mx);               /* 2^96 */
  ck_assert_int_eq(npe_recur_acc_to_fix(-FLT_MAX, -32), mn);
  ck_assert_int_eq(npe_recur_acc_to_fix(1.0e9f, -32), 0);
  /* shift 31 */
  ck_assert_int_eq(npe_recur_acc_to_fix(1.0f, 31), mx);                   /* 2^31 saturates */
  ck_assert_int_eq(npe_recur_acc_to_fix(-1.0f, 31), mn);                  /* -2^31 exact */
  ck_assert_int_eq(npe_recur_acc_to_fix(0.5f, 31), 1 << 30);
  ck_assert_int_eq(npe_recur_acc_to_fix(0x1p-31f, 31), 1);
  ck_assert_int_eq(npe_recur_acc_to_fix(0x1p-32f, 31), 0);                /* 0.5 */
  ck_assert_int_eq(npe_recur_acc_to_fix(0x3p-32f, 31), 2);                /* 1.5 */
  ck_assert_int_eq(npe_recur_acc_to_fix(0x1p-149f, 31), 0);               /* smallest subnormal */
  ck_assert_int_eq(npe_recur_acc_to_fix(3.0e38f, 31), mx);
  ck_assert_int_eq(npe_recur_acc_to_fix(-3.0e38f, 31), mn);
  ck_assert_int_eq(npe_recur_acc_to_fix(0.99999994f, 31), 2147483520);    /* 2^31 - 128: fits */
  ck_assert_int_eq(npe_recur_acc_to_fix(0.99999994f, 30), (1 << 30) - 64);
  /* outside -32..31: the nearest end */
  ck_assert_int_eq(npe_recur_acc_to_fix(0x3p-32f, 40), 2);
  ck_assert_int_eq(npe_recur_acc_to_fix(6442450944.0f, -50), 2);
  ck_assert_int_eq(npe_recur_acc_to_fix(6442450944.0f, INT32_MIN), 2);
  ck_assert_int_eq(npe_recur_acc_to_fix(0x3p-32f, INT32_MAX), 2);
  /* every shift, random bit patterns (NaN, Inf, subnormal included) */
  uint64_t s = 31;
  for (int sh = -32; sh <= 31; sh++)
    for (int i = 0; i < 40000; i++) {
      uint32_t u = (uint32_t)(rng_next(&s) >> 32);
      if (i & 1) u = (u & 0x807fffffu) | ((uint32_t)(127 - sh + (int)(rng_next(&s) % 40) - 20) << 23);
      if (i % 5 == 0) u = (u & ~0x3fffu) | (i % 3 == 0 ? 0 : 0x2000u); /* halves */
      float v = f32_bits(u);
      if (npe_recur_acc_to_fix(v, sh) != acc_oracle(v, sh))
        ck_abort_msg("acc_to_fix(%a, %d) = %d, want %d", (double)v, sh, npe_recur_acc_to_fix(v, sh),
                     acc_oracle(v, sh));
    }
}
END_TEST

static const npe_fmt a_fmts[] = {NPE_FMT_FP4, NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16,
                                 NPE_FMT_INT8};

/* The code of h as the spec writes it, with npe_encode() directly. */
static uint32_t ref_h_code(npe_fmt f, int32_t h, unsigned hshift) {
  const int32_t lim = (1 << 24) - 1;
  int32_t hc = h < -lim ? -lim : h > lim ? lim : h;
  uint32_t code = 0xdead;
  FAST_ASSERT(npe_encode(f, ldexp((double)hc, (int)hshift - 16), &code) == NPE_OK);
  return code;
}

START_TEST(h_code_cases) {
  static const int32_t e[] = {INT32_MIN, -(1 << 24) - 1, -(1 << 24), -(1 << 24) + 1, -65536, -32768,
                              -1, 0, 1, 2, 3, 32768, 49152, 65536, 98304, (1 << 24) - 1, 1 << 24,
                              (1 << 24) + 1, INT32_MAX};
  uint64_t s = 41;
  uint32_t code;
  for (size_t fi = 0; fi < sizeof a_fmts / sizeof a_fmts[0]; fi++) {
    npe_fmt f = a_fmts[fi];
    for (unsigned hs = 0; hs <= 15; hs++) {
      for (size_t i = 0; i < sizeof e / sizeof e[0]; i++) {
        code = 0xdead;
        ck_assert_int_eq(npe_recur_h_code(f, e[i], hs, &code), NPE_OK);
        ck_assert_uint_eq(code, ref_h_code(f, e[i], hs));
      }
      for (int i = 0; i < 5000; i++) {
        int32_t h = rnd32(&s) >> (rng_next(&s) % 31);
        FAST_ASSERT(npe_recur_h_code(f, h, hs, &code) == NPE_OK);
        FAST_ASSERT(code == ref_h_code(f, h, hs));
      }
      /* the clamp: beyond +-(2^24 - 1) the code is that of +-(2^24 - 1) */
      uint32_t cmax, cmin;
      ck_assert_int_eq(npe_recur_h_code(f, (1 << 24) - 1, hs, &cmax), NPE_OK);
      ck_assert_int_eq(npe_recur_h_code(f, -(1 << 24) + 1, hs, &cmin), NPE_OK);
      for (int32_t h = 1 << 24; h > 0 && h <= INT32_MAX - (1 << 22); h += 1 << 22) {
        FAST_ASSERT(npe_recur_h_code(f, h, hs, &code) == NPE_OK && code == cmax);
        FAST_ASSERT(npe_recur_h_code(f, -h, hs, &code) == NPE_OK && code == cmin);
      }
    }
  }
  /* where the clamp shows: posit16 (maxpos 2^28) at HSHIFT 15 codes h =
   * INT32_MAX as 2^23, not as maxpos, which the unclamped 2^30 would give */
  uint32_t c23, cmaxpos;
  ck_assert_int_eq(npe_encode(NPE_FMT_POSIT16, 0x1p23, &c23), NPE_OK);
  ck_assert_int_eq(npe_encode(NPE_FMT_POSIT16, 0x1p30, &cmaxpos), NPE_OK);
  ck_assert_uint_ne(c23, cmaxpos);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_POSIT16, INT32_MAX, 15, &code), NPE_OK);
  ck_assert_uint_eq(code, c23);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_POSIT16, INT32_MIN, 15, &code), NPE_OK);
  ck_assert_int_eq(npe_encode(NPE_FMT_POSIT16, -0x1p23, &c23), NPE_OK);
  ck_assert_uint_eq(code, c23);
  /* by hand: int8 at HSHIFT 7 is h * 128 rounded to even and saturated */
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 65536 / 2, 7, &code), NPE_OK); /* 0.5 -> 64 */
  ck_assert_uint_eq(code, 64);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 1280, 7, &code), NPE_OK); /* 2.5 -> 2 */
  ck_assert_uint_eq(code, 2);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 768, 7, &code), NPE_OK); /* 1.5 -> 2 */
  ck_assert_uint_eq(code, 2);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, -1280, 7, &code), NPE_OK); /* -2.5 -> -2 */
  ck_assert_uint_eq(code, 0xfe);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, -65536, 7, &code), NPE_OK); /* -128 */
  ck_assert_uint_eq(code, 0x80);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 65536, 7, &code), NPE_OK); /* 128 -> 127 */
  ck_assert_uint_eq(code, 0x7f);
  /* errors: nothing written */
  code = 0x5a5a;
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_TERNARY, 65536, 0, &code), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_COUNT, 65536, 0, &code), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_h_code((npe_fmt)-1, 65536, 0, &code), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 65536, 16, &code), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 65536, 1000, &code), NPE_ERR_INVALID_ARG);
  ck_assert_uint_eq(code, 0x5a5a);
  ck_assert_int_eq(npe_recur_h_code(NPE_FMT_INT8, 65536, 0, NULL), NPE_ERR_INVALID_ARG);
}
END_TEST

/* Error allowances of the table functions at a (computed) argument. */
static double e_sig(int32_t a) { return a >= -(1 << 19) && a < (1 << 19) ? ES_IN : ES_OUT; }
static double e_tanh(int32_t a) { return a >= -(1 << 18) && a < (1 << 18) ? ET_IN : ET_OUT; }
static double sigd(double x) { return 1.0 / (1.0 + exp(-x)); }

/*
 * The cells against torch's equations in double (exact exp and tanh of the
 * same Q15.16 inputs). The bound, per sample, from the error of each step
 * (e_s, e_t: the table's at the computed argument; a product rounds by at
 * most 2^-17; tanh and sigma are 1- and 1/4-Lipschitz, used as 1; gates
 * and tanh lie in [0, 1] / [-1, 1]):
 *   GRU:  dr = e_s(r arg), dz = e_s(z arg), dn = e_t(n arg) + |p2 + x3| dr + 2^-17,
 *         dh' <= dn + dz (|h| + 1) + 2^-17
 *   LSTM: dc' <= e_s(f arg) |c| + e_s(i arg) + e_t(g arg) + 2^-16,
 *         dh' <= e_s(o arg) + e_t(c') + dc' + 2^-17
 * With every argument inside the table that is, for the GRU, 1.2e-4 + 6e-5
 * (|p2 + x3| + |h| + 1) + 2^-16, and for the LSTM 2.4e-4 + 6e-5 (|c| + 2) +
 * 3 2^-17. Inputs stay below 2^13 in magnitude so no add saturates (then
 * the ideal is not torch's).
 */
START_TEST(cells_vs_torch) {
  const double u17 = 0x1p-17;
  uint64_t s = 53;
  double worst_ratio = 0, gru_typ = 0, lstm_typ = 0, gru_in = 0, lstm_in = 0, ratio_in = 0;
  for (int i = 0; i < 400000; i++) {
    int wide = i & 1; /* typical ranges, or up to 2^13 */
    int32_t rx = wide ? (1 << 29) : 4 << 16, rp = wide ? (1 << 29) : 4 << 16;
    int32_t rh = wide ? (1 << 29) : 2 << 16;
    int32_t p[4], x[4], h = rnd_range(&s, rh), c = rnd_range(&s, rh);
    for (int k = 0; k < 4; k++) p[k] = rnd_range(&s, rp), x[k] = rnd_range(&s, rx);
    /* GRU */
    int32_t hg = 0x7777;
    npe_recur_gru_cell(p, x, h, &hg);
    double r = sigd(q16(x[0]) + q16(p[0])), z = sigd(q16(x[1]) + q16(p[1]));
    double a = q16(p[2]) + q16(x[3]);
    double n = tanh(q16(x[2]) + r * a);
    double want = (1 - z) * n + z * q16(h);
    int32_t rc = npe_recur_sigmoid(npe_recur_add(x[0], p[0]));
    int32_t an = npe_recur_add(x[2], npe_recur_mul(rc, npe_recur_add(p[2], x[3])));
    double dr = e_sig(npe_recur_add(x[0], p[0])), dz = e_sig(npe_recur_add(x[1], p[1]));
    double dn = e_tanh(an) + fabs(a) * dr + u17;
    double bound = dn + dz * (fabs(q16(h)) + 1) + u17 + 1e-9;
    double err = fabs(q16(hg) - want);
    if (err > bound) ck_abort_msg("GRU: error %g > bound %g (sample %d)", err, bound, i);
    if (err / bound > worst_ratio) worst_ratio = err / bound;
    if (!wide && err > gru_typ) gru_typ = err;
    if (dr == ES_IN && dz == ES_IN && e_tanh(an) == ET_IN) { /* every argument inside the table */
      if (err > gru_in) gru_in = err;
      if (err / bound > ratio_in) ratio_in = err / bound;
    }
    /* LSTM */
    int32_t hl = 0x7777, cl = 0x7777;
    npe_recur_lstm_cell(p, x, h, c, &hl, &cl);
    double ig = sigd(q16(x[0]) + q16(p[0])), fg = sigd(q16(x[1]) + q16(p[1]));
    double gg = tanh(q16(x[2]) + q16(p[2])), og = sigd(q16(x[3]) + q16(p[3]));
    double c2 = fg * q16(c) + ig * gg, h2 = og * tanh(c2);
    double dc = e_sig(npe_recur_add(x[1], p[1])) * fabs(q16(c)) + e_sig(npe_recur_add(x[0], p[0])) +
                e_tanh(npe_recur_add(x[2], p[2])) + 2 * u17 + 1e-9;
    double dh = e_sig(npe_recur_add(x[3], p[3])) + e_tanh(cl) + dc + u17 + 1e-9;
    double ec = fabs(q16(cl) - c2), eh = fabs(q16(hl) - h2);
    if (ec > dc) ck_abort_msg("LSTM c: error %g > bound %g (sample %d)", ec, dc, i);
    if (eh > dh) ck_abort_msg("LSTM h: error %g > bound %g (sample %d)", eh, dh, i);
    if (eh / dh > worst_ratio) worst_ratio = eh / dh;
    if (ec / dc > worst_ratio) worst_ratio = ec / dc;
    if (!wide && eh > lstm_typ) lstm_typ = eh;
    if (e_sig(npe_recur_add(x[0], p[0])) == ES_IN && e_sig(npe_recur_add(x[1], p[1])) == ES_IN &&
        e_tanh(npe_recur_add(x[2], p[2])) == ET_IN && e_sig(npe_recur_add(x[3], p[3])) == ES_IN &&
        e_tanh(cl) == ET_IN) {
      if (eh > lstm_in) lstm_in = eh;
      if (eh / dh > ratio_in) ratio_in = eh / dh;
    }
  }
  if (report())
    printf("recur: cells vs torch in double: max |h' error| %.3g (GRU), %.3g (LSTM) for inputs "
           "within +-4 and states within +-2; %.3g / %.3g with every argument inside the table "
           "(at most %.2f of the bound there); at most %.2f of the bound overall (tight where a "
           "gate saturates)\n",
           gru_typ, lstm_typ, gru_in, lstm_in, ratio_in, worst_ratio);
}
END_TEST

/* A few cells worked out by hand from the definition. */
START_TEST(cells_hand) {
  const int32_t z4[4] = {0, 0, 0, 0};
  int32_t h = 0x7777, c = 0x7777;
  /* all gates at sigma(0) = 1/2, n = tanh(0) = 0: h' = mul(1/2, h), ties to even */
  npe_recur_gru_cell(z4, z4, 3, &h);
  ck_assert_int_eq(h, 2); /* 1.5 */
  npe_recur_gru_cell(z4, z4, 5, &h);
  ck_assert_int_eq(h, 2); /* 2.5 */
  npe_recur_gru_cell(z4, z4, -65536, &h);
  ck_assert_int_eq(h, -32768);
  /* r multiplies (P_n + b_hn): x3 = -p2 cancels it, x2 = 0: n = 0 */
  const int32_t pg[3] = {0, 0, 1 << 20}, xg[4] = {0, 0, 0, -(1 << 20)};
  npe_recur_gru_cell(pg, xg, 4, &h);
  ck_assert_int_eq(h, 2);
  /* z saturated (x1 large): h' = n + mul(65514, h - n) with n = tanh(0) = 0 */
  const int32_t xz[4] = {0, INT32_MAX, 0, 0};
  npe_recur_gru_cell(z4, xz, 65536, &h);
  ck_assert_int_eq(h, 65514);
  /* saturating state: h = INT32_MAX stays, h = INT32_MIN too (z = 65514 / 2^16) */
  npe_recur_gru_cell(z4, xz, INT32_MAX, &h);
  ck_assert_int_eq(h, npe_recur_mul(65514, INT32_MAX));
  /* LSTM at zero: c' = mul(1/2, c), h' = mul(1/2, tanh(c')) */
  npe_recur_lstm_cell(z4, z4, 12345, 7, &h, &c);
  ck_assert_int_eq(c, 4); /* 3.5 -> 4 */
  /* tanh(4 / 2^16) = 2 sigma(8 / 2^16) - 1 = 2 (32768 + (1024 * 8 + 2048 >> 12)) - 65536 = 4 */
  ck_assert_int_eq(npe_recur_tanh(4), 4);
  ck_assert_int_eq(h, 2);
  npe_recur_lstm_cell(z4, z4, 0, 0, &h, &c);
  ck_assert_int_eq(h, 0);
  ck_assert_int_eq(c, 0);
  /* forget gate shut (x1 = INT32_MIN: f = 22 / 2^16), input gate open, g = tanh(max) */
  const int32_t xl[4] = {INT32_MAX, INT32_MIN, INT32_MAX, INT32_MAX};
  npe_recur_lstm_cell(z4, xl, 0, 65536, &h, &c);
  ck_assert_int_eq(c, npe_recur_add(npe_recur_mul(22, 65536), npe_recur_mul(65514, 65492)));
  ck_assert_int_eq(h, npe_recur_mul(65514, npe_recur_tanh(c)));
  /* saturation of c: c = INT32_MAX with f = 65514, i g > 0 */
  const int32_t xs[4] = {INT32_MAX, INT32_MAX, INT32_MAX, INT32_MAX};
  npe_recur_lstm_cell(z4, xs, 0, INT32_MAX, &h, &c);
  ck_assert_int_eq(c, npe_recur_add(npe_recur_mul(65514, INT32_MAX), npe_recur_mul(65514, 65492)));
  ck_assert_int_eq(h, npe_recur_mul(65514, 65492));
  /* h is not read by the LSTM cell */
  int32_t h1, c1, h2, c2;
  npe_recur_lstm_cell(xl, xs, 0, 1000, &h1, &c1);
  npe_recur_lstm_cell(xl, xs, INT32_MIN, 1000, &h2, &c2);
  ck_assert(h1 == h2 && c1 == c2);
  /* NULL: nothing written, no crash */
  h = 99, c = 98;
  npe_recur_gru_cell(NULL, z4, 1, &h);
  npe_recur_gru_cell(z4, NULL, 1, &h);
  npe_recur_gru_cell(z4, z4, 1, NULL);
  npe_recur_lstm_cell(NULL, z4, 0, 1, &h, &c);
  npe_recur_lstm_cell(z4, NULL, 0, 1, &h, &c);
  npe_recur_lstm_cell(z4, z4, 0, 1, NULL, &c);
  npe_recur_lstm_cell(z4, z4, 0, 1, &h, NULL);
  ck_assert(h == 99 && c == 98);
}
END_TEST

/* ---- the sequence against a loop of the cells over an independent mat-vec ---- */

/* n valid weight patterns of f; NaR (posits) with probability nar / 1024 */
static void rnd_weights(npe_fmt f, uint32_t *w, size_t n, unsigned nar, uint64_t *s) {
  for (size_t k = 0; k < n; k++) {
    uint32_t p;
    double v;
    do p = random_pattern(f, s);
    while (npe_decode(f, p, &v) == NPE_OK && isnan(v) && rng_next(s) % 1024 >= nar);
    w[k] = p;
  }
}

/* |s| 2^scale rounded once to binary32 (nearest even), by hand */
static float i128_to_f32(__int128 v, int scale) {
  if (v == 0) return 0.0f;
  int neg = v < 0;
  unsigned __int128 m = neg ? -(unsigned __int128)v : (unsigned __int128)v;
  int top = 127;
  while (!((m >> top) & 1)) top--;
  int sh = top > 23 ? top - 23 : 0;
  unsigned __int128 q = m >> sh;
  if (sh) {
    unsigned __int128 rem = m & (((unsigned __int128)1 << sh) - 1), half = (unsigned __int128)1 << (sh - 1);
    if (rem > half || (rem == half && (q & 1))) q++; /* q <= 2^24: exact in float */
  }
  float r = ldexpf((float)(uint32_t)q, sh + scale);
  return neg ? -r : r;
}

/* v_o: decode every code (exact in double), value * 2^28 is an integer of
 * at most 2^56 for every format, so the dot product times 2^56 is exact in
 * __int128; NaR anywhere gives NaN. */
static float ref_dot(const double *hv, const double *wv, uint32_t n) {
  __int128 acc = 0;
  for (uint32_t j = 0; j < n; j++) {
    if (isnan(hv[j]) || isnan(wv[j])) return NAN;
    int64_t a = (int64_t)ldexp(hv[j], 28), b = (int64_t)ldexp(wv[j], 28);
    acc += (__int128)a * b;
  }
  return i128_to_f32(acc, -56);
}

typedef struct gcase {
  npe_recur_mode mode;
  npe_fmt fa, fb;
  unsigned hshift;
  int acc_shift;
  uint32_t n, t;
  unsigned nar;
  int scaled; /* ROWSCALE: 0 none, 1 the same scales every step, 2 scales per step */
} gcase;

/* The row scale's oracle: p s / 2^30 in __int128 as truncated quotient and
 * remainder, ties to even by comparing twice the remainder's magnitude with
 * the divisor, saturated (npe_recur_row_scale works on floor and mask). */
static int32_t row_scale_oracle(int32_t p, int32_t s) {
  __int128 prod = (__int128)p * s, d = (__int128)1 << 30;
  __int128 q = prod / d, r = prod % d; /* truncated: r has prod's sign */
  __int128 r2 = 2 * (r < 0 ? -r : r);
  int away = r2 > d || (r2 == d && (q % 2 != 0));
  if (away) q += prod < 0 ? -1 : 1;
  if (q > INT32_MAX) return INT32_MAX;
  if (q < INT32_MIN) return INT32_MIN;
  return (int32_t)q;
}

/* Runs one case through npe_recur_gated_seq() (with out, without, and in
 * two pieces) and through the reference loop; all must agree bit for bit. */
static void run_case(const gcase *g, uint64_t *s, long *p_live) {
  const uint32_t n = g->n, t = g->t, G = g->mode == NPE_RECUR_GRU ? 3 : 4;
  const int lstm = g->mode == NPE_RECUR_LSTM;
  size_t nw = (size_t)G * n * n;
  uint32_t *w = malloc(nw * sizeof *w);
  double *wv = malloc(nw * sizeof *wv);
  int32_t *x = malloc((size_t)t * n * 4 * sizeof *x);
  int32_t *out = malloc((size_t)t * n * sizeof *out), *ref_out = malloc((size_t)t * n * sizeof *out);
  int32_t *h0 = malloc(n * sizeof *h0), *c0 = malloc(n * sizeof *c0);
  int32_t *h = malloc(n * sizeof *h), *c = malloc(n * sizeof *c);
  int32_t *rh = malloc(n * sizeof *rh), *rc = malloc(n * sizeof *rc);
  int32_t *nh = malloc(n * sizeof *nh), *nc = malloc(n * sizeof *nc);
  double *hv = malloc(n * sizeof *hv);
  ck_assert(w && wv && x && out && ref_out && h0 && c0 && h && c && rh && rc && nh && nc && hv);
  rnd_weights(g->fb, w, nw, g->nar, s);
  for (size_t k = 0; k < nw; k++) FAST_ASSERT(npe_decode(g->fb, w[k], &wv[k]) == NPE_OK);
  for (size_t k = 0; k < (size_t)t * n * 4; k++) x[k] = rnd_range(s, 4 << 16);
  for (uint32_t j = 0; j < n; j++) h0[j] = rnd_range(s, 65536), c0[j] = rnd_range(s, 2 << 16);
  if (n > 2) h0[0] = INT32_MAX, h0[1] = INT32_MIN; /* the clamp */
  size_t sstep = g->scaled == 2 ? 4u * n : 0u;
  size_t ns = g->scaled == 2 ? (size_t)t * n * 4 : (size_t)n * 4;
  int32_t *sc = g->scaled ? malloc(ns * sizeof *sc) : NULL;
  ck_assert(!g->scaled || sc);
  for (size_t k = 0; sc && k < ns; k++) sc[k] = rng_q230_scale(s);

  /* the reference: codes of h_{t-1}, every P, then the cells into new arrays */
  memcpy(rh, h0, n * sizeof *rh);
  memcpy(rc, c0, n * sizeof *rc);
  for (uint32_t st = 0; st < t; st++) {
    for (uint32_t j = 0; j < n; j++)
      FAST_ASSERT(npe_decode(g->fa, ref_h_code(g->fa, rh[j], g->hshift), &hv[j]) == NPE_OK);
    for (uint32_t i = 0; i < n; i++) {
      int32_t p[4];
      for (uint32_t k = 0; k < G; k++) {
        p[k] = acc_oracle(ref_dot(hv, wv + ((size_t)G * i + k) * n, n), g->acc_shift);
        if (sc) p[k] = row_scale_oracle(p[k], sc[sstep * st + 4u * i + k]);
        *p_live += p[k] > -(8 << 16) && p[k] < (8 << 16) && p[k] != 0;
      }
      const int32_t *xr = x + 4 * ((size_t)st * n + i);
      if (lstm) npe_recur_lstm_cell(p, xr, rh[i], rc[i], &nh[i], &nc[i]);
      else npe_recur_gru_cell(p, xr, rh[i], &nh[i]);
    }
    memcpy(rh, nh, n * sizeof *rh);
    if (lstm) memcpy(rc, nc, n * sizeof *rc);
    memcpy(ref_out + (size_t)st * n, rh, n * sizeof *rh);
  }

  npe_recur_gated sq = {g->mode, g->fa, g->fb, g->hshift, g->acc_shift, n, t, w, x, sc, sstep};
  memcpy(h, h0, n * sizeof *h);
  memcpy(c, c0, n * sizeof *c);
  ck_assert_int_eq(npe_recur_gated_seq(&sq, h, lstm ? c : NULL, out), NPE_OK);
  ck_assert_mem_eq(out, ref_out, (size_t)t * n * sizeof *out);
  ck_assert_mem_eq(h, rh, n * sizeof *h);
  if (lstm) ck_assert_mem_eq(c, rc, n * sizeof *c);
  else ck_assert_mem_eq(c, c0, n * sizeof *c);
  /* without out */
  memcpy(h, h0, n * sizeof *h);
  memcpy(c, c0, n * sizeof *c);
  ck_assert_int_eq(npe_recur_gated_seq(&sq, h, lstm ? c : NULL, NULL), NPE_OK);
  ck_assert_mem_eq(h, rh, n * sizeof *h);
  if (lstm) ck_assert_mem_eq(c, rc, n * sizeof *c);
  /* in two pieces, the state carried (what KEEP does) */
  if (t > 1) {
    uint32_t t1 = t / 2;
    memcpy(h, h0, n * sizeof *h);
    memcpy(c, c0, n * sizeof *c);
    memset(out, 0, (size_t)t * n * sizeof *out);
    npe_recur_gated a = sq, b = sq;
    a.steps = t1;
    b.steps = t - t1;
    b.x = x + (size_t)t1 * n * 4;
    if (sc) b.scale = sc + sstep * t1;
    ck_assert_int_eq(npe_recur_gated_seq(&a, h, lstm ? c : NULL, out), NPE_OK);
    ck_assert_int_eq(npe_recur_gated_seq(&b, h, lstm ? c : NULL, out + (size_t)t1 * n), NPE_OK);
    ck_assert_mem_eq(out, ref_out, (size_t)t * n * sizeof *out);
    ck_assert_mem_eq(h, rh, n * sizeof *h);
    if (lstm) ck_assert_mem_eq(c, rc, n * sizeof *c);
  }
  free(w), free(wv), free(x), free(out), free(ref_out), free(h0), free(c0), free(h), free(c);
  free(rh), free(rc), free(nh), free(nc), free(hv), free(sc);
}

START_TEST(gated_seq_vs_loop) {
  static const struct {
    npe_fmt fa, fb;
    unsigned hshift; /* h of about 1 to a few units of the format */
    int wlog;        /* log2 of a typical |weight| */
  } pairs[] = {{NPE_FMT_FP4, NPE_FMT_FP4, 1, 1},         {NPE_FMT_POSIT4, NPE_FMT_POSIT4, 1, 0},
               {NPE_FMT_POSIT8, NPE_FMT_POSIT8, 2, 0},   {NPE_FMT_POSIT16, NPE_FMT_POSIT16, 4, 0},
               {NPE_FMT_INT8, NPE_FMT_INT8, 6, 6},       {NPE_FMT_INT8, NPE_FMT_TERNARY, 6, 0}};
  static const uint32_t shapes[][2] = {{1, 1}, {1, 4}, {2, 3}, {5, 2}, {37, 3}, {300, 2}};
  uint64_t s = 61;
  long live = 0, total = 0;
  for (size_t pi = 0; pi < sizeof pairs / sizeof pairs[0]; pi++)
    for (int mode = 1; mode <= 2; mode++)
      for (size_t si = 0; si < sizeof shapes / sizeof shapes[0]; si++)
        for (int v = 0; v < 3; v++) {
          gcase g = {(npe_recur_mode)mode, pairs[pi].fa, pairs[pi].fb, pairs[pi].hshift, 0,
                     shapes[si][0], shapes[si][1], 0, 0};
          int lg = 0;
          while ((1u << (2 * lg)) < g.n) lg++; /* log2 sqrt N */
          /* v 0: P of about 1.0; v 1: shifts at their ends, NaR weights; v 2: random shifts */
          g.acc_shift = 16 - (int)g.hshift - pairs[pi].wlog - lg;
          if (v == 1) g.hshift = si & 1 ? 15 : 0, g.acc_shift = si & 1 ? 31 : -32, g.nar = 40;
          if (v == 2)
            g.hshift = (unsigned)(rng_next(&s) % 16), g.acc_shift = (int)(rng_next(&s) % 64) - 32;
          run_case(&g, &s, &live);
          total += (long)g.t * g.n * (mode == 1 ? 3 : 4);
          g.scaled = 1 + (int)(rng_next(&s) % 2); /* the same case with row scales */
          long unused = 0;
          run_case(&g, &s, &unused);
        }
  /* the sensible cases did exercise the middle of the range */
  ck_assert_msg(live > total / 6, "only %ld of %ld P inside (-8, 8)", live, total);
}
END_TEST

/* The row scale against its oracle: every pair of 28 edge values, every
 * tie of several families, a million random pairs; the identities. */
START_TEST(row_scale_oracle_agrees) {
  static const int32_t e[] = {0, 1, -1, 2, -2, 3, -3, 1 << 29, -(1 << 29), (1 << 29) + 1,
                              (1 << 30) - 1, 1 << 30, -(1 << 30), (1 << 30) + 1, -(1 << 30) - 1,
                              INT32_MAX, INT32_MIN, INT32_MAX - 1, INT32_MIN + 1, 65536, -65536,
                              3 << 28, -(3 << 28), 12345678, -12345678, 1 << 15, (1 << 15) + 1,
                              -(1 << 15)};
  const size_t ne = sizeof e / sizeof e[0];
  for (size_t i = 0; i < ne; i++)
    for (size_t j = 0; j < ne; j++)
      ck_assert_msg(npe_recur_row_scale(e[i], e[j]) == row_scale_oracle(e[i], e[j]),
                    "p=%d s=%d: got %d, oracle %d", e[i], e[j], npe_recur_row_scale(e[i], e[j]),
                    row_scale_oracle(e[i], e[j]));
  /* hand values: s = 0.5 takes odd p to the even neighbour; 1.0 is the
   * identity, -1.0 negates (INT32_MIN saturates), 0 gives 0 */
  ck_assert_int_eq(npe_recur_row_scale(1, 1 << 29), 0);
  ck_assert_int_eq(npe_recur_row_scale(3, 1 << 29), 2);
  ck_assert_int_eq(npe_recur_row_scale(5, 1 << 29), 2);
  ck_assert_int_eq(npe_recur_row_scale(-3, 1 << 29), -2);
  ck_assert_int_eq(npe_recur_row_scale(7, 1 << 29), 4);
  ck_assert_int_eq(npe_recur_row_scale(INT32_MIN, -(1 << 30)), INT32_MAX);
  ck_assert_int_eq(npe_recur_row_scale(INT32_MIN, INT32_MIN), INT32_MAX);
  ck_assert_int_eq(npe_recur_row_scale(INT32_MAX, INT32_MIN), INT32_MIN);
  uint64_t s = 77;
  for (int k = 0; k < 2000; k++) {
    int32_t p = (int32_t)(uint32_t)rng_next(&s);
    ck_assert_int_eq(npe_recur_row_scale(p, 1 << 30), p);
    ck_assert_int_eq(npe_recur_row_scale(p, 0), 0);
    ck_assert_int_eq(npe_recur_row_scale(p, -(1 << 30)), p == INT32_MIN ? INT32_MAX : -p);
  }
  /* ties: p s = (2 m + 1) 2^29 for s = 2^k, p = (2 m + 1) 2^(29 - k) */
  for (int k = 0; k <= 29; k++)
    for (int m = -40; m <= 40; m++) {
      int64_t p = (2 * (int64_t)m + 1) * ((int64_t)1 << (29 - k));
      if (p > INT32_MAX || p < INT32_MIN) continue;
      ck_assert_int_eq(npe_recur_row_scale((int32_t)p, 1 << k), row_scale_oracle((int32_t)p, 1 << k));
    }
  for (int k = 0; k < 1000000; k++) {
    int32_t p = (int32_t)(uint32_t)rng_next(&s), sc = rng_q230_scale(&s);
    if (k & 1) p = rnd_range(&s, 64 << 16);
    FAST_ASSERT(npe_recur_row_scale(p, sc) == row_scale_oracle(p, sc));
  }
  /* a bad scale_step is refused */
  uint32_t w[3] = {0, 0, 0};
  const int32_t x[4] = {1, 2, 3, 4}, sc[4] = {1, 2, 3, 4};
  npe_recur_gated sq = {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_INT8, 0, 0, 1, 1, w, x, sc, 3};
  int32_t h = 5, out = 6;
  ck_assert_int_eq(npe_recur_gated_seq(&sq, &h, NULL, &out), NPE_ERR_INVALID_ARG);
  ck_assert(h == 5 && out == 6);
  sq.scale_step = 4;
  ck_assert_int_eq(npe_recur_gated_seq(&sq, &h, NULL, &out), NPE_OK);
}
END_TEST

/* A weight is checked as npe_decode() would: every pattern of every format. */
START_TEST(gated_seq_weights_checked) {
  static const npe_fmt fbs[] = {NPE_FMT_FP4,  NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16,
                                NPE_FMT_INT8, NPE_FMT_TERNARY};
  const int32_t x[4] = {1, 2, 3, 4};
  for (size_t fi = 0; fi < sizeof fbs / sizeof fbs[0]; fi++) {
    npe_fmt fb = fbs[fi], fa = fb == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fb;
    uint32_t lim = 2u << npe_fmt_bits(fb);
    for (uint32_t pat = 0; pat <= lim + 1; pat++) {
      uint32_t p = pat == lim + 1 ? 0xffffffffu : pat;
      uint32_t w[3] = {0, p, 0};
      double v;
      int want = npe_decode(fb, p, &v) == NPE_OK ? NPE_OK : NPE_ERR_RANGE;
      npe_recur_gated sq = {NPE_RECUR_GRU, fa, fb, 0, 0, 1, 1, w, x, NULL, 0};
      int32_t h = 77, out = 78;
      int rc = npe_recur_gated_seq(&sq, &h, NULL, &out);
      if (rc != want) ck_abort_msg("format %d pattern 0x%x: %d, want %d", (int)fb, p, rc, want);
      FAST_ASSERT(want == NPE_OK || (h == 77 && out == 78));
    }
  }
}
END_TEST

START_TEST(gated_seq_errors) {
  enum { N = 3, T = 2 };
  uint32_t w[4 * N * N];
  int32_t x[T * N * 4];
  for (int k = 0; k < 4 * N * N; k++) w[k] = (uint32_t)(k % 5);
  for (int k = 0; k < T * N * 4; k++) x[k] = k * 1000;
  int32_t h[N], c[N], out[T * N];
  const npe_recur_gated ok = {NPE_RECUR_LSTM, NPE_FMT_INT8, NPE_FMT_INT8, 6, 0, N, T, w, x, NULL, 0};
#define SENTINEL()                          \
  do {                                      \
    for (int k = 0; k < N; k++) h[k] = 1000 + k, c[k] = 2000 + k; \
    for (int k = 0; k < T * N; k++) out[k] = 3000 + k; \
  } while (0)
#define UNTOUCHED()                                            \
  do {                                                         \
    for (int k = 0; k < N; k++) ck_assert(h[k] == 1000 + k && c[k] == 2000 + k); \
    for (int k = 0; k < T * N; k++) ck_assert_int_eq(out[k], 3000 + k); \
  } while (0)
#define EXPECT(S, HP, CP, OP, RC)                                      \
  do {                                                                 \
    SENTINEL();                                                        \
    ck_assert_int_eq(npe_recur_gated_seq((S), (HP), (CP), (OP)), (RC)); \
    UNTOUCHED();                                                       \
  } while (0)
  npe_recur_gated b;
  /* the good case works, for both modes */
  SENTINEL();
  ck_assert_int_eq(npe_recur_gated_seq(&ok, h, c, out), NPE_OK);
  b = ok, b.mode = NPE_RECUR_GRU;
  SENTINEL();
  ck_assert_int_eq(npe_recur_gated_seq(&b, h, NULL, out), NPE_OK);
  /* NULL pointers */
  EXPECT(NULL, h, c, out, NPE_ERR_INVALID_ARG);
  EXPECT(&ok, NULL, c, out, NPE_ERR_INVALID_ARG);
  EXPECT(&ok, h, NULL, out, NPE_ERR_INVALID_ARG);            /* LSTM needs c */
  b = ok, b.mode = NPE_RECUR_GRU;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);                /* GRU takes none */
  b = ok, b.w = NULL;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.x = NULL;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  /* modes */
  static const int bad_modes[] = {0, 3, 15, -1};
  for (size_t k = 0; k < sizeof bad_modes / sizeof bad_modes[0]; k++) {
    b = ok, b.mode = (npe_recur_mode)bad_modes[k];
    EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
    EXPECT(&b, h, NULL, out, NPE_ERR_INVALID_ARG);
  }
  /* format pairs MATMUL does not take */
  static const npe_fmt bad_pairs[][2] = {
      {NPE_FMT_TERNARY, NPE_FMT_TERNARY}, {NPE_FMT_TERNARY, NPE_FMT_INT8},
      {NPE_FMT_INT8, NPE_FMT_POSIT8},     {NPE_FMT_FP4, NPE_FMT_INT8},
      {NPE_FMT_POSIT8, NPE_FMT_TERNARY},  {NPE_FMT_POSIT16, NPE_FMT_POSIT8},
      {NPE_FMT_COUNT, NPE_FMT_COUNT},     {NPE_FMT_INT8, NPE_FMT_COUNT},
      {(npe_fmt)-1, NPE_FMT_INT8}};
  for (size_t k = 0; k < sizeof bad_pairs / sizeof bad_pairs[0]; k++) {
    b = ok, b.fmt_a = bad_pairs[k][0], b.fmt_b = bad_pairs[k][1];
    EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  }
  /* shifts */
  b = ok, b.hshift = 16;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.acc_shift = -33;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.acc_shift = 32;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.acc_shift = -32;
  SENTINEL();
  ck_assert_int_eq(npe_recur_gated_seq(&b, h, c, out), NPE_OK); /* the ends are fine */
  b = ok, b.acc_shift = 31, b.hshift = 15;
  SENTINEL();
  ck_assert_int_eq(npe_recur_gated_seq(&b, h, c, out), NPE_OK);
  /* sizes */
  b = ok, b.hidden = 0;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.steps = 0;
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.steps = UINT32_MAX, b.hidden = UINT32_MAX;        /* T N 4 beyond SIZE_MAX */
  EXPECT(&b, h, c, out, NPE_ERR_INVALID_ARG);
  b = ok, b.hidden = NPE_RECUR_GATED_MAX_HIDDEN + 1, b.steps = 1; /* read before any weight */
  EXPECT(&b, h, c, out, NPE_ERR_UNSUPPORTED);
  b = ok, b.hidden = UINT32_MAX, b.steps = 1;
  EXPECT(&b, h, c, out, sizeof(size_t) > 4 ? NPE_ERR_UNSUPPORTED : NPE_ERR_INVALID_ARG);
  /* a bad weight anywhere, the last one too */
  b = ok;
  w[4 * N * N - 1] = 0x100;
  EXPECT(&b, h, c, out, NPE_ERR_RANGE);
  w[4 * N * N - 1] = 0;
  for (int k = 0; k < 4 * N * N; k++) w[k] = (uint32_t)(k % 2); /* ternary 0, +1 */
  b = ok, b.fmt_b = NPE_FMT_TERNARY;
  w[5] = 2; /* 10b */
  EXPECT(&b, h, c, out, NPE_ERR_RANGE);
  w[5] = 3; /* -1 */
  SENTINEL();
  ck_assert_int_eq(npe_recur_gated_seq(&b, h, c, out), NPE_OK);
  b.mode = NPE_RECUR_GRU; /* only the first 3 N^2 weights are read */
  w[3 * N * N] = 2;
  SENTINEL();
  ck_assert_int_eq(npe_recur_gated_seq(&b, h, NULL, out), NPE_OK);
#undef EXPECT
#undef UNTOUCHED
#undef SENTINEL
}
END_TEST

/* ---- HGRN ---------------------------------------------------------------- */

/* The HGRN step by its definition, written independently: the table rebuilt
 * from libm (ref_sigmoid), tanh as 2 sigma(2x) - 1 with its own clamp,
 * products by mul_oracle (truncating division, symmetric ties), the sum
 * in int64 and saturated here. */
static int32_t sat_i64(int64_t v) { return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v; }
static int32_t ref_tanh(int32_t x) { return 2 * ref_sigmoid(sat_i64(2 * (int64_t)x)) - 65536; }
static void hgrn_oracle(const int32_t z[3], int32_t h, int32_t *h2, int32_t *y) {
  int32_t a = ref_tanh(z[0]);
  int32_t c = mul_oracle(65536 - (a < 0 ? -a : a), ref_tanh(z[1]));
  int32_t g = ref_sigmoid(z[2]);
  *h2 = sat_i64((int64_t)mul_oracle(a, h) + c);
  *y = mul_oracle(g, *h2);
}

/* The step against the oracle: every combination of edge values (the
 * table's ends, its steps, ties of the products, the int32 extremes) and a
 * million random inputs, typical and full range. */
START_TEST(hgrn_cell_oracle) {
  build_ref_tab();
  static const int32_t ze[] = {INT32_MIN, -(1 << 20) - 1, -(1 << 19), -(1 << 18) - 1, -(1 << 18),
                               -65536, -32768, -4097, -4096, -1, 0, 1, 2048, 4096, 65535,
                               (1 << 18) - 1, 1 << 18, (1 << 19) - 1, 1 << 20, INT32_MAX};
  static const int32_t he[] = {INT32_MIN, INT32_MIN + 1, -(1 << 24), -65537, -65536, -32768, -1,
                               0, 1, 32768, 65535, 65536, 1 << 24, INT32_MAX - 1, INT32_MAX};
  const int nz = (int)(sizeof ze / sizeof ze[0]), nh = (int)(sizeof he / sizeof he[0]);
  for (int i = 0; i < nz; i++)
    for (int j = 0; j < nz; j++)
      for (int k = 0; k < nz; k++)
        for (int m = 0; m < nh; m++) {
          int32_t z[3] = {ze[i], ze[j], ze[k]}, h2 = 0x7777, y = 0x7777, oh, oy;
          npe_recur_hgrn_cell(z, he[m], &h2, &y);
          hgrn_oracle(z, he[m], &oh, &oy);
          if (h2 != oh || y != oy)
            ck_abort_msg("hgrn(%d, %d, %d; h %d) = (%d, %d), want (%d, %d)", z[0], z[1], z[2],
                         he[m], h2, y, oh, oy);
        }
  uint64_t s = 71;
  for (int i = 0; i < 1000000; i++) {
    int wide = i & 1;
    int32_t z[3], h = wide ? rnd32(&s) : rnd_range(&s, 4 << 16), h2, y, oh, oy;
    for (int k = 0; k < 3; k++) z[k] = wide ? rnd32(&s) : rnd_range(&s, 6 << 16);
    npe_recur_hgrn_cell(z, h, &h2, &y);
    hgrn_oracle(z, h, &oh, &oy);
    if (h2 != oh || y != oy)
      ck_abort_msg("hgrn(%d, %d, %d; h %d) = (%d, %d), want (%d, %d)", z[0], z[1], z[2], h, h2, y,
                   oh, oy);
  }
  /* by hand: za = zc = zg = 0 gives a = 0, c = 0, g = 1/2: h' = 0, y = 0;
   * za huge: a = 65492 (tanh's end), c = mul(44, tanh(zc)), h' = a h + c */
  int32_t z0[3] = {0, 0, 0}, h2, y;
  npe_recur_hgrn_cell(z0, 12345, &h2, &y);
  ck_assert_int_eq(h2, 0);
  ck_assert_int_eq(y, 0);
  int32_t z1[3] = {INT32_MAX, INT32_MAX, INT32_MAX};
  npe_recur_hgrn_cell(z1, 65536, &h2, &y);
  ck_assert_int_eq(h2, 65492 + 44); /* a h = 65492; c = mul(44, 65492) = RNE(43.97) = 44 */
  ck_assert_int_eq(y, mul_oracle(65514, h2));
  int32_t z2[3] = {INT32_MIN, INT32_MIN, INT32_MIN}; /* a = -65492: the sign of a, not 1 - a */
  npe_recur_hgrn_cell(z2, 65536, &h2, &y);
  ck_assert_int_eq(h2, -65492 - 44);
  ck_assert_int_eq(y, mul_oracle(22, -65536));
  npe_recur_hgrn_cell(NULL, 0, &h2, &y); /* NULL: nothing written */
  ck_assert_int_eq(y, mul_oracle(22, -65536));
}
END_TEST

/*
 * The sequence against the float64 cell (tools/lm/models.py's HGRN with
 * exact tanh and exp) on the same Q15.16 inputs, H = 64, T = 1000, z ~
 * U(-R, R): per step the error of h obeys E_t <= |a_q| E_{t-1} + e_t(za)
 * |h_ref| + dc + 2^-17 with dc = e_t(za) + e_t(zc) + 2^-17 (|tanh| <= 1,
 * 1 - |a| <= 1), and y's is at most E_t + e_s(zg) |h'_ref| + 2^-17. Asserted
 * per element and step; the worst errors are reported.
 */
START_TEST(hgrn_seq_vs_float64) {
  enum { H = 64, T = 1000 };
  static const int32_t ranges[] = {2 << 16, 6 << 16};
  for (int r = 0; r < 2; r++) {
    int32_t *x = malloc(sizeof(int32_t) * 4 * H * T), *y = malloc(sizeof(int32_t) * H * T);
    int32_t h[H] = {0};
    double hr[H] = {0}, eb[H] = {0}, max_h = 0, max_y = 0, sum2 = 0;
    ck_assert(x && y);
    uint64_t s = 97 + (uint64_t)r;
    for (int k = 0; k < 4 * H * T; k++) x[k] = rnd_range(&s, ranges[r]);
    ck_assert_int_eq(npe_recur_hgrn_seq(T, H, x, h, y), NPE_OK);
    int32_t hq[H] = {0};
    for (int t = 0; t < T; t++)
      for (int i = 0; i < H; i++) {
        const int32_t *z = x + 4 * (t * H + i);
        double a = tanh(q16(z[0])), c = (1 - fabs(a)) * tanh(q16(z[1])), g = sigd(q16(z[2]));
        double da = e_tanh(z[0]), dc = da + e_tanh(z[1]) + 0x1p-17;
        int32_t aq = npe_recur_tanh(z[0]), yq;
        eb[i] = fabs(q16(aq)) * eb[i] + da * fabs(hr[i]) + dc + 0x1p-17;
        hr[i] = a * hr[i] + c;
        npe_recur_hgrn_cell(z, hq[i], &hq[i], &yq);
        ck_assert_int_eq(yq, y[t * H + i]); /* the sequence is the cells in order */
        double eh = fabs(q16(hq[i]) - hr[i]), ey = fabs(q16(yq) - g * hr[i]);
        double by = eb[i] + e_sig(z[2]) * fabs(hr[i]) + 0x1p-17;
        if (eh > eb[i] + 1e-9) ck_abort_msg("HGRN h: error %g > bound %g (t %d, i %d)", eh, eb[i], t, i);
        if (ey > by + 1e-9) ck_abort_msg("HGRN y: error %g > bound %g (t %d, i %d)", ey, by, t, i);
        max_h = eh > max_h ? eh : max_h;
        max_y = ey > max_y ? ey : max_y;
        sum2 += ey * ey;
      }
    for (int i = 0; i < H; i++) ck_assert_int_eq(h[i], hq[i]);
    if (report())
      printf("recur: HGRN sequence (H %d, T %d, z in +-%d) vs float64: max |h error| %.3g, max |y "
             "error| %.3g, RMS y error %.3g\n",
             H, T, ranges[r] >> 16, max_h, max_y, sqrt(sum2 / (H * T)));
    free(x), free(y);
  }
}
END_TEST

/* The sequence: the cells in order, x3 not read, y optional, h_0 taken;
 * bad arguments refused with nothing written. */
START_TEST(hgrn_seq_cases) {
  enum { H = 5, T = 7 };
  int32_t x[4 * H * T], y[H * T], h[H], want_y[H * T], want_h[H];
  uint64_t s = 5;
  for (int k = 0; k < 4 * H * T; k++) x[k] = rnd_range(&s, 5 << 16);
  for (int i = 0; i < H; i++) h[i] = want_h[i] = rnd_range(&s, 2 << 16);
  for (int t = 0; t < T; t++)
    for (int i = 0; i < H; i++) npe_recur_hgrn_cell(x + 4 * (t * H + i), want_h[i], &want_h[i], &want_y[t * H + i]);
  int32_t h0[H];
  memcpy(h0, h, sizeof h);
  ck_assert_int_eq(npe_recur_hgrn_seq(T, H, x, h, y), NPE_OK);
  ck_assert_mem_eq(h, want_h, sizeof h);
  ck_assert_mem_eq(y, want_y, sizeof y);
  for (int k = 3; k < 4 * H * T; k += 4) x[k] = rnd32(&s); /* x3 is not read */
  memcpy(h, h0, sizeof h);
  ck_assert_int_eq(npe_recur_hgrn_seq(T, H, x, h, NULL), NPE_OK);
  ck_assert_mem_eq(h, want_h, sizeof h);
  int32_t hs[H], ys[H * T];
  memset(hs, 0x5a, sizeof hs), memset(ys, 0x5a, sizeof ys);
  memcpy(h, hs, sizeof h), memcpy(y, ys, sizeof y);
  ck_assert_int_eq(npe_recur_hgrn_seq(0, H, x, h, y), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_hgrn_seq(T, 0, x, h, y), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_hgrn_seq(T, H, NULL, h, y), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_hgrn_seq(T, H, x, NULL, y), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_recur_hgrn_seq(UINT32_MAX, UINT32_MAX, x, h, y), NPE_ERR_INVALID_ARG);
  ck_assert_mem_eq(h, hs, sizeof h);
  ck_assert_mem_eq(y, ys, sizeof y);
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
  TCase *tg = tcase_create("gated");
  tcase_set_timeout(tg, 300);
  tcase_add_test(tg, sig_table);
  tcase_add_test(tg, sig_tanh_accuracy);
  tcase_add_test(tg, sig_tanh_ends_and_shape);
  tcase_add_test(tg, fix_arith_hand);
  tcase_add_test(tg, fix_mul_oracle);
  tcase_add_test(tg, acc_to_fix_cases);
  tcase_add_test(tg, h_code_cases);
  tcase_add_test(tg, cells_vs_torch);
  tcase_add_test(tg, cells_hand);
  tcase_add_test(tg, gated_seq_vs_loop);
  tcase_add_test(tg, row_scale_oracle_agrees);
  tcase_add_test(tg, gated_seq_weights_checked);
  tcase_add_test(tg, gated_seq_errors);
  suite_add_tcase(s, tg);
  TCase *th = tcase_create("hgrn");
  tcase_set_timeout(th, 300);
  tcase_add_test(th, hgrn_cell_oracle);
  tcase_add_test(th, hgrn_seq_vs_float64);
  tcase_add_test(th, hgrn_seq_cases);
  suite_add_tcase(s, th);
  return s;
}
