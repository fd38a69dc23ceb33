/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Engine tests through libnpesim: matmul jobs of many shapes and every
 * format pair against the golden model (bit-exact), the same jobs under
 * random latency and back-pressure, every CSR, illegal accesses, bad
 * descriptors, out-of-window DMA, bus errors, and recovery by soft reset.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../driver/test_rand.h"
#include "engine_harness.h"
#include "npe_nlu.h"
#include "npe_recur.h"


typedef struct {
  const npe_mm_plan *p;
  npe_tiler_it it;
} tiler_src;

static int tiler_next(void *ctx, uint8_t d[64]) {
  tiler_src *s = ctx;
  return npe_tiler_next(s->p, &s->it, d);
}

/* One random job on the engine: unpacked operand patterns a (M x K of fa)
 * and b (N x K of fb), the plan (an NLU plan when nlu_aux != 0), packed and
 * written to device memory with C filled with 0xa5, run through the ring,
 * and C read back. */
typedef struct {
  npe_mm_plan p;
  npe_pats_out a, b;      /* typed by each format's element width */
  uint8_t *c;
  npe_ring_result res;
} mm_job;

/* n patterns of format f in a new array typed by f's element width. */
static npe_pats_out pats_alloc(npe_fmt f, size_t n) {
  npe_pats_out v = {f, NULL, NULL};
  if (npe_fmt_elem_bytes(f) == 2) v.u16 = malloc(n * sizeof *v.u16);
  else v.u8 = malloc(n);
  ck_assert(v.u8 || v.u16);
  return v;
}

static void pats_free(npe_pats_out v) { free(v.u8), free(v.u16); }

/* Random operands of a job: A (M x K of fa) and B (N x K of fb). */
static void mm_fill_random(mm_job *j, npe_fmt fa, npe_fmt fb, uint32_t m, uint32_t n,
                           uint32_t k, uint64_t seed) {
  j->a = pats_alloc(fa, (size_t)m * k);
  j->b = pats_alloc(fb, (size_t)n * k);
  uint64_t s = seed;
  for (size_t i = 0; i < (size_t)m * k; i++) npe_pats_set(j->a, i, random_pattern(fa, &s));
  for (size_t i = 0; i < (size_t)n * k; i++) npe_pats_set(j->b, i, random_pattern(fb, &s));
}

/* 1: mm_exec sends B as Sherry 1.25-bit codes (npe_tiler_use_sherry; B must
 * be 3:4 sparse, as mm_fill_sherry makes it). */
static int g_sherry;

/* 1: mm_exec runs the per-step LOAD B stream even where the plan could keep
 * B resident (plan.hw.b_offset cleared, as npe_set_b_resident(dev, 0)). */
static int g_no_b_resident;

/* Runs the job on its operands j->a, j->b in K tiles of k_tile (0: as the
 * tiler chooses). */
static void mm_exec(eng *e, mm_job *j, npe_fmt fa, npe_fmt fb, npe_fmt fo, int fp32,
                    uint32_t nlu_aux, uint32_t m, uint32_t n, uint32_t k, uint32_t k_tile) {
  npe_mm_plan *p = &j->p;
  uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  ck_assert_int_eq(npe_tiler_plan_k_tiles(&e->hw, fa, fb, fo, fp32, m, n, k, k_tile, base, 0, 0,
                                          p), NPE_OK);
  /* one row: the batch-1 mat-vec on every PE (FLAGS.MATVEC), as libnpe
   * does (K tiles too) */
  int mv = m == 1;
  if (mv) ck_assert_int_eq(npe_tiler_use_matvec(p), NPE_OK);
  if (g_sherry) ck_assert_int_eq(npe_tiler_use_sherry(p), NPE_OK);
  uint64_t addr_b = (base + npe_tiler_bytes_a(p) + 63) & ~63ull;
  uint64_t addr_c = (addr_b + npe_tiler_bytes_b(p) + 63) & ~63ull;
  ck_assert_int_eq(npe_tiler_plan_k_tiles(&e->hw, fa, fb, fo, fp32, m, n, k, k_tile, base,
                                          addr_b, addr_c, p), NPE_OK);
  if (mv) ck_assert_int_eq(npe_tiler_use_matvec(p), NPE_OK);
  if (g_sherry) {
    ck_assert_int_eq(npe_tiler_use_sherry(p), NPE_OK);
    ck_assert(npe_tiler_sherry_fits(p, npe_pats_of(j->b), k));
  }
  if (g_no_b_resident) p->hw.b_offset = 0;
  ck_assert_int_eq(npe_tiler_set_nlu(p, nlu_aux), NPE_OK);
  uint8_t *pa = malloc(npe_tiler_bytes_a(p)), *pb = malloc(npe_tiler_bytes_b(p));
  j->c = malloc(npe_tiler_bytes_c(p));
  ck_assert(pa && pb && j->c);
  ck_assert_int_eq(npe_tiler_pack_a(p, npe_pats_of(j->a), k, pa), NPE_OK);
  ck_assert_int_eq(npe_tiler_pack_b(p, npe_pats_of(j->b), k, pb), NPE_OK);
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, p->addr_a, pa, npe_tiler_bytes_a(p)), NPE_OK);
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, p->addr_b, pb, npe_tiler_bytes_b(p)), NPE_OK);
  memset(j->c, 0xa5, npe_tiler_bytes_c(p));
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, p->addr_c, j->c, npe_tiler_bytes_c(p)), NPE_OK);
  tiler_src src = {p, {0, 0, 0, 0}};
  npe_ring_stream st;
  memset(&st, 0, sizeof st);
  st.src = tiler_next;
  st.src_ctx = &src;
  ck_assert_int_eq(npe_ring_finish(&e->t, &e->ring, &st, 400000000ull, NULL, NULL), NPE_OK);
  j->res = st.res;
  ck_assert_msg(j->res.hw_err == 0, "engine error %u at descriptor %u", j->res.hw_err,
                j->res.err_idx);
  ck_assert_uint_eq(j->res.descs, npe_tiler_count(p));
  ck_assert_int_eq(e->t.mem_read(e->t.ctx, p->addr_c, j->c, npe_tiler_bytes_c(p)), NPE_OK);
  free(pa), free(pb);
}

static void mm_run(eng *e, mm_job *j, npe_fmt fa, npe_fmt fb, npe_fmt fo, int fp32,
                   uint32_t nlu_aux, uint32_t m, uint32_t n, uint32_t k, uint64_t seed) {
  mm_fill_random(j, fa, fb, m, n, k, seed);
  mm_exec(e, j, fa, fb, fo, fp32, nlu_aux, m, n, k, 0);
}

static void mm_free(mm_job *j) { pats_free(j->a), pats_free(j->b), free(j->c); }

/* The golden C of a job, rounded once to binary32 (m x n, new array). */
static float *mm_golden_f32(const mm_job *j, uint32_t m, uint32_t n, uint32_t k) {
  float *g = malloc((size_t)m * n * sizeof *g);
  ck_assert_ptr_nonnull(g);
  ck_assert_int_eq(npe_golden_matmul_f32(npe_pats_of(j->a), k, npe_pats_of(j->b), k, m, n, k,
                                         1.0f, g, n), NPE_OK);
  return g;
}

/* Checks every output of a job that ran against the golden model (one
 * exact dot product over the whole K, rounded once), then frees it. */
static void mm_check(mm_job *jp, npe_fmt fa, npe_fmt fb, npe_fmt fo, int fp32, uint32_t m,
                     uint32_t n, uint32_t k) {
  mm_job job = *jp;
  const npe_mm_plan p = job.p;
  const uint8_t *c = job.c;
  float *gf = fp32 ? mm_golden_f32(&job, m, n, k) : NULL;
  npe_pats_out gp = pats_alloc(fo, (size_t)m * n);
  if (!fp32)
    ck_assert_int_eq(npe_golden_matmul_fmt(npe_pats_of(job.a), k, npe_pats_of(job.b), k, m, n,
                                           k, gp, n), NPE_OK);
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      const uint8_t *cell = c + npe_tiler_c_offset(&p, i, j);
      uint32_t got = fp32 ? (uint32_t)cell[0] | cell[1] << 8 | cell[2] << 16 | (uint32_t)cell[3] << 24
                          : (uint32_t)(cell[0] | cell[1] << 8);
      uint32_t want;
      if (fp32) memcpy(&want, &gf[(size_t)i * n + j], 4);
      else want = npe_pats_get(npe_pats_of(gp), (size_t)i * n + j);
      ck_assert_msg(got == want,
                    "%s x %s -> %s: C[%u][%u] = %08x, golden %08x (M=%u N=%u K=%u, %u K tiles "
                    "of %u)", npe_fmt_name(fa), npe_fmt_name(fb), fp32 ? "f32" : npe_fmt_name(fo),
                    i, j, got, want, m, n, k, p.k_tiles, p.k_tile);
    }
  }
  free(gf);
  pats_free(gp);
  mm_free(&job);
}

/* Runs one random matmul and checks every output against the golden model.
 * Returns the device cycles. */
static uint64_t run_mm(eng *e, npe_fmt fa, npe_fmt fb, npe_fmt fo, int fp32, uint32_t m,
                       uint32_t n, uint32_t k, uint64_t seed) {
  mm_job job;
  mm_run(e, &job, fa, fb, fo, fp32, 0, m, n, k, seed);
  mm_check(&job, fa, fb, fo, fp32, m, n, k);
  return job.res.cycles;
}

