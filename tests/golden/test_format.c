/* SPDX-License-Identifier: Apache-2.0 */
/* Decode/encode against the reference vectors, exhaustive round trips, and
 * every bad input of the format functions. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

typedef struct {
  npe_fmt f;
  long bad;
  char first_bad[128];
} vctx;

static void note_bad(vctx *c, char **fl) {
  if (!c->bad++) snprintf(c->first_bad, sizeof c->first_bad, "%s %s", fl[0], fl[1]);
}

static int decode_cb(char **fl, int nf, void *p) {
  vctx *c = p;
  ck_assert_int_eq(nf, 2);
  uint32_t bits = (uint32_t)strtoul(fl[0], NULL, 16);
  double want = strtod(fl[1], NULL), got;
  if (npe_decode(c->f, bits, &got) != NPE_OK) note_bad(c, fl);
  else if (!(got == want || (isnan(got) && isnan(want)))) note_bad(c, fl);
  else if (!!signbit(got) != !!signbit(want)) note_bad(c, fl); /* -0 only fp4 */
  return 0;
}

static int encode_cb(char **fl, int nf, void *p) {
  vctx *c = p;
  ck_assert_int_eq(nf, 2);
  double x = strtod(fl[0], NULL);
  uint32_t want = (uint32_t)strtoul(fl[1], NULL, 16), got = 0xdead;
  if (npe_encode(c->f, x, &got) != NPE_OK || got != want) note_bad(c, fl);
  return 0;
}

static void run_vec(const char *file, npe_fmt f, vec_cb cb, long min_lines) {
  vctx c = {f, 0, ""};
  long n = vec_foreach(file, cb, &c);
  ck_assert_msg(n >= min_lines, "%s: read %ld lines (missing file?)", file, n);
  ck_assert_msg(c.bad == 0, "%s: %ld mismatches, first: %s", file, c.bad, c.first_bad);
}

START_TEST(vectors_decode) {
  run_vec("posit4_1_decode.txt", NPE_FMT_POSIT4, decode_cb, 16);
  run_vec("posit8_0_decode.txt", NPE_FMT_POSIT8, decode_cb, 256);
  run_vec("posit16_1_decode.txt", NPE_FMT_POSIT16, decode_cb, 65536);
  run_vec("fp4_e2m1_decode.txt", NPE_FMT_FP4, decode_cb, 16);
}
END_TEST

START_TEST(vectors_encode) {
  run_vec("posit4_1_encode.txt", NPE_FMT_POSIT4, encode_cb, 2000);
  run_vec("posit8_0_encode.txt", NPE_FMT_POSIT8, encode_cb, 20000);
  run_vec("posit16_1_encode.txt", NPE_FMT_POSIT16, encode_cb, 200000);
  run_vec("fp4_e2m1_encode.txt", NPE_FMT_FP4, encode_cb, 5000);
}
END_TEST

/* decode(encode(decode(p))) == p for every pattern of every format. */
START_TEST(roundtrip_exhaustive) {
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    uint32_t n = 1u << npe_fmt_bits((npe_fmt)f);
    for (uint32_t p = 0; p < n; p++) {
      double v;
      uint32_t q;
      int rc = npe_decode((npe_fmt)f, p, &v);
      if (f == NPE_FMT_TERNARY && p == 2) {
        ck_assert_int_eq(rc, NPE_ERR_RANGE);
        continue;
      }
      ck_assert_int_eq(rc, NPE_OK);
      ck_assert_int_eq(npe_encode((npe_fmt)f, v, &q), NPE_OK);
      if (f == NPE_FMT_FP4 && p == 8) ck_assert_uint_eq(q, 8); /* -0 kept */
      else ck_assert_msg(q == p, "fmt %d pattern %x -> %g -> %x", f, p, v, q);
      if (f != NPE_FMT_POSIT16) { /* binary32 input path too */
        ck_assert_int_eq(npe_encode_f((npe_fmt)f, (float)v, &q), NPE_OK);
        ck_assert(q == p || (f == NPE_FMT_FP4 && p == 8));
      }
    }
  }
}
END_TEST

/* Posit values are ordered like their patterns as signed integers. */
START_TEST(posit_monotone) {
  const npe_fmt fs[3] = {NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16};
  for (int i = 0; i < 3; i++) {
    unsigned w = npe_fmt_bits(fs[i]);
    double prev = -INFINITY;
    for (uint32_t k = 1; k < (1u << w); k++) {
      uint32_t p = ((1u << (w - 1)) + k) & ((1u << w) - 1); /* from NaR+1 up */
      double v;
      ck_assert_int_eq(npe_decode(fs[i], p, &v), NPE_OK);
      ck_assert_msg(v > prev, "fmt %d pattern %x", fs[i], p);
      prev = v;
    }
  }
}
END_TEST

