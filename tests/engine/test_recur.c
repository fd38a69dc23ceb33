/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recurrence unit (RECUR opcode, DIAG mode) through libnpesim, at the
 * descriptor level: every result bit-exact against the golden model
 * (npe_recur_diag_seq) for many H and T, every INIT and OUT_LAST, at random
 * memory latency and back-pressure; nothing written outside the output;
 * commands split at the unit's DMA chunk; RECUR beside LOAD / STORE in one
 * ring; descriptor checks and run-time DMA faults reported with the right
 * address; SOFT_RESET in the middle; parity solved with a in {-1, +1}.
 */
#include <stdlib.h>
#include <string.h>

#include "engine_harness.h"
#include "npe_recur.h"

/* The engine, and its recurrence unit's state size (CAP_RECUR). */
static uint32_t recur_open(eng *e, unsigned latency, unsigned ready_pct, unsigned valid_pct,
                           uint64_t seed) {
  eng_open(e, latency, ready_pct, valid_pct, seed);
  uint32_t cap, rec;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_CAP_FORMATS_REG_OFFSET, &cap), 0);
  ck_assert_uint_eq((cap >> NPE_CAP_FORMATS_RECUR_BIT) & 1u, 1);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_CAP_RECUR_REG_OFFSET, &rec), 0);
  ck_assert_uint_eq((rec >> NPE_CAP_RECUR_MODES_OFFSET) & NPE_CAP_RECUR_MODES_MASK,
                    1u << NPE_RECUR_MODE_DIAG | 1u << NPE_RECUR_MODE_GRU |
                        1u << NPE_RECUR_MODE_LSTM | 1u << NPE_RECUR_MODE_HGRN);
  return (rec >> NPE_CAP_RECUR_STATE_WORDS_OFFSET) & NPE_CAP_RECUR_STATE_WORDS_MASK;
}

/* Gates: full Q2.30 range, or [-1, 1], or exactly +-1; inputs b below
 * 2^bits in magnitude. */
enum gates { GATES_FULL, GATES_UNIT, GATES_SIGN };

static void fill(uint64_t *s, enum gates g, unsigned b_bits, size_t n, int32_t *a, int32_t *b) {
  for (size_t i = 0; i < n; i++) {
    uint64_t r = rng_next(s);
    if (g == GATES_FULL)
      a[i] = (int32_t)(uint32_t)r;
    else if (g == GATES_UNIT)
      a[i] = (int32_t)((int64_t)(r % ((2ull << 30) + 1)) - (1ll << 30));
    else
      a[i] = (r & 1) ? NPE_RECUR_GATE_ONE : -NPE_RECUR_GATE_ONE;
    /* edge values now and then: 0, +-1.0, +-0.5 (a tie for every odd h),
     * the extremes */
    if ((r >> 40) % 11 == 0)
      a[i] = (int32_t[]){0, 1 << 30, -(1 << 30), 1 << 29, -(1 << 29), INT32_MIN,
                         INT32_MAX}[(r >> 50) % 7];
    uint64_t r2 = rng_next(s);
    int64_t span = (int64_t)1 << b_bits;
    b[i] = (int32_t)((int64_t)(r2 % (uint64_t)(2 * span)) - span);
    if ((r2 >> 45) % 31 == 0) b[i] = (r2 >> 55) & 1 ? INT32_MAX : INT32_MIN;
  }
}


static const uint64_t REC = NPE_SIM_MEM_BASE + (1u << 20);
static const uint64_t H0 = NPE_SIM_MEM_BASE + (96u << 20);
static const uint64_t OUT = NPE_SIM_MEM_BASE + (128u << 20);

/* One sequence on the engine against the golden model. @p chain: run it as
 * @p chain RECUR descriptors, the first with @p init, the rest KEEP.
 * Returns the engine's cycles. */