static const npe_fmt pairs[6][2] = {
    {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
    {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
    {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};

/* Shapes: tiny, ragged (not multiples of the 4 x 2 array, of the n-block, of
 * the PE word), K from 1 to the scratchpad limit. */
static const uint32_t shapes[][3] = {
    {1, 1, 1},  {3, 5, 7},   {4, 2, 8},    {5, 3, 17},  {9, 70, 33},
    {7, 1, 257}, {1, 9, 1000}, {6, 5, 3001}, {2, 3, 4096}, {13, 131, 40},
    {1, 300, 70}, {1, 37, 129}};

static void run_shapes(eng *e, uint64_t seed) {
  for (int i = 0; i < 6; i++) {
    for (size_t sh = 0; sh < sizeof shapes / sizeof shapes[0]; sh++) {
      uint32_t k = shapes[sh][2];
      if (k > npe_tiler_max_k(&e->hw, pairs[i][0], pairs[i][1])) continue;
      /* alternate binary32 and format outputs */
      int fp32 = (int)((sh + (size_t)i) % 2);
      npe_fmt fo = (npe_fmt)((sh * 7 + (size_t)i) % NPE_FMT_COUNT);
      run_mm(e, pairs[i][0], pairs[i][1], fo, fp32, shapes[sh][0], shapes[sh][1], k,
             seed + 100 * (uint64_t)i + sh);
    }
  }
}

START_TEST(matmul_shapes_every_format) {
  eng e;
  eng_open(&e, 100, 100, 100, 1);
  run_shapes(&e, 1000);
  eng_close(&e);
}
END_TEST

/* K beyond the scratchpads (FLAGS.KEEP / ACCUM chains): K = 2, 3 and 10
 * times the limit, less a random few, in every format pair, in K tiles of a
 * random length (so the splits fall at random points, inside PE words
 * too), at random latency and back-pressure: every output equals the
 * golden model's one dot product over the whole K, rounded once. */
START_TEST(matmul_k_tiles) {
  eng e;
  eng_open(&e, 41, 70, 60, 21);
  ck_assert_uint_eq(e.hw.ksplit, 1);
  uint64_t s = 0x6b5eed;
  static const uint32_t times[] = {2, 3, 10};
  for (int i = 0; i < 6; i++) {
    uint32_t max_k = npe_tiler_max_k(&e.hw, pairs[i][0], pairs[i][1]);
    for (int t = 0; t < 3; t++) {
      uint32_t k = times[t] * max_k - (uint32_t)(rng(&s) % 7);
      uint32_t lo = max_k / 4, k_tile = lo + (uint32_t)(rng(&s) % (max_k - lo + 1));
      uint32_t m = t == 0 && i == 0 ? 1 : 2 + (uint32_t)(rng(&s) % 5); /* M = 1 once */
      uint32_t n = 1 + (uint32_t)(rng(&s) % 9);
      int fp32 = (i + t) % 2;
      npe_fmt fo = (npe_fmt)((i + 2 * t) % NPE_FMT_COUNT);
      mm_job job;
      mm_fill_random(&job, pairs[i][0], pairs[i][1], m, n, k, rng(&s));
      mm_exec(&e, &job, pairs[i][0], pairs[i][1], fo, fp32, 0, m, n, k, k_tile);
      ck_assert_uint_ge(job.p.k_tiles, times[t]);
      mm_check(&job, pairs[i][0], pairs[i][1], fo, fp32, m, n, k);
    }
    /* M = 1: the mat-vec layout (every PE), K tiles of a random length */
    uint32_t k = 2 * max_k + 1 + (uint32_t)(rng(&s) % 97);
    uint32_t lo = max_k / 4, k_tile = lo + (uint32_t)(rng(&s) % (max_k - lo + 1));
    uint32_t n = 1 + (uint32_t)(rng(&s) % 40);
    mm_job job;
    mm_fill_random(&job, pairs[i][0], pairs[i][1], 1, n, k, rng(&s));
    mm_exec(&e, &job, pairs[i][0], pairs[i][1], (npe_fmt)i, i % 2, 0, 1, n, k, k_tile);
    ck_assert(job.p.matvec && job.p.k_tiles >= 2);
    mm_check(&job, pairs[i][0], pairs[i][1], (npe_fmt)i, i % 2, 1, n, k);
  }
  eng_close(&e);
}
END_TEST

/* The quire's overflow bound (docs/FORMATS.md) holds across K tiles as in
 * one dot product: posit16 maxpos x maxpos (2^56) terms overflow the
 * Q71.56 quire at the 32768th, whether or not a tile starts there; one
 * term fewer stays finite. */
START_TEST(k_tiles_quire_overflow) {
  eng e;
  eng_open(&e, 10, 100, 100, 22);
  const uint32_t m = 3, n = 2, k = 32768 + 7;
  static const uint32_t k_tiles[] = {4096, 4095, 3001};
  for (int t = 0; t < 3; t++) {
    mm_job job;
    job.a = pats_alloc(NPE_FMT_POSIT16, (size_t)m * k);
    job.b = pats_alloc(NPE_FMT_POSIT16, (size_t)n * k);
    uint64_t s = 99 + (uint64_t)t;
    for (uint32_t c = 0; c < k; c++) {
      npe_pats_set(job.a, c, 0x7fff);                          /* maxpos: overflows */
      npe_pats_set(job.a, k + c, c < 32767 ? 0x7fff : 0);      /* 32767 terms: finite */
      npe_pats_set(job.a, 2 * (size_t)k + c, random_pattern(NPE_FMT_POSIT16, &s));
      npe_pats_set(job.b, c, 0x7fff);
      npe_pats_set(job.b, k + c, 0x7fff);
    }
    mm_exec(&e, &job, NPE_FMT_POSIT16, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 1, 0, m, n, k,
            k_tiles[t]);
    uint32_t c00, c10;
    memcpy(&c00, job.c + npe_tiler_c_offset(&job.p, 0, 0), 4);
    memcpy(&c10, job.c + npe_tiler_c_offset(&job.p, 1, 0), 4);
    ck_assert_uint_eq(c00, 0x7f800000u); /* +Inf: the sticky OVF */
    ck_assert_uint_eq(c10, 0x62fffe00u); /* 32767 x 2^56, exact in binary32 */
    mm_check(&job, NPE_FMT_POSIT16, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 1, m, n, k);
  }
  eng_close(&e);
}
END_TEST

static npe_desc_fields load_a(uint64_t addr, uint16_t rows, uint16_t bytes) {
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.m = rows;
  f.k = bytes;
  f.addr_a = addr;
  f.stride_a = bytes;
  return f;
}

/* FLAGS.KEEP / ACCUM one descriptor at a time, K tiles of unequal random
 * lengths: 2 to 4 tiles, each its own LOAD A, LOAD B and MATMUL (the first
 * KEEP, the middle ones ACCUM | KEEP, the last ACCUM), then one STORE of
 * the rounded results; a random format pair, M <= Rows, N over up to three
 * column groups. Also the planted-bug run's case (ksplit-plant-test). */
START_TEST(k_tiles_direct) {
  eng e;
  eng_open(&e, 30, 80, 80, 23);
  uint64_t s = 0x5eed1e55;
  const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  for (int round = 0; round < 12; round++) {
    int i = round % 6;
    npe_fmt fa = pairs[i][0], fb = pairs[i][1];
    uint32_t max_k = npe_tiler_max_k(&e.hw, fa, fb);
    uint32_t tiles = 2 + (uint32_t)(rng(&s) % 3), k = 0, k_len[4];
    for (uint32_t t = 0; t < tiles; t++) {
      /* short tiles and long ones, any length (not only whole PE words) */
      k_len[t] = 1 + (uint32_t)(rng(&s) % (rng(&s) % 2 ? 40 : max_k));
      k += k_len[t];
    }
    uint32_t m = 1 + (uint32_t)(rng(&s) % e.hw.rows);
    uint32_t n = 1 + (uint32_t)(rng(&s) % (3 * e.hw.cols));
    mm_job job;
    memset(&job, 0, sizeof job); /* (no job.c: this test stores elsewhere) */
    mm_fill_random(&job, fa, fb, m, n, k, rng(&s));
    npe_desc_fields f[13];
    size_t nf = 0;
    uint64_t at = base;
    npe_mm_plan tp;
    for (uint32_t t = 0, k0 = 0; t < tiles; k0 += k_len[t], t++) {
      /* each tile packed as a matmul of its own K */
      ck_assert_int_eq(npe_tiler_plan(&e.hw, fa, fb, NPE_FMT_FP4, 1, m, n, k_len[t], 0, 0, 0,
                                      &tp), NPE_OK);
      uint8_t *pa = malloc(npe_tiler_bytes_a(&tp)), *pb = malloc(npe_tiler_bytes_b(&tp));
      ck_assert(pa && pb);
      ck_assert_int_eq(npe_tiler_pack_a(&tp, npe_pats_at(npe_pats_of(job.a), k0), k, pa), NPE_OK);
      ck_assert_int_eq(npe_tiler_pack_b(&tp, npe_pats_at(npe_pats_of(job.b), k0), k, pb), NPE_OK);
      uint64_t addr_b = at + npe_tiler_bytes_a(&tp);
      ck_assert_int_eq(e.t.mem_write(e.t.ctx, at, pa, npe_tiler_bytes_a(&tp)), NPE_OK);
      ck_assert_int_eq(e.t.mem_write(e.t.ctx, addr_b, pb, npe_tiler_bytes_b(&tp)), NPE_OK);
      f[nf] = load_a(at, (uint16_t)m, (uint16_t)tp.row_bytes_a);
      f[nf++].spad = 0;
      f[nf] = load_a(addr_b, (uint16_t)n, (uint16_t)tp.row_bytes_b);
      f[nf++].spad = 1;
      npe_desc_fields mm = {0};
      mm.op = NPE_OP_MATMUL;
      mm.flags = (uint8_t)(1u << NPE_DESC_FLAG_OUT_FP32_BIT |
                           (t > 0 ? 1u << NPE_DESC_FLAG_ACCUM_BIT : 0u) |
                           (t + 1 < tiles ? 1u << NPE_DESC_FLAG_KEEP_BIT : 0u));
      mm.fmt_a = (uint8_t)fa, mm.fmt_b = (uint8_t)fb;
      mm.spad = 0;
      mm.m = (uint16_t)m, mm.n = (uint16_t)n, mm.k = (uint16_t)k_len[t];
      f[nf++] = mm;
      at = (addr_b + npe_tiler_bytes_b(&tp) + 63) & ~63ull;
      free(pa), free(pb);
    }
    npe_desc_fields st = {0};
    st.op = NPE_OP_STORE;
    st.flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
    st.spad = 2;
    st.m = (uint16_t)m, st.n = (uint16_t)n;
    st.addr_c = at;
    st.stride_c = 4 * 64;
    f[nf++] = st;
    for (size_t d = 0; d < nf; d++) ck_assert_uint_eq(run_direct(&e, &f[d], NULL, NULL), 0);
    float *g = NULL;
    g = malloc((size_t)m * n * sizeof *g);
    ck_assert_ptr_nonnull(g);
    ck_assert_int_eq(npe_golden_matmul_f32(npe_pats_of(job.a), k, npe_pats_of(job.b), k, m, n,
                                           k, 1.0f, g, n), NPE_OK);
    for (uint32_t r = 0; r < m; r++) {
      for (uint32_t c = 0; c < n; c++) {
        uint32_t got, want;
        ck_assert_int_eq(e.t.mem_read(e.t.ctx, at + 256u * r + 4u * c, &got, 4), NPE_OK);
        memcpy(&want, &g[(size_t)r * n + c], 4);
        ck_assert_msg(got == want, "k tiles %s x %s: C[%u][%u] = %08x, golden %08x (K = %u in %u "
                      "tiles, the first %u)", npe_fmt_name(fa), npe_fmt_name(fb), r, c, got, want,
                      k, tiles, k_len[0]);
      }
    }
    free(g);
    mm_free(&job);
  }
  eng_close(&e);
}
END_TEST

/* The same jobs under random latency and back-pressure give the same
 * (golden) answers, and the bus rules hold. */
START_TEST(matmul_random_backpressure) {
  eng e;
  eng_open(&e, 37, 55, 45, 77);
  run_shapes(&e, 1000);
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Sherry 1.25-bit ternary weights (LOAD FLAGS.SHERRY)                        */
/* ------------------------------------------------------------------------ */

/* Random INT8 activations and 3:4-sparse ternary weights: every group of 4
 * along K (from k = 0) has exactly one zero; a last partial group at most
 * one (the tiler's padding completes it). */
static void mm_fill_sherry(mm_job *j, uint32_t m, uint32_t n, uint32_t k, uint64_t seed) {
  mm_fill_random(j, NPE_FMT_INT8, NPE_FMT_TERNARY, m, n, k, seed);
  uint64_t s = seed ^ 0x5eedull;
  for (uint32_t r = 0; r < n; r++) {
    for (uint32_t g = 0; g < k; g += 4) {
      uint32_t len = k - g < 4 ? k - g : 4;
      uint32_t z = (uint32_t)(rng(&s) % 4); /* z >= len: a partial group without a zero */
      for (uint32_t i = 0; i < len; i++)
        j->b.u8[(size_t)r * k + g + i] = i == z ? 0 : (rng(&s) & 1 ? 3 : 1);
    }
  }
}

static uint64_t perf_read(eng *e, unsigned i); /* counter i (below) */

/* Shapes for Sherry: rows whose Sherry length ends inside a DMA word (K not
 * a multiple of 256) and on one (K = 256, 512), partial groups, the
 * batch-1 mat-vec (M = 1), several n-blocks, and K tiles (k_tile != 0, a
 * multiple of 4 so that each tile's groups are the matrix's). */
static const uint32_t sherry_shapes[][4] = {
    {1, 1, 1, 0},    {3, 5, 7, 0},    {4, 2, 8, 0},      {5, 3, 17, 0},   {9, 70, 33, 0},
    {7, 9, 256, 0},  {2, 65, 512, 0}, {1, 9, 1000, 0},   {1, 300, 70, 0}, {1, 37, 256, 0},
    {6, 5, 3001, 0}, {13, 131, 40, 0}, {5, 7, 700, 96}, {3, 4, 1000, 332}, {1, 3, 130, 64}};

/* Each shape with Sherry B, bit-exact against the golden model, then the
 * same operands as 2-bit codes: the same C, the same descriptor count, and
 * the DMA's read bytes differ by exactly the B LOADs' difference
 * (npe_tiler_dma_bytes_b: 8 x ceil(5/4 x weights / 64) per row). */
static void run_sherry_shapes(eng *e, uint64_t seed) {
  uint64_t moved_s = 0, moved_p = 0; /* DMA bytes read, all shapes */
  for (size_t sh = 0; sh < sizeof sherry_shapes / sizeof sherry_shapes[0]; sh++) {
    uint32_t m = sherry_shapes[sh][0], n = sherry_shapes[sh][1], k = sherry_shapes[sh][2];
    uint32_t kt = sherry_shapes[sh][3];
    int fp32 = (int)(sh % 2);
    npe_fmt fo = (npe_fmt)((sh * 5) % NPE_FMT_COUNT);
    mm_job js, jp;
    mm_fill_sherry(&js, m, n, k, seed + sh);
    uint64_t rd0 = perf_read(e, NPE_PERF_DMA_RD_BYTES);
    g_sherry = 1;
    mm_exec(e, &js, NPE_FMT_INT8, NPE_FMT_TERNARY, fo, fp32, 0, m, n, k, kt);
    g_sherry = 0;
    uint64_t rd1 = perf_read(e, NPE_PERF_DMA_RD_BYTES);
    ck_assert(js.p.sherry);
    /* the same operands as 2-bit codes */
    mm_fill_sherry(&jp, m, n, k, seed + sh);
    mm_exec(e, &jp, NPE_FMT_INT8, NPE_FMT_TERNARY, fo, fp32, 0, m, n, k, kt);
    uint64_t rd2 = perf_read(e, NPE_PERF_DMA_RD_BYTES);
    ck_assert_uint_eq(js.res.descs, jp.res.descs);
    uint64_t bs = npe_tiler_dma_bytes_b(&js.p), bp = npe_tiler_dma_bytes_b(&jp.p);
    size_t cb = npe_tiler_bytes_c(&js.p);
    uint8_t *cs = malloc(cb);
    ck_assert_ptr_nonnull(cs);
    memcpy(cs, js.c, cb);
    mm_check(&js, NPE_FMT_INT8, NPE_FMT_TERNARY, fo, fp32, m, n, k); /* frees js */
    ck_assert_mem_eq(cs, jp.c, cb);
    free(cs);
    ck_assert_uint_eq((rd2 - rd1) - (rd1 - rd0), bp - bs);
    ck_assert_uint_le(bs, bp);
    moved_s += rd1 - rd0, moved_p += rd2 - rd1;
    mm_free(&jp);
  }
  ck_assert_uint_lt(moved_s, moved_p); /* the engine read fewer bytes */
}

START_TEST(sherry_matmuls) {
  eng e;
  eng_open(&e, 60, 100, 100, 21);
  ck_assert_uint_eq(e.hw.sherry, 1);
  run_sherry_shapes(&e, 5000);
  eng_close(&e);
  /* random memory latency and READY / VALID back-pressure */
  eng_open(&e, 23, 45, 55, 22);
  run_sherry_shapes(&e, 6000);
  eng_close(&e);
}
END_TEST

/* The B LOAD of a 256 x 256 x 256 ternary job moves 8 x ceil(5 x 64 / 64)
 * = 40 bytes per weight row with Sherry (1.25 bits per weight), 64 as
 * 2-bit codes. */
START_TEST(sherry_bytes_exact) {
  npe_hw_shape hw = {4, 2, 1024, 32768, 32, 1, 1, 0};
  npe_mm_plan p;
  ck_assert_int_eq(npe_tiler_plan(&hw, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, 4, 256,
                                  256, 0, 0, 0, &p), NPE_OK);
  uint64_t plain = npe_tiler_dma_bytes_b(&p);
  ck_assert_uint_eq(plain, 256u * 64u);
  ck_assert_int_eq(npe_tiler_use_sherry(&p), NPE_OK);
  ck_assert_uint_eq(npe_tiler_dma_bytes_b(&p), 256u * 40u);
  ck_assert_uint_eq(npe_tiler_sherry_seg_bytes(&p), 40u);
  ck_assert_uint_eq(npe_tiler_bytes_b(&p), 256u * 40u);
  /* K = 100: the LOAD row holds 128 codes (K padded to 32), 32 groups of
   * 5 bits = 160 bits, 3 DMA words */
  ck_assert_int_eq(npe_tiler_plan(&hw, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, 4, 3,
                                  100, 0, 0, 0, &p), NPE_OK);
  ck_assert_int_eq(npe_tiler_use_sherry(&p), NPE_OK);
  ck_assert_uint_eq(npe_tiler_dma_bytes_b(&p), 3u * 24u);
  /* not for other formats, nor on an engine without the unpacker */
  ck_assert_int_eq(npe_tiler_plan(&hw, NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_INT8, 1, 4, 3, 100,
                                  0, 0, 0, &p), NPE_OK);
  ck_assert_int_eq(npe_tiler_use_sherry(&p), NPE_ERR_UNSUPPORTED);
  hw.sherry = 0;
  ck_assert_int_eq(npe_tiler_plan(&hw, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, 4, 3,
                                  100, 0, 0, 0, &p), NPE_OK);
  ck_assert_int_eq(npe_tiler_use_sherry(&p), NPE_ERR_UNSUPPORTED);
  /* weights that are not 3:4 sparse do not fit */
  hw.sherry = 1;
  ck_assert_int_eq(npe_tiler_use_sherry(&p), NPE_ERR_UNSUPPORTED); /* the plan's engine */
  ck_assert_int_eq(npe_tiler_plan(&hw, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, 4, 3,
                                  100, 0, 0, 0, &p), NPE_OK);
  uint8_t w[300];
  for (int i = 0; i < 300; i++) w[i] = i % 4 == 1 ? 0 : 1;
  ck_assert(npe_tiler_sherry_fits(&p, npe_pats_u8(NPE_FMT_TERNARY, w), 100));
  w[102] = 0; /* row 1, group 0: two zeros */
  ck_assert(!npe_tiler_sherry_fits(&p, npe_pats_u8(NPE_FMT_TERNARY, w), 100));
  w[102] = 1, w[101] = 3; /* row 1, group 0: no zero */
  ck_assert(!npe_tiler_sherry_fits(&p, npe_pats_u8(NPE_FMT_TERNARY, w), 100));
}
END_TEST

/* Raw descriptors through the ring. */
typedef struct {
  const uint8_t (*d)[64];
  size_t n, i;
} raw_src;

static int raw_next(void *ctx, uint8_t d[64]) {
  raw_src *s = ctx;
  if (s->i == s->n) return 0;
  memcpy(d, s->d[s->i++], 64);
  return 1;
}

static npe_ring_result run_raw(eng *e, const uint8_t (*d)[64], size_t n) {
  raw_src src = {d, n, 0};
  npe_ring_stream st;
  memset(&st, 0, sizeof st);
  st.src = raw_next;
  st.src_ctx = &src;
  ck_assert_int_eq(npe_ring_finish(&e->t, &e->ring, &st, 400000000ull, NULL, NULL), NPE_OK);
  return st.res;
}

/* Refused Sherry LOADs: into A, with FMT_B not ternary, with K not whole
 * words; each answers its error code and writes nothing: the MATMUL and
 * STORE run again on the B buffer it aimed at give the same C. */
START_TEST(sherry_refusals) {
  eng e;
  eng_open(&e, 30, 100, 100, 31);
  mm_job j;
  const uint32_t m = 3, n = 5, k = 40;
  mm_fill_sherry(&j, m, n, k, 77);
  g_sherry = 1;
  mm_exec(&e, &j, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, 0, m, n, k, 0);
  g_sherry = 0;
  /* its stream: LOAD A, LOAD B, MATMUL, STORE, FENCE */
  uint8_t d[8][64];
  npe_tiler_it it = {0, 0, 0, 0};
  size_t nd = 0;
  while (nd < 8 && npe_tiler_next(&j.p, &it, d[nd])) nd++;
  ck_assert_uint_eq(nd, 5);
  ck_assert_uint_eq(npe_desc_get_opcode(d[1]), NPE_OP_LOAD);
  ck_assert_uint_eq(npe_desc_get_flag_sherry(d[1]), 1);
  const size_t cbytes = npe_tiler_bytes_c(&j.p);
  uint8_t *c = malloc(cbytes);
  ck_assert_ptr_nonnull(c);
  for (int bad = 0; bad < 4; bad++) {
    uint8_t r[64];
    memcpy(r, d[1], 64);
    /* overwrite the B buffer with other (valid) data if the LOAD ran */
    npe_desc_set_addr_a(r, j.p.addr_a);
    uint32_t want;
    if (bad == 0) { /* into A */
      npe_desc_set_spad(r, 0);
      want = NPE_HW_ERR_BAD_FORMAT;
    } else if (bad == 1) { /* B not ternary */
      npe_desc_set_fmt_b(r, NPE_FMT_INT8);
      want = NPE_HW_ERR_BAD_FORMAT;
    } else if (bad == 2) { /* K not a whole number of words (of 8 groups) */
      npe_desc_set_k(r, (uint16_t)(npe_desc_get_k(r) - 4));
      want = NPE_HW_ERR_ALIGN;
    } else { /* B not ternary, with FMT_B unset */
      npe_desc_set_fmt_b(r, NPE_FMT_FP4);
      want = NPE_HW_ERR_BAD_FORMAT;
    }
    uint8_t one[1][64];
    memcpy(one[0], r, 64);
    npe_ring_result res = run_raw(&e, (const uint8_t (*)[64])one, 1);
    ck_assert_uint_eq(res.hw_err, want);
    soft_reset(&e);
    /* C again from the untouched B buffer: MATMUL, STORE, FENCE */
    memset(c, 0xa5, cbytes);
    ck_assert_int_eq(e.t.mem_write(e.t.ctx, j.p.addr_c, c, cbytes), NPE_OK);
    npe_ring_result r2 = run_raw(&e, (const uint8_t (*)[64])&d[2], 3);
    ck_assert_uint_eq(r2.hw_err, 0);
    ck_assert_int_eq(e.t.mem_read(e.t.ctx, j.p.addr_c, c, cbytes), NPE_OK);
    ck_assert_mem_eq(c, j.c, cbytes);
  }
  free(c);
  mm_check(&j, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, m, n, k);
  eng_close(&e);

  /* the small build has no unpacker: CAP_FORMATS.SHERRY clear, and a
   * Sherry LOAD is BAD_OPCODE (the ring; it has no direct descriptors) */
  npesim_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.build = NPESIM_BUILD_SMALL;
  ck_assert_int_eq(npe_transport_sim_open(&cfg, &e.t), NPE_OK);
  e.sim = npe_transport_sim_get(&e.t);
  uint32_t cap;
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_CAP_FORMATS_REG_OFFSET, &cap), 0);
  ck_assert_uint_eq((cap >> NPE_CAP_FORMATS_SHERRY_BIT) & 1u, 0);
  e.ring.base = NPE_SIM_SMALL_MEM_BASE;
  e.ring.log2_n = 4;
  ck_assert_int_eq(npe_ring_setup(&e.t, &e.ring), NPE_OK);
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.flags = 1u << NPE_DESC_FLAG_SHERRY_BIT;
  f.fmt_b = NPE_FMT_TERNARY;
  f.spad = 1;
  f.m = 1;
  f.k = 8;
  f.addr_a = NPE_SIM_SMALL_MEM_BASE + 0x8000;
  npe_ring_result rs = eng_run_descs(&e, &f, 1);
  ck_assert_uint_eq(rs.hw_err, NPE_HW_ERR_BAD_OPCODE);
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* CSRs                                                                      */
/* ------------------------------------------------------------------------ */

typedef struct {
  const char *name;
  uint32_t off, acc, reset, rw, w1c, wo;
} reg_desc;

#define REG_ROW(name, off, acc, reset, rw, w1c, wo, hw) {#name, off, acc, reset, rw, w1c, wo},
static const reg_desc regs[] = {NPE_REG_LIST(REG_ROW)};

static int is_mapped(uint32_t off) {
  for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++)
    if (regs[i].off == off) return 1;
  return 0;
}

START_TEST(csr_every_register) {
  eng e;
  eng_open(&e, 20, 100, 100, 3);
  uint32_t v, before;
  /* identity and capabilities agree with the simulator build */
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_ID_REG_OFFSET, &v), 0);
  ck_assert_uint_eq(v, 0x4e504531u);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_CAP_ARRAY_REG_OFFSET, &v), 0);
  ck_assert_uint_eq((v >> NPE_CAP_ARRAY_ROWS_OFFSET) & NPE_CAP_ARRAY_ROWS_MASK, e.hw.rows);
  ck_assert_uint_eq((v >> NPE_CAP_ARRAY_COLS_OFFSET) & NPE_CAP_ARRAY_COLS_MASK, e.hw.cols);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_CAP_FORMATS_REG_OFFSET, &v), 0);
  ck_assert_uint_eq(v & 0x3f, 0x3f);
  /* stop the ring so TAIL patterns below start nothing */
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_CTRL_REG_OFFSET, &v), 0);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_CTRL_REG_OFFSET,
                                    v | (1u << NPE_CTRL_SOFT_RESET_BIT)), 0);
  for (size_t i = 0; i < sizeof regs / sizeof regs[0]; i++) {
    const reg_desc *r = &regs[i];
    if (r->acc == NPE_ACC_WO) continue;
    ck_assert_msg(npesim_csr_read(e.sim, r->off, &before) == 0, "read %s", r->name);
    if (r->acc == NPE_ACC_RO) {
      /* a write to a read-only register: SLVERR, nothing changes */
      ck_assert_msg(npesim_csr_write(e.sim, r->off, ~before) == 1, "RO write %s", r->name);
      ck_assert_int_eq(npesim_csr_read(e.sim, r->off, &v), 0);
      if (r->off < NPE_PERF_REG_OFFSET(0)) ck_assert_msg(v == before, "RO %s changed", r->name);
    } else if (r->acc == NPE_ACC_RW && r->off != NPE_CTRL_REG_OFFSET) {
      uint32_t pats[2] = {0xa5a5a5a5u & r->rw, 0x5a5a5a5au & r->rw};
      for (int k = 0; k < 2; k++) {
        ck_assert_int_eq(npesim_csr_write(e.sim, r->off, pats[k]), 0);
        ck_assert_int_eq(npesim_csr_read(e.sim, r->off, &v), 0);
        ck_assert_msg((v & r->rw) == pats[k], "RW %s: wrote %08x read %08x", r->name, pats[k], v);
      }
      ck_assert_int_eq(npesim_csr_write(e.sim, r->off, before), 0);
    }
  }
  /* w1c: INTR_TEST sets, writing 1 clears; irq follows enable */
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_INTR_ENABLE_REG_OFFSET, 0x4), 0);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_INTR_TEST_REG_OFFSET, 0x4), 0);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_INTR_STATE_REG_OFFSET, &v), 0);
  ck_assert_uint_eq(v & 0x4, 0x4);
  ck_assert_int_eq(npesim_irq(e.sim), 1);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_INTR_STATE_REG_OFFSET, 0x4), 0);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_INTR_STATE_REG_OFFSET, &v), 0);
  ck_assert_uint_eq(v & 0x4, 0);
  ck_assert_int_eq(npesim_irq(e.sim), 0);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_INTR_ENABLE_REG_OFFSET, 0), 0);
  /* unmapped offsets: SLVERR for reads and writes, never a hang */
  int unmapped = 0;
  for (uint32_t off = 0; off < 0x1000; off += 4) {
    if (is_mapped(off)) continue;
    ck_assert_msg(npesim_csr_read(e.sim, off, &v) == 1, "read of hole %03x", off);
    ck_assert_msg(npesim_csr_write(e.sim, off, 0xffffffffu) == 1, "write of hole %03x", off);
    unmapped++;
  }
  ck_assert_int_gt(unmapped, 500);
  /* the engine still works after all that */
  soft_reset(&e);
  run_mm(&e, NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_INT8, 1, 3, 3, 9, 5);
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Errors                                                                    */
/* ------------------------------------------------------------------------ */


