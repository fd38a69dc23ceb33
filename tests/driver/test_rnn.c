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
 * outputs left untouched. GRU and LSTM (RECUR MODE 1, 2): every cell x
 * weight format, H on and off the array's multiples up to the largest the
 * B buffer takes (mat-vecs of several chunks), T from 1 to beyond 65535
 * (KEEP chains of h and c), INIT zero and load (h0, c0), OUT_LAST, the
 * last LSTM step alone for c_T, passes when device memory is short, memory
 * latency and back-pressure, asynchronous use and progress, the quantiser
 * and record helpers' rules, and every error with the outputs untouched;
 * all bit-exact against npe_recur_gated_seq().
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "test_rand.h"

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
static double pj_of(const char *event) {
  const npe_energy_entry *e = NULL;
  ck_assert_msg(npe_energy_find(event, &e) == NPE_OK, "%s not in the energy table", event);
  return e->pj;
}

/* A sequence's energy estimate (npe_stats.energy_pj), recomputed here from
 * the table and the stats, not by the library's function: the MACs of the
 * mat-vecs (GRU / LSTM) at mac_<format>, gated lane-cycles, DMA bits at
 * dram_bit and sram_bit plus 32 SRAM bits per PE word of the mat-vecs
 * (lanes 4, 4, 2, 1, 2, 2), and the recurrence unit: recur_cycle per cycle
 * of the job (the unit is clocked throughout) and per element step
 * recur_diag_elem / recur_gru_elem / recur_lstm_elem, by the cell. Also
 * checks the counts it uses: recur_cycles = cycles, recur_mode_elems holds
 * every element under @p cell. */
static void check_seq_energy(const npe_stats *st, npe_rnn_cell cell) {
  static const char *const mac_event[NPE_FMT_COUNT] = {
      "mac_fp4", "mac_posit4", "mac_posit8", "mac_posit16", "mac_int8", "mac_ternary"};
  static const double lanes[NPE_FMT_COUNT] = {4, 4, 2, 1, 2, 2};
  static const char *const elem_event[3] = {"recur_diag_elem", "recur_gru_elem",
                                            "recur_lstm_elem"};
  int m = cell == NPE_RNN_DIAG ? 0 : cell == NPE_RNN_GRU ? 1 : 2;
  ck_assert_uint_eq(st->recur_cycles, st->cycles);
  for (int k = 0; k < 3; k++)
    ck_assert_uint_eq(st->recur_mode_elems[k], k == m ? st->recur_elems : 0u);
  double e = 0, words = 0;
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    e += (double)st->macs[f] * pj_of(mac_event[f]);
    words += (double)st->macs[f] / lanes[f];
  }
  double dma_bits = 8.0 * (double)(st->dma_read_bytes + st->dma_write_bytes);
  e += (double)st->gated_lane_cycles * pj_of("gated_lane_cycle");
  e += dma_bits * pj_of("dram_bit") + (dma_bits + 32.0 * words) * pj_of("sram_bit");
  e += (double)st->nlu_column_steps * pj_of("nlu_step_column") +
       (double)st->nlu_table_reads * pj_of("nlu_table_read");
  double unit = (double)st->cycles * pj_of("recur_cycle") +
                (double)st->recur_elems * pj_of(elem_event[m]);
  ck_assert(unit > 0);
  e += unit;
  ck_assert_msg(fabs(st->energy_pj - e) <= 1e-9 * e, "energy_pj %.17g, table x counts %.17g",
                st->energy_pj, e);
}

static uint64_t check_seq(npe_dev *d, uint32_t T, uint32_t H, enum gates g, int use_h0,
                          enum outs o, uint64_t seed) {
  size_t n = (size_t)T * H;
  int32_t *a = malloc(n * 4), *b = malloc(n * 4), *h = malloc(n * 4), *gh = malloc(n * 4);
  int32_t *h0 = malloc((size_t)H * 4), *last = malloc((size_t)H * 4), *gs = malloc((size_t)H * 4);
  ck_assert(a && b && h && gh && h0 && last && gs);
  fill(T, H, g, seed, a, b, use_h0 ? h0 : NULL);
  memset(h, 0x55, n * 4);
  memset(last, 0x55, (size_t)H * 4);
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = H, .a = a, .b = b,
                   .h0 = use_h0 ? h0 : NULL, .h = o == OUT_LAST_ONLY ? NULL : h,
                   .h_last = o == OUT_ALL ? NULL : last};
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
  check_seq_energy(&st, NPE_RNN_DIAG);
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
  ck_assert_uint_eq(NPE_API_VERSION, 0x000c00u);
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
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = 1, .hidden = 1024, .a = a, .b = b, .h = h};
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
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = H, .a = a, .b = b, .h = h};
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
  /* a timeout far shorter than the job: TIMEOUT, outputs untouched, then
   * fine, and the next job's counters hold only its own reads (the aborted
   * job runs out before the driver goes on) */
  npe_stats clean, after;
  ck_assert_int_eq(npe_last_stats(d, &clean), NPE_OK);
  memset(h, 0x11, sizeof h);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  ck_assert_int_eq(npe_wait(d, j, 500), NPE_ERR_TIMEOUT);
  for (int i = 0; i < T * H; i++) ck_assert_int_eq(h[i], 0x11111111);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  ck_assert_mem_eq(h, g, sizeof h);
  ck_assert_int_eq(npe_last_stats(d, &after), NPE_OK);
  ck_assert_uint_eq(after.dma_read_bytes, clean.dma_read_bytes);
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
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = H, .a = a, .b = b, .h0 = h0,
                   .h_last = last};
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
  npe_rnn_seq ok = {.cell = NPE_RNN_DIAG, .steps = 4, .hidden = 2, .a = a, .b = b, .h = h,
                    .h_last = last},
              q;
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
  q = ok, q.cell = NPE_RNN_GLA; /* reserved */
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_UNSUPPORTED);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_ERR_UNSUPPORTED);
  int32_t c_last[2];
  q = ok, q.c_last = c_last; /* an LSTM output on DIAG */
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.c0 = a;
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
  q = ok, q.cell = NPE_RNN_GRU; /* a DIAG sequence given to GRU: no records, no weights */
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_INVALID_ARG);
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

/* ------------------------------------------------------------------------ */
/* GRU and LSTM (RECUR MODE 1 and 2)                                         */
/* ------------------------------------------------------------------------ */

static const npe_fmt all_fw[6] = {NPE_FMT_INT8,    NPE_FMT_FP4,  NPE_FMT_POSIT4,
                                  NPE_FMT_POSIT8, NPE_FMT_POSIT16, NPE_FMT_TERNARY};

static uint32_t gates_of(npe_rnn_cell c) { return c == NPE_RNN_LSTM ? 4u : 3u; }

/* How the inputs of a gated case are drawn. */
enum gated_data {
  GD_FLOAT,  /* weights U(-a, a), a = 1.5 / sqrt(H), through npe_rnn_quantize; records
              * U(-3, 3) */
  GD_RAW     /* any valid pattern (posit NaR and maxpos too), random hshift and
              * acc_shift, records over the whole int32 range: saturation everywhere */
};

/* A gated sequence's host arrays. */
typedef struct gated_in {
  npe_rnn_cell cell;
  uint32_t T, H;
  uint8_t *w8;
  uint16_t *w16;
  int32_t *x, *h0, *c0;
  float *rs;      /* row scales (q.row_scale), or NULL */
  npe_rnn_seq q;  /* inputs set, outputs NULL */
} gated_in;

static void gated_free(gated_in *g) {
  free(g->w8), free(g->w16), free(g->x), free(g->h0), free(g->c0), free(g->rs);
  memset(g, 0, sizeof *g);
}

