/* SPDX-License-Identifier: Apache-2.0 */
/* Tests of the NLU golden model: generated tables against the definition
 * code(x) = #{j : f(clamp(x)) >= b_j} for every input code, the error bound,
 * table checks, bad specs, and the input conversions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe_format.h"
#include "npe_nlu.h"
#include "unit.h"

/* The definition, computed independently of the threshold search. */
static unsigned ref_code(const npe_nlu_spec *s, int32_t x) {
  double lo = ceil(ldexp(s->in_lo, (int)s->in_frac_bits));
  double hi = floor(ldexp(s->in_hi, (int)s->in_frac_bits));
  double xc = x < lo ? lo : (x > hi ? hi : (double)x);
  double y = npe_nlu_func_value(s->func, ldexp(xc, -(int)s->in_frac_bits));
  unsigned n = (1u << s->bits) - 1u, c = 0;
  double step = (s->out_hi - s->out_lo) / (double)n;
  for (unsigned j = 1; j <= n; j++)
    if (y >= s->out_lo + ((double)j - 0.5) * step) c++;
  return c;
}

START_TEST(every_code_matches_definition) {
  static const unsigned bits[] = {1, 4, 6, 8};
  npe_nlu_func f = (npe_nlu_func)_i;
  for (unsigned k = 0; k < sizeof bits / sizeof bits[0]; k++) {
    npe_nlu_spec s;
    npe_nlu_table t;
    ck_assert_int_eq(npe_nlu_spec_default(f, bits[k], &s), NPE_OK);
    ck_assert_int_eq(npe_nlu_table_gen(&s, &t), NPE_OK);
    ck_assert_int_eq(npe_nlu_table_check(&t), NPE_OK);
    ck_assert_uint_eq(t.nseg, npe_nlu_func_monotone(f) ? 1u : 2u);
    double step = (s.out_hi - s.out_lo) / (double)((1u << s.bits) - 1u);
    double maxerr = 0;
    unsigned prev = 0;
    for (int32_t x = NPE_NLU_IN_MIN; x <= NPE_NLU_IN_MAX; x++) {
      unsigned c = 99999, want = ref_code(&s, x);
      ck_assert_int_eq(npe_nlu_table_eval(&t, x, &c), NPE_OK);
      if (c != want)
        ck_abort_msg("%s B=%u x=%d: table %u, definition %u", npe_nlu_func_name(f),
                     s.bits, x, c, want);
      if (npe_nlu_func_monotone(f) == 1 && x > NPE_NLU_IN_MIN) ck_assert_uint_ge(c, prev);
      prev = c;
      double xv = ldexp((double)x, -8);
      if (xv >= s.in_lo && xv <= s.in_hi) {
        double y, e;
        ck_assert_int_eq(npe_nlu_code_value(&s, c, &y), NPE_OK);
        double fx = npe_nlu_func_value(f, xv);
        if (fx < s.out_lo) fx = s.out_lo;  /* outside the output range: clamps */
        if (fx > s.out_hi) fx = s.out_hi;
        e = fabs(y - fx);
        if (e > maxerr) maxerr = e;
      }
    }
    /* Nearest level: at most half a step from f (plus rounding). */
    ck_assert_double_le(maxerr, 0.5 * step * (1 + 1e-9));
  }
}
END_TEST

START_TEST(thresholds_flat_form) {
  npe_nlu_spec s;
  npe_nlu_table t;
  int32_t buf[300];
  size_t n = 0;
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_TANH, 5, &s), NPE_OK);
  ck_assert_int_eq(npe_nlu_table_gen(&s, &t), NPE_OK);
  ck_assert_int_eq(npe_nlu_thresholds(&s, buf, 31, &n), NPE_OK);
  ck_assert_uint_eq(n, 31);
  ck_assert_mem_eq(buf, t.seg_t[0], 31 * sizeof buf[0]);
  ck_assert_int_eq(npe_nlu_check_table(buf, n, 5, NULL), NPE_OK);
  /* Too small: nothing written. */
  for (int i = 0; i < 300; i++) buf[i] = 777;
  n = 5;
  ck_assert_int_eq(npe_nlu_thresholds(&s, buf, 30, &n), NPE_ERR_NO_SPACE);
  ck_assert_int_eq(buf[0], 777);
  ck_assert_uint_eq(n, 5);
  /* Two-segment functions need the table form. */
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_SILU, 5, &s), NPE_OK);
  ck_assert_int_eq(npe_nlu_thresholds(&s, buf, 300, &n), NPE_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(sigmoid_thresholds_are_inverse) {
  /* t_j is f^-1 of the boundary, rounded up to the next input code. */
  npe_nlu_spec s;
  int32_t t[15];
  size_t n;
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_SIGMOID, 4, &s), NPE_OK);
  ck_assert_int_eq(npe_nlu_thresholds(&s, t, 15, &n), NPE_OK);
  for (unsigned j = 1; j <= 15; j++) {
    double b = (j - 0.5) / 15.0;
    double xinv = log(b / (1 - b)) * 256.0;
    ck_assert_int_eq(t[j - 1], (int32_t)ceil(xinv - 1e-9));
  }
  /* symmetric function, symmetric table: t_j + t_{16-j} in {0, 1} */
  for (unsigned j = 1; j <= 15; j++) ck_assert_int_le(abs(t[j - 1] + t[15 - j]), 1);
}
END_TEST

