/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_nlu.h - golden model of the NPE nonlinear unit (NLU): a ramp ADC whose
 * ramp is pre-distorted so that the comparator's flip count is f(x).
 *
 * After Yang, Mao et al., "Efficient Nonlinear Function Approximation in
 * Analog Resistive Crossbars for Recurrent Neural Networks", arXiv 2411.18271
 * (Nature Communications 2025): an extra column of memristors produces a ramp
 * whose step j sits at t_j = f^-1(boundary j), so counting the ramp steps
 * before the comparator flips gives the nearest output level of f(x).
 *
 * Definitions (docs/NLU.md has the long form):
 *
 *  - Input: a signed NPE_NLU_IN_BITS-bit (16-bit) two's complement code x
 *    with F = in_frac_bits fraction bits (default 8: Q8.8), value x * 2^-F.
 *    npe_nlu_from_quire() / npe_nlu_from_double() produce it with
 *    round-to-nearest-even and saturation to [-32768, 32767].
 *  - Table: 2^B - 1 thresholds t_1..t_{2^B-1}, non-decreasing, each in
 *    [NPE_NLU_T_MIN, NPE_NLU_T_MAX] (17-bit signed). Ramp step j (j = 1 ..
 *    2^B-1, one clock each) compares the input against t_j; the comparator
 *    flips at the first step with x < t_j. The output code is the number of
 *    steps before the flip: code = (first j with x < t_j) - 1, or 2^B - 1 if
 *    x >= every t_j. Ties go up: x == t_j passes step j. For a
 *    non-decreasing table this equals #{j : x >= t_j}. One conversion takes
 *    2^B clock cycles (one sample cycle + 2^B - 1 ramp steps), all columns
 *    in parallel.
 *  - Output: code k in [0, 2^B - 1] stands for out_lo + k * (out_hi - out_lo)
 *    / (2^B - 1).
 *  - Generated tables: for a non-decreasing f on the clamping range
 *    [in_lo, in_hi], t_j is the smallest input code x in the range with
 *    f(x) >= out_lo + (j - 1/2) * step, so the staircase is
 *    code(x) = Q(f(clamp(x, in_lo, in_hi))), Q = nearest level, ties up,
 *    limited to [0, 2^B - 1]. Thresholds below the range become
 *    NPE_NLU_T_MIN (always passed), above it NPE_NLU_T_MAX (never passed).
 *  - Non-monotone functions (SiLU, GELU): two segments split at the input
 *    code m where f is smallest. For x >= m the ascending table A is used on
 *    x; for x < m f is decreasing, so the NLU negates the input (u = -x,
 *    exact in 17 bits) and uses a second ascending table B on u. Each
 *    segment is an ordinary staircase; in the analog unit it is a second
 *    ramp column. See npe_nlu_table.
 *
 * Freestanding apart from libm: table generation evaluates f and its inverse
 * with libm; the staircase (npe_nlu_eval, npe_nlu_table_eval), the checks
 * and the quire conversion are integer-only and use no libm, no allocation
 * and no stdio.
 *
 * Thread safety: every function is reentrant; there is no global state.
 * Errors are the npe_status codes of npe_format.h; outputs are written only
 * when a function returns NPE_OK.
 */
#ifndef NPE_NLU_H
#define NPE_NLU_H

#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NPE_NLU_IN_BITS 16          /**< input code width (signed) */
#define NPE_NLU_IN_MIN (-32768)     /**< smallest input code */
#define NPE_NLU_IN_MAX 32767        /**< largest input code */
#define NPE_NLU_MAX_FRAC_BITS 14    /**< largest in_frac_bits */
#define NPE_NLU_MIN_BITS 1          /**< smallest B */
#define NPE_NLU_MAX_BITS 8          /**< largest B (RTL MaxBits default) */
#define NPE_NLU_MAX_STEPS 255       /**< 2^NPE_NLU_MAX_BITS - 1 thresholds */
#define NPE_NLU_T_BITS 17           /**< threshold width (signed) */
#define NPE_NLU_T_MIN (-65536)      /**< smallest threshold: always passed */
#define NPE_NLU_T_MAX 65535         /**< largest threshold: never passed */

