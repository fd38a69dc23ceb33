/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_sherry_engine: ternary weights as Sherry 1.25-bit codes against
 * 2-bit codes through libnpe on the simulator (100-cycle read latency, as
 * bench_engine): INT8 activations x 3:4-sparse ternary weights (one zero
 * in every group of 4 along K, as npe_quantize_sherry() makes them), the
 * 256x256x256 matmul and the batch-1 mat-vec 1x256x256, each with
 * npe_set_sherry() on and off: the bytes the DMA read for the weights
 * (npe_stats.dma_weight_bytes), all DMA read bytes (the engine's counter)
 * and the engine cycles. The outputs must be the same bit for bit (else
 * exit 1). Prints "BENCH <name> <value> <unit>" lines only.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "bench_util.h"

static int run(npe_dev *d, const char *name, uint32_t m, uint32_t n, uint32_t k, uint64_t *s) {
  uint8_t *a = malloc((size_t)m * k), *b = malloc((size_t)n * k);
  float *c[2] = {malloc((size_t)m * n * 4), malloc((size_t)m * n * 4)};
  if (!a || !b || !c[0] || !c[1]) return 1;
  for (size_t i = 0; i < (size_t)m * k; i++) a[i] = (uint8_t)(bench_rng(s) >> 56);
  for (size_t i = 0; i < (size_t)n * k; i += 4) { /* k % 4 == 0 */
    unsigned z = (unsigned)(bench_rng(s) >> 62);
    for (unsigned j = 0; j < 4; j++) b[i + j] = j == z ? 0 : (bench_rng(s) >> 63 ? 3 : 1);
  }
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), m, k, 0, 1},
             tb = {npe_pats_u8(NPE_FMT_TERNARY, b), n, k, 0, 1};
  static const char *const how[2] = {"2bit", "sherry"};
  for (int on = 0; on < 2; on++) {
    npe_output out = {.f32 = c[on]};
    npe_stats st;
    /* B per m-tile (npe_set_b_resident(d, 0)): bits per weight per LOAD, as
     * before resident B (bench_b_resident compares the two streams) */
    if (npe_set_b_resident(d, 0) || npe_set_sherry(d, on) || npe_matmul(d, &ta, &tb, &out) || npe_last_stats(d, &st) ||
        st.sherry != (uint32_t)on)
      return 1;
    printf("BENCH ternary_%s_%s_w_dma_bytes %llu bytes\n", name, how[on],
           (unsigned long long)st.dma_weight_bytes);
    /* B is loaded once per tile of Rows rows of A */
    npe_info in;
    if (npe_get_info(d, &in)) return 1;
    printf("BENCH ternary_%s_%s_w_bits_per_weight %.3f bits\n", name, how[on],
           8.0 * (double)st.dma_weight_bytes / ((double)n * k * ((m + in.rows - 1) / in.rows)));
    printf("BENCH ternary_%s_%s_dma_rd_bytes %llu bytes\n", name, how[on],
           (unsigned long long)st.dma_read_bytes);
    printf("BENCH ternary_%s_%s_cycles %llu cycles\n", name, how[on],
           (unsigned long long)st.cycles);
  }
  int same = memcmp(c[0], c[1], (size_t)m * n * 4) == 0;
  free(a), free(b), free(c[0]), free(c[1]);
  return !same;
}

int main(void) {
  npe_dev *d;
  if (npe_open("sim:?latency=100", &d)) return 1;
  uint64_t s = 11;
  int rc = run(d, "256x256x256", 256, 256, 256, &s);
  if (!rc) rc = run(d, "1x256x256", 1, 256, 256, &s);
  npe_close(d);
  if (rc) fprintf(stderr, "bench_sherry_engine: a run failed or the outputs differ\n");
  return rc;
}
