/* SPDX-License-Identifier: Apache-2.0 */
/* Packing (dense sub-byte layouts, Sherry), quantisers and error metrics. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

/* A writable view of one of two caller arrays, the one of f's element width. */
static npe_pats_out pats_out_over(npe_fmt f, uint16_t *w16, uint8_t *w8) {
  return npe_fmt_elem_bytes(f) == 2 ? npe_pats_out_u16(f, w16) : npe_pats_out_u8(f, w8);
}

START_TEST(pack_roundtrip_random) {
  uint64_t s = 99;
  static uint16_t in[5003], back[5003];
  static uint8_t in8[5003], back8[5003], packed[12000];
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    for (int rep = 0; rep < 20; rep++) {
      size_t n = 1 + rng_next(&s) % 5000;
      npe_pats_out vin = pats_out_over((npe_fmt)f, in, in8);
      npe_pats_out vback = pats_out_over((npe_fmt)f, back, back8);
      for (size_t i = 0; i < n; i++) npe_pats_set(vin, i, random_pattern((npe_fmt)f, &s));
      size_t sz = npe_packed_size((npe_fmt)f, n);
      ck_assert_uint_eq(sz, (n * npe_fmt_bits((npe_fmt)f) + 7) / 8);
      ck_assert_int_eq(npe_pack(npe_pats_of(vin), n, packed, sz), NPE_OK);
      memset(back, 0xaa, sizeof back);
      memset(back8, 0xaa, sizeof back8);
      ck_assert_int_eq(npe_unpack(packed, sz, n, vback), NPE_OK);
      for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(npe_pats_get(npe_pats_of(vback), i), npe_pats_get(npe_pats_of(vin), i));
      ck_assert_uint_eq(npe_pats_get(npe_pats_of(vback), n), 0xaaaa & ((1u << 8 * npe_fmt_elem_bytes((npe_fmt)f)) - 1));
    }
  }
}
END_TEST

/* The documented bit order, pinned by hand-made examples. */
START_TEST(pack_layout) {
  uint8_t fp4[3] = {0x1, 0x2, 0xf}, t[5] = {1, 3, 0, 1, 3}, out[4];
  uint16_t p16[2] = {0x1234, 0xabcd};
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_FP4, fp4), 3, out, 2), NPE_OK);
  ck_assert_uint_eq(out[0], 0x21);
  ck_assert_uint_eq(out[1], 0x0f);
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_TERNARY, t), 5, out, 2), NPE_OK);
  ck_assert_uint_eq(out[0], 0x4d); /* 01 00 11 01 */
  ck_assert_uint_eq(out[1], 0x03);
  ck_assert_int_eq(npe_pack(npe_pats_u16(NPE_FMT_POSIT16, p16), 2, out, 4), NPE_OK);
  ck_assert(out[0] == 0x34 && out[1] == 0x12 && out[2] == 0xcd && out[3] == 0xab);
  /* Sherry: group (+1, 0, -1, +1) -> neg 0, zpos 1, s1 1, s2 0 = 0b00110 */
  uint8_t g[8] = {1, 0, 3, 1, 3, 3, 3, 0}, sh[2];
  ck_assert_int_eq(npe_sherry_pack(g, 8, sh, 2), NPE_OK);
  /* second group (-1,-1,-1,0): neg 1, zpos 3, s1 0, s2 0 = 0b11100 */
  ck_assert_uint_eq(sh[0], (uint8_t)(0x06 | (0x1c << 5)));
  ck_assert_uint_eq(sh[1], 0x1c >> 3);
}
END_TEST

