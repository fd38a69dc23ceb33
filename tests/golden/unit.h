/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the Check unit tests. */
#ifndef NPE_UNIT_H
#define NPE_UNIT_H

#include <check.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "npe_format.h"

Suite *format_suite(void);
Suite *quire_suite(void);
Suite *pack_suite(void);
Suite *nlu_table_suite(void);
Suite *recur_suite(void);
Suite *gla_suite(void);

/* Calls cb(fields, nfields, ctx) for every data line of a file in
 * $NPE_VECTORS (default tests/vectors); returns the number of lines, or -1
 * if the file cannot be read. cb returns 0 to go on. */
typedef int (*vec_cb)(char **fields, int nfields, void *ctx);
long vec_foreach(const char *file, vec_cb cb, void *ctx);

/* Deterministic xorshift64* generator for test inputs. */
static inline uint64_t rng_next(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

/* A random Q2.30 row scale (RECUR ROWSCALE): any int32, near +-2, tiny (a
 * few ulps), +-1.0, 0, or a typical value in (-1, 1). */
static inline int32_t rng_q230_scale(uint64_t *s) {
  switch (rng_next(s) % 8) {
  case 0: return (int32_t)(uint32_t)rng_next(s);
  case 1: return INT32_MAX - (int32_t)(rng_next(s) % 64);
  case 2: return INT32_MIN + (int32_t)(rng_next(s) % 64);
  case 3: return (int32_t)(rng_next(s) % 9) - 4;
  case 4: return rng_next(s) & 1 ? 1 << 30 : -(1 << 30);
  case 5: return 0;
  default: return (int32_t)((int64_t)(rng_next(s) % (2u << 30)) - (1 << 30));
  }
}

/* A random valid pattern of format f. */
uint32_t random_pattern(npe_fmt f, uint64_t *s);

#endif
