/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libnpe offloading through the SoC's firmware ("sim:?build=soc", docs/SOC.md),
 * through the public API only: the same npe_matmul calls as on a host-driven
 * engine, every result bit-identical to the host-driven "sim:" run and to the
 * golden model (every format pair the SoC's engine has, binary32 and pattern
 * outputs, M = 1 mat-vecs, strides, per-column scales), jobs the driver
 * splits into several requests (rows of A, columns of B), K 2 to 3 times
 * the scratchpads' limit (K tiles in the firmware; ternary B as Sherry
 * codes and as 2-bit codes), asynchronous submission, the statistics, and
 * the errors: K too long for the host window and the arena, a bad
 * pattern, the NLU, a recurrence, device buffers, a missing firmware, a
 * time-out; nothing written and the device still running after each.
 *
 * NPE_TEST_SOC_FIRMWARE=ELF runs it on another firmware (make
 * soc-driver-plant-test: the planted one must fail).
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "npe_internal.h" /* (only for off_test_op: the firmware's fault hooks) */
#include "test_rand.h"

static char soc_uri[512] = "sim:?build=soc";

static npe_dev *open_dev(const char *uri) {
  npe_dev *d = NULL;
  char msg[256];
  int rc = npe_open_msg(uri, &d, msg, sizeof msg);
  if (rc) fprintf(stderr, "%s: %s\n", uri, msg);
  ck_assert_int_eq(rc, NPE_OK);
  return d;
}

static npe_pats_out pats_alloc(npe_fmt f, size_t n) {
  npe_pats_out v = {f, NULL, NULL};
  if (npe_fmt_elem_bytes(f) == 2) v.u16 = calloc(n ? n : 1, sizeof *v.u16);
  else v.u8 = calloc(n ? n : 1, 1);
  ck_assert(v.u8 || v.u16);
  return v;
}

static void pats_free(npe_pats_out v) { free(v.u8), free(v.u16); }

static void fill(npe_pats_out v, size_t n, uint64_t *s) {
  for (size_t i = 0; i < n; i++) npe_pats_set(v, i, rand_pattern(v.fmt, s));
}

/* The device pair of every test: the SoC, and a host-driven engine */
static npe_dev *soc, *host;

static void setup(void) {
  soc = open_dev(soc_uri);
  host = open_dev("sim:");
}

static void teardown(void) {
  npe_close(soc);
  npe_close(host);
}

