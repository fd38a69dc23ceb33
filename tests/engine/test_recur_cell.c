/* SPDX-License-Identifier: Apache-2.0 */
/*
 * The recurrence unit's GRU and LSTM modes (RECUR MODE 1 and 2) through
 * libnpesim, at the descriptor level: W_hh LOADed into a B buffer in the
 * MATVEC image, records and initial states in memory, one RECUR; every
 * h_t (or h_T, c_T) bit-exact against the golden model
 * (npe_recur_gated_seq) for every format pair, H on and off the array's
 * multiples, mat-vecs of one and of several chunks, T up to 1000, every
 * INIT, KEEP chains, random memory latency and back-pressure; nothing
 * written outside the output; the descriptor checks. With AUX.ROWSCALE
 * (32-byte records: the row scales s0..s3, then x0..x3) the same against
 * npe_recur_gated_seq with per-step scales: random, negative, tiny, near
 * +-2, GRU's unused s3 random (it must not matter). HGRN (MODE 4, tcase
 * recur_cell_hgrn): random records {za, zc, zg, x3} (x3 random: not read),
 * every y_t (or h_T) against npe_recur_hgrn_seq, H 1 .. 1024, T 1 .. 1200,
 * INIT, KEEP chains, latency and back-pressure, and the descriptor checks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "engine_harness.h"
#include "npe_recur.h"

static const uint64_t W_ADDR = NPE_SIM_MEM_BASE + (1u << 20);
static const uint64_t REC = NPE_SIM_MEM_BASE + (8u << 20);
static const uint64_t H0 = NPE_SIM_MEM_BASE + (96u << 20);
static const uint64_t OUT = NPE_SIM_MEM_BASE + (128u << 20);

/* A case: the cell, formats, sizes, and how it runs. */
typedef struct {
  npe_recur_mode mode;
  npe_fmt fa, fb;
  uint32_t h, t;
  unsigned init;      /* NPE_RECUR_INIT_* of the first descriptor */
  int out_last;
  uint32_t chain;     /* descriptors (the rest KEEP) */
  unsigned bbuf, obuf;
} cell_case;

static uint32_t gates(npe_recur_mode m) { return m == NPE_RECUR_LSTM ? 4u : 3u; }

static double urand(uint64_t *s) { return (double)(rng_next(s) >> 11) / 9007199254740992.0; }

/* Weight scale 2^sw and HSHIFT per format (as the driver picks them). */
static void scales(npe_fmt fa, npe_fmt fb, double a, int *sw, unsigned *hshift) {
  double maxv = fb == NPE_FMT_INT8 ? 127.0 : fb == NPE_FMT_FP4 ? 6.0 :
                fb == NPE_FMT_TERNARY ? 1.0 : 1.0;
  *sw = (int)floor(log2(maxv / a));
  *hshift = fa == NPE_FMT_INT8 ? 7u : fa == NPE_FMT_FP4 ? 2u : 0u;
}

static uint32_t aux_of(const cell_case *c, unsigned init, unsigned hshift, int acc_shift) {
  return (uint32_t)c->mode << NPE_RECUR_AUX_MODE_LSB |
         (uint32_t)init << NPE_RECUR_AUX_INIT_LSB |
         (uint32_t)(c->out_last ? 1u : 0u) << NPE_RECUR_AUX_OUT_LAST_BIT |
         (uint32_t)hshift << NPE_RECUR_AUX_H_SHIFT_LSB |
         ((uint32_t)acc_shift & 63u) << NPE_RECUR_AUX_ACC_SHIFT_LSB;
}

