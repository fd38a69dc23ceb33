/* SPDX-License-Identifier: Apache-2.0 */
/* bench_util.h - small helpers shared by the benchmark programs. */
#ifndef NPE_BENCH_UTIL_H
#define NPE_BENCH_UTIL_H

#include <stdint.h>
#include <time.h>

#include "npe_format.h"

/* Monotonic wall-clock seconds. */
static inline double bench_now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

/* xorshift64* */
static inline uint64_t bench_rng(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* A writable view of format f over one of two arrays, the one of f's
 * element width. */
static inline npe_pats_out bench_view(npe_fmt f, uint16_t *w16, uint8_t *w8) {
  return npe_fmt_elem_bytes(f) == 2 ? npe_pats_out_u16(f, w16) : npe_pats_out_u8(f, w8);
}

/* n random valid, non-NaR patterns of v.fmt into v. */
static inline void bench_fill(npe_pats_out v, size_t n, uint64_t *s) {
  for (size_t i = 0; i < n; i++) {
    double d;
    uint32_t p;
    do p = (uint32_t)(bench_rng(s) >> 40) & ((1u << npe_fmt_bits(v.fmt)) - 1);
    while (npe_decode(v.fmt, p, &d) != NPE_OK || d != d);
    npe_pats_set(v, i, p);
  }
}

#endif