static const npe_fmt kPairs[][2] = {
    {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
    {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
    {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY},
};

static unsigned mismatches;
/* check_mm: ternary B made 3:4 sparse (one zero in every group of 4 along
 * K), so it can travel as Sherry codes */
static int sparse_b;

/* One matmul on both devices and the golden model; every element compared
 * bit for bit. Returns the SoC job's statistics. */
static npe_stats check_mm(npe_fmt fa, npe_fmt fb, int fp32, npe_fmt fo, uint32_t m, uint32_t n,
                          uint32_t k, size_t sa, size_t sb, const float *b_scales,
                          uint64_t seed) {
  uint64_t s = seed;
  npe_pats_out a = pats_alloc(fa, (size_t)m * sa), b = pats_alloc(fb, (size_t)n * sb);
  fill(a, (size_t)m * sa, &s);
  fill(b, (size_t)n * sb, &s);
  if (sparse_b && fb == NPE_FMT_TERNARY)
    for (size_t r = 0; r < n; r++)
      for (size_t g = 0; g + 4 <= k; g += 4) {
        unsigned z = (unsigned)(rng(&s) % 4);
        for (unsigned i = 0; i < 4; i++)
          npe_pats_set(b, r * sb + g + i, i == z ? 0u : (rng(&s) & 1) ? 1u : 3u);
      }
  if (sparse_b && fb == NPE_FMT_TERNARY) /* a last partial group: no zero (the padding has it) */
    for (size_t r = 0; r < n; r++)
      for (size_t i = k / 4 * 4; i < k; i++) npe_pats_set(b, r * sb + i, (rng(&s) & 1) ? 1u : 3u);
  size_t cells = (size_t)m * n;
  npe_pats_out c1 = pats_alloc(fo, cells), c2 = pats_alloc(fo, cells), g = pats_alloc(fo, cells);
  float *f1 = calloc(cells, 4), *f2 = calloc(cells, 4), *gf = calloc(cells, 4);
  ck_assert(f1 && f2 && gf);
  float sa_ = b_scales ? 1.0f : 0.5f, sb_ = b_scales ? 0.0f : 0.25f;
  npe_tensor ta = {npe_pats_of(a), m, k, sa, sa_}, tb = {npe_pats_of(b), n, k, sb, sb_};
  npe_output o1 = {fp32 ? f1 : NULL, {fo, NULL, NULL}, 0, 0.0f};
  npe_output o2 = {fp32 ? f2 : NULL, {fo, NULL, NULL}, 0, 0.0f};
  if (!fp32) o1.pats = c1, o2.pats = c2;
  if (b_scales) {
    ck_assert_int_eq(npe_matmul_rows(soc, &ta, &tb, b_scales, &o1), NPE_OK);
    ck_assert_int_eq(npe_matmul_rows(host, &ta, &tb, b_scales, &o2), NPE_OK);
  } else {
    int rc = npe_matmul(soc, &ta, &tb, &o1);
    if (rc) fprintf(stderr, "npe_matmul on the SoC: %d %s\n", rc, npe_last_error(soc));
    ck_assert_int_eq(rc, NPE_OK);
    ck_assert_int_eq(npe_matmul(host, &ta, &tb, &o2), NPE_OK);
  }
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(soc, &st), NPE_OK);
  if (fp32)
    ck_assert_int_eq(npe_golden_matmul_f32(ta.data, sa, tb.data, sb, m, n, k,
                                           b_scales ? 1.0f : 0.5f * 0.25f, gf, n),
                     NPE_OK);
  else
    ck_assert_int_eq(npe_golden_matmul_fmt(ta.data, sa, tb.data, sb, m, n, k, g, n), NPE_OK);
  unsigned bad = 0;
  for (size_t i = 0; i < cells; i++) {
    uint32_t v1, v2, vg;
    if (fp32) {
      float want = b_scales ? gf[i] * b_scales[i % n] : gf[i];
      memcpy(&v1, &f1[i], 4), memcpy(&v2, &f2[i], 4), memcpy(&vg, &want, 4);
    } else {
      v1 = npe_pats_get(npe_pats_of(c1), i), v2 = npe_pats_get(npe_pats_of(c2), i);
      vg = npe_pats_get(npe_pats_of(g), i);
    }
    if ((v1 != vg || v1 != v2) && bad++ < 3)
      fprintf(stderr, "MISMATCH: %s x %s -> %s M=%u N=%u K=%u: C[%zu][%zu] soc %08x host %08x golden "
             "%08x\n",
             npe_fmt_name(fa), npe_fmt_name(fb), fp32 ? "f32" : npe_fmt_name(fo), m, n, k,
             i / n, i % n, v1, v2, vg);
  }
  if (!fp32) {
    ck_assert(o1.scale == o2.scale);
  }
  mismatches += bad != 0;
  ck_assert_msg(bad == 0, "%u elements differ", bad);
  pats_free(a), pats_free(b), pats_free(c1), pats_free(c2), pats_free(g);
  free(f1), free(f2), free(gf);
  return st;
}

START_TEST(info_from_ping) {
  npe_info i, h;
  ck_assert_int_eq(npe_get_info(soc, &i), NPE_OK);
  ck_assert_int_eq(npe_get_info(host, &h), NPE_OK);
  ck_assert_str_eq(i.transport, "sim-soc");
  ck_assert_uint_eq(i.id, 0x4e504d42u); /* the mailbox's */
  ck_assert_uint_eq(i.formats, 0x3fu);
  ck_assert_uint_eq(i.rows, 2);
  ck_assert_uint_eq(i.cols, 2);
  ck_assert_uint_eq(i.spad_a_kib, 4); /* npe_soc: ABankWords 256 x 2 rows x 8 bytes */
  ck_assert_uint_eq(i.spad_b_kib, 8);
  ck_assert_uint_eq(i.lanes, h.lanes);
  ck_assert_uint_eq(i.has_nlu, 0);
  /* the recurrence unit, DIAG only through this firmware */
  ck_assert_uint_eq(i.has_recur, 1);
  ck_assert_uint_eq(i.recur_state_words, 256);
  ck_assert_uint_eq(i.recur_modes, 7); /* DIAG, GRU, LSTM */
  ck_assert_uint_eq(i.has_ksplit, 1); /* K tiles in the firmware */
  ck_assert_uint_eq(i.mem_size, 0x8000u - 0x100u);
  /* K limits from the shape, as the firmware's own tiler has them */
  ck_assert_uint_eq(npe_max_k(soc, NPE_FMT_INT8, NPE_FMT_INT8), 2048);
  ck_assert_uint_eq(npe_max_k(soc, NPE_FMT_POSIT16, NPE_FMT_POSIT16), 1024);
}
END_TEST

/* DIAG sequences through the firmware, bit-exact against the golden model:
 * one request; the firmware's slices (H above its 256 state words); the
 * driver's blocks of H and of T (wider or longer than the host window:
 * the next request starts from the state the previous one ended with);
 * h_0 given or zero; every h_t, h_T only, or both. */
START_TEST(diag_sequences) {
  static const struct { uint32_t T, H; int h0, all, last; } cases[] = {
      {1, 1, 0, 1, 0},    {7, 3, 1, 1, 1},     {40, 64, 1, 1, 1}, {3, 300, 0, 1, 0},
      {2, 2100, 1, 1, 1}, {1500, 2, 1, 1, 1}, {900, 3, 1, 0, 1},
  };
  uint64_t rs = 4242;
  for (unsigned c = 0; c < sizeof cases / sizeof cases[0]; c++) {
    uint32_t T = cases[c].T, H = cases[c].H;
    size_t n = (size_t)T * H;
    int32_t *a = malloc(n * 4), *b = malloc(n * 4), *h0 = malloc(H * 4), *st = malloc(H * 4);
    int32_t *h = calloc(n, 4), *want = malloc(n * 4), *hl = calloc(H, 4);
    ck_assert(a && b && h0 && st && h && want && hl);
    for (size_t i = 0; i < n; i++) {
      a[i] = (int32_t)(rng(&rs) % (2u << 30)) - (1 << 30); /* gates in [-1, 1) */
      b[i] = (int32_t)(rng(&rs) % 2000001u) - 1000000;
      if (i % 97 == 5) a[i] = (int32_t)(uint32_t)rng(&rs), b[i] = (int32_t)(uint32_t)rng(&rs);
    }
    for (uint32_t i = 0; i < H; i++) h0[i] = (int32_t)(uint32_t)rng(&rs) >> 4, st[i] = cases[c].h0 ? h0[i] : 0;
    ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, want), NPE_OK);
    npe_rnn_seq q;
    memset(&q, 0, sizeof q);
    q.cell = NPE_RNN_DIAG, q.steps = T, q.hidden = H, q.a = a, q.b = b;
    q.h0 = cases[c].h0 ? h0 : NULL;
    q.h = cases[c].all ? h : NULL;
    q.h_last = cases[c].last ? hl : NULL;
    ck_assert_int_eq(npe_rnn(soc, &q), NPE_OK);
    unsigned bad = 0;
    for (size_t i = 0; cases[c].all && i < n; i++)
      if (h[i] != want[i] && bad++ < 3)
        printf("MISMATCH: diag T=%u H=%u: h[%zu][%zu] soc %d golden %d\n", T, H, i / H, i % H,
               h[i], want[i]);
    for (uint32_t i = 0; cases[c].last && i < H; i++)
      if (hl[i] != st[i] && bad++ < 3)
        printf("MISMATCH: diag T=%u H=%u: h_T[%u] soc %d golden %d\n", T, H, i, hl[i], st[i]);
    fflush(stdout);
    ck_assert_uint_eq(bad, 0);
    npe_stats s;
    ck_assert_int_eq(npe_last_stats(soc, &s), NPE_OK);
    ck_assert_uint_eq(s.recur_elems, n);
    ck_assert_uint_ge(s.requests, 1);
    ck_assert_uint_ge(s.descriptors, s.requests);
    ck_assert_uint_gt(s.cycles, 0);
    ck_assert_uint_gt(s.core_cycles, s.cycles);
    if (n * 12 > 0x8000) ck_assert_uint_gt(s.requests, 1); /* split by the driver */
    free(a), free(b), free(h0), free(st), free(h), free(want), free(hl);
  }
}
END_TEST

