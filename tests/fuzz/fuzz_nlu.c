/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the NLU table builder's inputs (golden/include/npe_nlu.h).
 * The bytes become an npe_nlu_spec (function, bits, fraction bits and the
 * four doubles, any bit pattern: NaN, Inf, huge, tiny), a flat table for
 * npe_nlu_check_table() and a few input codes. Checks what npe_nlu.h
 * promises: a generated table passes npe_nlu_table_check(), evaluates every
 * input code to a code below 2^bits, monotone when it has one segment (a
 * staircase); npe_nlu_thresholds() agrees with it; refusals use the
 * documented error codes and write nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npe_nlu.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static uint64_t take(const uint8_t **d, size_t *n, unsigned bytes) {
  uint64_t v = 0;
  for (unsigned i = 0; i < bytes; i++) {
    v |= (uint64_t)(*n ? **d : 0) << (8 * i);
    if (*n) (*d)++, (*n)--;
  }
  return v;
}

static double take_double(const uint8_t **d, size_t *n, double dflt) {
  uint8_t how = (uint8_t)take(d, n, 1);
  if (how < 128) return dflt + (double)(int8_t)how / 16.0; /* near the default */
  uint64_t u = take(d, n, 8);
  double x;
  memcpy(&x, &u, 8);
  return x;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  const uint8_t *d = data;
  size_t n = size;
  npe_nlu_func func = (npe_nlu_func)(take(&d, &n, 1) % 10u); /* includes bad values */
  unsigned bits = (unsigned)take(&d, &n, 1) % 10u;
  npe_nlu_spec spec;
  int rc = npe_nlu_spec_default(func, bits, &spec);
  if (rc) {
    if (rc != NPE_ERR_INVALID_ARG && rc != NPE_ERR_RANGE) abort();
    memset(&spec, 0, sizeof spec);
    spec.func = func, spec.bits = bits;
    spec.in_lo = -8, spec.in_hi = 8, spec.out_lo = 0, spec.out_hi = 1;
  }
  spec.in_frac_bits = (unsigned)take(&d, &n, 1) % 20u;
  spec.in_lo = take_double(&d, &n, spec.in_lo);
  spec.in_hi = take_double(&d, &n, spec.in_hi);
  spec.out_lo = take_double(&d, &n, spec.out_lo);
  spec.out_hi = take_double(&d, &n, spec.out_hi);
  static npe_nlu_table tab, poison;
  memset(&tab, 0xa5, sizeof tab);
  poison = tab;
  rc = npe_nlu_table_gen(&spec, &tab);
  if (rc) {
    if (rc != NPE_ERR_INVALID_ARG && rc != NPE_ERR_RANGE) abort();
    if (memcmp(&tab, &poison, sizeof tab)) abort(); /* nothing written */
  } else {
    if (npe_nlu_table_check(&tab) != NPE_OK) abort();
    unsigned prev = 0, top = (1u << tab.bits) - 1;
    int mono = tab.nseg == 1; /* a staircase of non-decreasing thresholds */
    for (int32_t x = -32768; x <= 32767; x += 61) {
      unsigned code;
      if (npe_nlu_table_eval(&tab, x, &code) || code > top) abort();
      if (mono && x > -32768 && code < prev) abort();
      prev = code;
    }
    int32_t flat[NPE_NLU_MAX_STEPS];
    size_t nt = 0;
    rc = npe_nlu_thresholds(&spec, flat, NPE_NLU_MAX_STEPS, &nt);
    if (tab.nseg == 1 && (rc || nt != top || memcmp(flat, tab.seg_t[0], nt * sizeof flat[0])))
      abort();
    if (tab.nseg == 2 && rc != NPE_ERR_UNSUPPORTED) abort();
  }
  /* a flat table of the remaining bytes */
  int32_t t[NPE_NLU_MAX_STEPS + 2];
  size_t cnt = n / 4 < NPE_NLU_MAX_STEPS + 2 ? n / 4 : NPE_NLU_MAX_STEPS + 2;
  for (size_t i = 0; i < cnt; i++) t[i] = (int32_t)(uint32_t)take(&d, &n, 4);
  size_t bad = (size_t)-1;
  rc = npe_nlu_check_table(t, cnt, bits, &bad);
  if (rc == NPE_OK) {
    for (size_t i = 0; i < cnt; i++) {
      if (t[i] < NPE_NLU_T_MIN || t[i] > NPE_NLU_T_MAX || (i && t[i] < t[i - 1])) abort();
      unsigned code;
      if (npe_nlu_eval(t, bits, t[i], &code) || code > (1u << bits) - 1) abort();
    }
  } else if ((rc != NPE_ERR_INVALID_ARG && rc != NPE_ERR_RANGE) || bad > cnt) {
    abort();
  }
  return 0;
}
