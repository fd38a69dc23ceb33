/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_gla.h - Gated Linear Attention (Yang et al., arXiv 2312.06635) in the
 * chunkwise form the engine runs (docs/RECUR.md, "GLA"):
 *
 *   S_t = diag(alpha_t) S_{t-1} + k_t^T v_t,   o_t = q_t S_t
 *
 * with q_t, k_t, alpha_t in R^dk, v_t in R^dv, the state S a dk x dv matrix
 * (S_0 = 0), and the decay given as log alpha_t <= 0 ("log space"). The
 * sequence is cut into chunks of C steps. Inside chunk c, with b_i the
 * cumulative log decay up to step i of the chunk (b_i <= 0, falling) and
 * B = b_{L-1} its total:
 *
 *   Q~_i = q_i . exp(b_i)                    (exponent <= 0)
 *   K~_j = k_j . exp(B - b_j)                (exponent <= 0)
 *   P_ij = sum_k q_ik k_jk exp(b_ik - b_jk)  for j <= i, else 0 (exponent <= 0)
 *   U_c  = K~^T V                            (MAC array: dk x L x dv)
 *   S_c  = diag(exp(B)) S_{c-1} + U_c        (RECUR DIAG, the state on chip)
 *   O    = Q~ S_{c-1} + P V                  (MAC array: L x dk x dv, L x L x dv)
 *
 * Every exponent is <= 0, so no factor exceeds 1 (the reason for the form).
 * The products run on the MAC array in one format; the state is int32 fixed
 * point carried by the DIAG recurrence across chunks. The elementwise parts
 * (the cumulative decays, exp, Q~, K~, P, the quantisation) are defined here
 * and run on the host, in the driver as in this model.
 *
 * The arithmetic, exactly (docs/RECUR.md has the same in prose):
 *  - log decay: g = npe_recur_fix_from_double(log_alpha, 16) (Q15.16, RNE,
 *    saturated); g > 0 is refused. b_i = sat32(sum_{s <= i} g_s) (int64 sum).
 *  - npe_gla_decay(x) = RNE(2^30 exp(x / 2^16)) for x <= 0 (Q2.30, libm exp;
 *    exact 2^30 at 0): the gate of the DIAG step, exp(B) for S.
 *  - Q~_ik = (float)(q_ik * decay(b_ik) 2^-30) (the product in double, then
 *    rounded to binary32); K~_jk the same with decay(B_k - b_jk).
 *  - P_ij = (float)(sum over k ascending, in double, of (q_ik k_jk) *
 *    (decay(b_ik - b_jk) 2^-30)), j <= i; 0 above the diagonal.
 *  - Each operand of a product (Q~, K~^T, V^T, P, S_{c-1}^T, one chunk's
 *    worth) is quantised with its own scale: npe_quant_scale() then
 *    npe_quantize() in the sequence's format.
 *  - A product is npe_golden_matmul_f32() of the patterns with scale
 *    (float)(scale_a * scale_b): exactly what npe_matmul() returns.
 *  - U_c enters the DIAG recurrence as npe_recur_fix_from_double(U, F) with
 *    F = npe_gla_state_frac(); S_c = npe_recur_diag_seq() over the chunks,
 *    element (k, v) at k dv + v, gate decay(B_k) for every v.
 *  - o_t = O1 + O2 in binary32, O1 = Q~ x S_{c-1} (zero for the first chunk),
 *    O2 = P x V; the final state S_T is returned as S / 2^F in binary32.
 *
 * Host only: allocates and uses libm. Errors are npe_status codes; outputs
 * are written only on NPE_OK.
 */
#ifndef NPE_GLA_H
#define NPE_GLA_H

#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/** Largest chunk length C. */
#define NPE_GLA_MAX_CHUNK 256u
/** Largest dk and dv. */
#define NPE_GLA_MAX_DIM 1024u

