/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pe_stim.c - builds npe_pe stimulus and, through the golden library, the
 * expected results (see pe_stim.h). The PE adds one word's lane products per
 * cycle; the shadow quire here adds them one npe_quire_add_product() at a time in
 * lane order, exactly as the golden model defines a dot product.
 */
#include "pe_stim.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ------------------------------------------------------------------------ */
/* Lists and golden shadow                                                   */
/* ------------------------------------------------------------------------ */

void pe_stim_init(pe_stim *s, uint64_t seed, unsigned fmt_mask) {
  memset(s, 0, sizeof *s);
  s->rng = seed ? seed : 0x9e3779b97f4a7c15ull;
  s->fmt_mask = fmt_mask;
  s->num_lanes = (fmt_mask & 0x3) ? 4 : ((fmt_mask & 0x34) ? 2 : 1);
  npe_quire_clear(&s->q);
}

void pe_stim_free(pe_stim *s) {
  free(s->cyc);
  free(s->res);
  s->cyc = NULL;
  s->res = NULL;
  s->ncyc = s->nres = s->cap_cyc = s->cap_res = 0;
}

void pe_stim_reset_lists(pe_stim *s) { s->ncyc = s->nres = 0; }

static pe_cycle *push_cycle(pe_stim *s) {
  if (s->ncyc == s->cap_cyc) {
    s->cap_cyc = s->cap_cyc ? 2 * s->cap_cyc : 4096;
    s->cyc = realloc(s->cyc, s->cap_cyc * sizeof *s->cyc);
    if (!s->cyc) abort();
  }
  pe_cycle *c = &s->cyc[s->ncyc++];
  memset(c, 0, sizeof *c);
  return c;
}

static void push_result(pe_stim *s, npe_fmt rd_fmt) {
  if (s->nres == s->cap_res) {
    s->cap_res = s->cap_res ? 2 * s->cap_res : 4096;
    s->res = realloc(s->res, s->cap_res * sizeof *s->res);
    if (!s->res) abort();
  }
  pe_result *r = &s->res[s->nres++];
  float f;
  uint32_t bits = 0;
  if (npe_quire_to_f32(&s->q, &f) || npe_quire_to_fmt(&s->q, rd_fmt, &bits)) s->bad = 1;
  memcpy(&r->f32, &f, sizeof f);
  r->bits = (uint16_t)bits;
  r->flags = (uint8_t)npe_quire_flags(&s->q);
  r->rd_fmt = (uint8_t)rd_fmt;
  r->words = s->words;
  uint8_t qb[16]; /* the quire's exact Q71.56 value, as the PE holds it */
  if (npe_quire_export(&s->q, qb)) s->bad = 1;
  r->q_lo = r->q_hi = 0;
  for (int i = 7; i >= 0; i--) {
    r->q_lo = r->q_lo << 8 | qb[i];
    r->q_hi = r->q_hi << 8 | qb[8 + i];
  }
}

unsigned pe_lanes(npe_fmt f) {
  switch (f) {
    case NPE_FMT_FP4:
    case NPE_FMT_POSIT4: return 4;
    case NPE_FMT_POSIT16: return 1;
    default: return 2;
  }
}

/* Golden: one product per lane, in lane order. */
static void golden_word(pe_stim *s, npe_fmt f, uint16_t a, uint16_t b) {
  unsigned n = pe_lanes(f);
  for (unsigned l = 0; l < n; l++) {
    int rc;
    if (f == NPE_FMT_POSIT16) {
      rc = npe_quire_add_product(&s->q, f, a, f, b);
    } else if (f == NPE_FMT_TERNARY) {
      unsigned w = (b >> (2 * l)) & 3;
      rc = npe_quire_add_product(&s->q, NPE_FMT_INT8, (a >> (8 * l)) & 0xff, f, w);
      /* The invalid code 10b: the golden call refuses it and leaves q as it
       * was; the PE adds zero for it (docs/PE.md). Same quire either way. */
      if (w == 2 && rc == NPE_ERR_RANGE) rc = NPE_OK;
    } else {
      unsigned sh = (n == 4) ? 4 * l : 8 * l, m = (n == 4) ? 0xf : 0xff;
      rc = npe_quire_add_product(&s->q, f, (a >> sh) & m, f, (b >> sh) & m);
    }
    if (rc) s->bad = 1;
  }
}

