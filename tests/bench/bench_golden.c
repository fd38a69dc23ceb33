/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_golden: throughput of the golden exact dot product per format (one
 * core) and storage of 2-bit versus Sherry ternary packing. Prints
 * "BENCH <name> <value> <unit>" lines only.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>

#include "npe_format.h"
#include "bench_util.h"

int main(void) {
  const size_t n = (size_t)1 << 16; /* operands stay in L2, as in a tile */
  uint16_t *a16 = malloc(n * 2), *b16 = malloc(n * 2);
  uint8_t *a8 = malloc(n), *b8 = malloc(n);
  if (!a16 || !b16 || !a8 || !b8) return 1;
  uint64_t s = 42;
  volatile uint64_t sink = 0;
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    npe_fmt fw = (npe_fmt)f, fa = f == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fw;
    npe_pats_out a = bench_view(fa, a16, a8), b = bench_view(fw, b16, b8);
    bench_fill(a, n, &s);
    bench_fill(b, n, &s);
    double best = 0;
    for (int trial = 0; trial < 5; trial++) {
      size_t reps = 0;
      double t0 = bench_now(), t;
      npe_quire q;
      npe_quire_clear(&q);
      do {
        for (int i = 0; i < 16; i++) npe_quire_add_dot(&q, npe_pats_of(a), npe_pats_of(b), n);
        reps += 16;
        t = bench_now() - t0;
      } while (t < 0.1);
      uint8_t bytes[16];
      npe_quire_export(&q, bytes);
      sink += bytes[0];
      double rate = (double)reps * (double)n / t / 1e6;
      if (rate > best) best = rate;
    }
    printf("BENCH golden_dot_%s %.0f MMAC/s\n", npe_fmt_name(fw), best);
  }
  free(a16), free(b16), free(a8), free(b8);

  /* 4096 x 4096 ternary weights: 2-bit versus Sherry 1.25-bit */
  const size_t nw = (size_t)4096 * 4096;
  float *w = malloc(nw * sizeof *w);
  uint8_t *t = malloc(nw), *packed = malloc(nw / 4 + 16);
  if (!w || !t || !packed) return 1;
  for (size_t i = 0; i < nw; i++) w[i] = (float)((int64_t)(bench_rng(&s) >> 40) - (1 << 23));
  float scale;
  size_t two_bit = npe_packed_size(NPE_FMT_TERNARY, nw);
  if (npe_quantize_sherry(w, nw, t, &scale) || npe_pack(npe_pats_u8(NPE_FMT_TERNARY, t), nw, packed, two_bit))
    return 1;
  size_t sherry = npe_sherry_size(nw);
  if (npe_sherry_pack(t, nw, packed, sherry)) return 1;
  printf("BENCH pack_2bit_bytes_per_weight %.5f B/weight\n", (double)two_bit / (double)nw);
  printf("BENCH pack_sherry_bytes_per_weight %.5f B/weight\n", (double)sherry / (double)nw);
  printf("BENCH pack_sherry_bits_per_weight %.3f bit/weight\n", 8.0 * (double)sherry / (double)nw);
  free(w), free(t), free(packed);
  return sink == 1 ? 1 : 0;
}
