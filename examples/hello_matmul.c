/* SPDX-License-Identifier: Apache-2.0 */
/*
 * hello_matmul: the smallest libnpe program. Quantises two small float
 * matrices to Posit(8,0), multiplies them on the simulated engine, and
 * prints the result next to float64.
 *
 *   cc hello_matmul.c $(pkg-config --cflags --libs npe) -o hello_matmul
 */
#include <stdio.h>

#include "npe.h"

int main(void) {
  enum { M = 2, N = 3, K = 4 };
  const float a[M][K] = {{1.0f, -2.0f, 0.5f, 3.0f}, {0.25f, 1.5f, -1.0f, 2.0f}};
  const float w[N][K] = {{0.5f, 0.5f, 0.5f, 0.5f}, {1.0f, 0.0f, -1.0f, 0.0f},
                         {-0.25f, 2.0f, 1.0f, 0.125f}};
  uint8_t qa[M * K], qw[N * K];
  float sa, sw, c[M * N];
  npe_dev *dev;
  int rc = npe_open("sim:", &dev);
  if (!rc) rc = npe_quant_scale(NPE_FMT_POSIT8, &a[0][0], M * K, &sa);
  if (!rc) rc = npe_quantize(&a[0][0], M * K, sa, npe_pats_out_u8(NPE_FMT_POSIT8, qa));
  if (!rc) rc = npe_quant_scale(NPE_FMT_POSIT8, &w[0][0], N * K, &sw);
  if (!rc) rc = npe_quantize(&w[0][0], N * K, sw, npe_pats_out_u8(NPE_FMT_POSIT8, qw));
  npe_tensor ta = {npe_pats_u8(NPE_FMT_POSIT8, qa), M, K, 0, sa};
  npe_tensor tw = {npe_pats_u8(NPE_FMT_POSIT8, qw), N, K, 0, sw};
  npe_output out = {.f32 = c}; /* binary32 out */
  if (!rc) rc = npe_matmul(dev, &ta, &tw, &out);
  if (rc) {
    fprintf(stderr, "hello_matmul: %s\n", npe_strerror(rc));
    npe_close(dev);
    return 1;
  }
  for (int i = 0; i < M; i++)
    for (int j = 0; j < N; j++) {
      double ref = 0;
      for (int k = 0; k < K; k++) ref += (double)a[i][k] * w[j][k];
      printf("C[%d][%d] = %9.5f   (float64 %9.5f)\n", i, j, c[i * N + j], ref);
    }
  npe_stats st;
  npe_last_stats(dev, &st);
  printf("%llu engine cycles, energy estimate %.1f pJ\n", (unsigned long long)st.cycles,
         st.energy_pj);
  npe_close(dev);
  return 0;
}
