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
 * Thread safety: every function is reentrant; there is no global mutable
 * state. Objects passed in (a quire, a buffer) must not be shared between
 * threads during a call.
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
 * q += a * b, exactly, where @p a is a pattern of @p fa and @p b of @p fb
 * (any pair of formats). A NaR operand sets NPE_QUIRE_NAR and its product
 * adds 0 to the value (later terms still accumulate; NaR wins at readout).
 * Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE (bad pattern); @p q unchanged.
 */
int npe_quire_fma(npe_quire *q, npe_fmt fa, uint32_t a, npe_fmt fb, uint32_t b);

/**
 * q += sum_{i<n} a[i] * b[i], exactly, with the same result as n calls of
 * npe_quire_fma() in order. Elements are unpacked patterns, one per uint8_t
 * for formats of 8 bits or fewer and one per uint16_t for posit16.
 * This is the fast path (table-driven decode, integer accumulation).
 * Errors: NPE_ERR_INVALID_ARG (NULL with n > 0, bad format), NPE_ERR_RANGE
 * (a bad pattern anywhere); @p q unchanged on error.
 */
int npe_dot(npe_quire *q, npe_fmt fa, const void *a, npe_fmt fb, const void *b,
            size_t n);

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

/* ------------------------------------------------------------------------ */
/* Packing                                                                   */
/* ------------------------------------------------------------------------ */

/**
 * Packs @p n unpacked patterns of format @p f (as npe_dot() takes them) into
 * the dense storage layout the engine loads: elements in ascending order from
 * bit 0 of byte 0 upward (little-endian bit order), so a 4-bit element i is
 * in byte i/2, low nibble first; a 2-bit ternary element i is bits
 * 2(i%4)+1..2(i%4) of byte i/4; 8-bit elements are bytes; posit16 elements
 * are little-endian 16-bit words. A trailing partial byte is zero-padded.
 * Needs npe_packed_size(f, n) bytes.
 * Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE (bad pattern),
 * NPE_ERR_NO_SPACE (@p cap too small; nothing written).
 */
int npe_pack(npe_fmt f, const void *in, size_t n, uint8_t *out, size_t cap);

/** Inverse of npe_pack(): @p out gets n unpacked patterns. Errors:
 *  NPE_ERR_INVALID_ARG, NPE_ERR_NO_SPACE (@p cap bytes of input too few),
 *  NPE_ERR_RANGE (an invalid ternary code). */
int npe_unpack(npe_fmt f, const uint8_t *in, size_t cap, size_t n, void *out);

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
 * Encodes x[i] / scale to format @p f for i < n into unpacked patterns @p out
 * (uint8_t per element, uint16_t for posit16). For ternary the threshold is
 * half the scale (values with |x| <= scale/2 become 0).
 * Errors: NPE_ERR_INVALID_ARG (NULL, scale not finite and > 0), NPE_ERR_RANGE
 * (NaN input); @p out may be partly written on NPE_ERR_RANGE.
 */
int npe_quantize(npe_fmt f, const float *x, size_t n, float scale, void *out);

/**
 * Per-channel quantisation of a row-major rows x cols matrix: one scale per
 * row (npe_quant_scale() of that row) written to @p scales[rows], patterns
 * to @p out. Errors as npe_quant_scale() and npe_quantize().
 */
int npe_quantize_rows(npe_fmt f, const float *x, size_t rows, size_t cols,
                      float *scales /* out */, void *out /* out */);

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
