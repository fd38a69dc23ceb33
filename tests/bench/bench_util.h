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

/* n random valid, non-NaR patterns of f (uint16_t for posit16, else uint8_t). */
static inline void bench_fill(npe_fmt f, void *v, size_t n, uint64_t *s) {
  for (size_t i = 0; i < n; i++) {
    double d;
    uint32_t p;
    do p = (uint32_t)(bench_rng(s) >> 40) & ((1u << npe_fmt_bits(f)) - 1);
    while (npe_decode(f, p, &d) != NPE_OK || d != d);
    if (f == NPE_FMT_POSIT16) ((uint16_t *)v)[i] = (uint16_t)p;
    else ((uint8_t *)v)[i] = (uint8_t)p;
  }
}

#endif
