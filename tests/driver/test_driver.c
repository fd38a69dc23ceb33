/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libnpe tests through the public API only (npe.h): matmul in every format
 * pair against the golden model bit for bit, shapes from 1x1x1 to several
 * hundred and ragged, strides, buffers, asynchronous submission, statistics,
 * and every documented error path. The energy table also against the
 * crossbar / NLU model that reads it (npe_xbar.h, linked into libnpe).
 */
#include <check.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "npe_xbar.h"
#include "test_rand.h"


/* n patterns of format f in a new array typed by f's element width. */
static npe_pats_out pats_alloc(npe_fmt f, size_t n) {
  npe_pats_out v = {f, NULL, NULL};
  if (npe_fmt_elem_bytes(f) == 2) v.u16 = malloc(n * sizeof *v.u16);
  else v.u8 = malloc(n);
  ck_assert(v.u8 || v.u16);
  return v;
}

static void pats_free(npe_pats_out v) { free(v.u8), free(v.u16); }

static void fill(npe_pats_out v, size_t n, uint64_t *s) {
  for (size_t i = 0; i < n; i++) npe_pats_set(v, i, rand_pattern(v.fmt, s));
}

static npe_dev *open_sim(const char *uri) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open(uri, &d), NPE_OK);
  ck_assert_ptr_nonnull(d);
  return d;
}

/* One random matmul (A M x K with stride sa >= K, B N x K with stride sb),
 * checked element by element against the golden matmul. */
static void check_mm(npe_dev *d, npe_fmt fa, npe_fmt fb, int fp32, npe_fmt fo, uint32_t m,
                     uint32_t n, uint32_t k, size_t sa, size_t sb, uint64_t seed) {
  uint64_t s = seed;
  npe_pats_out a = pats_alloc(fa, m * sa), b = pats_alloc(fb, n * sb);
  npe_pats_out c = pats_alloc(fo, (size_t)m * n), g = pats_alloc(fo, (size_t)m * n);
  float *cf = malloc((size_t)m * n * sizeof *cf), *gf = malloc((size_t)m * n * sizeof *gf);
  ck_assert(cf && gf);
  fill(a, m * sa, &s);
  fill(b, n * sb, &s);
  npe_tensor ta = {npe_pats_of(a), m, k, sa, 0.5f}, tb = {npe_pats_of(b), n, k, sb, 0.25f};
  npe_output out = {fp32 ? cf : NULL, {fo, NULL, NULL}, 0, 0.0f};
  if (!fp32) out.pats = c;
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_OK);
  if (fp32)
    ck_assert_int_eq(npe_golden_matmul_f32(ta.data, sa, tb.data, sb, m, n, k, 0.5f * 0.25f, gf, n),
                     NPE_OK);
  else
    ck_assert_int_eq(npe_golden_matmul_fmt(ta.data, sa, tb.data, sb, m, n, k, g, n), NPE_OK);
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      size_t at = (size_t)i * n + j;
      if (fp32) {
        float got = cf[at], want = gf[at];
        ck_assert_msg(memcmp(&got, &want, 4) == 0 || (isnan(got) && isnan(want)),
                      "%s x %s C[%u][%u] = %a, golden %a", npe_fmt_name(fa), npe_fmt_name(fb),
                      i, j, (double)got, (double)want);
      } else {
        uint32_t got = npe_pats_get(npe_pats_of(c), at), want = npe_pats_get(npe_pats_of(g), at);
        ck_assert_msg(got == want, "%s x %s -> %s C[%u][%u] = %x, golden %x", npe_fmt_name(fa),
                      npe_fmt_name(fb), npe_fmt_name(fo), i, j, got, want);
      }
    }
  }
  if (!fp32) ck_assert(out.scale == 0.5f * 0.25f);
  /* the engine's MAC counters: exactly M x N x K, in the job's format */
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  npe_fmt slot = fb == NPE_FMT_TERNARY ? NPE_FMT_TERNARY : fa;
  for (int f = 0; f < NPE_FMT_COUNT; f++)
    ck_assert_msg(st.macs[f] == (f == (int)slot ? (uint64_t)m * n * k : 0),
                  "%s x %s %ux%ux%u: MACS[%s] = %llu", npe_fmt_name(fa), npe_fmt_name(fb), m, n,
                  k, npe_fmt_name((npe_fmt)f), (unsigned long long)st.macs[f]);
  pats_free(a), pats_free(b), pats_free(c), pats_free(g);
  free(cf), free(gf);
}

static const npe_fmt pairs[6][2] = {
    {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
    {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
    {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};

START_TEST(matmul_every_pair_and_shape) {
  npe_dev *d = open_sim("sim:?latency=60&seed=2");
  static const uint32_t shapes[][3] = {{1, 1, 1}, {3, 7, 5}, {33, 65, 129}, {5, 130, 300},
                                        {130, 3, 17}};
  for (int p = 0; p < 6; p++) {
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
      uint32_t m = shapes[sh][0], n = shapes[sh][1], k = shapes[sh][2];
      int fp32 = (int)((sh + (size_t)p) % 2);
      npe_fmt fo = (npe_fmt)((sh * 5 + (size_t)p) % NPE_FMT_COUNT);
      check_mm(d, pairs[p][0], pairs[p][1], fp32, fo, m, n, k, k + sh, k + 2 * sh,
               17 + 31 * (uint64_t)p + sh);
    }
  }
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert(st.cycles > 0 && st.utilisation > 0 && st.utilisation <= 1.0);
  /* last job 130x3x17: the padded lane of each dot product's last word is no MAC */
  ck_assert_uint_eq(st.macs[NPE_FMT_TERNARY], 130ull * 3 * 17);
  ck_assert(st.energy_pj > 0);
  npe_close(d);
}
END_TEST

/* K beyond npe_max_k(): K tiles (npe_info.has_ksplit), still the golden
 * model's one dot product rounded once and exactly M x N x K MACs; M = 1
 * (the mat-vec layout, K tiles of its own; matvec_k_tiles below), strides,
 * binary32 and format outputs. */
START_TEST(matmul_k_tiles) {
  npe_dev *d = open_sim("sim:?latency=40&ready=80&valid=70&seed=9");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.has_ksplit, 1);
  for (int p = 0; p < 6; p++) {
    uint32_t kmax = npe_max_k(d, pairs[p][0], pairs[p][1]);
    uint32_t k = 2 * kmax + 1 + (uint32_t)p * 37;
    npe_fmt fo = (npe_fmt)((p * 5 + 1) % NPE_FMT_COUNT);
    check_mm(d, pairs[p][0], pairs[p][1], p % 2, fo, p == 0 ? 1 : 3, 5, k, k + 3, k, 300 + (uint64_t)p);
  }
  npe_close(d);
}
END_TEST

/* M = 1 with K beyond npe_max_k(): the mat-vec layout with K tiles, every
 * PE busy, not one PE row: golden-exact in every pair, N not a multiple of
 * the array, Sherry ternary weights (3:4 sparse) and 2-bit ones, and MAC
 * utilisation above what one row of the Rows could reach (1 / Rows). */
START_TEST(matvec_k_tiles) {
  npe_dev *d = open_sim("sim:?latency=20&seed=12");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert(in.has_ksplit && in.rows >= 2 && in.rows <= 4);
  for (int p = 0; p < 6; p++) {
    uint32_t kmax = npe_max_k(d, pairs[p][0], pairs[p][1]);
    uint32_t k = (2 + (uint32_t)p % 3) * kmax + 5 + (uint32_t)p * 13; /* 2x..4x, odd */
    uint32_t n = 61 + 16 * (uint32_t)p;
    check_mm(d, pairs[p][0], pairs[p][1], p % 2, (npe_fmt)((p + 2) % NPE_FMT_COUNT), 1, n, k,
             k + (uint32_t)p, k, 700 + (uint64_t)p);
    npe_stats st;
    ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
    ck_assert_msg(st.utilisation > 1.5 / in.rows, "%s x %s 1x%ux%u: utilisation %.3f",
                  npe_fmt_name(pairs[p][0]), npe_fmt_name(pairs[p][1]), n, k, st.utilisation);
  }
  /* ternary weights that are 3:4 sparse travel as Sherry codes, K-tiled too */
  if (in.has_sherry) {
    uint32_t k = 3 * npe_max_k(d, NPE_FMT_INT8, NPE_FMT_TERNARY) + 9, n = 77;
    uint64_t s = 77;
    npe_pats_out a = pats_alloc(NPE_FMT_INT8, k), b = pats_alloc(NPE_FMT_TERNARY, (size_t)n * k);
    fill(a, k, &s);
    for (uint32_t r = 0; r < n; r++) /* one zero in every group of 4 of a row */
      for (uint32_t kk = 0; kk < k; kk++)
        npe_pats_set(b, (size_t)r * k + kk,
                     kk % 4 == (kk / 4 + r) % 4 ? 0u : (rng(&s) & 1 ? 1u : 3u));
    float *c = malloc(n * 4), *g = malloc(n * 4);
    ck_assert(c && g);
    npe_tensor ta = {npe_pats_of(a), 1, k, 0, 1.0f}, tb = {npe_pats_of(b), n, k, 0, 1.0f};
    npe_output out = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
    ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_OK);
    ck_assert_int_eq(npe_golden_matmul_f32(ta.data, k, tb.data, k, 1, n, k, 1.0f, g, n), NPE_OK);
    ck_assert(memcmp(c, g, n * 4) == 0);
    npe_stats st;
    ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
    ck_assert_uint_eq(st.sherry, 1);
    ck_assert(st.dma_weight_bytes < (uint64_t)n * k / 4); /* below 2 bits a weight */
    pats_free(a), pats_free(b), free(c), free(g);
  }
  npe_close(d);
}
END_TEST