/** One GLA head over a sequence. */
typedef struct npe_gla_seq {
  npe_fmt fmt;             /**< the products' format: FP4, POSIT4, POSIT8, POSIT16 or INT8 */
  uint32_t steps;          /**< T >= 1 */
  uint32_t dk, dv;         /**< 1 .. NPE_GLA_MAX_DIM each */
  uint32_t chunk;          /**< C, 1 .. NPE_GLA_MAX_CHUNK */
  const float *q, *k;      /**< T x dk, row t = q_t, k_t */
  const float *v;          /**< T x dv */
  const float *log_alpha;  /**< T x dk, log alpha_t <= 0 (natural log) */
} npe_gla_seq;

/**
 * What runs the products and the recurrence: the golden model's own
 * (npe_gla_golden()) or the engine's (libnpe's npe_gla()).
 *  - matmul: c[i n + j] = sum_k a[i k] b[j k] (patterns of a.fmt = b.fmt,
 *    row-major, no stride) exactly, rounded once to binary32, times
 *    (float)(scale_a * scale_b): npe_golden_matmul_f32()'s contract.
 *  - diag: npe_recur_diag_seq() from h_0 = 0 over @p steps x @p h records,
 *    writing every state (steps x h) to @p out.
 * Each returns an npe_status; the first error stops the run and is returned.
 */
typedef struct npe_gla_ops {
  void *ctx;
  int (*matmul)(void *ctx, npe_pats a, float scale_a, npe_pats b, float scale_b, uint32_t m,
                uint32_t n, uint32_t k, float *c);
  int (*diag)(void *ctx, uint32_t steps, uint32_t h, const int32_t *a, const int32_t *b,
              int32_t *out);
} npe_gla_ops;

/** RNE(2^30 exp(x / 2^16)) for x <= 0 (Q15.16 in, Q2.30 out); 2^30 for x >= 0. */
int32_t npe_gla_decay(int32_t x);

/**
 * F, the fraction bits of the state: 29 - ceil(log2(bound)) clamped to
 * 0 .. 24, where bound = sum_t max_k |k_t| * max_v |v_t| bounds every
 * |S| (the decays are <= 1), so S never saturates in int32 with a
 * factor-of-two margin for the quantisation of K~ and V. Errors:
 * NPE_ERR_INVALID_ARG (a bad sequence, as npe_gla_run()), NPE_ERR_RANGE.
 */
int npe_gla_state_frac(const npe_gla_seq *s, unsigned *frac /* out */);

/**
 * Runs @p s through @p ops as defined at the top of this file: @p o gets
 * T x dv outputs, @p s_last (or NULL) the dk x dv final state. The
 * products of all chunks' U run first, then one DIAG sequence over the
 * chunks, then the outputs (so an engine runs each kind back to back).
 * Errors: NPE_ERR_INVALID_ARG (NULL @p s, @p ops or @p o, NULL inputs, a
 * format other than those above, a size out of range), NPE_ERR_RANGE (a NaN
 * or infinite input, a log decay that rounds above 0), NPE_ERR_NO_MEM,
 * and whatever an op returns.
 */
int npe_gla_run(const npe_gla_seq *s, const npe_gla_ops *ops, float *o, float *s_last);

/** npe_gla_run() with the golden model's matmul and DIAG: the definition. */
int npe_gla_golden(const npe_gla_seq *s, float *o, float *s_last);

/**
 * The float64 reference: the recurrent form itself (S_t = diag(exp(log
 * alpha_t)) S_{t-1} + k_t^T v_t, o_t = q_t S_t) on doubles, no chunks, no
 * rounding; what the chunkwise engine run is measured against. @p o gets
 * T x dv, @p s_last (or NULL) dk x dv. Errors: as npe_gla_run() (the
 * format is not read).
 */
int npe_gla_ref(const npe_gla_seq *s, double *o, double *s_last);

#ifdef __cplusplus
}
#endif

#endif /* NPE_GLA_H */
