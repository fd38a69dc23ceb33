/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_format.h - the golden number-format library of the NPE project.
 *
 * This is the single, precise definition of every number format the engine
 * computes in: how a bit pattern maps to a real number, how a real number is
 * rounded to a pattern, how products are accumulated exactly, and how the
 * exact sum is rounded once at the end. The RTL, the driver and the firmware
 * are all checked against this code.
 *
 * Freestanding: the core (decode, encode, quire, packing, quantisers) uses no
 * allocation, no stdio and no OS calls, so firmware links the same objects as
 * the host. Only npe_metrics() needs libm.
 *
 * Element arrays are typed (npe_pats, npe_pats_out): one pattern per uint8_t
 * for the formats of 8 bits or fewer, one per uint16_t for posit16, never a
 * void pointer whose element width depends on another argument.
 *
 * Thread safety: every function is reentrant; there is no global mutable
 * state. Objects passed in (a quire, a buffer) must not be shared between
 * threads during a call.
 *
 * Changes in API 0.3.0 (NPE_API_VERSION, npe.h), all source-incompatible:
 *   npe_quire_fma(q, fa, a, fb, b)    -> npe_quire_add_product(q, fa, a, fb, b)
 *                                        (exact, unrounded: not an fma)
 *   npe_dot(q, fa, a, fb, b, n)       -> npe_quire_add_dot(q, a, b, n), a and b
 *                                        npe_pats (format and typed pointer)
 *   npe_pack(f, in, n, out, cap)      -> npe_pack(in, n, out, cap), in npe_pats
 *   npe_unpack(f, in, cap, n, out)    -> npe_unpack(in, cap, n, out), out npe_pats_out
 *   npe_quantize(f, x, n, s, out)     -> npe_quantize(x, n, s, out), out npe_pats_out;
 *                                        writes nothing on error
 *   npe_quantize_rows(f, x, r, c, s, out) -> npe_quantize_rows(x, r, c, s, out)
 * New: npe_fmt_elem_bytes(), npe_pats / npe_pats_out and their helpers,
 * npe_mul_rounded(), npe_add_rounded(), npe_fma_rounded(), npe_quire_flags(),
 * npe_quire_export(), npe_quire_import(), npe_golden_matmul_f32(),
 * npe_golden_matmul_fmt().
 */
#ifndef NPE_FORMAT_H
#define NPE_FORMAT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** Status codes shared by every npe_ function. 0 is success; errors are < 0. */
typedef enum npe_status {
  NPE_OK = 0,                /**< success */
  NPE_ERR_INVALID_ARG = -1,  /**< NULL pointer, unknown enum value, bad size */
  NPE_ERR_RANGE = -2,        /**< a bit pattern or value outside its format */
  NPE_ERR_NO_SPACE = -3,     /**< output buffer too small */
  NPE_ERR_NO_MEM = -4,       /**< allocation failed (host-side code only) */
  NPE_ERR_IO = -5,           /**< transport or file I/O failed */
  NPE_ERR_BUSY = -6,         /**< device busy or job still running */
  NPE_ERR_DEVICE = -7,       /**< the device reported an error */
  NPE_ERR_TIMEOUT = -8,      /**< waited too long */
  NPE_ERR_UNSUPPORTED = -9,  /**< valid request this build or device cannot do */
  NPE_ERR_STATE = -10        /**< call not allowed in the object's state */
} npe_status;

/** Returns a static, human-readable English name for a status code
 *  ("invalid argument", ...). Never NULL; unknown codes give "unknown error". */
const char *npe_strerror(int status);

/**
 * Number formats. The numeric values are the format codes the hardware uses
 * (rtl/npe_pkg.sv, generated from the same source as this list).
 */
typedef enum npe_fmt {
  NPE_FMT_FP4 = 0,     /**< OCP MX FP4 E2M1: +-{0,.5,1,1.5,2,3,4,6}; no Inf/NaN */
  NPE_FMT_POSIT4 = 1,  /**< Posit(4,1): minpos 2^-4, maxpos 2^4, NaR 0x8 */
  NPE_FMT_POSIT8 = 2,  /**< Posit(8,0): minpos 2^-6, maxpos 2^6, NaR 0x80 */
  NPE_FMT_POSIT16 = 3, /**< Posit(16,1): minpos 2^-28, maxpos 2^28, NaR 0x8000 */
  NPE_FMT_INT8 = 4,    /**< two's complement -128..127 */
  NPE_FMT_TERNARY = 5, /**< {-1,0,+1} as 2-bit two's complement: 00=0 01=+1 11=-1; 10 invalid */
  NPE_FMT_COUNT = 6    /**< number of formats; not a format */
} npe_fmt;