START_TEST(check_table_rejects_bad_tables) {
  int32_t t[255];
  size_t bad = 12345;
  for (int i = 0; i < 255; i++) t[i] = i * 10 - 1000;
  ck_assert_int_eq(npe_nlu_check_table(t, 255, 8, &bad), NPE_OK);
  ck_assert_uint_eq(bad, 12345); /* untouched on success */
  /* wrong length */
  ck_assert_int_eq(npe_nlu_check_table(t, 254, 8, &bad), NPE_ERR_INVALID_ARG);
  ck_assert_uint_eq(bad, 254);
  ck_assert_int_eq(npe_nlu_check_table(t, 16, 4, &bad), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_nlu_check_table(t, 15, 0, &bad), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_nlu_check_table(t, 511, 9, &bad), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_nlu_check_table(NULL, 15, 4, &bad), NPE_ERR_INVALID_ARG);
  /* non-monotone */
  t[100] = t[99] - 1;
  ck_assert_int_eq(npe_nlu_check_table(t, 255, 8, &bad), NPE_ERR_RANGE);
  ck_assert_uint_eq(bad, 100);
  t[100] = t[99]; /* equal neighbours are fine: a skipped code */
  ck_assert_int_eq(npe_nlu_check_table(t, 255, 8, NULL), NPE_OK);
  /* out of the 17-bit range */
  t[254] = NPE_NLU_T_MAX + 1;
  ck_assert_int_eq(npe_nlu_check_table(t, 255, 8, &bad), NPE_ERR_RANGE);
  ck_assert_uint_eq(bad, 254);
  t[254] = NPE_NLU_T_MAX;
  t[0] = NPE_NLU_T_MIN - 1;
  ck_assert_int_eq(npe_nlu_check_table(t, 255, 8, &bad), NPE_ERR_RANGE);
  ck_assert_uint_eq(bad, 0);
}
END_TEST

START_TEST(eval_definition_and_errors) {
  int32_t t[3] = {-5, 0, 0};
  unsigned c = 77;
  ck_assert_int_eq(npe_nlu_eval(t, 2, -6, &c), NPE_OK);
  ck_assert_uint_eq(c, 0);
  ck_assert_int_eq(npe_nlu_eval(t, 2, -5, &c), NPE_OK); /* tie passes */
  ck_assert_uint_eq(c, 1);
  ck_assert_int_eq(npe_nlu_eval(t, 2, 0, &c), NPE_OK);  /* skipped code 2 */
  ck_assert_uint_eq(c, 3);
  c = 77;
  ck_assert_int_eq(npe_nlu_eval(t, 2, 65536, &c), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_nlu_eval(t, 2, -65537, &c), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_nlu_eval(t, 0, 0, &c), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_nlu_eval(NULL, 2, 0, &c), NPE_ERR_INVALID_ARG);
  ck_assert_uint_eq(c, 77);
  /* flip semantics on a bad table: the counter stops at the first flip */
  int32_t bad[3] = {0, 10, 5};
  ck_assert_int_eq(npe_nlu_eval(bad, 2, 7, &c), NPE_OK);
  ck_assert_uint_eq(c, 1);
  npe_nlu_table tab;
  memset(&tab, 0, sizeof tab);
  tab.bits = 2;
  tab.nseg = 3;
  ck_assert_int_eq(npe_nlu_table_eval(&tab, 0, &c), NPE_ERR_INVALID_ARG);
  tab.nseg = 1;
  ck_assert_int_eq(npe_nlu_table_eval(&tab, 40000, &c), NPE_ERR_RANGE);
}
END_TEST

START_TEST(bad_specs_are_rejected) {
  npe_nlu_spec s, good;
  npe_nlu_table t;
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_SIGMOID, 8, &good), NPE_OK);
  memset(&t, 0x5a, sizeof t);
  unsigned char before[sizeof t];
  memcpy(before, &t, sizeof t);
#define BAD(field, value, err)                              \
  do {                                                      \
    s = good;                                               \
    s.field = value;                                        \
    ck_assert_int_eq(npe_nlu_table_gen(&s, &t), err);       \
    ck_assert_mem_eq(&t, before, sizeof t);                 \
  } while (0)
  BAD(bits, 0, NPE_ERR_RANGE);
  BAD(bits, 9, NPE_ERR_RANGE);
  BAD(in_frac_bits, 15, NPE_ERR_RANGE);
  BAD(in_lo, 8, NPE_ERR_RANGE);          /* empty range */
  BAD(in_hi, -8, NPE_ERR_RANGE);
  BAD(in_hi, 200, NPE_ERR_RANGE);        /* 200 * 256 > 32767 */
  BAD(in_lo, NAN, NPE_ERR_RANGE);
  BAD(out_hi, 0, NPE_ERR_RANGE);         /* out_lo >= out_hi */
  BAD(out_lo, INFINITY, NPE_ERR_RANGE);
  BAD(func, (npe_nlu_func)99, NPE_ERR_INVALID_ARG);