/* Draws a case; h0 / c0 when asked (c0 for LSTM only). */
static void gated_make(gated_in *g, npe_rnn_cell cell, npe_fmt fw, uint32_t T, uint32_t H,
                       enum gated_data data, int use_h0, int use_c0, uint64_t seed) {
  memset(g, 0, sizeof *g);
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 29;
  uint32_t G = gates_of(cell);
  size_t nw = (size_t)G * H * H, nr = (size_t)T * H;
  g->cell = cell, g->T = T, g->H = H;
  npe_pats_out w;
  if (fw == NPE_FMT_POSIT16) {
    g->w16 = malloc(nw * 2);
    w = npe_pats_out_u16(fw, g->w16);
  } else {
    g->w8 = malloc(nw);
    w = npe_pats_out_u8(fw, g->w8);
  }
  g->x = malloc(nr * 16);
  ck_assert(g->x && (g->w8 || g->w16));
  npe_rnn_seq *q = &g->q;
  q->cell = cell, q->steps = T, q->hidden = H;
  if (data == GD_FLOAT) {
    float *wf = malloc(nw * 4);
    ck_assert(wf);
    double a = 1.5 / sqrt((double)H);
    for (size_t i = 0; i < nw; i++)
      wf[i] = (float)(a * ((double)(rng(&s) >> 11) / 4503599627370496.0 - 1.0));
    npe_rnn_quant rq;
    ck_assert_int_eq(npe_rnn_quantize(cell, H, wf, w, &rq), NPE_OK);
    q->fmt_h = rq.fmt_h, q->hshift = rq.hshift, q->acc_shift = rq.acc_shift;
    free(wf);
    for (size_t i = 0; i < 4 * nr; i++)
      g->x[i] = (int32_t)((int64_t)(rng(&s) % (6u << 16)) - (3 << 16));
  } else {
    unsigned bits = npe_fmt_bits(fw);
    for (size_t i = 0; i < nw; i++) {
      uint32_t p = (uint32_t)(rng(&s) >> 40) & ((1u << bits) - 1u);
      if (fw == NPE_FMT_TERNARY && p == 2u) p = 3u; /* 10b is no ternary code */
      npe_pats_set(w, i, p);
    }
    q->fmt_h = fw == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fw;
    q->hshift = (uint32_t)(rng(&s) % 16u);
    q->acc_shift = (int32_t)(rng(&s) % 64u) - 32;
    for (size_t i = 0; i < 4 * nr; i++) {
      uint64_t r = rng(&s);
      g->x[i] = (int32_t)(uint32_t)r >> ((r >> 40) % 12u);
    }
  }
  q->w_hh = npe_pats_of(w);
  q->x = g->x;
  if (use_h0) {
    g->h0 = malloc((size_t)H * 4);
    for (uint32_t i = 0; i < H; i++)
      g->h0[i] = data == GD_RAW ? (int32_t)(uint32_t)rng(&s)
                                : (int32_t)((int64_t)(rng(&s) % (2u << 16)) - (1 << 16));
    q->h0 = g->h0;
  }
  if (use_c0 && cell == NPE_RNN_LSTM) {
    g->c0 = malloc((size_t)H * 4);
    for (uint32_t i = 0; i < H; i++)
      g->c0[i] = (int32_t)((int64_t)(rng(&s) % (8u << 16)) - (4 << 16));
    q->c0 = g->c0;
  }
}

/* The golden run of g: every h_t into out (or NULL), h_T and c_T. */
static void gated_golden(const gated_in *g, int32_t *out, int32_t *hT, int32_t *cT) {
  uint32_t G = gates_of(g->cell);
  size_t nw = (size_t)G * g->H * g->H;
  uint32_t *w = malloc(nw * 4);
  ck_assert(w);
  for (size_t i = 0; i < nw; i++) w[i] = npe_pats_get(g->q.w_hh, i);
  /* row scales: the Q2.30 values and ACC_SHIFT npe_rnn_row_scales() gives */
  int32_t *sq = g->q.row_scale ? malloc((size_t)G * g->H * 4) : NULL, acc = g->q.acc_shift;
  if (g->q.row_scale)
    ck_assert_int_eq(npe_rnn_row_scales(g->cell, g->H, g->q.row_scale, g->q.acc_shift, sq, &acc),
                     NPE_OK);
  npe_recur_gated s = {g->cell == NPE_RNN_LSTM ? NPE_RECUR_LSTM : NPE_RECUR_GRU,
                       g->q.fmt_h, g->q.w_hh.fmt, g->q.hshift, acc, g->H, g->T, w,
                       g->x, NULL, 0};
  int32_t *s4 = NULL; /* the golden model takes 4 per element */
  if (sq) {
    s4 = calloc((size_t)4 * g->H, 4);
    ck_assert(s4);
    for (uint32_t i = 0; i < g->H; i++)
      for (uint32_t k = 0; k < G; k++) s4[4 * i + k] = sq[G * i + k];
    s.scale = s4;
  }
  for (uint32_t i = 0; i < g->H; i++) {
    hT[i] = g->h0 ? g->h0[i] : 0;
    cT[i] = g->c0 ? g->c0[i] : 0;
  }
  ck_assert_int_eq(npe_recur_gated_seq(&s, hT, g->cell == NPE_RNN_LSTM ? cT : NULL, out), NPE_OK);
  free(w), free(sq), free(s4);
}

/* Which outputs a case asks for. */
enum gouts {
  GO_H,       /* every h */
  GO_LAST,    /* h_T (and c_T for LSTM): OUT_LAST */
  GO_ALL,     /* every h, h_T, c_T: for LSTM the last step alone with OUT_LAST */
  GO_C_ONLY   /* LSTM: c_T alone */
};

/* Runs g on the engine with outputs o, checks every output bit for bit
 * against the golden model and the statistics; returns the descriptors. */
static uint64_t gated_run_check(npe_dev *d, const gated_in *g, enum gouts o) {
  uint32_t T = g->T, H = g->H, G = gates_of(g->cell);
  int lstm = g->cell == NPE_RNN_LSTM;
  size_t n = (size_t)T * H;
  int32_t *h = malloc(n * 4), *gh = malloc(n * 4), *hl = malloc(H * 4), *cl = malloc(H * 4);
  int32_t *ghT = malloc(H * 4), *gcT = malloc(H * 4);
  ck_assert(h && gh && hl && cl && ghT && gcT);
  memset(h, 0x55, n * 4), memset(hl, 0x55, H * 4), memset(cl, 0x55, H * 4);
  npe_rnn_seq q = g->q;
  q.h = o == GO_H || o == GO_ALL ? h : NULL;
  q.h_last = o == GO_LAST || o == GO_ALL ? hl : NULL;
  q.c_last = lstm && o != GO_H ? cl : NULL;
  int rc = npe_rnn(d, &q);
  ck_assert_msg(rc == NPE_OK, "%s %s T=%u H=%u: %s", lstm ? "lstm" : "gru",
                npe_fmt_name(q.w_hh.fmt), T, H, npe_strerror(rc));
  gated_golden(g, gh, ghT, gcT);
  if (q.h)
    for (size_t i = 0; i < n; i++)
      ck_assert_msg(h[i] == gh[i], "%s %s T=%u H=%u hshift=%u acc=%d: h[t=%zu][i=%zu] = %d, "
                    "golden %d", lstm ? "lstm" : "gru", npe_fmt_name(q.w_hh.fmt), T, H, q.hshift,
                    q.acc_shift, i / H, i % H, h[i], gh[i]);
  else
    for (size_t i = 0; i < n; i++) ck_assert_int_eq(h[i], 0x55555555);
  for (uint32_t i = 0; i < H; i++) {
    ck_assert_int_eq(hl[i], q.h_last ? ghT[i] : 0x55555555);
    ck_assert_msg(cl[i] == (q.c_last ? gcT[i] : 0x55555555), "T=%u H=%u: c_T[%u] = %d, golden %d",
                  T, H, i, cl[i], gcT[i]);
  }
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_uint_eq(st.recur_elems, (uint64_t)n);
  npe_fmt mf = q.w_hh.fmt == NPE_FMT_TERNARY ? NPE_FMT_TERNARY : q.fmt_h;
  for (int f = 0; f < NPE_FMT_COUNT; f++)
    ck_assert_uint_eq(st.macs[f], f == (int)mf ? (uint64_t)G * H * H * T : 0u);
  ck_assert(st.peak_macs >= st.macs[mf]);
  ck_assert(st.utilisation > 0 && st.utilisation <= 1.0);
  ck_assert(st.cycles >= (uint64_t)T);
  ck_assert_uint_eq(st.hw_error, 0);
  /* the records and the weights in, at least */
  ck_assert(st.dma_read_bytes >= (g->q.row_scale ? 32ull : 16ull) * n + 64ull * st.descriptors);
  ck_assert(st.energy_pj > 0);
  check_seq_energy(&st, g->cell);
  free(h), free(gh), free(hl), free(cl), free(ghT), free(gcT);
  return st.descriptors;
}

static uint64_t gated_case(npe_dev *d, npe_rnn_cell cell, npe_fmt fw, uint32_t T, uint32_t H,
                           enum gated_data data, int h0, int c0, enum gouts o, uint64_t seed) {
  gated_in g;
  gated_make(&g, cell, fw, T, H, data, h0, c0, seed);
  uint64_t descs = gated_run_check(d, &g, o);
  gated_free(&g);
  return descs;
}

