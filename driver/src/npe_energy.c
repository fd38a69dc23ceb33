/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_energy.c - the per-event energy table and the first-cut ESTIMATE built
 * from it. Base figures: M. Horowitz, "Computing's energy problem (and what
 * we can do about it)", ISSCC 2014, 45 nm, 0.9 V: 8-bit add 0.03 pJ, 32-bit
 * add 0.1 pJ, 8-bit multiply 0.2 pJ, 32-bit multiply 3.1 pJ; 64-bit SRAM read
 * 10 pJ (8 KB) / 20 pJ (32 KB) / 100 pJ (1 MB); DRAM 1.3-2.6 nJ per 64 bits.
 * Scaling rules used below (stated assumptions): an array multiplier's
 * energy grows with the square of its width, an adder's linearly; a 128-bit
 * quire add costs four 32-bit adds and is shared by the lanes of a cycle.
 */
#include "npe_internal.h"

enum {
  E_MAC_FP4, E_MAC_POSIT4, E_MAC_POSIT8, E_MAC_POSIT16, E_MAC_INT8, E_MAC_TERNARY,
  E_GATED_LANE, E_SRAM_BIT, E_DRAM_BIT, E_COUNT
};

static const npe_energy_entry table[E_COUNT] = {
    {"mac_fp4", 0.24,
     "2-bit significand multiply 0.2*(2/8)^2 + 8b exponent add 0.03 + align/lane add 0.1 "
     "+ quire add 0.4/4 lanes (Horowitz ISSCC'14, 45nm; scaling assumed)"},
    {"mac_posit4", 0.27,
     "as mac_fp4 + regime decode ~ one 8b add 0.03 (Horowitz ISSCC'14; assumed)"},
    {"mac_posit8", 0.49,
     "6-bit significand multiply 0.2*(6/8)^2 + decode 0.05 + exponent add 0.03 + align 0.1 "
     "+ quire add 0.4/2 lanes (Horowitz ISSCC'14; scaling assumed)"},
    {"mac_posit16", 1.26,
     "13-bit significand multiply 0.2*(13/8)^2 + decode 0.1 + exponent add 0.03 + align 0.2 "
     "+ quire add 0.4 (Horowitz ISSCC'14; scaling assumed)"},
    {"mac_int8", 0.50,
     "8b multiply 0.2 + 32b lane add 0.1 + quire add 0.4/2 lanes (Horowitz ISSCC'14)"},
    {"mac_ternary", 0.33,
     "sign select ~ 8b add 0.03 + 32b lane add 0.1 + quire add 0.4/2 (Horowitz ISSCC'14)"},
    {"gated_lane_cycle", 0.01,
     "clock-gated idle lane: ~2% of an INT8 MAC for clock tree and leakage (assumption)"},
    {"sram_bit", 0.31,
     "32 KB SRAM, 20 pJ per 64-bit access (Horowitz ISSCC'14)"},
    {"dram_bit", 31.25,
     "DRAM 2.0 nJ per 64-bit access, middle of 1.3-2.6 nJ (Horowitz ISSCC'14)"},
};

const npe_energy_entry *npe_energy_table(size_t *n) {
  if (n) *n = E_COUNT;
  return table;
}

static const unsigned lanes_of[NPE_FMT_COUNT] = {4, 4, 2, 1, 2, 2};

double npe__energy_estimate(const npe_stats *s) {
  double e = 0;
  double issue = 0; /* PE-word cycles, assuming full tiles */
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    e += (double)s->macs[f] * table[E_MAC_FP4 + f].pj;
    issue += (double)s->macs[f] / lanes_of[f];
  }
  e += (double)s->gated_lane_cycles * table[E_GATED_LANE].pj;
  /* scratchpads: every DMA byte is written once; every PE word reads 16
   * bits of A and 16 of B (broadcast to a row / column of PEs) */
  double sram_bits = 8.0 * (double)(s->dma_read_bytes + s->dma_write_bytes) + 32.0 * issue;
  e += sram_bits * table[E_SRAM_BIT].pj;
  e += 8.0 * (double)(s->dma_read_bytes + s->dma_write_bytes) * table[E_DRAM_BIT].pj;
  return e;
}