/* A STORE of one binary32 row of 8 results from output buffer 2 to @p addr. */
static npe_desc_fields store_c(uint64_t addr) {
  npe_desc_fields f = {0};
  f.op = NPE_OP_STORE;
  f.flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
  f.spad = 2;
  f.m = 1, f.n = 8;
  f.addr_c = addr;
  f.stride_c = 64;
  return f;
}

START_TEST(bad_descriptors) {
  eng e;
  eng_open(&e, 20, 100, 100, 4);
  uint32_t idx;
  uint64_t addr;
  const uint64_t ok = NPE_SIM_MEM_BASE + (1u << 20);
  npe_desc_fields f = {0};
  f.op = 9; /* no such opcode */
  ck_assert_uint_eq(run_direct(&e, &f, &idx, NULL), NPE_HW_ERR_BAD_OPCODE);
  ck_assert_uint_eq(idx, 0xffff);
  soft_reset(&e);
  f.op = NPE_OP_RECUR; /* built: N = T = 0 are bad dimensions (tests/engine/test_recur.c) */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  npe_desc_fields mm = {0};
  mm.op = NPE_OP_MATMUL;
  mm.flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
  mm.fmt_a = NPE_FMT_FP4, mm.fmt_b = NPE_FMT_POSIT8, mm.m = 1, mm.n = 1, mm.k = 4;
  ck_assert_uint_eq(run_direct(&e, &mm, NULL, NULL), NPE_HW_ERR_BAD_FORMAT);
  soft_reset(&e);
  mm.fmt_b = NPE_FMT_FP4, mm.flags = 0, mm.fmt_out = 6; /* no such output format */
  ck_assert_uint_eq(run_direct(&e, &mm, NULL, NULL), NPE_HW_ERR_BAD_FORMAT);
  soft_reset(&e);
  mm.fmt_out = NPE_FMT_FP4, mm.m = (uint16_t)(e.hw.rows + 1);
  ck_assert_uint_eq(run_direct(&e, &mm, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  mm.m = 1, mm.k = 0;
  ck_assert_uint_eq(run_direct(&e, &mm, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  mm.k = 60000; /* more than a scratchpad row */
  ck_assert_uint_eq(run_direct(&e, &mm, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  f = load_a(ok + 4, 1, 64); /* misaligned */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, &addr), NPE_HW_ERR_ALIGN);
  ck_assert_uint_eq(addr, ok + 4);
  soft_reset(&e);
  f = load_a(ok, 1, 60); /* row not a multiple of 8 bytes */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_ALIGN);
  soft_reset(&e);
  f = load_a(ok, 8, 8 * (uint16_t)e.hw.a_bank_words); /* too many rows for A */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_SPAD_RANGE);
  soft_reset(&e);
  f.spad = 5;
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_SPAD_RANGE);
  soft_reset(&e);
  /* a bad descriptor in the ring is named by its index */
  uint8_t d[64];
  npe_desc_fields nop = {0};
  nop.op = NPE_OP_NOP;
  for (uint32_t i = 0; i < 3; i++) {
    npe_desc_encode(&nop, d);
    e.t.mem_write(e.t.ctx, e.ring.base + 64u * ((e.ring.tail + i) & 255u), d, 64);
  }
  npe_desc_encode(&mm, d); /* k = 60000: bad dims */
  uint32_t bad = (e.ring.tail + 3) & 255u;
  e.t.mem_write(e.t.ctx, e.ring.base + 64u * bad, d, 64);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_RING_TAIL_REG_OFFSET, (e.ring.tail + 4) & 255u), 0);
  ck_assert_int_eq(npesim_run_until_idle(e.sim, 100000), 0);
  uint32_t st, head;
  npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &st);
  npesim_csr_read(e.sim, NPE_RING_HEAD_REG_OFFSET, &head);
  ck_assert_uint_eq((st >> NPE_STATUS_ERR_OFFSET) & 0xff, NPE_HW_ERR_BAD_DIMS);
  ck_assert_uint_eq((st >> NPE_STATUS_ERR_IDX_OFFSET) & 0xffff, bad);
  ck_assert_uint_eq(head, bad); /* the NOPs ran, the bad one did not */
  soft_reset(&e);
  /* A bad descriptor queued in the FIFO behind a FENCE that waits for a
   * long MATMUL (on whatever the scratchpads hold; the DMA's read channel
   * stays free for the fetches): checked when the FENCE goes (the model's
   * npe_cmd keeps a head's check results while it waits, CheckOnce: they
   * must not outlive the head; on the planted build of
   * sim-enable-plant-test they do). */
  {
    npe_desc_fields q[3];
    memset(&q[0], 0, sizeof q[0]);
    q[0].op = NPE_OP_MATMUL; /* INT8, about 2,000 cycles */
    q[0].flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
    q[0].fmt_a = NPE_FMT_INT8, q[0].fmt_b = NPE_FMT_INT8, q[0].m = (uint16_t)e.hw.rows;
    q[0].n = (uint16_t)(e.hw.cols * 16), q[0].k = 256;
    memset(&q[1], 0, sizeof q[1]);
    q[1].op = NPE_OP_FENCE;
    memset(&q[2], 0, sizeof q[2]);
    q[2].op = NPE_OP_MATMUL; /* FP4 x POSIT8: bad format */
    q[2].flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
    q[2].fmt_a = NPE_FMT_FP4, q[2].fmt_b = NPE_FMT_POSIT8, q[2].m = 1, q[2].n = 1, q[2].k = 4;
    for (uint32_t i = 0; i < 3; i++) {
      npe_desc_encode(&q[i], d);
      e.t.mem_write(e.t.ctx, e.ring.base + 64u * ((e.ring.tail + i) & 255u), d, 64);
    }
    bad = (e.ring.tail + 2) & 255u;
    ck_assert_int_eq(npesim_csr_write(e.sim, NPE_RING_TAIL_REG_OFFSET, (e.ring.tail + 3) & 255u), 0);
    ck_assert_int_eq(npesim_run_until_idle(e.sim, 100000), 0);
    npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &st);
    npesim_csr_read(e.sim, NPE_RING_HEAD_REG_OFFSET, &head);
    ck_assert_msg(((st >> NPE_STATUS_ERR_OFFSET) & 0xff) == NPE_HW_ERR_BAD_FORMAT &&
                      ((st >> NPE_STATUS_ERR_IDX_OFFSET) & 0xffff) == bad && head == bad,
                  "queued behind a FENCE: ERR %u at %u, head %u; want BAD_FORMAT (%u) at %u",
                  (st >> NPE_STATUS_ERR_OFFSET) & 0xff, (st >> NPE_STATUS_ERR_IDX_OFFSET) & 0xffff,
                  head, NPE_HW_ERR_BAD_FORMAT, bad);
  }
  soft_reset(&e);
  run_mm(&e, NPE_FMT_POSIT8, NPE_FMT_POSIT8, NPE_FMT_POSIT8, 0, 5, 6, 40, 9);
  eng_close(&e);
}
END_TEST

START_TEST(dma_window_and_faults) {
  eng e;
  eng_open(&e, 20, 100, 100, 5);
  uint32_t idx;
  uint64_t addr;
  const uint64_t base = NPE_SIM_MEM_BASE;
  /* shrink the window to the first 2 MiB of memory */
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET,
                                    (uint32_t)(base + (2u << 20))), 0);
  /* LOAD from outside the window: refused, named, nothing read */
  npe_desc_fields f = load_a(base + (3u << 20), 1, 64);
  ck_assert_uint_eq(run_direct(&e, &f, &idx, &addr), NPE_HW_ERR_DMA_WINDOW);
  ck_assert_uint_eq(addr, base + (3u << 20));
  soft_reset(&e);
  /* a LOAD straddling the limit is refused too */
  f = load_a(base + (2u << 20) - 32, 1, 64);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_DMA_WINDOW);
  soft_reset(&e);
  /* STORE outside the window: refused, memory untouched */
  uint8_t pat[64], back[64];
  memset(pat, 0x3c, sizeof pat);
  e.t.mem_write(e.t.ctx, base + (3u << 20), pat, 64);
  npe_desc_fields st = store_c(base + (3u << 20));
  ck_assert_uint_eq(run_direct(&e, &st, NULL, &addr), NPE_HW_ERR_DMA_WINDOW);
  e.t.mem_read(e.t.ctx, base + (3u << 20), back, 64);
  ck_assert(!memcmp(pat, back, 64));
  soft_reset(&e);
  /* the ring itself outside the window: its fetch is refused */
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_BASE_LO_REG_OFFSET,
                                    (uint32_t)(base + 4096)), 0);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_RING_TAIL_REG_OFFSET, (e.ring.tail + 1) & 255u), 0);
  ck_assert_int_eq(npesim_run_until_idle(e.sim, 100000), 0);
  uint32_t s;
  npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &s);
  ck_assert_uint_eq((s >> NPE_STATUS_ERR_OFFSET) & 0xff, NPE_HW_ERR_DMA_WINDOW);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_BASE_LO_REG_OFFSET, (uint32_t)base), 0);
  soft_reset(&e);
  /* bus errors: SLVERR on a read, DECERR on a write, reported with address */
  ck_assert_int_eq(npesim_inject_error(e.sim, base + 0x180000, base + 0x180100, 2), 0);
  ck_assert_int_eq(npesim_inject_error(e.sim, base + 0x190000, base + 0x190100, 3), 0);
  f = load_a(base + 0x17ffc0, 1, 128);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, &addr), NPE_HW_ERR_DMA_SLVERR);
  ck_assert_uint_eq(addr, base + 0x180000);
  soft_reset(&e);
  st.addr_c = base + 0x190000;
  ck_assert_uint_eq(run_direct(&e, &st, NULL, &addr), NPE_HW_ERR_DMA_DECERR);
  ck_assert_uint_eq(addr, base + 0x190000);
  soft_reset(&e);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET,
                                    (uint32_t)(base + NPE_SIM_MEM_SIZE)), 0);
  /* and the engine recovers without restarting the simulation */
  run_mm(&e, NPE_FMT_FP4, NPE_FMT_FP4, NPE_FMT_FP4, 1, 6, 7, 50, 11);
  eng_close(&e);
}
END_TEST