/* W_hh into B buffer c->bbuf (one LOAD of the MATVEC image). */
static npe_desc_fields load_w(eng *e, const cell_case *c, const uint32_t *w) {
  uint32_t g = gates(c->mode), rows = g * c->h;
  npe_mm_plan p;
  ck_assert_int_eq(npe_tiler_plan(&e->hw, c->fa, c->fb, c->fa, 1, 1, rows, c->h, 0, W_ADDR, 0, &p),
                   NPE_OK);
  ck_assert_int_eq(npe_tiler_use_matvec(&p), NPE_OK);
  size_t n = (size_t)rows * c->h;
  uint8_t *u8 = NULL;
  uint16_t *u16 = NULL;
  npe_pats pats;
  if (c->fb == NPE_FMT_POSIT16) {
    u16 = malloc(2 * n);
    for (size_t i = 0; i < n; i++) u16[i] = (uint16_t)w[i];
    pats = npe_pats_u16(c->fb, u16);
  } else {
    u8 = malloc(n);
    for (size_t i = 0; i < n; i++) u8[i] = (uint8_t)w[i];
    pats = npe_pats_u8(c->fb, u8);
  }
  uint64_t bytes = npe_tiler_bytes_b(&p);
  uint8_t *img = malloc(bytes);
  ck_assert(img);
  ck_assert_int_eq(npe_tiler_pack_b(&p, pats, c->h, img), NPE_OK);
  e->t.mem_write(e->t.ctx, W_ADDR, img, bytes);
  free(img), free(u8), free(u16);
  uint32_t per = e->hw.rows * e->hw.cols;
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.spad = (uint8_t)(1u | (c->bbuf << 7));
  f.m = (uint16_t)((rows + per - 1) / per * e->hw.cols);
  f.k = (uint16_t)p.row_bytes_b;
  f.addr_a = W_ADDR;
  f.stride_a = p.row_bytes_b;
  return f;
}

/* One case on the engine against the golden model (@p rowscale: with
 * AUX.ROWSCALE and random per-step scales); returns the cycles. */
