/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Host-side data of the npe tool: seeded random inputs, pattern arrays typed
 * by their format's element width, and per-tensor quantisation into them.
 */
#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

int cli_parse_u32(const char *s, uint32_t *v, uint32_t lo, uint32_t hi) {
  char *end;
  unsigned long long x = strtoull(s, &end, 10);
  if (!*s || *end || *s < '0' || *s > '9' || x < lo || x > hi) return -1;
  *v = (uint32_t)x;
  return 0;
}

uint64_t cli_rng(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

double cli_uniform(uint64_t *s) { return (double)(cli_rng(s) >> 11) / 9007199254740992.0; }

double cli_gauss(uint64_t *s) { /* Box-Muller */
  double u1 = ((double)(cli_rng(s) >> 11) + 1) / 9007199254740993.0;
  double u2 = (double)(cli_rng(s) >> 11) / 9007199254740992.0;
  return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

int cli_pats_alloc(npe_fmt f, size_t n, npe_pats_out *out) {
  memset(out, 0, sizeof *out);
  out->fmt = f;
  if (npe_fmt_elem_bytes(f) == 2) out->u16 = malloc((n ? n : 1) * sizeof *out->u16);
  else out->u8 = malloc(n ? n : 1);
  return out->u8 || out->u16 ? NPE_OK : NPE_ERR_NO_MEM;
}

void cli_pats_free(npe_pats_out *v) {
  free(v->u8);
  free(v->u16);
  v->u8 = NULL;
  v->u16 = NULL;
}

/* A power of two at or above s (so quantised values still fit). */
static float pow2_up(float s) {
  int e;
  float mnt = frexpf(s, &e);
  return mnt == 0.5f ? s : ldexpf(1.0f, e);
}

int cli_quantise(npe_fmt f, const double *x, size_t n, int pow2, npe_pats_out *pat,
                 float *scale) {
  float *xf = malloc(n * sizeof *xf);
  int rc = cli_pats_alloc(f, n, pat);
  if (!xf || rc) {
    free(xf);
    return NPE_ERR_NO_MEM;
  }
  for (size_t i = 0; i < n; i++) xf[i] = (float)x[i];
  rc = npe_quant_scale(f, xf, n, scale);
  if (!rc && pow2) *scale = pow2_up(*scale);
  if (!rc) rc = npe_quantize(xf, n, *scale, *pat);
  free(xf);
  return rc;
}

int cli_pats_from_ints(npe_fmt f, const double *v, size_t n, npe_pats_out *pat,
                       size_t *bad /* out */) {
  int rc = cli_pats_alloc(f, n, pat);
  if (rc) return rc;
  unsigned bits = npe_fmt_bits(f);
  for (size_t i = 0; i < n; i++) {
    double x = v[i], dummy;
    int ok;
    uint32_t p = 0;
    if (f == NPE_FMT_INT8) {
      ok = x >= -128 && x <= 127, p = (uint32_t)(int32_t)x & 0xffu;
    } else if (f == NPE_FMT_TERNARY) {
      ok = x >= -1 && x <= 1, p = (uint32_t)(int32_t)x & 3u;
    } else {
      ok = x >= 0 && x < (double)(1u << bits), p = ok ? (uint32_t)x : 0;
    }
    if (!ok || npe_decode(f, p, &dummy) != NPE_OK) {
      cli_pats_free(pat);
      *bad = i;
      return NPE_ERR_RANGE;
    }
    npe_pats_set(*pat, i, p);
  }
  return NPE_OK;
}
