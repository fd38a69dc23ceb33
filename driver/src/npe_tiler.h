/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_tiler.h - turns a matmul C[M x N] = A[M x K] * B^T (B stored N x K,
 * one row per output column, like weights [out][in]) into the engine's
 * descriptor stream, and lays the operands out in device memory the way the
 * descriptors expect. Freestanding (no allocation, no OS): the host driver and
 * the firmware share it. Internal to libnpe; not installed.
 *
 * Stream, per step j (one m-tile of Rows rows x one n-block of NB columns):
 *   LOAD A (when the m-tile starts), LOAD B(j), MATMUL(j), STORE(j)
 * emitted so that LOAD(j+1) sits between MATMUL(j) and STORE(j): the loader
 * fills the other buffer while the array computes (double buffering), and
 * the store of step j overlaps the matmul of step j+1. A final FENCE raises
 * the interrupt.
 *
 * K beyond the scratchpads (engines with CAP_FORMATS.KSPLIT): each output
 * tile runs as k_tiles steps, one per K tile, the MATMULs chained with
 * FLAGS.KEEP / ACCUM so every dot product is still rounded once; A and B
 * rows are stored as k_tiles packed segments and every step loads its
 * segment of both, and only a tile's last step STOREs.
 *
 * Resident B (engines with CAP_FORMATS.B_OFFSET; npe_tiler_b_resident()):
 * when M spans two m-tiles or more, K is one tile, the plan is no mat-vec
 * and all N rows of B fit one B buffer, the stream LOADs the whole B once
 * (N rows into B buffer 0) after the first LOAD A, and every MATMUL(j)
 * reads its n-block's rows in place from the word offset in SPAD_OFF:
 *   LOAD A, LOAD B (all), then per step MATMUL(j), LOAD A (when the next
 *   m-tile starts), STORE(j)
 * so the weights cross the DMA once instead of once per m-tile (the one
 * large LOAD B is not overlapped with a MATMUL).
 */
#ifndef NPE_TILER_H
#define NPE_TILER_H

#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Shape of the engine (from its CAP registers). */
typedef struct npe_hw_shape {
  uint32_t rows, cols;      /**< PE array */
  uint32_t a_bank_words;    /**< 64-bit words per A bank per buffer */
  uint32_t b_bank_words;    /**< 64-bit words per B bank per buffer */
  uint32_t out_groups;      /**< column groups per output buffer */
  uint32_t ksplit;          /**< 1: MATMUL FLAGS.KEEP / ACCUM (CAP_FORMATS.KSPLIT), any K */
  uint32_t sherry;          /**< 1: LOAD FLAGS.SHERRY (CAP_FORMATS.SHERRY) */
  uint32_t b_offset;        /**< 1: MATMUL reads B from SPAD_OFF (CAP_FORMATS.B_OFFSET), so
                             *   plans may keep B resident (npe_tiler_b_resident()); 0 turns
                             *   the resident stream off */
} npe_hw_shape;

/** A planned matmul: geometry and device layout. */
typedef struct npe_mm_plan {
  npe_hw_shape hw;
  npe_fmt fa, fb, fout;     /**< operand formats (fa == fb, or int8 x ternary); output format */
  int out_fp32;             /**< 1: C is binary32; 0: C is 16-bit patterns of fout */
  uint32_t m, n, k;
  uint32_t lanes;           /**< MACs per PE word */
  uint32_t words;           /**< PE words per dot product (of one K tile) */
  uint32_t k_tile;          /**< K elements per K tile (k when k_tiles is 1; the last may be shorter) */
  uint32_t k_tiles;         /**< K tiles per dot product (1 unless K exceeds the scratchpads) */
  uint32_t seg_bytes_a;     /**< bytes of one K tile's packed segment of an A row (multiple of 8) */
  uint32_t seg_bytes_b;     /**< the same for B */
  uint32_t row_bytes_a;     /**< bytes per packed A row in memory: k_tiles segments */
  uint32_t row_bytes_b;     /**< bytes per packed B row in memory: k_tiles segments */
  uint32_t ldc;             /**< bytes per C row in memory (multiple of 8) */
  uint32_t nb;              /**< columns per n-block */
  uint32_t block_bytes;     /**< bytes from one n-block's columns to the next in a C row:
                             *   nb x element size, padded to 8 when blocks would
                             *   otherwise start unaligned (npe_tiler_c_offset) */
  uint32_t m_tiles, n_blocks;
  uint64_t addr_a, addr_b, addr_c;  /**< device addresses (8-byte aligned) */
  uint32_t nlu_aux;         /**< 0, or the AUX of an NLU before every STORE (npe_tiler_set_nlu) */
  int matvec;               /**< 1: MATMUL FLAGS.MATVEC on every PE (npe_tiler_use_matvec) */
  uint32_t mv_groups;       /**< matvec: column groups per n-block (Rows x Cols outputs each) */
  uint32_t mv_row_bytes;    /**< matvec: bytes of one output-buffer row as stored in C */
  int sherry;               /**< 1: B travels as Sherry 1.25-bit codes (npe_tiler_use_sherry) */
} npe_mm_plan;