void pe_word(pe_stim *s, npe_fmt f, uint16_t a, uint16_t b, int clear, int last,
             npe_fmt rd_fmt) {
  pe_cycle *c = push_cycle(s);
  c->valid = 1, c->a = a, c->b = b, c->fmt = (uint8_t)f;
  c->clear = (uint8_t)!!clear, c->last = (uint8_t)!!last, c->rd_fmt = (uint8_t)rd_fmt;
  if (clear) npe_quire_clear(&s->q), s->words = 0;
  golden_word(s, f, a, b);
  s->words++;
  s->macs[f] += pe_lanes(f);
  s->gated[f] += s->num_lanes - pe_lanes(f);
  if (last) push_result(s, rd_fmt);
}

void pe_ctrl(pe_stim *s, int clear, int read, npe_fmt rd_fmt) {
  pe_cycle *c = push_cycle(s);
  c->clear = (uint8_t)!!clear, c->read = (uint8_t)!!read, c->rd_fmt = (uint8_t)rd_fmt;
  s->idle += s->num_lanes;
  if (clear) npe_quire_clear(&s->q), s->words = 0;
  if (read) push_result(s, rd_fmt);
}

void pe_idle(pe_stim *s, unsigned n) {
  while (n--) {
    push_cycle(s);
    s->idle += s->num_lanes;
  }
}

/* ------------------------------------------------------------------------ */
/* Random operands                                                           */
/* ------------------------------------------------------------------------ */

uint64_t pe_rand(pe_stim *s) {
  uint64_t x = s->rng;
  x ^= x >> 12, x ^= x << 25, x ^= x >> 27;
  s->rng = x;
  return x * 0x2545f4914f6cdd1dull;
}

static const uint16_t sp_p16[] = {0x0000, 0x8000, 0x7fff, 0x0001, 0x8001, 0xffff,
                                  0x4000, 0xc000, 0x7ffe, 0x0002, 0x3fff, 0x4001};
static const uint16_t sp_p8[] = {0x00, 0x80, 0x7f, 0x01, 0x81, 0xff, 0x40, 0xc0, 0x7e, 0x02};
static const uint16_t sp_p4[] = {0x0, 0x8, 0x7, 0x1, 0x9, 0xf, 0x4, 0xc};
static const uint16_t sp_fp4[] = {0x0, 0x8, 0x7, 0xf, 0x1, 0x9};
static const uint16_t sp_i8[] = {0x00, 0x80, 0x7f, 0x01, 0xff, 0x81};

#define PICK(arr) (arr[pe_rand(s) % (sizeof arr / sizeof arr[0])])

uint32_t pe_rand_elem(pe_stim *s, npe_fmt f, int nar_ok) {
  for (;;) {
    int special = (pe_rand(s) & 15) == 0;
    uint32_t v;
    switch (f) {
      case NPE_FMT_POSIT16: v = special ? PICK(sp_p16) : (uint32_t)(pe_rand(s) & 0xffff); break;
      case NPE_FMT_POSIT8: v = special ? PICK(sp_p8) : (uint32_t)(pe_rand(s) & 0xff); break;
      case NPE_FMT_POSIT4: v = special ? PICK(sp_p4) : (uint32_t)(pe_rand(s) & 0xf); break;
      case NPE_FMT_FP4: v = special ? PICK(sp_fp4) : (uint32_t)(pe_rand(s) & 0xf); break;
      case NPE_FMT_INT8: v = special ? PICK(sp_i8) : (uint32_t)(pe_rand(s) & 0xff); break;
      default: { static const uint8_t t[3] = {0, 1, 3}; v = t[pe_rand(s) % 3]; break; }
    }
    int nar = (f == NPE_FMT_POSIT16 && v == 0x8000) || (f == NPE_FMT_POSIT8 && v == 0x80) ||
              (f == NPE_FMT_POSIT4 && v == 0x8);
    if (nar_ok || !nar) return v;
  }
}

