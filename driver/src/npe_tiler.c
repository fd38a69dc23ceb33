/* SPDX-License-Identifier: Apache-2.0 */
/* npe_tiler.c - matmul tiling onto the engine; see npe_tiler.h. */
#include "npe_tiler.h"

#include "npe_regs.h"

/* The format a MATMUL runs in: int8 x ternary runs in the ternary slot
 * (its lanes, its MAC counter), every other pair in its own format. */
static npe_fmt job_fmt(npe_fmt fa, npe_fmt fb) { return fb == NPE_FMT_TERNARY ? fb : fa; }

static uint32_t lanes_of(npe_fmt fa, npe_fmt fb) { return npe_hw_fmt_lanes(job_fmt(fa, fb)); }

static int pair_ok(npe_fmt fa, npe_fmt fb) {
  if (fa == NPE_FMT_INT8 && fb == NPE_FMT_TERNARY) return 1;
  return fa == fb && (unsigned)fa < NPE_FMT_COUNT && fa != NPE_FMT_TERNARY;
}

static uint32_t ceil_div(uint32_t a, uint32_t b) { return (a + b - 1) / b; }

/* PE words a 64-bit scratchpad word of operand format f holds: lanes x
 * element bits per PE word (16, or 4 for ternary weights). */
static uint32_t pe_words_per_word(npe_fmt f, uint32_t lanes) {
  return NPE_SPAD_WORD_BITS / (lanes * npe_hw_fmt_bits(f));
}

/* 64-bit words of a row of format f for `words` PE words. */
static uint32_t pitch_words(npe_fmt f, uint32_t lanes, uint32_t words) {
  return ceil_div(words, pe_words_per_word(f, lanes));
}

uint32_t npe_tiler_max_k(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb) {
  if (!hw || !pair_ok(fa, fb)) return 0;
  uint32_t lanes = lanes_of(fa, fb);
  uint32_t words_a = hw->a_bank_words * pe_words_per_word(fa, lanes);
  uint32_t words_b = hw->b_bank_words * pe_words_per_word(fb, lanes);
  uint32_t words = words_a < words_b ? words_a : words_b;
  uint64_t k = (uint64_t)words * lanes;
  return k > 0xffff ? 0xffff : (uint32_t)k; /* the descriptor's K is 16 bits */
}

int npe_tiler_plan(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                   int out_fp32, uint32_t m, uint32_t n, uint32_t k,
                   uint64_t addr_a, uint64_t addr_b, uint64_t addr_c,
                   npe_mm_plan *plan) {
  return npe_tiler_plan_k_tiles(hw, fa, fb, fout, out_fp32, m, n, k, 0, addr_a, addr_b, addr_c,
                                plan);
}

int npe_tiler_plan_k_tiles(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                           int out_fp32, uint32_t m, uint32_t n, uint32_t k, uint32_t k_tile,
                           uint64_t addr_a, uint64_t addr_b, uint64_t addr_c,
                           npe_mm_plan *plan) {
  if (!hw || !plan || !hw->rows || !hw->cols || !hw->a_bank_words ||
      !hw->b_bank_words || !hw->out_groups)
    return NPE_ERR_INVALID_ARG;
  if (!m || !n || !k || !pair_ok(fa, fb) || (unsigned)fout >= NPE_FMT_COUNT)
    return NPE_ERR_INVALID_ARG;
  if ((addr_a | addr_b | addr_c) & 7u) return NPE_ERR_INVALID_ARG;
  uint32_t max_k = npe_tiler_max_k(hw, fa, fb);
  if (k_tile == 0) { /* as few tiles as fit, of equal size */
    uint32_t tiles = ceil_div(k, max_k);
    k_tile = ceil_div(k, tiles);
  }
  if (k_tile > k) k_tile = k;
  if (k_tile > max_k) return NPE_ERR_UNSUPPORTED;
  uint32_t k_tiles = ceil_div(k, k_tile);
  if (k_tiles > 1 && !hw->ksplit) return NPE_ERR_UNSUPPORTED;
  npe_mm_plan p;
  p.hw = *hw;
  p.fa = fa, p.fb = fb, p.fout = fout, p.out_fp32 = out_fp32 ? 1 : 0;
  p.m = m, p.n = n, p.k = k;
  p.lanes = lanes_of(fa, fb);
  p.k_tile = k_tile;
  p.k_tiles = k_tiles;
  p.words = ceil_div(k_tile, p.lanes);
  p.seg_bytes_a = pitch_words(fa, p.lanes, p.words) * 8;
  p.seg_bytes_b = pitch_words(fb, p.lanes, p.words) * 8;
  /* rows of k_tiles segments: a row's bytes are a 32-bit plan field */
  if ((uint64_t)k_tiles * (p.seg_bytes_a > p.seg_bytes_b ? p.seg_bytes_a : p.seg_bytes_b) >
      0xffffffffu)
    return NPE_ERR_UNSUPPORTED;
  p.row_bytes_a = k_tiles * p.seg_bytes_a;
  p.row_bytes_b = k_tiles * p.seg_bytes_b;
  uint32_t esz = p.out_fp32 ? 4 : 2;
  p.ldc = ceil_div(n * esz, 8) * 8;
  /* n-block: what the output buffer and the B banks hold, a multiple of
   * Cols and of 4 (so each block starts 8-byte aligned in C) */
  uint32_t groups_b = hw->b_bank_words / (p.seg_bytes_b / 8);
  uint32_t groups = groups_b < hw->out_groups ? groups_b : hw->out_groups;
  uint32_t nb = groups * hw->cols;
  if (nb >= 4) nb -= nb % 4;
  if (nb > n) nb = n;
  if (nb == 0) return NPE_ERR_UNSUPPORTED;
  p.nb = nb;
  p.m_tiles = ceil_div(m, hw->rows);
  p.n_blocks = ceil_div(n, nb);
  /* A STORE starts 8-byte aligned: blocks whose width is not a multiple of
   * 8 bytes get padded columns in C (the driver gathers around them). */
  p.block_bytes = nb * esz;
  if (p.n_blocks > 1 && p.block_bytes % 8) {
    p.block_bytes = ceil_div(p.block_bytes, 8) * 8;
    p.ldc = p.n_blocks * p.block_bytes;
  }
  p.addr_a = addr_a, p.addr_b = addr_b, p.addr_c = addr_c;
  p.nlu_aux = 0;
  p.matvec = 0, p.mv_groups = 0, p.mv_row_bytes = 0;
  p.sherry = 0;
  *plan = p;
  return NPE_OK;
}

