/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_gla - Gated Linear Attention on the simulated engine (npe_gla()):
 * cycles per token and MAC utilisation for one head with dk = dv = 64 at
 * T = 1024, chunk lengths 16 / 32 / 64, every format GLA takes (issue 12's
 * benchmark). All jobs of a head count: the products on the MAC array and
 * the DIAG sequence carrying the state. Every run is also compared with the
 * golden model (a mismatch exits 1). Usage: bench_gla [T] [d].
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "../driver/test_rand.h"

static double urand(uint64_t *s) { return (double)(rng(s) >> 11) / 9007199254740992.0; }

int main(int argc, char **argv) {
  uint32_t T = argc > 1 ? (uint32_t)atoi(argv[1]) : 1024, d = argc > 2 ? (uint32_t)atoi(argv[2]) : 64;
  size_t n = (size_t)T * d;
  float *q = malloc(n * 4), *k = malloc(n * 4), *v = malloc(n * 4), *g = malloc(n * 4);
  float *o = malloc(n * 4), *go = malloc(n * 4);
  if (!q || !k || !v || !g || !o || !go) return 1;
  uint64_t s = 12345;
  for (size_t i = 0; i < n; i++) {
    q[i] = (float)(2 * urand(&s) - 1);
    k[i] = (float)(2 * urand(&s) - 1);
    v[i] = (float)(2 * urand(&s) - 1);
    g[i] = (float)(-log1p(exp(-(8 * urand(&s) - 4))) / 16.0);
  }
  npe_dev *dev = NULL;
  if (npe_open("sim:", &dev) != NPE_OK) return 1;
  const npe_fmt fm[] = {NPE_FMT_INT8, NPE_FMT_FP4, NPE_FMT_POSIT4, NPE_FMT_POSIT8, NPE_FMT_POSIT16};
  const uint32_t chunks[] = {16, 32, 64};
  int bad = 0;
  for (size_t c = 0; c < 3; c++)
    for (size_t f = 0; f < 5; f++) {
      npe_gla_seq seq = {fm[f], T, d, d, chunks[c], q, k, v, g};
      npe_stats st;
      if (npe_gla(dev, &seq, o, NULL) != NPE_OK || npe_last_stats(dev, &st) != NPE_OK ||
          npe_gla_golden(&seq, go, NULL) != NPE_OK) {
        fprintf(stderr, "bench_gla: %s chunk %u failed\n", npe_fmt_name(fm[f]), chunks[c]);
        return 1;
      }
      if (memcmp(o, go, n * 4)) {
        fprintf(stderr, "bench_gla: %s chunk %u: golden mismatch\n", npe_fmt_name(fm[f]), chunks[c]);
        bad = 1;
      }
      printf("BENCH gla_cycles_per_token_%s_d%u_t%u_c%u %.1f cycles\n", npe_fmt_name(fm[f]), d, T,
             chunks[c], (double)st.cycles / T);
      printf("BENCH gla_mac_util_%s_d%u_t%u_c%u %.1f %%\n", npe_fmt_name(fm[f]), d, T, chunks[c],
             100.0 * st.utilisation);
      fflush(stdout);
    }
  npe_close(dev);
  free(q), free(k), free(v), free(g), free(o), free(go);
  return bad;
}
