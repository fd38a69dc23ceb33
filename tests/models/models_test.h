/* SPDX-License-Identifier: Apache-2.0 */
/* Shared helpers of the Check tests of models/. */
#ifndef NPE_MODELS_TEST_H
#define NPE_MODELS_TEST_H

#include <check.h>
#include <stdint.h>

Suite *xbar_suite(void);

/* Deterministic xorshift64* generator for test inputs. */
static inline uint64_t t_rng(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

#endif