static uint64_t run_case_rs(eng *e, uint64_t *s, const cell_case *c, int rowscale) {
  uint32_t g = gates(c->mode), h = c->h, t = c->t;
  int lstm = c->mode == NPE_RECUR_LSTM;
  size_t nw = (size_t)g * h * h, nrec = (size_t)t * h;
  const uint32_t rb = rowscale ? NPE_RECUR_SCALE_RECORD_BYTES : NPE_RECUR_CELL_RECORD_BYTES;
  uint32_t *w = malloc(4 * nw);
  int32_t *x = malloc(16 * nrec), *want = malloc(4 * nrec), *got = malloc(8 * nrec + 8);
  int32_t *hs = calloc(h, 4), *cs = calloc(h, 4);
  int32_t *sc = rowscale ? malloc(16 * nrec) : NULL, *rec = rowscale ? malloc(32 * nrec) : NULL;
  ck_assert(w && x && want && got && hs && cs && (!rowscale || (sc && rec)));
  /* weights ~ U(-a, a), a = 1.5 / sqrt(H), in the format with scale 2^sw */
  double a = 1.5 / sqrt((double)h);
  int sw;
  unsigned hshift;
  scales(c->fa, c->fb, a, &sw, &hshift);
  int acc_shift = 16 - (int)hshift - sw;
  ck_assert(acc_shift >= -32 && acc_shift <= 31);
  for (size_t i = 0; i < nw; i++)
    ck_assert_int_eq(npe_encode(c->fb, ldexp((2 * urand(s) - 1) * a, sw), &w[i]), NPE_OK);
  /* records ~ U(-3, 3), b_hn too; h0 in [-1, 1], c0 in [-2, 2] */
  for (size_t i = 0; i < 4 * nrec; i++)
    x[i] = (int32_t)((int64_t)(rng_next(s) % (6u << 16)) - (3 << 16));
  if (c->init == NPE_RECUR_INIT_LOAD) {
    for (uint32_t i = 0; i < h; i++) {
      hs[i] = (int32_t)((int64_t)(rng_next(s) % (2u << 16)) - (1 << 16));
      cs[i] = (int32_t)((int64_t)(rng_next(s) % (4u << 16)) - (2 << 16));
    }
    e->t.mem_write(e->t.ctx, H0, hs, 4u * h);
    if (lstm) e->t.mem_write(e->t.ctx, H0 + 4ull * h, cs, 4u * h);
  }
  /* ROWSCALE: the scales of every record, and the 32-byte records */
  for (size_t i = 0; sc && i < 4 * nrec; i++) sc[i] = rng_q230_scale(s);
  for (size_t i = 0; rec && i < nrec; i++) {
    memcpy(rec + 8 * i, sc + 4 * i, 16);
    memcpy(rec + 8 * i + 4, x + 4 * i, 16);
  }
  npe_recur_gated gs = {c->mode, c->fa, c->fb, hshift, acc_shift, h, t, w, x,
                        sc, sc ? 4u * (size_t)h : 0u};
  ck_assert_int_eq(npe_recur_gated_seq(&gs, hs, lstm ? cs : NULL, want), NPE_OK);
  e->t.mem_write(e->t.ctx, REC, rec ? (const void *)rec : (const void *)x, (size_t)rb * nrec);
  size_t out_bytes = c->out_last ? (lstm ? 8u : 4u) * h : 4 * nrec;
  eng_guard_set(e, OUT - 64, 64);
  eng_guard_set(e, OUT + ((out_bytes + 7) & ~(size_t)7), 64);

  npe_desc_fields f[10];
  uint32_t nf = 0, t0 = 0;
  f[nf++] = load_w(e, c, w);
  ck_assert_uint_le(c->chain, 8);
  for (uint32_t k = 0; k < c->chain; k++) {
    uint32_t tc = k + 1 == c->chain ? t - t0 : (t - t0) / (c->chain - k);
    if ((h & 1) && k + 1 < c->chain) tc &= ~1u; /* ADDR_C stays 8-byte aligned */
    if (tc == 0) continue;
    npe_desc_fields r = {0};
    r.op = NPE_OP_RECUR;
    r.fmt_a = (uint8_t)c->fa;
    r.fmt_b = (uint8_t)c->fb;
    r.spad = (uint8_t)(c->bbuf << 1 | c->obuf << 2);
    r.n = (uint16_t)h;
    r.t = (uint16_t)tc;
    r.addr_a = REC + (uint64_t)rb * t0 * h;
    r.addr_b = H0;
    r.addr_c = c->out_last ? OUT : OUT + 4ull * t0 * h;
    r.aux = aux_of(c, nf == 1 ? c->init : NPE_RECUR_INIT_KEEP, hshift, acc_shift) |
            (uint32_t)(rowscale ? 1u : 0u) << NPE_RECUR_AUX_ROW_SCALE_BIT;
    f[nf++] = r;
    t0 += tc;
  }
  npe_ring_result r = eng_run_descs(e, f, nf);
  ck_assert_msg(r.hw_err == 0, "mode %d fmt %d/%d H=%u T=%u: engine error %u at %u", c->mode,
                c->fa, c->fb, h, t, r.hw_err, r.err_idx);
  e->t.mem_read(e->t.ctx, OUT, got, out_bytes);
  for (size_t i = 0; i < out_bytes / 4; i++) {
    int32_t wv = !c->out_last ? want[i] : i < h ? hs[i] : cs[i - h];
    ck_assert_msg(got[i] == wv,
                  "mode %d fmt %d/%d H=%u T=%u init=%u last=%d chain=%u rowscale=%d: word %zu "
                  "(t %zu, i %zu): got %d, want %d",
                  c->mode, c->fa, c->fb, h, t, c->init, c->out_last, c->chain, rowscale, i, i / h,
                  i % h, got[i], wv);
  }
  ck_assert_msg(eng_guard_ok(e, OUT - 64, 64), "written below the output");
  ck_assert_msg(eng_guard_ok(e, OUT + ((out_bytes + 7) & ~(size_t)7), 64), "written past the output");
  free(w), free(x), free(want), free(got), free(hs), free(cs), free(sc), free(rec);
  return r.cycles;
}

static uint64_t run_case(eng *e, uint64_t *s, const cell_case *c) { return run_case_rs(e, s, c, 0); }

static const npe_fmt PAIRS[][2] = {
    {NPE_FMT_INT8, NPE_FMT_INT8},       {NPE_FMT_FP4, NPE_FMT_FP4},
    {NPE_FMT_POSIT4, NPE_FMT_POSIT4},   {NPE_FMT_POSIT8, NPE_FMT_POSIT8},
    {NPE_FMT_POSIT16, NPE_FMT_POSIT16}, {NPE_FMT_INT8, NPE_FMT_TERNARY},
};

/* Every format pair, both cells, small H (1, 3: a partial column group),
 * H = 13 and 40 (not multiples of the array), short T. */
