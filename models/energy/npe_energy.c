/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_energy.c - the per-event energy (and area) table (npe_energy.h). The
 * one copy of every energy figure libnpe's ESTIMATE
 * (driver/src/npe_energy_estimate.c), the crossbar model (models/xbar),
 * `npe nlu-report` and the benches use.
 *
 * Digital base figures: M. Horowitz, "Computing's energy problem (and what
 * we can do about it)", ISSCC 2014, 45 nm, 0.9 V: 8-bit add 0.03 pJ, 32-bit
 * add 0.1 pJ, 8-bit multiply 0.2 pJ, 32-bit multiply 3.1 pJ; 64-bit SRAM read
 * 10 pJ (8 KB) / 20 pJ (32 KB) / 100 pJ (1 MB); DRAM 1.3-2.6 nJ per 64 bits.
 * Scaling rules used below (stated assumptions): an array multiplier's
 * energy grows with the square of its width, an adder's linearly; a 128-bit
 * quire add costs four 32-bit adds and is shared by the lanes of a cycle.
 *
 * NLU / ramp-ADC / crossbar figures (docs/NLU.md): device energies derive
 * from the crossbar model's default tile (npe_xbar_cfg_default: Vread 0.2 V
 * from arXiv 2411.18271 Fig. 3b, 1-100 uS, 1 ns clock, 100-cycle write
 * pulses); the model rescales them for other tiles. Standard-cell areas:
 * NanGate FreePDK45 Open Cell Library (45 nm, the node of the Horowitz
 * figures), cell sizes from its LEF as shipped in OpenROAD-flow-scripts
 * (flow/platforms/nangate45): DFF_X1 3.23 x 1.4 um = 4.522 um^2, AND2_X1
 * 0.76 x 1.4 um = 1.064 um^2; no placement or routing overhead.
 */
#include <string.h>

#include "npe_energy.h"

enum {
  E_MAC_FP4, E_MAC_POSIT4, E_MAC_POSIT8, E_MAC_POSIT16, E_MAC_INT8, E_MAC_TERNARY,
  E_GATED_LANE, E_SRAM_BIT, E_DRAM_BIT,
  /* 0.2.0: nonlinear unit, ramp ADC, analog crossbar */
  E_XBAR_CELL_READ, E_XBAR_DAC_CONV, E_ADC_COMPARATOR, E_ADC_COUNTER_STEP, E_XBAR_PROG_PULSE,
  E_NLU_STEP_COLUMN, E_NLU_TABLE_READ, E_COUNT
};

/* Default crossbar tile (must equal npe_xbar_cfg_default; tests/models checks). */
#define XBAR_VREAD_V 0.2        /* arXiv 2411.18271 Fig. 3b (swept 0.15-0.25 V) */
#define XBAR_G_MIN_S 1e-6       /* assumption */
#define XBAR_G_MAX_S 100e-6     /* assumption */
#define XBAR_T_CLK_S 1e-9       /* the paper's 1 GHz normalisation (Fig. 4e) */
#define XBAR_VPROG_V 1.5        /* assumption: typical HfOx SET/RESET amplitude */
#define XBAR_PULSE_CYCLES 100.0 /* assumption: clock cycles per write-verify pulse */
/* NanGate FreePDK45 cell areas, um^2 */
#define NG45_DFF_X1 4.522
#define NG45_AND2_X1 1.064
/* rtl/nlu as built by yosys 0.23 `synth` (8 columns, MaxBits 8, docs/NLU.md) */
#define NLU_CELLS 20807.0
#define NLU_TABLE_FLOPS 8704.0 /* 2 banks x 256 entries x 17 bits */