START_TEST(sherry_all_groups_and_random) {
  /* all 32 codes decode to distinct valid groups that encode back */
  uint8_t codes[20], groups[128], again[20];
  for (int c = 0; c < 32; c++) {
    memset(codes, 0, sizeof codes);
    for (int g = 0; g < 32; g++) { /* pack code (g + c) % 32 at slot g */
      unsigned v = (unsigned)((g + c) % 32), bit = 5u * (unsigned)g;
      for (int k = 0; k < 5; k++)
        if (v >> k & 1) codes[(bit + k) / 8] |= (uint8_t)(1u << ((bit + k) % 8));
    }
    ck_assert_int_eq(npe_sherry_unpack(codes, 20, 128, groups), NPE_OK);
    for (int g = 0; g < 32; g++) {
      int zeros = 0;
      for (int k = 0; k < 4; k++) zeros += groups[4 * g + k] == 0;
      ck_assert_int_eq(zeros, 1);
    }
    ck_assert_int_eq(npe_sherry_pack(groups, 128, again, 20), NPE_OK);
    ck_assert(!memcmp(codes, again, 20));
  }
  /* random tensors through the quantiser */
  uint64_t s = 5;
  static float w[4096];
  static uint8_t t[4096], t2[4096], packed[1000];
  for (int rep = 0; rep < 10; rep++) {
    size_t n = 4 * (1 + rng_next(&s) % 1024);
    for (size_t i = 0; i < n; i++) w[i] = (float)((int64_t)(rng_next(&s) >> 40) - (1 << 23)) / 8e6f;
    float scale;
    ck_assert_int_eq(npe_quantize_sherry(w, n, t, &scale), NPE_OK);
    ck_assert(scale > 0);
    double kept = 0;
    for (size_t g = 0; g < n; g += 4) {
      size_t z = 4;
      for (size_t i = g; i < g + 4; i++) {
        if (t[i] == 0) { ck_assert_uint_eq(z, 4); z = i; }
        else { ck_assert_uint_eq(t[i], w[i] < 0 ? 3 : 1); kept += fabsf(w[i]); }
      }
      for (size_t i = g; i < g + 4; i++) ck_assert(fabsf(w[z]) <= fabsf(w[i]));
    }
    ck_assert(fabs(scale - kept / (double)(n / 4 * 3)) <= 1e-6 * scale);
    size_t sz = npe_sherry_size(n);
    ck_assert_uint_eq(sz, (n / 4 * 5 + 7) / 8);
    ck_assert_int_eq(npe_sherry_pack(t, n, packed, sz), NPE_OK);
    ck_assert_int_eq(npe_sherry_unpack(packed, sz, n, t2), NPE_OK);
    ck_assert(!memcmp(t, t2, n));
  }
  ck_assert_uint_eq(npe_sherry_size(4096u * 4096u), 4096u * 4096u * 5 / 32);
}
END_TEST

START_TEST(quantisers) {
  static float x[1000];
  static uint16_t q16[1000];
  static uint8_t q8[1000];
  uint64_t s = 11;
  for (int i = 0; i < 1000; i++) x[i] = (float)((int64_t)(rng_next(&s) >> 40) - (1 << 23)) / 1e6f;
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    float sc;
    ck_assert_int_eq(npe_quant_scale((npe_fmt)f, x, 1000, &sc), NPE_OK);
    ck_assert(sc > 0 && isfinite(sc));
    npe_pats_out q = pats_out_over((npe_fmt)f, q16, q8);
    ck_assert_int_eq(npe_quantize(x, 1000, sc, q), NPE_OK);
    /* every element is the encoding of x / scale */
    for (int i = 0; i < 1000; i++) {
      uint32_t want;
      npe_encode((npe_fmt)f, (double)x[i] / sc, &want);
      ck_assert_uint_eq(npe_pats_get(npe_pats_of(q), (size_t)i), want);
    }
  }
  float sc;
  ck_assert_int_eq(npe_quant_scale(NPE_FMT_INT8, x, 1000, &sc), NPE_OK);
  float amax = 0;
  for (int i = 0; i < 1000; i++) amax = fabsf(x[i]) > amax ? fabsf(x[i]) : amax;
  ck_assert(fabsf(sc - amax / 127) <= 1e-6f * sc);
  /* per-row scales equal per-tensor scales of each row */
  float scales[10];
  ck_assert_int_eq(npe_quantize_rows(x, 10, 100, scales, npe_pats_out_u8(NPE_FMT_FP4, q8)),
                   NPE_OK);
  for (int r = 0; r < 10; r++) {
    ck_assert_int_eq(npe_quant_scale(NPE_FMT_FP4, x + 100 * r, 100, &sc), NPE_OK);
    ck_assert(sc == scales[r]);
    for (int i = 0; i < 100; i++) {
      uint32_t want;
      npe_encode(NPE_FMT_FP4, (double)x[100 * r + i] / sc, &want);
      ck_assert_uint_eq(q8[100 * r + i], want);
    }
  }
  float zeros[4] = {0, 0, 0, 0};
  ck_assert_int_eq(npe_quant_scale(NPE_FMT_POSIT8, zeros, 4, &sc), NPE_OK);
  ck_assert(sc == 1);
}
END_TEST