/* Per-row weight scales (npe_matmul_rows): C[i][j] = golden dot rounded to
 * binary32, times (float)(scale_a * scale_b[j]); every pair, strides, the
 * mat-vec path (M = 1), async; and every error with the output untouched. */
START_TEST(matmul_rows_scales) {
  npe_dev *d = open_sim("sim:?latency=30&seed=4");
  static const uint32_t shapes[][3] = {{1, 70, 33}, {9, 13, 40}, {4, 260, 7}};
  for (int p = 0; p < 6; p++)
    for (size_t sh = 0; sh < 3; sh++) {
      uint32_t m = shapes[sh][0], n = shapes[sh][1], k = shapes[sh][2];
      uint64_t s = 1000 + 7 * (uint64_t)p + sh;
      npe_pats_out a = pats_alloc(pairs[p][0], (size_t)m * (k + 1)), b = pats_alloc(pairs[p][1], (size_t)n * k);
      fill(a, (size_t)m * (k + 1), &s);
      fill(b, (size_t)n * k, &s);
      float *sc = malloc(n * sizeof *sc), *c = malloc((size_t)m * n * 4), *g = malloc((size_t)m * n * 4);
      ck_assert(sc && c && g);
      for (uint32_t j = 0; j < n; j++) sc[j] = ldexpf(1.0f + (float)(rng(&s) % 1000) / 1000.0f, (int)(rng(&s) % 9) - 4);
      npe_tensor ta = {npe_pats_of(a), m, k, k + 1, 0.375f}, tb = {npe_pats_of(b), n, k, 0, 0};
      npe_output out = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
      if (sh == 2) { /* asynchronous, and the caller's scales changed after the call */
        npe_job *j;
        ck_assert_int_eq(npe_matmul_rows_submit(d, &ta, &tb, sc, &out, &j), NPE_OK);
        float keep = sc[0];
        sc[0] = 1e9f;
        ck_assert_int_eq(npe_wait(d, j, 0), NPE_OK);
        sc[0] = keep;
      } else {
        ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &out), NPE_OK);
      }
      ck_assert_int_eq(npe_golden_matmul_f32(ta.data, k + 1, tb.data, k, m, n, k, 1.0f, g, n), NPE_OK);
      for (uint32_t i = 0; i < m; i++)
        for (uint32_t j = 0; j < n; j++) {
          float want = g[i * n + j] * (0.375f * sc[j]);
          ck_assert_msg(memcmp(&want, &c[i * n + j], 4) == 0, "pair %d %ux%ux%u: C[%u][%u] = %a, want %a",
                        p, m, n, k, i, j, c[i * n + j], want);
        }
      pats_free(a), pats_free(b), free(sc), free(c), free(g);
    }
  /* errors: nothing written */
  uint64_t s = 5;
  npe_pats_out a = pats_alloc(NPE_FMT_INT8, 4), b = pats_alloc(NPE_FMT_INT8, 4);
  fill(a, 4, &s), fill(b, 4, &s);
  npe_tensor ta = {npe_pats_of(a), 2, 2, 0, 0}, tb = {npe_pats_of(b), 2, 2, 0, 0};
  float c[4] = {7, 7, 7, 7}, sc[2] = {1, 2};
  uint8_t pc[4];
  npe_output out = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, NULL, &out), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, NULL), NPE_ERR_INVALID_ARG);
  sc[1] = 0.0f;
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &out), NPE_ERR_INVALID_ARG);
  sc[1] = NAN;
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &out), NPE_ERR_INVALID_ARG);
  sc[1] = -1.0f;
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &out), NPE_ERR_INVALID_ARG);
  sc[1] = 2.0f;
  tb.scale = 3.0f; /* one scale or the other */
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &out), NPE_ERR_INVALID_ARG);
  tb.scale = 1.0f;
  npe_output pout = {NULL, npe_pats_out_u8(NPE_FMT_INT8, pc), 0, 0}; /* patterns: one scale only */
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &pout), NPE_ERR_INVALID_ARG);
  npe_job *j = NULL;
  ck_assert_int_eq(npe_matmul_rows_submit(d, &ta, &tb, sc, &out, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_ptr_null(j);
  for (int i = 0; i < 4; i++) ck_assert(c[i] == 7.0f);
  ck_assert_int_eq(npe_matmul_rows(d, &ta, &tb, sc, &out), NPE_OK); /* still works */
  pats_free(a), pats_free(b);
  npe_close(d);
}
END_TEST

START_TEST(matmul_several_hundred) {
  npe_dev *d = open_sim("sim:");
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_INT8, 200, 300, 256, 256, 256, 5);
  check_mm(d, NPE_FMT_POSIT8, NPE_FMT_POSIT8, 0, NPE_FMT_POSIT16, 100, 257, 400, 400, 400, 6);
  npe_close(d);
}
END_TEST