/* GRU and LSTM through the firmware in every weight format, bit-exact
 * against npe_recur_gated_seq: h, h_T and LSTM's c_T; one run longer than
 * the host window holds (two requests, the state carried between them);
 * H above what the B buffer holds refused. */
START_TEST(gated_sequences) {
  static const npe_fmt wf[] = {NPE_FMT_FP4, NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16,
                               NPE_FMT_INT8, NPE_FMT_TERNARY};
  uint64_t rs = 99;
  for (unsigned k = 0; k < 7; k++) {
    npe_rnn_cell cell = k % 2 ? NPE_RNN_LSTM : NPE_RNN_GRU;
    npe_fmt fb = k < 6 ? wf[k] : NPE_FMT_INT8;
    npe_fmt fa = fb == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fb;
    int lstm = cell == NPE_RNN_LSTM;
    uint32_t T = k == 6 ? 300 : k % 3 == 0 ? 2 : 12, H = k == 6 ? 8 : 4u << (k % 3);
    uint32_t G = lstm ? 4 : 3;
    size_t nw = (size_t)G * H * H, n = (size_t)T * H;
    npe_pats_out w = pats_alloc(fb, nw);
    fill(w, nw, &rs);
    uint32_t *wp = malloc(nw * 4);
    int32_t *x = malloc(n * 16), *h0 = malloc(H * 4), *c0 = malloc(H * 4);
    int32_t *h = calloc(n, 4), *hl = calloc(H, 4), *cl = calloc(H, 4), *want = malloc(n * 4);
    int32_t *gh = malloc(H * 4), *gc = malloc(H * 4);
    ck_assert(wp && x && h0 && c0 && h && hl && cl && want && gh && gc);
    for (size_t i = 0; i < nw; i++) wp[i] = npe_pats_get(npe_pats_of(w), i);
    for (size_t i = 0; i < n * 4; i++) x[i] = (int32_t)(rng(&rs) % (16u << 16)) - (8 << 16);
    for (uint32_t i = 0; i < H; i++) {
      h0[i] = (int32_t)(rng(&rs) % (4u << 16)) - (2 << 16);
      c0[i] = (int32_t)(rng(&rs) % (4u << 16)) - (2 << 16);
      gh[i] = h0[i], gc[i] = c0[i];
    }
    unsigned hshift = fa == NPE_FMT_INT8 ? 12 : 14;
    int acc = fa == NPE_FMT_INT8 ? 6 : 12;
    npe_recur_gated g = {lstm ? NPE_RECUR_LSTM : NPE_RECUR_GRU, fa, fb, hshift, acc, H, T, wp, x,
                         NULL, 0};
    ck_assert_int_eq(npe_recur_gated_seq(&g, gh, lstm ? gc : NULL, want), NPE_OK);
    npe_rnn_seq q;
    memset(&q, 0, sizeof q);
    q.cell = cell, q.steps = T, q.hidden = H, q.x = x, q.w_hh = npe_pats_of(w), q.fmt_h = fa;
    q.hshift = hshift, q.acc_shift = acc, q.h0 = h0, q.h = k % 4 != 1 ? h : NULL, q.h_last = hl;
    if (lstm) q.c0 = c0, q.c_last = cl;
    int rc = npe_rnn(soc, &q);
    if (rc) fprintf(stderr, "gated %u: %s\n", k, npe_last_error(soc));
    ck_assert_int_eq(rc, NPE_OK);
    unsigned bad = 0;
    for (size_t i = 0; q.h && i < n; i++)
      if (h[i] != want[i] && bad++ < 3)
        printf("MISMATCH: %s %s T=%u H=%u: h[%zu] soc %d golden %d\n", lstm ? "lstm" : "gru",
               npe_fmt_name(fb), T, H, i, h[i], want[i]);
    for (uint32_t i = 0; i < H; i++) {
      if (hl[i] != gh[i] && bad++ < 3)
        printf("MISMATCH: %s %s T=%u H=%u: h_T[%u] soc %d golden %d\n", lstm ? "lstm" : "gru",
               npe_fmt_name(fb), T, H, i, hl[i], gh[i]);
      if (lstm && cl[i] != gc[i] && bad++ < 3)
        printf("MISMATCH: lstm %s T=%u H=%u: c_T[%u] soc %d golden %d\n", npe_fmt_name(fb), T,
               H, i, cl[i], gc[i]);
    }
    fflush(stdout);
    ck_assert_uint_eq(bad, 0);
    npe_stats st;
    ck_assert_int_eq(npe_last_stats(soc, &st), NPE_OK);
    ck_assert_uint_eq(st.recur_elems, n);
    if (k == 6) ck_assert_uint_ge(st.requests, 2);
    if (k == 0) { /* row scales: the firmware has no ROWSCALE; nothing written */
      float *sc = malloc((size_t)G * H * sizeof *sc);
      int32_t *hl2 = malloc(H * 4), *cl2 = malloc(H * 4);
      ck_assert(sc && hl2 && cl2);
      for (uint32_t i = 0; i < G * H; i++) sc[i] = 0.5f;
      memset(hl2, 0x5a, H * 4), memset(cl2, 0x5a, H * 4);
      npe_rnn_seq q2 = q;
      q2.row_scale = sc, q2.h = NULL, q2.h_last = hl2, q2.c_last = lstm ? cl2 : NULL;
      ck_assert_int_eq(npe_rnn(soc, &q2), NPE_ERR_UNSUPPORTED);
      for (uint32_t i = 0; i < H; i++) ck_assert(hl2[i] == 0x5a5a5a5a && cl2[i] == 0x5a5a5a5a);
      /* HGRN: the firmware has no HGRN (recur_modes without bit 4); nothing written */
      int32_t *xh = calloc((size_t)4 * H, 4);
      ck_assert(xh);
      npe_rnn_seq qh = {.cell = NPE_RNN_HGRN, .steps = 1, .hidden = H, .x = xh, .h_last = hl2};
      ck_assert_int_eq(npe_rnn(soc, &qh), NPE_ERR_UNSUPPORTED);
      ck_assert_uint_eq(npe_rnn_max_hidden(soc, NPE_RNN_HGRN, NPE_FMT_INT8), 0);
      for (uint32_t i = 0; i < H; i++) ck_assert(hl2[i] == 0x5a5a5a5a);
      free(xh);
      free(sc), free(hl2), free(cl2);
    }
    pats_free(w);
    free(wp), free(x), free(h0), free(c0), free(h), free(hl), free(cl), free(want), free(gh), free(gc);
  }
  /* H = 100: W_hh beyond what the SoC's B buffer holds */
  ck_assert_uint_lt(npe_rnn_max_hidden(soc, NPE_RNN_GRU, NPE_FMT_INT8), 100);
}
END_TEST