/**
 * Plans C = A x B^T on an engine of shape @p hw. K above npe_tiler_max_k()
 * runs in K tiles of equal size (as few as fit) when hw->ksplit is set.
 * Errors: NPE_ERR_INVALID_ARG (zero dims, bad format pair, unaligned
 * address, NULL), NPE_ERR_UNSUPPORTED (K too large for the scratchpads on
 * an engine without K tiles: the limit is npe_tiler_max_k()).
 */
int npe_tiler_plan(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                   int out_fp32, uint32_t m, uint32_t n, uint32_t k,
                   uint64_t addr_a, uint64_t addr_b, uint64_t addr_c,
                   npe_mm_plan *plan /* out */);

/**
 * npe_tiler_plan() with K tiles of @p k_tile elements (the last one the
 * rest; 0 chooses as npe_tiler_plan() does). More than one tile needs
 * hw->ksplit. Errors as npe_tiler_plan(), and NPE_ERR_UNSUPPORTED for
 * k_tile above npe_tiler_max_k() or several tiles without hw->ksplit.
 */
int npe_tiler_plan_k_tiles(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                           int out_fp32, uint32_t m, uint32_t n, uint32_t k, uint32_t k_tile,
                           uint64_t addr_a, uint64_t addr_b, uint64_t addr_c,
                           npe_mm_plan *plan /* out */);

/** Options of npe_tiler_plan_matmul(). */
#define NPE_TILER_SHERRY    1u /**< B as Sherry codes (npe_tiler_use_sherry()) */
#define NPE_TILER_NO_MATVEC 2u /**< M = 1 as a plain plan, not a mat-vec */

/**
 * The plan of a matmul job as libnpe (npe_matmul.c) and the SoC's firmware
 * (firmware/npe_fw_main.c) run it: npe_tiler_plan() (K tiles of equal size
 * when K exceeds the scratchpads), a batch-1 mat-vec for M = 1 where the
 * array allows it (npe_tiler_use_matvec(); else, or with
 * NPE_TILER_NO_MATVEC, the plain plan), and with NPE_TILER_SHERRY in
 * @p opts B as Sherry codes (npe_tiler_use_sherry()), its K tiles then
 * rounded up to a multiple of 4 (at most npe_tiler_max_k() rounded down),
 * so that every tile starts a group of 4 of B's weights. Errors as
 * npe_tiler_plan() and npe_tiler_use_sherry().
 */
int npe_tiler_plan_matmul(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                          int out_fp32, uint32_t m, uint32_t n, uint32_t k, unsigned opts,
                          uint64_t addr_a, uint64_t addr_b, uint64_t addr_c,
                          npe_mm_plan *plan /* out */);

/** Bytes of device memory A, B and C of @p p take laid out one after the
 *  other, A and B each rounded up to 8 (npe_tiler_place()). */
uint64_t npe_tiler_bytes(const npe_mm_plan *p);

/** Moves @p p to A at @p addr_a, B and C right after it (each 8-byte
 *  aligned, npe_tiler_bytes() in all). Errors: NPE_ERR_INVALID_ARG (NULL,
 *  addr_a not 8-byte aligned). */
int npe_tiler_place(npe_mm_plan *p, uint64_t addr_a);

/**
 * The plan npe_tiler_plan_matmul() makes that fits @p room bytes of device
 * memory (npe_tiler_bytes()), at address 0 (npe_tiler_place() moves it):
 * with Sherry B first when @p sherry is set and the ternary weights @p b
 * (@p stride elements between rows) fit it (npe_tiler_sherry_fits(); with
 * b.u8 NULL not checked: npe_tiler_pack_b() then answers NPE_ERR_RANGE
 * for weights that do not fit, and the caller plans again without),
 * else with 2-bit B; for M = 1 the mat-vec first, then the plain plan (a
 * mat-vec B row holds Rows weight rows side by side, one 64-bit word per
 * PE word, so with long K it may not fit where the plain rows do). The
 * firmware plans its requests with it and libnpe checks with @p sherry 0
 * (the plan the firmware falls back on) that they fit. Errors:
 * npe_tiler_plan()'s, NPE_ERR_UNSUPPORTED when no plan fits @p room.
 */