START_TEST(async_submit_poll_wait) {
  npe_dev *d = open_sim("sim:?latency=30");
  uint64_t s = 3;
  uint8_t a[40 * 64], b[50 * 64];
  float c[40 * 50], c2[40 * 50];
  fill(npe_pats_out_u8(NPE_FMT_FP4, a), sizeof a, &s);
  fill(npe_pats_out_u8(NPE_FMT_FP4, b), sizeof b, &s);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_FP4, a), 40, 64, 0, 1.0f},
             tb = {npe_pats_u8(NPE_FMT_FP4, b), 50, 64, 0, 1.0f};
  npe_output out = {.f32 = c}, out2 = {.f32 = c2};
  npe_job *j = NULL, *j2 = NULL;
  ck_assert_int_eq(npe_matmul_submit(d, &ta, &tb, &out, &j), NPE_OK);
  /* one job at a time */
  ck_assert_int_eq(npe_matmul_submit(d, &ta, &tb, &out2, &j2), NPE_ERR_BUSY);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out2), NPE_ERR_BUSY);
  int done = 0, polls = 0;
  while (!done) {
    ck_assert_int_eq(npe_poll(d, j, &done), NPE_OK);
    polls++;
  }
  ck_assert_int_gt(polls, 1);
  ck_assert_int_eq(npe_wait(d, j, 0), NPE_OK);
  /* the same product synchronously gives the same bits */
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out2), NPE_OK);
  ck_assert(!memcmp(c, c2, sizeof c));
  npe_close(d);
}
END_TEST

START_TEST(buffers) {
  npe_dev *d = open_sim("sim:"), *d2 = open_sim("sim:");
  npe_buf *b = NULL, *b2 = NULL, *b3 = NULL;
  ck_assert_int_eq(npe_buf_alloc(d, 1000, &b), NPE_OK);
  ck_assert_uint_eq(npe_buf_size(b), 1000);
  uint8_t src[1000], dst[1000];
  for (int i = 0; i < 1000; i++) src[i] = (uint8_t)(i * 7);
  ck_assert_int_eq(npe_buf_write(d, b, 0, src, 1000), NPE_OK);
  ck_assert_int_eq(npe_buf_read(d, b, 0, dst, 1000), NPE_OK);
  ck_assert(!memcmp(src, dst, 1000));
  ck_assert_int_eq(npe_buf_write(d, b, 990, src, 10), NPE_OK);
  ck_assert_int_eq(npe_buf_read(d, b, 995, dst, 5), NPE_OK);
  ck_assert(!memcmp(dst, src + 5, 5));
  /* a second buffer does not overlap the first */
  ck_assert_int_eq(npe_buf_alloc(d, 64, &b2), NPE_OK);
  memset(dst, 0xee, 64);
  ck_assert_int_eq(npe_buf_write(d, b2, 0, dst, 64), NPE_OK);
  ck_assert_int_eq(npe_buf_read(d, b, 0, dst, 1000), NPE_OK);
  ck_assert(!memcmp(dst, src, 990));
  /* out of range, NULL, zero, too large, other device's buffer */
  ck_assert_int_eq(npe_buf_write(d, b, 995, src, 10), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_buf_read(d, b, 1001, dst, 0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_buf_write(d, b, 0, NULL, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_buf_alloc(d, 0, &b3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)1 << 40, &b3), NPE_ERR_NO_MEM);
  ck_assert_ptr_null(b3);
  ck_assert_int_eq(npe_buf_alloc(NULL, 10, &b3), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_buf_read(d2, b, 0, dst, 4), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_buf_free(d2, b), NPE_ERR_INVALID_ARG);
  /* contents intact after all the refusals */
  ck_assert_int_eq(npe_buf_read(d, b, 0, dst, 990), NPE_OK);
  ck_assert(!memcmp(dst, src, 990));
  /* double free, use after free */
  ck_assert_int_eq(npe_buf_free(d, b), NPE_OK);
  ck_assert_int_eq(npe_buf_free(d, b), NPE_ERR_STATE);
  ck_assert_int_eq(npe_buf_write(d, b, 0, src, 4), NPE_ERR_STATE);
  ck_assert_uint_eq(npe_buf_size(b), 0);
  /* freed space is reused, and zeroed */
  ck_assert_int_eq(npe_buf_alloc(d, 512, &b3), NPE_OK);
  ck_assert_int_eq(npe_buf_read(d, b3, 0, dst, 512), NPE_OK);
  for (int i = 0; i < 512; i++) ck_assert_uint_eq(dst[i], 0);
  npe_close(d2);
  npe_close(d);
}
END_TEST

START_TEST(error_paths) {
  npe_dev *d = NULL;
  /* bad URIs */
  static const char *const bad[] = {"", "sim", "foo:", "sim:?=", "sim:?bogus=1",
                                    "sim:?latency=abc", "sim:?latency=", "sim:?ready=0",
                                    "sim:?valid=101", "sim:?seed=-1", "sim:?latency=5&x"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(npe_open(bad[i], &d) == NPE_ERR_INVALID_ARG, "uri '%s'", bad[i]);
    ck_assert_ptr_null(d);
  }
  ck_assert_int_eq(npe_open(NULL, &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("sim:", NULL), NPE_ERR_INVALID_ARG);
  /* a board nobody has (the serial number): no such device */
  ck_assert_int_eq(npe_open("ftdi://0403:6010/NPE-NO-SUCH-BOARD", &d), NPE_ERR_IO);
  ck_assert_int_eq(npe_open("ftdi://nothing", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("uio:/dev/uio0", &d), NPE_ERR_IO); /* no device memory named */
  ck_assert_int_eq(npe_open("uio:nothing", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("sim:?trace=/nonexistent/dir/x.fst", &d), NPE_ERR_IO);
  ck_assert_ptr_null(d);
  npe_close(NULL);

  d = open_sim("sim:");
  npe_info info;
  ck_assert_int_eq(npe_get_info(d, &info), NPE_OK);
  ck_assert_uint_eq(info.formats & 0x3f, 0x3f);
  ck_assert(info.rows >= 1 && info.cols >= 1);
  ck_assert_str_eq(info.transport, "sim");
  ck_assert_int_eq(npe_get_info(d, NULL), NPE_ERR_INVALID_ARG);
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_ERR_STATE); /* no job yet */

  uint8_t a[4 * 8] = {0}, b[3 * 8] = {0};
  float c[12];
  for (int i = 0; i < 12; i++) c[i] = 42.0f;
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), 4, 8, 0, 1},
             tb = {npe_pats_u8(NPE_FMT_INT8, b), 3, 8, 0, 1};
  npe_output out = {.f32 = c};
  npe_tensor t;
  /* bad shapes */
  t = tb, t.cols = 7;
  ck_assert_int_eq(npe_matmul(d, &ta, &t, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.rows = 0;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.stride = 3;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  /* bad formats and pairs */
  t = tb, t.data.fmt = NPE_FMT_POSIT8;
  ck_assert_int_eq(npe_matmul(d, &ta, &t, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.data.fmt = NPE_FMT_TERNARY;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.data.fmt = (npe_fmt)17;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  /* a pointer of the wrong width for the format */
  uint16_t a16[4 * 8] = {0}, c16[12];
  t = ta, t.data = npe_pats_u16(NPE_FMT_INT8, a16);
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.data.u16 = a16; /* both set */
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  npe_tensor p16 = {npe_pats_u8(NPE_FMT_POSIT16, a), 4, 8, 0, 1};
  ck_assert_int_eq(npe_matmul(d, &p16, &p16, &out), NPE_ERR_INVALID_ARG);
  npe_output o2 = {NULL, npe_pats_out_u8((npe_fmt)9, (uint8_t *)c), 0, 0};
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o2), NPE_ERR_INVALID_ARG);
  o2.pats = npe_pats_out_u8(NPE_FMT_POSIT16, (uint8_t *)c);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o2), NPE_ERR_INVALID_ARG);
  o2.pats = npe_pats_out_u16(NPE_FMT_INT8, c16);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o2), NPE_ERR_INVALID_ARG);
  o2.f32 = c; /* both binary32 and patterns */
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o2), NPE_ERR_INVALID_ARG);
  memset(&o2, 0, sizeof o2); /* neither */
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o2), NPE_ERR_INVALID_ARG);
  /* bad scale, NULL data */
  t = ta, t.scale = NAN;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.scale = -1;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  t = ta, t.data.u8 = NULL;
  ck_assert_int_eq(npe_matmul(d, &t, &tb, &out), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_matmul(d, NULL, &tb, &out), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, NULL), NPE_ERR_INVALID_ARG);
  /* a bad pattern */
  uint8_t bad4[4 * 8] = {0};
  bad4[5] = 0x10;
  npe_tensor tf = {npe_pats_u8(NPE_FMT_FP4, bad4), 4, 8, 0, 1},
             tf2 = {npe_pats_u8(NPE_FMT_FP4, b), 3, 8, 0, 1};
  ck_assert_int_eq(npe_matmul(d, &tf, &tf2, &out), NPE_ERR_RANGE);
  ck_assert_uint_eq(npe_max_k(d, NPE_FMT_FP4, NPE_FMT_POSIT8), 0);
  /* nothing was written by any refused call */
  for (int i = 0; i < 12; i++) ck_assert(c[i] == 42.0f);
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_ERR_STATE);
  /* and a good call still works */
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_OK);
  ck_assert(c[0] == 0.0f);
  /* K beyond the scratchpads: K tiles on this engine (the small build,
   * without them, refuses it: small_build) */
  uint32_t kmax = npe_max_k(d, NPE_FMT_POSIT16, NPE_FMT_POSIT16);
  ck_assert_uint_gt(kmax, 1000);
  uint16_t *big = calloc((size_t)kmax + 1, 2);
  ck_assert_ptr_nonnull(big);
  big[kmax] = 0x4000; /* 1.0 at the last K, in the second tile */
  npe_tensor tk = {npe_pats_u16(NPE_FMT_POSIT16, big), 1, kmax + 1, 0, 1};
  float kc[1] = {5.0f};
  npe_output ko = {.f32 = kc};
  ck_assert_int_eq(npe_matmul(d, &tk, &tk, &ko), NPE_OK);
  ck_assert(kc[0] == 1.0f);
  free(big);
  /* wait/poll on a job that is not this device's */
  int done;
  ck_assert_int_eq(npe_poll(d, NULL, &done), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_wait(d, NULL, 0), NPE_ERR_INVALID_ARG);
  /* close frees the device with its buffers (use after close is undefined
   * and not tested; ASan and LeakSanitizer in the san build check the
   * freeing) */
  npe_buf *buf;
  ck_assert_int_eq(npe_buf_alloc(d, 64, &buf), NPE_OK);
  npe_close(d);
  ck_assert_uint_eq(npe_version(), NPE_API_VERSION);
  ck_assert_uint_eq(NPE_API_VERSION, 0x000c00u);
}
END_TEST

