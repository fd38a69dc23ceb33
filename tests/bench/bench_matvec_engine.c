/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_matvec_engine: batch-1 mat-vecs y = W x (M = 1, K = 256) on the
 * simulated engine (64-bit AXI, 100-cycle read latency), through the
 * driver's tiler and ring: MAC-array utilisation of the plain MATMUL (one
 * PE row of Rows does the work) against FLAGS.MATVEC (every PE), and of
 * the plain MATMUL at batch Rows (M = Rows), per format, in one run.
 * Utilisation = MACs / (busy cycles x Rows x Cols x lanes), for the whole
 * job (weights loaded by DMA: a mat-vec reads each weight once, so the
 * DMA bounds it) and for the job's last MATMUL run again alone through the
 * DESC registers with its operands still in the scratchpads (resident
 * weights, as a recurrent layer keeps them). Then M = 1 with K = 2.5 times
 * the scratchpad limit (K tiles: FLAGS.KEEP / ACCUM), plain against
 * MATVEC, whole job: streaming its weights once, a mat-vec is bound by the
 * DMA's 8 bytes per cycle (the roofline is printed beside it).
 * Prints "BENCH <name> <value> <unit>" lines only.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_sim.h"
#include "bench_util.h"
#include "npe_ring.h"

typedef struct {
  const npe_mm_plan *p;
  npe_tiler_it it;
} src_t;

static int next(void *ctx, uint8_t d[64]) {
  src_t *s = ctx;
  return npe_tiler_next(s->p, &s->it, d);
}

static double util(npesim *s, const npe_hw_shape *hw, uint32_t lanes) {
  uint64_t macs = 0;
  for (unsigned f = 0; f < NPE_FMT_COUNT; f++)
    macs += bench_counter(s, NPE_PERF_MACS_FP4_LO_REG_OFFSET + 8u * f);
  uint64_t busy = bench_counter(s, NPE_PERF_BUSY_CYCLES_LO_REG_OFFSET);
  return 100.0 * (double)macs / ((double)busy * hw->rows * hw->cols * lanes);
}

static void perf_clear(npesim *s) {
  npesim_csr_write(s, NPE_CTRL_REG_OFFSET,
                   1u << NPE_CTRL_PERF_EN_BIT | 1u << NPE_CTRL_PERF_CLEAR_BIT);
}

/* One job; its utilisation in percent (whole job, and its last MATMUL
 * alone with the operands resident), or -1 on an error. */
static double run(npe_transport *t, npe_ring *ring, const npe_hw_shape *hw, npe_fmt fa,
                  npe_fmt fb, uint32_t m, uint32_t n, uint32_t k, int matvec, uint64_t *seed,
                  double *resident) {
  npesim *s = npe_transport_sim_get(t);
  const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
  npe_mm_plan p;
  if (npe_tiler_plan(hw, fa, fb, fa, 1, m, n, k, base, 0, 0, &p)) return -1;
  if (matvec && npe_tiler_use_matvec(&p)) return -1;
  uint64_t ab = (base + npe_tiler_bytes_a(&p) + 63) & ~63ull;
  uint64_t cb = (ab + npe_tiler_bytes_b(&p) + 63) & ~63ull;
  if (npe_tiler_plan(hw, fa, fb, fa, 1, m, n, k, base, ab, cb, &p)) return -1;
  if (matvec && npe_tiler_use_matvec(&p)) return -1;
  uint16_t *a16 = malloc((size_t)m * k * 2), *b16 = malloc((size_t)n * k * 2);
  uint8_t *a8 = malloc((size_t)m * k), *b8 = malloc((size_t)n * k);
  if (!a16 || !b16 || !a8 || !b8) return -1;
  npe_pats_out a = bench_view(fa, a16, a8), b = bench_view(fb, b16, b8);
  bench_fill(a, (size_t)m * k, seed);
  bench_fill(b, (size_t)n * k, seed);
  uint8_t *pa = malloc(npe_tiler_bytes_a(&p)), *pb = malloc(npe_tiler_bytes_b(&p));
  if (!pa || !pb || npe_tiler_pack_a(&p, npe_pats_of(a), k, pa) ||
      npe_tiler_pack_b(&p, npe_pats_of(b), k, pb))
    return -1;
  t->mem_write(t->ctx, p.addr_a, pa, npe_tiler_bytes_a(&p));
  t->mem_write(t->ctx, p.addr_b, pb, npe_tiler_bytes_b(&p));
  free(pa), free(pb), free(a16), free(b16), free(a8), free(b8);
  perf_clear(s);
  src_t src = {&p, {0, 0, 0, 0}};
  npe_ring_stream st;
  memset(&st, 0, sizeof st);
  st.src = next;
  st.src_ctx = &src;
  if (npe_ring_finish(t, ring, &st, 100000000ull, NULL, NULL) || st.res.hw_err) return -1;
  double whole = util(s, hw, p.lanes);
  /* the last MATMUL again, alone, through DESC_0..15 and the doorbell */
  uint8_t d[64], last[64] = {0};
  npe_tiler_it it = {0, 0, 0, 0};
  while (npe_tiler_next(&p, &it, d))
    if (npe_desc_get_opcode(d) == NPE_OP_MATMUL) memcpy(last, d, 64);
  bench_post(s, last);
  perf_clear(s);
  npesim_csr_write(s, NPE_DOORBELL_REG_OFFSET, 1);
  if (npesim_run_until_idle(s, 100000000ull)) return -1;
  *resident = util(s, hw, p.lanes);
  return whole;
}