/* A random word of format f: a, b packed as the PE takes them. */
static void rand_word(pe_stim *s, npe_fmt f, int nar_ok, uint16_t *a, uint16_t *b) {
  unsigned n = pe_lanes(f);
  uint32_t x = 0, y = 0;
  for (unsigned l = 0; l < n; l++) {
    if (f == NPE_FMT_TERNARY) {
      x |= pe_rand_elem(s, NPE_FMT_INT8, 0) << (8 * l);
      y |= pe_rand_elem(s, f, 0) << (2 * l);
    } else {
      unsigned sh = 16 / n * l;
      x |= pe_rand_elem(s, f, nar_ok) << sh;
      y |= pe_rand_elem(s, f, nar_ok) << sh;
    }
  }
  if (f == NPE_FMT_TERNARY) y |= (uint32_t)(pe_rand(s) & 0xfff0); /* ignored bits */
  *a = (uint16_t)x, *b = (uint16_t)y;
}

/* Negates every b element (exactly), so a word and its negation cancel. */
static void negate_b(npe_fmt f, uint16_t *a, uint16_t *b) {
  unsigned n = pe_lanes(f);
  uint32_t x = *a, y = *b, ny = 0, nx = x;
  for (unsigned l = 0; l < n; l++) {
    if (f == NPE_FMT_TERNARY) {
      uint32_t w = (y >> (2 * l)) & 3;
      ny |= (w == 1 ? 3u : w == 3 ? 1u : w) << (2 * l);
      continue;
    }
    unsigned bits = 16 / n, sh = bits * l;
    uint32_t m = (1u << bits) - 1, e = (y >> sh) & m, ae = (x >> sh) & m;
    uint32_t ne;
    if (f == NPE_FMT_FP4) {
      ne = e ^ 8;
    } else if (f == NPE_FMT_INT8 && e == 0x80) { /* -(-128): negate a instead */
      ne = e;
      uint32_t na = ae == 0x80 ? 0 : ((0u - ae) & m);
      if (ae == 0x80) ne = 0;
      nx = (nx & ~(m << sh)) | (na << sh);
    } else {
      ne = (0u - e) & m; /* posits and int8: two's complement */
    }
    ny |= ne << sh;
  }
  if (f == NPE_FMT_TERNARY) ny |= y & 0xfff0;
  *a = (uint16_t)nx, *b = (uint16_t)ny;
}

static npe_fmt rand_fmt(pe_stim *s) {
  for (;;) {
    npe_fmt f = (npe_fmt)(pe_rand(s) % NPE_FMT_COUNT);
    if (s->fmt_mask & (1u << f)) return f;
  }
}

/* Read-out format: mostly the word format, else any built one. */
static npe_fmt rand_rd_fmt(pe_stim *s, npe_fmt f) {
  return (pe_rand(s) & 3) ? f : rand_fmt(s);
}

/* ------------------------------------------------------------------------ */
/* Suites                                                                    */
/* ------------------------------------------------------------------------ */

void suite_exhaustive_small(pe_stim *s, npe_fmt f) {
  /* every pair alone in every lane (other lanes hold zero operands) */
  for (unsigned l = 0; l < 4; l++)
    for (unsigned x = 0; x < 16; x++)
      for (unsigned y = 0; y < 16; y++)
        pe_word(s, f, (uint16_t)(x << (4 * l)), (uint16_t)(y << (4 * l)), 1, 1,
                rand_rd_fmt(s, f));
  /* every pair in every lane at once, a different pair per lane */
  for (unsigned i = 0; i < 256; i++) {
    uint32_t a = 0, b = 0;
    for (unsigned l = 0; l < 4; l++) {
      unsigned p = (i + 67 * l) & 255;
      a |= (p >> 4) << (4 * l), b |= (p & 15) << (4 * l);
    }
    pe_word(s, f, (uint16_t)a, (uint16_t)b, 1, 1, rand_rd_fmt(s, f));
  }
}