/* Is the source a citation (a named publication or library) or labelled as
 * an assumption? */
static int cited_or_assumed(const char *src) {
  static const char *const marks[] = {"assumption", "assumed", "Horowitz", "arXiv", "NanGate",
                                      "yosys",      "measured"};
  for (size_t i = 0; i < sizeof marks / sizeof marks[0]; i++)
    if (strstr(src, marks[i])) return 1;
  return 0;
}

START_TEST(energy_table_cited) {
  size_t n = 0;
  const npe_energy_entry *e = npe_energy_table(&n);
  ck_assert_ptr_eq(npe_energy_table(NULL), e);
  ck_assert_uint_ge(n, 16);
  for (size_t i = 0; i < n; i++) {
    ck_assert_msg(e[i].pj > 0 && isfinite(e[i].pj), "%s", e[i].event);
    ck_assert(e[i].source && strlen(e[i].source) > 10);
    ck_assert_msg(cited_or_assumed(e[i].source), "%s: source neither cited nor assumption",
                  e[i].event);
    ck_assert_msg(e[i].unit && !strncmp(e[i].unit, "pJ/", 3), "%s", e[i].event);
    ck_assert(e[i].area_source != NULL);
    ck_assert(e[i].area_um2 >= 0 && isfinite(e[i].area_um2));
    if (e[i].area_um2 > 0)
      ck_assert_msg(cited_or_assumed(e[i].area_source), "%s: area not cited", e[i].event);
    else
      ck_assert_str_eq(e[i].area_source, "");
    for (size_t j = 0; j < i; j++) ck_assert_str_ne(e[i].event, e[j].event);
    const npe_energy_entry *f = NULL;
    ck_assert_int_eq(npe_energy_find(e[i].event, &f), NPE_OK);
    ck_assert_ptr_eq(f, &e[i]);
  }
  /* issue 6: NLU, ADC conversion, crossbar cell read, DAC and programming */
  static const char *const nlu[] = {"xbar_cell_read", "xbar_dac_conv",   "adc_comparator",
                                    "adc_counter_step", "xbar_prog_pulse", "nlu_step_column",
                                    "nlu_table_read"};
  for (size_t i = 0; i < sizeof nlu / sizeof nlu[0]; i++) {
    const npe_energy_entry *f = NULL;
    ck_assert_msg(npe_energy_find(nlu[i], &f) == NPE_OK, "%s missing", nlu[i]);
    ck_assert(f->pj > 0 && strlen(f->source) > 10 && strlen(f->unit) > 3);
  }
  static const char *const with_area[] = {"xbar_cell_read", "adc_counter_step",
                                          "nlu_step_column"};
  for (size_t i = 0; i < sizeof with_area / sizeof with_area[0]; i++) {
    const npe_energy_entry *f = NULL;
    ck_assert_int_eq(npe_energy_find(with_area[i], &f), NPE_OK);
    ck_assert_msg(f->area_um2 > 0 && strlen(f->area_source) > 10, "%s area", with_area[i]);
  }
  /* bad input */
  const npe_energy_entry *f = e;
  ck_assert_int_eq(npe_energy_find("no_such_event", &f), NPE_ERR_INVALID_ARG);
  ck_assert_ptr_eq(f, e);
  ck_assert_int_eq(npe_energy_find(NULL, &f), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_energy_find("mac_int8", NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_energy_find("", &f), NPE_ERR_INVALID_ARG);
}
END_TEST

/* npe_matmul_nlu against the golden chain: exact dot -> binary32 ->
 * npe_nlu_from_double (NaN -> 0) -> npe_nlu_table_eval. */
static void check_mm_nlu(npe_dev *d, npe_fmt fa, npe_fmt fb, npe_nlu_func fn, unsigned bits,
                         unsigned frac, float sa, float sb, uint32_t m, uint32_t n, uint32_t k,
                         size_t stride, uint64_t seed) {
  uint64_t s = seed;
  npe_pats_out a = pats_alloc(fa, (size_t)m * k), b = pats_alloc(fb, (size_t)n * k);
  size_t ld = stride ? stride : n;
  uint8_t *codes = malloc((size_t)m * ld);
  float *g = malloc((size_t)m * n * sizeof *g);
  ck_assert(codes && g);
  fill(a, (size_t)m * k, &s);
  fill(b, (size_t)n * k, &s);
  memset(codes, 0xee, (size_t)m * ld);
  npe_nlu_spec spec;
  npe_nlu_table tab;
  ck_assert_int_eq(npe_nlu_spec_default(fn, bits, &spec), NPE_OK);
  spec.in_frac_bits = frac;
  ck_assert_int_eq(npe_nlu_table_gen(&spec, &tab), NPE_OK);
  npe_tensor ta = {npe_pats_of(a), m, k, 0, sa}, tb = {npe_pats_of(b), n, k, 0, sb};
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, frac, codes, stride), NPE_OK);
  double scale = (double)(sa == 0.0f ? 1.0f : sa) * (double)(sb == 0.0f ? 1.0f : sb);
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, 1.0f, g, n), NPE_OK);
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      float f = g[(size_t)i * n + j];
      int32_t x = 0;
      unsigned want;
      if (f == f) ck_assert_int_eq(npe_nlu_from_double((double)f * scale, frac, &x), NPE_OK);
      ck_assert_int_eq(npe_nlu_table_eval(&tab, x, &want), NPE_OK);
      ck_assert_msg(codes[(size_t)i * ld + j] == want, "%s B=%u F=%u: [%u][%u] = %u, golden %u",
                    npe_nlu_func_name(fn), bits, frac, i, j, codes[(size_t)i * ld + j], want);
    }
    for (size_t j = n; j < ld; j++) ck_assert_uint_eq(codes[(size_t)i * ld + j], 0xee);
  }
  pats_free(a), pats_free(b), free(codes), free(g);
}

