/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_dot.c - the fast exact dot product: table-driven decode (tables made
 * by tools/gen_tables from the definitional decoder) and integer
 * accumulation, with exactly the result of npe_quire_add_product() term by
 * term.
 */
#include "npe_format.h"

#include "npe_golden_int.h"

/* Small formats: |product| <= 2^24 in fixed point, so 2^24 terms fit an
 * int64 partial sum with room to spare. */
#define SMALL_CHUNK ((size_t)1 << 24)

static int fmt_ok(npe_fmt f) { return (unsigned)f < (unsigned)NPE_FMT_COUNT; }

int npe__pats_check(npe_pats v, size_t n) {
  if (!fmt_ok(v.fmt)) return NPE_ERR_INVALID_ARG;
  int wide = npe_fmt_elem_bytes(v.fmt) == 2;
  if (wide ? v.u8 != NULL : v.u16 != NULL) return NPE_ERR_INVALID_ARG;
  if (n && (wide ? v.u16 == NULL : v.u8 == NULL)) return NPE_ERR_INVALID_ARG;
  return NPE_OK;
}

int npe__pats_out_check(npe_pats_out v, size_t n) {
  return npe__pats_check(npe_pats_of(v), n);
}

unsigned npe__pats_scan(npe_pats v, size_t n) {
  unsigned fl = 0;
  if (v.u16) { /* posit16: every pattern is valid */
    for (size_t i = 0; i < n; i++) fl |= v.u16[i] == 0x8000u;
    return fl ? 2u : 0u;
  }
  if (v.fmt == NPE_FMT_INT8) return 0;
  const uint8_t *tab = npe__flag8[v.fmt];
  for (size_t i = 0; i < n; i++) fl |= tab[v.u8[i]];
  return fl;
}

static int64_t fixed_at(npe_pats v, size_t i) {
  return v.u16 ? npe__tab16[v.u16[i]] : npe__tab8[v.fmt][v.u8[i]];
}

/* Term-by-term reference path (any pair of formats). */
static void dot_terms(npe_quire *q, npe_pats a, npe_pats b, size_t i0, size_t i1) {
  unsigned shift = (unsigned)(NPE_QUIRE_FRAC_BITS - npe__fix_frac(a.fmt) -
                              npe__fix_frac(b.fmt));
  for (size_t i = i0; i < i1 && !(q->flags & NPE_QUIRE_OVF); i++)
    npe__quire_add128(q, npe__mul_shift(fixed_at(a, i), fixed_at(b, i), shift));
}

static void dot_small(npe_quire *q, npe_pats va, npe_pats vb, size_t n) {
  const uint8_t *a = va.u8, *b = vb.u8;
  const int16_t *ta = npe__tab8[va.fmt], *tb = npe__tab8[vb.fmt];
  unsigned shift = (unsigned)(NPE_QUIRE_FRAC_BITS - npe__fix_frac(va.fmt) -
                              npe__fix_frac(vb.fmt));
  for (size_t i = 0; i < n && !(q->flags & NPE_QUIRE_OVF);) {
    size_t end = n - i > SMALL_CHUNK ? i + SMALL_CHUNK : n;
    int64_t acc = 0;
    for (size_t j = i; j < end; j++) acc += (int32_t)ta[a[j]] * tb[b[j]];
    npe_quire before = *q;
    npe__quire_add128(q, npe__mul_shift(acc, 1, shift));
    if (q->flags & NPE_QUIRE_OVF) { /* find the exact term that overflowed */
      *q = before;
      dot_terms(q, va, vb, i, end);
    }
    i = end;
  }
}

static void dot_p16(npe_quire *q, npe_pats va, npe_pats vb, size_t n) {
#if defined(__SIZEOF_INT128__) && !defined(NPE_NO_INT128)
  const uint16_t *a = va.u16, *b = vb.u16;
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
  dot_terms(q, va, vb, 0, n);
#endif
}

int npe_quire_add_dot(npe_quire *q, npe_pats a, npe_pats b, size_t n) {
  if (!q || npe__pats_check(a, n) || npe__pats_check(b, n)) return NPE_ERR_INVALID_ARG;
  unsigned fl = npe__pats_scan(a, n) | npe__pats_scan(b, n);
  if (fl & 1u) return NPE_ERR_RANGE;
  if (fl & 2u) q->flags |= NPE_QUIRE_NAR;
  if (a.u8 && b.u8)
    dot_small(q, a, b, n);
  else if (a.u16 && b.u16 && a.fmt == NPE_FMT_POSIT16 && b.fmt == NPE_FMT_POSIT16)
    dot_p16(q, a, b, n);
  else
    dot_terms(q, a, b, 0, n);
  return NPE_OK;
}