#undef BAD
  ck_assert_int_eq(npe_nlu_table_gen(NULL, &t), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_nlu_table_gen(&good, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_TANH, 9, &s), NPE_ERR_RANGE);
  npe_nlu_func f;
  ck_assert_int_eq(npe_nlu_func_from_name("gelu", &f), NPE_OK);
  ck_assert_int_eq(f, NPE_NLU_GELU);
  ck_assert_int_eq(npe_nlu_func_from_name("relu", &f), NPE_ERR_INVALID_ARG);
  ck_assert_ptr_null(npe_nlu_func_name((npe_nlu_func)8));
  double y;
  ck_assert_int_eq(npe_nlu_code_value(&good, 256, &y), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_nlu_code_value(&good, 255, &y), NPE_OK);
  ck_assert_double_eq(y, 1.0);
}
END_TEST

START_TEST(from_double_rounds_and_saturates) {
  int32_t x = 5;
  ck_assert_int_eq(npe_nlu_from_double(0.5 / 256, 8, &x), NPE_OK);
  ck_assert_int_eq(x, 0); /* tie to even */
  ck_assert_int_eq(npe_nlu_from_double(1.5 / 256, 8, &x), NPE_OK);
  ck_assert_int_eq(x, 2);
  ck_assert_int_eq(npe_nlu_from_double(-2.5 / 256, 8, &x), NPE_OK);
  ck_assert_int_eq(x, -2);
  ck_assert_int_eq(npe_nlu_from_double(-2.51 / 256, 8, &x), NPE_OK);
  ck_assert_int_eq(x, -3);
  ck_assert_int_eq(npe_nlu_from_double(1000, 8, &x), NPE_OK);
  ck_assert_int_eq(x, 32767);
  ck_assert_int_eq(npe_nlu_from_double(-INFINITY, 8, &x), NPE_OK);
  ck_assert_int_eq(x, -32768);
  ck_assert_int_eq(npe_nlu_from_double(127.998, 8, &x), NPE_OK);
  ck_assert_int_eq(x, 32767);
  x = 5;
  ck_assert_int_eq(npe_nlu_from_double(NAN, 8, &x), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_nlu_from_double(1, 15, &x), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(x, 5);
}
END_TEST

START_TEST(from_quire_matches_double) {
  static const unsigned fracs[] = {0, 1, 4, 8, 14};
  uint64_t s = 12345;
  for (int iter = 0; iter < 20000; iter++) {
    npe_quire q;
    npe_quire_clear(&q);
    int terms = 1 + (int)(rng_next(&s) % 4);
    for (int k = 0; k < terms; k++) {
      uint32_t a = (uint32_t)(rng_next(&s) & 0xff), b = (uint32_t)(rng_next(&s) & 0xff);
      if (a == 0x80) a = 0x40;
      if (b == 0x80) b = 0x40;
      ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT8, a, NPE_FMT_POSIT8, b), NPE_OK);
    }
    double v;
    ck_assert_int_eq(npe_quire_to_double(&q, &v), NPE_OK); /* exact: < 2^13, 2^-24 grid */
    for (unsigned i = 0; i < sizeof fracs / sizeof fracs[0]; i++) {
      int32_t xq = 0, xd = 1;
      ck_assert_int_eq(npe_nlu_from_quire(&q, fracs[i], &xq), NPE_OK);
      ck_assert_int_eq(npe_nlu_from_double(v, fracs[i], &xd), NPE_OK);
      if (xq != xd) ck_abort_msg("v=%a F=%u quire %d double %d", v, fracs[i], xq, xd);
    }
  }
  npe_quire q;
  npe_quire_clear(&q);
  ck_assert_int_eq(npe_quire_add_product(&q, NPE_FMT_POSIT8, 0x80, NPE_FMT_POSIT8, 0x40), NPE_OK);
  int32_t x = 9;
  ck_assert_int_eq(npe_nlu_from_quire(&q, 8, &x), NPE_ERR_RANGE); /* NaR */
  ck_assert_int_eq(x, 9);
}
END_TEST

Suite *nlu_table_suite(void) {
  Suite *s = suite_create("nlu_table");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_loop_test(tc, every_code_matches_definition, 0, NPE_NLU_FUNC_COUNT);
  tcase_add_test(tc, thresholds_flat_form);
  tcase_add_test(tc, sigmoid_thresholds_are_inverse);
  tcase_add_test(tc, check_table_rejects_bad_tables);
  tcase_add_test(tc, eval_definition_and_errors);
  tcase_add_test(tc, bad_specs_are_rejected);
  tcase_add_test(tc, from_double_rounds_and_saturates);
  tcase_add_test(tc, from_quire_matches_double);
  suite_add_tcase(s, tc);
  return s;
}