START_TEST(matmul_nlu_golden_and_errors) {
  npe_dev *d = open_sim("sim:?latency=30&ready=80&valid=80");
  npe_info info;
  ck_assert_int_eq(npe_get_info(d, &info), NPE_OK);
  ck_assert_uint_eq(info.has_nlu, 1);
  check_mm_nlu(d, NPE_FMT_FP4, NPE_FMT_FP4, NPE_NLU_SIGMOID, 6, 4, 0, 1, 9, 17, 24, 0, 1);
  check_mm_nlu(d, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_NLU_TANH, 8, 2, 0, 0, 5, 70, 33, 75, 2);
  check_mm_nlu(d, NPE_FMT_POSIT8, NPE_FMT_POSIT8, NPE_NLU_GELU, 5, 6, 0.5f, 4, 13, 3, 40, 0, 3);
  check_mm_nlu(d, NPE_FMT_POSIT16, NPE_FMT_POSIT16, NPE_NLU_LINEAR, 8, 0, 1, 1, 4, 9, 16, 0, 4);
  /* scales folded into a right shift: int8 codes x 2^-6 x 2^-5, F = 8 -> S = 3 */
  check_mm_nlu(d, NPE_FMT_INT8, NPE_FMT_INT8, NPE_NLU_SIGMOID, 8, 8, 1.0f / 64, 1.0f / 32, 6, 11,
               20, 0, 5);
  /* bad input: an error, the codes untouched */
  uint8_t a[8 * 8] = {0}, b[8 * 8] = {0}, codes[64];
  memset(codes, 0x77, sizeof codes);
  npe_nlu_spec spec;
  npe_nlu_table tab, bad;
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_SIGMOID, 4, &spec), NPE_OK);
  ck_assert_int_eq(npe_nlu_table_gen(&spec, &tab), NPE_OK);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), 8, 8, 0, 0.0f},
             tb = {npe_pats_u8(NPE_FMT_INT8, b), 8, 8, 0, 0.0f};
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, NULL, 8, codes, 0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, 8, NULL, 0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, 15, codes, 0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, 8, codes, 7), NPE_ERR_INVALID_ARG);
  ta.scale = 0.3f; /* not a power of two */
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, 8, codes, 0), NPE_ERR_INVALID_ARG);
  ta.scale = 1.0f / 65536; /* F = 0, 2^-16 x 2^-8: exponent -24 < -15 */
  tb.scale = 1.0f / 256;
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, 0, codes, 0), NPE_ERR_INVALID_ARG);
  ta.scale = 64.0f; /* 8 + 6 + 1 = 15 > 14 */
  tb.scale = 2.0f;
  ck_assert_int_eq(npe_matmul_nlu(d, &ta, &tb, &tab, 8, codes, 0), NPE_ERR_INVALID_ARG);
  ta.scale = 0.0f;
  tb.scale = 0.0f;
  bad = tab;
  bad.seg_t[0][3] = bad.seg_t[0][2] - 1; /* not monotone */
  ck_assert_int_ne(npe_matmul_nlu(d, &ta, &tb, &bad, 8, codes, 0), NPE_OK);
  bad = tab;
  bad.bits = 9;
  ck_assert_int_ne(npe_matmul_nlu(d, &ta, &tb, &bad, 8, codes, 0), NPE_OK);
  for (size_t i = 0; i < sizeof codes; i++) ck_assert_uint_eq(codes[i], 0x77);
  /* the device still works, and a plain matmul after an NLU job is unaffected */
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_INT8, 5, 6, 9, 9, 9, 5);
  npe_close(d);
}
END_TEST

static double pj_of(const char *event) {
  const npe_energy_entry *e = NULL;
  ck_assert_int_eq(npe_energy_find(event, &e), NPE_OK);
  return e->pj;
}

/* The energy estimate users read (npe_stats.energy_pj) is the table's
 * arithmetic on the counts the same stats report, recomputed here from
 * npe_energy_find() and the stats, not by the library's function:
 *   sum_f macs[f] x mac_<f>
 *   + gated_lane_cycles x gated_lane_cycle
 *   + DMA bits x dram_bit, DMA bits = 8 x (dma_read_bytes + dma_write_bytes)
 *   + SRAM bits x sram_bit, SRAM bits = the DMA bits (each written to or
 *     read from a scratchpad once) + 2 x 16 bits per PE word issued (a word
 *     of A and one of B), PE words = sum_f macs[f] / lanes(f), lanes 4, 4, 2,
 *     1, 2, 2 for fp4, posit4, posit8, posit16, int8, ternary (full words
 *     assumed)
 *   + nlu_column_steps x nlu_step_column + nlu_table_reads x nlu_table_read
 *   (the recurrence unit's terms are zero in a matmul; tests/driver/test_rnn.c
 *   checks them on sequences).
 * The NLU counts themselves: a B-bit conversion takes 2^B ramp steps, and a
 * Rows x Cols group of conversions reads the table once per step. */