int npe_tiler_plan_matmul(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                          int out_fp32, uint32_t m, uint32_t n, uint32_t k, unsigned opts,
                          uint64_t addr_a, uint64_t addr_b, uint64_t addr_c,
                          npe_mm_plan *plan) {
  int sherry = (opts & NPE_TILER_SHERRY) != 0;
  int rc = npe_tiler_plan(hw, fa, fb, fout, out_fp32, m, n, k, addr_a, addr_b, addr_c, plan);
  if (!rc && sherry && plan->k_tiles > 1 && plan->k_tile % 4) {
    uint32_t kt = (plan->k_tile + 3) / 4 * 4, max_k = npe_tiler_max_k(hw, fa, fb);
    if (kt > max_k) kt = max_k / 4 * 4;
    rc = npe_tiler_plan_k_tiles(hw, fa, fb, fout, out_fp32, m, n, k, kt, addr_a, addr_b, addr_c,
                                plan);
  }
  /* one row: a mat-vec on every PE where the array allows it (else as planned) */
  if (!rc && m == 1 && !(opts & NPE_TILER_NO_MATVEC)) (void)npe_tiler_use_matvec(plan);
  if (!rc && sherry) rc = npe_tiler_use_sherry(plan);
  return rc;
}

static uint64_t align8_64(uint64_t v) { return (v + 7u) & ~(uint64_t)7u; }

uint64_t npe_tiler_bytes(const npe_mm_plan *p) {
  return align8_64(npe_tiler_bytes_a(p)) + align8_64(npe_tiler_bytes_b(p)) + npe_tiler_bytes_c(p);
}

int npe_tiler_place(npe_mm_plan *p, uint64_t addr_a) {
  if (!p || (addr_a & 7u)) return NPE_ERR_INVALID_ARG;
  p->addr_a = addr_a;
  p->addr_b = addr_a + align8_64(npe_tiler_bytes_a(p));
  p->addr_c = p->addr_b + align8_64(npe_tiler_bytes_b(p));
  return NPE_OK;
}

int npe_tiler_plan_room(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                        int out_fp32, uint32_t m, uint32_t n, uint32_t k, int sherry, npe_pats b,
                        size_t stride, uint64_t room, npe_mm_plan *plan) {
  if (!plan) return NPE_ERR_INVALID_ARG;
  /* Sherry, then 2-bit; each the mat-vec (M = 1), then the plain plan */
  static const unsigned tries[4] = {NPE_TILER_SHERRY, NPE_TILER_SHERRY | NPE_TILER_NO_MATVEC,
                                    0u, NPE_TILER_NO_MATVEC};
  int err = NPE_ERR_UNSUPPORTED;
  for (unsigned i = sherry ? 0u : 2u; i < 4u; i++) {
    if ((tries[i] & NPE_TILER_NO_MATVEC) && m != 1) continue; /* (the same plan) */
    npe_mm_plan p;
    int rc = npe_tiler_plan_matmul(hw, fa, fb, fout, out_fp32, m, n, k, tries[i], 0, 0, 0, &p);
    if (!rc && (tries[i] & NPE_TILER_SHERRY) && b.u8 && !npe_tiler_sherry_fits(&p, b, stride))
      continue;
    if (!rc && npe_tiler_bytes(&p) > room) rc = NPE_ERR_UNSUPPORTED;
    if (!rc) {
      *plan = p;
      return NPE_OK;
    }
    if (rc != NPE_ERR_UNSUPPORTED) err = rc;
  }
  return err;
}