int main(void) {
  static const struct { const char *name; npe_fmt fa, fb; } pairs[6] = {
      {"fp4", NPE_FMT_FP4, NPE_FMT_FP4},          {"posit4", NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {"posit8", NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {"posit16", NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {"int8", NPE_FMT_INT8, NPE_FMT_INT8},       {"ternary", NPE_FMT_INT8, NPE_FMT_TERNARY}};
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.read_latency = 100;
  npe_transport t;
  if (npe_transport_sim_open(&c, &t)) return 1;
  npesim_info info;
  npesim_get_info(npe_transport_sim_get(&t), &info);
  npe_hw_shape hw = {info.rows, info.cols, info.a_bank_words, info.b_bank_words, info.out_groups, 0, 0, 0};
  npe_hw_shape hw_k = hw; /* with K tiles, when the engine has them */
  uint32_t cap = 0;
  if (npesim_csr_read(npe_transport_sim_get(&t), NPE_CAP_FORMATS_REG_OFFSET, &cap)) return 1;
  hw_k.ksplit = cap >> NPE_CAP_FORMATS_KSPLIT_BIT & 1u;
  npe_ring ring = {NPE_SIM_MEM_BASE, 8, 0};
  if (npe_ring_setup(&t, &ring)) return 1;
  uint64_t seed = 3;
  for (int i = 0; i < 6; i++) {
    /* N = Rows x Cols x OutGroups: the most outputs one MATVEC takes */
    uint32_t n = hw.rows * hw.cols * hw.out_groups;
    double r_plain, r_mv, r_batch;
    double plain = run(&t, &ring, &hw, pairs[i].fa, pairs[i].fb, 1, n, 256, 0, &seed, &r_plain);
    double mv = run(&t, &ring, &hw, pairs[i].fa, pairs[i].fb, 1, n, 256, 1, &seed, &r_mv);
    double batch =
        run(&t, &ring, &hw, pairs[i].fa, pairs[i].fb, hw.rows, n, 256, 0, &seed, &r_batch);
    if (plain < 0 || mv < 0 || batch < 0) return 1;
    const char *f = pairs[i].name;
    printf("BENCH matvec_util_%s_n%u_k256_batch1_plain_job %.1f %%\n", f, n, plain);
    printf("BENCH matvec_util_%s_n%u_k256_batch1_matvec_job %.1f %%\n", f, n, mv);
    printf("BENCH matvec_util_%s_n%u_k256_batch%u_plain_job %.1f %%\n", f, n, hw.rows, batch);
    printf("BENCH matvec_util_%s_n%u_k256_batch1_plain_resident %.1f %%\n", f, n, r_plain);
    printf("BENCH matvec_util_%s_n%u_k256_batch1_matvec_resident %.1f %%\n", f, n, r_mv);
    printf("BENCH matvec_util_%s_n%u_k256_batch%u_plain_resident %.1f %%\n", f, n, hw.rows,
           r_batch);
  }
  for (int i = 0; i < 6 && hw_k.ksplit; i++) {
    /* K tiles: K = 2.5 x the limit, N = Rows x Cols x 8 */
    uint32_t n = hw.rows * hw.cols * 8, k = npe_tiler_max_k(&hw_k, pairs[i].fa, pairs[i].fb) * 5 / 2;
    double r_plain, r_mv;
    double plain = run(&t, &ring, &hw_k, pairs[i].fa, pairs[i].fb, 1, n, k, 0, &seed, &r_plain);
    double mv = run(&t, &ring, &hw_k, pairs[i].fa, pairs[i].fb, 1, n, k, 1, &seed, &r_mv);
    if (plain < 0 || mv < 0) return 1;
    /* DMA roofline: 8 bytes per cycle of B at the format's bits per weight */
    unsigned bits = pairs[i].fb == NPE_FMT_TERNARY ? 2 : npe_hw_fmt_bits(pairs[i].fb);
    double peak = hw.rows * hw.cols * npe_hw_fmt_lanes(pairs[i].fb == NPE_FMT_TERNARY
                                                           ? NPE_FMT_TERNARY : pairs[i].fa);
    double roof = 100.0 * (64.0 / bits) / peak;
    const char *f = pairs[i].name;
    printf("BENCH matvec_util_%s_n%u_k%u_ktiles_batch1_plain_job %.1f %%\n", f, n, k, plain);
    printf("BENCH matvec_util_%s_n%u_k%u_ktiles_batch1_matvec_job %.1f %%\n", f, n, k, mv);
    printf("BENCH matvec_util_%s_ktiles_dma_roofline %.1f %%\n", f, roof > 100 ? 100 : roof);
  }
  t.close(t.ctx);
  return 0;
}
