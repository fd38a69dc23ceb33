/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_gla(): Gated Linear Attention on the simulated engine, bit for bit
 * against the golden model (npe_gla_golden()) in every format, at several
 * head sizes, chunk lengths (short last chunks, a chunk longer than T,
 * chunk 1) and sequence lengths up to 1000, at random memory latency and
 * back-pressure; the error against the recurrent float64 reference; the
 * statistics; every error with the outputs untouched.
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "test_rand.h"

static double urand(uint64_t *s) { return (double)(rng(s) >> 11) / 9007199254740992.0; }

typedef struct gla_in {
  float *q, *k, *v, *g;
} gla_in;

static npe_gla_seq make(gla_in *in, npe_fmt f, uint32_t t, uint32_t dk, uint32_t dv, uint32_t c,
                        uint64_t seed) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 3;
  in->q = malloc((size_t)t * dk * 4);
  in->k = malloc((size_t)t * dk * 4);
  in->g = malloc((size_t)t * dk * 4);
  in->v = malloc((size_t)t * dv * 4);
  ck_assert(in->q && in->k && in->g && in->v);
  for (size_t i = 0; i < (size_t)t * dk; i++) {
    in->q[i] = (float)(2 * urand(&s) - 1);
    in->k[i] = (float)(2 * urand(&s) - 1);
    in->g[i] = (float)(-log1p(exp(-(8 * urand(&s) - 4))) / 16.0); /* log sigmoid / 16 */
  }
  for (size_t i = 0; i < (size_t)t * dv; i++) in->v[i] = (float)(2 * urand(&s) - 1);
  npe_gla_seq q = {f, t, dk, dv, c, in->q, in->k, in->v, in->g};
  return q;
}

static void drop(gla_in *in) {
  free(in->q), free(in->k), free(in->v), free(in->g);
}

/* One head on the engine and in the golden model: every output and the
 * final state identical, bit for bit. Returns the engine's cycles. */
static uint64_t check_head(npe_dev *d, npe_fmt f, uint32_t t, uint32_t dk, uint32_t dv, uint32_t c,
                           uint64_t seed) {
  gla_in in;
  npe_gla_seq s = make(&in, f, t, dk, dv, c, seed);
  size_t n = (size_t)t * dv, ns = (size_t)dk * dv;
  float *o = malloc(n * 4), *go = malloc(n * 4), *sl = malloc(ns * 4), *gsl = malloc(ns * 4);
  ck_assert(o && go && sl && gsl);
  ck_assert_int_eq(npe_gla(d, &s, o, sl), NPE_OK);
  ck_assert_int_eq(npe_gla_golden(&s, go, gsl), NPE_OK);
  ck_assert_msg(memcmp(o, go, n * 4) == 0, "%s T=%u dk=%u dv=%u C=%u: outputs differ",
                npe_fmt_name(f), t, dk, dv, c);
  for (size_t i = 0; i < n; i++)
    ck_assert_msg(memcmp(&o[i], &go[i], 4) == 0, "%s T=%u dk=%u dv=%u C=%u: o[%zu] = %a, golden %a",
                  npe_fmt_name(f), t, dk, dv, c, i, o[i], go[i]);
  ck_assert_msg(memcmp(sl, gsl, ns * 4) == 0, "%s: final state differs", npe_fmt_name(f));
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  uint32_t nc = (t + c - 1) / c;
  /* MACs the driver's matmuls count: K~^T V and P V per chunk, Q~ S after the first */
  uint64_t macs = 0;
  for (uint32_t ci = 0; ci < nc; ci++) {
    uint64_t l = t - ci * c < c ? t - ci * c : c;
    macs += (uint64_t)dk * dv * l + l * dv * l + (ci ? l * dk * dv : 0);
  }
  ck_assert_uint_eq(st.macs[f], macs);
  ck_assert_uint_eq(st.recur_elems, (uint64_t)nc * dk * dv);
  ck_assert(st.cycles > 0 && st.utilisation > 0 && st.utilisation <= 1.0);
  ck_assert(st.peak_macs >= macs);
  free(o), free(go), free(sl), free(gsl);
  drop(&in);
  return st.cycles;
}

START_TEST(every_format_small) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open("sim:", &d), NPE_OK);
  const npe_fmt fm[] = {NPE_FMT_FP4, NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16, NPE_FMT_INT8};
  for (size_t i = 0; i < 5; i++) {
    check_head(d, fm[i], 37, 8, 5, 16, 1 + i);  /* short last chunk */
    check_head(d, fm[i], 1, 3, 2, 4, 11 + i);    /* one step */
  }
  npe_close(d);
}
END_TEST

START_TEST(shapes_and_chunks) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open("sim:?latency=40&seed=3", &d), NPE_OK);
  check_head(d, NPE_FMT_INT8, 20, 4, 4, 1, 21);     /* chunk 1: only the diagonal of P */
  check_head(d, NPE_FMT_POSIT8, 50, 13, 7, 64, 22); /* chunk longer than T */
  check_head(d, NPE_FMT_POSIT16, 64, 33, 40, 32, 23);
  check_head(d, NPE_FMT_INT8, 1000, 16, 16, 64, 24); /* T = 1000 */
  check_head(d, NPE_FMT_FP4, 96, 40, 33, 16, 25);   /* dk x dv = 1320 > one DIAG slice */
  npe_close(d);
}
END_TEST