static double energy_of(const npe_stats *st) {
  static const char *const mac_event[NPE_FMT_COUNT] = {
      "mac_fp4", "mac_posit4", "mac_posit8", "mac_posit16", "mac_int8", "mac_ternary"};
  static const double lanes[NPE_FMT_COUNT] = {4, 4, 2, 1, 2, 2};
  double e = 0, words = 0;
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    e += (double)st->macs[f] * pj_of(mac_event[f]);
    words += (double)st->macs[f] / lanes[f];
  }
  double dma_bits = 8.0 * (double)(st->dma_read_bytes + st->dma_write_bytes);
  e += (double)st->gated_lane_cycles * pj_of("gated_lane_cycle");
  e += dma_bits * pj_of("dram_bit");
  e += (dma_bits + 32.0 * words) * pj_of("sram_bit");
  e += (double)st->nlu_column_steps * pj_of("nlu_step_column");
  e += (double)st->nlu_table_reads * pj_of("nlu_table_read");
  /* the recurrence unit: none in a matmul */
  ck_assert_uint_eq(st->recur_cycles + st->recur_mode_elems[0] + st->recur_mode_elems[1] +
                        st->recur_mode_elems[2], 0);
  return e;
}

/* @p nlu_m, @p nlu_n: the shape of an NLU job (one n-block), for its ramps:
 * one per NLU_GROUPS column groups of each m-tile. */
static void check_energy(npe_dev *d, const char *what, unsigned nlu_bits, uint32_t nlu_m,
                         uint32_t nlu_n) {
  npe_stats st;
  npe_info in;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  uint64_t macs = 0;
  for (int f = 0; f < NPE_FMT_COUNT; f++) macs += st.macs[f];
  ck_assert_msg(macs > 0 && st.gated_lane_cycles > 0 && st.dma_read_bytes > 0 &&
                st.dma_write_bytes > 0, "%s: a count the estimate sums is 0", what);
  if (nlu_bits) {
    ck_assert_uint_gt(st.adc_conversions, 0);
    ck_assert_uint_eq(st.nlu_column_steps, st.adc_conversions << nlu_bits);
    uint64_t tiles = (nlu_m + in.rows - 1) / in.rows, groups = (nlu_n + in.cols - 1) / in.cols;
    ck_assert_uint_eq(st.adc_conversions, tiles * groups * in.rows * in.cols);
    ck_assert_uint_eq(in.nlu_groups, 8);
    ck_assert_uint_eq(st.nlu_table_reads,
                      tiles * ((groups + in.nlu_groups - 1) / in.nlu_groups) << nlu_bits);
  } else {
    ck_assert_uint_eq(st.nlu_column_steps + st.nlu_table_reads, 0);
  }
  double want = energy_of(&st);
  ck_assert_msg(fabs(st.energy_pj - want) <= 1e-9 * want, "%s: energy_pj %.17g, table x counts %.17g",
                what, st.energy_pj, want);
}

START_TEST(energy_estimate_is_table_times_counts) {
  npe_dev *d = open_sim("sim:?latency=20");
  for (int p = 0; p < 6; p++) {
    check_mm(d, pairs[p][0], pairs[p][1], p % 2, pairs[p][0] == NPE_FMT_INT8 ? NPE_FMT_INT8
                                                                             : pairs[p][0],
             7, 13, 45, 45, 45, 70 + (uint64_t)p);
    check_energy(d, npe_fmt_name(pairs[p][1]), 0, 0, 0);
  }
  check_mm_nlu(d, NPE_FMT_INT8, NPE_FMT_INT8, NPE_NLU_SIGMOID, 6, 4, 0, 0, 6, 11, 20, 0, 7);
  check_energy(d, "int8 + NLU B=6", 6, 6, 11);
  npe_close(d);
}
END_TEST

/* `npe nlu-report` and the NLU bench take their energies from the
 * crossbar model (npe_xbar_energy_default, npe_xbar_nlu_conv_energy,
 * npe_xbar_matvec_cost); those equal the table's entries. */
START_TEST(nlu_report_energy_is_the_table) {
  size_t ne = 0;
  const char *const *ev = npe_xbar_energy_events(&ne);
  ck_assert_uint_ge(ne, 7);
  for (size_t i = 0; i < ne; i++) {
    const npe_energy_entry *f = NULL;
    ck_assert_msg(npe_energy_find(ev[i], &f) == NPE_OK, "%s not in the table", ev[i]);
  }
  npe_xbar_cfg cfg;
  npe_xbar_energy en;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 64, 64), NPE_OK);
  ck_assert_int_eq(npe_xbar_energy_default(&cfg, &en), NPE_OK);
  ck_assert(en.cell_read_pj == pj_of("xbar_cell_read"));
  ck_assert(en.dac_pj == pj_of("xbar_dac_conv"));
  ck_assert(en.comp_pj == pj_of("adc_comparator"));
  ck_assert(en.count_pj == pj_of("adc_counter_step"));
  ck_assert(en.prog_pulse_pj == pj_of("xbar_prog_pulse"));
  ck_assert(en.nlu_step_pj == pj_of("nlu_step_column"));
  ck_assert(en.nlu_table_pj == pj_of("nlu_table_read"));
  ck_assert(en.mac_int8_pj == pj_of("mac_int8"));
  ck_assert(en.sram_byte_pj == 8 * pj_of("sram_bit"));
  for (unsigned b = 1; b <= 8; b++) {
    double a, d, s = (double)((1u << b) - 1u);
    ck_assert_int_eq(npe_xbar_nlu_conv_energy(&cfg, &en, b, &a, &d), NPE_OK);
    double ramp = s * NPE_XBAR_BIAS_DEVICES + s * (s - 1) / 2;
    ck_assert_double_eq_tol(
        a, s * (pj_of("adc_comparator") + pj_of("adc_counter_step")) +
               ramp * pj_of("xbar_cell_read") / 64, 1e-12);
    ck_assert_double_eq_tol(
        d, s * pj_of("nlu_step_column") + s * pj_of("nlu_table_read") / cfg.nlu_cols, 1e-12);
    /* 64 x 64 y = f(Wx): analog tile (bench xbar_matvec64_energy_per_act) */
    double pj;
    uint64_t cyc;
    ck_assert_int_eq(npe_xbar_matvec_cost(&cfg, &en, b, 1, &pj, &cyc), NPE_OK);
    double ref = 64 * pj_of("xbar_dac_conv") + 2.0 * 64 * 64 * pj_of("xbar_cell_read") +
                 ramp * pj_of("xbar_cell_read") +
                 s * 64 * (pj_of("adc_comparator") + pj_of("adc_counter_step"));
    ck_assert_double_eq_tol(pj, ref, 1e-9 * ref);
  }
}
END_TEST

/* The small build (the iCE40UP5K configuration) through the same API:
 * what it reports, INT8 and ternary jobs golden-exact (ragged, N beyond one
 * output block, the longest K), the formats and units it lacks refused. */
