/* SPDX-License-Identifier: Apache-2.0 */
/*
 * One matmul over a link, checked bit for bit against the golden model:
 * what test_uart.c (a uart: device on a pty) and test_link.c (ftdi:// on a
 * fake libftdi) share. The board behind either plays the small iCE40 build,
 * so A is INT8 and B INT8 or ternary.
 */
#ifndef CHECK_MATMUL_H
#define CHECK_MATMUL_H

#include <check.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"

/* xorshift64: the tests' reproducible operands */
static uint64_t rng(uint64_t *s) {
  *s ^= *s << 13, *s ^= *s >> 7, *s ^= *s << 17;
  return *s;
}

/* C = A x B^T for M x K INT8 A and N x K B (INT8 or ternary, @p fb),
 * binary32 out, against the golden dot product. */
static void check_matmul(npe_dev *d, npe_fmt fb, uint32_t m, uint32_t n, uint32_t k) {
  uint64_t s = 0x9e3779b97f4a7c15ull ^ (m * 131u + n * 7u + k);
  uint8_t *a = malloc((size_t)m * k), *b = malloc((size_t)n * k);
  float *c = malloc((size_t)m * n * sizeof *c), *g = malloc((size_t)m * n * sizeof *g);
  ck_assert(a && b && c && g);
  for (size_t i = 0; i < (size_t)m * k; i++) a[i] = (uint8_t)rng(&s);
  for (size_t i = 0; i < (size_t)n * k; i++) {
    static const uint8_t tern[3] = {0, 1, 3};
    b[i] = fb == NPE_FMT_TERNARY ? tern[rng(&s) % 3] : (uint8_t)rng(&s);
  }
  npe_tensor ta = {npe_pats_u8(NPE_FMT_INT8, a), m, k, k, 1.0f},
             tb = {npe_pats_u8(fb, b), n, k, k, 1.0f};
  npe_output out = {.f32 = c};
  int rc = npe_matmul(d, &ta, &tb, &out);
  ck_assert_msg(rc == NPE_OK, "matmul %ux%ux%u: %s (%s)", m, n, k, npe_strerror(rc),
                npe_last_error(d));
  ck_assert_int_eq(npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, 1.0f, g, n), NPE_OK);
  for (uint32_t i = 0; i < m; i++)
    for (uint32_t j = 0; j < n; j++)
      ck_assert_msg(memcmp(&c[(size_t)i * n + j], &g[(size_t)i * n + j], 4) == 0,
                    "C[%u][%u] = %a, golden %a", i, j, (double)c[(size_t)i * n + j],
                    (double)g[(size_t)i * n + j]);
  free(a), free(b), free(c), free(g);
}

#endif /* CHECK_MATMUL_H */
