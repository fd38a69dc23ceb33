/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Gated Linear Attention, chunkwise (npe_gla.h): the decay, the state's
 * fixed point, and the chunkwise golden run against the recurrent form on
 * doubles (npe_gla_ref), an independent algorithm: no chunks, no masks, no
 * cumulative decays. A wrong mask, exponent or chunk boundary shows up as
 * an error far above the format's quantisation error.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe_gla.h"
#include "unit.h"

static double urand(uint64_t *s) { return (double)(rng_next(s) >> 11) / 9007199254740992.0; }

typedef struct gla_case {
  npe_gla_seq s;
  float *q, *k, *v, *g;
} gla_case;

/* Random q, k, v in [-1, 1); log decays of GLA's kind: log sigmoid(x)/16
 * (arXiv 2312.06635 uses tau = 16), so alpha in about (0.7, 1). */
static void make_case(gla_case *c, npe_fmt f, uint32_t t, uint32_t dk, uint32_t dv,
                      uint32_t chunk, uint64_t seed) {
  uint64_t s = seed;
  c->q = malloc((size_t)t * dk * sizeof(float));
  c->k = malloc((size_t)t * dk * sizeof(float));
  c->g = malloc((size_t)t * dk * sizeof(float));
  c->v = malloc((size_t)t * dv * sizeof(float));
  ck_assert(c->q && c->k && c->g && c->v);
  for (size_t i = 0; i < (size_t)t * dk; i++) {
    c->q[i] = (float)(2 * urand(&s) - 1);
    c->k[i] = (float)(2 * urand(&s) - 1);
    double x = 8 * urand(&s) - 4;
    c->g[i] = (float)(-log1p(exp(-x)) / 16.0);
  }
  for (size_t i = 0; i < (size_t)t * dv; i++) c->v[i] = (float)(2 * urand(&s) - 1);
  npe_gla_seq q = {f, t, dk, dv, chunk, c->q, c->k, c->v, c->g};
  c->s = q;
}

static void free_case(gla_case *c) {
  free(c->q);
  free(c->k);
  free(c->v);
  free(c->g);
}

/* max |o - ref| / max |ref| over the outputs (and the final state). */
static double rel_err(const gla_case *c, double *state_err) {
  size_t n = (size_t)c->s.steps * c->s.dv, ns = (size_t)c->s.dk * c->s.dv;
  float *o = malloc(n * sizeof *o), *sl = malloc(ns * sizeof *sl);
  double *r = malloc(n * sizeof *r), *rs = malloc(ns * sizeof *rs);
  ck_assert(o && sl && r && rs);
  ck_assert_int_eq(npe_gla_golden(&c->s, o, sl), NPE_OK);
  ck_assert_int_eq(npe_gla_ref(&c->s, r, rs), NPE_OK);
  double em = 0, rm = 0, sem = 0, srm = 0;
  for (size_t i = 0; i < n; i++) {
    em = fmax(em, fabs(o[i] - r[i]));
    rm = fmax(rm, fabs(r[i]));
  }
  for (size_t i = 0; i < ns; i++) {
    sem = fmax(sem, fabs(sl[i] - rs[i]));
    srm = fmax(srm, fabs(rs[i]));
  }
  *state_err = sem / srm;
  free(o);
  free(sl);
  free(r);
  free(rs);
  return em / rm;
}

START_TEST(decay_values) {
  ck_assert_int_eq(npe_gla_decay(0), 1 << 30);
  ck_assert_int_eq(npe_gla_decay(5), 1 << 30);
  ck_assert_int_eq(npe_gla_decay(INT32_MAX), 1 << 30);
  ck_assert_int_eq(npe_gla_decay(INT32_MIN), 0); /* exp(-32768) */
  int32_t prev = 1 << 30;
  for (int32_t x = 0; x > -40 * 65536; x -= 977) { /* monotone, within half a unit of exp */
    int32_t d = npe_gla_decay(x);
    ck_assert_int_le(d, prev);
    ck_assert(fabs(ldexp(d, -30) - exp(x / 65536.0)) <= ldexp(1, -31) * 1.000001);
    prev = d;
  }
  /* ln 2 in Q15.16 is 45426.09...: exp(-45426/65536) = 0.5000014..., 2^29 + 767 */
  ck_assert_int_eq(npe_gla_decay(-45426), (1 << 29) + 767);
}
END_TEST