/** Storage bits of one element of @p f (4, 4, 8, 16, 8, 2), or 0 if @p f is
 *  not a format. */
unsigned npe_fmt_bits(npe_fmt f);

/** Bytes of one unpacked element of @p f in a host array: 1 for the formats
 *  of 8 bits or fewer (a pattern per uint8_t), 2 for posit16 (a pattern per
 *  uint16_t); 0 if @p f is not a format. */
size_t npe_fmt_elem_bytes(npe_fmt f);

/** Lower-case CLI name of @p f ("fp4", "posit4", "posit8", "posit16",
 *  "int8", "ternary"), or NULL if @p f is not a format. */
const char *npe_fmt_name(npe_fmt f);

/** Looks up a format by its CLI name. Writes *@p out only on success.
 *  Errors: NPE_ERR_INVALID_ARG (NULL argument or unknown name). */
int npe_fmt_from_name(const char *name, npe_fmt *out /* out */);

/**
 * Decodes pattern @p bits of format @p f to its exact value (every value of
 * every format is exact in a double). Posit NaR decodes to a quiet NaN.
 * Errors: NPE_ERR_INVALID_ARG (bad @p f or NULL @p value), NPE_ERR_RANGE
 * (@p bits has bits set above the format width, or is the invalid ternary
 * code 10b).
 */
int npe_decode(npe_fmt f, uint32_t bits, double *value /* out */);

/**
 * Rounds @p x to format @p f, writing the pattern to *@p bits.
 *  - posits: round to nearest on the unbounded bit string, ties to the even
 *    pattern; never to 0 or NaR (below minpos gives minpos, above maxpos
 *    maxpos); NaN and +-Inf give NaR;
 *  - fp4: nearest, ties to even; saturates to +-6 (also for +-Inf); -0 keeps
 *    its sign (pattern 0x8);
 *  - int8: nearest, ties to even; saturates to -128..127;
 *  - ternary: nearest, ties to even (so +-0.5 gives 0); saturates to +-1.
 * Errors: NPE_ERR_INVALID_ARG (bad @p f, NULL @p bits), NPE_ERR_RANGE (NaN
 * for a format without NaN: fp4, int8, ternary).
 */
int npe_encode(npe_fmt f, double x, uint32_t *bits /* out */);

/** npe_encode() for a binary32 input (exactly equal to encoding (double)x). */
int npe_encode_f(npe_fmt f, float x, uint32_t *bits /* out */);

/* ------------------------------------------------------------------------ */
/* Element arrays                                                            */
/* ------------------------------------------------------------------------ */

/**
 * A read-only array of unpacked patterns of format @c fmt, typed by element
 * width: @c u8 when npe_fmt_elem_bytes(fmt) is 1, @c u16 when it is 2
 * (posit16); the other pointer is NULL. Every call that takes one checks
 * this and returns NPE_ERR_INVALID_ARG for a pointer of the wrong width, or
 * a NULL pointer with a non-zero element count. Make one with npe_pats_u8()
 * or npe_pats_u16(); npe_pats_at() moves along it. The struct does not own
 * the memory.
 */
typedef struct npe_pats {
  npe_fmt fmt;         /**< format of every element */
  const uint8_t *u8;   /**< elements of a format of 8 bits or fewer, else NULL */
  const uint16_t *u16; /**< posit16 elements, else NULL */
} npe_pats;

/** The same for an array a call writes (npe_unpack(), npe_quantize(),
 *  npe_golden_matmul_fmt(), npe_matmul()). */
typedef struct npe_pats_out {
  npe_fmt fmt;   /**< format of every element */
  uint8_t *u8;   /**< elements of a format of 8 bits or fewer, else NULL */
  uint16_t *u16; /**< posit16 elements, else NULL */
} npe_pats_out;