/* Row scales for g (q.row_scale): kind 0 typical (|s| in 0.01 .. 1.5, some
 * negative, one zero), 1 wide (from 2^-20 to 2^6, signs mixed), 2 all
 * equal (a tensor scale). */
static void gated_scales(gated_in *g, int kind, uint64_t seed) {
  uint32_t rows = gates_of(g->cell) * g->H;
  uint64_t s = seed * 0x2545F4914F6CDD1Dull + 3;
  g->rs = malloc((size_t)rows * sizeof *g->rs);
  ck_assert(g->rs);
  for (uint32_t o = 0; o < rows; o++) {
    double u = (double)(rng(&s) >> 11) / 9007199254740992.0;
    double v = kind == 0 ? 0.01 + 1.49 * u : kind == 1 ? ldexp(1.0 + u, (int)(rng(&s) % 27) - 20)
                                                       : 0.0625;
    g->rs[o] = (float)(kind != 2 && rng(&s) % 4 == 0 ? -v : v);
  }
  if (kind == 0) g->rs[rows / 2] = 0.0f;
  g->q.row_scale = g->rs;
}

static void gated_scaled_case(npe_dev *d, npe_rnn_cell cell, npe_fmt fw, uint32_t T, uint32_t H,
                              enum gated_data data, int kind, enum gouts o, uint64_t seed) {
  gated_in g;
  gated_make(&g, cell, fw, T, H, data, seed & 1, 1, seed);
  gated_scales(&g, kind, seed);
  /* raw cases: a random acc_shift that the scales' power of two (2^-20 ..
   * 2^7) keeps inside -32..31 */
  if (g.q.acc_shift > 24) g.q.acc_shift -= 8;
  if (g.q.acc_shift < -11) g.q.acc_shift += 21;
  gated_run_check(d, &g, o);
  gated_free(&g);
}

/* npe_rnn_row_scales(): the rule by hand, and its errors (nothing written). */
START_TEST(gated_row_scales_rule) {
  const float a[6] = {0.5f, -0.25f, 0.75f, 0.0f, -0.75f, 0.375f};
  int32_t q[8], acc = 99;
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 2, a, 9, q, &acc), NPE_OK);
  /* m = 0.75: e = -1, q = s x 2^31, ACC_SHIFT 9 - 1 */
  ck_assert_int_eq(acc, 8);
  const int32_t want[6] = {1 << 30, -(1 << 29), 3 << 29, 0, -(3 << 29), 3 << 28};
  ck_assert_mem_eq(q, want, sizeof want);
  /* the largest is 1.0 or just below 2.0 (e = 0); every scale zero (e = 0) */
  const float b[3] = {1.0f, 1.99999988f, -1.99999988f}, z[3] = {0, 0, 0};
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, b, -3, q, &acc), NPE_OK);
  ck_assert_int_eq(acc, -3);
  ck_assert_int_eq(q[0], 1 << 30);
  ck_assert_int_eq(q[1], 2147483520);
  ck_assert_int_eq(q[2], -2147483520);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, z, 31, q, &acc), NPE_OK);
  ck_assert(acc == 31 && q[0] == 0 && q[1] == 0 && q[2] == 0);
  /* scales below 2^(e-30) round to nearest, ties to even: 1.5, 2.5, -0.5 ulps */
  const float c[4] = {1.0f, 0x1.8p-30f, 0x1.4p-29f, -0x1p-31f};
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_LSTM, 1, c, 0, q, &acc), NPE_OK);
  ck_assert(q[0] == 1 << 30 && q[1] == 2 && q[2] == 2 && q[3] == 0);
  /* errors: nothing written */
  int32_t q0[4] = {7, 7, 7, 7}, acc0 = 7;
  float bad[3] = {0.5f, NAN, 0.25f};
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, bad, 0, q0, &acc0), NPE_ERR_RANGE);
  bad[1] = INFINITY;
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, bad, 0, q0, &acc0), NPE_ERR_RANGE);
  bad[1] = -INFINITY;
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, bad, 0, q0, &acc0), NPE_ERR_RANGE);
  const float tiny[3] = {0x1p-40f, 0, 0}, big[3] = {0x1p40f, 0, 0};
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, tiny, 0, q0, &acc0), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, tiny, 8, q0, &acc0), NPE_OK);
  ck_assert(acc0 == -32 && q0[0] == 1 << 30 && q0[1] == 0);
  acc0 = 7, q0[0] = q0[1] = q0[2] = 7;
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, big, 0, q0, &acc0), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, big, -9, q0, &acc0), NPE_OK);
  ck_assert(acc0 == 31 && q0[0] == 1 << 30);
  acc0 = 7, q0[0] = q0[1] = q0[2] = 7;
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_DIAG, 1, a, 0, q0, &acc0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 0, a, 0, q0, &acc0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, NULL, 0, q0, &acc0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, a, 0, NULL, &acc0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, a, 0, q0, NULL), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, a, 32, q0, &acc0), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_row_scales(NPE_RNN_GRU, 1, a, -33, q0, &acc0), NPE_ERR_INVALID_ARG);
  for (int i = 0; i < 4; i++) ck_assert_int_eq(q0[i], 7);
  ck_assert_int_eq(acc0, 7);
}
END_TEST

/* GRU / LSTM with row scales on the engine, bit for bit against the golden
 * model: every cell x format, widths on and off the array, T 1 .. 1000,
 * typical, wide and equal scales, raw patterns with random shifts,
 * back-pressure, passes with the device memory nearly full; the records
 * are 32 bytes. */
START_TEST(gated_row_scales) {
  npe_dev *d = open_sim("sim:?latency=30&seed=4");
  static const uint32_t hs[] = {1, 3, 13, 37, 64};
  int k = 0;
  for (int c = 0; c < 2; c++)
    for (int f = 0; f < 6; f++, k++) {
      npe_rnn_cell cell = c ? NPE_RNN_LSTM : NPE_RNN_GRU;
      gated_scaled_case(d, cell, all_fw[f], 1 + (uint32_t)(k % 4) * 7, hs[k % 5], GD_FLOAT, k % 3,
                        (enum gouts)(k % (c ? 4 : 3)), 500 + (uint64_t)k);
      gated_scaled_case(d, cell, all_fw[f], 5, hs[(k + 2) % 5], GD_RAW, (k + 1) % 3, GO_ALL,
                        600 + (uint64_t)k);
    }
  /* a Sherry-sized ternary layer; a long one */
  gated_scaled_case(d, NPE_RNN_GRU, NPE_FMT_TERNARY, 4, 256, GD_FLOAT, 0, GO_ALL, 701);
  gated_scaled_case(d, NPE_RNN_LSTM, NPE_FMT_TERNARY, 3, 256, GD_FLOAT, 0, GO_ALL, 702);
  gated_scaled_case(d, NPE_RNN_GRU, NPE_FMT_INT8, 1000, 9, GD_FLOAT, 1, GO_ALL, 703);
  npe_close(d);
  d = open_sim("sim:?latency=60&ready=55&valid=65&seed=12");
  gated_scaled_case(d, NPE_RNN_LSTM, NPE_FMT_INT8, 40, 29, GD_FLOAT, 0, GO_ALL, 704);
  gated_scaled_case(d, NPE_RNN_GRU, NPE_FMT_TERNARY, 40, 33, GD_FLOAT, 1, GO_H, 705);
  /* device memory nearly full: passes, KEEP across them */
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  npe_buf *hog;
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)in.mem_size - (1u << 16) - (24u << 10), &hog), NPE_OK);
  gated_in g;
  gated_make(&g, NPE_RNN_LSTM, NPE_FMT_TERNARY, 150, 40, GD_FLOAT, 1, 1, 706);
  gated_scales(&g, 0, 706);
  ck_assert_msg(gated_run_check(d, &g, GO_ALL) > 6, "one pass only");
  gated_free(&g);
  ck_assert_int_eq(npe_buf_free(d, hog), NPE_OK);
  npe_close(d);
}
END_TEST

/* Scales all 1.0 give what no scales give (acc_shift unchanged: e = 0). */
START_TEST(gated_row_scales_one_is_identity) {
  npe_dev *d = open_sim("sim:");
  gated_in g;
  gated_make(&g, NPE_RNN_GRU, NPE_FMT_INT8, 12, 20, GD_FLOAT, 1, 0, 801);
  size_t n = 12 * 20;
  int32_t *h1 = malloc(n * 4), *h2 = malloc(n * 4);
  float *one = malloc(3 * 20 * sizeof *one);
  ck_assert(h1 && h2 && one);
  for (int i = 0; i < 60; i++) one[i] = 1.0f;
  g.q.h = h1;
  ck_assert_int_eq(npe_rnn(d, &g.q), NPE_OK);
  g.q.h = h2;
  g.q.row_scale = one;
  ck_assert_int_eq(npe_rnn(d, &g.q), NPE_OK);
  ck_assert_mem_eq(h1, h2, n * 4);
  free(h1), free(h2), free(one);
  gated_free(&g);
  npe_close(d);
}
END_TEST