START_TEST(cell_formats) {
  eng e;
  eng_open(&e, 20, 100, 100, 1);
  uint64_t s = 0xc0ffee;
  static const uint32_t hs[] = {1, 3, 13, 40};
  static const uint32_t ts[] = {7, 5, 4, 3};
  for (unsigned p = 0; p < 6; p++)
    for (int m = 1; m <= 2; m++)
      for (unsigned k = 0; k < 4; k++) {
        cell_case c = {(npe_recur_mode)m, PAIRS[p][0], PAIRS[p][1], hs[k], ts[k],
                       k & 1 ? NPE_RECUR_INIT_LOAD : NPE_RECUR_INIT_ZERO, k == 2, 1, k & 1,
                       (k >> 1) & 1};
        run_case(&e, &s, &c);
      }
  eng_close(&e);
}
END_TEST

/* Cases on one engine, from a table. */
static void run_cases_rs(unsigned latency, unsigned ready_pct, unsigned valid_pct, uint64_t seed,
                         const cell_case *c, size_t n, int rowscale) {
  eng e;
  eng_open(&e, latency, ready_pct, valid_pct, seed);
  uint64_t s = seed * 7919u;
  for (size_t i = 0; i < n; i++) run_case_rs(&e, &s, &c[i], rowscale);
  eng_close(&e);
}

static void run_cases(unsigned latency, unsigned ready_pct, unsigned valid_pct, uint64_t seed,
                      const cell_case *c, size_t n) {
  run_cases_rs(latency, ready_pct, valid_pct, seed, c, n, 0);
}

/* Long sequences and mat-vecs of several chunks (G H > 256 rows; at H =
 * 256: 768 and 1024 rows, three and four chunks of 256). */
START_TEST(cell_long_and_chunked) {
  static const cell_case c[] = {
      {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_INT8, 16, 1000, NPE_RECUR_INIT_LOAD, 0, 1, 0, 0},
      {NPE_RECUR_GRU, NPE_FMT_FP4, NPE_FMT_FP4, 100, 20, NPE_RECUR_INIT_LOAD, 0, 1, 1, 0},
      {NPE_RECUR_LSTM, NPE_FMT_INT8, NPE_FMT_INT8, 90, 10, NPE_RECUR_INIT_ZERO, 1, 1, 0, 1},
      {NPE_RECUR_LSTM, NPE_FMT_POSIT8, NPE_FMT_POSIT8, 64, 30, NPE_RECUR_INIT_LOAD, 0, 1, 0, 0},
      {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_INT8, 256, 4, NPE_RECUR_INIT_LOAD, 0, 1, 1, 1},
      {NPE_RECUR_LSTM, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 256, 2, NPE_RECUR_INIT_LOAD, 1, 1, 0, 0},
  };
  run_cases(40, 100, 100, 2, c, sizeof c / sizeof c[0]);
}
END_TEST

/* KEEP chains (h and LSTM's c continue on chip), at random latency and
 * back-pressure. */
START_TEST(cell_keep_and_backpressure) {
  static const cell_case c[] = {
      {NPE_RECUR_LSTM, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 24, 60, NPE_RECUR_INIT_LOAD, 0, 4, 1, 1},
      {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_TERNARY, 33, 40, NPE_RECUR_INIT_ZERO, 1, 3, 0, 0},
      {NPE_RECUR_GRU, NPE_FMT_POSIT4, NPE_FMT_POSIT4, 64, 25, NPE_RECUR_INIT_LOAD, 0, 2, 0, 1},
  };
  run_cases(100, 60, 70, 3, c, sizeof c / sizeof c[0]);
}
END_TEST

/* Descriptor checks: bad format pairs, weights beyond one B buffer, a
 * mode not built, GRU fields in a DIAG. Nothing written. */
