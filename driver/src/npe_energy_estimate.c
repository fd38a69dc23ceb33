/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_energy_estimate.c - the first-cut energy ESTIMATE of a job
 * (npe_stats.energy_pj) from its counters and the per-event table of
 * models/energy (npe_energy.h), which holds every figure and its source.
 */
#include "npe_internal.h"
#include "npe_regs.h"

/* pJ of one event of the table; the names are the table's own, so a
 * missing one is a bug the driver tests catch (the estimate would drop it). */
static double pj(const char *event) {
  const npe_energy_entry *e;
  return npe_energy_find(event, &e) == NPE_OK ? e->pj : 0.0;
}

static const char *const mac_event[NPE_FMT_COUNT] = {
    "mac_fp4", "mac_posit4", "mac_posit8", "mac_posit16", "mac_int8", "mac_ternary"};

double npe__energy_estimate(const npe_stats *s) {
  double e = 0;
  double issue = 0; /* PE-word cycles, assuming full tiles */
  for (int f = 0; f < NPE_FMT_COUNT; f++) {
    e += (double)s->macs[f] * pj(mac_event[f]);
    issue += (double)s->macs[f] / npe_hw_fmt_lanes((unsigned)f);
  }
  e += (double)s->gated_lane_cycles * pj("gated_lane_cycle");
  /* scratchpads: every DMA byte is written once; every PE word reads a PE
   * word of A and one of B (broadcast to a row / column of PEs) */
  double sram_bits = 8.0 * (double)(s->dma_read_bytes + s->dma_write_bytes) +
                     2.0 * NPE_PE_WORD_BITS * issue;
  e += sram_bits * pj("sram_bit");
  e += 8.0 * (double)(s->dma_read_bytes + s->dma_write_bytes) * pj("dram_bit");
  /* the digital NLU: a compare and counter step per column per ramp step,
   * one threshold-table read per ramp step of a group */
  e += (double)s->nlu_column_steps * pj("nlu_step_column");
  e += (double)s->nlu_table_reads * pj("nlu_table_read");
  /* the recurrence unit (tools/ppa/recur_energy.py, gate level): its clock
   * and leakage every cycle of a sequence, and each element step above that;
   * its state memories and sigmoid ROMs (cut out of the netlist) are not in
   * these figures */
  static const char *const recur_event[3] = {"recur_diag_elem", "recur_gru_elem",
                                             "recur_lstm_elem"};
  e += (double)s->recur_cycles * pj("recur_cycle");
  for (int m = 0; m < 3; m++) e += (double)s->recur_mode_elems[m] * pj(recur_event[m]);
  /* HGRN: not measured at gate level; its step is the GRU cell's tables and
   * products without the mat-vec rows, FIFO and A-buffer code, so the GRU
   * step's figure bounds it from above */
  e += (double)s->recur_hgrn_elems * pj("recur_gru_elem");
  return e;
}