/** A view of @p p, patterns of a format of 8 bits or fewer. */
static inline npe_pats npe_pats_u8(npe_fmt f, const uint8_t *p) {
  npe_pats v = {f, p, NULL};
  return v;
}

/** A view of @p p, posit16 patterns. */
static inline npe_pats npe_pats_u16(npe_fmt f, const uint16_t *p) {
  npe_pats v = {f, NULL, p};
  return v;
}

/** A writable view of @p p, patterns of a format of 8 bits or fewer. */
static inline npe_pats_out npe_pats_out_u8(npe_fmt f, uint8_t *p) {
  npe_pats_out v = {f, p, NULL};
  return v;
}

/** A writable view of @p p, posit16 patterns. */
static inline npe_pats_out npe_pats_out_u16(npe_fmt f, uint16_t *p) {
  npe_pats_out v = {f, NULL, p};
  return v;
}

/** The read-only view of a writable array. */
static inline npe_pats npe_pats_of(npe_pats_out v) {
  npe_pats r = {v.fmt, v.u8, v.u16};
  return r;
}

/** The view starting @p i elements further on (e.g. row r: r * stride). */
static inline npe_pats npe_pats_at(npe_pats v, size_t i) {
  if (v.u8) v.u8 += i;
  if (v.u16) v.u16 += i;
  return v;
}

/** The writable view starting @p i elements further on. */
static inline npe_pats_out npe_pats_out_at(npe_pats_out v, size_t i) {
  if (v.u8) v.u8 += i;
  if (v.u16) v.u16 += i;
  return v;
}

/** Pattern @p i of @p v (the pointer that is set; 0 if neither is). */
static inline uint32_t npe_pats_get(npe_pats v, size_t i) {
  return v.u16 ? v.u16[i] : v.u8 ? v.u8[i] : 0u;
}

/** Stores pattern @p bits as element @p i of @p v (nothing if neither
 *  pointer is set). */
static inline void npe_pats_set(npe_pats_out v, size_t i, uint32_t bits) {
  if (v.u16) v.u16[i] = (uint16_t)bits;
  else if (v.u8) v.u8[i] = (uint8_t)bits;
}

/* ------------------------------------------------------------------------ */
/* Exact accumulation                                                        */
/* ------------------------------------------------------------------------ */

/** Fraction bits of the quire: its LSB weighs 2^-56 = minpos(Posit16)^2. */
#define NPE_QUIRE_FRAC_BITS 56u
/** Total quire width in bits (two's complement, Q71.56). */
#define NPE_QUIRE_BITS 128u

/** Quire status flags (npe_quire.flags). */
#define NPE_QUIRE_NAR 0x1u /**< a NaR operand was accumulated: the sum is NaR */
#define NPE_QUIRE_OVF 0x2u /**< a partial sum left the quire range: value frozen */

/**
 * The exact accumulator shared by every format (and by the hardware PE): a
 * 128-bit two's complement fixed-point number with 56 fraction bits (Q71.56),
 * so |sum| < 2^71. Every product of any two supported formats is a multiple
 * of 2^-56 and below 2^56 in magnitude, hence exact in it. Terms before a
 * possible overflow (all products at the largest magnitude): posit16 2^15,
 * posit8 2^59, posit4 2^63, fp4 2^65, int8 2^57, ternary x int8 2^64.
 * On overflow the quire sets NPE_QUIRE_OVF and keeps the value it had before
 * the overflowing addition; later additions are ignored.
 * Treat the fields as opaque; use the functions below.
 */
typedef struct npe_quire {
  uint64_t lo;    /**< bits 63..0 */
  uint64_t hi;    /**< bits 127..64 (bit 63 of hi is the sign) */
  uint32_t flags; /**< NPE_QUIRE_* */
} npe_quire;

/** Sets @p q to exact zero with no flags. NULL is ignored. */
void npe_quire_clear(npe_quire *q);

/**
 * q += a * b, exactly and without rounding (the Posit Standard's qMulAdd;
 * not an fma, which rounds: see npe_fma_rounded()). @p a is a pattern of
 * @p fa and @p b of @p fb (any pair of formats). A NaR operand sets
 * NPE_QUIRE_NAR and its product adds 0 to the value (later terms still
 * accumulate; NaR wins at readout).
 * Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE (bad pattern); @p q unchanged.
 * (Before API 0.3.0: npe_quire_fma.)
 */