START_TEST(state_frac_rule) {
  float one[4] = {1, 1, 1, 1}, eight[4] = {8, -8, 8, 8}, zero[4] = {0, 0, 0, 0};
  float g[4] = {0, 0, 0, 0};
  npe_gla_seq s = {NPE_FMT_POSIT16, 4, 1, 1, 2, one, eight, eight, g};
  unsigned f = 99;
  ck_assert_int_eq(npe_gla_state_frac(&s, &f), NPE_OK);
  ck_assert_uint_eq(f, 21); /* bound 4 x 64 = 2^8: 29 - 8 */
  s.steps = 3;              /* bound 192: ceil(log2 192) = 8 */
  ck_assert_int_eq(npe_gla_state_frac(&s, &f), NPE_OK);
  ck_assert_uint_eq(f, 21);
  s.steps = 1;              /* bound 64 = 2^6: 23 */
  ck_assert_int_eq(npe_gla_state_frac(&s, &f), NPE_OK);
  ck_assert_uint_eq(f, 23);
  s.k = one; /* bound 8 x 1 = 2^3: 26, at most 24 */
  ck_assert_int_eq(npe_gla_state_frac(&s, &f), NPE_OK);
  ck_assert_uint_eq(f, 24);
  s.k = zero; /* bound 0: at most 24 */
  ck_assert_int_eq(npe_gla_state_frac(&s, &f), NPE_OK);
  ck_assert_uint_eq(f, 24);
  float big[1] = {3.0e9f};
  npe_gla_seq b = {NPE_FMT_POSIT16, 1, 1, 1, 1, one, big, big, g};
  ck_assert_int_eq(npe_gla_state_frac(&b, &f), NPE_OK);
  ck_assert_uint_eq(f, 0); /* at least 0 */
}
END_TEST

/* posit16 products: the chunkwise run follows the recurrent form closely
 * for every chunk length, including 1 (no intra-chunk part but the
 * diagonal), a chunk longer than T, and a short last chunk. */
START_TEST(chunkwise_vs_recurrent_posit16) {
  const uint32_t chunks[] = {1, 3, 16, 64, 100, 256};
  for (size_t i = 0; i < sizeof chunks / sizeof chunks[0]; i++) {
    gla_case c;
    make_case(&c, NPE_FMT_POSIT16, 100, 8, 5, chunks[i], 11 + i);
    double se, e = rel_err(&c, &se);
    if (e > 4e-3 || se > 4e-3)
      ck_abort_msg("chunk %u: output error %.3g, state error %.3g", chunks[i], e, se);
    free_case(&c);
  }
}
END_TEST

/* Every format: the error stays within a bound set by the format's
 * precision (measured, with margin). */
START_TEST(chunkwise_every_format) {
  const struct {
    npe_fmt f;
    double bound;
  } fm[] = {{NPE_FMT_POSIT16, 4e-3}, {NPE_FMT_INT8, 0.05}, {NPE_FMT_POSIT8, 0.08},
            {NPE_FMT_FP4, 0.5}, {NPE_FMT_POSIT4, 0.8}};
  for (size_t i = 0; i < sizeof fm / sizeof fm[0]; i++) {
    gla_case c;
    make_case(&c, fm[i].f, 64, 16, 16, 16, 101 + i);
    double se, e = rel_err(&c, &se);
    if (e > fm[i].bound || se > fm[i].bound)
      ck_abort_msg("%s: output error %.3g, state error %.3g (bound %.3g)", npe_fmt_name(fm[i].f),
                   e, se, fm[i].bound);
    free_case(&c);
  }
}
END_TEST

/* Strong decay (alpha down to e^-8 per step): exponents far below 0 must
 * underflow to 0, never overflow. */