int npe_tiler_plan_room(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, npe_fmt fout,
                        int out_fp32, uint32_t m, uint32_t n, uint32_t k, int sherry, npe_pats b,
                        size_t stride, uint64_t room, npe_mm_plan *plan /* out */);

/**
 * Sends the results of @p plan through the NLU: its MATMULs round to
 * binary32, an NLU descriptor with AUX @p aux (docs/REGMAP.md) precedes
 * every STORE, and the STOREs write 2-byte codes (plan with out_fp32 = 0,
 * any fout). @p aux 0 turns it off. Errors: NPE_ERR_INVALID_ARG (NULL, a
 * binary32 plan with aux != 0).
 */
int npe_tiler_set_nlu(npe_mm_plan *plan, uint32_t aux);

/**
 * Turns a plan with M = 1 into a batch-1 mat-vec on every PE (MATMUL
 * FLAGS.MATVEC, docs/ARCHITECTURE.md "The batch-1 mat-vec"): B is packed
 * with Rows weight rows side by side in each scratchpad word, each n-block
 * holds up to Rows x Cols x OutGroups outputs, and C is laid out as the
 * output buffer's Rows rows per block (npe_tiler_c_offset() maps it).
 * Call it before set_nlu, packing and streaming. Errors: NPE_ERR_INVALID_ARG
 * (NULL), NPE_ERR_UNSUPPORTED (M != 1, Rows not 2..4, an NLU plan,
 * or B too large for a column group of Rows rows).
 */
int npe_tiler_use_matvec(npe_mm_plan *plan);

/**
 * Plans weights W (n x k patterns) kept resident in one B buffer for a
 * batch-1 mat-vec, as the recurrence unit's GRU / LSTM modes read them
 * (docs/RECUR.md, "Weights in B"): the MATVEC plan of M = 1, N = n, K = k
 * (npe_tiler_plan + npe_tiler_use_matvec, binary32 out), so that
 * npe_tiler_pack_b() writes the image and its first npe_tiler_resident_rows()
 * LOAD rows of row_bytes_b bytes each, loaded from B word 0, are what the
 * unit reads: chunk j of Rows x Cols x OutGroups outputs from word j x
 * OutGroups x pitch. Errors: NPE_ERR_INVALID_ARG (NULL, zero n or k, bad
 * pair), NPE_ERR_UNSUPPORTED (Rows not 2..4; the vector does not fit one A
 * buffer or the ceil(n / (Rows Cols)) column groups of pitch words do not
 * fit one B bank).
 */
int npe_tiler_resident_matvec(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb, uint32_t n,
                              uint32_t k, npe_mm_plan *plan /* out */);

/**
 * Sends B (ternary weights) as Sherry 1.25-bit codes: every B LOAD carries
 * FLAGS.SHERRY (and FLAGS.MATVEC in a mat-vec plan) and reads, per LOAD row
 * (a K tile's segment, or a mat-vec row), the 5-bit group codes of its
 * 2-bit image in the loader's order (docs/REGMAP.md, flag SHERRY), each
 * LOAD row padded to 8 bytes (npe_tiler_sherry_seg_bytes()). B must then
 * be 3:4 sparse (npe_tiler_sherry_fits()). Order against
 * npe_tiler_use_matvec() does not matter. Errors: NPE_ERR_INVALID_ARG
 * (NULL), NPE_ERR_UNSUPPORTED (B not ternary, the engine without
 * CAP_FORMATS.SHERRY (hw.sherry), or a mat-vec plan on Rows not 2..4).
 */
int npe_tiler_use_sherry(npe_mm_plan *plan);

/**
 * 1 if the ternary weights @p b (N x K of plan @p p, @p stride elements
 * between rows) can travel as Sherry codes: in every group of 4 weights the
 * Sherry LOAD rows of @p p hold (4 consecutive weights along K of one row,
 * starting at a multiple of 4 within each K tile), exactly one of the
 * weights inside the matrix is zero, or none and the group reaches past K
 * (or past N in a mat-vec block), where the padding takes the zero. 0
 * otherwise (also for a non-ternary b or a NULL argument).
 */
int npe_tiler_sherry_fits(const npe_mm_plan *p, npe_pats b, size_t stride);

/** Bytes of device memory one Sherry LOAD row of @p p takes: the 5-bit codes
 *  of a B segment's (or mat-vec row's) groups, padded to 8 bytes. */