static const npe_energy_entry table[E_COUNT] = {
    [E_MAC_FP4] = {"mac_fp4", 0.24,
     "2-bit significand multiply 0.2*(2/8)^2 + 8b exponent add 0.03 + align/lane add 0.1 "
     "+ quire add 0.4/4 lanes (Horowitz ISSCC'14, 45nm; scaling assumed)",
     "pJ/MAC", 0, ""},
    [E_MAC_POSIT4] = {"mac_posit4", 0.27,
     "as mac_fp4 + regime decode ~ one 8b add 0.03 (Horowitz ISSCC'14; assumed)", "pJ/MAC", 0,
     ""},
    [E_MAC_POSIT8] = {"mac_posit8", 0.49,
     "6-bit significand multiply 0.2*(6/8)^2 + decode 0.05 + exponent add 0.03 + align 0.1 "
     "+ quire add 0.4/2 lanes (Horowitz ISSCC'14; scaling assumed)",
     "pJ/MAC", 0, ""},
    [E_MAC_POSIT16] = {"mac_posit16", 1.26,
     "13-bit significand multiply 0.2*(13/8)^2 + decode 0.1 + exponent add 0.03 + align 0.2 "
     "+ quire add 0.4 (Horowitz ISSCC'14; scaling assumed)",
     "pJ/MAC", 0, ""},
    [E_MAC_INT8] = {"mac_int8", 0.50,
     "8b multiply 0.2 + 32b lane add 0.1 + quire add 0.4/2 lanes (Horowitz ISSCC'14)", "pJ/MAC",
     0, ""},
    [E_MAC_TERNARY] = {"mac_ternary", 0.33,
     "sign select ~ 8b add 0.03 + 32b lane add 0.1 + quire add 0.4/2 (Horowitz ISSCC'14)",
     "pJ/MAC", 0, ""},
    [E_GATED_LANE] = {"gated_lane_cycle", 0.01,
     "clock-gated idle lane: ~2% of an INT8 MAC for clock tree and leakage (assumption)",
     "pJ/lane-cycle", 0, ""},
    [E_SRAM_BIT] = {"sram_bit", 0.31,
     "32 KB SRAM, 20 pJ per 64-bit access (Horowitz ISSCC'14)", "pJ/bit", 0, ""},
    [E_DRAM_BIT] = {"dram_bit", 31.25,
     "DRAM 2.0 nJ per 64-bit access, middle of 1.3-2.6 nJ (Horowitz ISSCC'14)", "pJ/bit", 0, ""},
    [E_XBAR_CELL_READ] = {"xbar_cell_read",
     XBAR_VREAD_V * XBAR_VREAD_V * 0.5 * (XBAR_G_MIN_S + XBAR_G_MAX_S) * XBAR_T_CLK_S * 1e12,
     "derived: Vread^2 * (g_min+g_max)/2 * t_clk = 0.2^2 V^2 * 50.5 uS * 1 ns; Vread 0.2 V "
     "(arXiv 2411.18271 Fig. 3b), g_min 1 uS and g_max 100 uS (assumption), 1 ns clock (the "
     "paper's 1 GHz normalisation, Fig. 4e); also one ramp-column device for one ramp step",
     "pJ/device-cycle", 0.05,
     "assumption: one 1T1R cell at 28 nm, transistor-limited, ~64 F^2"},
    [E_XBAR_DAC_CONV] = {"xbar_dac_conv", 0.1,
     "assumption: one 8-bit input (word-line) DAC conversion; no cited measurement",
     "pJ/conversion", 0, ""},
    [E_ADC_COMPARATOR] = {"adc_comparator", 0.01,
     "assumption: one decision of a dynamic latch comparator (tens of fJ class); one per "
     "column per ramp step",
     "pJ/decision", 0, ""},
    [E_ADC_COUNTER_STEP] = {"adc_counter_step", 0.002,
     "assumption: one step of the B-bit ripple counter of a ramp-ADC column", "pJ/step",
     8.0 * (NG45_DFF_X1 + NG45_AND2_X1),
     "derived: 8-bit counter of one column = 8 x DFF_X1 4.522 um^2 + 8 x AND2_X1 1.064 um^2 "
     "(NanGate FreePDK45); comparator area not estimated"},
    [E_XBAR_PROG_PULSE] = {"xbar_prog_pulse",
     XBAR_VPROG_V * XBAR_VPROG_V * XBAR_G_MAX_S * XBAR_PULSE_CYCLES * XBAR_T_CLK_S * 1e12,
     "derived: Vprog^2 * g_max * pulse time = 1.5^2 V^2 * 100 uS * 100 ns; Vprog 1.5 V and "
     "100-cycle write-verify pulses are assumptions",
     "pJ/pulse", 0, ""},
    [E_NLU_STEP_COLUMN] = {"nlu_step_column", 0.1 * 17.0 / 32.0 + 0.002,
     "derived: digital NLU, one column, one ramp step: 17-bit compare as 17/32 of a 32-bit add "
     "0.1 pJ (Horowitz ISSCC'14) + counter step 0.002 pJ (assumption)",
     "pJ/column-step",
     NLU_TABLE_FLOPS * NG45_DFF_X1 + (NLU_CELLS - NLU_TABLE_FLOPS) * NG45_AND2_X1,
     "derived: the whole digital NLU (rtl/nlu, 8 columns, MaxBits 8): yosys 0.23 synth, "
     "20807 generic cells = 8704 table flops x DFF_X1 4.522 um^2 + 12103 others x AND2_X1 "
     "1.064 um^2 (NanGate FreePDK45; one cell per generic cell is an assumption)"},
    [E_NLU_TABLE_READ] = {"nlu_table_read", 0.05,
     "assumption: one 2 x 17-bit register-file read of the digital NLU threshold table",
     "pJ/read", 0, ""},
};

const npe_energy_entry *npe_energy_table(size_t *n) {
  if (n) *n = E_COUNT;
  return table;
}

int npe_energy_find(const char *event, const npe_energy_entry **entry) {
  if (!event || !entry) return NPE_ERR_INVALID_ARG;
  for (size_t i = 0; i < E_COUNT; i++)
    if (!strcmp(table[i].event, event)) {
      *entry = &table[i];
      return NPE_OK;
    }
  return NPE_ERR_INVALID_ARG;
}