START_TEST(every_pair_and_shape) {
  uint64_t s = 77;
  static const uint32_t shapes[][3] = {{1, 1, 1}, {1, 24, 100}, {3, 5, 7}, {17, 9, 33}, {8, 16, 64}};
  unsigned job = 0;
  for (unsigned p = 0; p < sizeof kPairs / sizeof kPairs[0]; p++)
    for (unsigned sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++, job++) {
      uint32_t m = shapes[sh][0], n = shapes[sh][1], k = shapes[sh][2];
      int fp32 = (job % 3) != 1;
      npe_fmt fo = (npe_fmt)(rng(&s) % NPE_FMT_COUNT);
      size_t sa = k + (job % 4 == 2 ? 3 : 0), sb = k + (job % 5 == 3 ? 1 : 0);
      npe_stats st = check_mm(kPairs[p][0], kPairs[p][1], fp32, fo, m, n, k, sa, sb, NULL, 1000 + job);
      ck_assert_uint_eq(st.requests, 1);
      ck_assert_uint_gt(st.descriptors, 0);
      ck_assert_uint_gt(st.cycles, 0);
      ck_assert_uint_gt(st.core_cycles, st.cycles);
      ck_assert_uint_gt(st.device_cycles, st.core_cycles);
      /* the firmware waited for the engine on its interrupt */
      ck_assert_uint_ge(st.core_irqs, 1);
      /* at least the operands (dense), the request and C crossed the link */
      uint64_t op = (uint64_t)m * k * npe_fmt_elem_bytes(kPairs[p][0]) +
                    (uint64_t)n * k * npe_fmt_elem_bytes(kPairs[p][1]) +
                    (uint64_t)m * n * (fp32 ? 4 : 2) + 32 + 4 + 32 + 4;
      ck_assert_uint_ge(st.link_bytes, op);
      ck_assert_uint_lt(st.link_bytes, op + 64 * 4);
    }
}
END_TEST