START_TEST(small_build) {
  npe_dev *d = open_sim("sim:?build=small");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_str_eq(in.transport, "sim-small");
  ck_assert_uint_eq(in.rows, 1);
  ck_assert_uint_eq(in.cols, 1);
  ck_assert_uint_eq(in.formats, (1u << NPE_FMT_INT8) | (1u << NPE_FMT_TERNARY));
  ck_assert_uint_eq(in.has_nlu, 0);
  ck_assert_uint_eq(in.mem_size, 128u << 10);
  ck_assert_uint_eq(npe_max_k(d, NPE_FMT_INT8, NPE_FMT_INT8), 2048);
  ck_assert_uint_eq(npe_max_k(d, NPE_FMT_FP4, NPE_FMT_FP4), 0);
  ck_assert_uint_eq(in.has_ksplit, 0); /* npe_pe_lite: no quire slots */
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_INT8, 1, 1, 1, 1, 1, 3);
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_INT8, 5, 13, 100, 103, 100, 4);
  check_mm(d, NPE_FMT_INT8, NPE_FMT_TERNARY, 1, NPE_FMT_INT8, 3, 9, 77, 77, 80, 5);
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 0, NPE_FMT_INT8, 4, 6, 64, 64, 64, 6);
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_INT8, 2, 1, 2048, 2048, 2048, 7);
  /* K > 1024: one B row per n-block, so C's blocks are padded to 8 bytes */
  check_mm(d, NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_INT8, 2, 3, 2048, 2048, 2048, 8);
  check_mm(d, NPE_FMT_INT8, NPE_FMT_TERNARY, 0, NPE_FMT_INT8, 3, 5, 1500, 1500, 1500, 9);
  uint8_t a[8] = {0}, b[8] = {0};
  float c[1];
  npe_tensor ta = {npe_pats_u8(NPE_FMT_FP4, a), 1, 8, 8, 0.0f},
             tb = {npe_pats_u8(NPE_FMT_FP4, b), 1, 8, 8, 0.0f};
  npe_output out = {.f32 = c};
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &out), NPE_ERR_UNSUPPORTED);
  /* K one beyond the limit: refused without K tiles, nothing written */
  uint8_t *big = calloc(2049, 1);
  ck_assert_ptr_nonnull(big);
  c[0] = 7.0f;
  npe_tensor ka = {npe_pats_u8(NPE_FMT_INT8, big), 1, 2049, 2049, 0.0f};
  ck_assert_int_eq(npe_matmul(d, &ka, &ka, &out), NPE_ERR_UNSUPPORTED);
  ck_assert(c[0] == 7.0f);
  free(big);
  npe_close(d);
}
END_TEST

/* Sherry 1.25-bit ternary weights: random INT8 A (M x K) and 3:4-sparse
 * ternary B (N x K: one zero in every group of 4 along K, at most one in a
 * last partial group), run with Sherry on and off: the same binary32 C bit
 * for bit, equal to the golden model, npe_stats.sherry says which, and
 * dma_weight_bytes is exact: 1.25 bits per weight (5 bits a group of 4)
 * plus the padding of each LOAD row to whole 8-byte words, for each of the
 * ceil(M / 4) m-tiles; 2 bits per weight without. */
static void sherry_case(npe_dev *d, uint32_t m, uint32_t n, uint32_t k, uint64_t want_sherry,
                        uint64_t want_plain, int sparse, uint64_t seed) {
  uint64_t s = seed;
  uint8_t *a = malloc((size_t)m * k), *b = malloc((size_t)n * k);
  float *c1 = malloc((size_t)m * n * 4), *c0 = malloc((size_t)m * n * 4),
        *g = malloc((size_t)m * n * 4);
  ck_assert(a && b && c1 && c0 && g);
  for (size_t i = 0; i < (size_t)m * k; i++) a[i] = (uint8_t)rand_pattern(NPE_FMT_INT8, &s);
  for (uint32_t r = 0; r < n; r++)
    for (uint32_t q = 0; q < k; q += 4) {
      uint32_t z = (uint32_t)(rng(&s) % 4);
      for (uint32_t i = 0; i < 4 && q + i < k; i++)
        b[(size_t)r * k + q + i] = i == z ? 0 : (rng(&s) & 1 ? 3 : 1);
    }
  if (!sparse) b[0] = 1, b[1] = 1, b[2] = 1, b[3] = 1; /* row 0's first group: no zero */
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), m, k, 0, 0.5f},
             tb = {npe_pats_u8(NPE_FMT_TERNARY, b), n, k, 0, 0.25f};
  npe_output o1 = {.f32 = c1}, o0 = {.f32 = c0};
  npe_stats st;
  ck_assert_int_eq(npe_set_sherry(d, 1), NPE_OK);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o1), NPE_OK);
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_uint_eq(st.sherry, sparse ? 1u : 0u);
  ck_assert_uint_eq(st.dma_weight_bytes, sparse ? want_sherry : want_plain);
  uint64_t rd1 = st.dma_read_bytes;
  ck_assert_int_eq(npe_set_sherry(d, 0), NPE_OK);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o0), NPE_OK);
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_uint_eq(st.sherry, 0);
  ck_assert_uint_eq(st.dma_weight_bytes, want_plain);
  /* the engine's own DMA counter moved the difference (with K tiles the
   * two plans' tiles differ: Sherry starts them at multiples of 4) */
  if (sparse && k <= npe_max_k(d, NPE_FMT_INT8, NPE_FMT_TERNARY)) ck_assert_uint_eq(st.dma_read_bytes - rd1, want_plain - want_sherry);
  ck_assert_int_eq(npe_set_sherry(d, 1), NPE_OK);
  ck_assert_mem_eq(c1, c0, (size_t)m * n * 4);
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, 0.5f * 0.25f, g, n),
                   NPE_OK);
  ck_assert_mem_eq(c1, g, (size_t)m * n * 4);
  free(a), free(b), free(c1), free(c0), free(g);
}

START_TEST(matmul_sherry) {
  npe_dev *d = open_sim("sim:?latency=40");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.has_sherry, 1);
  /* the per-step stream: B LOADed for every m-tile (matmul_b_resident has
   * the resident one) */
  ck_assert_int_eq(npe_set_b_resident(d, 0), NPE_OK);
  /* 256 weights a row: 64 groups = 320 bits = 40 bytes (5 words), 64 as 2-bit codes */
  sherry_case(d, 4, 256, 256, 256 * 40, 256 * 64, 1, 1);
  /* the batch-1 mat-vec: LOAD rows of 4 weight rows side by side, 160 bytes each */
  sherry_case(d, 1, 256, 256, 64 * 160, 64 * 256, 1, 2);
  /* K = 100: rows of 128 codes (4 words), Sherry 160 bits -> 3 words; 3 m-tiles;
   * a row's Sherry stream ends inside a word */
  sherry_case(d, 9, 70, 100, 3 * 70 * 24, 3 * 70 * 32, 1, 3);
  /* K = 102: a partial last group */
  sherry_case(d, 5, 3, 102, 2 * 3 * 24, 2 * 3 * 32, 1, 4);
  /* not 3:4 sparse: 2-bit codes even with Sherry on */
  sherry_case(d, 4, 8, 64, 0, 8 * 16, 0, 5);
  /* K tiles (K > 8192): with Sherry 2 tiles of 4100 and 4095 (the driver
   * rounds 4098 up to a multiple of 4): LOAD rows of 129 and 128 words,
   * Sherry 81 and 80 words; as 2-bit codes 2 tiles of 4098 and 4097, 129
   * words each */
  sherry_case(d, 2, 3, 8195, 3 * (81 + 80) * 8, 3 * (129 + 129) * 8, 1, 6);
  /* resident B: the 3 m-tiles' weights once, 70 rows of 24 (Sherry) or 32 bytes */
  ck_assert_int_eq(npe_set_b_resident(d, 1), NPE_OK);
  sherry_case(d, 9, 70, 100, 70 * 24, 70 * 32, 1, 3);
  ck_assert_int_eq(npe_set_sherry(NULL, 1), NPE_ERR_INVALID_ARG);
  npe_close(d);
  d = open_sim("sim:?build=small"); /* no unpacker: 2-bit codes */
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.has_sherry, 0);
  ck_assert_int_eq(npe_set_sherry(d, 1), NPE_ERR_UNSUPPORTED);
  ck_assert_int_eq(npe_set_sherry(d, 0), NPE_OK);
  npe_close(d);
}
END_TEST