static uint64_t run_seq(eng *e, uint64_t *s, uint32_t h, uint32_t t, enum gates g,
                        unsigned b_bits, unsigned init, int out_last, uint32_t chain) {
  size_t n = (size_t)t * h;
  int32_t *a = malloc(4 * n), *b = malloc(4 * n), *want = malloc(4 * n), *got = malloc(4 * n);
  int32_t *st = calloc(h, 4);
  ck_assert(a && b && want && got && st);
  fill(s, g, b_bits, n, a, b);
  if (init == NPE_RECUR_INIT_LOAD) {
    for (uint32_t i = 0; i < h; i++) st[i] = (int32_t)(uint32_t)rng_next(s);
    e->t.mem_write(e->t.ctx, H0, st, 4u * h);
  }
  ck_assert_int_eq(npe_recur_diag_seq(t, h, a, b, st, want), NPE_OK);
  eng_write_records(e, REC, a, b, n);
  size_t out_bytes = out_last ? 4u * h : 4 * n;
  eng_guard_set(e, OUT - 64, 64);
  eng_guard_set(e, OUT + ((out_bytes + 7) & ~(size_t)7), 64);
  npe_desc_fields f[8];
  ck_assert_uint_le(chain, 8);
  uint32_t t0 = 0, nf = 0;
  for (uint32_t c = 0; c < chain; c++) {
    uint32_t tc = c + 1 == chain ? t - t0 : (t - t0) / (chain - c);
    /* ADDR_C must stay 8-byte aligned: an even number of states before it */
    if ((h & 1) && c + 1 < chain) tc &= ~1u;
    if (tc == 0) continue;
    f[nf] = eng_recur_diag(h, tc, REC + 8ull * t0 * h, H0, out_last ? OUT : OUT + 4ull * t0 * h,
                  nf == 0 ? init : NPE_RECUR_INIT_KEEP, out_last);
    nf++;
    t0 += tc;
  }
  npe_ring_result r = eng_run_descs(e, f, nf);
  ck_assert_msg(r.hw_err == 0, "H=%u T=%u: engine error %u at %u", h, t, r.hw_err, r.err_idx);
  e->t.mem_read(e->t.ctx, OUT, got, out_bytes);
  const int32_t *w = out_last ? st : want;
  for (size_t i = 0; i < out_bytes / 4; i++)
    ck_assert_msg(got[i] == w[i], "H=%u T=%u init=%u last=%d: element %zu: got %d, want %d", h,
                  t, init, out_last, i, got[i], w[i]);
  ck_assert_msg(eng_guard_ok(e, OUT - 64, 64), "written below the output");
  ck_assert_msg(eng_guard_ok(e, OUT + ((out_bytes + 7) & ~(size_t)7), 64), "written past the output");
  free(a), free(b), free(want), free(got), free(st);
  return r.cycles;
}

/* Many H and T, every INIT and OUT_LAST, the three gate ranges. */
START_TEST(recur_bit_exact_shapes) {
  eng e;
  (void)recur_open(&e, 20, 100, 100, 1);
  uint64_t s = 0x1234567;
  static const uint32_t hs[] = {1, 2, 3, 7, 64, 100, 255, 1024};
  static const uint32_t ts[] = {1000, 300, 41, 17, 9, 5, 3, 2};
  for (unsigned k = 0; k < 8; k++) {
    uint32_t h = hs[k];
    uint32_t t = ts[k];
    run_seq(&e, &s, h, t, GATES_UNIT, 20, NPE_RECUR_INIT_ZERO, 0, 1);
    run_seq(&e, &s, h, t, GATES_FULL, 28, NPE_RECUR_INIT_LOAD, k & 1, 1);
    run_seq(&e, &s, h, 1, GATES_SIGN, 16, NPE_RECUR_INIT_LOAD, 0, 1);
  }
  eng_close(&e);
}
END_TEST

/* KEEP chains: a sequence split over several descriptors gives the same
 * states as one; long sequences (T = 2000 at H = 64: 1 MiB of records, 32
 * read commands) cross the unit's DMA chunks. */
START_TEST(recur_keep_chains_and_chunks) {
  eng e;
  (void)recur_open(&e, 60, 100, 100, 2);
  uint64_t s = 77;
  run_seq(&e, &s, 5, 100, GATES_UNIT, 20, NPE_RECUR_INIT_LOAD, 0, 4);
  run_seq(&e, &s, 33, 40, GATES_FULL, 30, NPE_RECUR_INIT_ZERO, 1, 3);
  run_seq(&e, &s, 64, 2000, GATES_UNIT, 24, NPE_RECUR_INIT_ZERO, 0, 1);
  run_seq(&e, &s, 1, 5000, GATES_UNIT, 24, NPE_RECUR_INIT_LOAD, 0, 2);
  eng_close(&e);
}
END_TEST