START_TEST(chunkwise_strong_decay) {
  gla_case c;
  make_case(&c, NPE_FMT_POSIT16, 200, 4, 4, 32, 7);
  uint64_t s = 99;
  for (size_t i = 0; i < 200 * 4; i++) c.g[i] = (float)(-8 * urand(&s));
  double se, e = rel_err(&c, &se);
  if (e > 4e-3 || se > 4e-3) ck_abort_msg("output error %.3g, state error %.3g", e, se);
  free_case(&c);
}
END_TEST

static int fail_matmul(void *ctx, npe_pats a, float sa, npe_pats b, float sb, uint32_t m,
                       uint32_t n, uint32_t k, float *c) {
  (void)a, (void)sa, (void)b, (void)sb, (void)m, (void)n, (void)k, (void)c;
  int *calls = ctx;
  return ++*calls == 3 ? NPE_ERR_DEVICE : npe_golden_matmul_f32(a, k, b, k, m, n, k, sa * sb, c, n);
}

static int zero_diag(void *ctx, uint32_t t, uint32_t h, const int32_t *a, const int32_t *b,
                     int32_t *out) {
  (void)ctx, (void)a, (void)b;
  memset(out, 0, (size_t)t * h * sizeof *out);
  return NPE_OK;
}

START_TEST(errors_leave_outputs) {
  gla_case c;
  make_case(&c, NPE_FMT_INT8, 10, 3, 2, 4, 5);
  float o[20], sl[6];
  double od[20];
  for (int i = 0; i < 20; i++) o[i] = 42.0f;
#define UNTOUCHED()                                      \
  do {                                                   \
    for (int i_ = 0; i_ < 20; i_++) ck_assert(o[i_] == 42.0f); \
  } while (0)
  npe_gla_seq s = c.s;
  ck_assert_int_eq(npe_gla_golden(NULL, o, sl), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_gla_golden(&s, NULL, sl), NPE_ERR_INVALID_ARG);
  s.fmt = NPE_FMT_TERNARY;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_INVALID_ARG);
  s = c.s;
  s.chunk = 0;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_INVALID_ARG);
  s.chunk = NPE_GLA_MAX_CHUNK + 1;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_INVALID_ARG);
  s = c.s;
  s.steps = 0;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_gla_ref(&s, od, NULL), NPE_ERR_INVALID_ARG);
  s = c.s;
  s.dk = NPE_GLA_MAX_DIM + 1;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_INVALID_ARG);
  s = c.s;
  s.v = NULL;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_INVALID_ARG);
  s = c.s;
  c.g[7] = 0.001f; /* a growing "decay" */
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_gla_ref(&s, od, NULL), NPE_ERR_RANGE);
  c.g[7] = 0.000001f; /* rounds to 0 in Q15.16: taken */
  ck_assert_int_eq(npe_gla_golden(&s, o, NULL), NPE_OK);
  for (int i = 0; i < 20; i++) o[i] = 42.0f;
  c.g[7] = -0.1f;
  c.q[2] = NAN;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_RANGE);
  c.q[2] = 0.5f;
  c.v[3] = INFINITY;
  ck_assert_int_eq(npe_gla_golden(&s, o, sl), NPE_ERR_RANGE);
  c.v[3] = 0.5f;
  /* an op's error stops the run and is returned */
  int calls = 0;
  npe_gla_ops ops = {&calls, fail_matmul, zero_diag};
  ck_assert_int_eq(npe_gla_run(&s, &ops, o, sl), NPE_ERR_DEVICE);
  npe_gla_ops none = {NULL, NULL, zero_diag};
  ck_assert_int_eq(npe_gla_run(&s, &none, o, sl), NPE_ERR_INVALID_ARG);
  UNTOUCHED();
#undef UNTOUCHED
  free_case(&c);
}
END_TEST

Suite *gla_suite(void) {
  Suite *s = suite_create("gla");
  TCase *tc = tcase_create("gla");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, decay_values);
  tcase_add_test(tc, state_frac_rule);
  tcase_add_test(tc, chunkwise_vs_recurrent_posit16);
  tcase_add_test(tc, chunkwise_every_format);
  tcase_add_test(tc, chunkwise_strong_decay);
  tcase_add_test(tc, errors_leave_outputs);
  suite_add_tcase(s, tc);
  return s;
}