/* Resident B (npe_set_b_resident, CAP_FORMATS.B_OFFSET): matmuls of two
 * m-tiles or more in every format pair, N over one n-block and several,
 * run with B resident and per step: the same binary32 C bit for bit, equal
 * to the golden model; dma_weight_bytes is N packed B rows once instead of
 * once per m-tile and n-block step, and the engine's DMA read counter drops
 * by exactly the LOAD B bytes and descriptors the per-step stream has more:
 * (m_tiles - 1) x N rows of ceil(ceil(K / lanes) / (64 / (lanes x bits)))
 * 8-byte words, and m_tiles x n_blocks - 1 descriptors of 64 bytes (the
 * default build: Rows 4, an n-block of 64 columns). */
static void b_resident_case(npe_dev *d, npe_fmt fa, npe_fmt fb, uint32_t m, uint32_t n,
                            uint32_t k, uint64_t seed) {
  uint64_t s = seed;
  int wide_a = npe_fmt_elem_bytes(fa) == 2;
  uint16_t *a16 = malloc((size_t)m * k * 2), *b16 = malloc((size_t)n * k * 2);
  uint8_t *a8 = malloc((size_t)m * k), *b8 = malloc((size_t)n * k);
  float *c1 = malloc((size_t)m * n * 4), *c0 = malloc((size_t)m * n * 4),
        *g = malloc((size_t)m * n * 4);
  ck_assert(a16 && b16 && a8 && b8 && c1 && c0 && g);
  for (size_t i = 0; i < (size_t)m * k; i++) {
    uint32_t v = rand_pattern(fa, &s);
    a16[i] = (uint16_t)v, a8[i] = (uint8_t)v;
  }
  for (size_t i = 0; i < (size_t)n * k; i++) {
    uint32_t v = rand_pattern(fb, &s);
    b16[i] = (uint16_t)v, b8[i] = (uint8_t)v;
  }
  npe_tensor ta = {wide_a ? npe_pats_u16(fa, a16) : npe_pats_u8(fa, a8), m, k, 0, 0.5f},
             tb = {wide_a ? npe_pats_u16(fb, b16) : npe_pats_u8(fb, b8), n, k, 0, 0.25f};
  npe_output o1 = {.f32 = c1}, o0 = {.f32 = c0};
  npe_stats on, off;
  ck_assert_int_eq(npe_set_b_resident(d, 1), NPE_OK);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o1), NPE_OK);
  ck_assert_int_eq(npe_last_stats(d, &on), NPE_OK);
  ck_assert_int_eq(npe_set_b_resident(d, 0), NPE_OK);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &o0), NPE_OK);
  ck_assert_int_eq(npe_last_stats(d, &off), NPE_OK);
  ck_assert_int_eq(npe_set_b_resident(d, 1), NPE_OK);
  /* the plan's B bytes, from the format table */
  static const uint64_t lanes_of[NPE_FMT_COUNT] = {4, 4, 2, 1, 2, 2}; /* docs/REGMAP.md */
  static const uint64_t bits_of[NPE_FMT_COUNT] = {4, 4, 8, 16, 8, 2};
  npe_fmt jf = fb == NPE_FMT_TERNARY ? fb : fa;
  uint64_t lanes = lanes_of[jf], bits = bits_of[fb];
  uint64_t words = (k + lanes - 1) / lanes, per_word = 64 / (lanes * bits);
  uint64_t row_b = (words + per_word - 1) / per_word * 8;
  uint64_t m_tiles = (m + 3) / 4, n_blocks = (n + 63) / 64;
  ck_assert_uint_eq(on.dma_weight_bytes, n * row_b);
  ck_assert_uint_eq(off.dma_weight_bytes, m_tiles * n * row_b);
  ck_assert_msg(off.dma_read_bytes - on.dma_read_bytes ==
                    (m_tiles - 1) * n * row_b + 64 * (m_tiles * n_blocks - 1),
                "%s x %s M=%u N=%u K=%u: DMA read %llu bytes resident, %llu per step",
                npe_fmt_name(fa), npe_fmt_name(fb), m, n, k,
                (unsigned long long)on.dma_read_bytes, (unsigned long long)off.dma_read_bytes);
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, 0.5f * 0.25f, g, n),
                   NPE_OK);
  for (size_t i = 0; i < (size_t)m * n; i++)
    ck_assert_msg(!memcmp(&c1[i], &g[i], 4), "%s x %s M=%u N=%u K=%u: C[%zu] = %a, golden %a",
                  npe_fmt_name(fa), npe_fmt_name(fb), m, n, k, i, (double)c1[i], (double)g[i]);
  ck_assert_mem_eq(c1, c0, (size_t)m * n * 4);
  free(a16), free(b16), free(a8), free(b8), free(c1), free(c0), free(g);
}

START_TEST(matmul_b_resident) {
  npe_dev *d = open_sim("sim:?latency=20");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.has_b_offset, 1);
  ck_assert_uint_eq(in.rows, 4);
  static const npe_fmt prs[6][2] = {
      {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};
  /* ragged M, one n-block and up to four, K from 1 to past a few words */
  static const uint32_t shp[][3] = {{5, 1, 1}, {8, 3, 17}, {9, 64, 33}, {13, 131, 40},
                                    {21, 200, 7}, {33, 10, 300}};
  for (int i = 0; i < 6; i++)
    for (size_t sh = 0; sh < sizeof shp / sizeof shp[0]; sh++)
      b_resident_case(d, prs[i][0], prs[i][1], shp[sh][0], shp[sh][1], shp[sh][2],
                      77 + 10 * (uint64_t)i + sh);
  ck_assert_int_eq(npe_set_b_resident(NULL, 1), NPE_ERR_INVALID_ARG);
  npe_close(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("driver");
  TCase *tc = tcase_create("api");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, error_paths);
  tcase_add_test(tc, buffers);
  tcase_add_test(tc, energy_table_cited);
  tcase_add_test(tc, nlu_report_energy_is_the_table);
  tcase_add_test(tc, matmul_nlu_golden_and_errors);
  tcase_add_test(tc, async_submit_poll_wait);
  tcase_add_test(tc, matmul_every_pair_and_shape);
  tcase_add_test(tc, matmul_rows_scales);
  tcase_add_test(tc, matmul_k_tiles);
  tcase_add_test(tc, matvec_k_tiles);
  tcase_add_test(tc, matmul_several_hundred);
  tcase_add_test(tc, small_build);
  tcase_add_test(tc, matmul_sherry);
  tcase_add_test(tc, matmul_b_resident);
  tcase_add_test(tc, energy_estimate_is_table_times_counts);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
