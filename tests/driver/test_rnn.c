/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Sequences through the recurrence unit (npe_rnn, RECUR DIAG) on the
 * simulated engine, through npe.h only: bit-exact against the golden model
 * (npe_recur_diag_seq) for gates in [-1, 1] and over the whole Q2.30 range,
 * widths from 1 to beyond the on-chip state (sliced), lengths from 1 to
 * beyond the descriptor's 65535 steps (chunks chained with INIT = KEEP),
 * initial states (INIT = LOAD), only the last state (OUT_LAST), passes when
 * device memory is short, memory latency and back-pressure, asynchronous
 * use with progress, statistics, the parity task, and every error with the
 * outputs left untouched.
 */
#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"

static uint64_t rng(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

static npe_dev *open_sim(const char *uri) {
  npe_dev *d = NULL;
  ck_assert_int_eq(npe_open(uri, &d), NPE_OK);
  return d;
}

enum gates { GATES_UNIT, GATES_FULL };
enum outs { OUT_ALL, OUT_LAST_ONLY, OUT_BOTH };

/* Random inputs: gates in [-1, 1] (GATES_UNIT, including exactly +-1.0) or
 * any int32 (GATES_FULL: [-2, 2)), b at about 2^-4 of the int32 range so
 * both saturations happen with full-range gates. */
static void fill(uint32_t T, uint32_t H, enum gates g, uint64_t seed, int32_t *a, int32_t *b,
                 int32_t *h0) {
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 11;
  for (size_t i = 0; i < (size_t)T * H; i++) {
    uint64_t r = rng(&s);
    if (g == GATES_FULL) {
      a[i] = (int32_t)(uint32_t)r;
    } else {
      a[i] = (int32_t)((int64_t)(r % ((2ull << 30) + 1)) - (1ll << 30));
      if ((r >> 40) % 16 == 0) a[i] = (r >> 50) & 1 ? 1 << 30 : -(1 << 30);
    }
    b[i] = (int32_t)(uint32_t)(r >> 32) >> 4;
  }
  if (h0)
    for (uint32_t i = 0; i < H; i++) h0[i] = (int32_t)(uint32_t)rng(&s);
}

/* One sequence on the engine against the golden model, bit for bit; its
 * statistics. Returns the number of descriptors it took. */
static uint64_t check_seq(npe_dev *d, uint32_t T, uint32_t H, enum gates g, int use_h0,
                          enum outs o, uint64_t seed) {
  size_t n = (size_t)T * H;
  int32_t *a = malloc(n * 4), *b = malloc(n * 4), *h = malloc(n * 4), *gh = malloc(n * 4);
  int32_t *h0 = malloc((size_t)H * 4), *last = malloc((size_t)H * 4), *gs = malloc((size_t)H * 4);
  ck_assert(a && b && h && gh && h0 && last && gs);
  fill(T, H, g, seed, a, b, use_h0 ? h0 : NULL);
  memset(h, 0x55, n * 4);
  memset(last, 0x55, (size_t)H * 4);
  npe_rnn_seq q = {NPE_RNN_DIAG, T, H, a, b, use_h0 ? h0 : NULL,
                   o == OUT_LAST_ONLY ? NULL : h, o == OUT_ALL ? NULL : last};
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  for (uint32_t i = 0; i < H; i++) gs[i] = use_h0 ? h0[i] : 0;
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, gs, gh), NPE_OK);
  if (o != OUT_LAST_ONLY)
    for (size_t i = 0; i < n; i++)
      ck_assert_msg(h[i] == gh[i], "T=%u H=%u: h[t=%zu][i=%zu] = %d, golden %d (a=%d b=%d)", T,
                    H, i / H, i % H, h[i], gh[i], a[i], b[i]);
  if (o != OUT_ALL)
    for (uint32_t i = 0; i < H; i++)
      ck_assert_msg(last[i] == gs[i], "T=%u H=%u: h_T[%u] = %d, golden %d", T, H, i, last[i],
                    gs[i]);
  else
    for (uint32_t i = 0; i < H; i++) ck_assert_int_eq(last[i], 0x55555555); /* not asked */
  if (o == OUT_LAST_ONLY)
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(h[i], 0x55555555);
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_uint_eq(st.recur_elems, (uint64_t)n);
  ck_assert(st.cycles >= n); /* at most one element per cycle */
  ck_assert_uint_eq(st.peak_macs, st.cycles);
  ck_assert(st.utilisation > 0 && st.utilisation <= 1.0);
  for (int f = 0; f < NPE_FMT_COUNT; f++) ck_assert_uint_eq(st.macs[f], 0);
  /* the records, h0 and 64 bytes per descriptor in; the states out */
  uint64_t rd = 8ull * n + 64ull * st.descriptors;
  ck_assert_msg(st.dma_read_bytes >= rd && st.dma_read_bytes <= rd + 8ull * H + 8ull * st.descriptors,
                "T=%u H=%u: read %llu bytes", T, H, (unsigned long long)st.dma_read_bytes);
  if (o == OUT_LAST_ONLY)
    ck_assert(st.dma_write_bytes <= st.descriptors * (4ull * H + 8));
  else
    ck_assert(st.dma_write_bytes >= 4ull * n && st.dma_write_bytes <= 4ull * n + 8 * st.descriptors);
  ck_assert_uint_eq(st.hw_error, 0);
  free(a), free(b), free(h), free(gh), free(h0), free(last), free(gs);
  return st.descriptors;
}