START_TEST(int8_ternary_rounding) {
  static const struct { npe_fmt f; double x; uint32_t bits; } cases[] = {
      {NPE_FMT_INT8, 2.5, 2},        {NPE_FMT_INT8, 3.5, 4},
      {NPE_FMT_INT8, -2.5, 0xfe},    {NPE_FMT_INT8, 127.49, 127},
      {NPE_FMT_INT8, 1e9, 127},      {NPE_FMT_INT8, -1e9, 0x80},
      {NPE_FMT_INT8, -128.5, 0x80},  {NPE_FMT_INT8, INFINITY, 127},
      {NPE_FMT_INT8, 0.5, 0},        {NPE_FMT_INT8, 0.5000001, 1},
      {NPE_FMT_TERNARY, 0.5, 0},     {NPE_FMT_TERNARY, 0.51, 1},
      {NPE_FMT_TERNARY, -0.7, 3},    {NPE_FMT_TERNARY, 5, 1},
      {NPE_FMT_TERNARY, -5, 3},      {NPE_FMT_TERNARY, -0.0, 0},
      {NPE_FMT_FP4, INFINITY, 7},    {NPE_FMT_FP4, -INFINITY, 0xf},
      {NPE_FMT_POSIT8, NAN, 0x80},   {NPE_FMT_POSIT16, INFINITY, 0x8000},
      {NPE_FMT_POSIT4, -INFINITY, 8},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint32_t b = 0xdead;
    ck_assert_int_eq(npe_encode(cases[i].f, cases[i].x, &b), NPE_OK);
    ck_assert_msg(b == cases[i].bits, "case %zu: %g -> %x, want %x", i, cases[i].x,
                  b, cases[i].bits);
  }
}
END_TEST

START_TEST(names) {
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    npe_fmt g;
    ck_assert_int_eq(npe_fmt_from_name(npe_fmt_name((npe_fmt)f), &g), NPE_OK);
    ck_assert_int_eq(g, f);
  }
  npe_fmt g = NPE_FMT_INT8;
  ck_assert_int_eq(npe_fmt_from_name("posit", &g), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_fmt_from_name("posit88", &g), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_fmt_from_name("", &g), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_fmt_from_name(NULL, &g), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_fmt_from_name("fp4", NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(g, NPE_FMT_INT8); /* untouched on error */
  ck_assert_ptr_null(npe_fmt_name(NPE_FMT_COUNT));
  ck_assert_ptr_null(npe_fmt_name((npe_fmt)-1));
  ck_assert_uint_eq(npe_fmt_bits(NPE_FMT_COUNT), 0);
  ck_assert_uint_eq(npe_fmt_bits(NPE_FMT_POSIT16), 16);
  for (int e = 0; e >= -10; e--)
    ck_assert_str_ne(npe_strerror(e), "unknown error");
  ck_assert_str_eq(npe_strerror(-999), "unknown error");
}
END_TEST

START_TEST(bad_input) {
  double v = 42;
  uint32_t b = 77;
  ck_assert_int_eq(npe_decode(NPE_FMT_COUNT, 0, &v), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_decode(NPE_FMT_FP4, 0, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_decode(NPE_FMT_FP4, 16, &v), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_decode(NPE_FMT_POSIT4, 0x10, &v), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_decode(NPE_FMT_POSIT8, 0x100, &v), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_decode(NPE_FMT_POSIT16, 0x10000, &v), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_decode(NPE_FMT_INT8, 0x100, &v), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_decode(NPE_FMT_TERNARY, 2, &v), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_decode(NPE_FMT_TERNARY, 4, &v), NPE_ERR_RANGE);
  ck_assert(v == 42); /* untouched */
  ck_assert_int_eq(npe_encode(NPE_FMT_COUNT, 1, &b), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_encode(NPE_FMT_FP4, 1, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_encode(NPE_FMT_FP4, NAN, &b), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_encode(NPE_FMT_INT8, NAN, &b), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_encode_f(NPE_FMT_TERNARY, NAN, &b), NPE_ERR_RANGE);
  ck_assert_uint_eq(b, 77);
}
END_TEST

Suite *format_suite(void) {
  Suite *s = suite_create("format");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, vectors_decode);
  tcase_add_test(tc, vectors_encode);
  tcase_add_test(tc, roundtrip_exhaustive);
  tcase_add_test(tc, posit_monotone);
  tcase_add_test(tc, int8_ternary_rounding);
  tcase_add_test(tc, names);
  tcase_add_test(tc, bad_input);
  suite_add_tcase(s, tc);
  return s;
}