/** Built-in functions. Codes are stable (CLI, docs, tests). */
typedef enum npe_nlu_func {
  NPE_NLU_SIGMOID = 0,     /**< 1 / (1 + e^-x) */
  NPE_NLU_TANH = 1,        /**< tanh x */
  NPE_NLU_EXP = 2,         /**< e^x on a bounded range (default [-8, 0]) */
  NPE_NLU_SOFTPLUS = 3,    /**< ln(1 + e^x) */
  NPE_NLU_HARDSIGMOID = 4, /**< min(max(x/6 + 1/2, 0), 1) (PyTorch) */
  NPE_NLU_LINEAR = 5,      /**< x: a plain uniform ramp ADC */
  NPE_NLU_SILU = 6,        /**< x * sigmoid(x): non-monotone, two segments */
  NPE_NLU_GELU = 7,        /**< x * Phi(x) (erf form): non-monotone, two segments */
  NPE_NLU_FUNC_COUNT = 8   /**< number of functions; not a function */
} npe_nlu_func;

/** Lower-case name of @p f ("sigmoid", "tanh", "exp", "softplus",
 *  "hardsigmoid", "linear", "silu", "gelu"), or NULL if not a function. */
const char *npe_nlu_func_name(npe_nlu_func f);

/** Looks a function up by name. Errors: NPE_ERR_INVALID_ARG (NULL or
 *  unknown name). */
int npe_nlu_func_from_name(const char *name, npe_nlu_func *out /* out */);

/** 1 if @p f is non-decreasing everywhere (one segment), 0 if it needs two
 *  segments, -1 if @p f is not a function. */
int npe_nlu_func_monotone(npe_nlu_func f);

/** The real function f(x) (libm), for reports and tests. NaN for a bad @p f. */
double npe_nlu_func_value(npe_nlu_func f, double x);

/** What a table approximates. */
typedef struct npe_nlu_spec {
  npe_nlu_func func;     /**< the function */
  unsigned bits;         /**< B: output code bits, NPE_NLU_MIN_BITS..NPE_NLU_MAX_BITS */
  unsigned in_frac_bits; /**< F: input fraction bits, 0..NPE_NLU_MAX_FRAC_BITS */
  double in_lo;          /**< clamping range of the input (real value): */
  double in_hi;          /**<   inputs outside give f(in_lo) / f(in_hi) */
  double out_lo;         /**< value of code 0 */
  double out_hi;         /**< value of code 2^B - 1 (> out_lo) */
} npe_nlu_spec;

/**
 * The default spec of @p f at @p bits with F = 8 (Q8.8):
 *   sigmoid     in [-8, 8]  out [0, 1]
 *   tanh        in [-4, 4]  out [-1, 1]
 *   exp         in [-8, 0]  out [0, 1]
 *   softplus    in [-8, 8]  out [0, 8]
 *   hardsigmoid in [-4, 4]  out [0, 1]
 *   linear      in [-8, 8]  out [-8, 8]
 *   silu        in [-8, 8]  out [silu(-1.278...), 8] (its minimum to f(8))
 *   gelu        in [-4, 4]  out [gelu(-0.7517...), 4]
 * Errors: NPE_ERR_INVALID_ARG (bad @p f or NULL), NPE_ERR_RANGE (@p bits
 * outside 1..8).
 */
int npe_nlu_spec_default(npe_nlu_func f, unsigned bits, npe_nlu_spec *out /* out */);

/**
 * A threshold table with one or two segments (see the file comment).
 * seg_t[0] is table A (inputs x >= split, or every input when nseg == 1),
 * seg_t[1] table B (inputs x < split, compared as u = -x). Entries beyond
 * 2^bits - 1 are zero.
 */
typedef struct npe_nlu_table {
  unsigned bits;                         /**< B */
  unsigned nseg;                         /**< 1 or 2 */
  int32_t split;                         /**< input code m (two segments only; else 0) */
  int32_t seg_t[2][NPE_NLU_MAX_STEPS];   /**< seg_t[s][j - 1] = t_j of segment s */
} npe_nlu_table;