void suite_exhaustive_byte(pe_stim *s, npe_fmt f) {
  for (unsigned l = 0; l < 2; l++)
    for (unsigned x = 0; x < 256; x++)
      for (unsigned y = 0; y < 256; y++)
        pe_word(s, f, (uint16_t)(x << (8 * l)), (uint16_t)(y << (8 * l)), 1, 1,
                rand_rd_fmt(s, f));
  for (unsigned i = 0; i < 65536; i++) {
    unsigned j = (i * 40503u + 12345u) & 0xffff;
    pe_word(s, f, (uint16_t)((i >> 8) | (j & 0xff00)), (uint16_t)((i & 0xff) | (j << 8)),
            1, 1, rand_rd_fmt(s, f));
  }
}

void suite_exhaustive_ternary(pe_stim *s) {
  static const uint8_t t[3] = {0, 1, 3};
  for (unsigned l = 0; l < 2; l++)
    for (unsigned x = 0; x < 256; x++)
      for (unsigned w = 0; w < 3; w++)
        pe_word(s, NPE_FMT_TERNARY, (uint16_t)(x << (8 * l)),
                (uint16_t)((t[w] << (2 * l)) | (pe_rand(s) & 0xfff0)), 1, 1,
                rand_rd_fmt(s, NPE_FMT_TERNARY));
}

void suite_random_words(pe_stim *s, npe_fmt f, size_t n) {
  for (size_t i = 0; i < n; i++) {
    uint16_t a, b;
    rand_word(s, f, 1, &a, &b);
    pe_word(s, f, a, b, 1, 1, rand_rd_fmt(s, f));
  }
}

/* Random dot products of length 1..maxlen, format changing between them
 * with no gap; now and then idle cycles, mid-way reads, a clear without a
 * word, NaR operands, or an exactly cancelling second half. */
void suite_dots(pe_stim *s, size_t n, unsigned maxlen) {
  unsigned maxlog = 0;
  while ((1u << (maxlog + 1)) <= maxlen) maxlog++;
  for (size_t d = 0; d < n; d++) {
    npe_fmt f = rand_fmt(s);
    unsigned len = 1 + (unsigned)(pe_rand(s) % (1u << (pe_rand(s) % (maxlog + 1))));
    if (len > maxlen) len = maxlen;
    int nar_ok = (pe_rand(s) % 20) == 0;
    int cancel = (pe_rand(s) % 8) == 0 && len >= 2;
    int sep_clear = (pe_rand(s) % 30) == 0;
    if (sep_clear) pe_ctrl(s, 1, 0, f);
    uint16_t *ha = NULL, *hb = NULL;
    if (cancel) {
      ha = malloc(len * sizeof *ha), hb = malloc(len * sizeof *hb);
      if (!ha || !hb) abort();
    }
    for (unsigned i = 0; i < len; i++) {
      uint16_t a, b;
      if (cancel && i >= len / 2 && i - len / 2 < len / 2) {
        a = ha[i - len / 2], b = hb[i - len / 2];
        negate_b(f, &a, &b);
      } else {
        rand_word(s, f, nar_ok, &a, &b);
      }
      if (cancel) ha[i] = a, hb[i] = b;
      int last = i + 1 == len;
      pe_word(s, f, a, b, i == 0 && !sep_clear, last, rand_rd_fmt(s, f));
      if (!last && (pe_rand(s) % 64) == 0) pe_idle(s, 1 + (unsigned)(pe_rand(s) % 3));
      if (!last && (pe_rand(s) % 256) == 0) pe_ctrl(s, 0, 1, rand_rd_fmt(s, f));
    }
    free(ha);
    free(hb);
  }
  pe_idle(s, 12);
}