START_TEST(per_column_scales) {
  float sc[12];
  for (int i = 0; i < 12; i++) sc[i] = 0.125f * (float)(i + 1);
  check_mm(NPE_FMT_POSIT8, NPE_FMT_POSIT8, 1, NPE_FMT_FP4, 6, 12, 40, 40, 40, sc, 5);
}
END_TEST

/* Jobs larger than the host window: rows of A per request (B sent once),
 * and columns of B per request when B alone does not fit */
START_TEST(split_into_requests) {
  npe_stats st = check_mm(NPE_FMT_INT8, NPE_FMT_TERNARY, 1, NPE_FMT_FP4, 80, 24, 256, 256, 256,
                          NULL, 11);
  ck_assert_uint_gt(st.requests, 1);
  /* B (24 x 256) sent once, A once, C once */
  ck_assert_uint_lt(st.link_bytes, 80u * 256 + 24u * 256 + 80u * 24 * 4 + st.requests * 200u);
  st = check_mm(NPE_FMT_POSIT16, NPE_FMT_POSIT16, 0, NPE_FMT_POSIT8, 3, 70, 256, 256, 256, NULL, 12);
  ck_assert_uint_gt(st.requests, 1); /* B: 70 x 256 x 2 bytes, above the window */
  /* K at the scratchpads' limit: B (20 x 1024 x 2 bytes) split into column blocks */
  st = check_mm(NPE_FMT_POSIT16, NPE_FMT_POSIT16, 1, NPE_FMT_FP4, 2, 20, 1024, 1024, 1024, NULL, 13);
  ck_assert_uint_gt(st.requests, 1);
}
END_TEST