/* Scratchpad words of a mat-vec B LOAD row for `words` PE words: one per
 * PE word (Rows <= 4 sub-words), ternary one per four. */
static uint32_t mv_pitch(npe_fmt fb, uint32_t words) {
  return fb == NPE_FMT_TERNARY ? ceil_div(words, 4) : words;
}

/* Matvec layout. B: LOAD row g*Cols + c of an n-block (bank c, slot g) holds
 * the weight rows n0 + g*R*C + r*C + c, r < R, side by side: PE word j of
 * row r is sub-word r of scratchpad word j (ternary: nibble 4 (j mod 4) + r
 * of word j / 4); with K tiles, one such segment per tile (PE word j of
 * the tile's own K), as a plain plan's rows have. C: per n-block, the
 * output buffer's R rows of mv_groups x Cols elements, each row padded to
 * 8 bytes. */
int npe_tiler_use_matvec(npe_mm_plan *plan) {
  if (!plan) return NPE_ERR_INVALID_ARG;
  npe_mm_plan p = *plan;
  uint32_t r = p.hw.rows, c = p.hw.cols;
  if (p.m != 1 || r < 2 || r > 4 || p.nlu_aux) return NPE_ERR_UNSUPPORTED;
  uint32_t pitch = mv_pitch(p.fb, p.words); /* scratchpad words per LOAD row segment */
  if ((uint64_t)p.k_tiles * pitch * 8 > 0xffffffffu) return NPE_ERR_UNSUPPORTED;
  uint32_t groups_b = p.hw.b_bank_words / pitch;
  uint32_t groups = groups_b < p.hw.out_groups ? groups_b : p.hw.out_groups;
  if (groups == 0) return NPE_ERR_UNSUPPORTED;
  uint32_t per_group = r * c;
  if ((uint64_t)groups * per_group > p.n) groups = ceil_div(p.n, per_group);
  p.matvec = 1;
  p.mv_groups = groups;
  p.seg_bytes_b = pitch * 8;
  p.row_bytes_b = p.k_tiles * p.seg_bytes_b;
  p.nb = groups * per_group;
  p.n_blocks = ceil_div(p.n, p.nb);
  uint32_t esz = p.out_fp32 ? 4 : 2;
  p.mv_row_bytes = ceil_div(groups * c * esz, 8) * 8;
  p.block_bytes = r * p.mv_row_bytes;
  p.ldc = p.n_blocks * p.block_bytes;
  *plan = p;
  return NPE_OK;
}

int npe_tiler_resident_matvec(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, uint32_t n,
                              uint32_t k, npe_mm_plan *plan) {
  if (!hw || !plan || !n || !k || !pair_ok(fa, fb)) return NPE_ERR_INVALID_ARG;
  npe_mm_plan p;
  int rc = npe_tiler_plan(hw, fa, fb, fa, 1, 1, n, k, 0, 0, 0, &p); /* UNSUPPORTED: K beyond A */
  if (!rc && p.k_tiles > 1) rc = NPE_ERR_UNSUPPORTED; /* the unit reads one K */
  if (!rc) rc = npe_tiler_use_matvec(&p);
  if (rc) return rc;
  uint32_t groups = ceil_div(n, hw->rows * hw->cols), pitch = p.row_bytes_b / 8;
  if ((uint64_t)groups * pitch > hw->b_bank_words) return NPE_ERR_UNSUPPORTED;
  /* more than one chunk: each a full OutGroups of column groups (so chunk j
   * starts at word j x OutGroups x pitch) */
  if (p.n_blocks > 1 && p.mv_groups != hw->out_groups) return NPE_ERR_UNSUPPORTED;
  *plan = p;
  return NPE_OK;
}

uint32_t npe_tiler_resident_rows(const npe_mm_plan *p) {
  return ceil_div(p->n, p->hw.rows * p->hw.cols) * p->hw.cols;
}

/* Sherry groups per 64-bit scratchpad word of a B LOAD row: 8, or 2 x Rows
 * in the mat-vec layout (docs/REGMAP.md, flag SHERRY). */
static uint32_t sherry_groups_per_word(const npe_mm_plan *p) {
  return p->matvec ? 2 * p->hw.rows : 8;
}

/* DMA bytes (whole beats) of one Sherry LOAD row of `bytes` scratchpad bytes. */
static uint32_t sherry_row_dma(const npe_mm_plan *p, uint32_t bytes) {
  return ceil_div(bytes / 8 * sherry_groups_per_word(p) * 5, 64) * 8;
}

uint32_t npe_tiler_sherry_seg_bytes(const npe_mm_plan *p) {
  return sherry_row_dma(p, p->seg_bytes_b);
}

/* Device bytes of one B segment and one B row (a mat-vec LOAD row is one
 * segment). */
static uint32_t mem_seg_b(const npe_mm_plan *p) {
  return p->sherry ? npe_tiler_sherry_seg_bytes(p) : p->seg_bytes_b;
}
static uint32_t mem_row_b(const npe_mm_plan *p) {
  return p->sherry ? p->k_tiles * npe_tiler_sherry_seg_bytes(p) : p->row_bytes_b;
}