START_TEST(info_reports_the_unit) {
  npe_dev *d = open_sim("sim:");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.has_recur, 1);
  ck_assert_uint_eq(in.recur_state_words, 1024);
  ck_assert_uint_eq(in.recur_modes & 1u, 1);
  npe_close(d);
  ck_assert_uint_eq(npe_version(), NPE_API_VERSION);
  ck_assert_uint_eq(NPE_API_VERSION, 0x000500u);
}
END_TEST

/* Widths and lengths, gates in [-1, 1] and full range, every output kind. */
START_TEST(golden_shapes) {
  npe_dev *d = open_sim("sim:?latency=40&seed=3");
  static const struct { uint32_t t, h; uint64_t descs; } c[] = {
      {1, 1, 1},    {2, 2, 1},   {17, 3, 1},  {1000, 7, 1}, {17, 64, 1}, {1000, 100, 1},
      {2, 1024, 1}, {1, 1500, 2}, {17, 1500, 2}, {1000, 1, 1}, {2, 3, 1},  {17, 100, 1},
      {200, 1024, 1}};
  for (size_t i = 0; i < sizeof c / sizeof c[0]; i++) {
    enum gates g = i % 2 ? GATES_FULL : GATES_UNIT;
    int use_h0 = i % 3 == 1;
    enum outs o = (enum outs)(i % 3);
    uint64_t descs = check_seq(d, c[i].t, c[i].h, g, use_h0, o, 100 + i);
    ck_assert_msg(descs == c[i].descs, "T=%u H=%u: %llu descriptors", c[i].t, c[i].h,
                  (unsigned long long)descs);
  }
  /* both gate ranges on one shape, each INIT */
  for (int g = 0; g < 2; g++)
    for (int h0 = 0; h0 < 2; h0++) check_seq(d, 33, 37, (enum gates)g, h0, OUT_BOTH, 7 + g + 2 * h0);
  npe_close(d);
}
END_TEST

/* T beyond the descriptor's 65535: two chunks, the second INIT = KEEP; from
 * h0 and from zero, all states and the last only. */
START_TEST(long_sequence_keep_chain) {
  npe_dev *d = open_sim("sim:?latency=20");
  ck_assert_uint_eq(check_seq(d, 70000, 3, GATES_UNIT, 1, OUT_BOTH, 1), 2);
  ck_assert_uint_eq(check_seq(d, 70000, 2, GATES_FULL, 0, OUT_LAST_ONLY, 2), 2);
  ck_assert_uint_eq(check_seq(d, 65535, 1, GATES_UNIT, 0, OUT_ALL, 3), 1);
  ck_assert_uint_eq(check_seq(d, 65536, 1, GATES_UNIT, 1, OUT_ALL, 4), 2);
  npe_close(d);
}
END_TEST

/* Device memory nearly full: the sequence runs in several passes, chunks
 * of each slice chained across them with INIT = KEEP. */