/**
 * Generates the table of @p spec (libm). Errors: NPE_ERR_INVALID_ARG (NULL,
 * bad function), NPE_ERR_RANGE (bits, in_frac_bits out of range; in_lo,
 * in_hi, out_lo, out_hi not finite; the clamping range, in codes
 * ceil(in_lo*2^F) .. floor(in_hi*2^F), empty, a single code, or outside the
 * input codes; out_lo >= out_hi).
 */
int npe_nlu_table_gen(const npe_nlu_spec *spec, npe_nlu_table *out /* out */);

/**
 * The brief's flat form: thresholds of a one-segment @p spec written to
 * @p thresholds[0 .. 2^B - 2] (t_1 first), @p cap entries available; *@p n
 * gets 2^B - 1. Errors: as npe_nlu_table_gen(), NPE_ERR_UNSUPPORTED (a
 * two-segment function: use npe_nlu_table_gen()), NPE_ERR_NO_SPACE (@p cap
 * too small; nothing written).
 */
int npe_nlu_thresholds(const npe_nlu_spec *spec, int32_t *thresholds /* out */,
                       size_t cap, size_t *n /* out */);

/**
 * Checks a flat table for the NLU: exactly 2^bits - 1 entries, each within
 * [NPE_NLU_T_MIN, NPE_NLU_T_MAX], non-decreasing. On failure the index of
 * the first bad entry (or @p n for a wrong length) goes to *@p bad_index if
 * it is not NULL (the only output written on failure). Errors:
 * NPE_ERR_INVALID_ARG (NULL table with n > 0, bits outside 1..8, wrong
 * length), NPE_ERR_RANGE (an entry out of range, or t_{j+1} < t_j).
 * Integer-only.
 */
int npe_nlu_check_table(const int32_t *t, size_t n, unsigned bits,
                        size_t *bad_index /* out, may be NULL */);

/** npe_nlu_check_table() on every segment of @p tab, plus nseg in {1, 2}
 *  and (two segments) split within the input codes. Errors as there. */
int npe_nlu_table_check(const npe_nlu_table *tab);

/**
 * The golden staircase, exactly what one RTL column computes for one
 * segment: code = (first j with x < t[j-1]) - 1, or 2^bits - 1.
 * @p x may be any value in [-65536, 65535] (a negated input code included).
 * Integer-only; does not check the table (use npe_nlu_check_table()).
 * Errors: NPE_ERR_INVALID_ARG (NULL, bits outside 1..8), NPE_ERR_RANGE
 * (@p x outside 17 bits).
 */
int npe_nlu_eval(const int32_t *t, unsigned bits, int32_t x, unsigned *code /* out */);

/**
 * The golden NLU on a table: one segment: npe_nlu_eval(seg_t[0], x); two
 * segments: x >= split ? eval(seg_t[0], x) : eval(seg_t[1], -x).
 * Integer-only. Errors: NPE_ERR_INVALID_ARG (NULL, bad nseg/bits),
 * NPE_ERR_RANGE (@p x outside the 16-bit input codes).
 */
int npe_nlu_table_eval(const npe_nlu_table *tab, int32_t x, unsigned *code /* out */);

/** Value of output code @p code under @p spec: out_lo + code * (out_hi -
 *  out_lo) / (2^B - 1). Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE (code
 *  >= 2^B). */
int npe_nlu_code_value(const npe_nlu_spec *spec, unsigned code, double *y /* out */);

/**
 * The NLU input conversion from the exact accumulator: the quire value
 * (Q71.56) rounded once, to nearest with ties to even, to a multiple of
 * 2^-F and saturated to [-32768, 32767]. An overflowed quire converts its
 * frozen value. Integer-only (the RTL npe_nlu_quant does the same).
 * Errors: NPE_ERR_INVALID_ARG (NULL, F > 14), NPE_ERR_RANGE (NaR).
 */
int npe_nlu_from_quire(const npe_quire *q, unsigned in_frac_bits, int32_t *x /* out */);

/** The same conversion from a double (binary32 values are exact in it):
 *  RNE(v * 2^F) saturated; +-Inf saturate. Errors: NPE_ERR_INVALID_ARG
 *  (NULL, F > 14), NPE_ERR_RANGE (NaN). */
int npe_nlu_from_double(double v, unsigned in_frac_bits, int32_t *x /* out */);

#ifdef __cplusplus
}
#endif

#endif /* NPE_NLU_H */