/* Random latency and back-pressure on both channels. */
START_TEST(recur_random_backpressure) {
  static const unsigned cfg[][3] = {{1, 100, 100}, {150, 100, 100}, {30, 40, 60}, {5, 15, 20}};
  for (unsigned c = 0; c < 4; c++) {
    eng e;
    (void)recur_open(&e, cfg[c][0], cfg[c][1], cfg[c][2], 10 + c);
    uint64_t s = 1000 + c;
    for (unsigned j = 0; j < 4; j++) {
      uint32_t h = 1 + (uint32_t)(rng_next(&s) % 130);
      uint32_t t = 1 + (uint32_t)(rng_next(&s) % 60);
      unsigned init = (unsigned)(rng_next(&s) % 2) * NPE_RECUR_INIT_LOAD;
      run_seq(&e, &s, h, t, j & 1 ? GATES_FULL : GATES_UNIT, 24, init, (int)(j == 3),
              1 + (uint32_t)(rng_next(&s) % 3) % t);
    }
    eng_close(&e);
  }
}
END_TEST

/* KEEP continues exactly the first N elements the last clean RECUR left;
 * beyond them, and after SOFT_RESET, the state starts at 0. */
START_TEST(recur_keep_semantics) {
  eng e;
  (void)recur_open(&e, 10, 100, 100, 3);
  int32_t a[8], b[8], got[8];
  for (int i = 0; i < 8; i++) a[i] = NPE_RECUR_GATE_ONE, b[i] = 100 + i;
  eng_write_records(&e, REC, a, b, 8);
  /* N = 4 from zero: h = b */
  npe_desc_fields f[2] = {eng_recur_diag(4, 1, REC, H0, OUT, NPE_RECUR_INIT_ZERO, 1),
                          eng_recur_diag(8, 1, REC, H0, OUT, NPE_RECUR_INIT_KEEP, 1)};
  ck_assert_uint_eq(eng_run_descs(&e, f, 2).hw_err, 0);
  e.t.mem_read(e.t.ctx, OUT, got, 32);
  for (int i = 0; i < 8; i++) ck_assert_int_eq(got[i], (i < 4 ? 2 : 1) * (100 + i));
  /* after SOFT_RESET, KEEP starts from zero */
  soft_reset(&e);
  f[0] = eng_recur_diag(8, 1, REC, H0, OUT, NPE_RECUR_INIT_KEEP, 1);
  ck_assert_uint_eq(eng_run_descs(&e, f, 1).hw_err, 0);
  e.t.mem_read(e.t.ctx, OUT, got, 32);
  for (int i = 0; i < 8; i++) ck_assert_int_eq(got[i], 100 + i);
  eng_close(&e);
}
END_TEST

/* RECUR between LOADs and STOREs in one ring (the scoreboard's DMA_WR):
 * every result right. */
START_TEST(recur_beside_other_units) {
  eng e;
  (void)recur_open(&e, 40, 70, 70, 4);
  uint64_t s = 5;
  const uint32_t h = 48, t = 30;
  size_t n = (size_t)t * h;
  int32_t *a = malloc(4 * n), *b = malloc(4 * n), *want = malloc(4 * n), *got = malloc(4 * n);
  int32_t st[48] = {0};
  fill(&s, GATES_UNIT, 20, n, a, b);
  ck_assert_int_eq(npe_recur_diag_seq(t, h, a, b, st, want), NPE_OK);
  eng_write_records(&e, REC, a, b, n);
  /* LOAD 4 rows into A, STORE the (stale) output buffer, RECUR, STORE again,
   * LOAD again: the STOREs and the RECUR share the write channel */
  npe_desc_fields f[6] = {0};
  f[0].op = NPE_OP_LOAD, f[0].m = 4, f[0].k = 512, f[0].addr_a = REC, f[0].stride_a = 512;
  f[1].op = NPE_OP_STORE, f[1].flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT, f[1].spad = 2;
  f[1].m = 4, f[1].n = 16, f[1].addr_c = OUT + (8u << 20), f[1].stride_c = 64;
  f[2] = eng_recur_diag(h, t, REC, H0, OUT, NPE_RECUR_INIT_ZERO, 0);
  f[3] = f[1];
  f[3].addr_c = OUT + (9u << 20);
  f[4] = f[0];
  f[4].spad = 0x80;
  f[5] = f[2];
  f[5].addr_c = OUT + (4u << 20);
  ck_assert_uint_eq(eng_run_descs(&e, f, 6).hw_err, 0);
  e.t.mem_read(e.t.ctx, OUT, got, 4 * n);
  ck_assert(!memcmp(got, want, 4 * n));
  e.t.mem_read(e.t.ctx, OUT + (4u << 20), got, 4 * n);
  ck_assert(!memcmp(got, want, 4 * n));
  free(a), free(b), free(want), free(got);
  eng_close(&e);
}
END_TEST