/* Bad row scales: NPE_ERR_RANGE / INVALID_ARG, outputs untouched, the
 * device still works. */
START_TEST(gated_row_scales_errors) {
  npe_dev *d = open_sim("sim:");
  gated_in g;
  gated_make(&g, NPE_RNN_LSTM, NPE_FMT_INT8, 4, 10, GD_FLOAT, 1, 1, 811);
  gated_scales(&g, 0, 811);
  int32_t h[40], hl[10], cl[10];
  g.q.h = h, g.q.h_last = hl, g.q.c_last = cl;
  const float saved = g.rs[7];
  const float bad[] = {NAN, INFINITY, -INFINITY};
  for (int b = 0; b < 3; b++) {
    memset(h, 0x33, sizeof h), memset(hl, 0x33, sizeof hl), memset(cl, 0x33, sizeof cl);
    g.rs[7] = bad[b];
    ck_assert_int_eq(npe_rnn(d, &g.q), NPE_ERR_RANGE);
    npe_job *j = NULL;
    ck_assert_int_eq(npe_rnn_submit(d, &g.q, &j), NPE_ERR_RANGE);
    ck_assert_ptr_null(j);
    for (int i = 0; i < 40; i++) ck_assert_int_eq(h[i], 0x33333333);
    for (int i = 0; i < 10; i++) ck_assert(hl[i] == 0x33333333 && cl[i] == 0x33333333);
  }
  g.rs[7] = saved;
  /* ACC_SHIFT would leave -32..31 */
  int32_t acc = g.q.acc_shift;
  g.q.acc_shift = 31;
  for (int i = 0; i < 40; i++) g.rs[i] = 4.0f;
  ck_assert_int_eq(npe_rnn(d, &g.q), NPE_ERR_RANGE);
  for (int i = 0; i < 40; i++) ck_assert_int_eq(h[i], 0x33333333);
  g.q.acc_shift = acc;
  /* DIAG with row scales */
  int32_t a[4] = {1, 2, 3, 4}, b4[4] = {0, 0, 0, 0}, hd[4] = {5, 5, 5, 5};
  npe_rnn_seq dq = {.cell = NPE_RNN_DIAG, .steps = 1, .hidden = 4, .a = a, .b = b4, .h = hd,
                    .row_scale = g.rs};
  ck_assert_int_eq(npe_rnn(d, &dq), NPE_ERR_INVALID_ARG);
  for (int i = 0; i < 4; i++) ck_assert_int_eq(hd[i], 5);
  /* and the device runs a good one after */
  free(g.rs);
  g.rs = NULL;
  gated_scales(&g, 1, 812);
  g.q.h = NULL, g.q.h_last = NULL, g.q.c_last = NULL;
  gated_run_check(d, &g, GO_ALL);
  gated_free(&g);
  npe_close(d);
}
END_TEST

START_TEST(gated_info_and_limits) {
  npe_dev *d = open_sim("sim:");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.recur_modes & 7u, 7u); /* DIAG, GRU, LSTM */
  /* the default build's limits (documented in npe.h) */
  static const struct { npe_fmt f; uint32_t gru, lstm; } lim[] = {
      {NPE_FMT_INT8, 416, 362},   {NPE_FMT_POSIT8, 416, 362}, {NPE_FMT_POSIT16, 295, 256},
      {NPE_FMT_FP4, 589, 512},    {NPE_FMT_POSIT4, 589, 512}, {NPE_FMT_TERNARY, 832, 720}};
  for (int i = 0; i < 6; i++) {
    ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_GRU, lim[i].f), lim[i].gru);
    ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_LSTM, lim[i].f), lim[i].lstm);
  }
  ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_DIAG, NPE_FMT_INT8), UINT32_MAX);
  ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_GLA, NPE_FMT_INT8), 0);
  ck_assert_uint_eq(npe_rnn_max_hidden(d, (npe_rnn_cell)9, NPE_FMT_INT8), 0);
  ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_GRU, NPE_FMT_COUNT), 0);
  ck_assert_uint_eq(npe_rnn_max_hidden(NULL, NPE_RNN_GRU, NPE_FMT_INT8), 0);
  /* at the limit it runs (several mat-vec chunks: G H > 256), one above it does not */
  for (int i = 0; i < 6; i += 5) {
    gated_case(d, NPE_RNN_GRU, lim[i].f, 3, lim[i].gru, GD_FLOAT, 1, 0, GO_ALL, 60 + i);
    gated_case(d, NPE_RNN_LSTM, lim[i].f, 3, lim[i].lstm, GD_FLOAT, 1, 1, GO_ALL, 70 + i);
    gated_in g;
    gated_make(&g, NPE_RNN_GRU, lim[i].f, 2, lim[i].gru + 1, GD_FLOAT, 0, 0, 80 + i);
    int32_t *h = malloc(8u * (lim[i].gru + 1));
    memset(h, 0x44, 8u * (lim[i].gru + 1));
    g.q.h = h;
    ck_assert_int_eq(npe_rnn(d, &g.q), NPE_ERR_UNSUPPORTED);
    for (uint32_t k = 0; k < 2 * (lim[i].gru + 1); k++) ck_assert_int_eq(h[k], 0x44444444);
    free(h);
    gated_free(&g);
  }
  /* the small build has no recurrence unit */
  npe_dev *small = open_sim("sim:?build=small");
  ck_assert_uint_eq(npe_rnn_max_hidden(small, NPE_RNN_GRU, NPE_FMT_INT8), 0);
  npe_close(small);
  npe_close(d);
}
END_TEST

/* Every cell x format, widths on and off the array's multiples, lengths
 * from 1 to 1000, each INIT, each output kind; quantised float weights and
 * raw patterns with random shifts (saturation, NaR). */
START_TEST(gated_shapes) {
  npe_dev *d = open_sim("sim:?latency=40&seed=3");
  static const uint32_t hs[] = {1, 3, 8, 13, 37, 64};
  static const uint32_t ts[] = {1, 2, 17, 40};
  int k = 0;
  for (int c = 0; c < 2; c++)
    for (int f = 0; f < 6; f++, k++) {
      npe_rnn_cell cell = c ? NPE_RNN_LSTM : NPE_RNN_GRU;
      uint32_t H = hs[(k * 5) % 6], T = ts[k % 4];
      enum gouts o = (enum gouts)(k % (c ? 4 : 3));
      gated_case(d, cell, all_fw[f], T, H, GD_FLOAT, k % 2, k % 3 == 0, o, 200 + k);
      gated_case(d, cell, all_fw[f], ts[(k + 1) % 4], hs[(k * 5 + 3) % 6], GD_RAW, k % 2 == 0,
                 1, (enum gouts)((k + 1) % 3), 300 + k);
    }
  /* long sequences */
  gated_case(d, NPE_RNN_GRU, NPE_FMT_INT8, 1000, 13, GD_FLOAT, 1, 0, GO_ALL, 401);
  gated_case(d, NPE_RNN_LSTM, NPE_FMT_POSIT16, 1000, 5, GD_FLOAT, 0, 1, GO_ALL, 402);
  gated_case(d, NPE_RNN_LSTM, NPE_FMT_TERNARY, 1200, 3, GD_FLOAT, 1, 1, GO_LAST, 403);
  /* LSTM with every h and c_T: the last step is a descriptor of its own */
  ck_assert_uint_eq(gated_case(d, NPE_RNN_LSTM, NPE_FMT_INT8, 30, 16, GD_FLOAT, 1, 1, GO_ALL, 5),
                    3); /* LOAD, RECUR of 29 steps, RECUR of the last one */
  ck_assert_uint_eq(gated_case(d, NPE_RNN_LSTM, NPE_FMT_INT8, 30, 16, GD_FLOAT, 1, 1, GO_H, 5), 2);
  ck_assert_uint_eq(gated_case(d, NPE_RNN_GRU, NPE_FMT_INT8, 30, 16, GD_FLOAT, 1, 0, GO_ALL, 5), 2);
  npe_close(d);
}
END_TEST