START_TEST(back_pressure) {
  static const char *uris[] = {"sim:?latency=1&seed=9", "sim:?latency=37&ready=60&valid=70&seed=5"};
  for (size_t u = 0; u < 2; u++) {
    npe_dev *d = NULL;
    ck_assert_int_eq(npe_open(uris[u], &d), NPE_OK);
    check_head(d, NPE_FMT_POSIT8, 40, 8, 8, 16, 31 + u);
    npe_close(d);
  }
}
END_TEST

/* The engine run follows the recurrent float64 form within the format's
 * precision (posit16: the products' quantisation only). */
START_TEST(error_against_float64) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open("sim:", &d), NPE_OK);
  gla_in in;
  npe_gla_seq s = make(&in, NPE_FMT_POSIT16, 128, 16, 16, 32, 41);
  float *o = malloc(128 * 16 * 4);
  double *r = malloc(128 * 16 * 8);
  ck_assert(o && r);
  ck_assert_int_eq(npe_gla(d, &s, o, NULL), NPE_OK);
  ck_assert_int_eq(npe_gla_ref(&s, r, NULL), NPE_OK);
  double em = 0, rm = 0;
  for (size_t i = 0; i < 128 * 16; i++) em = fmax(em, fabs(o[i] - r[i])), rm = fmax(rm, fabs(r[i]));
  ck_assert_msg(em / rm < 4e-3, "relative error %.3g", em / rm);
  free(o), free(r);
  drop(&in);
  npe_close(d);
}
END_TEST

static int calls;
static void count_progress(double f, void *ctx) {
  (void)ctx;
  ck_assert(f > 0 && f <= 1.0);
  calls++;
}

START_TEST(errors_leave_outputs) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open("sim:", &d), NPE_OK);
  gla_in in;
  npe_gla_seq s = make(&in, NPE_FMT_INT8, 10, 3, 2, 4, 51);
  float o[20], sl[6];
  for (int i = 0; i < 20; i++) o[i] = 42.0f;
#define UNTOUCHED()                                             \
  do {                                                          \
    for (int i_ = 0; i_ < 20; i_++) ck_assert(o[i_] == 42.0f); \
  } while (0)
  ck_assert_int_eq(npe_gla(NULL, &s, o, sl), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_gla(d, NULL, o, sl), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_gla(d, &s, NULL, sl), NPE_ERR_INVALID_ARG);
  npe_gla_seq b = s;
  b.fmt = NPE_FMT_TERNARY;
  ck_assert_int_eq(npe_gla(d, &b, o, sl), NPE_ERR_INVALID_ARG);
  b.fmt = (npe_fmt)99;
  ck_assert_int_eq(npe_gla(d, &b, o, sl), NPE_ERR_INVALID_ARG);
  b = s;
  b.chunk = 0;
  ck_assert_int_eq(npe_gla(d, &b, o, sl), NPE_ERR_INVALID_ARG);
  b = s;
  b.dk = 0;
  ck_assert_int_eq(npe_gla(d, &b, o, sl), NPE_ERR_INVALID_ARG);
  b = s;
  b.steps = 0;
  ck_assert_int_eq(npe_gla(d, &b, o, sl), NPE_ERR_INVALID_ARG);
  in.g[4] = 0.5f; /* log alpha > 0 */
  ck_assert_int_eq(npe_gla(d, &s, o, sl), NPE_ERR_RANGE);
  in.g[4] = -0.5f;
  in.k[1] = NAN;
  ck_assert_int_eq(npe_gla(d, &s, o, sl), NPE_ERR_RANGE);
  in.k[1] = 0.25f;
  UNTOUCHED();
  /* a small build has no recurrence unit */
  npe_dev *small = NULL;
  ck_assert_int_eq(npe_open("sim:?build=small", &small), NPE_OK);
  ck_assert_int_eq(npe_gla(small, &s, o, sl), NPE_ERR_UNSUPPORTED);
  npe_close(small);
  UNTOUCHED();
#undef UNTOUCHED
  /* the device still works, and progress is reported per job */
  calls = 0;
  npe_set_progress(d, count_progress, NULL);
  ck_assert_int_eq(npe_gla(d, &s, o, sl), NPE_OK);
  npe_set_progress(d, NULL, NULL);
  ck_assert_int_ge(calls, 3);
  drop(&in);
  npe_close(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("gla");
  TCase *tc = tcase_create("gla");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, every_format_small);
  tcase_add_test(tc, shapes_and_chunks);
  tcase_add_test(tc, back_pressure);
  tcase_add_test(tc, error_against_float64);
  tcase_add_test(tc, errors_leave_outputs);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? 1 : 0;
}
