/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_xbar.h - behavioural and cycle model of the NPE analog crossbar tile:
 * y = f(W x) in one analog step, with the ramp-ADC nonlinear unit of
 * arXiv 2411.18271 (Yang, Mao et al., Nature Communications 2025) reading
 * the columns, and a seeded model of how analog devices err.
 *
 * The tile: rows word lines driven by a signed input DAC, cols outputs, each
 * a differential pair of bit lines; weight w in [-(G-1), G-1] is stored as
 * the conductance pair (g_min + w+ * step, g_min + w- * step), w+ - w- = w.
 * The column current, in units of one level step times one DAC LSB, is the
 * accumulator acc = sum_i w_i x_i. The NLU sees it on its input scale as
 * sat16(RNE(acc / 2^acc_shift)); the ramp thresholds t_j of an npe_nlu
 * table, carried back to acc units, are stored as conductances of an extra
 * column (one increment per ramp step plus 5 bias devices, paper Fig. 3a),
 * so they err like every other device.
 *
 * Non-idealities (all zero gives exactly the digital result, see
 * npe_xbar_cfg_ideal): programming error, read noise, comparator offset,
 * stuck-at faults, finite levels (G, DAC bits, B). Defaults and their
 * sources: npe_xbar_cfg_default() and docs/NLU.md.
 *
 * Determinism: a tile owns its random generator, seeded from cfg.seed; the
 * same seed and the same sequence of calls give the same results. There is
 * no global state; a tile must not be used by two threads at once.
 * Host only: uses malloc and libm.
 *
 * Energies: every figure comes from the energy table (npe_energy_table()
 * in npe_energy.h, models/energy), the one copy with the sources; a program
 * linking this model links that object too (libnpemodels.a and libnpe.a
 * carry both).
 */
#ifndef NPE_XBAR_H
#define NPE_XBAR_H

#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"
#include "npe_nlu.h"