/* K above the scratchpads: the firmware runs K tiles (FLAGS.KEEP / ACCUM)
 * as npe_matmul() does on a host-driven engine; bit-identical to it and to
 * the golden model. One request when the rows fit the host window; rows
 * of A over two requests; ternary B as Sherry codes (3:4 sparse: K tiles
 * a multiple of 4), or 2-bit with npe_set_sherry(0) */
START_TEST(k_tiles) {
  npe_stats st = check_mm(NPE_FMT_INT8, NPE_FMT_INT8, 1, NPE_FMT_FP4, 2, 3, 4096, 4096, 4096, NULL, 31);
  ck_assert_uint_eq(st.requests, 1);
  ck_assert_uint_ge(st.descriptors, 2 * 3); /* a LOAD A, LOAD B and MATMUL per K tile */
  st = check_mm(NPE_FMT_POSIT16, NPE_FMT_POSIT16, 0, NPE_FMT_POSIT8, 1, 4, 3072, 3072, 3072, NULL, 32);
  ck_assert_uint_eq(st.requests, 1);
  st = check_mm(NPE_FMT_FP4, NPE_FMT_FP4, 1, NPE_FMT_FP4, 1, 2, 8200, 8201, 8200, NULL, 33);
  ck_assert_uint_eq(st.requests, 1);
  /* 6 rows of A: 40 KiB of operands, two requests of 3 rows */
  st = check_mm(NPE_FMT_INT8, NPE_FMT_INT8, 0, NPE_FMT_INT8, 6, 4, 4096, 4096, 4096, NULL, 34);
  ck_assert_uint_eq(st.requests, 2);
  /* ternary: 3:4-sparse B as Sherry codes, in the firmware as on the host */
  sparse_b = 1;
  st = check_mm(NPE_FMT_INT8, NPE_FMT_TERNARY, 1, NPE_FMT_FP4, 2, 3, 4100, 4100, 4100, NULL, 35);
  ck_assert_uint_eq(st.sherry, 1);
  st = check_mm(NPE_FMT_INT8, NPE_FMT_TERNARY, 0, NPE_FMT_POSIT16, 1, 3, 6146, 6146, 6146, NULL, 36);
  ck_assert_uint_eq(st.sherry, 1);
  ck_assert_int_eq(npe_set_sherry(soc, 0), NPE_OK);
  ck_assert_int_eq(npe_set_sherry(host, 0), NPE_OK);
  st = check_mm(NPE_FMT_INT8, NPE_FMT_TERNARY, 1, NPE_FMT_FP4, 2, 3, 4100, 4100, 4100, NULL, 35);
  ck_assert_uint_eq(st.sherry, 0);
  sparse_b = 0;
}
END_TEST