/* Ternary W_hh that is 3:4 sparse (one zero in every group of 4 of a row)
 * travels as Sherry codes: bit-exact against the golden model, the weight
 * LOAD at 1.25 bits a weight instead of 2; npe_set_sherry(d, 0) sends the
 * same weights as 2-bit codes with the same outputs. H not a multiple of 4
 * (padded groups) and a multiple of the array. */
START_TEST(gated_sherry_w_hh) {
  npe_dev *d = open_sim("sim:?latency=25&ready=80&seed=8");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  if (!in.has_sherry) { /* (the default build has it) */
    npe_close(d);
    return;
  }
  static const uint32_t hs[] = {13, 64};
  for (int c = 0; c < 2; c++)
    for (int h = 0; h < 2; h++) {
      npe_rnn_cell cell = c ? NPE_RNN_LSTM : NPE_RNN_GRU;
      uint32_t H = hs[h], G = gates_of(cell), T = 9 + (uint32_t)h;
      gated_in g;
      gated_make(&g, cell, NPE_FMT_TERNARY, T, H, GD_RAW, 1, 1, 900 + 2 * (uint64_t)c + h);
      uint64_t s = 77 + (uint64_t)h;
      for (uint32_t o = 0; o < G * H; o++)
        for (uint32_t i = 0; i < H; i++)
          g.w8[(size_t)o * H + i] = i % 4 == (i / 4 + o) % 4 ? 0u : (rng(&s) & 1 ? 1u : 3u);
      npe_stats st2, st;
      ck_assert_int_eq(npe_set_sherry(d, 0), NPE_OK);
      gated_run_check(d, &g, GO_ALL);
      ck_assert_int_eq(npe_last_stats(d, &st2), NPE_OK);
      ck_assert_uint_eq(st2.sherry, 0);
      ck_assert_int_eq(npe_set_sherry(d, 1), NPE_OK);
      gated_run_check(d, &g, GO_ALL);
      ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
      ck_assert_uint_eq(st.sherry, 1);
      /* 5 bits per group of 4 against 8, rows padded to 8 bytes */
      ck_assert_msg(st.dma_weight_bytes * 8 <= st2.dma_weight_bytes * 5 + 8 * 8 * G * H,
                    "H=%u: %llu Sherry bytes against %llu", H,
                    (unsigned long long)st.dma_weight_bytes,
                    (unsigned long long)st2.dma_weight_bytes);
      if (H == 64) /* (at H = 13 a row is one 8-byte-padded beat either way) */
        ck_assert_uint_eq(st.dma_weight_bytes * 8, st2.dma_weight_bytes * 5);
      /* two zeros in a group: back to 2-bit codes, still exact */
      g.w8[1] = 0, g.w8[2] = 0, g.w8[3] = 0;
      gated_run_check(d, &g, GO_LAST);
      ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
      ck_assert_uint_eq(st.sherry, 0);
      gated_free(&g);
    }
  npe_close(d);
}
END_TEST

/* T beyond the descriptor's 65535 steps: KEEP across the chunks (h and c). */
START_TEST(gated_long_keep_chain) {
  npe_dev *d = open_sim("sim:?latency=20");
  gated_case(d, NPE_RNN_LSTM, NPE_FMT_INT8, 70000, 1, GD_FLOAT, 1, 1, GO_ALL, 11);
  gated_case(d, NPE_RNN_GRU, NPE_FMT_FP4, 65536, 2, GD_FLOAT, 0, 0, GO_LAST, 12);
  npe_close(d);
}
END_TEST

/* Device memory nearly full: small chunks, several passes (the weights
 * loaded again in each), h and c continuing with INIT = KEEP. */
START_TEST(gated_short_of_device_memory) {
  npe_dev *d = open_sim("sim:?latency=30");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  npe_buf *hog;
  /* leave about 20 KiB: T = 300 x H = 40 needs 200 KB of records */
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)in.mem_size - (1u << 16) - (20u << 10), &hog), NPE_OK);
  uint64_t descs = gated_case(d, NPE_RNN_LSTM, NPE_FMT_INT8, 300, 40, GD_FLOAT, 1, 1, GO_ALL, 31);
  ck_assert_msg(descs > 10, "%llu descriptors", (unsigned long long)descs);
  descs = gated_case(d, NPE_RNN_GRU, NPE_FMT_POSIT8, 300, 40, GD_FLOAT, 0, 0, GO_H, 32);
  ck_assert_msg(descs > 10, "%llu descriptors", (unsigned long long)descs);
  descs = gated_case(d, NPE_RNN_LSTM, NPE_FMT_TERNARY, 200, 64, GD_FLOAT, 0, 1, GO_C_ONLY, 33);
  ck_assert_msg(descs > 4, "%llu descriptors", (unsigned long long)descs);
  /* not even one step beside the weights: NO_MEM, outputs untouched */
  npe_buf *hog2;
  ck_assert_int_eq(npe_buf_free(d, hog), NPE_OK);
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)in.mem_size - (1u << 16) - 8192, &hog2), NPE_OK);
  gated_in g;
  gated_make(&g, NPE_RNN_GRU, NPE_FMT_POSIT16, 1, 73, GD_FLOAT, 0, 0, 34);
  int32_t h[73];
  memset(h, 0x77, sizeof h);
  g.q.h = h;
  ck_assert_int_eq(npe_rnn(d, &g.q), NPE_ERR_NO_MEM);
  for (int i = 0; i < 73; i++) ck_assert_int_eq(h[i], 0x77777777);
  ck_assert_int_eq(npe_buf_free(d, hog2), NPE_OK);
  gated_run_check(d, &g, GO_H);
  gated_free(&g);
  npe_close(d);
}
END_TEST

/* Memory latency, refused cycles and gaps in the responses. */
START_TEST(gated_back_pressure) {
  static const char *uris[] = {"sim:?latency=1&seed=9", "sim:?latency=37&ready=60&valid=70&seed=5",
                               "sim:?latency=200&ready=25&valid=40&seed=6"};
  for (int u = 0; u < 3; u++) {
    npe_dev *d = open_sim(uris[u]);
    gated_case(d, NPE_RNN_GRU, all_fw[u], 25, 29, GD_FLOAT, 1, 0, GO_ALL, 50 + u);
    gated_case(d, NPE_RNN_LSTM, all_fw[u + 3], 25, 21, GD_RAW, u != 1, 1, GO_ALL, 60 + u);
    npe_close(d);
  }
}
END_TEST

/* Submit, poll, wait, progress; DIAG, GRU, LSTM and a matmul in turn on one
 * device (each gated job loads its weights: the matmul's B loads do not
 * disturb it). */
START_TEST(gated_async_and_progress) {
  npe_dev *d = open_sim("sim:");
  gated_in g;
  gated_make(&g, NPE_RNN_LSTM, NPE_FMT_INT8, 300, 24, GD_FLOAT, 1, 1, 91);
  size_t n = 300 * 24;
  int32_t *h = malloc(n * 4), *gh = malloc(n * 4), cl[24], ghT[24], gcT[24];
  ck_assert(h && gh);
  gated_golden(&g, gh, ghT, gcT);
  npe_rnn_seq q = g.q;
  q.h = h, q.c_last = cl;
  npe_job *j;
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  int32_t keep = g.x[7];
  g.x[7] ^= 0x1234; /* the inputs were copied */
  ck_assert_int_eq(npe_rnn(d, &q), NPE_ERR_BUSY);
  int done = 0, polls = 0;
  while (!done) {
    ck_assert_int_eq(npe_poll(d, j, &done), NPE_OK);
    polls++;
  }
  ck_assert(polls > 2);
  ck_assert_int_eq(npe_wait(d, j, 0), NPE_OK);
  g.x[7] = keep;
  ck_assert_mem_eq(h, gh, n * 4);
  ck_assert_mem_eq(cl, gcT, sizeof cl);
  double prog[2] = {0, 0};
  npe_set_progress(d, progress_cb, prog);
  memset(h, 0, n * 4);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  npe_set_progress(d, NULL, NULL);
  ck_assert(prog[1] > 5);
  ck_assert(prog[0] == 1.0);
  ck_assert_mem_eq(h, gh, n * 4);
  /* DIAG, a matmul, GRU, LSTM again */
  check_seq(d, 20, 30, GATES_UNIT, 1, OUT_BOTH, 92);
  uint8_t ma[1 * 16], mb[40 * 16];
  float mc[40];
  for (int i = 0; i < 16; i++) ma[i] = (uint8_t)(i * 7);
  for (int i = 0; i < 40 * 16; i++) mb[i] = (uint8_t)(i * 3);
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, ma), 1, 16, 0, 1},
             tb = {npe_pats_u8(NPE_FMT_INT8, mb), 40, 16, 0, 1};
  npe_output oc = {.f32 = mc};
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &oc), NPE_OK);
  gated_case(d, NPE_RNN_GRU, NPE_FMT_POSIT8, 20, 30, GD_FLOAT, 1, 0, GO_ALL, 93);
  ck_assert_int_eq(npe_matmul(d, &ta, &tb, &oc), NPE_OK);
  memset(h, 0, n * 4);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  ck_assert_mem_eq(h, gh, n * 4);
  /* a timeout: TIMEOUT, outputs untouched, then fine (the statistics after
   * a timeout are checked in the DIAG case) */
  memset(h, 0x11, n * 4);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  ck_assert_int_eq(npe_wait(d, j, 500), NPE_ERR_TIMEOUT);
  for (size_t i = 0; i < n; i++) ck_assert_int_eq(h[i], 0x11111111);
  ck_assert_int_eq(npe_rnn(d, &q), NPE_OK);
  ck_assert_mem_eq(h, gh, n * 4);
  ck_assert_int_eq(npe_rnn_submit(d, &q, &j), NPE_OK);
  npe_close(d); /* frees the job in flight */
  free(h), free(gh);
  gated_free(&g);
}
END_TEST