int npe_tiler_use_sherry(npe_mm_plan *plan) {
  if (!plan) return NPE_ERR_INVALID_ARG;
  if (plan->fb != NPE_FMT_TERNARY || !plan->hw.sherry ||
      (plan->matvec && (plan->hw.rows < 2 || plan->hw.rows > 4)))
    return NPE_ERR_UNSUPPORTED;
  plan->sherry = 1;
  return NPE_OK;
}

uint64_t npe_tiler_bytes_a(const npe_mm_plan *p) { return (uint64_t)p->m * p->row_bytes_a; }
uint64_t npe_tiler_bytes_b(const npe_mm_plan *p) {
  if (p->matvec) /* every block padded to mv_groups x Cols LOAD rows */
    return (uint64_t)p->n_blocks * p->mv_groups * p->hw.cols * mem_row_b(p);
  return (uint64_t)p->n * mem_row_b(p);
}
uint64_t npe_tiler_bytes_c(const npe_mm_plan *p) { return (uint64_t)p->m * p->ldc; }

size_t npe_tiler_c_offset(const npe_mm_plan *p, uint32_t r, uint32_t col) {
  if (p->matvec) { /* output n is output-buffer element (rr, g Cols + c) */
    uint32_t i = col % p->nb, per = p->hw.rows * p->hw.cols;
    uint32_t g = i / per, rr = (i % per) / p->hw.cols, c = i % p->hw.cols;
    (void)r; /* M = 1 */
    return (size_t)(col / p->nb) * p->block_bytes + (size_t)rr * p->mv_row_bytes +
           (size_t)(g * p->hw.cols + c) * (p->out_fp32 ? 4u : 2u);
  }
  return (size_t)r * p->ldc + (size_t)(col / p->nb) * p->block_bytes +
         (size_t)(col % p->nb) * (p->out_fp32 ? 4u : 2u);
}

/* Rows of K elements as the plan's K-tile segments of seg_bytes each. */
static int pack_rows(const npe_mm_plan *p, npe_pats src, size_t stride, uint32_t rows,
                     uint32_t seg_bytes, uint8_t *out) {
  uint32_t row_bytes = p->k_tiles * seg_bytes;
  for (uint32_t r = 0; r < rows; r++) {
    uint8_t *row = out + (size_t)r * row_bytes;
    for (uint32_t i = 0; i < row_bytes; i++) row[i] = 0; /* zero pads contribute 0 */
    for (uint32_t t = 0; t < p->k_tiles; t++) {
      uint32_t k0 = t * p->k_tile, len = p->k - k0 < p->k_tile ? p->k - k0 : p->k_tile;
      int rc = npe_pack(npe_pats_at(src, (size_t)r * stride + k0), len,
                        row + (size_t)t * seg_bytes, seg_bytes);
      if (rc) return rc;
    }
  }
  return NPE_OK;
}

int npe_tiler_pack_a(const npe_mm_plan *p, npe_pats a, size_t stride, uint8_t *out) {
  if (!p || !out || a.fmt != p->fa || stride < p->k) return NPE_ERR_INVALID_ARG;
  return pack_rows(p, a, stride, p->m, p->seg_bytes_a, out);
}

/* The row buffer of pack_b_matvec (on the stack): one K tile's packed B
 * row, at most a B bank (64-bit words, 4,096 on the largest build); the
 * SoC's firmware, whose B banks hold 512 words, builds it smaller
 * (mk/firmware.mk) to leave its RAM to the code. */
#ifndef NPE_TILER_MV_ROW_BYTES
#define NPE_TILER_MV_ROW_BYTES (8 * 4096)
#endif

/* Matvec B: each weight row packed as usual, then its PE words dealt into
 * the LOAD row of its (block, group, column) at sub-word r. */
static int pack_b_matvec(const npe_mm_plan *p, npe_pats b, size_t stride, uint8_t *out) {
  uint32_t rows = p->hw.rows, cols = p->hw.cols, per = rows * cols;
  int ternary = p->fb == NPE_FMT_TERNARY;
  uint32_t std_bytes = pitch_words(p->fb, p->lanes, p->words) * 8;
  uint8_t tmp[NPE_TILER_MV_ROW_BYTES];
  if (std_bytes > sizeof tmp) return NPE_ERR_UNSUPPORTED;
  uint64_t total = npe_tiler_bytes_b(p);
  for (uint64_t i = 0; i < total; i++) out[i] = 0;
  for (uint32_t n = 0; n < p->n; n++)
    for (uint32_t t = 0; t < p->k_tiles; t++) {
    uint32_t k0 = t * p->k_tile, len = p->k - k0 < p->k_tile ? p->k - k0 : p->k_tile;
    for (uint32_t i = 0; i < std_bytes; i++) tmp[i] = 0;
    int rc = npe_pack(npe_pats_at(b, (size_t)n * stride + k0), len, tmp, std_bytes);
    if (rc) return rc;
    uint32_t blk = n / p->nb, i = n % p->nb;
    uint32_t g = i / per, r = (i % per) / cols, c = i % cols;
    uint8_t *row = out + ((uint64_t)blk * p->mv_groups * cols + (uint64_t)g * cols + c) *
                             p->row_bytes_b + (uint64_t)t * p->seg_bytes_b;
    for (uint32_t j = 0; j < p->words; j++) {
      if (ternary) { /* PE word j: nibble j of the packed row */
        unsigned nib = (tmp[j / 2] >> (4 * (j % 2))) & 0xfu;
        uint32_t bit = 64 * (j / 4) + 16 * (j % 4) + 4 * r;
        row[bit / 8] |= (uint8_t)(nib << (bit % 8));
      } else { /* PE word j: bytes 2j, 2j+1 of the packed row */
        uint32_t at = 8 * j + 2 * r;
        row[at] = tmp[2 * j];
        row[at + 1] = tmp[2 * j + 1];
      }
    }
    }
  return NPE_OK;
}