START_TEST(metrics) {
  double ref[4] = {1, -2, 3, 4}, ap[4] = {1, -2, 3.5, 3};
  npe_metrics m;
  ck_assert_int_eq(npe_metrics_compute(ref, ap, 4, &m), NPE_OK);
  ck_assert(fabs(m.rmse - sqrt(1.25 / 4)) < 1e-15);
  ck_assert(m.max_abs == 1.0);
  ck_assert(fabs(m.sqnr_db - 10 * log10(30 / 1.25)) < 1e-12);
  ck_assert_int_eq(npe_metrics_compute(ref, ref, 4, &m), NPE_OK);
  ck_assert(isinf(m.sqnr_db) && m.rmse == 0);
  ck_assert_int_eq(npe_metrics_compute(ref, ap, 0, &m), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_metrics_compute(NULL, ap, 4, &m), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_metrics_compute(ref, ap, 4, NULL), NPE_ERR_INVALID_ARG);
}
END_TEST

START_TEST(bad_input) {
  uint8_t in[8] = {1, 0, 1, 1, 0, 0, 1, 1}, out[8] = {7, 7, 7, 7, 7, 7, 7, 7};
  uint8_t keep[8];
  memcpy(keep, out, 8);
  uint16_t in16[8] = {1, 0, 1, 1, 0, 0, 1, 1}, out16[8];
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_COUNT, in), 8, out, 8), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_FP4, NULL), 8, out, 8), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_FP4, in), 8, NULL, 8), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_FP4, in), 8, out, 3), NPE_ERR_NO_SPACE);
  /* an array of the wrong element width for its format */
  ck_assert_int_eq(npe_pack(npe_pats_u16(NPE_FMT_FP4, in16), 8, out, 8), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_POSIT16, in), 4, out, 8), NPE_ERR_INVALID_ARG);
  npe_pats both = {NPE_FMT_INT8, in, in16};
  ck_assert_int_eq(npe_pack(both, 8, out, 8), NPE_ERR_INVALID_ARG);
  uint8_t bad4[2] = {1, 16}, badt[2] = {1, 2};
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_POSIT4, bad4), 2, out, 8), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_pack(npe_pats_u8(NPE_FMT_TERNARY, badt), 2, out, 8), NPE_ERR_RANGE);
  ck_assert(!memcmp(out, keep, 8));
  ck_assert_int_eq(npe_unpack(in, 1, 8, npe_pats_out_u8(NPE_FMT_FP4, out)), NPE_ERR_NO_SPACE);
  ck_assert_int_eq(npe_unpack(in, 8, 8, npe_pats_out_u8(NPE_FMT_COUNT, out)), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_unpack(NULL, 8, 8, npe_pats_out_u8(NPE_FMT_FP4, out)), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_unpack(in, 8, 8, npe_pats_out_u16(NPE_FMT_INT8, out16)), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_unpack(in, 8, 4, npe_pats_out_u8(NPE_FMT_POSIT16, out)), NPE_ERR_INVALID_ARG);
  uint8_t tbad[1] = {0x02}; /* code 10b */
  ck_assert_int_eq(npe_unpack(tbad, 1, 1, npe_pats_out_u8(NPE_FMT_TERNARY, out)), NPE_ERR_RANGE);
  ck_assert(!memcmp(out, keep, 8));
  ck_assert_uint_eq(npe_packed_size(NPE_FMT_COUNT, 5), 0);
  /* Sherry */
  ck_assert_int_eq(npe_sherry_pack(in, 6, out, 8), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_sherry_pack(NULL, 8, out, 8), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_sherry_pack(in, 8, out, 8), NPE_ERR_RANGE); /* 2 zeros */
  uint8_t nz[4] = {1, 1, 1, 1}, okg[4] = {0, 1, 1, 1};
  ck_assert_int_eq(npe_sherry_pack(nz, 4, out, 8), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_sherry_pack(okg, 4, out, 0), NPE_ERR_NO_SPACE);
  ck_assert(!memcmp(out, keep, 8));
  ck_assert_int_eq(npe_sherry_unpack(in, 0, 4, out), NPE_ERR_NO_SPACE);
  ck_assert_int_eq(npe_sherry_unpack(in, 8, 5, out), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_sherry_unpack(NULL, 8, 4, out), NPE_ERR_INVALID_ARG);
  /* quantisers */
  float x[4] = {1, 2, NAN, 4}, sc = 5;
  uint8_t q[4];
  uint16_t q16[4];
  npe_pats_out qi = npe_pats_out_u8(NPE_FMT_INT8, q);
  ck_assert_int_eq(npe_quant_scale(NPE_FMT_INT8, x, 4, &sc), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quant_scale(NPE_FMT_INT8, x, 0, &sc), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quant_scale(NPE_FMT_COUNT, x, 2, &sc), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quant_scale(NPE_FMT_INT8, NULL, 2, &sc), NPE_ERR_INVALID_ARG);
  ck_assert(sc == 5);
  ck_assert_int_eq(npe_quantize(x, 2, 0.0f, qi), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize(x, 2, INFINITY, qi), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize(x, 2, -1.0f, qi), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize(NULL, 2, 1.0f, qi), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize(x, 2, 1.0f, npe_pats_out_u8(NPE_FMT_POSIT16, q)),
                   NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize(x, 2, 1.0f, npe_pats_out_u16(NPE_FMT_INT8, q16)),
                   NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize(x, 4, 1.0f, qi), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quantize(x, 4, 1.0f, npe_pats_out_u8(NPE_FMT_POSIT8, q)), NPE_OK);
  ck_assert_uint_eq(q[2], 0x80); /* NaN -> NaR */
  ck_assert_int_eq(npe_quantize_rows(x, 0, 4, &sc, qi), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize_rows(x, 1, 4, &sc, qi), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quantize_sherry(x, 4, q, &sc), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_quantize_sherry(x, 3, q, &sc), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_quantize_sherry(NULL, 4, q, &sc), NPE_ERR_INVALID_ARG);
}
END_TEST

