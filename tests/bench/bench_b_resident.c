/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_b_resident: resident B (CAP_FORMATS.B_OFFSET, npe_set_b_resident)
 * against the per-step LOAD B stream through libnpe on the simulator: a
 * tall matmul (M = 257, N = 576, K = 192 by default: a layer of the
 * character models over 257 rows) in every format pair, each run with B
 * resident and per step: the weight bytes the DMA read
 * (npe_stats.dma_weight_bytes), all DMA read bytes (the engine's counter),
 * the engine cycles and the energy estimate. The outputs must be the same
 * bit for bit (else exit 1). Prints "BENCH <name> <value> <unit>" lines.
 * Usage: bench_b_resident [M N K]
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "bench_util.h"

static const npe_fmt pairs[6][2] = {
    {NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
    {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
    {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};

static int run(npe_dev *d, npe_fmt fa, npe_fmt fb, uint32_t m, uint32_t n, uint32_t k,
               uint64_t *s) {
  uint16_t *a16 = malloc((size_t)m * k * 2), *b16 = malloc((size_t)n * k * 2);
  uint8_t *a8 = malloc((size_t)m * k), *b8 = malloc((size_t)n * k);
  float *c[2] = {malloc((size_t)m * n * 4), malloc((size_t)m * n * 4)};
  if (!a16 || !b16 || !a8 || !b8 || !c[0] || !c[1]) return 1;
  npe_pats_out va = bench_view(fa, a16, a8), vb = bench_view(fb, b16, b8);
  bench_fill(va, (size_t)m * k, s);
  bench_fill(vb, (size_t)n * k, s);
  npe_tensor ta = {npe_pats_of(va), m, k, 0, 1}, tb = {npe_pats_of(vb), n, k, 0, 1};
  const char *name = fb == NPE_FMT_TERNARY ? "ternary" : npe_fmt_name(fa);
  static const char *const how[2] = {"per_step", "resident"};
  npe_stats st[2];
  for (int on = 0; on < 2; on++) {
    npe_output out = {.f32 = c[on]};
    if (npe_set_b_resident(d, on) || npe_matmul(d, &ta, &tb, &out) || npe_last_stats(d, &st[on]))
      return 1;
    printf("BENCH b_resident_%ux%ux%u_%s_%s_w_dma_bytes %llu bytes\n", m, n, k, name, how[on],
           (unsigned long long)st[on].dma_weight_bytes);
    printf("BENCH b_resident_%ux%ux%u_%s_%s_dma_rd_bytes %llu bytes\n", m, n, k, name, how[on],
           (unsigned long long)st[on].dma_read_bytes);
    printf("BENCH b_resident_%ux%ux%u_%s_%s_cycles %llu cycles\n", m, n, k, name, how[on],
           (unsigned long long)st[on].cycles);
    printf("BENCH b_resident_%ux%ux%u_%s_%s_energy %.1f nJ\n", m, n, k, name, how[on],
           st[on].energy_pj / 1e3);
  }
  printf("BENCH b_resident_%ux%ux%u_%s_energy_ratio %.3f x\n", m, n, k, name,
         st[0].energy_pj / st[1].energy_pj);
  printf("BENCH b_resident_%ux%ux%u_%s_cycles_ratio %.4f x\n", m, n, k, name,
         (double)st[1].cycles / (double)st[0].cycles);
  int same = memcmp(c[0], c[1], (size_t)m * n * 4) == 0;
  if (!same) fprintf(stderr, "bench_b_resident: %s: resident and per-step C differ\n", name);
  free(a16), free(b16), free(a8), free(b8), free(c[0]), free(c[1]);
  return !same;
}

int main(int argc, char **argv) {
  uint32_t m = 257, n = 576, k = 192;
  if (argc == 4) m = (uint32_t)atoi(argv[1]), n = (uint32_t)atoi(argv[2]), k = (uint32_t)atoi(argv[3]);
  npe_dev *d;
  if (npe_open("sim:", &d)) return 1;
  npe_info in;
  if (npe_get_info(d, &in) || !in.has_b_offset) return 1;
  uint64_t s = 19;
  int rc = 0;
  for (int i = 0; i < 6 && !rc; i++) rc = run(d, pairs[i][0], pairs[i][1], m, n, k, &s);
  npe_close(d);
  return rc;
}