#ifdef __cplusplus
extern "C" {
#endif

#define NPE_XBAR_MAX_DIM 1024   /**< largest rows / cols */
#define NPE_XBAR_BIAS_DEVICES 5 /**< ramp bias-calibration devices (paper Fig. 3a) */

/** Tile configuration. Every field has a default (npe_xbar_cfg_default). */
typedef struct npe_xbar_cfg {
  unsigned rows;             /**< inputs (word lines), 1..1024 */
  unsigned cols;             /**< outputs (differential column pairs), 1..1024 */
  unsigned g_levels;         /**< G: programmable levels per device, 2..256 */
  double g_min_us;           /**< off-state conductance, uS, >= 0 */
  double g_max_us;           /**< largest conductance, uS, > g_min_us */
  unsigned dac_bits;         /**< input DAC bits incl. sign, 2..16: x in +-(2^(d-1) - 1) */
  double v_read;             /**< read voltage at full-scale input, V, > 0 */
  double prog_sigma;         /**< programming error sigma, fraction of the device range, frozen */
  double read_sigma;         /**< read noise sigma, fraction of the device's conductance, per read */
  double comp_offset_sigma;  /**< comparator offset sigma, fraction of column full scale, frozen */
  double stuck_off_rate;     /**< probability a device is stuck at g_min */
  double stuck_on_rate;      /**< probability a device is stuck at g_max */
  unsigned acc_shift;        /**< NLU input = sat16(RNE(acc / 2^acc_shift)), 0..40 */
  unsigned prog_pulses;      /**< write-verify iterations per device (average), >= 1 */
  unsigned prog_pulse_cycles;/**< clock cycles per write-verify iteration, >= 1 */
  double t_clk_ns;           /**< clock period, ns (ramp step time), > 0 */
  unsigned mac_per_cycle;    /**< digital path: MACs per cycle of the MAC array, >= 1 */
  unsigned nlu_cols;         /**< digital path: NLU columns (npe_nlu NumCols), >= 1 */
  int exact;                 /**< 1: the exact digital equivalent (FPGA build) */
  uint64_t seed;             /**< random seed (any value) */
} npe_xbar_cfg;

/** Fills @p cfg with the defaults for a rows x cols tile (docs/NLU.md cites
 *  each). Errors: NPE_ERR_INVALID_ARG (NULL), NPE_ERR_RANGE (dims). */
int npe_xbar_cfg_default(npe_xbar_cfg *cfg /* out */, unsigned rows, unsigned cols);

/** Sets every non-ideality of @p cfg to zero (sigmas, offsets, fault
 *  rates); the analog path then equals the digital one exactly. NULL is
 *  ignored. */
void npe_xbar_cfg_ideal(npe_xbar_cfg *cfg);

/** Checks every field of @p cfg. Errors: NPE_ERR_INVALID_ARG (NULL),
 *  NPE_ERR_RANGE (a field outside its documented range; sigmas and rates
 *  must be finite, >= 0, sigmas <= 1, rates summing to <= 1). */
int npe_xbar_cfg_check(const npe_xbar_cfg *cfg);

typedef struct npe_xbar npe_xbar; /**< opaque tile */

/** Creates a tile (copies @p cfg; draws the frozen comparator offsets).
 *  Free with npe_xbar_destroy(). Errors: npe_xbar_cfg_check()'s,
 *  NPE_ERR_NO_MEM. */
int npe_xbar_create(const npe_xbar_cfg *cfg, npe_xbar **out /* out */);

/** Frees a tile; NULL does nothing. */
void npe_xbar_destroy(npe_xbar *x);

/**
 * Programs weights and the activation: @p w is cols x rows, row-major
 * (w[o * rows + i] weights input i into output o), each in [-(G-1), G-1];
 * @p tab is a one-segment NLU table (its thresholds become the ramp column).
 * Draws the programming errors and stuck devices (analog mode). *@p cycles
 * (if not NULL) gets the programming cost: every device (2 rows cols weight
 * devices, 2^B - 1 ramp increments, 5 bias devices) takes prog_pulses *
 * prog_pulse_cycles cycles, one device at a time; exact mode: one weight per
 * cycle plus one table entry per cycle. Errors: NPE_ERR_INVALID_ARG (NULL),
 * NPE_ERR_RANGE (a weight out of range, a bad table), NPE_ERR_UNSUPPORTED
 * (a two-segment table). On error the tile keeps its previous programming.
 */
int npe_xbar_program(npe_xbar *x, const int16_t *w, const npe_nlu_table *tab,
                     uint64_t *cycles /* out, may be NULL */);

/**
 * Runs y = f(W x): @p in holds rows DAC codes in +-(2^(dac_bits-1) - 1);
 * @p codes gets cols output codes (B bits). Analog mode draws fresh read
 * noise. *@p cycles (if not NULL) gets the latency: analog 2^B (one sample
 * cycle and 2^B - 1 ramp steps, all columns in parallel); exact mode the
 * digital path, ceil(rows cols / mac_per_cycle) + ceil(cols / nlu_cols) 2^B.
 * Errors: NPE_ERR_INVALID_ARG (NULL), NPE_ERR_STATE (not programmed),
 * NPE_ERR_RANGE (an input out of range).
 */
int npe_xbar_run(npe_xbar *x, const int16_t *in, unsigned *codes /* out */,
                 uint64_t *cycles /* out, may be NULL */);

/** The analog column values before the ADC, in acc units, with the
 *  programmed errors, fresh read noise and the comparator offsets (for
 *  statistics). Errors as npe_xbar_run(). */
int npe_xbar_mvm(npe_xbar *x, const int16_t *in, double *acc /* out, cols */);

/** The exact digital result of the programmed tile (what the FPGA build
 *  computes): integer acc, the NLU input conversion, npe_nlu_eval. Draws no
 *  random numbers. Errors as npe_xbar_run(). */
int npe_xbar_digital(const npe_xbar *x, const int16_t *in, unsigned *codes /* out */,
                     int64_t *acc /* out, cols, may be NULL */);

/** The NLU input conversion of the tile: sat16(RNE(acc / 2^shift)). */
int32_t npe_xbar_acc_to_nlu(int64_t acc, unsigned shift);

/** Activity counters (for the energy model). */
typedef struct npe_xbar_stats {
  uint64_t programs;          /**< npe_xbar_program calls that succeeded */
  uint64_t devices_programmed;/**< devices written */
  uint64_t prog_pulses;       /**< write-verify pulses */
  uint64_t prog_cycles;       /**< cycles spent programming */
  uint64_t runs;              /**< npe_xbar_run calls */
  uint64_t run_cycles;        /**< cycles spent running */
  uint64_t dac_convs;         /**< DAC conversions (one per input per run) */
  uint64_t cell_reads;        /**< weight-device reads (2 rows cols per run) */
  uint64_t ramp_cell_reads;   /**< ramp-column device-steps */
  uint64_t comparisons;       /**< comparator decisions (cols per ramp step) */
} npe_xbar_stats;

/** Copies the counters. Errors: NPE_ERR_INVALID_ARG. */
int npe_xbar_get_stats(const npe_xbar *x, npe_xbar_stats *out /* out */);

/* ------------------------------------------------------------------------ */
/* Energy (estimates)                                                        */
/* ------------------------------------------------------------------------ */

/** Per-event energies, pJ, for one tile configuration. Every value comes
 *  from the energy table (npe_energy_table() in npe_energy.h, the one copy of
 *  the figures and their sources); see npe_xbar_energy_default(). */
typedef struct npe_xbar_energy {
  double cell_read_pj;    /**< one device read for one clock cycle ("xbar_cell_read", rescaled) */
  double dac_pj;          /**< one input DAC conversion ("xbar_dac_conv") */
  double comp_pj;         /**< one comparator decision ("adc_comparator") */
  double count_pj;        /**< one counter step ("adc_counter_step") */
  double prog_pulse_pj;   /**< one write-verify pulse ("xbar_prog_pulse", rescaled) */
  double mac_int8_pj;     /**< digital: one INT8 multiply-accumulate ("mac_int8") */
  double sram_byte_pj;    /**< digital: one byte read from SRAM (8 x "sram_bit") */
  double nlu_step_pj;     /**< digital NLU: one column, one ramp step ("nlu_step_column") */
  double nlu_table_pj;    /**< digital NLU: one threshold-table read ("nlu_table_read") */
} npe_xbar_energy;

/**
 * The energies for @p cfg, read from npe_energy_table(). The table's
 * "xbar_cell_read" and "xbar_prog_pulse" hold the default tile
 * (npe_xbar_cfg_default: Vread 0.2 V, 1-100 uS, 1 ns clock, 100-cycle
 * pulses); for another tile they are rescaled by physics: a read by
 * Vread^2 (g_min + g_max) t_clk, a pulse by g_max prog_pulse_cycles t_clk
 * (the programming voltage is fixed). With the default tile every field
 * equals its table entry exactly. Errors: NPE_ERR_INVALID_ARG (NULL),
 * npe_xbar_cfg_check()'s NPE_ERR_RANGE, NPE_ERR_STATE (an entry missing
 * from the linked table: a libnpe older than 0.2.0).
 */
int npe_xbar_energy_default(const npe_xbar_cfg *cfg, npe_xbar_energy *out /* out */);

/** The names of the npe_energy_table() entries this model uses, in the
 *  order `npe nlu-report` prints them; @p n (if not NULL) gets the count. */
const char *const *npe_xbar_energy_events(size_t *n /* out */);

/**
 * Energy, pJ, of one B-bit conversion (one activation) by the nonlinear
 * unit. Analog ramp ADC (*@p analog_pj): 2^B - 1 comparator decisions and
 * counter steps, plus the ramp column (5 bias devices on for every step and
 * j - 1 ramp devices on at step j) shared by the cfg->cols columns it
 * serves. Digital NLU (*@p digital_pj, rtl/nlu): 2^B - 1 column steps plus
 * 2^B - 1 table reads shared by cfg->nlu_cols columns. The function
 * `npe nlu-report` and the benches use. Errors: NPE_ERR_INVALID_ARG (NULL),
 * NPE_ERR_RANGE (@p bits outside 1..8, cfg->cols or cfg->nlu_cols 0).
 */
int npe_xbar_nlu_conv_energy(const npe_xbar_cfg *cfg, const npe_xbar_energy *e, unsigned bits,
                             double *analog_pj /* out */, double *digital_pj /* out */);

/** One row of npe_xbar_energy_table(). */
typedef struct npe_xbar_energy_entry {
  const char *name;   /**< the npe_energy_table() event, e.g. "xbar_cell_read" */
  double value;       /**< pJ per event for the configuration asked for */
  const char *unit;   /**< the entry's unit, e.g. "pJ/device-cycle" */
  const char *source; /**< the entry's citation or "assumption: ..." */
} npe_xbar_energy_entry;

/** Writes the rows of npe_xbar_energy_events() (at most @p cap) with their
 *  values for @p cfg (as npe_xbar_energy_default()) and their number to
 *  *@p n. A view of npe_energy_table(), kept for existing callers; areas
 *  are in the table entries. Errors: NPE_ERR_INVALID_ARG (NULL),
 *  NPE_ERR_NO_SPACE (@p cap too small), npe_xbar_energy_default()'s. */
int npe_xbar_energy_table(const npe_xbar_cfg *cfg, npe_xbar_energy_entry *out,
                          size_t cap, size_t *n /* out */);

/** Estimated energy, pJ, of the activity in @p s. Errors:
 *  NPE_ERR_INVALID_ARG. */
int npe_xbar_energy_of(const npe_xbar_energy *e, const npe_xbar_stats *s,
                       double *pj /* out */);

/** Estimated energy, pJ, and latency, cycles, of one y = f(Wx) of a
 *  rows x cols problem at B bits: analog tile (@p analog = 1) or the
 *  digital path (MAC array, weights from SRAM, then the NLU).
 *  Errors: NPE_ERR_INVALID_ARG, NPE_ERR_RANGE. */
int npe_xbar_matvec_cost(const npe_xbar_cfg *cfg, const npe_xbar_energy *e,
                         unsigned bits, int analog, double *pj /* out */,
                         uint64_t *cycles /* out */);

/**
 * The NLU alone with an analog ramp: converts every input code x in
 * [@p lo, @p hi] (codes[x - lo]) through ramp columns built from @p tab's
 * thresholds as perturbed conductances (one ramp column per segment,
 * programmed once per call with @p noise's prog_sigma and fault rates; fresh
 * read noise per conversion; one comparator offset, comp_offset_sigma of the
 * 2^16-code input range). The seed is noise->seed. With every non-ideality
 * zero it equals npe_nlu_table_eval(). Errors: NPE_ERR_INVALID_ARG (NULL),
 * NPE_ERR_RANGE (bad table, config or range).
 */
int npe_xbar_nlu_sweep(const npe_nlu_table *tab, const npe_xbar_cfg *noise, int32_t lo,
                       int32_t hi, unsigned *codes /* out, hi - lo + 1 */);

#ifdef __cplusplus
}
#endif

#endif /* NPE_XBAR_H */