/* Every error of a gated sequence: its status, and nothing written. */
START_TEST(gated_errors_leave_outputs_alone) {
  npe_dev *d = open_sim("sim:");
  gated_in g;
  gated_make(&g, NPE_RNN_LSTM, NPE_FMT_INT8, 4, 5, GD_FLOAT, 1, 1, 101);
  int32_t h[20], hl[5], cl[5];
  memset(h, 0x33, sizeof h), memset(hl, 0x33, sizeof hl), memset(cl, 0x33, sizeof cl);
  npe_rnn_seq ok = g.q, q;
  ok.h = h, ok.h_last = hl, ok.c_last = cl;
  uint16_t w16[4 * 5 * 5] = {0};
  uint8_t bad8[4 * 5 * 5];
  memcpy(bad8, g.w8, sizeof bad8);
  npe_job *j = NULL;
  struct { int want; npe_rnn_seq q; } e[32];
  int n = 0;
#define ERR(w, stmt) do { q = ok; stmt; e[n].want = (w); e[n++].q = q; } while (0)
  ERR(NPE_ERR_INVALID_ARG, q.steps = 0);
  ERR(NPE_ERR_INVALID_ARG, q.hidden = 0);
  ERR(NPE_ERR_INVALID_ARG, q.x = NULL);
  ERR(NPE_ERR_INVALID_ARG, (q.h = NULL, q.h_last = NULL, q.c_last = NULL));
  ERR(NPE_ERR_INVALID_ARG, q.w_hh.u8 = NULL);
  ERR(NPE_ERR_INVALID_ARG, q.w_hh = npe_pats_u16(NPE_FMT_INT8, w16)); /* wrong width */
  ERR(NPE_ERR_INVALID_ARG, q.w_hh.fmt = NPE_FMT_COUNT);
  ERR(NPE_ERR_INVALID_ARG, q.fmt_h = NPE_FMT_POSIT8);  /* not the pair of INT8 weights */
  ERR(NPE_ERR_INVALID_ARG, q.fmt_h = NPE_FMT_TERNARY);
  ERR(NPE_ERR_INVALID_ARG, (q.w_hh.fmt = NPE_FMT_TERNARY, q.fmt_h = NPE_FMT_TERNARY));
  ERR(NPE_ERR_INVALID_ARG, q.hshift = 16);
  ERR(NPE_ERR_INVALID_ARG, q.acc_shift = 32);
  ERR(NPE_ERR_INVALID_ARG, q.acc_shift = -33);
  ERR(NPE_ERR_INVALID_ARG, (q.cell = NPE_RNN_GRU, q.c_last = NULL));   /* GRU with c0 */
  ERR(NPE_ERR_INVALID_ARG, (q.cell = NPE_RNN_GRU, q.c0 = NULL));       /* GRU with c_last */
  ERR(NPE_ERR_INVALID_ARG, q.cell = (npe_rnn_cell)7);
  ERR(NPE_ERR_UNSUPPORTED, q.cell = NPE_RNN_GLA);
  ERR(NPE_ERR_UNSUPPORTED, q.hidden = 2000); /* beyond the state and the B buffer */
  ERR(NPE_ERR_RANGE, (bad8[17] = 0x2, q.w_hh = npe_pats_u8(NPE_FMT_TERNARY, bad8),
                      q.fmt_h = NPE_FMT_INT8)); /* 10b: no ternary code */
  for (int i = 0; i < n; i++) {
    int rc = npe_rnn(d, &e[i].q);
    ck_assert_msg(rc == e[i].want, "case %d: %s, want %s", i, npe_strerror(rc),
                  npe_strerror(e[i].want));
    ck_assert_int_eq(npe_rnn_submit(d, &e[i].q, &j), e[i].want);
  }
#undef ERR
  ck_assert_ptr_null(j);
  ck_assert_int_eq(npe_rnn(NULL, &ok), NPE_ERR_INVALID_ARG);
  for (int i = 0; i < 20; i++) ck_assert_int_eq(h[i], 0x33333333);
  for (int i = 0; i < 5; i++) ck_assert_int_eq(hl[i], 0x33333333);
  for (int i = 0; i < 5; i++) ck_assert_int_eq(cl[i], 0x33333333);
  /* a device error: a format the engine lacks is refused before; here the
   * small build, which has no unit */
  npe_dev *small = open_sim("sim:?build=small");
  ck_assert_int_eq(npe_rnn(small, &ok), NPE_ERR_UNSUPPORTED);
  npe_close(small);
  for (int i = 0; i < 20; i++) ck_assert_int_eq(h[i], 0x33333333);
  /* busy */
  ck_assert_int_eq(npe_rnn_submit(d, &ok, &j), NPE_OK);
  ck_assert_int_eq(npe_rnn(d, &ok), NPE_ERR_BUSY);
  ck_assert_int_eq(npe_wait(d, j, 0), NPE_OK);
  /* and the same call works */
  int32_t gh[20], ghT[5], gcT[5];
  gated_golden(&g, gh, ghT, gcT);
  ck_assert_mem_eq(h, gh, sizeof gh);
  ck_assert_mem_eq(hl, ghT, sizeof ghT);
  ck_assert_mem_eq(cl, gcT, sizeof gcT);
  gated_free(&g);
  npe_close(d);
}
END_TEST

/* npe_rnn_quantize and npe_rnn_records: the stated rules, torch's row order
 * to the engine's, and their errors (nothing written). */