int npe_quire_add_product(npe_quire *q, npe_fmt fa, uint32_t a, npe_fmt fb, uint32_t b);

/**
 * q += sum_{i<n} a[i] * b[i], exactly (the dot product is added into the
 * quire, which keeps what it held), with the same result as n calls of
 * npe_quire_add_product() in order. Any pair of formats.
 * This is the fast path (table-driven decode, integer accumulation).
 * Errors: NPE_ERR_INVALID_ARG (NULL @p q, bad format, a pointer of the wrong
 * width or NULL with n > 0: see npe_pats), NPE_ERR_RANGE (a bad pattern
 * anywhere); @p q unchanged on error. (Before API 0.3.0: npe_dot.)
 */
int npe_quire_add_dot(npe_quire *q, npe_pats a, npe_pats b, size_t n);

/** Adds quire @p src into @p dst exactly (flags are ORed). Errors:
 *  NPE_ERR_INVALID_ARG. */
int npe_quire_add(npe_quire *dst, const npe_quire *src);

/**
 * Rounds the quire once to IEEE binary32, nearest-even. NaR gives a quiet
 * NaN; an overflowed quire gives +-Inf by the sign of its frozen value.
 * Errors: NPE_ERR_INVALID_ARG.
 */
int npe_quire_to_f32(const npe_quire *q, float *out /* out */);

/**
 * Rounds the quire once to format @p f with the rounding of npe_encode().
 * NaR: posits give NaR; fp4, int8 and ternary (which have no NaR) give 0.
 * Overflow: posits give NaR; the others saturate by the sign of the frozen
 * value. Errors: NPE_ERR_INVALID_ARG.
 */
int npe_quire_to_fmt(const npe_quire *q, npe_fmt f, uint32_t *bits /* out */);

/** The quire's value as the nearest double (for reports; not exact in
 *  general). NaR gives NaN. Errors: NPE_ERR_INVALID_ARG. */
int npe_quire_to_double(const npe_quire *q, double *out /* out */);

/** The NPE_QUIRE_* flags of @p q (0 for NULL). */
uint32_t npe_quire_flags(const npe_quire *q);

/**
 * Exact export of the quire's value: @p out gets the 128-bit two's
 * complement fixed-point number, little endian (out[0] is bits 7..0, bit 7
 * of out[15] the sign), with 56 fraction bits (Q71.56: the value is the
 * signed integer times 2^-56). This is the value the hardware PE's quire
 * holds for the same products. The flags are not part of it: with
 * NPE_QUIRE_OVF the value is the one frozen before the overflowing
 * addition, with NPE_QUIRE_NAR the sum of the terms that were not NaR; read
 * them with npe_quire_flags(). Errors: NPE_ERR_INVALID_ARG (NULL).
 */
int npe_quire_export(const npe_quire *q, uint8_t out[16] /* out */);

/**
 * Sets @p q to the value @p in (the layout of npe_quire_export()) and the
 * flags @p flags (NPE_QUIRE_* bits), so export and import round-trip a
 * quire. Errors: NPE_ERR_INVALID_ARG (NULL, a flag bit that is not
 * NPE_QUIRE_NAR or NPE_QUIRE_OVF); @p q unchanged on error.
 */
int npe_quire_import(npe_quire *q, const uint8_t in[16], uint32_t flags);

/* ------------------------------------------------------------------------ */
/* Rounded single operations                                                 */
/* ------------------------------------------------------------------------ */

/*
 * One operation on patterns of one format, rounded once to that format:
 * the exact result is formed in a quire and read out with
 * npe_quire_to_fmt(), so the rounding is npe_encode()'s (posits: nearest on
 * the bit string, never to 0 or NaR by underflow or overflow; fp4, int8,
 * ternary: nearest-even, saturating). NaR in gives NaR out for posits; an
 * exactly zero result is +0 (pattern 0: the quire has no signed zero), a
 * non-zero result that rounds to zero keeps its sign where the format has
 * -0 (fp4). Errors: NPE_ERR_INVALID_ARG (bad @p f, NULL @p out),
 * NPE_ERR_RANGE (an operand is not a pattern of @p f); *@p out is written
 * only on success.
 */