START_TEST(cell_errors) {
  eng e;
  eng_open(&e, 20, 100, 100, 4);
  eng_guard_set(&e, OUT, 256);
  struct {
    uint8_t fa, fb;
    uint16_t n;
    uint32_t aux;
    uint32_t err;
  } bad[] = {
      {NPE_FMT_POSIT8, NPE_FMT_INT8, 8, NPE_RECUR_MODE_GRU, NPE_HW_ERR_BAD_FORMAT},
      {NPE_FMT_TERNARY, NPE_FMT_TERNARY, 8, NPE_RECUR_MODE_LSTM, NPE_HW_ERR_BAD_FORMAT},
      {7, 7, 8, NPE_RECUR_MODE_GRU, NPE_HW_ERR_BAD_FORMAT},
      {NPE_FMT_INT8, NPE_FMT_INT8, 600, NPE_RECUR_MODE_GRU, NPE_HW_ERR_BAD_DIMS},
      {NPE_FMT_FP4, NPE_FMT_FP4, 1025, NPE_RECUR_MODE_GRU, NPE_HW_ERR_BAD_DIMS},
      {NPE_FMT_POSIT16, NPE_FMT_POSIT16, 300, NPE_RECUR_MODE_LSTM, NPE_HW_ERR_BAD_DIMS},
      {NPE_FMT_INT8, NPE_FMT_INT8, 8, 3, NPE_HW_ERR_BAD_AUX},
      {NPE_FMT_INT8, NPE_FMT_INT8, 8, NPE_RECUR_MODE_DIAG | 7u << NPE_RECUR_AUX_H_SHIFT_LSB,
       NPE_HW_ERR_BAD_AUX},
      {NPE_FMT_INT8, NPE_FMT_INT8, 8, NPE_RECUR_MODE_GRU | 1u << 24, NPE_HW_ERR_BAD_AUX},
  };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    npe_desc_fields f = {0};
    f.op = NPE_OP_RECUR;
    f.fmt_a = bad[i].fa;
    f.fmt_b = bad[i].fb;
    f.n = bad[i].n;
    f.t = 4;
    f.addr_a = REC;
    f.addr_c = OUT;
    f.aux = bad[i].aux;
    uint32_t err = run_direct(&e, &f, NULL, NULL);
    ck_assert_msg(err == bad[i].err, "case %u: error %u, want %u", i, err, bad[i].err);
    ck_assert_msg(eng_guard_ok(&e, OUT, 256), "case %u wrote its output", i);
    soft_reset(&e);
  }
  eng_close(&e);
}
END_TEST

/* ---- AUX.ROWSCALE ---- */

/* Every format pair, both cells, H 1, 3, 13, 40 (not multiples of the
 * array), short T, every INIT but KEEP, OUT_LAST, both buffers. */
START_TEST(rowscale_formats) {
  eng e;
  eng_open(&e, 20, 100, 100, 5);
  uint64_t s = 0x5ca1e;
  static const uint32_t hs[] = {1, 3, 13, 40};
  static const uint32_t ts[] = {6, 5, 4, 3};
  for (unsigned p = 0; p < 6; p++)
    for (int m = 1; m <= 2; m++)
      for (unsigned k = 0; k < 4; k++) {
        cell_case c = {(npe_recur_mode)m, PAIRS[p][0], PAIRS[p][1], hs[k], ts[k],
                       k & 1 ? NPE_RECUR_INIT_LOAD : NPE_RECUR_INIT_ZERO, k == 2, 1, (k >> 1) & 1,
                       k & 1};
        run_case_rs(&e, &s, &c, 1);
      }
  eng_close(&e);
}
END_TEST

/* T = 1000, mat-vecs of three and four chunks (H = 256), KEEP chains, at
 * memory latency 40, then random latency and back-pressure. */
START_TEST(rowscale_long_and_backpressure) {
  static const cell_case c[] = {
      {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_TERNARY, 16, 1000, NPE_RECUR_INIT_LOAD, 0, 1, 0, 0},
      {NPE_RECUR_LSTM, NPE_FMT_INT8, NPE_FMT_TERNARY, 256, 3, NPE_RECUR_INIT_LOAD, 0, 2, 1, 0},
      {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_INT8, 256, 3, NPE_RECUR_INIT_ZERO, 1, 1, 0, 1},
      {NPE_RECUR_LSTM, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 100, 8, NPE_RECUR_INIT_LOAD, 1, 1, 0, 0},
  };
  run_cases_rs(40, 100, 100, 6, c, sizeof c / sizeof c[0], 1);
  static const cell_case b[] = {
      {NPE_RECUR_LSTM, NPE_FMT_FP4, NPE_FMT_FP4, 24, 50, NPE_RECUR_INIT_LOAD, 0, 4, 1, 1},
      {NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_TERNARY, 33, 40, NPE_RECUR_INIT_ZERO, 1, 3, 0, 0},
      {NPE_RECUR_GRU, NPE_FMT_POSIT8, NPE_FMT_POSIT8, 5, 60, NPE_RECUR_INIT_LOAD, 0, 2, 0, 1},
  };
  run_cases_rs(100, 60, 70, 7, b, sizeof b / sizeof b[0], 1);
}
END_TEST

