/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_dot.c - the fast exact dot product: table-driven decode (tables made
 * by tools/gen_tables from the definitional decoder) and integer
 * accumulation, with exactly the result of npe_quire_fma() term by term.
 */
#include "npe_format.h"

#include "npe_golden_int.h"

/* Small formats: |product| <= 2^24 in fixed point, so 2^24 terms fit an
 * int64 partial sum with room to spare. */
#define SMALL_CHUNK ((size_t)1 << 24)

static int fmt_ok(npe_fmt f) { return (unsigned)f < (unsigned)NPE_FMT_COUNT; }

/* ORs the pattern flags of n elements: bit 0 invalid, bit 1 NaR. */
static unsigned scan_flags(npe_fmt f, const void *v, size_t n) {
  unsigned fl = 0;
  if (f == NPE_FMT_POSIT16) {
    const uint16_t *p = v;
    for (size_t i = 0; i < n; i++) fl |= p[i] == 0x8000u;
    return fl ? 2u : 0u;
  }
  if (f == NPE_FMT_INT8) return 0;
  const uint8_t *p = v, *tab = npe__flag8[f];
  for (size_t i = 0; i < n; i++) fl |= tab[p[i]];
  return fl;
}

static int64_t fixed_at(npe_fmt f, const void *v, size_t i) {
  if (f == NPE_FMT_POSIT16) return npe__tab16[((const uint16_t *)v)[i]];
  return npe__tab8[f][((const uint8_t *)v)[i]];
}

/* Term-by-term reference path (any pair of formats). */
static void dot_terms(npe_quire *q, npe_fmt fa, const void *a, npe_fmt fb,
                      const void *b, size_t i0, size_t i1) {
  unsigned shift = (unsigned)(NPE_QUIRE_FRAC_BITS - npe__fix_frac(fa) -
                              npe__fix_frac(fb));
  for (size_t i = i0; i < i1 && !(q->flags & NPE_QUIRE_OVF); i++)
    npe__quire_add128(q, npe__mul_shift(fixed_at(fa, a, i), fixed_at(fb, b, i),
                                        shift));
}

static void dot_small(npe_quire *q, npe_fmt fa, const uint8_t *a, npe_fmt fb,
                      const uint8_t *b, size_t n) {
  const int16_t *ta = npe__tab8[fa], *tb = npe__tab8[fb];
  unsigned shift = (unsigned)(NPE_QUIRE_FRAC_BITS - npe__fix_frac(fa) -
                              npe__fix_frac(fb));
  for (size_t i = 0; i < n && !(q->flags & NPE_QUIRE_OVF);) {
    size_t end = n - i > SMALL_CHUNK ? i + SMALL_CHUNK : n;
    int64_t acc = 0;
    for (size_t j = i; j < end; j++) acc += (int32_t)ta[a[j]] * tb[b[j]];
    npe_quire before = *q;
    npe__quire_add128(q, npe__mul_shift(acc, 1, shift));
    if (q->flags & NPE_QUIRE_OVF) { /* find the exact term that overflowed */
      *q = before;
      dot_terms(q, fa, a, fb, b, i, end);
    }
    i = end;
  }
}

static void dot_p16(npe_quire *q, const uint16_t *a, const uint16_t *b, size_t n) {
#if defined(__SIZEOF_INT128__) && !defined(NPE_NO_INT128)
  if (q->flags & NPE_QUIRE_OVF) return;
  __int128 acc = (__int128)(((unsigned __int128)q->hi << 64) | q->lo);
  for (size_t i = 0; i < n; i++) {
    __int128 p = (__int128)npe__tab16[a[i]] * npe__tab16[b[i]], s;
    if (__builtin_add_overflow(acc, p, &s)) {
      q->flags |= NPE_QUIRE_OVF;
      break;
    }
    acc = s;
  }
  q->lo = (uint64_t)acc;
  q->hi = (uint64_t)((unsigned __int128)acc >> 64);
#else
  dot_terms(q, NPE_FMT_POSIT16, a, NPE_FMT_POSIT16, b, 0, n);
#endif
}

int npe_dot(npe_quire *q, npe_fmt fa, const void *a, npe_fmt fb, const void *b,
            size_t n) {
  if (!q || !fmt_ok(fa) || !fmt_ok(fb) || (n && (!a || !b)))
    return NPE_ERR_INVALID_ARG;
  unsigned fl = scan_flags(fa, a, n) | scan_flags(fb, b, n);
  if (fl & 1u) return NPE_ERR_RANGE;
  if (fl & 2u) q->flags |= NPE_QUIRE_NAR;
  if (fa != NPE_FMT_POSIT16 && fb != NPE_FMT_POSIT16)
    dot_small(q, fa, a, fb, b, n);
  else if (fa == NPE_FMT_POSIT16 && fb == NPE_FMT_POSIT16)
    dot_p16(q, a, b, n);
  else
    dot_terms(q, fa, a, fb, b, 0, n);
  return NPE_OK;
}
