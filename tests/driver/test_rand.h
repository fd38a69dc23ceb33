/* SPDX-License-Identifier: Apache-2.0 */
/*
 * test_rand.h - the seeded random source of the driver tests and benches
 * (xorshift64*), and random valid patterns of a format.
 */
#ifndef NPE_TEST_RAND_H
#define NPE_TEST_RAND_H

#include <stdint.h>

#include "npe_format.h"

/* The next 64 random bits of the stream seeded by *s (non-zero). */
static inline uint64_t rng(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* A random pattern of format f that decodes (no reserved codes). */
static inline uint32_t rand_pattern(npe_fmt f, uint64_t *s) {
  for (;;) {
    uint32_t p = (uint32_t)(rng(s) >> 40) & ((1u << npe_fmt_bits(f)) - 1);
    double v;
    if (npe_decode(f, p, &v) == NPE_OK) return p;
  }
}

#endif /* NPE_TEST_RAND_H */