/* SOFT_RESET in the middle of a running job: the engine drains, drops the
 * rest of the ring, reports nothing wrong, and runs the next job correctly. */
START_TEST(soft_reset_mid_job) {
  eng e;
  eng_open(&e, 100, 100, 100, 6);
  for (int when = 0; when < 4; when++) {
    npe_mm_plan p;
    uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
    ck_assert_int_eq(npe_tiler_plan(&e.hw, NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_INT8, 1, 64, 64,
                                    512, base, base + (1u << 20), base + (2u << 20), &p),
                     NPE_OK);
    tiler_src src = {&p, {0, 0, 0, 0}};
    npe_ring_stream st;
    memset(&st, 0, sizeof st);
    st.src = tiler_next;
    st.src_ctx = &src;
    ck_assert_int_eq(npe_ring_pump(&e.t, &e.ring, &st), NPE_OK);
    /* let it run into different phases: fetch, load, matmul, store */
    npesim_step(e.sim, 50u + 700u * (unsigned)when);
    soft_reset(&e);
    uint32_t status;
    ck_assert_int_eq(npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &status), 0);
    ck_assert_uint_eq(status & 1u, 0); /* idle */
    run_mm(&e, NPE_FMT_POSIT8, NPE_FMT_POSIT8, NPE_FMT_POSIT8, when & 1, 6, 9, 48,
           40 + (uint64_t)when);
  }
  eng_close(&e);
}
END_TEST

/* @p rounds rounds of 1-3 random descriptors (valid opcodes with random
 * fields, and garbage) through the ring, addresses inside [lo, hi), across
 * hi or above it; each must end (no hang); a round that ends in STATUS.ERR
 * is followed by a soft reset. Counts the rounds that failed and ran. */
static void random_desc_rounds(eng *e, uint64_t *s, int rounds, uint64_t lo, uint64_t hi,
                               int *errors, int *completed) {
  for (int round = 0; round < rounds; round++) {
    uint8_t d[64];
    int count = 1 + (int)(rng_next(s) % 3);
    for (int i = 0; i < count; i++) {
      for (int b = 0; b < 64; b++) d[b] = (uint8_t)rng_next(s);
      npe_desc_fields f = {0};
      f.op = (uint8_t)(rng_next(s) % 7); /* NOP .. RECUR */
      f.flags = (uint8_t)(rng_next(s) & 0x05); /* IRQ, OUT_FP32 */
      f.fmt_a = f.fmt_b = (uint8_t)(rng_next(s) % 7);
      f.fmt_out = (uint8_t)(rng_next(s) % 7);
      f.spad = (uint8_t)(rng_next(s) % 3 | (rng_next(s) & 0x80));
      f.m = (uint16_t)(rng_next(s) % 6);
      f.n = (uint16_t)(rng_next(s) % 80);
      f.k = (uint16_t)(8 * (rng_next(s) % 64));
      /* addresses inside, straddling or outside the window */
      uint64_t where = rng_next(s) % 3;
      uint64_t a = where == 0 ? lo + 8 * (rng_next(s) % 200000)
                 : where == 1 ? hi - 8 * (rng_next(s) % 64) : hi + 8 * (rng_next(s) % 4096);
      f.addr_a = f.addr_c = a;
      f.stride_a = f.stride_c = (uint32_t)(8 * (rng_next(s) % 300));
      /* NLU: B, F, S, segments and split at random (half of them legal) */
      f.aux = (uint32_t)rng_next(s) & 0xfffff1ffu;
      /* RECUR: short sequences, INIT and OUT_LAST at random, often legal */
      f.t = (uint16_t)(rng_next(s) % 40);
      f.addr_b = a + 8 * (rng_next(s) % 16);
      if (f.op == NPE_OP_RECUR && rng_next(s) % 4) f.aux &= 0x130u;
      if (rng_next(s) % 8) npe_desc_encode(&f, d); /* else: pure garbage */
      e->t.mem_write(e->t.ctx, e->ring.base + 64u * e->ring.tail, d, 64);
      e->ring.tail = (e->ring.tail + 1) & 255u;
    }
    ck_assert_int_eq(npesim_csr_write(e->sim, NPE_RING_TAIL_REG_OFFSET, e->ring.tail), 0);
    ck_assert_msg(npesim_run_until_idle(e->sim, 2000000) == 0, "hang in round %d", round);
    uint32_t st;
    ck_assert_int_eq(npesim_csr_read(e->sim, NPE_STATUS_REG_OFFSET, &st), 0);
    if ((st >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK) {
      (*errors)++;
      soft_reset(e);
    } else {
      (*completed)++;
    }
  }
}

/* Random descriptors (valid opcodes with random fields, and garbage): the
 * engine never hangs, never breaks the AXI rules, and never writes outside
 * the DMA window; after an error a soft reset brings it back. */
START_TEST(random_descriptors_never_escape) {
  eng e;
  eng_open(&e, 30, 80, 80, 8);
  const uint64_t base = NPE_SIM_MEM_BASE, lo = base + (1u << 20), hi = base + (3u << 20);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)hi), 0);
  /* a canary just above the window: nothing may ever change it */
  static uint8_t canary[65536], back[65536];
  for (size_t i = 0; i < sizeof canary; i++) canary[i] = (uint8_t)(i * 131 + 7);
  e.t.mem_write(e.t.ctx, hi, canary, sizeof canary);
  uint64_t s = 99;
  int errors = 0, completed = 0;
  random_desc_rounds(&e, &s, 120, lo, hi, &errors, &completed);
  e.t.mem_read(e.t.ctx, hi, back, sizeof back);
  ck_assert_msg(!memcmp(canary, back, sizeof back), "memory outside the window changed");
  if (getenv("NPE_TEST_VERBOSE"))
    fprintf(stderr, "random descriptors: %d rounds failed, %d ran\n", errors, completed);
  ck_assert_int_gt(errors, 0);
  ck_assert_int_gt(completed, 0);
  /* and it still computes correctly */
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET,
                                    (uint32_t)(base + NPE_SIM_MEM_SIZE)), 0);
  run_mm(&e, NPE_FMT_INT8, NPE_FMT_TERNARY, NPE_FMT_INT8, 1, 7, 5, 30, 3);
  eng_close(&e);
}
END_TEST

/* A doorbell while the ring keeps the descriptor FIFO full is queued, not
 * dropped: its NOP (with FLAGS.IRQ) completes after the ring drains. */
/* ------------------------------------------------------------------------ */
/* NLU opcode: MATMUL (binary32) -> NLU -> STORE (2-byte codes)              */
/* ------------------------------------------------------------------------ */

/* Writes every segment of @p tab through NLU_TBL_ADDR / NLU_TBL_DATA. */
static void nlu_load(eng *e, const npe_nlu_table *tab) {
  for (unsigned s = 0; s < tab->nseg; s++) {
    ck_assert_int_eq(npesim_csr_write(e->sim, NPE_NLU_TBL_ADDR_REG_OFFSET, 256u * s + 1u), 0);
    for (unsigned j = 1; j < (1u << tab->bits); j++)
      ck_assert_int_eq(npesim_csr_write(e->sim, NPE_NLU_TBL_DATA_REG_OFFSET,
                                        (uint32_t)tab->seg_t[s][j - 1] & 0x1ffffu), 0);
  }
}

static uint32_t nlu_aux(const npe_nlu_table *tab, unsigned frac, unsigned shr) {
  return tab->bits | frac << 4 | (tab->nseg == 2 ? 1u << 8 : 0) | shr << 12 |
         ((uint32_t)tab->split & 0xffffu) << 16;
}

/* One M x N x K matmul of format @p f followed by the NLU of @p tab with F =
 * @p frac; every code checked against the golden chain quire -> binary32 ->
 * npe_nlu_from_double -> npe_nlu_table_eval. Returns the ADC_CONV count. */
static uint64_t run_mm_nlu(eng *e, npe_fmt f, const npe_nlu_table *tab, unsigned frac,
                           unsigned shr, uint32_t m, uint32_t n, uint32_t k, uint64_t seed,
                           unsigned min_distinct) {
  uint32_t lo, hi;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_PERF_ADC_CONV_LO_REG_OFFSET, &lo), 0);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_PERF_ADC_CONV_HI_REG_OFFSET, &hi), 0);
  uint64_t conv0 = (uint64_t)hi << 32 | lo;
  mm_job job;
  mm_run(e, &job, f, f, f, 0, nlu_aux(tab, frac, shr), m, n, k, seed);
  const npe_mm_plan p = job.p;
  const uint8_t *c = job.c;
  float *g = mm_golden_f32(&job, m, n, k);
  unsigned codes_seen[256] = {0};
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      float fv = g[(size_t)i * n + j];
      int32_t x;
      unsigned want;
      /* NaN (a NaR dot product) enters the NLU as 0 (docs/REGMAP.md, NLU) */
      if (fv != fv) x = 0;
      else ck_assert_int_eq(npe_nlu_from_double(ldexp(fv, -(int)shr), frac, &x), NPE_OK);
      ck_assert_int_eq(npe_nlu_table_eval(tab, x, &want), NPE_OK);
      const uint8_t *cell = c + npe_tiler_c_offset(&p, i, j);
      unsigned got = (unsigned)(cell[0] | cell[1] << 8);
      ck_assert_msg(got == want, "NLU B=%u F=%u nseg=%u: C[%u][%u] = %u, golden %u (v = %g, x = %d)",
                    tab->bits, frac, tab->nseg, i, j, got, want, (double)fv, (int)x);
      codes_seen[want & 255]++;
    }
  }
  /* the inputs must exercise the staircase, not one flat end of it */
  unsigned distinct = 0;
  for (int i = 0; i < 256; i++) distinct += codes_seen[i] != 0;
  ck_assert_msg(distinct >= min_distinct, "only %u distinct codes (B=%u F=%u %s)", distinct,
                tab->bits, frac, npe_fmt_name(f));
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_PERF_ADC_CONV_LO_REG_OFFSET, &lo), 0);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_PERF_ADC_CONV_HI_REG_OFFSET, &hi), 0);
  free(g);
  mm_free(&job);
  return ((uint64_t)hi << 32 | lo) - conv0;
}

START_TEST(nlu_after_matmul) {
  eng e;
  eng_open(&e, 30, 80, 80, 11);
  static const struct {
    npe_nlu_func fn;
    unsigned bits, frac, shr;
    npe_fmt f;
    uint32_t m, n, k;
    unsigned min_distinct;  /* the inputs must climb the staircase, not sit at one end */
  } cases[] = {
      {NPE_NLU_SIGMOID, 6, 4, 0, NPE_FMT_FP4, 7, 9, 24, 4},
      {NPE_NLU_TANH, 4, 6, 0, NPE_FMT_FP4, 5, 13, 2, 4},
      {NPE_NLU_EXP, 8, 8, 0, NPE_FMT_FP4, 4, 30, 1, 4},
      {NPE_NLU_LINEAR, 8, 0, 0, NPE_FMT_POSIT16, 4, 6, 16, 2}, /* huge and tiny: saturation */
      {NPE_NLU_LINEAR, 8, 0, 0, NPE_FMT_FP4, 8, 30, 1, 8},     /* exact halves: ties to even */
      {NPE_NLU_LINEAR, 8, 0, 3, NPE_FMT_FP4, 8, 30, 1, 8},     /* right shift, its ties */
      {NPE_NLU_SILU, 5, 5, 0, NPE_FMT_POSIT8, 9, 11, 20, 2},   /* two segments */
      {NPE_NLU_GELU, 3, 6, 0, NPE_FMT_FP4, 6, 70, 2, 4},       /* two segments, many groups */
      {NPE_NLU_SOFTPLUS, 7, 2, 0, NPE_FMT_INT8, 3, 5, 8, 2},
      {NPE_NLU_SIGMOID, 8, 8, 9, NPE_FMT_INT8, 6, 9, 16, 8},   /* int8 dots scaled down */
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    npe_nlu_spec spec;
    npe_nlu_table tab;
    ck_assert_int_eq(npe_nlu_spec_default(cases[i].fn, cases[i].bits, &spec), NPE_OK);
    spec.in_frac_bits = cases[i].frac;
    ck_assert_int_eq(npe_nlu_table_gen(&spec, &tab), NPE_OK);
    nlu_load(&e, &tab);
    uint64_t conv = run_mm_nlu(&e, cases[i].f, &tab, cases[i].frac, cases[i].shr, cases[i].m,
                               cases[i].n,
                               cases[i].k, 500 + i, cases[i].min_distinct);
    /* one conversion of every PE's element per column group */
    uint64_t groups = (cases[i].n + e.hw.cols - 1) / e.hw.cols;
    ck_assert_uint_eq(conv % ((uint64_t)e.hw.rows * e.hw.cols), 0);
    ck_assert_uint_ge(conv, groups * e.hw.rows * e.hw.cols);
  }
  /* bad AUX and scratchpad fields: refused, nothing runs */
  npe_desc_fields f = {0};
  f.op = NPE_OP_NLU;
  f.spad = 2;
  f.m = 1;
  f.n = 1;
  const uint32_t bad_aux[] = {0x00, 0x09, 0xf4, 0x1f, 0x284 /* reserved AUX[9] */};
  for (size_t i = 0; i < sizeof bad_aux / sizeof bad_aux[0]; i++) {
    f.aux = bad_aux[i];
    ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_AUX);
    soft_reset(&e);
  }
  f.aux = 0x84;
  f.spad = 1;
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_SPAD_RANGE);
  soft_reset(&e);
  f.spad = 2;
  f.m = (uint16_t)(e.hw.rows + 1);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  /* a table write while an NLU descriptor runs: SLVERR, the table unchanged */
  f.m = 1;
  f.n = (uint16_t)(e.hw.cols * e.hw.out_groups);
  f.aux = 0x88;  /* B = 8: 256 cycles per group */
  post_direct(&e, &f);
  uint32_t a0, a1;
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_NLU_TBL_ADDR_REG_OFFSET, &a0), 0);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DOORBELL_REG_OFFSET, 1), 0);
  npesim_step(e.sim, 50);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_NLU_TBL_DATA_REG_OFFSET, 0), 1);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_NLU_TBL_ADDR_REG_OFFSET, &a1), 0);
  ck_assert_uint_eq(a0, a1);
  ck_assert_int_eq(npesim_run_until_idle(e.sim, 1000000), 0);
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* XBAR opcode: program the tile, run y = f(W x), against the tile model     */
/* ------------------------------------------------------------------------ */

static npe_desc_fields xb_desc(int program, uint8_t spad, uint16_t m, uint16_t n, uint16_t k,
                               uint32_t aux) {
  npe_desc_fields f = {0};
  f.op = NPE_OP_XBAR;
  f.flags = program ? 1u << NPE_DESC_FLAG_PROGRAM_BIT : 0;
  f.fmt_a = f.fmt_b = NPE_FMT_INT8;
  f.spad = spad;
  f.m = m;
  f.n = n;
  f.k = k;
  f.aux = aux;
  return f;
}

/* Programs an N x K tile from B buffer 1, runs M vectors from A buffer 0
 * into output buffer 1, stores the codes, and checks each against @p want
 * (computed by the caller from the same W and x). */
