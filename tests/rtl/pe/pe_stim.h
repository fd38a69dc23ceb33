/* SPDX-License-Identifier: Apache-2.0 */
/*
 * pe_stim.h - stimulus and expected results for the npe_pe testbenches.
 *
 * A pe_stim is a list of clock cycles (what npe_pe's inputs hold in each
 * cycle) and, in order, the results npe_pe must produce. Every expected
 * result comes from the golden library (npe_quire_add_product, npe_quire_to_f32,
 * npe_quire_to_fmt) run on a shadow quire as the words are appended; nothing
 * here models the arithmetic itself. Used by the Verilator harness directly
 * and by gen_pe_vectors (hex files for the Icarus testbench).
 */
#ifndef PE_STIM_H
#define PE_STIM_H

#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"

#ifdef __cplusplus
extern "C" {
#endif

/** One cycle of npe_pe inputs. */
typedef struct pe_cycle {
  uint16_t a, b;
  uint8_t valid, clear, last, read, fmt, rd_fmt;
} pe_cycle;

/** One expected result. */
typedef struct pe_result {
  uint32_t f32;
  uint16_t bits;   /**< res_fmt_o */
  uint8_t flags;   /**< res_flags_o: bit 0 NaR, bit 1 OVF */
  uint8_t rd_fmt;
  uint32_t words;  /**< words in the dot product so far (for reports) */
  uint64_t q_hi, q_lo; /**< golden quire (for reports) */
} pe_result;

typedef struct pe_stim {
  pe_cycle *cyc;
  size_t ncyc, cap_cyc;
  pe_result *res;
  size_t nres, cap_res;
  npe_quire q;        /**< golden shadow of the PE's quire */
  uint32_t words;     /**< words since the last clear */
  uint64_t rng;       /**< xorshift64* state */
  unsigned fmt_mask;  /**< formats the PE under test was built with */
  int bad;            /**< a golden call failed (a testbench bug) */
  /* expected activity counters (npe_pe_cnt), summed over all cycles */
  uint64_t macs[NPE_FMT_COUNT], gated[NPE_FMT_COUNT], idle;
  unsigned num_lanes; /**< physical lanes of the PE build (4, 2 or 1) */
} pe_stim;

/** Initialises @p s (seed, mask of built formats). */
void pe_stim_init(pe_stim *s, uint64_t seed, unsigned fmt_mask);
/** Frees the lists (not the counters / golden state). */
void pe_stim_free(pe_stim *s);
/** Empties the cycle and result lists, keeping golden state and counters. */
void pe_stim_reset_lists(pe_stim *s);

/** Lanes (MACs per word) of format @p f. */
unsigned pe_lanes(npe_fmt f);

/** Appends one word (element i of lane i in @p a / @p b, as the PE packs
 *  them); @p clear starts a new dot product first, @p last reads out after. */
void pe_word(pe_stim *s, npe_fmt f, uint16_t a, uint16_t b, int clear,
             int last, npe_fmt rd_fmt);
/** Appends a cycle with no word: a read request and/or a clear. */
void pe_ctrl(pe_stim *s, int clear, int read, npe_fmt rd_fmt);
/** Appends @p n idle cycles. */
void pe_idle(pe_stim *s, unsigned n);

/** Random pattern of format @p f, special values now and then; NaR only if
 *  @p nar_ok. */
uint32_t pe_rand_elem(pe_stim *s, npe_fmt f, int nar_ok);
uint64_t pe_rand(pe_stim *s);

/* Test suites: each appends cycles and results. @p scale sizes the random
 * ones (1 = full Verilator run). */
void suite_exhaustive_small(pe_stim *s, npe_fmt f);   /* fp4, posit4 */
void suite_exhaustive_byte(pe_stim *s, npe_fmt f);    /* posit8, int8 */
void suite_exhaustive_ternary(pe_stim *s);
void suite_random_words(pe_stim *s, npe_fmt f, size_t n);
void suite_dots(pe_stim *s, size_t n, unsigned maxlen);
void suite_overflow(pe_stim *s);
void suite_edges(pe_stim *s);
void suite_invalid_ternary(pe_stim *s);

#ifdef __cplusplus
}
#endif

#endif /* PE_STIM_H */