/* One Sherry group: codes t[4] with real[i] = 0 for padding positions,
 * which take a zero (the first, when the real ones have none) or +1 so
 * the group has exactly one zero; the padding meets zero activations (or
 * outputs nobody reads), so its values do not matter. The 5-bit code, or
 * -1 when the real weights have two zeros or more, or none and no padding. */
static int sherry_group(uint8_t t[4], const int real[4]) {
  int zeros = 0, pads = 0;
  for (int i = 0; i < 4; i++) {
    if (real[i]) zeros += t[i] == 0;
    else pads++;
  }
  if (zeros > 1 || (zeros == 0 && pads == 0)) return -1;
  for (int i = 0; i < 4; i++) {
    if (real[i]) continue;
    t[i] = zeros ? 1 : 0;
    zeros = 1;
  }
  uint8_t code = 0;
  if (npe_sherry_pack(t, 4, &code, 1) != NPE_OK) return -1; /* a bad ternary code */
  return code;
}

/* The Sherry LOAD rows of B in stream order: row `row` of `rows`, its
 * groups as (weight row n, first k) per scratchpad word and group; code g
 * at bits 5g.. of the row's mem_seg_b bytes at `out` (NULL: check only). */
static int sherry_rows(const npe_mm_plan *p, npe_pats b, size_t stride, uint8_t *out) {
  uint32_t R = p->hw.rows, C = p->hw.cols, words = p->seg_bytes_b / 8;
  uint32_t gpw = sherry_groups_per_word(p), seg = mem_seg_b(p), row_mem = mem_row_b(p);
  uint32_t load_rows = p->matvec ? p->n_blocks * p->mv_groups * C : p->n;
  uint32_t segs = p->k_tiles;
  for (uint32_t L = 0; L < load_rows; L++) {
    for (uint32_t t = 0; t < segs; t++) {
      uint8_t *o = out ? out + (size_t)L * row_mem + (size_t)t * seg : NULL;
      if (o)
        for (uint32_t i = 0; i < seg; i++) o[i] = 0;
      uint32_t k0 = t * p->k_tile, kend = p->k - k0 < p->k_tile ? p->k : k0 + p->k_tile;
      uint64_t bit = 0;
      for (uint32_t w = 0; w < words; w++) {
        for (uint32_t q = 0; q < gpw; q++) {
          uint32_t n = L, kg = k0 + 32 * w + 4 * q; /* normal: group q of word w */
          if (p->matvec) { /* group 2r + h: row r's weights 8w + 4h.. */
            uint32_t blk = L / (p->mv_groups * C), g = (L / C) % p->mv_groups, c = L % C;
            n = blk * p->nb + g * R * C + (q / 2) * C + c;
            kg = k0 + 8 * w + 4 * (q % 2);
          }
          uint8_t tc[4];
          int real[4];
          for (int i = 0; i < 4; i++) {
            real[i] = n < p->n && kg + (uint32_t)i < kend;
            tc[i] = real[i] ? b.u8[(size_t)n * stride + kg + (uint32_t)i] : 0;
          }
          int code = sherry_group(tc, real);
          if (code < 0) return NPE_ERR_RANGE;
          if (o) {
            for (int i = 0; i < 5; i++, bit++)
              if (code >> i & 1) o[bit / 8] |= (uint8_t)(1u << (bit % 8));
          }
        }
      }
    }
  }
  return NPE_OK;
}

int npe_tiler_sherry_fits(const npe_mm_plan *p, npe_pats b, size_t stride) {
  if (!p || !b.u8 || b.fmt != NPE_FMT_TERNARY || p->fb != NPE_FMT_TERNARY || stride < p->k)
    return 0;
  return sherry_rows(p, b, stride, NULL) == NPE_OK;
}

int npe_tiler_pack_b(const npe_mm_plan *p, npe_pats b, size_t stride, uint8_t *out) {
  if (!p || !out || b.fmt != p->fb || stride < p->k) return NPE_ERR_INVALID_ARG;
  if (p->sherry) return sherry_rows(p, b, stride, out);
  if (p->matvec) return pack_b_matvec(p, b, stride, out);
  return pack_rows(p, b, stride, p->n, p->seg_bytes_b, out);
}

