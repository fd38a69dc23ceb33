/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_engine: the engine through libnpe on the simulator (64-bit AXI,
 * 1 beat/cycle, 100-cycle read latency): MAC-array utilisation of a
 * 256x256x256 matmul per format, simulation speed, and driver overhead.
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
  uint8_t *a = malloc((size_t)dim * dim * 2), *b = malloc((size_t)dim * dim * 2);
  float *c = malloc((size_t)dim * dim * 4);
  if (!a || !b || !c) return 1;
  uint64_t s = 7, total_cycles = 0;
  double total_host = 0, total_descs = 0, driver_s = 0;
  for (int i = 0; i < 6; i++) {
    bench_fill(pairs[i].fa, a, (size_t)dim * dim, &s);
    bench_fill(pairs[i].fb, b, (size_t)dim * dim, &s);
    npe_tensor ta = {pairs[i].fa, dim, dim, 0, 1, a}, tb = {pairs[i].fb, dim, dim, 0, 1, b};
    npe_output out = {1, NPE_FMT_FP4, 0, 0, c};
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
                       in.spad_b_kib * 128 / in.cols, in.spad_c_kib * 256 / (in.rows * in.cols)};
    npe_mm_plan p;
    double t0 = bench_now();
    if (npe_tiler_plan(&hw, pairs[i].fa, pairs[i].fb, NPE_FMT_FP4, 1, dim, dim, dim, 0, 1 << 24,
                       1 << 25, &p))
      return 1;
    uint8_t *pa = malloc(npe_tiler_bytes_a(&p)), *pb = malloc(npe_tiler_bytes_b(&p)), desc[64];
    if (!pa || !pb || npe_tiler_pack_a(&p, a, dim, pa) || npe_tiler_pack_b(&p, b, dim, pb))
      return 1;
    npe_tiler_it it = {0, 0, 0};
    uint64_t nd = 0;
    while (npe_tiler_next(&p, &it, desc)) nd++;
    driver_s += bench_now() - t0;
    free(pa), free(pb);
  }
  printf("BENCH sim_speed_verilator %.0f cycles/s\n", (double)total_cycles / total_host);
  printf("BENCH driver_host_us_per_descriptor %.2f us\n", 1e6 * driver_s / total_descs);
  printf("BENCH sim_us_per_descriptor %.1f us\n", 1e6 * total_host / total_descs);
  printf("BENCH device_cycles_per_descriptor %.0f cycles\n", (double)total_cycles / total_descs);
  printf("BENCH driver_share_of_sim_time %.4f ratio\n", driver_s / total_host);
  npe_close(d);
  free(a), free(b), free(c);
  return 0;
}
