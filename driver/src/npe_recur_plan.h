/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_recur_plan.h - the RECUR pieces shared by libnpe's npe_rnn()
 * (driver/src/npe_rnn.c) and the SoC's firmware (firmware/npe_fw_recur.c),
 * compiled from this one source for both, as the tiler is: the slices of a
 * state wider than the unit, one RECUR descriptor, one DIAG record.
 * Freestanding: no libc beyond stdint / stddef (docs/RECUR.md).
 */
#ifndef NPE_RECUR_PLAN_H
#define NPE_RECUR_PLAN_H

#include <stdint.h>

/** Slice @p s of @p slices nearly equal slices of @p h elements: the first
 *  h % slices are one wider. Its first element and width. */
void npe_recur_slice(uint32_t h, uint32_t slices, uint32_t s, uint32_t *i0, uint32_t *hs);

/** The slices of @p h elements for a unit of @p state_words: ceil(h /
 *  state_words) (0 when state_words is 0). */
uint32_t npe_recur_slices(uint32_t h, uint32_t state_words);

/** One RECUR descriptor (the rest zero): N = @p n elements, T = @p t steps,
 *  records at @p addr_rec, h_0 at @p addr_h0 (read with INIT = LOAD; pass 0
 *  otherwise), outputs at @p addr_out, AUX = @p aux_mode (MODE, and for
 *  GRU / LSTM HSHIFT and ACC_SHIFT) | INIT | OUT_LAST. */
void npe_recur_desc(uint8_t desc[64], uint32_t n, uint32_t t, uint64_t addr_rec,
                    uint64_t addr_h0, uint64_t addr_out, uint32_t aux_mode, uint32_t init,
                    int out_last);

/** A DIAG record as the unit reads it: {b: bits 31:0, a: bits 63:32},
 *  little-endian. */
void npe_recur_diag_record(uint8_t rec[8], int32_t a, int32_t b);

#endif /* NPE_RECUR_PLAN_H */