/* Like every call, the quantisers write nothing when they fail: a NaN late
 * in the input (after elements that encode fine) leaves a sentinel-filled
 * output, and the per-row scales, untouched. */
START_TEST(quantize_no_write_on_error) {
  static float x[300];
  static uint8_t q8[300];
  static uint16_t q16[300];
  float scales[3] = {-7, -7, -7};
  for (int i = 0; i < 300; i++) x[i] = (float)(i % 17) - 8.0f;
  static const npe_fmt no_nan[3] = {NPE_FMT_FP4, NPE_FMT_INT8, NPE_FMT_TERNARY};
  for (int at = 0; at < 300; at += 37) {
    float keep = x[at];
    x[at] = NAN;
    for (int f = 0; f < 3; f++) {
      memset(q8, 0x5a, sizeof q8);
      ck_assert_int_eq(npe_quantize(x, 300, 0.5f, npe_pats_out_u8(no_nan[f], q8)), NPE_ERR_RANGE);
      for (int i = 0; i < 300; i++)
        ck_assert_msg(q8[i] == 0x5a, "%s: NaN at %d, element %d written", npe_fmt_name(no_nan[f]), at, i);
      ck_assert_int_eq(npe_quantize_rows(x, 3, 100, scales, npe_pats_out_u8(no_nan[f], q8)),
                       NPE_ERR_RANGE);
      for (int i = 0; i < 300; i++) ck_assert_uint_eq(q8[i], 0x5a);
      for (int r = 0; r < 3; r++) ck_assert(scales[r] == -7);
    }
    /* posits have NaR for NaN (npe_quantize succeeds), but not per row:
     * npe_quant_scale refuses NaN */
    memset(q16, 0x5a, sizeof q16);
    ck_assert_int_eq(npe_quantize_rows(x, 3, 100, scales, npe_pats_out_u16(NPE_FMT_POSIT16, q16)),
                     NPE_ERR_RANGE);
    for (int i = 0; i < 300; i++) ck_assert_uint_eq(q16[i], 0x5a5a);
    for (int r = 0; r < 3; r++) ck_assert(scales[r] == -7);
    x[at] = keep;
  }
  /* an infinite element is refused per row too (no scale), nothing written */
  x[250] = INFINITY;
  memset(q8, 0x5a, sizeof q8);
  ck_assert_int_eq(npe_quantize_rows(x, 3, 100, scales, npe_pats_out_u8(NPE_FMT_INT8, q8)),
                   NPE_ERR_RANGE);
  for (int i = 0; i < 300; i++) ck_assert_uint_eq(q8[i], 0x5a);
  for (int r = 0; r < 3; r++) ck_assert(scales[r] == -7);
}
END_TEST

Suite *pack_suite(void) {
  Suite *s = suite_create("pack");
  TCase *tc = tcase_create("core");
  tcase_set_timeout(tc, 120);
  tcase_add_test(tc, pack_roundtrip_random);
  tcase_add_test(tc, pack_layout);
  tcase_add_test(tc, sherry_all_groups_and_random);
  tcase_add_test(tc, quantisers);
  tcase_add_test(tc, metrics);
  tcase_add_test(tc, bad_input);
  tcase_add_test(tc, quantize_no_write_on_error);
  suite_add_tcase(s, tc);
  return s;
}