START_TEST(short_of_device_memory) {
  npe_dev *d = open_sim("sim:?latency=30");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  npe_buf *hog;
  /* leave about 200 KiB: T = 300 x H = 1500 needs 5.4 MB */
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)in.mem_size - (1u << 16) - (200u << 10), &hog), NPE_OK);
  uint64_t descs = check_seq(d, 300, 1500, GATES_UNIT, 1, OUT_BOTH, 21);
  ck_assert_msg(descs > 10, "%llu descriptors", (unsigned long long)descs);
  descs = check_seq(d, 600, 700, GATES_FULL, 0, OUT_LAST_ONLY, 22);
  ck_assert_msg(descs > 4, "%llu descriptors", (unsigned long long)descs);
  /* not even one step of a slice fits: NO_MEM, outputs untouched */
  npe_buf *hog2;
  ck_assert_int_eq(npe_buf_free(d, hog), NPE_OK);
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)in.mem_size - (1u << 16) - 4096, &hog2), NPE_OK);
  int32_t a[1024] = {0}, b[1024] = {0}, h[1024];
  memset(h, 0x77, sizeof h);
  npe_rnn_seq q = {NPE_RNN_DIAG, 1, 1024, a, b, NULL, h, NULL};
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_NO_MEM);
  for (int i = 0; i < 1024; i++) ck_assert_int_eq(h[i], 0x77777777);
  ck_assert_int_eq(npe_buf_free(d, hog2), NPE_OK);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  for (int i = 0; i < 1024; i++) ck_assert_int_eq(h[i], 0);
  npe_close(d);
}
END_TEST

/* Memory latency, refused cycles and gaps in the responses. */
START_TEST(back_pressure) {
  static const char *uris[] = {"sim:?latency=1&seed=9", "sim:?latency=37&ready=60&valid=70&seed=5",
                               "sim:?latency=200&ready=25&valid=40&seed=6"};
  for (int u = 0; u < 3; u++) {
    npe_dev *d = open_sim(uris[u]);
    check_seq(d, 57, 1500, GATES_FULL, 1, OUT_BOTH, 30 + u);
    check_seq(d, 300, 9, GATES_UNIT, 0, OUT_LAST_ONLY, 40 + u);
    npe_close(d);
  }
}
END_TEST

static void progress_cb(double f, void *ctx) {
  double *last = ctx;
  ck_assert(f >= last[0] && f <= 1.0); /* never backwards */
  last[0] = f;
  last[1] += 1;
}

/* Submit, poll, wait; the buffer it holds is busy; progress on a long run;
 * a matmul in between does not disturb the unit, nor the unit the matmul. */
START_TEST(async_and_progress) {
  npe_dev *d = open_sim("sim:");
  enum { T = 3000, H = 40 };
  static int32_t a[T * H], b[T * H], h[T * H], g[T * H];
  fill(T, H, GATES_UNIT, 77, a, b, NULL);
  npe_rnn_seq q = {NPE_RNN_DIAG, T, H, a, b, NULL, h, NULL};
  npe_job *j;
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  memset(a, 0, sizeof a); /* the inputs were copied */
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_BUSY);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_ERR_BUSY);
  int done = 0, polls = 0;
  while (!done) {
    ck_assert_int_eq(npe_poll(d, j, &done), NPE_OK);
    polls++;
  }
  ck_assert(polls > 2);
  ck_assert_int_eq(npe_wait(d, j, 0), NPE_OK);
  fill(T, H, GATES_UNIT, 77, a, b, NULL);
  int32_t st[H] = {0};
  ck_assert_int_eq(npe_recur_diag_seq(T, H, a, b, st, g), NPE_OK);
  ck_assert_mem_eq(h, g, sizeof h);
  /* progress: called, monotone, ends at 1 */
  double prog[2] = {0, 0};
  npe_set_progress(d, progress_cb, prog);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  npe_set_progress(d, NULL, NULL);
  ck_assert(prog[1] > 10);
  ck_assert(prog[0] == 1.0);
  ck_assert_mem_eq(h, g, sizeof h);
  /* a timeout far shorter than the job: TIMEOUT, outputs untouched, then fine */
  memset(h, 0x11, sizeof h);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  ck_assert_int_eq(npe_wait(d, j, 500), NPE_ERR_TIMEOUT);
  for (int i = 0; i < T * H; i++) ck_assert_int_eq(h[i], 0x11111111);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  ck_assert_mem_eq(h, g, sizeof h);
  /* a matmul between two KEEP-free sequences, and a job left to npe_close */
  uint8_t ma[8 * 16], mb[4 * 16];
  float mc[8 * 4];
  for (int i = 0; i < 8 * 16; i++) ma[i] = (uint8_t)(i * 7);
  for (int i = 0; i < 4 * 16; i++) mb[i] = (uint8_t)(i * 3);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, ma), 8, 16, 0, 1}, tb = {npe_pats_u8(NPE_FMT_INT8, mb), 4, 16, 0, 1};
  npe_output oc = {.f32 = mc};
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &oc), NPE_OK);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  ck_assert_mem_eq(h, g, sizeof h);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  npe_close(d); /* frees the job in flight */
}
END_TEST

