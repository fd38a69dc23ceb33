/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_engine: the engine through libnpe on the simulator (64-bit AXI,
 * 1 beat/cycle, 100-cycle read latency): MAC-array utilisation of a
 * 256x256x256 matmul per format, of the demo's 64x64x256 alone and through
 * a B = 8 sigmoid on the NLU, simulation speed, driver overhead, and
 * the digital path of a 64 x 64 recurrent mat-vec (MAC array + NLU) for
 * comparison with the crossbar tile model (make nlu-bench).
 * Prints "BENCH <name> <value> <unit>" lines only.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "npe_tiler.h"
#include "bench_util.h"

int main(int argc, char **argv) {
  uint32_t dim = argc > 1 ? (uint32_t)atoi(argv[1]) : 256;
  static const struct { const char *name; npe_fmt fa, fb; } pairs[6] = {
      {"fp4", NPE_FMT_FP4, NPE_FMT_FP4},          {"posit4", NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {"posit8", NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {"posit16", NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {"int8", NPE_FMT_INT8, NPE_FMT_INT8},       {"ternary", NPE_FMT_INT8, NPE_FMT_TERNARY}};
  npe_dev *d;
  if (npe_open("sim:?latency=100", &d)) return 1;
  size_t nn = (size_t)dim * dim;
  uint16_t *a16 = malloc(nn * 2), *b16 = malloc(nn * 2);
  uint8_t *a8 = malloc(nn), *b8 = malloc(nn);
  float *c = malloc(nn * 4);
  if (!a16 || !b16 || !a8 || !b8 || !c) return 1;
  uint64_t s = 7, total_cycles = 0;
  double total_host = 0, total_descs = 0, driver_s = 0;
  for (int i = 0; i < 6; i++) {
    npe_pats_out a = bench_view(pairs[i].fa, a16, a8), b = bench_view(pairs[i].fb, b16, b8);
    bench_fill(a, nn, &s);
    bench_fill(b, nn, &s);
    npe_tensor ta = {npe_pats_of(a), dim, dim, 0, 1}, tb = {npe_pats_of(b), dim, dim, 0, 1};
    npe_output out = {.f32 = c};
    npe_stats st;
    if (npe_matmul(d, &ta, &tb, &out) || npe_last_stats(d, &st)) return 1;
    printf("BENCH engine_util_%s_%u %.1f %%\n", pairs[i].name, dim, 100 * st.utilisation);
    printf("BENCH engine_cycles_%s_%u %llu cycles\n", pairs[i].name, dim,
           (unsigned long long)st.cycles);
    printf("BENCH engine_energy_%s_%u %.2f uJ(estimate)\n", pairs[i].name, dim, st.energy_pj / 1e6);
    total_cycles += st.cycles;
    total_host += st.host_seconds;
    total_descs += (double)st.descriptors;
    /* the driver's own host work for this job: packing both operands and
     * generating every descriptor (what a board would also need) */
    npe_info in;
    npe_get_info(d, &in);
    npe_hw_shape hw = {in.rows, in.cols, in.spad_a_kib * 128 / in.rows,
                       in.spad_b_kib * 128 / in.cols, in.spad_c_kib * 256 / (in.rows * in.cols),
                       in.has_ksplit, 0, 0};
    npe_mm_plan p;
    double t0 = bench_now();
    if (npe_tiler_plan(&hw, pairs[i].fa, pairs[i].fb, NPE_FMT_FP4, 1, dim, dim, dim, 0, 1 << 24,
                       1 << 25, &p))
      return 1;
    uint8_t *pa = malloc(npe_tiler_bytes_a(&p)), *pb = malloc(npe_tiler_bytes_b(&p)), desc[64];
    if (!pa || !pb || npe_tiler_pack_a(&p, ta.data, dim, pa) || npe_tiler_pack_b(&p, tb.data, dim, pb))
      return 1;
    npe_tiler_it it = {0, 0, 0, 0};
    uint64_t nd = 0;
    while (npe_tiler_next(&p, &it, desc)) nd++;
    driver_s += bench_now() - t0;
    free(pa), free(pb);
  }
  /* The demo's workload, 64 x 64 x 256, alone and through a B = 8 sigmoid
   * on the NLU: the activation should cost (almost) no utilisation. */
  {
    npe_nlu_spec spec;
    npe_nlu_table tab;
    if (npe_nlu_spec_default(NPE_NLU_SIGMOID, 8, &spec) || npe_nlu_table_gen(&spec, &tab)) return 1;
    const uint32_t m = 64, n = 64, k = 256;
    static uint8_t codes[64 * 64];
    for (int i = 0; i < 6; i++) {
      npe_pats_out a = bench_view(pairs[i].fa, a16, a8), b = bench_view(pairs[i].fb, b16, b8);
      bench_fill(a, (size_t)m * k, &s);
      bench_fill(b, (size_t)n * k, &s);
      npe_tensor ta = {npe_pats_of(a), m, k, 0, 1}, tb = {npe_pats_of(b), n, k, 0, 1};
      npe_output out = {.f32 = c};
      npe_stats plain, act;
      if (npe_matmul(d, &ta, &tb, &out) || npe_last_stats(d, &plain) ||
          npe_matmul_nlu(d, &ta, &tb, &tab, spec.in_frac_bits, codes, 0) ||
          npe_last_stats(d, &act))
        return 1;
      printf("BENCH engine_util_%s_64x64x256 %.1f %%\n", pairs[i].name, 100 * plain.utilisation);
      printf("BENCH engine_util_%s_64x64x256_sigmoid_b8 %.1f %%\n", pairs[i].name,
             100 * act.utilisation);
    }
  }
  /* K beyond the scratchpads (issue 15's example, an LLM layer of
   * K = 11008): K tiles chained with FLAGS.KEEP / ACCUM, each tile loading
   * its A and B segments; the utilisation says what the split costs. */
  {
    const uint32_t m = 16, n = 64, k = 11008;
    uint16_t *ka16 = malloc((size_t)m * k * 2), *kb16 = malloc((size_t)n * k * 2);
    uint8_t *ka8 = malloc((size_t)m * k), *kb8 = malloc((size_t)n * k);
    float *kc = malloc((size_t)m * n * 4);
    if (!ka16 || !kb16 || !ka8 || !kb8 || !kc) return 1;
    static const int kp[3] = {0, 3, 4}; /* fp4, posit16, int8 */
    for (int q = 0; q < 3; q++) {
      int i = kp[q];
      npe_pats_out a = bench_view(pairs[i].fa, ka16, ka8), b = bench_view(pairs[i].fb, kb16, kb8);
      bench_fill(a, (size_t)m * k, &s);
      bench_fill(b, (size_t)n * k, &s);
      npe_tensor ta = {npe_pats_of(a), m, k, 0, 1}, tb = {npe_pats_of(b), n, k, 0, 1};
      npe_output out = {.f32 = kc};
      npe_stats st;
      if (npe_matmul(d, &ta, &tb, &out) || npe_last_stats(d, &st)) return 1;
      uint32_t kmax = npe_max_k(d, pairs[i].fa, pairs[i].fb);
      printf("BENCH engine_ktiles_%s_16x64x11008_tiles %u tiles\n", pairs[i].name,
             (k + kmax - 1) / kmax);
      printf("BENCH engine_ktiles_util_%s_16x64x11008 %.1f %%\n", pairs[i].name,
             100 * st.utilisation);
    }
    free(ka16), free(kb16), free(ka8), free(kb8), free(kc);
  }
  printf("BENCH sim_speed_verilator %.0f cycles/s\n", (double)total_cycles / total_host);
  printf("BENCH driver_host_us_per_descriptor %.2f us\n", 1e6 * driver_s / total_descs);
  printf("BENCH sim_us_per_descriptor %.1f us\n", 1e6 * total_host / total_descs);
  printf("BENCH device_cycles_per_descriptor %.0f cycles\n", (double)total_cycles / total_descs);
  printf("BENCH driver_share_of_sim_time %.4f ratio\n", driver_s / total_host);

  /* y = sigmoid(W x), W 64 x 64 int8, one input vector, through the engine:
   * whole job (weights and input loaded by DMA, matmul, NLU, store) */
  static const unsigned bits[2] = {5, 8};
  for (int i = 0; i < 2; i++) {
    npe_nlu_spec spec;
    npe_nlu_table tab;
    static uint8_t x[64], w[64 * 64];
    uint8_t codes[64];
    npe_stats st;
    bench_fill(npe_pats_out_u8(NPE_FMT_INT8, x), sizeof x, &s);
    bench_fill(npe_pats_out_u8(NPE_FMT_INT8, w), sizeof w, &s);
    npe_tensor tx = {npe_pats_u8(NPE_FMT_INT8, x), 1, 64, 0, 1.0f / 128};
    npe_tensor tw = {npe_pats_u8(NPE_FMT_INT8, w), 64, 64, 0, 1.0f / 128};
    if (npe_nlu_spec_default(NPE_NLU_SIGMOID, bits[i], &spec) || npe_nlu_table_gen(&spec, &tab) ||
        npe_matmul_nlu(d, &tx, &tw, &tab, spec.in_frac_bits, codes, 0) || npe_last_stats(d, &st))
      return 1;
    printf("BENCH engine_matvec64_nlu_b%u_cycles %llu cycles\n", bits[i],
           (unsigned long long)st.cycles);
    /* with and without the DRAM reads and writes (a recurrent cell keeps W
     * on chip between timesteps; this job loads it every time) */
    const npe_energy_entry *dram;
    if (npe_energy_find("dram_bit", &dram)) return 1;
    double dram_pj = 8.0 * (double)(st.dma_read_bytes + st.dma_write_bytes) * dram->pj;
    printf("BENCH engine_matvec64_nlu_b%u_energy_per_act %.1f pJ(estimate)\n", bits[i],
           st.energy_pj / 64);
    printf("BENCH engine_matvec64_nlu_b%u_energy_per_act_on_chip %.1f pJ(estimate)\n", bits[i],
           (st.energy_pj - dram_pj) / 64);
  }
  npe_close(d);
  free(a16), free(b16), free(a8), free(b8), free(c);
  return 0;
}