/* ROWSCALE with DIAG is BAD_AUX; with GRU / LSTM the bit is accepted. */
START_TEST(rowscale_errors) {
  eng e;
  eng_open(&e, 20, 100, 100, 8);
  eng_guard_set(&e, OUT, 256);
  npe_desc_fields f = {0};
  f.op = NPE_OP_RECUR;
  f.n = 8;
  f.t = 4;
  f.addr_a = REC;
  f.addr_c = OUT;
  f.aux = NPE_RECUR_MODE_DIAG | 1u << NPE_RECUR_AUX_ROW_SCALE_BIT;
  uint32_t err = run_direct(&e, &f, NULL, NULL);
  ck_assert_msg(err == NPE_HW_ERR_BAD_AUX, "DIAG with ROWSCALE: error %u", err);
  ck_assert_msg(eng_guard_ok(&e, OUT, 256), "DIAG with ROWSCALE wrote its output");
  soft_reset(&e);
  /* an AUX bit beside ROWSCALE that is not defined */
  f.fmt_a = f.fmt_b = NPE_FMT_INT8;
  f.aux = NPE_RECUR_MODE_GRU | 1u << NPE_RECUR_AUX_ROW_SCALE_BIT | 1u << 10;
  err = run_direct(&e, &f, NULL, NULL);
  ck_assert_msg(err == NPE_HW_ERR_BAD_AUX, "GRU with AUX bit 10: error %u", err);
  ck_assert_msg(eng_guard_ok(&e, OUT, 256), "GRU with AUX bit 10 wrote its output");
  soft_reset(&e);
  eng_close(&e);
}
END_TEST

/* ---- HGRN (MODE 4) ---- */

typedef struct {
  uint32_t h, t;
  unsigned init;
  int out_last;
  uint32_t chain; /* descriptors (the rest KEEP) */
  int wide;       /* records and h_0 over the whole int32 range */
} hgrn_case;

/* One HGRN case on the engine against npe_recur_hgrn_seq; returns the
 * cycles. The records: za, zc, zg ~ U(-6, 6) (beyond the table's ends
 * too), or any int32; x3 random. */
static uint64_t run_hgrn(eng *e, uint64_t *s, const hgrn_case *c) {
  uint32_t h = c->h, t = c->t;
  size_t nrec = (size_t)t * h;
  int32_t *x = malloc(16 * nrec), *want = malloc(4 * nrec), *got = malloc(4 * nrec + 8);
  int32_t *hs = calloc(h, 4);
  ck_assert(x && want && got && hs);
  for (size_t i = 0; i < 4 * nrec; i++)
    x[i] = c->wide || i % 4 == 3 ? (int32_t)(uint32_t)(rng_next(s) >> 32)
                                 : (int32_t)((int64_t)(rng_next(s) % (12u << 16)) - (6 << 16));
  if (c->init == NPE_RECUR_INIT_LOAD) {
    for (uint32_t i = 0; i < h; i++)
      hs[i] = c->wide ? (int32_t)(uint32_t)(rng_next(s) >> 32)
                      : (int32_t)((int64_t)(rng_next(s) % (4u << 16)) - (2 << 16));
    e->t.mem_write(e->t.ctx, H0, hs, 4u * h);
  }
  ck_assert_int_eq(npe_recur_hgrn_seq(t, h, x, hs, want), NPE_OK);
  e->t.mem_write(e->t.ctx, REC, x, 16 * nrec);
  size_t out_bytes = c->out_last ? 8u * h : 4 * nrec; /* OUT_LAST: h_T, then y_T */
  eng_guard_set(e, OUT - 64, 64);
  eng_guard_set(e, OUT + ((out_bytes + 7) & ~(size_t)7), 64);
  npe_desc_fields f[8];
  uint32_t nf = 0, t0 = 0;
  ck_assert_uint_le(c->chain, 8);
  for (uint32_t k = 0; k < c->chain; k++) {
    uint32_t tc = k + 1 == c->chain ? t - t0 : (t - t0) / (c->chain - k);
    if ((h & 1) && k + 1 < c->chain) tc &= ~1u; /* ADDR_C stays 8-byte aligned */
    if (tc == 0) continue;
    npe_desc_fields r = {0};
    r.op = NPE_OP_RECUR;
    r.n = (uint16_t)h;
    r.t = (uint16_t)tc;
    r.addr_a = REC + 16ull * t0 * h;
    r.addr_b = H0;
    r.addr_c = c->out_last ? OUT : OUT + 4ull * t0 * h;
    r.aux = (uint32_t)NPE_RECUR_MODE_HGRN << NPE_RECUR_AUX_MODE_LSB |
            (uint32_t)(nf == 0 ? c->init : NPE_RECUR_INIT_KEEP) << NPE_RECUR_AUX_INIT_LSB |
            (uint32_t)(c->out_last ? 1u : 0u) << NPE_RECUR_AUX_OUT_LAST_BIT;
    f[nf++] = r;
    t0 += tc;
  }
  npe_ring_result r = eng_run_descs(e, f, nf);
  ck_assert_msg(r.hw_err == 0, "hgrn H=%u T=%u: engine error %u at %u", h, t, r.hw_err, r.err_idx);
  e->t.mem_read(e->t.ctx, OUT, got, out_bytes);
  for (size_t i = 0; i < out_bytes / 4; i++) {
    int32_t wv = !c->out_last ? want[i] : i < h ? hs[i] : want[(size_t)(t - 1) * h + i - h];
    ck_assert_msg(got[i] == wv,
                  "hgrn H=%u T=%u init=%u last=%d chain=%u wide=%d: word %zu (t %zu, i %zu): "
                  "got %d, want %d",
                  h, t, c->init, c->out_last, c->chain, c->wide, i, i / h, i % h, got[i], wv);
  }
  ck_assert_msg(eng_guard_ok(e, OUT - 64, 64), "written below the output");
  ck_assert_msg(eng_guard_ok(e, OUT + ((out_bytes + 7) & ~(size_t)7), 64), "written past the output");
  free(x), free(want), free(got), free(hs);
  return r.cycles;
}