/* Bad descriptors are refused before anything moves; DMA faults while
 * running are reported with their address; the engine recovers. */
START_TEST(recur_errors) {
  eng e;
  uint32_t state_words = recur_open(&e, 20, 100, 100, 5);
  uint64_t addr;
  eng_guard_set(&e, OUT, 256);
  struct {
    npe_desc_fields f;
    uint32_t err;
    uint64_t addr;
  } bad[] = {
      {eng_recur_diag(4, 4, REC, H0, OUT, 0, 0), 0, 0},
      {eng_recur_diag(0, 4, REC, H0, OUT, 0, 0), NPE_HW_ERR_BAD_DIMS, 0},
      {eng_recur_diag(4, 0, REC, H0, OUT, 0, 0), NPE_HW_ERR_BAD_DIMS, 0},
      {eng_recur_diag(state_words + 1, 4, REC, H0, OUT, 0, 0), NPE_HW_ERR_BAD_DIMS, 0},
      {eng_recur_diag(4, 4, REC, H0, OUT, 3, 0), NPE_HW_ERR_BAD_AUX, 0},
      {eng_recur_diag(4, 4, REC + 4, H0, OUT, 0, 0), NPE_HW_ERR_ALIGN, REC + 4},
      {eng_recur_diag(4, 4, REC, H0 + 4, OUT, NPE_RECUR_INIT_LOAD, 0), NPE_HW_ERR_ALIGN, H0 + 4},
      {eng_recur_diag(4, 4, REC, H0, OUT + 4, 0, 0), NPE_HW_ERR_ALIGN, OUT + 4},
  };
  bad[0].f.aux |= 3u; /* MODE 3: not built */
  bad[0].err = NPE_HW_ERR_BAD_AUX;
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    ck_assert_msg(run_direct(&e, &bad[i].f, NULL, &addr) == bad[i].err, "case %u", i);
    if (bad[i].addr) ck_assert_uint_eq(addr, bad[i].addr);
    ck_assert_msg(eng_guard_ok(&e, OUT, 256), "case %u wrote", i);
    soft_reset(&e);
  }
  /* an unused ADDR_B may be anything without INIT = LOAD */
  npe_desc_fields ok = eng_recur_diag(4, 4, REC, H0 + 4, OUT, NPE_RECUR_INIT_ZERO, 0);
  ck_assert_uint_eq(run_direct(&e, &ok, NULL, NULL), 0);
  /* run-time faults: records past the DMA window, output past it, a bus
   * error in the records */
  const uint64_t lim = NPE_SIM_MEM_BASE + (200u << 20);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)lim), 0);
  npe_desc_fields f = eng_recur_diag(64, 300, lim - 8 * 64 * 100, H0, OUT, 0, 0);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, &addr), NPE_HW_ERR_DMA_WINDOW);
  ck_assert_uint_ge(addr, lim - 8 * 64 * 100);
  ck_assert_uint_lt(addr, lim);
  soft_reset(&e);
  eng_guard_set(&e, lim - 4096, 4096);
  f = eng_recur_diag(64, 300, REC, H0, lim - 4096, 0, 0);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, &addr), NPE_HW_ERR_DMA_WINDOW);
  ck_assert_uint_eq(addr, lim - 4096);
  soft_reset(&e);
  const uint64_t rec2 = NPE_SIM_MEM_BASE + (64u << 20);
  ck_assert_int_eq(npesim_inject_error(e.sim, rec2 + 0x4000, rec2 + 0x4100, 2), 0);
  f = eng_recur_diag(64, 300, rec2, H0, OUT, 0, 0);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, &addr), NPE_HW_ERR_DMA_SLVERR);
  ck_assert_uint_eq(addr, rec2 + 0x4000);
  soft_reset(&e);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET,
                                    (uint32_t)(NPE_SIM_MEM_BASE + NPE_SIM_MEM_SIZE)), 0);
  uint64_t s = 9;
  run_seq(&e, &s, 64, 30, GATES_UNIT, 20, NPE_RECUR_INIT_ZERO, 0, 1);
  eng_close(&e);
}
END_TEST