void npe_desc_encode(const npe_desc_fields *f, uint8_t d[64]) {
  for (unsigned i = 0; i < NPE_DESC_SIZE; i++) d[i] = 0;
  npe_desc_set_opcode(d, f->op);
  npe_desc_set_flags(d, f->flags);
  npe_desc_set_fmt_a(d, f->fmt_a);
  npe_desc_set_fmt_b(d, f->fmt_b);
  npe_desc_set_fmt_out(d, f->fmt_out);
  npe_desc_set_spad(d, f->spad);
  npe_desc_set_m(d, f->m);
  npe_desc_set_n(d, f->n);
  npe_desc_set_k(d, f->k);
  npe_desc_set_t(d, f->t);
  npe_desc_set_addr_a(d, f->addr_a);
  npe_desc_set_addr_b(d, f->addr_b);
  npe_desc_set_addr_c(d, f->addr_c);
  npe_desc_set_stride_a(d, f->stride_a);
  npe_desc_set_stride_c(d, f->stride_c);
  npe_desc_set_aux(d, f->aux);
  npe_desc_set_spad_off(d, f->spad_off);
}

int npe_tiler_b_resident(const npe_mm_plan *p) {
  if (!p || !p->hw.b_offset || p->m_tiles < 2 || p->k_tiles != 1 || p->matvec) return 0;
  if (p->n > 0xffffu) return 0;                     /* one LOAD's M */
  if (p->n_blocks > 1 && p->nb % p->hw.cols) return 0; /* blocks start in bank 0 */
  uint64_t words = (uint64_t)ceil_div(p->n, p->hw.cols) * (p->seg_bytes_b / 8);
  return words <= p->hw.b_bank_words;
}

uint32_t npe_tiler_b_block_off(const npe_mm_plan *p, uint32_t nbk) {
#ifdef NPE_PLANT_BUG_TILER_B_OFF
  /* Test only (b-offset-plant-test): block j reads block j - 1's rows. */
  if (nbk > 0) nbk--;
#endif
  return nbk * (p->nb / p->hw.cols) * (p->seg_bytes_b / 8);
}

/* Step j: output tile o = j / k_tiles (m-tile o / n_blocks, n-block
 * o % n_blocks), K tile j % k_tiles; B buffers alternate per step, output
 * buffers per output tile, A buffers per m-tile (per step with K tiles). */
static void step_geom(const npe_mm_plan *p, uint32_t j, uint32_t *mt, uint32_t *nbk,
                      uint32_t *rows, uint32_t *cols) {
  uint32_t o = j / p->k_tiles;
  *mt = o / p->n_blocks;
  *nbk = o % p->n_blocks;
  uint32_t r0 = *mt * p->hw.rows, c0 = *nbk * p->nb;
  *rows = p->m - r0 < p->hw.rows ? p->m - r0 : p->hw.rows;
  *cols = p->n - c0 < p->nb ? p->n - c0 : p->nb;
}

static uint32_t k_of(const npe_mm_plan *p, uint32_t j) { return j % p->k_tiles; }
static uint32_t a_buf(const npe_mm_plan *p, uint32_t j) {
  return (p->k_tiles > 1 ? j : j / p->n_blocks) & 1u;
}
static uint32_t o_buf(const npe_mm_plan *p, uint32_t j) { return (j / p->k_tiles) & 1u; }
/* The step finishes its output tile (only such steps STORE). */
static int k_last(const npe_mm_plan *p, uint32_t j) { return k_of(p, j) + 1 == p->k_tiles; }
/* K of step j's tile (the last tile may be shorter). */
static uint32_t k_len(const npe_mm_plan *p, uint32_t j) {
  uint32_t k0 = k_of(p, j) * p->k_tile;
  return p->k - k0 < p->k_tile ? p->k - k0 : p->k_tile;
}
/* Bytes a LOAD takes of each row segment of step j: the MATMUL finds its B
 * rows (column group g at g x pitch) at the pitch of its own K, so a short
 * last tile loads a shorter row (the rest of the segment is padding). */
static uint32_t load_bytes(const npe_mm_plan *p, int is_b, uint32_t j) {
  if (p->k_tiles == 1) return is_b ? p->seg_bytes_b : p->seg_bytes_a; /* as planned */
  uint32_t words = ceil_div(k_len(p, j), p->lanes);
  if (is_b && p->matvec) return mv_pitch(p->fb, words) * 8; /* its own layout */
  return pitch_words(is_b ? p->fb : p->fa, p->lanes, words) * 8;
}

