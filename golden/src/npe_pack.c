/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_pack.c - dense storage layouts the engine loads: sub-byte formats
 * packed little-endian bit order, and Sherry 1.25-bit ternary groups.
 */
#include "npe_format.h"

#include "npe_golden_int.h"

static int fmt_ok(npe_fmt f) { return (unsigned)f < (unsigned)NPE_FMT_COUNT; }

/* A byte pattern of a format of 8 bits or fewer. */
static int pattern_ok(npe_fmt f, uint8_t p) { return !(npe__flag8[f][p] & 1u); }

size_t npe_packed_size(npe_fmt f, size_t n) {
  if (!fmt_ok(f)) return 0;
  return (n * npe_fmt_bits(f) + 7) / 8;
}

int npe_pack(npe_pats in, size_t n, uint8_t *out, size_t cap) {
  if (npe__pats_check(in, n) || (n && !out)) return NPE_ERR_INVALID_ARG;
  npe_fmt f = in.fmt;
  size_t need = npe_packed_size(f, n);
  if (cap < need) return NPE_ERR_NO_SPACE;
  if (in.u16) { /* posit16: every pattern is valid; little-endian words */
    for (size_t i = 0; i < n; i++) {
      out[2 * i] = (uint8_t)in.u16[i];
      out[2 * i + 1] = (uint8_t)(in.u16[i] >> 8);
    }
    return NPE_OK;
  }
  const uint8_t *p8 = in.u8;
  for (size_t i = 0; i < n; i++)
    if (!pattern_ok(f, p8[i])) return NPE_ERR_RANGE;
  unsigned w = npe_fmt_bits(f);
  if (w == 8) {
    for (size_t i = 0; i < n; i++) out[i] = p8[i];
    return NPE_OK;
  }
  for (size_t i = 0; i < need; i++) out[i] = 0;
  unsigned per = 8 / w;
  for (size_t i = 0; i < n; i++)
    out[i / per] |= (uint8_t)(p8[i] << (w * (i % per)));
  return NPE_OK;
}

int npe_unpack(const uint8_t *in, size_t cap, size_t n, npe_pats_out out) {
  if (npe__pats_out_check(out, n) || (n && !in)) return NPE_ERR_INVALID_ARG;
  npe_fmt f = out.fmt;
  if (cap < npe_packed_size(f, n)) return NPE_ERR_NO_SPACE;
  unsigned w = npe_fmt_bits(f);
  if (f == NPE_FMT_TERNARY)
    for (size_t i = 0; i < n; i++)
      if (((in[i / 4] >> (2 * (i % 4))) & 3u) == 2u) return NPE_ERR_RANGE;
  for (size_t i = 0; i < n; i++) {
    if (out.u16)
      out.u16[i] = (uint16_t)(in[2 * i] | (in[2 * i + 1] << 8));
    else if (w == 8)
      out.u8[i] = in[i];
    else
      out.u8[i] = (uint8_t)((in[i / (8 / w)] >> (w * (i % (8 / w)))) & ((1u << w) - 1));
  }
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Sherry                                                                    */
/* ------------------------------------------------------------------------ */

size_t npe_sherry_size(size_t n) { return (n / 4 * 5 + 7) / 8; }

/* Ternary code (00 0, 01 +1, 11 -1) of a group -> 5-bit Sherry code, or -1. */
static int sherry_encode(const uint8_t *t) {
  int zpos = -1, nz = 0, s[3] = {0, 0, 0};
  for (int i = 0; i < 4; i++) {
    if (t[i] == 0) {
      if (zpos >= 0) return -1;
      zpos = i;
    } else if ((t[i] == 1 || t[i] == 3) && nz < 3) {
      s[nz++] = t[i] == 3;
    } else {
      return -1;
    }
  }
  if (zpos < 0) return -1;
  return s[0] << 4 | zpos << 2 | (s[1] != s[0]) << 1 | (s[2] != s[0]);
}

static void sherry_decode(unsigned code, uint8_t *t) {
  unsigned neg = code >> 4 & 1, zpos = code >> 2 & 3;
  unsigned sign[3] = {neg, neg ^ (code >> 1 & 1), neg ^ (code & 1)};
  for (unsigned i = 0, k = 0; i < 4; i++)
    t[i] = i == zpos ? 0 : (sign[k++] ? 3 : 1);
}

int npe_sherry_pack(const uint8_t *ternary, size_t n, uint8_t *out, size_t cap) {
  if (n % 4 || (n && (!ternary || !out))) return NPE_ERR_INVALID_ARG;
  size_t need = npe_sherry_size(n);
  for (size_t g = 0; g < n / 4; g++)
    if (sherry_encode(ternary + 4 * g) < 0) return NPE_ERR_RANGE;
  if (cap < need) return NPE_ERR_NO_SPACE;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t o = 0;
  for (size_t g = 0; g < n / 4; g++) {
    acc |= (uint32_t)sherry_encode(ternary + 4 * g) << bits;
    bits += 5;
    while (bits >= 8) out[o++] = (uint8_t)acc, acc >>= 8, bits -= 8;
  }
  if (bits) out[o++] = (uint8_t)acc;
  return NPE_OK;
}

int npe_sherry_unpack(const uint8_t *in, size_t cap, size_t n, uint8_t *ternary) {
  if (n % 4 || (n && (!in || !ternary))) return NPE_ERR_INVALID_ARG;
  if (cap < npe_sherry_size(n)) return NPE_ERR_NO_SPACE;
  uint32_t acc = 0;
  unsigned bits = 0;
  size_t i = 0;
  for (size_t g = 0; g < n / 4; g++) {
    if (bits < 5) acc |= (uint32_t)in[i++] << bits, bits += 8;
    sherry_decode(acc & 31u, ternary + 4 * g);
    acc >>= 5, bits -= 5;
  }
  return NPE_OK;
}
