/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_energy.c - the per-event energy (and area) table (npe_energy.h). The
 * one copy of every energy figure libnpe's ESTIMATE
 * (driver/src/npe_energy_estimate.c), the crossbar model (models/xbar),
 * `npe nlu-report` and the benches use.
 *
 * MAC energies (issue 14): MEASURED, not per-event estimates. Produced by
 *   make report      (tools/ppa: docs/PPA.md; figures in BENCHMARKS.md)
 * which synthesises the all-format PE (npe_pe, FormatMask 6'h3f) to the OSU
 * 0.18 um cells, simulates the netlist at gate level streaming random dot
 * products of each format, and sums switching + internal + leakage energy
 * from the Liberty tables (clock and flip-flops included): pJ/MAC at 180 nm,
 * 1.8 V. That is scaled to 28 nm, 0.9 V by Stillmaker & Baas, Integration
 * 58 (2017) 74-81 (energy factor 0.013721, interpolated between the paper's
 * 32 and 20 nm entries; tools/ppa/scaling.py) and calibrated by 0.4644, the
 * geometric mean of Horowitz / ours over 8/32-bit add and multiply run
 * through the same flow (tools/ppa/calib.py). `make report` prints the
 * values as BENCH ppa_pj_per_mac28_cal_<format>.
 *
 * Recurrence unit (recur_cycle, recur_diag_elem, recur_gru_elem,
 * recur_lstm_elem; session 19): MEASURED the same way on npe_recur_unit's
 * netlist (idle, and DIAG / GRU / LSTM jobs checked against the golden
 * model), by
 *   python3 tools/ppa/recur_energy.py build/ppa/synth build/ppa/recur_energy
 * (make ppa-recur-energy; part of make report), same scaling and calibration.
 *
 * Memory figures stay cited (45 nm, not scaled): M. Horowitz, "Computing's
 * energy problem (and what we can do about it)", ISSCC 2014, 45 nm, 0.9 V:
 * 64-bit SRAM read 10 pJ (8 KB) / 20 pJ (32 KB) / 100 pJ (1 MB); DRAM
 * 1.3-2.6 nJ per 64 bits; 32-bit add 0.1 pJ (the NLU compare below). Up to
 * issue 14 the MAC entries were derived from Horowitz's add and multiply
 * figures with width scaling assumed (0.24 / 0.27 / 0.49 / 1.26 / 0.50 /
 * 0.33 pJ for fp4 / posit4 / posit8 / posit16 / int8 / ternary), which left
 * out the registers and the clock (about 60 % of the PE's energy).
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
  E_NLU_STEP_COLUMN, E_NLU_TABLE_READ,
  /* 0.10.0: the recurrence unit */
  E_RECUR_CYCLE, E_RECUR_DIAG, E_RECUR_GRU, E_RECUR_LSTM, E_COUNT
};

/* Default crossbar tile (must equal npe_xbar_cfg_default; tests/models checks). */
#define XBAR_VREAD_V 0.2        /* arXiv 2411.18271 Fig. 3b (swept 0.15-0.25 V) */
#define XBAR_G_MIN_S 1e-6       /* assumption */
#define XBAR_G_MAX_S 100e-6     /* assumption */
#define XBAR_T_CLK_S 1e-9       /* the paper's 1 GHz normalisation (Fig. 4e) */
#define XBAR_VPROG_V 1.5        /* assumption: typical HfOx SET/RESET amplitude */
#define XBAR_PULSE_CYCLES 100.0 /* assumption: clock cycles per write-verify pulse */
/* 180 nm gate-level pJ/MAC -> 28 nm calibrated (see the comment at the top) */
#define PPA_E28_FACTOR 0.0137212 /* Stillmaker & Baas, 180 nm 1.8 V -> 28 nm 0.9 V */
#define PPA_CALIB 0.4644         /* Horowitz ISSCC'14 / this flow, geometric mean */
#define MEASURED_MAC(pj180) ((pj180) * PPA_E28_FACTOR * PPA_CALIB)
#define MEASURED_NLU(pj180) ((pj180) * PPA_E28_FACTOR * PPA_CALIB)
#define MEASURED_RECUR(pj180) ((pj180) * PPA_E28_FACTOR * PPA_CALIB)
/* npe_recur_unit at gate level, pJ at 180 nm (tools/ppa/recur_energy.py,
 * build/ppa/recur_energy/recur_energy.json): idle per cycle, and per element
 * step above idle */
#define RECUR_IDLE_180 2008.39
#define RECUR_DIAG_180 521.51
#define RECUR_GRU_180 2889.14
#define RECUR_LSTM_180 4109.41
/* NanGate FreePDK45 cell areas, um^2 */
#define NG45_DFF_X1 4.522
#define NG45_AND2_X1 1.064
/* rtl/nlu as built by yosys 0.23 `synth` (8 columns, MaxBits 8, docs/NLU.md) */
#define NLU_CELLS 20807.0
#define NLU_TABLE_FLOPS 8704.0 /* 2 banks x 256 entries x 17 bits */

static const npe_energy_entry table[E_COUNT] = {
    [E_MAC_FP4] = {"mac_fp4", MEASURED_MAC(60.13),
     "measured: all-format PE (npe_pe), fp4, 60.13 pJ/MAC at 180 nm (OSU 0.18 um, gate-level "
     "activity incl. clock and flops) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 "
     "(calibration against Horowitz ISSCC'14); produced by make report (issue 15, branch "
     "pe-energy: the PE as the engine builds it, without its own activity counters, with its "
     "stage, format and lane clock gates, mapped for its 5.30 ns clock target)",
     "pJ/MAC", 0, ""},
    [E_MAC_POSIT4] = {"mac_posit4", MEASURED_MAC(64.67),
     "measured: all-format PE (npe_pe), posit4, 64.67 pJ/MAC at 180 nm (OSU 0.18 um, gate-level "
     "activity incl. clock and flops) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 "
     "(calibration against Horowitz ISSCC'14); produced by make report (issue 15, branch "
     "pe-energy: the PE as the engine builds it, without its own activity counters, with its "
     "stage, format and lane clock gates, mapped for its 5.30 ns clock target)",
     "pJ/MAC", 0, ""},
    [E_MAC_POSIT8] = {"mac_posit8", MEASURED_MAC(143.71),
     "measured: all-format PE (npe_pe), posit8, 143.71 pJ/MAC at 180 nm (OSU 0.18 um, gate-level "
     "activity incl. clock and flops) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 "
     "(calibration against Horowitz ISSCC'14); produced by make report (issue 15, branch "
     "pe-energy: the PE as the engine builds it, without its own activity counters, with its "
     "stage, format and lane clock gates, mapped for its 5.30 ns clock target)",
     "pJ/MAC", 0, ""},
    [E_MAC_POSIT16] = {"mac_posit16", MEASURED_MAC(326.16),
     "measured: all-format PE (npe_pe), posit16, 326.16 pJ/MAC at 180 nm (OSU 0.18 um, gate-level "
     "activity incl. clock and flops) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 "
     "(calibration against Horowitz ISSCC'14); produced by make report (issue 15, branch "
     "pe-energy: the PE as the engine builds it, without its own activity counters, with its "
     "stage, format and lane clock gates, mapped for its 5.30 ns clock target)",
     "pJ/MAC", 0, ""},
    [E_MAC_INT8] = {"mac_int8", MEASURED_MAC(129.92),
     "measured: all-format PE (npe_pe), int8, 129.92 pJ/MAC at 180 nm (OSU 0.18 um, gate-level "
     "activity incl. clock and flops) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 "
     "(calibration against Horowitz ISSCC'14); produced by make report (issue 15, branch "
     "pe-energy: the PE as the engine builds it, without its own activity counters, with its "
     "stage, format and lane clock gates, mapped for its 5.30 ns clock target)",
     "pJ/MAC", 0, ""},
    [E_MAC_TERNARY] = {"mac_ternary", MEASURED_MAC(105.78),
     "measured: all-format PE (npe_pe), ternary, 105.78 pJ/MAC at 180 nm (OSU 0.18 um, gate-level "
     "activity incl. clock and flops) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 "
     "(calibration against Horowitz ISSCC'14); produced by make report (issue 15, branch "
     "pe-energy: the PE as the engine builds it, without its own activity counters, with its "
     "stage, format and lane clock gates, mapped for its 5.30 ns clock target)",
     "pJ/MAC", 0, ""},
    [E_GATED_LANE] = {"gated_lane_cycle", MEASURED_MAC(10.32) / 4.0,
     "measured: the all-format PE idle with its clock gates (valid low, operands held), 10.32 pJ "
     "per cycle at 180 nm (clock pins of the 20 gates and the flops outside them, leakage; 138.82 "
     "pJ without the gates) x 0.013721 (Stillmaker & Baas) x 0.4644 (calibration), over its 4 "
     "lanes; produced by make report (tools/ppa/pe_energy.py pe_all:idle, issue 15, pe-energy)",
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
    [E_NLU_STEP_COLUMN] = {"nlu_step_column", MEASURED_NLU(7.698),
     "measured: npe_nlu (64 columns), B = 8, 7.698 pJ per column-step at 180 nm (one NLU cycle "
     "/ 64; OSU 0.18 um, gate-level activity incl. clock and flops, the threshold table's "
     "storage excluded) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 (calibration "
     "against Horowitz ISSCC'14); produced by make report (tools/ppa/nlu_energy.py). The "
     "per-event estimate it replaced: 0.055 pJ (a 17-bit compare as 17/32 of Horowitz's 32-bit "
     "add + a counter step)",
     "pJ/column-step",
     NLU_TABLE_FLOPS * NG45_DFF_X1 + (NLU_CELLS - NLU_TABLE_FLOPS) * NG45_AND2_X1,
     "derived: the whole digital NLU (rtl/nlu, 8 columns, MaxBits 8): yosys 0.23 synth, "
     "20807 generic cells = 8704 table flops x DFF_X1 4.522 um^2 + 12103 others x AND2_X1 "
     "1.064 um^2 (NanGate FreePDK45; one cell per generic cell is an assumption)"},
    [E_NLU_TABLE_READ] = {"nlu_table_read", 0.05,
     "assumption: one 2 x 17-bit register-file read of the digital NLU threshold table",
     "pJ/read", 0, ""},
    [E_RECUR_CYCLE] = {"recur_cycle", MEASURED_RECUR(RECUR_IDLE_180),
     "measured: npe_recur_unit (GRU / LSTM build, 1024 state words) idle, 2008.39 pJ per cycle "
     "at 180 nm (OSU 0.18 um, gate-level activity: the clock of its 9,530 flops, none gated, and "
     "leakage) x 0.013721 (Stillmaker & Baas, 180 -> 28 nm) x 0.4644 (calibration against "
     "Horowitz ISSCC'14); charged for every cycle of a sequence job; produced by "
     "tools/ppa/recur_energy.py (make ppa-energy / make report)",
     "pJ/cycle", 0, ""},
    [E_RECUR_DIAG] = {"recur_diag_elem", MEASURED_RECUR(RECUR_DIAG_180),
     "measured: npe_recur_unit, one DIAG element step (h = a h + b: the record beat, the 32 x 32 "
     "multiply, round, add, saturate, the result's packing and write beat) above the unit's idle "
     "cycle, 521.51 pJ at 180 nm (gate-level run of N 32, T 8 random Q2.30 / Q15.16 data, checked "
     "against the golden model; the state memory's accesses not included) x 0.013721 "
     "(Stillmaker & Baas) x 0.4644 (calibration); produced by tools/ppa/recur_energy.py",
     "pJ/element", 0, ""},
    [E_RECUR_GRU] = {"recur_gru_elem", MEASURED_RECUR(RECUR_GRU_180),
     "measured: npe_recur_unit, one GRU element step (its 3 mat-vec rows through the result FIFO "
     "and the float-to-fixed conversion, the record's 2 beats, the cell's 3 gate evaluations, "
     "h out and its INT8 code into the A buffer) above the unit's idle cycle, 2889.14 pJ at 180 nm "
     "(gate-level run of N 16, T 4, checked against the golden model; the array's mat-vec is "
     "counted as MACs, the state memory and sigmoid ROM reads not included) x 0.013721 "
     "(Stillmaker & Baas) x 0.4644 (calibration); produced by tools/ppa/recur_energy.py",
     "pJ/element", 0, ""},
    [E_RECUR_LSTM] = {"recur_lstm_elem", MEASURED_RECUR(RECUR_LSTM_180),
     "measured: npe_recur_unit, one LSTM element step (4 mat-vec rows, the record's 2 beats, 4 "
     "gate evaluations and tanh(c), h out and its INT8 code) above the unit's idle cycle, "
     "4109.41 pJ at 180 nm (gate-level run of N 16, T 4, checked against the golden model; "
     "the state memories and sigmoid ROM reads not included) x 0.013721 (Stillmaker & Baas) x "
     "0.4644 (calibration); produced by tools/ppa/recur_energy.py",
     "pJ/element", 0, ""},
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
