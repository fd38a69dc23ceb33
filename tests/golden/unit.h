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

/* A random valid pattern of format f. */
uint32_t random_pattern(npe_fmt f, uint64_t *s);

#endif