static void desc_load_a(const npe_mm_plan *p, uint32_t j, uint8_t d[64]) {
  uint32_t mt, nbk, rows, cols;
  step_geom(p, j, &mt, &nbk, &rows, &cols);
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.spad = (uint8_t)(0u | (a_buf(p, j) << 7));
  f.m = (uint16_t)rows;
  f.k = (uint16_t)load_bytes(p, 0, j);
  f.addr_a = p->addr_a + (uint64_t)mt * p->hw.rows * p->row_bytes_a +
             (uint64_t)k_of(p, j) * p->seg_bytes_a;
  f.stride_a = p->row_bytes_a;
  npe_desc_encode(&f, d);
}

/* Matvec: output-buffer columns (and B LOAD rows) of a block of `cols`
 * outputs: its column groups x Cols. */
static uint32_t mv_store_cols(const npe_mm_plan *p, uint32_t cols) {
  return ceil_div(cols, p->hw.rows * p->hw.cols) * p->hw.cols;
}

static void desc_load_b(const npe_mm_plan *p, uint32_t j, uint8_t d[64]) {
  uint32_t mt, nbk, rows, cols;
  step_geom(p, j, &mt, &nbk, &rows, &cols);
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.spad = (uint8_t)(1u | ((j & 1u) << 7));
  if (p->sherry) { /* unpacked to the same scratchpad words on the way */
    f.flags = (uint8_t)(1u << NPE_DESC_FLAG_SHERRY_BIT |
                        (p->matvec ? 1u << NPE_DESC_FLAG_MATVEC_BIT : 0u));
    f.fmt_b = (uint8_t)p->fb;
  }
  if (npe_tiler_b_resident(p)) { /* all N rows into buffer 0: row i at word (i / Cols) x pitch */
    f.spad = 1u;
    f.m = (uint16_t)p->n;
    f.k = (uint16_t)p->seg_bytes_b;
    f.addr_a = p->addr_b;
    f.stride_a = mem_row_b(p);
    npe_desc_encode(&f, d);
    return;
  }
  f.m = (uint16_t)(p->matvec ? mv_store_cols(p, cols) : cols);
  f.k = (uint16_t)load_bytes(p, 1, j);
  f.addr_a = p->addr_b + (uint64_t)nbk * (p->matvec ? p->mv_groups * p->hw.cols : p->nb) *
                             mem_row_b(p) + (uint64_t)k_of(p, j) * mem_seg_b(p);
  f.stride_a = mem_row_b(p);
  npe_desc_encode(&f, d);
}

static void desc_matmul(const npe_mm_plan *p, uint32_t j, uint8_t d[64]) {
  uint32_t mt, nbk, rows, cols;
  step_geom(p, j, &mt, &nbk, &rows, &cols);
  npe_desc_fields f = {0};
  f.op = NPE_OP_MATMUL;
  uint32_t kt = k_of(p, j);
  f.flags = (uint8_t)((p->out_fp32 || p->nlu_aux ? 1u << NPE_DESC_FLAG_OUT_FP32_BIT : 0u) |
                      (p->matvec ? 1u << NPE_DESC_FLAG_MATVEC_BIT : 0u) |
                      (kt > 0 ? 1u << NPE_DESC_FLAG_ACCUM_BIT : 0u) |
                      (!k_last(p, j) ? 1u << NPE_DESC_FLAG_KEEP_BIT : 0u));
  f.fmt_a = (uint8_t)p->fa;
  f.fmt_b = (uint8_t)p->fb;
  f.fmt_out = (uint8_t)p->fout;
  f.spad = (uint8_t)(a_buf(p, j) | ((j & 1u) << 1) | (o_buf(p, j) << 2));
  if (npe_tiler_b_resident(p)) { /* B buffer 0, the block's rows in place */
    f.spad = (uint8_t)(a_buf(p, j) | (o_buf(p, j) << 2));
    f.spad_off = npe_tiler_b_block_off(p, nbk);
  }
  f.m = (uint16_t)rows;
  f.n = (uint16_t)cols;
  f.k = (uint16_t)k_len(p, j);
  npe_desc_encode(&f, d);
}

int npe_tiler_set_nlu(npe_mm_plan *plan, uint32_t aux) {
  if (!plan || (aux && plan->out_fp32)) return NPE_ERR_INVALID_ARG;
  plan->nlu_aux = aux;
  return NPE_OK;
}

/* The NLU over step j's output buffer, before its STORE (NLU plans only). */
static void desc_nlu(const npe_mm_plan *p, uint32_t j, uint8_t d[64]) {
  uint32_t mt, nbk, rows, cols;
  step_geom(p, j, &mt, &nbk, &rows, &cols);
  npe_desc_fields f = {0};
  f.op = NPE_OP_NLU;
  f.spad = (uint8_t)(2u | (o_buf(p, j) << 7));
  f.m = (uint16_t)(p->matvec ? p->hw.rows : rows);
  f.n = (uint16_t)(p->matvec ? mv_store_cols(p, cols) : cols);
  f.aux = p->nlu_aux;
  npe_desc_encode(&f, d);
}