static void p16_repeat(pe_stim *s, uint16_t a, uint16_t b, unsigned n, int clear_first) {
  for (unsigned i = 0; i < n; i++)
    pe_word(s, NPE_FMT_POSIT16, a, b, clear_first && i == 0, 0, NPE_FMT_POSIT16);
}

/* Reads the quire as every built format (f32 comes with each). */
static void read_all(pe_stim *s) {
  for (int f = 0; f < NPE_FMT_COUNT; f++)
    if (s->fmt_mask & (1u << f)) pe_ctrl(s, 0, 1, (npe_fmt)f);
}

/* Accumulator saturation (posit16: 2^56 per maxpos^2, 2^15 of them fill the
 * quire). Needs posit16 in the build. */
void suite_overflow(pe_stim *s) {
  if (!(s->fmt_mask & (1u << NPE_FMT_POSIT16))) return;
  /* a: up to the last representable multiple of 2^56, then over */
  p16_repeat(s, 0x7fff, 0x7fff, 32767, 1);
  read_all(s);                                  /* 2^71 - 2^56 */
  p16_repeat(s, 0x7fff, 0x7ffe, 3, 0);          /* + 3 * 2^54: still fits */
  read_all(s);
  p16_repeat(s, 0x7fff, 0x7ffe, 1, 0);          /* reaches 2^71: overflow */
  read_all(s);
  p16_repeat(s, 0x8001, 0x7fff, 5, 0);          /* ignored, even going back */
  pe_word(s, NPE_FMT_POSIT16, 0x0001, 0x0001, 0, 1, NPE_FMT_POSIT16);
  /* b: down to exactly -2^71 (representable), then one more below */
  p16_repeat(s, 0x7fff, 0x8001, 32768, 1);
  read_all(s);
  pe_word(s, NPE_FMT_POSIT16, 0x0001, 0x8001, 0, 1, NPE_FMT_POSIT16);
  read_all(s);
  /* c: NaR first, then overflow: both flags */
  pe_word(s, NPE_FMT_POSIT16, 0x8000, 0x1234, 1, 0, NPE_FMT_POSIT16);
  p16_repeat(s, 0x7fff, 0x7fff, 32769, 0);
  read_all(s);
  /* d: overflow, then NaR */
  p16_repeat(s, 0x8001, 0x7fff, 32769, 1);
  pe_word(s, NPE_FMT_POSIT16, 0x4000, 0x8000, 0, 1, NPE_FMT_POSIT16);
  read_all(s);
  /* e: the next dot product starts clean in the very next cycle */
  pe_word(s, NPE_FMT_INT8, 0x8080, 0x7f80, 1, 1, NPE_FMT_INT8);
  pe_idle(s, 12);
}