/** *out = round(a * b). */
int npe_mul_rounded(npe_fmt f, uint32_t a, uint32_t b, uint32_t *out /* out */);

/** *out = round(a + b). */
int npe_add_rounded(npe_fmt f, uint32_t a, uint32_t b, uint32_t *out /* out */);

/** *out = round(a * b + c): a fused multiply-add, one rounding (C99 fma). */
int npe_fma_rounded(npe_fmt f, uint32_t a, uint32_t b, uint32_t c, uint32_t *out /* out */);

/* ------------------------------------------------------------------------ */
/* Golden matmul                                                             */
/* ------------------------------------------------------------------------ */

/**
 * The reference C = A x B^T that the engine, the driver, the CLI and the
 * tests are checked against: for i < @p m, j < @p n the dot product of row
 * i of @p a (M x K, @p lda elements between rows) and row j of @p b (N x K,
 * @p ldb elements between rows) is accumulated exactly in a quire
 * (npe_quire_add_dot() over @p k elements) and rounded once to binary32
 * (npe_quire_to_f32(): NaR gives NaN, overflow +-Inf), which is then
 * multiplied by @p scale in binary32 (pass 1 for the rounded sum itself;
 * npe_matmul() applies scale_a * scale_b). c[i * ldc + j] gets the result;
 * nothing else of @p c is touched. Any pair of formats. Freestanding: no
 * allocation.
 * Errors: NPE_ERR_INVALID_ARG (NULL, m, n or k zero, lda or ldb < k, ldc <
 * n, a bad npe_pats), NPE_ERR_RANGE (a bad pattern); nothing is written to
 * @p c on error.
 */
int npe_golden_matmul_f32(npe_pats a, size_t lda, npe_pats b, size_t ldb, uint32_t m,
                          uint32_t n, uint32_t k, float scale, float *c /* out */, size_t ldc);

/**
 * npe_golden_matmul_f32() with every exact dot product rounded once to the
 * format of @p c instead (npe_quire_to_fmt()): element i * ldc + j of @p c
 * gets the pattern. Errors as npe_golden_matmul_f32(), and
 * NPE_ERR_INVALID_ARG for a bad npe_pats_out.
 */
int npe_golden_matmul_fmt(npe_pats a, size_t lda, npe_pats b, size_t ldb, uint32_t m,
                          uint32_t n, uint32_t k, npe_pats_out c /* out */, size_t ldc);

/* ------------------------------------------------------------------------ */
/* Packing                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Packs @p n unpacked patterns of format in.fmt into
 * the dense storage layout the engine loads: elements in ascending order from
 * bit 0 of byte 0 upward (little-endian bit order), so a 4-bit element i is
 * in byte i/2, low nibble first; a 2-bit ternary element i is bits
 * 2(i%4)+1..2(i%4) of byte i/4; 8-bit elements are bytes; posit16 elements
 * are little-endian 16-bit words. A trailing partial byte is zero-padded.
 * Needs npe_packed_size(f, n) bytes.
 * Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE (bad pattern),
 * NPE_ERR_NO_SPACE (@p cap too small; nothing written).
 */
int npe_pack(npe_pats in, size_t n, uint8_t *out, size_t cap);

/** Inverse of npe_pack(): @p out gets n unpacked patterns of out.fmt.
 *  Errors: NPE_ERR_INVALID_ARG, NPE_ERR_NO_SPACE (@p cap bytes of input too
 *  few), NPE_ERR_RANGE (an invalid ternary code); nothing written on error. */
int npe_unpack(const uint8_t *in, size_t cap, size_t n, npe_pats_out out /* out */);

/** Bytes npe_pack() needs for @p n elements of @p f; 0 for a bad format. */
size_t npe_packed_size(npe_fmt f, size_t n);