START_TEST(gated_quantize_and_records) {
  enum { H = 6 };
  float w[4 * H * H];
  uint64_t s = 5;
  for (int i = 0; i < 4 * H * H; i++)
    w[i] = (float)(0.28 * ((double)(rng(&s) >> 11) / 4503599627370496.0 - 1.0));
  w[4] = 0.29f; /* absmax 0.29 */
  for (int c = 0; c < 2; c++) {
    npe_rnn_cell cell = c ? NPE_RNN_LSTM : NPE_RNN_GRU;
    uint32_t G = gates_of(cell);
    for (int f = 0; f < 6; f++) {
      npe_fmt fw = all_fw[f];
      uint8_t p8[4 * H * H];
      uint16_t p16[4 * H * H];
      npe_pats_out po = fw == NPE_FMT_POSIT16 ? npe_pats_out_u16(fw, p16) : npe_pats_out_u8(fw, p8);
      npe_rnn_quant q;
      ck_assert_int_eq(npe_rnn_quantize(cell, H, w, po, &q), NPE_OK);
      ck_assert_int_eq(q.fmt_h, fw == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fw);
      ck_assert_uint_eq(q.hshift, q.fmt_h == NPE_FMT_INT8 ? 7u : fw == NPE_FMT_FP4 ? 2u : 0u);
      ck_assert_int_eq(q.acc_shift, 16 - (int)q.hshift - q.w_exp);
      ck_assert(q.w_absmax > 0.289 && q.w_absmax < 0.291);
      /* row G i + g is torch's row g H + i, each code encode(w 2^Sw); the
       * chosen Sw has the least squared error of a wide range of exponents */
      double best = INFINITY, err_at = 0;
      for (int e = -12; e <= 40; e++) {
        double se = 0;
        for (int i = 0; i < (int)G * H * H; i++) {
          uint32_t code;
          double v;
          ck_assert_int_eq(npe_encode(fw, ldexp(w[i], e), &code), NPE_OK);
          ck_assert_int_eq(npe_decode(fw, code, &v), NPE_OK);
          se += (ldexp(v, -e) - w[i]) * (ldexp(v, -e) - w[i]);
          if (e == q.w_exp) {
            uint32_t gg = (uint32_t)i / (H * H), ii = (uint32_t)i / H % H, kk = (uint32_t)i % H;
            ck_assert_uint_eq(npe_pats_get(npe_pats_of(po), ((size_t)G * ii + gg) * H + kk), code);
          }
        }
        if (se < best) best = se;
        if (e == q.w_exp) err_at = se;
      }
      ck_assert_msg(err_at <= best * (1 + 1e-12), "%s: Sw %d, error %g, best %g",
                    npe_fmt_name(fw), q.w_exp, err_at, best);
      ck_assert(fabs(q.w_rmse - sqrt(err_at / (G * H * H))) < 1e-12);
    }
  }
  /* int8 with absmax 0.29: 127 / 0.29 = 438, Sw = 8 (256 x 0.29 = 74) or 9
   * (148: clipped); least squares picks the unclipped one here */
  uint8_t p8[3 * H * H];
  npe_rnn_quant q;
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, w, npe_pats_out_u8(NPE_FMT_INT8, p8), &q),
                   NPE_OK);
  ck_assert_int_eq(q.w_exp, 8);
  ck_assert_int_eq(q.acc_shift, 1);
  /* all zero: Sw = 0 */
  float z[3 * H * H] = {0};
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, z, npe_pats_out_u8(NPE_FMT_INT8, p8), &q),
                   NPE_OK);
  ck_assert_int_eq(q.w_exp, 0);
  ck_assert_int_eq(q.acc_shift, 9);
  /* errors: nothing written */
  memset(p8, 0xee, sizeof p8);
  memset(&q, 0xee, sizeof q);
  float nanw[3 * H * H];
  memcpy(nanw, w, sizeof nanw);
  nanw[20] = NAN;
  npe_pats_out o8 = npe_pats_out_u8(NPE_FMT_INT8, p8);
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, nanw, o8, &q), NPE_ERR_RANGE);
  nanw[20] = INFINITY;
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, nanw, o8, &q), NPE_ERR_RANGE);
  float huge[3 * H * H];
  for (int i = 0; i < 3 * H * H; i++) huge[i] = 1e12f; /* Sw about -33: acc_shift 42 */
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, huge, o8, &q), NPE_ERR_RANGE);
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_DIAG, H, w, o8, &q), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, 0, w, o8, &q), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, NULL, o8, &q), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, w, o8, NULL), NPE_ERR_INVALID_ARG);
  uint16_t p16[3 * H * H];
  ck_assert_int_eq(npe_rnn_quantize(NPE_RNN_GRU, H, w, npe_pats_out_u16(NPE_FMT_INT8, p16), &q),
                   NPE_ERR_INVALID_ARG);
  for (int i = 0; i < 3 * H * H; i++) ck_assert_uint_eq(p8[i], 0xee);
  ck_assert_uint_eq(q.hshift, 0xeeeeeeeeu);

  /* records: GRU x0 = p_r + bh_r, x1 = p_z + bh_z, x2 = p_n, x3 = bh_n;
   * LSTM xj = p_j + bh_j; rounded to nearest even in Q15.16, saturated */
  enum { T = 3 };
  float proj[T * 4 * H + 8], bh[4 * H];
  for (int i = 0; i < T * 4 * H + 8; i++) proj[i] = (float)(i % 13) * 0.37f - 2.0f;
  for (int i = 0; i < 4 * H; i++) bh[i] = (float)(i % 7) * -0.11f + 0.3f;
  proj[5] = 1.5f / 65536.0f; /* a tie: 1.5 LSB, with bh[5] = ... */
  bh[5] = 0.0f;
  proj[4 * H + 1] = 1e6f;    /* saturates: 1e6 x 2^16 > INT32_MAX */
  int32_t x[T * H * 4];
  for (int c = 0; c < 2; c++) {
    npe_rnn_cell cell = c ? NPE_RNN_LSTM : NPE_RNN_GRU;
    uint32_t G = gates_of(cell);
    size_t stride = c ? 4 * H + 2 : 0, st = stride ? stride : G * H;
    ck_assert_int_eq(npe_rnn_records(cell, T, H, proj, stride, bh, x), NPE_OK);
    for (int t = 0; t < T; t++)
      for (int i = 0; i < H; i++)
        for (int jv = 0; jv < 4; jv++) {
          double v;
          if (cell == NPE_RNN_GRU && jv == 2) v = proj[t * st + 2 * H + i];
          else if (cell == NPE_RNN_GRU && jv == 3) v = bh[2 * H + i];
          else v = (double)proj[t * st + jv * H + i] + bh[jv * H + i];
          int32_t want;
          npe_recur_fix_from_double(v, 16, &want);
          ck_assert_int_eq(x[(t * H + i) * 4 + jv], want);
        }
    ck_assert_int_eq(x[5 * 4 + 0], 2);  /* 1.5 LSB to even */
  }
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_LSTM, T, H, proj, 0, NULL, x), NPE_OK);
  ck_assert_int_eq(x[(1 * H + 1) * 4 + 0], INT32_MAX); /* proj[4H + 1]: t = 1, gate i, i = 1 */
  /* errors */
  memset(x, 0x5a, sizeof x);
  proj[7] = NAN;
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, T, H, proj, 0, bh, x), NPE_ERR_RANGE);
  proj[7] = 0;
  bh[3] = INFINITY;
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, T, H, proj, 0, bh, x), NPE_ERR_RANGE);
  bh[3] = 0;
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, T, H, proj, 3 * H - 1, bh, x), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_DIAG, T, H, proj, 0, bh, x), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, 0, H, proj, 0, bh, x), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, T, 0, proj, 0, bh, x), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, T, H, NULL, 0, bh, x), NPE_ERR_INVALID_ARG);
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_GRU, T, H, proj, 0, bh, NULL), NPE_ERR_INVALID_ARG);
  for (int i = 0; i < T * H * 4; i++) ck_assert_int_eq(x[i], 0x5a5a5a5a);
}
END_TEST

/* ---- HGRN (API 0.12.0) ---- */

/* One HGRN sequence through npe_rnn against npe_recur_hgrn_seq, bit for
 * bit: records za, zc, zg ~ U(-R, R) (R = 6, or any int32 when @p wide),
 * x3 random, h0 optional; @p outs: every y, h_last only, or both (the last
 * step on its own with OUT_LAST: h_T, then y_T). Returns the descriptors. */
static uint64_t check_hgrn(npe_dev *d, uint32_t T, uint32_t H, int wide, int with_h0,
                           enum outs outs, uint64_t seed) {
  size_t n = (size_t)T * H;
  int32_t *x = malloc(16 * n), *y = malloc(4 * n), *gy = malloc(4 * n);
  int32_t *h0 = malloc(4 * H), *hl = malloc(4 * H), *gh = malloc(4 * H);
  ck_assert(x && y && gy && h0 && hl && gh);
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 3;
  for (size_t i = 0; i < 4 * n; i++) {
    uint64_t r = rng(&s);
    x[i] = wide || i % 4 == 3 ? (int32_t)(uint32_t)r : (int32_t)((int64_t)(r % (12u << 16)) - (6 << 16));
  }
  for (uint32_t i = 0; i < H; i++)
    gh[i] = h0[i] = wide ? (int32_t)(uint32_t)rng(&s) : (int32_t)((int64_t)(rng(&s) % (4u << 16)) - (2 << 16));
  if (!with_h0) memset(gh, 0, 4 * H);
  ck_assert_int_eq(npe_recur_hgrn_seq(T, H, x, gh, gy), NPE_OK);
  memset(y, 0x5a, 4 * n), memset(hl, 0x5a, 4 * H);
  npe_rnn_seq q = {.cell = NPE_RNN_HGRN, .steps = T, .hidden = H, .x = x,
                   .h0 = with_h0 ? h0 : NULL, .y = outs != OUT_LAST_ONLY ? y : NULL,
                   .h_last = outs != OUT_ALL ? hl : NULL};
  int rc = npe_rnn(d, &q);
  ck_assert_msg(rc == NPE_OK, "hgrn T=%u H=%u: %s", T, H, npe_strerror(rc));
  if (outs != OUT_LAST_ONLY)
    for (size_t i = 0; i < n; i++)
      ck_assert_msg(y[i] == gy[i], "hgrn T=%u H=%u outs=%d: y[%zu] = %d, want %d", T, H, (int)outs,
                    i, y[i], gy[i]);
  if (outs != OUT_ALL)
    for (uint32_t i = 0; i < H; i++)
      ck_assert_msg(hl[i] == gh[i], "hgrn T=%u H=%u: h_last[%u] = %d, want %d", T, H, i, hl[i], gh[i]);
  npe_stats st;
  ck_assert_int_eq(npe_last_stats(d, &st), NPE_OK);
  ck_assert_uint_eq(st.recur_elems, n);
  ck_assert_uint_eq(st.recur_hgrn_elems, n);
  ck_assert_uint_eq(st.recur_mode_elems[0] + st.recur_mode_elems[1] + st.recur_mode_elems[2], 0);
  ck_assert(st.energy_pj > 0);
  free(x), free(y), free(gy), free(h0), free(hl), free(gh);
  return st.descriptors;
}