static void run_hgrn_cases(unsigned latency, unsigned ready_pct, unsigned valid_pct, uint64_t seed,
                           const hgrn_case *c, size_t n) {
  eng e;
  eng_open(&e, latency, ready_pct, valid_pct, seed);
  uint64_t s = seed * 104729u;
  for (size_t i = 0; i < n; i++) run_hgrn(&e, &s, &c[i]);
  eng_close(&e);
}

/* H on and off the array's multiples (1, 3, 13, 40, 64, 100, 256, the
 * largest state 1024), T 1 .. 1200, every INIT but KEEP, OUT_LAST, wide
 * records (saturating adds and products). */
START_TEST(hgrn_shapes) {
  static const hgrn_case c[] = {
      {1, 1, NPE_RECUR_INIT_ZERO, 0, 1, 0},     {3, 5, NPE_RECUR_INIT_LOAD, 0, 1, 0},
      {13, 7, NPE_RECUR_INIT_ZERO, 1, 1, 0},    {40, 3, NPE_RECUR_INIT_LOAD, 1, 1, 1},
      {64, 20, NPE_RECUR_INIT_LOAD, 0, 1, 1},   {100, 9, NPE_RECUR_INIT_ZERO, 0, 1, 0},
      {256, 4, NPE_RECUR_INIT_LOAD, 0, 1, 0},   {1024, 2, NPE_RECUR_INIT_LOAD, 0, 1, 0},
      {1024, 3, NPE_RECUR_INIT_ZERO, 1, 1, 1},  {5, 1200, NPE_RECUR_INIT_LOAD, 0, 1, 0},
      {2, 1000, NPE_RECUR_INIT_ZERO, 1, 1, 0},  {33, 1000, NPE_RECUR_INIT_LOAD, 0, 1, 0},
  };
  run_hgrn_cases(40, 100, 100, 11, c, sizeof c / sizeof c[0]);
}
END_TEST

/* KEEP chains (h continues on chip; y never enters the state), at random
 * memory latency and back-pressure. */
START_TEST(hgrn_keep_and_backpressure) {
  static const hgrn_case c[] = {
      {24, 60, NPE_RECUR_INIT_LOAD, 0, 4, 0},  {33, 41, NPE_RECUR_INIT_ZERO, 1, 3, 0},
      {7, 1000, NPE_RECUR_INIT_LOAD, 0, 5, 0}, {64, 25, NPE_RECUR_INIT_LOAD, 0, 2, 1},
      {1, 300, NPE_RECUR_INIT_ZERO, 0, 1, 0},
  };
  run_hgrn_cases(100, 60, 70, 12, c, sizeof c / sizeof c[0]);
  run_hgrn_cases(3, 30, 40, 13, c, sizeof c / sizeof c[0]);
}
END_TEST