/* SOFT_RESET at several points of a long RECUR: the engine drains and
 * idles, and the next sequence is right. */
START_TEST(recur_soft_reset_mid_run) {
  eng e;
  (void)recur_open(&e, 80, 100, 100, 6);
  uint64_t s = 31;
  for (unsigned when = 0; when < 4; when++) {
    npe_desc_fields f = eng_recur_diag(256, 200, REC, H0, OUT, NPE_RECUR_INIT_ZERO, 0);
    eng_desc_src src = {&f, 1, 0};
    npe_ring_stream st;
    memset(&st, 0, sizeof st);
    st.src = eng_desc_next;
    st.src_ctx = &src;
    ck_assert_int_eq(npe_ring_pump(&e.t, &e.ring, &st), NPE_OK);
    npesim_step(e.sim, 100u + 9000u * when);
    soft_reset(&e);
    uint32_t status;
    ck_assert_int_eq(npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &status), 0);
    ck_assert_uint_eq(status & 1u, 0);
    run_seq(&e, &s, 1 + 37 * when, 20, GATES_UNIT, 20,
            when & 1 ? NPE_RECUR_INIT_LOAD : NPE_RECUR_INIT_KEEP, 0, 1);
  }
  eng_close(&e);
}
END_TEST

/* Parity of a random bit stream: h_0 = 1, a_t = 1 - 2 x_t (exactly +-1.0),
 * b_t = 0, so h_T = (-1)^(x_1 + ... + x_T): exact on the engine for every
 * length (arXiv 2411.12537: negative eigenvalues let a linear RNN count mod 2). */
START_TEST(recur_parity) {
  eng e;
  (void)recur_open(&e, 20, 100, 100, 7);
  uint64_t s = 2024;
  const uint32_t h = 16, t = 1000; /* 16 independent streams */
  size_t n = (size_t)t * h;
  int32_t *a = malloc(4 * n), *b = calloc(n, 4);
  int32_t h0[16], got[16];
  int parity[16] = {0};
  for (size_t i = 0; i < n; i++) {
    int x = (int)(rng_next(&s) & 1);
    parity[i % h] ^= x;
    a[i] = x ? -NPE_RECUR_GATE_ONE : NPE_RECUR_GATE_ONE;
  }
  for (uint32_t i = 0; i < h; i++) h0[i] = 1 << 16;
  eng_write_records(&e, REC, a, b, n);
  e.t.mem_write(e.t.ctx, H0, h0, sizeof h0);
  npe_desc_fields f = eng_recur_diag(h, t, REC, H0, OUT, NPE_RECUR_INIT_LOAD, 1);
  ck_assert_uint_eq(eng_run_descs(&e, &f, 1).hw_err, 0);
  e.t.mem_read(e.t.ctx, OUT, got, sizeof got);
  for (uint32_t i = 0; i < h; i++) ck_assert_int_eq(got[i], parity[i] ? -(1 << 16) : 1 << 16);
  free(a), free(b);
  eng_close(&e);
}
END_TEST

int main(void) {
  Suite *s = suite_create("recur");
  TCase *tc = tcase_create("recur");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, recur_bit_exact_shapes);
  tcase_add_test(tc, recur_keep_chains_and_chunks);
  tcase_add_test(tc, recur_random_backpressure);
  tcase_add_test(tc, recur_keep_semantics);
  tcase_add_test(tc, recur_beside_other_units);
  tcase_add_test(tc, recur_errors);
  tcase_add_test(tc, recur_soft_reset_mid_run);
  tcase_add_test(tc, recur_parity);
  suite_add_tcase(s, tc);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