/* Shapes (H 1 .. 1024, on and off the array's multiples; T 1 .. 70000:
 * chunks of 65535 with KEEP), outputs, h0, wide inputs; the info bit. */
START_TEST(hgrn_shapes) {
  npe_dev *d = open_sim("sim:?latency=20");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  ck_assert_uint_eq(in.recur_modes >> NPE_RNN_HGRN & 1u, 1u);
  ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_HGRN, NPE_FMT_INT8), in.recur_state_words);
  check_hgrn(d, 1, 1, 0, 0, OUT_ALL, 1);
  check_hgrn(d, 7, 3, 0, 1, OUT_BOTH, 2);
  check_hgrn(d, 50, 13, 1, 1, OUT_BOTH, 3);
  check_hgrn(d, 9, 64, 0, 0, OUT_LAST_ONLY, 4);
  check_hgrn(d, 1000, 40, 0, 1, OUT_ALL, 5);
  check_hgrn(d, 3, 1024, 0, 1, OUT_BOTH, 6);
  check_hgrn(d, 1, 192, 0, 1, OUT_BOTH, 7); /* the last step alone is the only step */
  uint64_t descs = check_hgrn(d, 70000, 2, 0, 1, OUT_BOTH, 8);
  ck_assert_uint_ge(descs, 3); /* 65535, then KEEP: the rest, the last step alone */
  npe_close(d);
}
END_TEST

/* Latency and back-pressure; device memory nearly full (passes). */
START_TEST(hgrn_back_pressure_and_passes) {
  npe_dev *d = open_sim("sim:?latency=37&ready=60&valid=70&seed=5");
  check_hgrn(d, 300, 33, 0, 1, OUT_BOTH, 11);
  check_hgrn(d, 64, 7, 1, 0, OUT_ALL, 12);
  npe_close(d);
  d = open_sim("sim:?latency=30");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  npe_buf *hog;
  ck_assert_int_eq(npe_buf_alloc(d, (size_t)in.mem_size - (1u << 16) - (100u << 10), &hog), NPE_OK);
  uint64_t descs = check_hgrn(d, 400, 500, 0, 1, OUT_BOTH, 13); /* 4 MB of records */
  ck_assert_msg(descs > 10, "%llu descriptors", (unsigned long long)descs);
  ck_assert_int_eq(npe_buf_free(d, hog), NPE_OK);
  npe_close(d);
}
END_TEST

/* Bad HGRN sequences: INVALID_ARG / UNSUPPORTED, outputs untouched. */
START_TEST(hgrn_errors_leave_outputs_alone) {
  npe_dev *d = open_sim("sim:");
  enum { T = 4, H = 8 };
  int32_t x[4 * T * H] = {0}, y[T * H], hl[H], other[T * H] = {0};
  uint8_t w[3 * H * H] = {0};
  float sc[3 * H];
  for (int i = 0; i < 3 * H; i++) sc[i] = 1.0f;
  memset(y, 0x5a, sizeof y), memset(hl, 0x5a, sizeof hl);
  const npe_rnn_seq ok = {.cell = NPE_RNN_HGRN, .steps = T, .hidden = H, .x = x, .y = y, .h_last = hl};
  npe_rnn_seq b;
#define BAD(expr, want)                                                                  \
  do {                                                                                   \
    b = ok;                                                                              \
    expr;                                                                                \
    ck_assert_int_eq(npe_rnn(d, &b), want);                                              \
    for (int i = 0; i < T * H; i++) ck_assert_int_eq(y[i], 0x5a5a5a5a);                  \
    for (int i = 0; i < H; i++) ck_assert_int_eq(hl[i], 0x5a5a5a5a);                     \
  } while (0)
  BAD(b.x = NULL, NPE_ERR_INVALID_ARG);
  BAD((b.y = NULL, b.h_last = NULL), NPE_ERR_INVALID_ARG);
  BAD(b.steps = 0, NPE_ERR_INVALID_ARG);
  BAD(b.hidden = 0, NPE_ERR_INVALID_ARG);
  BAD(b.h = other, NPE_ERR_INVALID_ARG);
  BAD(b.a = other, NPE_ERR_INVALID_ARG);
  BAD(b.w_hh = npe_pats_u8(NPE_FMT_INT8, w), NPE_ERR_INVALID_ARG);
  BAD(b.row_scale = sc, NPE_ERR_INVALID_ARG);
  BAD(b.c_last = other, NPE_ERR_INVALID_ARG);
  BAD(b.hshift = 7, NPE_ERR_INVALID_ARG);
  BAD(b.acc_shift = 1, NPE_ERR_INVALID_ARG);
  BAD(b.hidden = 1025, NPE_ERR_UNSUPPORTED); /* beyond the state: not sliced */
  /* y on another cell */
  int32_t a[T * H] = {0}, bb[T * H] = {0};
  BAD((b.cell = NPE_RNN_DIAG, b.a = a, b.b = bb, b.x = NULL, b.h_last = NULL), NPE_ERR_INVALID_ARG);
  ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_HGRN, NPE_FMT_INT8), 1024);
  npe_close(d);
  /* the small build has no recurrence unit: UNSUPPORTED */
  d = open_sim("sim:?build=small");
  npe_info in;
  ck_assert_int_eq(npe_get_info(d, &in), NPE_OK);
  if (!(in.recur_modes >> NPE_RNN_HGRN & 1u)) {
    BAD((void)0, NPE_ERR_UNSUPPORTED);
    ck_assert_uint_eq(npe_rnn_max_hidden(d, NPE_RNN_HGRN, NPE_FMT_INT8), 0);
  }
  npe_close(d);
#undef BAD
  /* records from float projections: za, zc, zg (+ b_hh), x3 = 0 */
  float proj[2 * 3 * 2] = {0.5f, -1.25f, 2.0f, 0.0f, -0.75f, 3.5f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f};
  float bh[6] = {0.25f, 0, 0, 0, 0, -1.0f};
  int32_t rx[2 * 2 * 4];
  ck_assert_int_eq(npe_rnn_records(NPE_RNN_HGRN, 2, 2, proj, 0, bh, rx), NPE_OK);
  static const int32_t want_rx[8] = {49152, 131072, -49152, 0, -81920, 0, 163840, 0};
  for (int i = 0; i < 8; i++) ck_assert_int_eq(rx[i], want_rx[i]);
  ck_assert_int_eq(rx[7], 0);
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
  TCase *tg = tcase_create("gated");
  tcase_set_timeout(tg, 900);
  tcase_add_test(tg, gated_info_and_limits);
  tcase_add_test(tg, gated_quantize_and_records);
  tcase_add_test(tg, gated_errors_leave_outputs_alone);
  tcase_add_test(tg, gated_shapes);
  tcase_add_test(tg, gated_sherry_w_hh);
  tcase_add_test(tg, gated_long_keep_chain);
  tcase_add_test(tg, gated_short_of_device_memory);
  tcase_add_test(tg, gated_back_pressure);
  tcase_add_test(tg, gated_async_and_progress);
  tcase_add_test(tg, gated_row_scales_rule);
  tcase_add_test(tg, gated_row_scales);
  tcase_add_test(tg, gated_row_scales_one_is_identity);
  tcase_add_test(tg, gated_row_scales_errors);
  suite_add_tcase(s, tg);
  TCase *th = tcase_create("hgrn");
  tcase_set_timeout(th, 900);
  tcase_add_test(th, hgrn_shapes);
  tcase_add_test(th, hgrn_back_pressure_and_passes);
  tcase_add_test(th, hgrn_errors_leave_outputs_alone);
  suite_add_tcase(s, th);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