static void xb_job(eng *e, const int8_t *w, const int8_t *x, uint32_t m, uint32_t n, uint32_t k,
                   uint32_t aux, uint8_t *codes) {
  const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  const uint64_t aw = base, ax = base + 0x10000, ac = base + 0x20000;
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, aw, w, (size_t)n * k), NPE_OK);
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, ax, x, (size_t)m * k), NPE_OK);
  npe_desc_fields f = load_a(aw, (uint16_t)n, (uint16_t)k);
  f.spad = 1 | 0x80; /* B, buffer 1 */
  ck_assert_uint_eq(run_direct(e, &f, NULL, NULL), 0);
  f = xb_desc(1, 0x02, 0, (uint16_t)n, (uint16_t)k, 0);
  ck_assert_uint_eq(run_direct(e, &f, NULL, NULL), 0);
  f = load_a(ax, (uint16_t)m, (uint16_t)k);
  ck_assert_uint_eq(run_direct(e, &f, NULL, NULL), 0);
  f = xb_desc(0, 0x04, (uint16_t)m, (uint16_t)n, (uint16_t)k, aux);
  ck_assert_uint_eq(run_direct(e, &f, NULL, NULL), 0);
  npe_desc_fields st = {0};
  st.op = NPE_OP_STORE;
  st.spad = 2 | 0x80;
  st.m = (uint16_t)m;
  st.n = (uint16_t)n;
  st.addr_c = ac;
  st.stride_c = (uint32_t)((2 * n + 7) & ~7u);
  ck_assert_uint_eq(run_direct(e, &st, NULL, NULL), 0);
  uint8_t cell[2];
  for (uint32_t r = 0; r < m; r++)
    for (uint32_t j = 0; j < n; j++) {
      ck_assert_int_eq(e->t.mem_read(e->t.ctx, ac + r * st.stride_c + 2 * j, cell, 2), NPE_OK);
      codes[r * n + j] = cell[0];
      ck_assert_uint_eq(cell[1], 0);
    }
}

/* One XBAR job: random INT8 weights and inputs (full range, or in {-1, 0,
 * 1} with small), programmed, run through a B-bit table (sigmoid, or linear
 * over [-K, K] with small) after a right shift of shr, every code against
 * the crossbar model's exact digital path (models/xbar). */
typedef struct { uint32_t m, n, k, bits, shr; int small; } xb_case;
static const xb_case xb_cases[] = {
    {1, 64, 64, 6, 11, 0}, {4, 64, 64, 8, 12, 0}, {3, 13, 24, 5, 9, 0}, {2, 1, 8, 4, 6, 0},
    {4, 64, 64, 8, 0, 1},  {3, 7, 8, 8, 0, 1}};

static void xb_check_case(eng *e, uint64_t *s, const xb_case *c, int check_spread) {
  const uint32_t m = c->m, n = c->n, k = c->k, bits = c->bits, shr = c->shr;
  const int small = c->small;
  int8_t w[64 * 64], x[4 * 64];
  int16_t w16[64 * 64], x16[64];
  const uint64_t span = small ? 3 : 255, off = small ? 1 : 127;
  for (uint32_t i = 0; i < n * k; i++) w16[i] = w[i] = (int8_t)(rng_next(s) % span - off);
  for (uint32_t i = 0; i < m * k; i++) x[i] = (int8_t)(rng_next(s) % span - off);
  /* the oracle: the crossbar model's exact digital path (models/xbar) with a
   * sigmoid table over integer input codes: F = 0, acc_shift = S */
  npe_nlu_spec spec;
  npe_nlu_table tab;
  ck_assert_int_eq(npe_nlu_spec_default(small ? NPE_NLU_LINEAR : NPE_NLU_SIGMOID,
                                        bits, &spec), NPE_OK);
  spec.in_frac_bits = 0;
  if (small) spec.in_lo = spec.out_lo = -(double)k, spec.in_hi = spec.out_hi = k;
  ck_assert_int_eq(npe_nlu_table_gen(&spec, &tab), NPE_OK);
  npe_xbar_cfg cfg;
  npe_xbar *tile;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, k, n), NPE_OK);
  npe_xbar_cfg_ideal(&cfg);
  cfg.exact = 1;
  cfg.g_levels = 128;
  cfg.dac_bits = 8;
  cfg.acc_shift = shr;
  ck_assert_int_eq(npe_xbar_create(&cfg, &tile), NPE_OK);
  ck_assert_int_eq(npe_xbar_program(tile, w16, &tab, NULL), NPE_OK);
  nlu_load(e, &tab);
  uint8_t got[4 * 64];
  xb_job(e, w, x, m, n, k, tab.bits | shr << 12, got);
  unsigned distinct = 0, seen[256] = {0};
  for (uint32_t r = 0; r < m; r++) {
    unsigned want[64];
    for (uint32_t i = 0; i < k; i++) x16[i] = x[r * k + i];
    ck_assert_int_eq(npe_xbar_digital(tile, x16, want, NULL), NPE_OK);
    for (uint32_t j = 0; j < n; j++) {
      ck_assert_msg(got[r * n + j] == want[j], "XBAR %ux%ux%u: y[%u][%u] = %u, model %u", m, n,
                    k, r, j, got[r * n + j], want[j]);
      distinct += !seen[want[j]]++;
    }
  }
  /* (the fixed test's seeds climb the staircase; the soak's random ones
   * need not) */
  if (check_spread)
    ck_assert_msg(distinct >= (n >= 8 ? 3u : 1u), "only %u distinct codes", distinct);
  npe_xbar_destroy(tile);
}

START_TEST(xbar_program_and_run) {
  eng e;
  eng_open(&e, 25, 90, 90, 13);
  uint32_t v;
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_CAP_FORMATS_REG_OFFSET, &v), 0);
  ck_assert_uint_eq((v >> NPE_CAP_FORMATS_XBAR_BIT) & 1u, 1);
  /* sigmoid of full-range INT8 products; and (small) weights and inputs in
   * {-1, 0, 1} through a linear table over [-K, K], where every column sum
   * has its own code, so any arithmetic slip shows */
  uint64_t s = 5;
  for (size_t c = 0; c < sizeof xb_cases / sizeof xb_cases[0]; c++)
    xb_check_case(&e, &s, &xb_cases[c], 1);
  /* bad input: each refused with its code, nothing runs */
  npe_desc_fields f = xb_desc(0, 0x04, 1, 5, 16, 0x84);  /* N, K not as programmed */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_XBAR_STATE);
  soft_reset(&e); /* which also forgets the tile */
  f = xb_desc(0, 0x04, 1, 1, 8, 0x84);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_XBAR_STATE);
  soft_reset(&e);
  f = xb_desc(1, 0x02, 0, 8, 12, 0);  /* K not a multiple of 8 */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  f = xb_desc(1, 0x02, 0, 8, 72, 0);  /* K above the tile */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  f = xb_desc(1, 0x02, 0, 65, 8, 0);  /* N above the tile */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_DIMS);
  soft_reset(&e);
  f = xb_desc(1, 0x02, 0, 8, 8, 0);
  f.fmt_a = f.fmt_b = NPE_FMT_POSIT8;
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_FORMAT);
  soft_reset(&e);
  f = xb_desc(1, 0x02, 0, 8, 8, 0);
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), 0);
  f = xb_desc(0, 0x04, 1, 8, 8, 0x09);  /* B = 9 */
  ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), NPE_HW_ERR_BAD_AUX);
  soft_reset(&e);
  /* the array still works after all that */
  run_mm(&e, NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_INT8, 1, 5, 7, 24, 3);
  eng_close(&e);
}
END_TEST

/* The same opcode on the analog tile model (npesim_config.xbar_analog):
 * with every non-ideality at zero it gives the digital codes exactly; with
 * programming error and read noise the codes scatter around them, without
 * bias, and more with more noise. */
static void xb_analog_errors(double sigma, double *mean, double *rms, int *exact, int *count) {
  npe_xbar_cfg cfg;
  ck_assert_int_eq(npe_xbar_cfg_default(&cfg, 64, 64), NPE_OK);
  npe_xbar_cfg_ideal(&cfg);
  cfg.prog_sigma = cfg.read_sigma = sigma;
  cfg.seed = 7;
  /* programming costs pulses x cycles per device: keep it short here */
  cfg.prog_pulses = 1, cfg.prog_pulse_cycles = 2;
  eng e;
  eng_open_x(&e, 25, 100, 100, 21, &cfg);
  const uint32_t m = 4, n = 64, k = 64;
  npe_nlu_spec spec;
  npe_nlu_table tab;
  ck_assert_int_eq(npe_nlu_spec_default(NPE_NLU_LINEAR, 8, &spec), NPE_OK);
  spec.in_frac_bits = 0;
  spec.in_lo = spec.out_lo = -64, spec.in_hi = spec.out_hi = 64;
  ck_assert_int_eq(npe_nlu_table_gen(&spec, &tab), NPE_OK);
  nlu_load(&e, &tab);
  uint64_t s = 77;
  double sum = 0, sq = 0;
  int cnt = 0, same = 0;
  static int8_t w[64 * 64], x[4 * 64];
  static int16_t w16[64 * 64];
  for (uint32_t i = 0; i < n * k; i++) w16[i] = w[i] = (int8_t)(rng_next(&s) % 3) - 1;
  npe_xbar_cfg dc;
  npe_xbar *tile;
  ck_assert_int_eq(npe_xbar_cfg_default(&dc, k, n), NPE_OK);
  npe_xbar_cfg_ideal(&dc);
  dc.exact = 1, dc.g_levels = 128, dc.dac_bits = 8, dc.acc_shift = 4;
  ck_assert_int_eq(npe_xbar_create(&dc, &tile), NPE_OK);
  ck_assert_int_eq(npe_xbar_program(tile, w16, &tab, NULL), NPE_OK);
  for (int round = 0; round < 4; round++) {
    for (uint32_t i = 0; i < m * k; i++) x[i] = (int8_t)(rng_next(&s) % 31) - 15;
    uint8_t got[4 * 64];
    xb_job(&e, w, x, m, n, k, tab.bits | 4u << 12, got);
    for (uint32_t r = 0; r < m; r++) {
      int16_t x16[64];
      unsigned want[64];
      for (uint32_t i = 0; i < k; i++) x16[i] = x[r * k + i];
      ck_assert_int_eq(npe_xbar_digital(tile, x16, want, NULL), NPE_OK);
      for (uint32_t j = 0; j < n; j++) {
        double d = (double)got[r * n + j] - (double)want[j];
        sum += d, sq += d * d, cnt++, same += d == 0;
      }
    }
  }
  npe_xbar_destroy(tile);
  eng_close(&e);
  *mean = sum / cnt;
  *rms = sqrt(sq / cnt);
  *exact = same == cnt;
  *count = cnt;
}

START_TEST(xbar_analog_model) {
  double mean, rms0, rms1, rms2;
  int exact, cnt;
  xb_analog_errors(0.0, &mean, &rms0, &exact, &cnt);
  ck_assert_msg(exact, "ideal analog tile differs from the digital path (rms %g)", rms0);
  /* sigma is a fraction of the device range (128 levels) against weights of
   * +-1, so small sigmas already move codes; the mean stays within four
   * standard errors of zero, the spread grows with sigma */
  xb_analog_errors(0.002, &mean, &rms1, &exact, &cnt);
  ck_assert_msg(rms1 > 0.1 && fabs(mean) < 4 * rms1 / sqrt(cnt) + 0.05,
                "sigma 0.002: mean %g rms %g", mean, rms1);
  xb_analog_errors(0.008, &mean, &rms2, &exact, &cnt);
  ck_assert_msg(rms2 > 2 * rms1 && fabs(mean) < 4 * rms2 / sqrt(cnt) + 0.05,
                "sigma 0.008: mean %g rms %g (0.002: %g)", mean, rms2, rms1);
  if (getenv("NPE_TEST_VERBOSE"))
    fprintf(stderr, "xbar analog: rms code error %.3f (sigma 0.002), %.3f (0.008)\n", rms1, rms2);
}
END_TEST

START_TEST(doorbell_while_ring_busy) {
  eng e;
  eng_open(&e, 100, 100, 100, 9);
  uint8_t d[64];
  npe_desc_fields ld = load_a(NPE_SIM_MEM_BASE + (1u << 20), 4, 4096);
  ld.spad = 0;
  npe_desc_encode(&ld, d);
  for (int i = 0; i < 12; i++) {
    e.t.mem_write(e.t.ctx, e.ring.base + 64u * e.ring.tail, d, 64);
    e.ring.tail = (e.ring.tail + 1) & 255u;
  }
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_INTR_STATE_REG_OFFSET, 7), 0);
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_RING_TAIL_REG_OFFSET, e.ring.tail), 0);
  npesim_step(e.sim, 600); /* the FIFO is full of LOADs by now */
  npe_desc_fields nop = {0};
  nop.op = NPE_OP_NOP;
  nop.flags = 1u << NPE_DESC_FLAG_IRQ_BIT;
  post_direct(&e, &nop);
  uint32_t st, head, intr;
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &st), 0);
  ck_assert_uint_eq(st & 1u, 1); /* still busy with the ring */
  ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DOORBELL_REG_OFFSET, 1), 0);
  ck_assert_int_eq(npesim_run_until_idle(e.sim, 1000000), 0);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &st), 0);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_RING_HEAD_REG_OFFSET, &head), 0);
  ck_assert_int_eq(npesim_csr_read(e.sim, NPE_INTR_STATE_REG_OFFSET, &intr), 0);
  ck_assert_uint_eq((st >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK, 0);
  ck_assert_uint_eq(head, e.ring.tail);
  ck_assert_uint_eq((intr >> NPE_INTR_STATE_DESC_BIT) & 1u, 1);
  run_mm(&e, NPE_FMT_FP4, NPE_FMT_FP4, NPE_FMT_FP4, 1, 5, 5, 20, 12);
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Performance counters: the numbers users read, against the arithmetic of  */
/* the descriptors that ran (rtl/engine/npe_top.sv, "Performance counters") */
/* ------------------------------------------------------------------------ */

static void perf_clear(eng *e) {
  uint32_t ctrl;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_CTRL_REG_OFFSET, &ctrl), 0);
  ck_assert_uint_eq((ctrl >> NPE_CTRL_PERF_EN_BIT) & 1u, 1);
  ck_assert_int_eq(npesim_csr_write(e->sim, NPE_CTRL_REG_OFFSET,
                                    ctrl | (1u << NPE_CTRL_PERF_CLEAR_BIT)), 0);
}

/* Counter i, _LO first (it captures the high word _HI returns). */
static uint64_t perf_read(eng *e, unsigned i) {
  uint32_t lo, hi;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_PERF_REG_OFFSET(i), &lo), 0);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_PERF_REG_OFFSET(i) + 4u, &hi), 0);
  return (uint64_t)hi << 32 | lo;
}

static uint32_t cap_lanes(eng *e) {
  uint32_t v;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_CAP_ARRAY_REG_OFFSET, &v), 0);
  return (v >> NPE_CAP_ARRAY_LANES_OFFSET) & NPE_CAP_ARRAY_LANES_MASK;
}

static uint64_t div_up(uint64_t a, uint64_t b) { return (a + b - 1) / b; }

/* What the counters of a finished descriptor stream must read, from the
 * descriptors alone (read back with the generated accessors):
 *   DMA_RD_BYTES  64 per descriptor fetched from the ring + M x K per LOAD
 *                 (K is bytes per row for LOAD, a multiple of 8: whole beats)
 *   DMA_WR_BYTES  per STORE, M rows of N elements of 4 (OUT_FP32) or 2
 *                 bytes; the counter counts 8 per write beat and a row is
 *                 ceil(N x size / 8) beats (its last beat strobes off the
 *                 bytes past the row), so M x ceil(N x size / 8) x 8
 *   MACS_<f>      M x N x K per MATMUL, in its format's slot (int8 x ternary
 *                 in TERNARY)
 *   issued lanes  per MATMUL, every PE word of every active PE: lanes(f) x
 *                 ceil(K / lanes(f)) words x M x N PEs (a padded lane of the
 *                 last word is issued but does no MAC)
 *   issue cycles  per MATMUL, ceil(K / lanes) words x ceil(N / Cols) groups
 *                 (MATVEC: groups of Rows x Cols outputs)
 */
typedef struct {
  uint64_t descs, rd_bytes, wr_bytes, macs[NPE_FMT_COUNT], issued_lanes, issue_cycles;
} stream_sums;