/* Extremes of every format in one place. */
void suite_edges(pe_stim *s) {
  const unsigned m = s->fmt_mask;
  if (m & (1u << NPE_FMT_POSIT16)) {
    size_t n = sizeof sp_p16 / sizeof sp_p16[0];
    for (size_t i = 0; i < n; i++)
      for (size_t j = 0; j < n; j++)
        for (int f = 0; f < NPE_FMT_COUNT; f++)
          if (m & (1u << f))
            pe_word(s, NPE_FMT_POSIT16, sp_p16[i], sp_p16[j], 1, 1, (npe_fmt)f);
    /* huge and tiny together: 2^56 + 2^-56 - 2^56 leaves the quire LSB */
    pe_word(s, NPE_FMT_POSIT16, 0x7fff, 0x7fff, 1, 0, NPE_FMT_POSIT16);
    pe_word(s, NPE_FMT_POSIT16, 0x0001, 0x0001, 0, 0, NPE_FMT_POSIT16);
    pe_word(s, NPE_FMT_POSIT16, 0x7fff, 0x8001, 0, 0, NPE_FMT_POSIT16);
    read_all(s);
    pe_word(s, NPE_FMT_POSIT16, 0x0001, 0xffff, 0, 1, NPE_FMT_POSIT16); /* -> 0 */
    read_all(s);
    /* +-(2^56 + 2^32 [+ 2^-56]): a binary32 tie decided by the quire LSB */
    uint32_t p16;
    if (npe_encode(NPE_FMT_POSIT16, 0x1p16, &p16)) s->bad = 1;
    for (int neg = 0; neg < 2; neg++)
      for (int st = 0; st < 2; st++) {
        pe_word(s, NPE_FMT_POSIT16, 0x7fff, neg ? 0x8001 : 0x7fff, 1, 0, NPE_FMT_POSIT16);
        pe_word(s, NPE_FMT_POSIT16, (uint16_t)p16,
                (uint16_t)(neg ? ((0u - p16) & 0xffff) : p16), 0, 0, NPE_FMT_POSIT16);
        if (st) pe_word(s, NPE_FMT_POSIT16, 0x0001, neg ? 0xffff : 0x0001, 0, 0, NPE_FMT_POSIT16);
        read_all(s);
      }
    /* 2^55 + 2^31 [+ 2^14]: the same with the tie-breaker 41 bits down */
    uint32_t p26, p15, p7;
    if (npe_encode(NPE_FMT_POSIT16, 0x1p26, &p26) || npe_encode(NPE_FMT_POSIT16, 0x1p15, &p15) ||
        npe_encode(NPE_FMT_POSIT16, 0x1p7, &p7))
      s->bad = 1;
    for (int st = 0; st < 2; st++) {
      pe_word(s, NPE_FMT_POSIT16, 0x7fff, (uint16_t)p26, 1, 0, NPE_FMT_POSIT16);
      pe_word(s, NPE_FMT_POSIT16, 0x7fff, (uint16_t)p26, 0, 0, NPE_FMT_POSIT16);
      pe_word(s, NPE_FMT_POSIT16, (uint16_t)p16, (uint16_t)p15, 0, 0, NPE_FMT_POSIT16);
      if (st) pe_word(s, NPE_FMT_POSIT16, (uint16_t)p7, (uint16_t)p7, 0, 0, NPE_FMT_POSIT16);
      read_all(s);
    }
  }
  if (m & (1u << NPE_FMT_INT8)) { /* -128 * -128, 4096 times, both lanes */
    for (unsigned i = 0; i < 4096; i++)
      pe_word(s, NPE_FMT_INT8, 0x8080, 0x8080, i == 0, i == 4095, NPE_FMT_INT8);
    read_all(s);
  }
  if (m & (1u << NPE_FMT_INT8)) {
    /* Integer sums beyond 2^24 round to binary32: 2^24 + 1 and 2^24 + 3
     * (ties to even, down and up), -(600 * 32512) + 1 and + 3 (ties, odd
     * spacing 2), 1100 * 2^15 + 3 (round up at spacing 4). */
    static const struct { uint16_t a, b, a_last, b_last; unsigned n; } big[] = {
        {0x8080, 0x8080, 0x0001, 0x0001, 512}, {0x8080, 0x8080, 0x0003, 0x0001, 512},
        {0x8080, 0x7f7f, 0x0001, 0x0001, 600}, {0x8080, 0x7f7f, 0x0003, 0x0001, 600},
        {0x8080, 0x8080, 0x0102, 0x0101, 1100}};
    for (size_t t = 0; t < sizeof big / sizeof big[0]; t++) {
      for (unsigned i = 0; i < big[t].n; i++)
        pe_word(s, NPE_FMT_INT8, big[t].a, big[t].b, i == 0, 0, NPE_FMT_INT8);
      pe_word(s, NPE_FMT_INT8, big[t].a_last, big[t].b_last, 0, 1, NPE_FMT_INT8);
    }
    read_all(s);
  }
  if (m & (1u << NPE_FMT_FP4)) { /* 6 * 6 in all lanes */
    for (unsigned i = 0; i < 1000; i++)
      pe_word(s, NPE_FMT_FP4, 0x7777, 0xffff, i == 0, i == 999, NPE_FMT_FP4);
    read_all(s);
  }
  if (m & (1u << NPE_FMT_POSIT8)) { /* maxpos^2 and minpos^2 */
    pe_word(s, NPE_FMT_POSIT8, 0x017f, 0x017f, 1, 0, NPE_FMT_POSIT8);
    read_all(s);
  }
  /* ties broken only by a far-away sticky bit: +-(1 + 2^-k [+ 2^-50]) with
   * 2^-k half an ulp at 1 of posit4 (k=1), fp4 (2), posit8 (6), posit16 (13),
   * binary32 (24); int8 / ternary: +-(0.5 [+ 2^-50]) */
  if (m & (1u << NPE_FMT_POSIT16)) {
    static const int ks[] = {1, 2, 6, 13, 24};
    uint32_t one, tiny, h;
    double v;
    if (npe_encode(NPE_FMT_POSIT16, 1.0, &one) || npe_encode(NPE_FMT_POSIT16, 0x1p-25, &tiny))
      s->bad = 1;
    for (size_t i = 0; i < sizeof ks / sizeof ks[0]; i++)
      for (int neg = 0; neg < 2; neg++)
        for (int st = 0; st < 2; st++)
          for (int base = 0; base < 2; base++) {
            /* 2^-k = 2^-(k/2) * 2^-(k - k/2) */
            uint32_t x, y;
            v = 1.0;
            for (int j = 0; j < ks[i] / 2; j++) v *= 0.5;
            if (npe_encode(NPE_FMT_POSIT16, v, &x)) s->bad = 1;
            v = 1.0;
            for (int j = 0; j < ks[i] - ks[i] / 2; j++) v *= 0.5;
            if (npe_encode(NPE_FMT_POSIT16, neg ? -v : v, &y)) s->bad = 1;
            h = neg ? ((0u - one) & 0xffff) : one;
            if (base) pe_word(s, NPE_FMT_POSIT16, (uint16_t)one, (uint16_t)h, 1, 0, NPE_FMT_POSIT16);
            pe_word(s, NPE_FMT_POSIT16, (uint16_t)x, (uint16_t)y, !base, 0, NPE_FMT_POSIT16);
            if (st)
              pe_word(s, NPE_FMT_POSIT16, (uint16_t)tiny,
                      (uint16_t)(neg ? ((0u - tiny) & 0xffff) : tiny), 0, 0, NPE_FMT_POSIT16);
            read_all(s);
          }
  }
  /* an empty dot product (clear and read only) reads +0 */
  pe_ctrl(s, 1, 0, NPE_FMT_FP4);
  read_all(s);
  pe_idle(s, 12);
}

/* Ternary code 10b (invalid) in random words: the PE adds zero for it. */
void suite_invalid_ternary(pe_stim *s) {
  if (!(s->fmt_mask & (1u << NPE_FMT_TERNARY))) return;
  /* read out as INT8 (the activations' format) where it is built */
  npe_fmt rd = (s->fmt_mask & (1u << NPE_FMT_INT8)) ? NPE_FMT_INT8 : NPE_FMT_TERNARY;
  for (unsigned i = 0; i < 2000; i++) {
    uint16_t a = (uint16_t)pe_rand(s), b = (uint16_t)pe_rand(s);
    pe_word(s, NPE_FMT_TERNARY, a, b, (i % 7) == 0, (i % 7) == 6, rd);
  }
  pe_word(s, NPE_FMT_TERNARY, 0x1234, 0xaaaa, 0, 1, rd);
  pe_idle(s, 12);
}