/* Parity of a bit stream: a_t = 1 - 2 x_t (exactly +-1.0), b = 0, h_0 = 1.0:
 * h_T = (-1)^(sum x) exactly, so its sign is the parity; several streams
 * side by side, one per element. */
START_TEST(parity_on_the_engine) {
  npe_dev *d = open_sim("sim:");
  enum { T = 999, H = 64 };
  static int32_t a[T * H], b[T * H];
  int32_t h0[H], last[H];
  int parity[H] = {0};
  uint64_t s = 2024;
  for (int t = 0; t < T; t++)
    for (int i = 0; i < H; i++) {
      int x = (int)(rng(&s) >> 63);
      parity[i] ^= x;
      a[t * H + i] = x ? -(1 << 30) : 1 << 30;
      b[t * H + i] = 0;
    }
  for (int i = 0; i < H; i++) h0[i] = 1 << 16; /* 1.0 in Q15.16 */
  npe_rnn_seq q = {NPE_RNN_DIAG, T, H, a, b, h0, NULL, last};
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  int odd = 0;
  for (int i = 0; i < H; i++) {
    ck_assert_int_eq(last[i], parity[i] ? -(1 << 16) : 1 << 16);
    odd += parity[i];
  }
  ck_assert(odd > 10 && odd < H - 10); /* both answers occurred */
  npe_close(d);
}
END_TEST

/* Every error: its status, and nothing written. */
START_TEST(errors_leave_outputs_alone) {
  npe_dev *d = open_sim("sim:");
  int32_t a[8] = {1, 2, 3, 4, 5, 6, 7, 8}, b[8] = {0}, h[8], last[2];
  memset(h, 0x33, sizeof h);
  memset(last, 0x33, sizeof last);
  npe_rnn_seq ok = {NPE_RNN_DIAG, 4, 2, a, b, NULL, h, last}, q;
  npe_job *j = NULL;
  ck_assert_int_eq(npe_rnn(NULL, &ok), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn(d, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_submit(d, &ok, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_submit(NULL, &ok, &j), NPE_ERR_INVALID_ARG);
  q = ok, q.steps = 0;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.hidden = 0;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.a = NULL;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.b = NULL;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.h = NULL, q.h_last = NULL;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.cell = (npe_rnn_cell)99;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  static const npe_rnn_cell later[] = {NPE_RNN_GRU, NPE_RNN_LSTM, NPE_RNN_GLA};
  for (int c = 0; c < 3; c++) {
    q = ok, q.cell = later[c];
    ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_UNSUPPORTED);
    ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_ERR_UNSUPPORTED);
  }
  ck_assert_ptr_null(j);
  for (int i = 0; i < 8; i++) ck_assert_int_eq(h[i], 0x33333333);
  ck_assert_int_eq(last[0], 0x33333333);
  ck_assert_int_eq(last[1], 0x33333333);
  /* an engine without the unit (the small build) */
  npe_dev *small = open_sim("sim:?build=small");
  npe_info in;
  ck_assert_int_eq(npe_get_info(small, &in), NPE_OK);
  ck_assert_uint_eq(in.has_recur, 0);
  ck_assert_uint_eq(in.recur_state_words, 0);
  ck_assert_uint_eq(in.recur_modes, 0);
  ck_assert_int_eq(npe_rnn(small, &ok), NPE_ERR_UNSUPPORTED);
  npe_close(small);
  for (int i = 0; i < 8; i++) ck_assert_int_eq(h[i], 0x33333333);
  /* and the same call works on the full engine */
  ck_assert_int_eq(npe_rnn(d, &ok), NPE_OK);
  int32_t st[2] = {0, 0}, g[8];
  ck_assert_int_eq(npe_recur_diag_seq(4, 2, a, b, st, g), NPE_OK);
  ck_assert_mem_eq(h, g, sizeof g);
  ck_assert_mem_eq(last, st, sizeof st);
  npe_close(d);
}
END_TEST

int main(void) {
  Suite *s = suite_create("rnn");
  TCase *tc = tcase_create("diag");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, info_reports_the_unit);
  tcase_add_test(tc, errors_leave_outputs_alone);
  tcase_add_test(tc, golden_shapes);
  tcase_add_test(tc, long_sequence_keep_chain);
  tcase_add_test(tc, short_of_device_memory);
  tcase_add_test(tc, back_pressure);
  tcase_add_test(tc, async_and_progress);
  tcase_add_test(tc, parity_on_the_engine);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