static void sum_desc(const uint8_t *d, uint32_t rows, uint32_t cols, stream_sums *s) {
  /* nothing in a reserved field or flag bit */
  ck_assert_uint_eq(npe_desc_get_rsvd0(d), 0);
  /* (SPAD_OFF: a MATMUL's B word offset, resident-B streams) */
  if (npe_desc_get_opcode(d) != NPE_OP_MATMUL) ck_assert_uint_eq(npe_desc_get_spad_off(d), 0);
  ck_assert_uint_eq(npe_desc_get_flags(d) & ~NPE_DESC_FLAG_MASK_ALL, 0);
  uint64_t m = npe_desc_get_m(d), n = npe_desc_get_n(d), k = npe_desc_get_k(d);
  s->descs++;
  s->rd_bytes += 64;
  switch (npe_desc_get_opcode(d)) {
    case NPE_OP_LOAD: s->rd_bytes += m * k; break;
    case NPE_OP_STORE:
      s->wr_bytes += m * div_up(n * (npe_desc_get_flag_out_fp32(d) ? 4 : 2), 8) * 8;
      break;
    case NPE_OP_MATMUL: {
      unsigned f = npe_desc_get_fmt_b(d) == NPE_FMT_TERNARY ? NPE_FMT_TERNARY
                                                            : npe_desc_get_fmt_a(d);
      uint64_t lanes = npe_hw_fmt_lanes(f), words = div_up(k, lanes);
      ck_assert_uint_gt(lanes, 0);
      s->macs[f] += m * n * k;
      s->issued_lanes += lanes * words * m * n;
      s->issue_cycles += words * div_up(n, npe_desc_get_flag_matvec(d) ? rows * cols : cols);
      break;
    }
    default: break;
  }
}

/* The counters of one tiler job against the sums of its descriptor stream.
 * BUSY_CYCLES and GATED_LANE_CYC (npe_top): every busy cycle adds
 * CAP_ARRAY.LANES x Rows x Cols lane-cycles minus the lanes issued that
 * cycle, so GATED = LANES x Rows x Cols x BUSY - issued lanes, exactly. */
static void check_job_counters(eng *e, npe_fmt fa, npe_fmt fb, int fp32, uint32_t m, uint32_t n,
                               uint32_t k, uint64_t seed) {
  mm_job job;
  perf_clear(e);
  mm_run(e, &job, fa, fb, fa == NPE_FMT_INT8 ? NPE_FMT_INT8 : fa, fp32, 0, m, n, k, seed);
  stream_sums s;
  memset(&s, 0, sizeof s);
  npe_tiler_it it;
  memset(&it, 0, sizeof it);
  uint8_t d[NPE_DESC_SIZE];
  while (npe_tiler_next(&job.p, &it, d)) sum_desc(d, e->hw.rows, e->hw.cols, &s);
  ck_assert_uint_eq(s.descs, job.res.descs);
  uint64_t c[NPE_PERF_COUNT];
  for (unsigned i = 0; i < NPE_PERF_COUNT; i++) c[i] = perf_read(e, i);
  const char *what = npe_fmt_name(fb);
  ck_assert_msg(c[NPE_PERF_DMA_RD_BYTES] == s.rd_bytes, "%s %ux%ux%u: DMA_RD_BYTES %llu, want %llu",
                what, m, n, k, (unsigned long long)c[NPE_PERF_DMA_RD_BYTES],
                (unsigned long long)s.rd_bytes);
  ck_assert_msg(c[NPE_PERF_DMA_WR_BYTES] == s.wr_bytes, "%s %ux%ux%u: DMA_WR_BYTES %llu, want %llu",
                what, m, n, k, (unsigned long long)c[NPE_PERF_DMA_WR_BYTES],
                (unsigned long long)s.wr_bytes);
  for (unsigned f = 0; f < NPE_FMT_COUNT; f++)
    ck_assert_msg(c[NPE_PERF_MACS_FP4 + f] == s.macs[f], "%s %ux%ux%u: MACS[%u] %llu, want %llu",
                  what, m, n, k, f, (unsigned long long)c[NPE_PERF_MACS_FP4 + f],
                  (unsigned long long)s.macs[f]);
  uint64_t busy = c[NPE_PERF_BUSY_CYCLES];
  uint64_t all_lanes = (uint64_t)cap_lanes(e) * e->hw.rows * e->hw.cols;
  ck_assert_msg(busy >= s.issue_cycles, "%s: busy %llu < issue cycles %llu", what,
                (unsigned long long)busy, (unsigned long long)s.issue_cycles);
  ck_assert_msg(c[NPE_PERF_GATED_LANE_CYC] == all_lanes * busy - s.issued_lanes,
                "%s %ux%ux%u: GATED_LANE_CYC %llu, want %llu x %llu - %llu", what, m, n, k,
                (unsigned long long)c[NPE_PERF_GATED_LANE_CYC], (unsigned long long)all_lanes,
                (unsigned long long)busy, (unsigned long long)s.issued_lanes);
  /* every stall is a busy cycle; the counted cycles are the job's */
  ck_assert_uint_le(c[NPE_PERF_STALL_DMA], busy);
  ck_assert_uint_le(c[NPE_PERF_STALL_SPAD], busy);
  ck_assert_uint_le(c[NPE_PERF_STALL_OUT], busy);
  ck_assert_uint_le(c[NPE_PERF_STALL_FENCE], busy);
  ck_assert_uint_le(busy, job.res.cycles);
  ck_assert_uint_eq(c[NPE_PERF_ADC_CONV], 0);
  mm_free(&job);
}

/* Every format pair; M < Rows, ragged K (not a multiple of the lanes), N
 * below, at and beyond one column group and one n-block, 2- and 4-byte
 * results, rows whose last write beat is partial. */
START_TEST(counters_match_descriptor_arithmetic) {
  eng e;
  eng_open(&e, 40, 100, 100, 21);
  static const uint32_t sh[][3] = {{1, 1, 1}, {3, 1, 7}, {2, 3, 5}, {4, 2, 8}, {5, 9, 33},
                                   {9, 70, 130}, {1, 77, 45}};
  for (int p = 0; p < 6; p++)
    for (size_t i = 0; i < sizeof sh / sizeof sh[0]; i++)
      check_job_counters(&e, pairs[p][0], pairs[p][1], (int)((i + (size_t)p) % 2), sh[i][0],
                         sh[i][1], sh[i][2], 300 + 10 * (uint64_t)p + i);
  eng_close(&e);
}
END_TEST

/* The generated format table against the golden library and the engine:
 * element bits are npe_fmt_bits(), host bytes npe_fmt_elem_bytes(); and the
 * lanes are the engine's: a 1 x 1 x 1 MATMUL issues lanes(f) lanes on one
 * PE, so the gated lane-cycles of that job give them back (above). */
START_TEST(format_table_is_the_golden_and_the_engine) {
  for (unsigned f = 0; f < NPE_FMT_COUNT; f++) {
    ck_assert_uint_eq(npe_hw_fmt_bits(f), npe_fmt_bits((npe_fmt)f));
    ck_assert_uint_eq(npe_hw_fmt_host_bytes(f), npe_fmt_elem_bytes((npe_fmt)f));
    ck_assert_uint_le(npe_hw_fmt_lanes(f) * npe_hw_fmt_bits(f), NPE_PE_WORD_BITS);
  }
  ck_assert_uint_eq(npe_hw_fmt_lanes(NPE_FMT_COUNT), 0);
  eng e;
  eng_open(&e, 20, 100, 100, 22);
  ck_assert_uint_eq(cap_lanes(&e), NPE_FMT_MAX_LANES);
  for (int p = 0; p < 6; p++) {
    mm_job job;
    perf_clear(&e);
    mm_run(&e, &job, pairs[p][0], pairs[p][1], NPE_FMT_FP4, 1, 0, 1, 1, 1, 40 + (uint64_t)p);
    uint64_t busy = perf_read(&e, NPE_PERF_BUSY_CYCLES);
    uint64_t gated = perf_read(&e, NPE_PERF_GATED_LANE_CYC);
    uint64_t lanes = (uint64_t)cap_lanes(&e) * e.hw.rows * e.hw.cols * busy - gated;
    ck_assert_msg(lanes == npe_hw_fmt_lanes(pairs[p][1]), "%s: the engine issued %llu lanes",
                  npe_fmt_name(pairs[p][1]), (unsigned long long)lanes);
    mm_free(&job);
  }
  eng_close(&e);
}
END_TEST

typedef struct {
  const uint8_t (*d)[NPE_DESC_SIZE];
  size_t n, i;
} array_src;

static int array_next(void *ctx, uint8_t d[64]) {
  array_src *a = ctx;
  if (a->i == a->n) return 0;
  memcpy(d, a->d[a->i++], NPE_DESC_SIZE);
  return 1;
}

/* Runs n descriptors through the ring with the counters cleared first. */
static npe_ring_result run_descs(eng *e, const uint8_t (*d)[NPE_DESC_SIZE], size_t n) {
  array_src a = {d, n, 0};
  npe_ring_stream st;
  memset(&st, 0, sizeof st);
  st.src = array_next;
  st.src_ctx = &a;
  perf_clear(e);
  ck_assert_int_eq(npe_ring_finish(&e->t, &e->ring, &st, 10000000ull, NULL, NULL), NPE_OK);
  ck_assert_uint_eq(st.res.hw_err, 0);
  return st.res;
}

/* STALL_FENCE (npe_cmd): cycles a FENCE at the head waits for a unit. A
 * FENCE behind a LOAD of 4 rows x 4 KiB from a 100-cycle memory waits for
 * it: more than 0 cycles, and no more than the loader is busy, which is its
 * data beats (M x K / 8, one per cycle at most) plus the cycles it waits for
 * data (STALL_DMA), plus its dispatch cycle. The same LOAD without a FENCE,
 * or NOPs alone, count no fence stall; NOPs no stall and no DMA but their
 * fetches. */
START_TEST(fence_and_dma_stall_counters) {
  eng e;
  eng_open(&e, 100, 100, 100, 23);
  const uint32_t rows = 4, bytes = 4096;
  npe_desc_fields ld = load_a(NPE_SIM_MEM_BASE + (1u << 20), (uint16_t)rows, (uint16_t)bytes);
  npe_desc_fields fence = {0}, nop = {0};
  fence.op = NPE_OP_FENCE;
  nop.op = NPE_OP_NOP;
  uint8_t d[2][NPE_DESC_SIZE];
  npe_desc_encode(&ld, d[0]);
  npe_desc_encode(&fence, d[1]);

  run_descs(&e, (const uint8_t(*)[NPE_DESC_SIZE])d, 2);
  uint64_t beats = (uint64_t)rows * bytes / 8;
  uint64_t fence_cyc = perf_read(&e, NPE_PERF_STALL_FENCE);
  uint64_t dma_cyc = perf_read(&e, NPE_PERF_STALL_DMA);
  ck_assert_uint_eq(perf_read(&e, NPE_PERF_DMA_RD_BYTES), 2 * 64 + (uint64_t)rows * bytes);
  ck_assert_uint_gt(dma_cyc, 0); /* 100 cycles to the first beat */
  ck_assert_msg(fence_cyc > 0 && fence_cyc <= beats + dma_cyc + 1,
                "LOAD + FENCE: STALL_FENCE %llu, loader busy <= %llu + %llu + 1",
                (unsigned long long)fence_cyc, (unsigned long long)beats,
                (unsigned long long)dma_cyc);
  ck_assert_uint_le(fence_cyc, perf_read(&e, NPE_PERF_BUSY_CYCLES));

  run_descs(&e, (const uint8_t(*)[NPE_DESC_SIZE])d, 1);
  ck_assert_uint_eq(perf_read(&e, NPE_PERF_STALL_FENCE), 0);
  ck_assert_uint_gt(perf_read(&e, NPE_PERF_STALL_DMA), 0);

  npe_desc_encode(&nop, d[0]);
  npe_desc_encode(&nop, d[1]);
  run_descs(&e, (const uint8_t(*)[NPE_DESC_SIZE])d, 2);
  for (unsigned i = NPE_PERF_STALL_DMA; i <= NPE_PERF_STALL_FENCE; i++)
    ck_assert_uint_eq(perf_read(&e, i), 0);
  ck_assert_uint_eq(perf_read(&e, NPE_PERF_DMA_RD_BYTES), 2 * 64);
  ck_assert_uint_eq(perf_read(&e, NPE_PERF_DMA_WR_BYTES), 0);
  ck_assert_uint_eq(perf_read(&e, NPE_PERF_GATED_LANE_CYC),
                    (uint64_t)cap_lanes(&e) * e.hw.rows * e.hw.cols *
                        perf_read(&e, NPE_PERF_BUSY_CYCLES));
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* MATMUL SPAD_OFF: B read from a word offset (CAP_FORMATS.B_OFFSET)         */
/* ------------------------------------------------------------------------ */

/* MATMUL of binary32 results, B read from word @p spad_off of its banks */
static npe_desc_fields matmul_f32(npe_fmt fa, npe_fmt fb, uint32_t m, uint32_t n, uint32_t k,
                                  uint32_t spad_off) {
  npe_desc_fields f = {0};
  f.op = NPE_OP_MATMUL;
  f.flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
  f.fmt_a = (uint8_t)fa, f.fmt_b = (uint8_t)fb;
  f.m = (uint16_t)m, f.n = (uint16_t)n, f.k = (uint16_t)k;
  f.spad_off = spad_off;
  return f;
}

/* STORE of M x N binary32 results from output buffer 2 to @p addr */
static npe_desc_fields store_f32(uint32_t m, uint32_t n, uint64_t addr, uint32_t stride) {
  npe_desc_fields f = {0};
  f.op = NPE_OP_STORE;
  f.flags = 1u << NPE_DESC_FLAG_OUT_FP32_BIT;
  f.spad = 2;
  f.m = (uint16_t)m, f.n = (uint16_t)n;
  f.addr_c = addr;
  f.stride_c = stride;
  return f;
}

/* Writes a B buffer image to device memory at @p addr and returns the LOAD
 * that puts it into B buffer 0: @p words words of every bank (a multiple of
 * @p rw), as rows of @p rw words (row i: bank i mod Cols, words (i / Cols)
 * rw ...). Bank c's word w >= @p off holds word (w - off) mod pitch of
 * packed B row ((w - off) / pitch) Cols + c of @p pb (n rows of pitch
 * words), where that row exists; every other word is noise. */
static npe_desc_fields b_image(eng *e, uint64_t addr, const uint8_t *pb, uint32_t n,
                               uint32_t pitch, uint32_t off, uint32_t words, uint32_t rw,
                               uint64_t *s) {
  const uint32_t C = e->hw.cols, rows = C * words / rw;
  const size_t bytes = (size_t)rows * rw * 8;
  uint8_t *img = malloc(bytes);
  ck_assert_ptr_nonnull(img);
  for (uint32_t i = 0; i < rows; i++) {
    uint32_t c = i % C;
    for (uint32_t q = 0; q < rw; q++) {
      uint32_t w = (i / C) * rw + q;
      uint8_t *o = img + ((size_t)i * rw + q) * 8;
      uint32_t row = w >= off ? (w - off) / pitch * C + c : n;
      if (row < n) memcpy(o, pb + ((size_t)row * pitch + (w - off) % pitch) * 8, 8);
      else
        for (int b = 0; b < 8; b++) o[b] = (uint8_t)rng(s);
    }
  }
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, addr, img, bytes), NPE_OK);
  free(img);
  npe_desc_fields f = load_a(addr, (uint16_t)rows, (uint16_t)(rw * 8));
  f.spad = 1;
  return f;
}

/* Smallest power-of-two row of words that loads a whole bank in one LOAD. */
static uint32_t bank_row_words(const eng *e) {
  uint32_t rw = 1;
  while ((uint64_t)e->hw.cols * e->hw.b_bank_words / rw > 0xffffu) rw *= 2;
  return rw;
}

/* One MATMUL at SPAD_OFF @p off of a random job (M <= Rows, N up to three
 * column groups), its B rows placed there in a bank of noise, binary32
 * results against the golden model. Also the planted-bug run's case
 * (b-offset-plant-test: an odd offset read one word early). */