/* Bad descriptors: N = 0, N beyond the state, T = 0, ROWSCALE, HSHIFT or
 * ACC_SHIFT with HGRN, an undefined AUX bit, the reserved MODE 3 and MODE
 * 5: the error, nothing written. */
START_TEST(hgrn_errors) {
  eng e;
  eng_open(&e, 20, 100, 100, 14);
  eng_guard_set(&e, OUT, 256);
  const uint32_t hg = NPE_RECUR_MODE_HGRN;
  struct {
    uint16_t n, t;
    uint32_t aux;
    uint32_t err;
  } bad[] = {
      {0, 4, hg, NPE_HW_ERR_BAD_DIMS},
      {1025, 4, hg, NPE_HW_ERR_BAD_DIMS}, /* CAP_RECUR.STATE_WORDS is 1024 in this build */
      {8, 0, hg, NPE_HW_ERR_BAD_DIMS},
      {8, 4, hg | 1u << NPE_RECUR_AUX_ROW_SCALE_BIT, NPE_HW_ERR_BAD_AUX},
      {8, 4, hg | 7u << NPE_RECUR_AUX_H_SHIFT_LSB, NPE_HW_ERR_BAD_AUX},
      {8, 4, hg | 1u << NPE_RECUR_AUX_ACC_SHIFT_LSB, NPE_HW_ERR_BAD_AUX},
      {8, 4, hg | 1u << 10, NPE_HW_ERR_BAD_AUX},
      {8, 4, hg | 3u << NPE_RECUR_AUX_INIT_LSB, NPE_HW_ERR_BAD_AUX},
      {8, 4, 3, NPE_HW_ERR_BAD_AUX},
      {8, 4, 5, NPE_HW_ERR_BAD_AUX},
      {0, 4, hg | 1u << NPE_RECUR_AUX_ROW_SCALE_BIT, NPE_HW_ERR_BAD_AUX},
  };
  for (unsigned i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    npe_desc_fields f = {0};
    f.op = NPE_OP_RECUR;
    f.n = bad[i].n;
    f.t = bad[i].t;
    f.addr_a = REC;
    f.addr_c = OUT;
    f.aux = bad[i].aux;
    uint32_t err = run_direct(&e, &f, NULL, NULL);
    ck_assert_msg(err == bad[i].err, "hgrn case %u: error %u, want %u", i, err, bad[i].err);
    ck_assert_msg(eng_guard_ok(&e, OUT, 256), "hgrn case %u wrote its output", i);
    soft_reset(&e);
  }
  /* and a good one after them on the same engine */
  uint64_t s = 3;
  hgrn_case ok = {9, 6, NPE_RECUR_INIT_LOAD, 0, 2, 0};
  run_hgrn(&e, &s, &ok);
  eng_close(&e);
}
END_TEST

int main(void) {
  Suite *s = suite_create("recur_cell");
  TCase *tc = tcase_create("recur_cell");
  tcase_set_timeout(tc, 900);
  tcase_add_test(tc, cell_formats);
  tcase_add_test(tc, cell_long_and_chunked);
  tcase_add_test(tc, cell_keep_and_backpressure);
  tcase_add_test(tc, cell_errors);
  suite_add_tcase(s, tc);
  TCase *tr = tcase_create("recur_cell_rowscale");
  tcase_set_timeout(tr, 900);
  tcase_add_test(tr, rowscale_formats);
  tcase_add_test(tr, rowscale_long_and_backpressure);
  tcase_add_test(tr, rowscale_errors);
  suite_add_tcase(s, tr);
  TCase *th = tcase_create("recur_cell_hgrn");
  tcase_set_timeout(th, 900);
  tcase_add_test(th, hgrn_shapes);
  tcase_add_test(th, hgrn_keep_and_backpressure);
  tcase_add_test(th, hgrn_errors);
  suite_add_tcase(s, th);
  SRunner *r = srunner_create(s);
  srunner_run_all(r, CK_NORMAL);
  int failed = srunner_ntests_failed(r);
  srunner_free(r);
  return failed ? 1 : 0;
}