static void desc_store(const npe_mm_plan *p, uint32_t j, uint8_t d[64]) {
  uint32_t mt, nbk, rows, cols;
  step_geom(p, j, &mt, &nbk, &rows, &cols);
  npe_desc_fields f = {0};
  f.op = NPE_OP_STORE;
  f.flags = (uint8_t)(p->out_fp32 ? 1u << NPE_DESC_FLAG_OUT_FP32_BIT : 0u);
  f.spad = (uint8_t)(2u | (o_buf(p, j) << 7));
  if (p->matvec) { /* the output buffer's rows, as they are (c_offset maps them) */
    f.m = (uint16_t)p->hw.rows;
    f.n = (uint16_t)mv_store_cols(p, cols);
    f.addr_c = p->addr_c + (uint64_t)nbk * p->block_bytes;
    f.stride_c = p->mv_row_bytes;
  } else {
    f.m = (uint16_t)rows;
    f.n = (uint16_t)cols;
    f.addr_c = p->addr_c + (uint64_t)mt * p->hw.rows * p->ldc + (uint64_t)nbk * p->block_bytes;
    f.stride_c = p->ldc;
  }
  npe_desc_encode(&f, d);
}

/* Phases of step j: 0 LOAD A (first step only; later A loads ride along in
 * phase 2 of the previous step), 1 LOAD B (first step only), 2 MATMUL,
 * 3 LOAD A of step j+1 when it starts an m-tile (with K tiles: always),
 * 4 LOAD B of step j+1 (not with resident B: phase 1 loaded it all), 6 STORE (the output tile's last K step only); after
 * the last step a FENCE. NLU plans: 5 STORE of the previous output tile,
 * 6 NLU of this one, and the last STORE before the FENCE: the command
 * processor dispatches in order, so deferring each STORE past the next
 * MATMUL lets the NLU of one tile run beside the MATMUL of the next. */
int npe_tiler_next(const npe_mm_plan *p, npe_tiler_it *it, uint8_t desc[64]) {
  if (!p || !it || !desc || it->done) return 0;
  uint32_t steps = p->m_tiles * p->n_blocks * p->k_tiles;
  int resident = npe_tiler_b_resident(p); /* B loaded once, in step 0 */
  for (;;) {
    uint32_t j = it->step, ph = it->phase;
    if (j == steps) {
      if (p->nlu_aux && !it->tail) {
        desc_store(p, steps - 1, desc);
        it->tail = 1;
        return 1;
      }
      npe_desc_fields f = {0};
      f.op = NPE_OP_FENCE;
      f.flags = 1u << NPE_DESC_FLAG_IRQ_BIT;
      npe_desc_encode(&f, desc);
      it->done = 1;
      return 1;
    }
    it->phase++;
    if (it->phase == 7) it->phase = 0, it->step++;
    switch (ph) {
      case 0: if (j == 0) { desc_load_a(p, 0, desc); return 1; } break;
      case 1: if (j == 0) { desc_load_b(p, 0, desc); return 1; } break;
      case 2: desc_matmul(p, j, desc); return 1;
      case 3:
        if (j + 1 < steps && (p->k_tiles > 1 || (j + 1) % p->n_blocks == 0)) {
          desc_load_a(p, j + 1, desc);
          return 1;
        }
        break;
      case 4:
        if (j + 1 < steps && !resident) { desc_load_b(p, j + 1, desc); return 1; }
        break;
      case 5:
        if (p->nlu_aux && k_last(p, j) && j >= p->k_tiles) {
          desc_store(p, j - p->k_tiles, desc);
          return 1;
        }
        break;
      default:
        if (!k_last(p, j)) break;
        if (p->nlu_aux) desc_nlu(p, j, desc);
        else desc_store(p, j, desc);
        return 1;
    }
  }
}

uint64_t npe_tiler_dma_bytes_b(const npe_mm_plan *p) {
  if (npe_tiler_b_resident(p)) /* one LOAD of N rows */
    return (uint64_t)p->n * (p->sherry ? sherry_row_dma(p, p->seg_bytes_b) : p->seg_bytes_b);
  uint64_t steps = (uint64_t)p->m_tiles * p->n_blocks * p->k_tiles, sum = 0;
  for (uint64_t j = 0; j < steps; j++) {
    uint32_t mt, nbk, rows, cols;
    step_geom(p, (uint32_t)j, &mt, &nbk, &rows, &cols);
    uint32_t lrows = p->matvec ? mv_store_cols(p, cols) : cols;
    uint32_t kb = load_bytes(p, 1, (uint32_t)j);
    sum += (uint64_t)lrows * (p->sherry ? sherry_row_dma(p, kb) : kb);
  }
  return sum;
}

uint64_t npe_tiler_count(const npe_mm_plan *p) {
  uint64_t tiles = (uint64_t)p->m_tiles * p->n_blocks, steps = tiles * p->k_tiles;
  uint64_t loads_a = p->k_tiles > 1 ? steps : p->m_tiles;
  uint64_t loads_b = npe_tiler_b_resident(p) ? 1 : steps;
  /* MATMUL and LOAD B per step (resident B: one LOAD B), STORE (and NLU)
   * per output tile, FENCE */
  return steps + loads_b + loads_a + tiles * (p->nlu_aux ? 2 : 1) + 1;
}