/**
 * Sherry 1.25-bit ternary packing (arXiv 2601.07892). Weights come in groups
 * of 4 with exactly one zero (3:4 sparsity): 4 zero positions x 8 sign
 * combinations = 32 groups, 5 bits each:
 *   code = neg<<4 | zpos<<2 | s1<<1 | s2
 * zpos is the index (0..3) of the zero; the first non-zero weight is
 * +1 before negation; s1/s2 are 1 when the second/third non-zero weight has
 * the opposite sign of the first; neg negates the whole group. The low 4 bits
 * index a 16-entry group table, as in the paper. Codes are packed densely,
 * code g in bits 5g..5g+4 of the byte stream (little-endian bit order).
 * @p n must be a multiple of 4; needs npe_sherry_size(n) bytes.
 * Errors: NPE_ERR_INVALID_ARG (n % 4 != 0, NULL), NPE_ERR_RANGE (a group
 * without exactly one zero, or a bad ternary code), NPE_ERR_NO_SPACE.
 */
int npe_sherry_pack(const uint8_t *ternary, size_t n, uint8_t *out, size_t cap);

/** Inverse of npe_sherry_pack(). Errors as npe_sherry_pack(). */
int npe_sherry_unpack(const uint8_t *in, size_t cap, size_t n,
                      uint8_t *ternary /* out */);

/** Bytes of Sherry storage for @p n weights: ceil(5 * n / 4 / 8). */
size_t npe_sherry_size(size_t n);

/* ------------------------------------------------------------------------ */
/* Quantisers                                                                */
/* ------------------------------------------------------------------------ */

/**
 * Per-tensor scale for @p f: the absmax of @p x divided by the largest finite
 * value of @p f (so the largest element maps to maxpos / 6 / 127 / 1). For
 * ternary the scale is the mean |x| over the elements above 0.7 * mean|x|
 * (the TWN threshold, Li et al. 2016, arXiv 1605.04711). An all-zero input
 * gives scale 1. Errors: NPE_ERR_INVALID_ARG (NULL, n == 0), NPE_ERR_RANGE
 * (a NaN or Inf element).
 */
int npe_quant_scale(npe_fmt f, const float *x, size_t n, float *scale /* out */);

/**
 * Encodes x[i] / scale to format out.fmt for i < n into the unpacked
 * patterns @p out. For ternary the threshold is half the scale (values with
 * |x| <= scale/2 become 0).
 * Errors: NPE_ERR_INVALID_ARG (NULL, a bad npe_pats_out, scale not finite
 * and > 0), NPE_ERR_RANGE (a NaN input for a format without NaN: fp4, int8,
 * ternary). Nothing is written to @p out on error (every input is checked
 * before the first pattern is stored).
 */
int npe_quantize(const float *x, size_t n, float scale, npe_pats_out out /* out */);

/**
 * Per-channel quantisation of a row-major rows x cols matrix: one scale per
 * row (npe_quant_scale() of that row) written to @p scales[rows], patterns
 * of out.fmt to @p out. Errors as npe_quant_scale() and npe_quantize();
 * nothing is written to @p scales or @p out on error.
 */
int npe_quantize_rows(const float *x, size_t rows, size_t cols, float *scales /* out */,
                      npe_pats_out out /* out */);

/**
 * Sherry quantiser: in every group of 4 weights the smallest magnitude (the
 * first on ties) becomes 0 and the other three +-1 by sign, so every group
 * has exactly one zero; the per-tensor scale is the mean |x| of the kept
 * weights (the least-squares scale for those signs). @p n % 4 == 0.
 * Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE (NaN/Inf input).
 */
int npe_quantize_sherry(const float *x, size_t n, uint8_t *ternary /* out */,
                        float *scale /* out */);

/** Error of an approximation against a float64 reference. */
typedef struct npe_metrics {
  double rmse;    /**< sqrt(mean((approx - ref)^2)) */
  double max_abs; /**< max |approx - ref| */
  double sqnr_db; /**< 10 log10(sum ref^2 / sum (approx - ref)^2); +Inf if exact */
} npe_metrics;

/** Computes npe_metrics over n > 0 pairs. Host only (uses libm).
 *  Errors: NPE_ERR_INVALID_ARG. */
int npe_metrics_compute(const double *ref, const double *approx, size_t n,
                        npe_metrics *out /* out */);

#ifdef __cplusplus
}
#endif

#endif /* NPE_FORMAT_H */