START_TEST(async_submit_poll_wait) {
  uint64_t s = 3;
  npe_pats_out a = pats_alloc(NPE_FMT_INT8, 12 * 48), b = pats_alloc(NPE_FMT_INT8, 10 * 48);
  fill(a, 12 * 48, &s), fill(b, 10 * 48, &s);
  float c[120], g[120];
  npe_tensor ta = {npe_pats_of(a), 12, 48, 0, 0}, tb = {npe_pats_of(b), 10, 48, 0, 0};
  npe_output o = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  npe_job *j;
  ck_assert_int_eq(npe_matmul_submit(soc, &ta, &tb, &o, &j), NPE_OK);
  /* one job at a time */
  npe_job *j2;
  ck_assert_int_eq(npe_matmul_submit(soc, &ta, &tb, &o, &j2), NPE_ERR_BUSY);
  /* a short wait times out; the job is gone and its request drained before
   * the next job's */
  ck_assert_int_eq(npe_wait(soc, j, 100), NPE_ERR_TIMEOUT);
  ck_assert_ptr_nonnull(strstr(npe_last_error(soc), "did not answer"));
  ck_assert_int_eq(npe_matmul_submit(soc, &ta, &tb, &o, &j), NPE_OK);
  int done = 0;
  for (int i = 0; i < 100000 && !done; i++) ck_assert_int_eq(npe_poll(soc, j, &done), NPE_OK);
  ck_assert(done);
  ck_assert_int_eq(npe_wait(soc, j, 0), NPE_OK);
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, 48, tb.data, 48, 12, 10, 48, 1.0f, g, 10), NPE_OK);
  ck_assert(memcmp(c, g, sizeof c) == 0);
  pats_free(a), pats_free(b);
}
END_TEST

START_TEST(errors_write_nothing) {
  uint64_t s = 9;
  /* K = 16,300: one row of A and one of B (32,600 bytes) do not fit the
   * host window (32,512 bytes) */
  uint32_t k = 16300;
  npe_pats_out a = pats_alloc(NPE_FMT_INT8, 4 * k), b = pats_alloc(NPE_FMT_TERNARY, 4 * k);
  fill(a, 4 * k, &s), fill(b, 4 * k, &s);
  float c[16];
  for (int i = 0; i < 16; i++) c[i] = -7.0f;
  npe_output o = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  npe_tensor ta = {npe_pats_of(a), 4, k, 0, 0}, tb = {npe_pats_of(b), 4, k, 0, 0};
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_ERR_UNSUPPORTED);
  ck_assert_ptr_nonnull(strstr(npe_last_error(soc), "do not fit"));
  /* a bad pattern (ternary 0b10): found before anything is sent */
  ta.cols = tb.cols = 16;
  npe_pats_set(b, 21, 2);
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_ERR_RANGE);
  ck_assert_ptr_nonnull(strstr(npe_last_error(soc), "no pattern"));
  /* shapes that do not match */
  tb.cols = 15;
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_ERR_INVALID_ARG);
  for (int i = 0; i < 16; i++) ck_assert(c[i] == -7.0f);
  /* the NLU, device buffers: not through this firmware */
  npe_nlu_spec spec;
  npe_nlu_table t;
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_SIGMOID, 4, &spec), NPE_OK);
  spec.in_frac_bits = 4;
  ck_assert_int_eq(npe_nlu_table_gen(&spec, &t), NPE_OK);
  uint8_t codes[16];
  npe_tensor a8 = {npe_pats_of(a), 4, 16, 0, 0}, b8 = {npe_pats_of(a), 4, 16, 0, 0};
  ck_assert_int_eq(npe_matmul_nlu(soc, &a8, &b8, &t, 4, codes, 0), NPE_ERR_UNSUPPORTED);
  npe_buf *buf;
  ck_assert_int_eq(npe_buf_alloc(soc, 64, &buf), NPE_ERR_UNSUPPORTED);
  /* a DIAG sequence: npe_rnn runs it, npe_rnn_submit has no job to give;
   * T = 0 is refused */
  int32_t ga[8] = {0}, gb[8] = {0}, h[8];
  for (int i = 0; i < 8; i++) h[i] = 0x1234;
  npe_rnn_seq seq;
  memset(&seq, 0, sizeof seq);
  seq.cell = NPE_RNN_DIAG, seq.steps = 2, seq.hidden = 4, seq.a = ga, seq.b = gb, seq.h = h;
  npe_job *rj = NULL;
  ck_assert_int_eq(npe_rnn_submit(soc, &seq, &rj), NPE_ERR_UNSUPPORTED);
  seq.steps = 0;
  ck_assert_int_eq(npe_rnn(soc, &seq), NPE_ERR_INVALID_ARG);
  for (int i = 0; i < 8; i++) ck_assert_int_eq(h[i], 0x1234);
  /* still running: a good matmul after the errors */
  npe_pats_set(b, 21, 1);
  tb.cols = 16;
  float g[16];
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_OK);
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, 16, tb.data, 16, 4, 4, 16, 1.0f, g, 4), NPE_OK);
  ck_assert(memcmp(c, g, sizeof g) == 0);
  pats_free(a), pats_free(b);
}
END_TEST