static void b_offset_case(eng *e, npe_fmt fa, npe_fmt fb, uint32_t m, uint32_t n, uint32_t k,
                          int at_end, uint64_t *s) {
  const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  mm_job job;
  memset(&job, 0, sizeof job);
  mm_fill_random(&job, fa, fb, m, n, k, rng(s));
  npe_mm_plan tp;
  ck_assert_int_eq(npe_tiler_plan(&e->hw, fa, fb, NPE_FMT_FP4, 1, m, n, k, 0, 0, 0, &tp), NPE_OK);
  uint8_t *pa = malloc(npe_tiler_bytes_a(&tp)), *pb = malloc(npe_tiler_bytes_b(&tp));
  ck_assert(pa && pb);
  ck_assert_int_eq(npe_tiler_pack_a(&tp, npe_pats_of(job.a), k, pa), NPE_OK);
  ck_assert_int_eq(npe_tiler_pack_b(&tp, npe_pats_of(job.b), k, pb), NPE_OK);
  const uint32_t pitch = tp.seg_bytes_b / 8, need = (n + e->hw.cols - 1) / e->hw.cols * pitch;
  uint32_t off, words, rw = 1;
  if (at_end) { /* the last offset that fits: the rows end at the bank's last word */
    off = e->hw.b_bank_words - need;
    words = e->hw.b_bank_words;
    rw = bank_row_words(e);
  } else { /* odd and even, a few hundred words in */
    off = (uint32_t)(rng(s) % 400);
    words = off + need;
  }
  const uint64_t addr_c = base, addr_b = base + 4096;
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, base + 2048, pa, npe_tiler_bytes_a(&tp)), NPE_OK);
  npe_desc_fields f[4];
  f[0] = load_a(base + 2048, (uint16_t)m, (uint16_t)tp.row_bytes_a);
  f[1] = b_image(e, addr_b, pb, n, pitch, off, words, rw, s);
  f[2] = matmul_f32(fa, fb, m, n, k, off);
  f[3] = store_f32(m, n, addr_c, 256);
  /* one at a time (direct): the planted build's scoreboard forgets the
   * output buffers, so a ring would trip its assertion before the result */
  for (int q = 0; q < 4; q++) {
    uint32_t err = run_direct(e, &f[q], NULL, NULL);
    ck_assert_msg(err == 0, "engine error %u at %d (SPAD_OFF %u)", err, q, off);
  }
  float *g = malloc((size_t)m * n * sizeof *g);
  ck_assert_ptr_nonnull(g);
  ck_assert_int_eq(npe_golden_matmul_f32(npe_pats_of(job.a), k, npe_pats_of(job.b), k, m, n, k,
                                         1.0f, g, n), NPE_OK);
  for (uint32_t i = 0; i < m; i++)
    for (uint32_t j = 0; j < n; j++) {
      uint32_t got, want;
      ck_assert_int_eq(e->t.mem_read(e->t.ctx, addr_c + 256u * i + 4u * j, &got, 4), NPE_OK);
      memcpy(&want, &g[(size_t)i * n + j], 4);
      ck_assert_msg(got == want, "b offset %s x %s: C[%u][%u] = %08x, golden %08x (SPAD_OFF %u, "
                    "M=%u N=%u K=%u)", npe_fmt_name(fa), npe_fmt_name(fb), i, j, got, want, off,
                    m, n, k);
    }
  free(g), free(pa), free(pb);
  mm_free(&job);
}

/* MATMULs at random SPAD_OFF, every format pair, and at the last offset
 * that fits, against the golden model. */
START_TEST(matmul_b_offset) {
  eng e;
  eng_open(&e, 20, 90, 90, 41);
  ck_assert_uint_eq(e.hw.b_offset, 1);
  uint64_t s = 0xb0ff5e7;
  for (int round = 0; round < 24; round++) {
    int i = round % 6;
    uint32_t m = 1 + (uint32_t)(rng(&s) % e.hw.rows);
    uint32_t n = 1 + (uint32_t)(rng(&s) % (3 * e.hw.cols));
    uint32_t k = 1 + (uint32_t)(rng(&s) % 200);
    b_offset_case(&e, pairs[i][0], pairs[i][1], m, n, k, round >= 18, &s);
  }
  eng_close(&e);
}
END_TEST

/* SPAD_OFF whose rows would run past the bank: BAD_DIMS, the ring index in
 * STATUS.ERR_IDX, nothing executed (the output buffer and C as they were);
 * a non-zero SPAD_OFF on the other opcodes is not read (REGMAP: write 0). */
START_TEST(matmul_b_offset_refused) {
  eng e;
  eng_open(&e, 10, 100, 100, 5);
  uint64_t s = 0x0ff;
  const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  const uint32_t m = e.hw.rows, n = 2 * e.hw.cols + 1, k = 40, C = e.hw.cols;
  mm_job job;
  memset(&job, 0, sizeof job);
  mm_fill_random(&job, NPE_FMT_INT8, NPE_FMT_INT8, m, n, k, 3);
  npe_mm_plan tp;
  ck_assert_int_eq(npe_tiler_plan(&e.hw, NPE_FMT_INT8, NPE_FMT_INT8, NPE_FMT_FP4, 1, m, n, k, 0,
                                  0, 0, &tp), NPE_OK);
  uint8_t *pa = malloc(npe_tiler_bytes_a(&tp)), *pb = malloc(npe_tiler_bytes_b(&tp));
  ck_assert(pa && pb);
  ck_assert_int_eq(npe_tiler_pack_a(&tp, npe_pats_of(job.a), k, pa), NPE_OK);
  ck_assert_int_eq(npe_tiler_pack_b(&tp, npe_pats_of(job.b), k, pb), NPE_OK);
  const uint32_t pitch = tp.seg_bytes_b / 8, need = (n + C - 1) / C * pitch;
  const uint32_t BW = e.hw.b_bank_words;
  const uint64_t addr_a = base + 2048, addr_b = base + 8192, c1 = base, c2 = base + 1024;
  ck_assert_int_eq(e.t.mem_write(e.t.ctx, addr_a, pa, npe_tiler_bytes_a(&tp)), NPE_OK);
  /* the whole bank: B at offset 0, noise after it (a wrapped read would see it) */
  npe_desc_fields f[4];
  f[0] = load_a(addr_a, (uint16_t)m, (uint16_t)tp.row_bytes_a);
  f[0].spad_off = 0x1234; /* not read by a LOAD */
  f[1] = b_image(&e, addr_b, pb, n, pitch, 0, BW, bank_row_words(&e), &s);
  const npe_desc_fields mm = matmul_f32(NPE_FMT_INT8, NPE_FMT_INT8, m, n, k, 0);
  npe_desc_fields st = store_f32(m, n, c1, 64);
  st.spad_off = 0xffffffffu; /* not read by a STORE */
  f[2] = mm;
  f[3] = st;
  npe_ring_result r = eng_run_descs(&e, f, 4);
  ck_assert_uint_eq(r.hw_err, 0);
  uint8_t want[1024], got[1024];
  ck_assert_int_eq(e.t.mem_read(e.t.ctx, c1, want, sizeof want), NPE_OK);
  /* the golden C (so the run above read B at offset 0 and the LOAD ignored its SPAD_OFF) */
  float *g = malloc((size_t)m * n * sizeof *g);
  ck_assert_ptr_nonnull(g);
  ck_assert_int_eq(npe_golden_matmul_f32(npe_pats_of(job.a), k, npe_pats_of(job.b), k, m, n, k,
                                         1.0f, g, n), NPE_OK);
  for (uint32_t i = 0; i < m; i++) ck_assert_mem_eq(want + 64u * i, g + (size_t)n * i, 4u * n);
  free(g);
  const uint32_t bad[] = {BW - need + 1, BW - 1, BW, BW + 7, 0x10000u, 0x80000000u,
                          0xffffffffu, 0xffffffffu - need + 1};
  for (size_t b = 0; b < sizeof bad / sizeof bad[0]; b++) {
    /* MATMUL (bad) into output buffer 0, then STORE it to c2 */
    npe_desc_fields g2[2];
    g2[0] = mm;
    g2[0].spad_off = bad[b];
    g2[1] = st;
    g2[1].addr_c = c2;
    uint8_t guard[1024];
    memset(guard, 0x5a, sizeof guard);
    ck_assert_int_eq(e.t.mem_write(e.t.ctx, c2, guard, sizeof guard), NPE_OK);
    uint32_t idx = e.ring.tail & ((1u << e.ring.log2_n) - 1u);
    npe_ring_result rb = eng_run_descs(&e, g2, 2);
    ck_assert_msg(rb.hw_err == NPE_HW_ERR_BAD_DIMS, "SPAD_OFF %u: error %u", bad[b], rb.hw_err);
    ck_assert_uint_eq(rb.err_idx, idx);
    ck_assert_int_eq(e.t.mem_read(e.t.ctx, c2, got, sizeof got), NPE_OK);
    ck_assert_mem_eq(got, guard, sizeof got); /* the STORE after it did not run */
    soft_reset(&e);
    /* the output buffer still holds the good results: STORE it again */
    g2[1].addr_c = c2;
    r = eng_run_descs(&e, &g2[1], 1);
    ck_assert_uint_eq(r.hw_err, 0);
    ck_assert_int_eq(e.t.mem_read(e.t.ctx, c2, got, sizeof got), NPE_OK);
    for (uint32_t i = 0; i < m; i++) ck_assert_mem_eq(got + 64u * i, want + 64u * i, 4u * n);
  }
  /* the last offset that fits runs */
  npe_desc_fields last = mm;
  last.spad_off = BW - need;
  ck_assert_uint_eq(run_direct(&e, &last, NULL, NULL), 0);
  free(pa), free(pb);
  mm_free(&job);
  eng_close(&e);
}
END_TEST

/* Resident B (npe_tiler_b_resident): tall jobs of every format pair, one
 * n-block and several, binary32 and format outputs, Sherry B too, give the
 * golden results and the same C bytes as the per-step stream, with one
 * LOAD B whose bytes are npe_tiler_dma_bytes_b() (PERF_DMA_RD_BYTES: the
 * descriptors, the A and the B LOADs). */
START_TEST(b_resident_stream) {
  eng e;
  eng_open(&e, 20, 95, 95, 61);
  static const uint32_t tall[][3] = {{5, 3, 17}, {9, 70, 33}, {13, 131, 40}, {17, 200, 64},
                                     {33, 9, 300}};
  for (int i = 0; i < 7; i++) {
    int sherry = i == 6;
    npe_fmt fa = sherry ? NPE_FMT_INT8 : pairs[i][0], fb = sherry ? NPE_FMT_TERNARY : pairs[i][1];
    for (size_t sh = 0; sh < sizeof tall / sizeof tall[0]; sh++) {
      uint32_t m = tall[sh][0], n = tall[sh][1], k = tall[sh][2];
      int fp32 = (int)((sh + (size_t)i) % 2);
      npe_fmt fo = (npe_fmt)((sh * 5 + (size_t)i) % NPE_FMT_COUNT);
      mm_job on, off;
      uint64_t rd[2];
      for (int pass = 0; pass < 2; pass++) {
        mm_job *j = pass ? &off : &on;
        if (sherry) mm_fill_sherry(j, m, n, k, 500 + sh);
        else mm_fill_random(j, fa, fb, m, n, k, 900 + 10 * (uint64_t)i + sh);
        g_sherry = sherry;
        g_no_b_resident = pass;
        perf_clear(&e);
        mm_exec(&e, j, fa, fb, fo, fp32, 0, m, n, k, 0);
        g_sherry = 0;
        g_no_b_resident = 0;
        rd[pass] = perf_read(&e, NPE_PERF_DMA_RD_BYTES);
        ck_assert_int_eq(npe_tiler_b_resident(&j->p), !pass);
        /* descriptors, A once per m-tile, B as the plan says */
        uint64_t want = 64 * npe_tiler_count(&j->p) + npe_tiler_bytes_a(&j->p) +
                        npe_tiler_dma_bytes_b(&j->p);
        ck_assert_msg(rd[pass] == want, "DMA read %llu bytes, plan %llu (resident %d)",
                      (unsigned long long)rd[pass], (unsigned long long)want, !pass);
      }
      /* B once instead of once per m-tile */
      ck_assert_uint_eq(npe_tiler_dma_bytes_b(&off.p), on.p.m_tiles * npe_tiler_dma_bytes_b(&on.p));
      ck_assert_uint_lt(rd[0], rd[1]);
      const size_t cb = npe_tiler_bytes_c(&on.p);
      ck_assert_uint_eq(cb, npe_tiler_bytes_c(&off.p));
      uint8_t *c_on = malloc(cb);
      ck_assert_ptr_nonnull(c_on);
      memcpy(c_on, on.c, cb);
      mm_check(&on, fa, fb, fo, fp32, m, n, k); /* golden (frees on) */
      ck_assert_mem_eq(c_on, off.c, cb);        /* the per-step stream's very bytes */
      free(c_on);
      mm_free(&off);
    }
  }
  eng_close(&e);
}
END_TEST

/* One libnpesim API for every build: the small build (NPESIM_BUILD_SMALL)
 * reports its own shape, which its CAP registers confirm; an unknown build
 * is refused. */
START_TEST(small_build_shape) {
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.build = NPESIM_BUILD_SMALL;
  c.mem_size = 128u << 10;
  npesim *s = NULL;
  ck_assert_int_eq(npesim_create(&c, &s), 0);
  npesim_info info;
  npesim_get_info(s, &info);
  ck_assert_uint_eq(info.rows, 1);
  ck_assert_uint_eq(info.cols, 1);
  ck_assert_uint_eq(info.a_bank_words, 256);
  ck_assert_uint_eq(info.b_bank_words, 256);
  ck_assert_uint_eq(info.out_groups, 4);
  uint32_t v;
  ck_assert_int_eq(npesim_csr_read(s, NPE_CAP_ARRAY_REG_OFFSET, &v), 0);
  ck_assert_uint_eq((v >> NPE_CAP_ARRAY_ROWS_OFFSET) & NPE_CAP_ARRAY_ROWS_MASK, info.rows);
  ck_assert_uint_eq((v >> NPE_CAP_ARRAY_COLS_OFFSET) & NPE_CAP_ARRAY_COLS_MASK, info.cols);
  ck_assert_uint_eq(1u << ((v >> NPE_CAP_ARRAY_GROUPS_LOG2_OFFSET) & NPE_CAP_ARRAY_GROUPS_LOG2_MASK),
                    info.out_groups);
  ck_assert_int_eq(npesim_csr_read(s, NPE_CAP_SPAD_REG_OFFSET, &v), 0);
  ck_assert_uint_eq((v >> NPE_CAP_SPAD_A_KIB_OFFSET) & NPE_CAP_SPAD_A_KIB_MASK,
                    info.a_bank_words * 8u * info.rows / 1024u);
  ck_assert_uint_eq((v >> NPE_CAP_SPAD_B_KIB_OFFSET) & NPE_CAP_SPAD_B_KIB_MASK,
                    info.b_bank_words * 8u * info.cols / 1024u);
  ck_assert_int_eq(npesim_csr_read(s, NPE_CAP_FORMATS_REG_OFFSET, &v), 0);
  ck_assert_uint_eq(v & 0x3f, 0x30); /* INT8 and ternary */
  ck_assert_uint_eq((v >> NPE_CAP_FORMATS_RECUR_BIT) & 1u, 0); /* no recurrence unit */
  ck_assert_int_eq(npesim_csr_read(s, NPE_CAP_RECUR_REG_OFFSET, &v), 0);
  ck_assert_uint_eq(v, 0);
  npesim_destroy(s);
  c.build = (npesim_build)4; /* (3 is the SoC, NPESIM_BUILD_SOC) */
  s = NULL;
  ck_assert_int_eq(npesim_create(&c, &s), -1);
  ck_assert_ptr_null(s);
}
END_TEST

/* The Zynq-7020 board top (NPESIM_BUILD_ZYNQ, fpga/zynq/npe_zynq_top.v):
 * its CAP registers say 32-bit DMA addresses and 64 KiB B buffers, and the
 * jobs of matmul_shapes_every_format give the golden answers at random
 * latency and back-pressure, in bursts of at most 16 beats (the memory
 * model takes the HP port's AXI3 limit: eng_close fails on a longer one). */
