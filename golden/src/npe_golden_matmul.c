/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_golden_matmul.c - the one reference C = A x B^T: an exact dot product
 * per cell in a quire, rounded once. The CLI's --check, the driver, engine,
 * UART and Icarus tests and the benches all compare against this; nothing
 * else loops over npe_quire_add_dot() to make a matrix. Freestanding.
 */
#include "npe_format.h"

#include "npe_golden_int.h"

/* Shapes, views and patterns, all checked before anything is written (a dot
 * product over valid patterns cannot fail). */
static int check(npe_pats a, size_t lda, npe_pats b, size_t ldb, uint32_t m, uint32_t n,
                 uint32_t k, size_t ldc) {
  if (!m || !n || !k || lda < k || ldb < k || ldc < n) return NPE_ERR_INVALID_ARG;
  size_t na = (size_t)(m - 1) * lda + k, nb = (size_t)(n - 1) * ldb + k;
  if (npe__pats_check(a, na) || npe__pats_check(b, nb)) return NPE_ERR_INVALID_ARG;
  unsigned fl = 0;
  for (uint32_t i = 0; i < m; i++) fl |= npe__pats_scan(npe_pats_at(a, (size_t)i * lda), k);
  for (uint32_t j = 0; j < n; j++) fl |= npe__pats_scan(npe_pats_at(b, (size_t)j * ldb), k);
  return fl & 1u ? NPE_ERR_RANGE : NPE_OK;
}

/* The exact dot product of row i of a and row j of b. */
static npe_quire cell(npe_pats a, size_t lda, npe_pats b, size_t ldb, uint32_t i, uint32_t j,
                      uint32_t k) {
  npe_quire q;
  npe_quire_clear(&q);
  (void)npe_quire_add_dot(&q, npe_pats_at(a, (size_t)i * lda), npe_pats_at(b, (size_t)j * ldb),
                          k);
  return q;
}

int npe_golden_matmul_f32(npe_pats a, size_t lda, npe_pats b, size_t ldb, uint32_t m,
                          uint32_t n, uint32_t k, float scale, float *c, size_t ldc) {
  if (!c) return NPE_ERR_INVALID_ARG;
  int rc = check(a, lda, b, ldb, m, n, k, ldc);
  if (rc) return rc;
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      npe_quire q = cell(a, lda, b, ldb, i, j, k);
      float v;
      (void)npe_quire_to_f32(&q, &v);
      c[(size_t)i * ldc + j] = v * scale;
    }
  }
  return NPE_OK;
}

int npe_golden_matmul_fmt(npe_pats a, size_t lda, npe_pats b, size_t ldb, uint32_t m,
                          uint32_t n, uint32_t k, npe_pats_out c, size_t ldc) {
  if (m && n && npe__pats_out_check(c, (size_t)(m - 1) * ldc + n)) return NPE_ERR_INVALID_ARG;
  int rc = check(a, lda, b, ldb, m, n, k, ldc);
  if (rc) return rc;
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      npe_quire q = cell(a, lda, b, ldb, i, j, k);
      uint32_t bits;
      (void)npe_quire_to_fmt(&q, c.fmt, &bits);
      npe_pats_set(c, (size_t)i * ldc + j, bits);
    }
  }
  return NPE_OK;
}