/* The firmware's answers other than OK, through its test hooks: an engine
 * error mid-request (MATMUL_FAULT), an engine time-out (MATMUL_TIMEOUT), an
 * unknown opcode; each an npe code with the reason, nothing written, and
 * the next matmul runs. */
START_TEST(firmware_statuses) {
  uint64_t s = 21;
  npe_pats_out a = pats_alloc(NPE_FMT_INT8, 16 * 128), b = pats_alloc(NPE_FMT_INT8, 16 * 128);
  fill(a, 16 * 128, &s), fill(b, 16 * 128, &s);
  float c[256], g[256];
  for (int i = 0; i < 256; i++) c[i] = -3.0f;
  npe_output o = {c, {NPE_FMT_FP4, NULL, NULL}, 0, 0};
  npe_tensor ta = {npe_pats_of(a), 8, 16, 0, 0}, tb = {npe_pats_of(b), 8, 16, 0, 0};
  npe_stats st;
  soc->off_test_op = 2; /* NPE_SOC_OP_MATMUL_FAULT */
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_ERR_DEVICE);
  ck_assert_ptr_nonnull(strstr(npe_last_error(soc), "ENGINE"));
  ck_assert_int_eq(npe_last_stats(soc, &st), NPE_OK);
  ck_assert_uint_eq(st.hw_error, 5); /* DMA_WINDOW */
  ck_assert_uint_eq(st.hw_error_addr, 0);
  soc->off_test_op = 3; /* NPE_SOC_OP_MATMUL_TIMEOUT */
  ta.rows = tb.rows = 16, ta.cols = tb.cols = 128;
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_ERR_TIMEOUT);
  ck_assert_ptr_nonnull(strstr(npe_last_error(soc), "TIMEOUT"));
  soc->off_test_op = 7; /* no such opcode */
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_ERR_DEVICE);
  ck_assert_ptr_nonnull(strstr(npe_last_error(soc), "BAD_OP"));
  for (int i = 0; i < 256; i++) ck_assert(c[i] == -3.0f);
  soc->off_test_op = 0;
  ck_assert_int_eq(npe_matmul(soc, &ta, &tb, &o), NPE_OK);
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, 128, tb.data, 128, 16, 16, 128, 1.0f, g, 16), NPE_OK);
  ck_assert(memcmp(c, g, sizeof g) == 0);
  ck_assert_str_eq(npe_last_error(soc), "");
  pats_free(a), pats_free(b);
}
END_TEST

START_TEST(open_errors) {
  npe_dev *d = (npe_dev *)0x1;
  char msg[256];
  ck_assert_int_eq(npe_open_msg("sim:?build=soc&firmware=/nonexistent.elf", &d, msg, sizeof msg),
                   NPE_ERR_DEVICE);
  ck_assert_ptr_nonnull(strstr(msg, "firmware"));
  /* a firmware for the SoC only */
  ck_assert_int_eq(npe_open("sim:?firmware=x.elf", &d), NPE_ERR_INVALID_ARG);
  /* no memory latency or back-pressure on chip */
  ck_assert_int_eq(npe_open("sim:?build=soc&latency=50", &d), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_open("sim:?ready=50&build=soc", &d), NPE_ERR_INVALID_ARG);
}
END_TEST

int main(void) {
  const char *fw = getenv("NPE_TEST_SOC_FIRMWARE");
  if (fw && *fw) snprintf(soc_uri, sizeof soc_uri, "sim:?build=soc&firmware=%s", fw);
  Suite *s = suite_create("offload");
  TCase *tc = tcase_create("soc");
  tcase_set_timeout(tc, 900);
  tcase_add_checked_fixture(tc, setup, teardown);
  tcase_add_test(tc, info_from_ping);
  tcase_add_test(tc, every_pair_and_shape);
  tcase_add_test(tc, diag_sequences);
  tcase_add_test(tc, gated_sequences);
  tcase_add_test(tc, per_column_scales);
  tcase_add_test(tc, split_into_requests);
  tcase_add_test(tc, k_tiles);
  tcase_add_test(tc, async_submit_poll_wait);
  tcase_add_test(tc, errors_write_nothing);
  tcase_add_test(tc, firmware_statuses);
  tcase_add_test(tc, open_errors);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