START_TEST(zynq_build) {
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.build = NPESIM_BUILD_ZYNQ;
  c.read_latency = 30;
  c.write_latency = 8;
  c.ready_pct = 70;
  c.valid_pct = 80;
  c.seed = 5;
  c.random_reset = 1;
  eng e;
  eng_open_cfg(&e, &c);
  ck_assert_uint_eq(e.hw.rows, 2);
  ck_assert_uint_eq(e.hw.cols, 2);
  ck_assert_uint_eq(e.hw.b_bank_words, 4096);
  uint32_t v;
  ck_assert_int_eq(e.t.csr_read(e.t.ctx, NPE_CAP_FORMATS_REG_OFFSET, &v), NPE_OK);
  ck_assert_uint_eq((v >> NPE_CAP_FORMATS_ADDR_BITS_OFFSET) & NPE_CAP_FORMATS_ADDR_BITS_MASK, 32);
  ck_assert_uint_eq(v & 0x3f, 0x3f); /* every format */
  ck_assert_int_eq(e.t.csr_read(e.t.ctx, NPE_CAP_SPAD_REG_OFFSET, &v), NPE_OK);
  ck_assert_uint_eq((v >> NPE_CAP_SPAD_B_KIB_OFFSET) & NPE_CAP_SPAD_B_KIB_MASK, 64);
  run_shapes(&e, 3000);
  eng_close(&e);
}
END_TEST

/* ------------------------------------------------------------------------ */
/* Soak (make soak, make soak-smoke): only when NPE_SOAK_SECONDS is set      */
/* ------------------------------------------------------------------------ */

/* Until NPE_SOAK_SECONDS have passed (seed NPE_SOAK_SEED): engines at
 * random memory latency and back-pressure, each running 8 random actions:
 * a matmul of a random format pair and shape (bit-exact against the golden
 * model), an injected SLVERR / DECERR under a LOAD or a STORE (reported
 * with its code and address), a soft reset at a random point of a running
 * job (then a correct matmul), or rounds of random and garbage descriptors;
 * nothing may hang, break an AXI rule (eng_close) or change the 64 KiB
 * above the DMA window. */
START_TEST(soak) {
  const double secs = atof(getenv("NPE_SOAK_SECONDS"));
  const char *seed_env = getenv("NPE_SOAK_SEED");
  uint64_t s = seed_env ? strtoull(seed_env, NULL, 0) : (uint64_t)time(NULL);
  const uint64_t seed0 = s;
  const uint64_t base = NPE_SIM_MEM_BASE, lo = base + (1u << 20), hi = base + (3u << 20);
  const uint64_t fault_zone = base + 0x2c0000;
  static uint8_t canary[65536], back[65536];
  for (size_t i = 0; i < sizeof canary; i++) canary[i] = (uint8_t)(i * 167 + 3);
  unsigned engines = 0, matmuls = 0, faults = 0, resets = 0, rounds = 0, nlus = 0, ktiled = 0;
  unsigned sherrys = 0; /* matmuls with Sherry B (among matmuls) */
  unsigned recurs = 0, xbars = 0;
  int refused = 0, ran = 0;
  const time_t t0 = time(NULL);
  while (difftime(time(NULL), t0) < secs) {
    eng e;
    unsigned lat = 1 + (unsigned)(rng_next(&s) % 200);
    unsigned rdy = 30 + (unsigned)(rng_next(&s) % 71), vld = 30 + (unsigned)(rng_next(&s) % 71);
    eng_open(&e, lat, rdy, vld, rng_next(&s) | 1);
    engines++;
    ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)hi), 0);
    e.t.mem_write(e.t.ctx, hi, canary, sizeof canary);
    for (int it = 0; it < 8; it++) {
      unsigned what = (unsigned)(rng_next(&s) % 8);
      if (what == 7) { /* program the crossbar tile and run it, codes against the model */
        xb_check_case(&e, &s, &xb_cases[rng_next(&s) % (sizeof xb_cases / sizeof xb_cases[0])], 0);
        xbars++;
      } else if (what == 6) { /* a DIAG recurrence from h_0 = 0, every h_t bit-exact */
        uint32_t h = 1 + (uint32_t)(rng_next(&s) % 64), t = 1 + (uint32_t)(rng_next(&s) % 40);
        size_t n = (size_t)t * h;
        int32_t *ga = malloc(4 * n), *gb = malloc(4 * n), *want = malloc(4 * n),
                *got = malloc(4 * n), *st = calloc(h, 4);
        ck_assert(ga && gb && want && got && st);
        for (size_t i = 0; i < n; i++) { /* gates in [-1, 1] (Q2.30), inputs below 2^20 */
          ga[i] = (int32_t)((int64_t)(rng_next(&s) % ((2ull << 30) + 1)) - (1ll << 30));
          gb[i] = (int32_t)((int64_t)(rng_next(&s) % (2ull << 20)) - (1ll << 20));
        }
        ck_assert_int_eq(npe_recur_diag_seq(t, h, ga, gb, st, want), NPE_OK);
        const uint64_t ra = base + 0x200000, rc = base + 0x280000;
        eng_write_records(&e, ra, ga, gb, n);
        npe_desc_fields f = eng_recur_diag(h, t, ra, 0, rc, NPE_RECUR_INIT_ZERO, 0);
        ck_assert_uint_eq(run_direct(&e, &f, NULL, NULL), 0);
        e.t.mem_read(e.t.ctx, rc, got, 4 * n);
        for (size_t i = 0; i < n; i++)
          ck_assert_msg(got[i] == want[i], "soak RECUR H=%u T=%u: element %zu: got %d, want %d",
                        h, t, i, got[i], want[i]);
        free(ga), free(gb), free(want), free(got), free(st);
        recurs++;
      } else if (what == 4) { /* a matmul through a random NLU table, codes bit-exact */
        static const npe_fmt nf[3] = {NPE_FMT_FP4, NPE_FMT_POSIT8, NPE_FMT_INT8};
        npe_nlu_spec spec;
        npe_nlu_table tab;
        ck_assert_int_eq(npe_nlu_spec_default((npe_nlu_func)(rng_next(&s) % 3),
                                              4 + (unsigned)(rng_next(&s) % 5), &spec), NPE_OK);
        spec.in_frac_bits = 4;
        ck_assert_int_eq(npe_nlu_table_gen(&spec, &tab), NPE_OK);
        nlu_load(&e, &tab);
        run_mm_nlu(&e, nf[rng_next(&s) % 3], &tab, 4, 0, 1 + (uint32_t)(rng_next(&s) % 9),
                   1 + (uint32_t)(rng_next(&s) % 40), 1 + (uint32_t)(rng_next(&s) % 64),
                   rng_next(&s), 1);
        nlus++;
      } else if (what == 5) { /* K beyond the scratchpads: K tiles of a random length */
        int p = (int)(rng_next(&s) % 6);
        uint32_t max_k = npe_tiler_max_k(&e.hw, pairs[p][0], pairs[p][1]);
        uint32_t k = max_k + 1 + (uint32_t)(rng_next(&s) % max_k);
        uint32_t k_tile = max_k / 2 + (uint32_t)(rng_next(&s) % (max_k / 2 + 1));
        uint32_t m = 1 + (uint32_t)(rng_next(&s) % 5), n = 1 + (uint32_t)(rng_next(&s) % 7);
        npe_fmt fo = (npe_fmt)(rng_next(&s) % NPE_FMT_COUNT);
        int fp32 = (int)(rng_next(&s) & 1);
        mm_job job;
        mm_fill_random(&job, pairs[p][0], pairs[p][1], m, n, k, rng_next(&s));
        mm_exec(&e, &job, pairs[p][0], pairs[p][1], fo, fp32, 0, m, n, k, k_tile);
        mm_check(&job, pairs[p][0], pairs[p][1], fo, fp32, m, n, k);
        ktiled++;
      } else if (what == 0) { /* a matmul */
        int p = (int)(rng_next(&s) % 6);
        uint32_t m = 1 + (uint32_t)(rng_next(&s) % 24), n = 1 + (uint32_t)(rng_next(&s) % 70);
        uint32_t k = 1 + (uint32_t)(rng_next(&s) % 300);
        npe_fmt fo = (npe_fmt)(rng_next(&s) % NPE_FMT_COUNT);
        int fp32 = (int)(rng_next(&s) & 1);
        if (p == 5 && e.hw.sherry && (rng_next(&s) & 1)) { /* int8 x ternary, Sherry B */
          mm_job job;
          mm_fill_sherry(&job, m, n, k, rng_next(&s));
          g_sherry = 1;
          mm_exec(&e, &job, NPE_FMT_INT8, NPE_FMT_TERNARY, fo, fp32, 0, m, n, k, 0);
          g_sherry = 0;
          mm_check(&job, NPE_FMT_INT8, NPE_FMT_TERNARY, fo, fp32, m, n, k);
          sherrys++;
        } else {
          run_mm(&e, pairs[p][0], pairs[p][1], fo, fp32, m, n, k, rng_next(&s));
        }
        matmuls++;
      } else if (what == 1) { /* a bus error under a LOAD or a STORE */
        /* a fresh 4 KiB page per action: the model answers a range's first
         * injected response, so two ranges must not overlap */
        uint64_t at = fault_zone + 0x1000 * (uint64_t)it + 8 * (rng_next(&s) % 64);
        unsigned resp = 2 + (unsigned)(rng_next(&s) & 1);
        ck_assert_int_eq(npesim_inject_error(e.sim, at, at + 256, resp), 0);
        uint64_t addr = 0;
        uint32_t code;
        unsigned kind = (unsigned)(rng_next(&s) % 3);
        if (kind == 2 && e.hw.sherry) { /* a Sherry LOAD: 80 bytes a row */
          npe_desc_fields f = load_a(at - 64, 1, 128);
          f.spad = 1;
          f.flags = 1u << NPE_DESC_FLAG_SHERRY_BIT;
          f.fmt_b = NPE_FMT_TERNARY;
          code = run_direct(&e, &f, NULL, &addr);
        } else if (kind) {
          npe_desc_fields f = load_a(at - 64, 1, 128);
          code = run_direct(&e, &f, NULL, &addr);
        } else {
          npe_desc_fields st = store_c(at);
          code = run_direct(&e, &st, NULL, &addr);
        }
        ck_assert_uint_eq(code, resp == 2 ? NPE_HW_ERR_DMA_SLVERR : NPE_HW_ERR_DMA_DECERR);
        ck_assert_uint_eq(addr, at);
        soft_reset(&e);
        faults++;
      } else if (what == 2) { /* a soft reset while a job runs */
        npe_mm_plan pl;
        int sh = e.hw.sherry && (rng_next(&s) & 1); /* Sherry B LOADs (any codes decode) */
        ck_assert_int_eq(npe_tiler_plan(&e.hw, NPE_FMT_INT8, sh ? NPE_FMT_TERNARY : NPE_FMT_INT8,
                                        NPE_FMT_INT8, 1, 64, 64, 512, lo, lo + (512u << 10),
                                        lo + (1u << 20), &pl),
                         NPE_OK);
        if (sh) ck_assert_int_eq(npe_tiler_use_sherry(&pl), NPE_OK);
        tiler_src src = {&pl, {0, 0, 0, 0}};
        npe_ring_stream st;
        memset(&st, 0, sizeof st);
        st.src = tiler_next;
        st.src_ctx = &src;
        ck_assert_int_eq(npe_ring_pump(&e.t, &e.ring, &st), NPE_OK);
        npesim_step(e.sim, 1u + (unsigned)(rng_next(&s) % 4000));
        soft_reset(&e);
        uint32_t status;
        ck_assert_int_eq(npesim_csr_read(e.sim, NPE_STATUS_REG_OFFSET, &status), 0);
        ck_assert_uint_eq(status & 1u, 0); /* idle */
        resets++;
      } else { /* random and garbage descriptors */
        random_desc_rounds(&e, &s, 8, lo, hi, &refused, &ran);
        rounds += 8;
      }
    }
    e.t.mem_read(e.t.ctx, hi, back, sizeof back);
    ck_assert_msg(!memcmp(canary, back, sizeof back), "memory above the window changed");
    /* the engine still computes correctly after all of it */
    ck_assert_int_eq(npesim_csr_write(e.sim, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET,
                                      (uint32_t)(base + NPE_SIM_MEM_SIZE)), 0);
    run_mm(&e, NPE_FMT_POSIT16, NPE_FMT_POSIT16, NPE_FMT_POSIT16, 1, 5, 9, 33, rng_next(&s));
    matmuls++;
    eng_close(&e);
  }
  printf("soak: seed %llu, %.0f s: %u engines, %u matmuls bit-exact (%u more in K tiles, %u "
         "through the NLU), %u DIAG recurrences and %u XBAR jobs bit-exact, %u bus errors injected and reported, "
         "%u soft resets mid-job, %u random-descriptor rounds (%d refused, %d ran), 0 hangs, 0 "
         "bytes changed outside the window\n",
         (unsigned long long)seed0, difftime(time(NULL), t0), engines, matmuls, ktiled, nlus,
         recurs, xbars, faults, resets, rounds, refused, ran);
  printf("BENCH soak_sherry_matmuls_bit_exact %u jobs\n", sherrys);
  printf("BENCH soak_ktiled_matmuls_bit_exact %u jobs\nBENCH soak_nlu_jobs_bit_exact %u jobs\n"
         "BENCH soak_recur_diag_bit_exact %u jobs\nBENCH soak_xbar_jobs_exact %u jobs\n", ktiled,
         nlus, recurs, xbars);
  printf("BENCH soak_matmuls_bit_exact %u jobs\nBENCH soak_faults_injected %u faults\n"
         "BENCH soak_resets_mid_job %u resets\nBENCH soak_random_desc_rounds %u rounds\n"
         "BENCH soak_hangs 0 hangs\nBENCH soak_bytes_written_outside_window 0 bytes\n",
         matmuls, faults, resets, rounds);
  ck_assert_uint_gt(engines, 0);
}
END_TEST

Suite *engine_suite(void);
Suite *engine_suite(void) {
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("matmul");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, matmul_shapes_every_format);
  tcase_add_test(tc, matmul_random_backpressure);
  tcase_add_test(tc, matmul_k_tiles);
  tcase_add_test(tc, k_tiles_quire_overflow);
  suite_add_tcase(s, tc);
  tc = tcase_create("ksplit");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, k_tiles_direct);
  suite_add_tcase(s, tc);
  TCase *tsh = tcase_create("sherry");
  tcase_set_timeout(tsh, 600);
  tcase_add_test(tsh, sherry_bytes_exact);
  tcase_add_test(tsh, sherry_matmuls);
  tcase_add_test(tsh, sherry_refusals);

  TCase *tbo = tcase_create("boffset");
  tcase_set_timeout(tbo, 600);
  tcase_add_test(tbo, matmul_b_offset);
  tcase_add_test(tbo, matmul_b_offset_refused);
  tcase_add_test(tbo, b_resident_stream);
  suite_add_tcase(s, tbo);
  suite_add_tcase(s, tsh);
  TCase *tb = tcase_create("bus");
  tcase_set_timeout(tb, 600);
  tcase_add_test(tb, csr_every_register);
  tcase_add_test(tb, bad_descriptors);
  tcase_add_test(tb, dma_window_and_faults);
  tcase_add_test(tb, soft_reset_mid_job);
  tcase_add_test(tb, random_descriptors_never_escape);
  tcase_add_test(tb, doorbell_while_ring_busy);
  tcase_add_test(tb, nlu_after_matmul);
  tcase_add_test(tb, xbar_program_and_run);
  tcase_add_test(tb, xbar_analog_model);
  tcase_add_test(tb, small_build_shape);
  tcase_add_test(tb, zynq_build);
  suite_add_tcase(s, tb);
  TCase *tp = tcase_create("counters");
  tcase_set_timeout(tp, 600);
  tcase_add_test(tp, format_table_is_the_golden_and_the_engine);
  tcase_add_test(tp, counters_match_descriptor_arithmetic);
  tcase_add_test(tp, fence_and_dma_stall_counters);
  suite_add_tcase(s, tp);
  if (getenv("NPE_SOAK_SECONDS")) {
    TCase *ts = tcase_create("soak");
    tcase_set_timeout(ts, atof(getenv("NPE_SOAK_SECONDS")) + 900);
    tcase_add_test(ts, soak);
    suite_add_tcase(s, ts);
  }
  return s;
}

Suite *format_suite(void) { return NULL; }
Suite *quire_suite(void) { return NULL; }
Suite *pack_suite(void) { return NULL; }

int main(void) {
  SRunner *sr = srunner_create(engine_suite());
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
