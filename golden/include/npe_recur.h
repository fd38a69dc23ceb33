/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_recur.h - golden model of the NPE recurrence unit (RECUR opcode),
 * DIAG mode: the diagonal gated linear recurrence h_t = a_t * h_{t-1} + b_t
 * on int32, elementwise over a state of H elements (docs/RECUR.md).
 *
 * Definitions, exactly as the engine computes them:
 *
 *  - The gate a is an int32 in Q2.30: value a / 2^30, range [-2, 2)
 *    (NPE_RECUR_GATE_ONE = 2^30 is exactly 1.0, INT32_MIN exactly -2.0).
 *  - b and h are int32 in one fixed-point format the caller picks (F fraction
 *    bits, value x / 2^F); a * h keeps h's format because a has 30 fraction
 *    bits.
 *  - One step: p = (int64)a * (int64)h (exact), q = RNE(p / 2^30): q = p >> 30
 *    (floor), rem = p & (2^30 - 1), q += 1 if rem > 2^29 or (rem == 2^29 and
 *    q odd); s = q + b (exact in int64); h' = s clamped to [INT32_MIN,
 *    INT32_MAX].
 *  - A sequence of T steps over H elements reads T x H pairs (a, b), element
 *    (t, i) at index t * H + i, and writes every h_t (T x H, same indexing)
 *    and/or the final state.
 *
 * The float64 reference (npe_recur_diag_ref) runs the same recurrence on
 * doubles without rounding or saturation: the ideal the integer unit is
 * measured against.
 *
 * Freestanding C11: no libm, no allocation, no stdio; every function is
 * reentrant and there is no global state. Errors are the npe_status codes of
 * npe_format.h; outputs are written only when a function returns NPE_OK.
 */
#ifndef NPE_RECUR_H
#define NPE_RECUR_H

#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Fraction bits of the DIAG gate a (Q2.30); the register map's
 *  NPE_RECUR_GATE_FRAC_BITS (npe_regs.h), which libnpe checks is equal. */
#define NPE_RECUR_GATE_FRAC 30u
/** The gate value 1.0 (2^30). */
#define NPE_RECUR_GATE_ONE ((int32_t)1 << 30)
/** Largest fraction-bit count npe_recur_fix_from_double() takes for b and h. */
#define NPE_RECUR_MAX_FRAC_BITS 31u

/**
 * One DIAG step of one element: sat32(RNE(a * h / 2^30) + b), with @p a in
 * Q2.30 and @p b, @p h in a common fixed point. Total: defined for every
 * input.
 */
int32_t npe_recur_diag_step(int32_t a, int32_t b, int32_t h);

/**
 * T DIAG steps over H elements: for t = 0 .. T-1 and i = 0 .. H-1,
 * state[i] = npe_recur_diag_step(a[t*H + i], b[t*H + i], state[i]), and
 * out[t*H + i] = state[i] when @p out is not NULL.
 * @p state: in, h_0 (H int32); out, h_T.
 * @p out: NULL, or T x H int32 (may not overlap @p state, @p a or @p b).
 * Errors: NPE_ERR_INVALID_ARG (NULL a, b or state; T or H zero; T x H
 * beyond SIZE_MAX). Nothing is written on error.
 */
int npe_recur_diag_seq(uint32_t t, uint32_t h, const int32_t *a, const int32_t *b,
                       int32_t *state, int32_t *out);

/**
 * The float64 reference of npe_recur_diag_seq(): state[i] = a * state[i] +
 * b in double (no rounding to the fixed point, no saturation), @p out as
 * there. Errors: NPE_ERR_INVALID_ARG (as npe_recur_diag_seq()).
 */
int npe_recur_diag_ref(uint32_t t, uint32_t h, const double *a, const double *b,
                       double *state, double *out);

/**
 * Converts a real number to Q2.30: RNE(x * 2^30) saturated to [INT32_MIN,
 * INT32_MAX], so 1.0 -> 2^30 exactly, 2.0 and above -> INT32_MAX (2 - 2^-30),
 * below -2 -> INT32_MIN (-2.0). Errors: NPE_ERR_INVALID_ARG (NULL @p q),
 * NPE_ERR_RANGE (NaN).
 */
int npe_recur_gate_from_double(double x, int32_t *q /* out */);

/**
 * Converts a real number to the fixed point with @p frac_bits fraction bits
 * (Q(31-F).F, F = @p frac_bits): RNE(x * 2^F) saturated to [INT32_MIN,
 * INT32_MAX]. Errors: NPE_ERR_INVALID_ARG (NULL @p q, @p frac_bits >
 * NPE_RECUR_MAX_FRAC_BITS), NPE_ERR_RANGE (NaN).
 */
int npe_recur_fix_from_double(double x, unsigned frac_bits, int32_t *q /* out */);

/** The value q / 2^frac_bits of a fixed-point number (exact in double);
 *  @p frac_bits above NPE_RECUR_MAX_FRAC_BITS is taken as that. The value of
 *  a gate is npe_recur_fix_to_double(a, NPE_RECUR_GATE_FRAC). */
double npe_recur_fix_to_double(int32_t q, unsigned frac_bits);

#ifdef __cplusplus
}
#endif

#endif /* NPE_RECUR_H */