uint32_t npe_tiler_sherry_seg_bytes(const npe_mm_plan *p);

/**
 * 1 if the stream of @p p keeps B resident: LOADs all N rows of B once into
 * B buffer 0 and points each MATMUL at its n-block's rows with SPAD_OFF
 * (see the top of this file): hw.b_offset set, m_tiles >= 2, k_tiles == 1,
 * no mat-vec, an n-block a whole number of column groups (when there are
 * several), N <= 65535 and ceil(N / Cols) column groups of a row's pitch
 * within one B bank. 0 otherwise (the per-step LOAD B stream), also for NULL.
 * Decided from the plan as it is (after npe_tiler_use_matvec / _use_sherry);
 * clear plan->hw.b_offset to run the per-step stream.
 */
int npe_tiler_b_resident(const npe_mm_plan *p);

/** B scratchpad word where n-block @p nbk's rows start in a resident-B
 *  stream (the MATMUL's SPAD_OFF): nbk x nb / Cols column groups x pitch. */
uint32_t npe_tiler_b_block_off(const npe_mm_plan *p, uint32_t nbk);

/** Bytes the DMA reads for the B LOADs of @p p's whole stream (8 per beat;
 *  Sherry rows as npe_tiler_use_sherry() sets them up). */
uint64_t npe_tiler_dma_bytes_b(const npe_mm_plan *p);

/** LOAD rows of the resident image of @p p: ceil(n / (Rows Cols)) x Cols
 *  (the column groups in use; the image's padding after them is not
 *  loaded). */
uint32_t npe_tiler_resident_rows(const npe_mm_plan *p);

/** Largest K the scratchpads take for this format pair (0 for a bad pair). */
uint32_t npe_tiler_max_k(const npe_hw_shape *hw, npe_fmt fa, npe_fmt fb);

/** Bytes of device memory A, B and C take. */
uint64_t npe_tiler_bytes_a(const npe_mm_plan *p);
uint64_t npe_tiler_bytes_b(const npe_mm_plan *p);
uint64_t npe_tiler_bytes_c(const npe_mm_plan *p);

/** Byte offset of C[r][col] in the device's C region: r x ldc + (col / nb) x
 *  block_bytes + (col % nb) x element size (col x element size unless the
 *  n-blocks are padded). */
size_t npe_tiler_c_offset(const npe_mm_plan *p, uint32_t r, uint32_t col);

/**
 * Packs row-major unpacked patterns (M x K for A, N x K for B, of the plan's
 * formats; @p stride elements between rows) into the device layout, @p out
 * holding npe_tiler_bytes_a()/_b() bytes.
 * Errors: NPE_ERR_RANGE (bad pattern), NPE_ERR_INVALID_ARG (NULL, a format
 * that is not the plan's, a bad npe_pats).
 */
int npe_tiler_pack_a(const npe_mm_plan *p, npe_pats a, size_t stride, uint8_t *out);
int npe_tiler_pack_b(const npe_mm_plan *p, npe_pats b, size_t stride, uint8_t *out);

/** Iterator over the descriptor stream of a plan. Zero it, then call next. */
typedef struct npe_tiler_it {
  uint32_t step;            /**< step whose descriptors come next */
  uint32_t phase;           /**< position within the step */
  int done;
  int tail;                 /**< NLU plans: the last STORE was emitted */
} npe_tiler_it;

/** Writes the next 64-byte descriptor to @p desc; returns 1, or 0 at the end. */
int npe_tiler_next(const npe_mm_plan *p, npe_tiler_it *it, uint8_t desc[64]);

/** Number of descriptors in the stream of @p p. */
uint64_t npe_tiler_count(const npe_mm_plan *p);

/** Fields of one descriptor (see docs/REGMAP.md); unset fields are 0. */
typedef struct npe_desc_fields {
  uint8_t op, flags, fmt_a, fmt_b, fmt_out, spad;
  uint16_t m, n, k;
  uint16_t t;                /**< RECUR: timesteps */
  uint64_t addr_a, addr_b, addr_c;  /**< addr_b: RECUR's initial state */
  uint32_t stride_a, stride_c;
  uint32_t aux;              /**< opcode-specific (NLU: B, F, segments, split; RECUR: mode, init) */
  uint32_t spad_off;         /**< MATMUL: B word offset (CAP_FORMATS.B_OFFSET); else 0 */
} npe_desc_fields;

/** Encodes @p f as a 64-byte little-endian descriptor. */
void npe_desc_encode(const npe_desc_fields *f, uint8_t desc[64]);

#ifdef __cplusplus
}
#endif

#endif /* NPE_TILER_H */
