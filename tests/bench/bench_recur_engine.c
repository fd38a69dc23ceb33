/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_recur_engine: the RECUR opcode (DIAG mode) on the simulated engine
 * (64-bit AXI, 100-cycle read latency): state elements updated per cycle
 * for one descriptor of T x H records, against the DMA roofline. A record
 * {a, b} is 8 bytes, one read beat, and the read port moves one beat per
 * cycle, so the roofline is 1 element per cycle (the int32 results, 4 bytes
 * each, go out on the separate write channel).
 * GRU and LSTM (MODE 1, 2): cycles per timestep of one RECUR of T steps
 * with W_hh resident in a B buffer, batch 1, per format and H, against the
 * ideal G H^2 / (Rows Cols lanes) cycles of the mat-vec at peak: the MAC
 * utilisation during recurrence. Batch Rows: Rows sequences on the same
 * resident weights, one RECUR each, back to back (the unit runs one
 * sequence at a time; per step per sequence). AUX.ROWSCALE: GRU / LSTM in
 * INT8 x INT8 and INT8 x ternary, batch 1, cycles per step with and without
 * the row scales (32-byte records against 16) and their ratio. Prints
 * HGRN (MODE 4): cycles per step of one RECUR of T = 256 steps at H = 64,
 * 128, 256 (16-byte records, two read beats per element: the roofline is
 * 2 H cycles a step), and DIAG's at the same H in the same run (what the
 * recurrence alone cost when the gates ran on the host).
 * Prints "BENCH <name> <value> <unit>" lines only; with the argument
 * "rowscale" only the ROWSCALE lines (make recur-rowscale-bench), with
 * "hgrn" only the HGRN lines (make recur-hgrn-bench).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_sim.h"
#include "npe_tiler.h"

static uint64_t lcg(uint64_t *r) {
  *r = *r * 6364136223846793005ull + 1442695040888963407ull;
  return *r >> 33;
}

/* @p batch GRU / LSTM sequences of T steps at H on format pair (fa, fb),
 * one RECUR each on the same resident weights, random weights and records;
 * returns the cycles of the RECURs alone (0: error, or the weights do not
 * fit one B buffer). */
static uint64_t gated_cycles(npe_transport *t, npesim *s, const npe_hw_shape *hw, int lstm,
                             npe_fmt fa, npe_fmt fb, uint32_t h, uint32_t steps, uint32_t batch,
                             int rowscale) {
  const uint32_t rb = rowscale ? NPE_RECUR_SCALE_RECORD_BYTES : NPE_RECUR_CELL_RECORD_BYTES;
  const uint64_t w_addr = NPE_SIM_MEM_BASE + (1u << 20), rec = NPE_SIM_MEM_BASE + (16u << 20),
                 out = NPE_SIM_MEM_BASE + (64u << 20);
  uint32_t g = lstm ? 4 : 3, rows = g * h;
  npe_mm_plan p;
  if (npe_tiler_plan(hw, fa, fb, fa, 1, 1, rows, h, 0, w_addr, 0, &p) ||
      npe_tiler_use_matvec(&p))
    return 0;
  uint32_t per = hw->rows * hw->cols, groups = (rows + per - 1) / per;
  if ((uint64_t)groups * (p.row_bytes_b / 8) > hw->b_bank_words) return 0;
  size_t n = (size_t)rows * h;
  uint8_t *u8 = malloc(n);
  uint16_t *u16 = malloc(2 * n);
  uint8_t *img = malloc(npe_tiler_bytes_b(&p));
  int32_t *x = malloc((size_t)rb * steps * h * batch);
  if (!u8 || !u16 || !img || !x) return 0;
  uint64_t r = 7;
  for (size_t i = 0; i < n; i++) { /* small weights: codes near zero */
    uint32_t code;
    npe_encode(fb, ((double)(lcg(&r) % 2001) - 1000.0) / (1000.0 * h), &code);
    u8[i] = (uint8_t)code, u16[i] = (uint16_t)code;
  }
  npe_pats pats = fb == NPE_FMT_POSIT16 ? npe_pats_u16(fb, u16) : npe_pats_u8(fb, u8);
  if (npe_tiler_pack_b(&p, pats, h, img)) return 0;
  t->mem_write(t->ctx, w_addr, img, npe_tiler_bytes_b(&p));
  /* records U(-2, 2); with ROWSCALE the scales (the first four) in (-1, 1) */
  for (size_t i = 0; i < rb / 4u * steps * h * batch; i++)
    x[i] = rowscale && i % 8 < 4 ? (int32_t)(lcg(&r) % (2u << 30)) - (1 << 30)
                                 : (int32_t)(lcg(&r) % (4u << 16)) - (2 << 16);
  t->mem_write(t->ctx, rec, x, (size_t)rb * steps * h * batch);
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.spad = 1u;
  f.m = (uint16_t)(groups * hw->cols);
  f.k = (uint16_t)p.row_bytes_b;
  f.addr_a = w_addr;
  f.stride_a = p.row_bytes_b;
  uint64_t ok = bench_run_direct(s, &f);
  memset(&f, 0, sizeof f);
  f.op = NPE_OP_RECUR;
  f.fmt_a = (uint8_t)fa;
  f.fmt_b = (uint8_t)fb;
  f.n = (uint16_t)h;
  f.t = (uint16_t)steps;
  f.aux = (uint32_t)(lstm ? NPE_RECUR_MODE_LSTM : NPE_RECUR_MODE_GRU) << NPE_RECUR_AUX_MODE_LSB |
          (fa == NPE_FMT_INT8 ? 7u : 0u) << NPE_RECUR_AUX_H_SHIFT_LSB |
          (rowscale ? 1u : 0u) << NPE_RECUR_AUX_ROW_SCALE_BIT;
  uint64_t cyc = 0;
  for (uint32_t b = 0; ok && b < batch; b++) { /* a sequence after another */
    f.addr_a = rec + (uint64_t)rb * steps * h * b;
    f.addr_c = out + 4ull * steps * h * b;
    uint64_t c1 = bench_run_direct(s, &f);
    cyc = c1 ? cyc + c1 : 0;
    ok = c1 != 0;
  }
  free(u8), free(u16), free(img), free(x);
  return cyc;
}

/* The default engine with a 100-cycle read and 26-cycle write memory and
 * its counters on, and its shape for the planner. */
static int open_gated_sim(npe_transport *t, npesim **s, npe_hw_shape *hw) {
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.read_latency = 100;
  c.write_latency = 26;
  if (npe_transport_sim_open(&c, t)) return 1;
  *s = npe_transport_sim_get(t);
  npesim_info info;
  npesim_get_info(*s, &info);
  memset(hw, 0, sizeof *hw);
  hw->rows = info.rows, hw->cols = info.cols, hw->a_bank_words = info.a_bank_words;
  hw->b_bank_words = info.b_bank_words, hw->out_groups = info.out_groups;
  npesim_csr_write(*s, NPE_CTRL_REG_OFFSET, 1u << NPE_CTRL_PERF_EN_BIT);
  return 0;
}

/* ROWSCALE against none, batch 1, T = 64, H 16 (the cell's regime: the
 * array is faster than the cell there), 64, 256. */
static int bench_rowscale(void) {
  static const npe_fmt fbs[2] = {NPE_FMT_INT8, NPE_FMT_TERNARY};
  static const char *names[2] = {"int8", "ternary"};
  static const uint32_t hs[3] = {16, 64, 256};
  npe_transport t;
  npesim *s;
  npe_hw_shape hw;
  if (open_gated_sim(&t, &s, &hw)) return 1;
  for (int lstm = 0; lstm < 2; lstm++)
    for (unsigned k = 0; k < 2; k++)
      for (unsigned j = 0; j < 3; j++) {
        const uint32_t steps = 64;
        uint64_t c0 = gated_cycles(&t, s, &hw, lstm, NPE_FMT_INT8, fbs[k], hs[j], steps, 1, 0);
        uint64_t c1 = gated_cycles(&t, s, &hw, lstm, NPE_FMT_INT8, fbs[k], hs[j], steps, 1, 1);
        if (!c0 || !c1) {
          t.close(t.ctx);
          return 1;
        }
        const char *cell = lstm ? "lstm" : "gru";
        printf("BENCH recur_%s_%s_h%u_b1_cycles_per_step %.1f cycles\n", cell, names[k], hs[j],
               (double)c0 / steps);
        printf("BENCH recur_%s_%s_h%u_b1_rowscale_cycles_per_step %.1f cycles\n", cell, names[k],
               hs[j], (double)c1 / steps);
        printf("BENCH recur_%s_%s_h%u_b1_rowscale_over_none %.4f ratio\n", cell, names[k], hs[j],
               (double)c1 / (double)c0);
      }
  t.close(t.ctx);
  return 0;
}

static int bench_gated(void) {
  static const npe_fmt pairs[][2] = {
      {NPE_FMT_FP4, NPE_FMT_FP4},         {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {NPE_FMT_POSIT8, NPE_FMT_POSIT8},   {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {NPE_FMT_INT8, NPE_FMT_INT8},       {NPE_FMT_INT8, NPE_FMT_TERNARY},
  };
  static const char *names[] = {"fp4", "posit4", "posit8", "posit16", "int8", "ternary"};
  static const uint32_t hs[] = {64, 128, 256};
  npe_transport t;
  npesim *s;
  npe_hw_shape hw;
  if (open_gated_sim(&t, &s, &hw)) return 1;
  for (int lstm = 0; lstm < 2; lstm++)
    for (unsigned k = 0; k < 6; k++)
      for (unsigned j = 0; j < 3; j++)
        for (uint32_t batch = 1; batch <= hw.rows; batch += hw.rows - 1) {
          /* 64 steps in all: batch 1 x 64, or batch Rows x 64 / Rows */
          const uint32_t steps = 64 / batch;
          uint64_t cyc = gated_cycles(&t, s, &hw, lstm, pairs[k][0], pairs[k][1], hs[j], steps,
                                      batch, 0);
          const char *cell = lstm ? "lstm" : "gru";
          if (!cyc) { /* W_hh beyond one B buffer: not resident */
            printf("BENCH recur_%s_%s_h%u_b%u_resident 0 bool\n", cell, names[k], hs[j], batch);
            continue;
          }
          unsigned lanes = npe_hw_fmt_lanes(pairs[k][1] == NPE_FMT_TERNARY ? NPE_FMT_TERNARY
                                                                            : pairs[k][0]);
          double g = lstm ? 4 : 3, per_step = (double)cyc / (steps * batch);
          double ideal = g * hs[j] * hs[j] / ((double)hw.rows * hw.cols * lanes);
          printf("BENCH recur_%s_%s_h%u_b%u_cycles_per_step %.1f cycles\n", cell, names[k], hs[j],
                 batch, per_step);
          printf("BENCH recur_%s_%s_h%u_b%u_mac_util %.1f %%\n", cell, names[k], hs[j], batch,
                 100 * ideal / per_step);
        }
  t.close(t.ctx);
  return 0;
}

/* HGRN against DIAG, T = 256, H 64, 128, 256, 100-cycle memory: one
 * RECUR each, every y_t (h_t) written; random za, zc, zg in [-4, 4). */
static int bench_hgrn(void) {
  static const uint32_t hs[3] = {64, 128, 256};
  const uint32_t steps = 256;
  const uint64_t rec = NPE_SIM_MEM_BASE + (16u << 20), out = NPE_SIM_MEM_BASE + (64u << 20);
  npe_transport t;
  npesim *s;
  npe_hw_shape hw;
  if (open_gated_sim(&t, &s, &hw)) return 1;
  int32_t *x = malloc(16u * steps * 256u);
  if (!x) {
    t.close(t.ctx);
    return 1;
  }
  uint64_t r = 5;
  for (size_t i = 0; i < 4u * steps * 256u; i++) x[i] = (int32_t)(lcg(&r) % (8u << 16)) - (4 << 16);
  t.mem_write(t.ctx, rec, x, 16u * steps * 256u);
  for (unsigned j = 0; j < 3; j++) {
    uint64_t cyc[2];
    for (int hg = 0; hg < 2; hg++) { /* DIAG reads the same bytes as 8-byte records */
      npe_desc_fields f = {0};
      f.op = NPE_OP_RECUR;
      f.n = (uint16_t)hs[j];
      f.t = (uint16_t)steps;
      f.addr_a = rec;
      f.addr_c = out;
      f.aux = (uint32_t)(hg ? NPE_RECUR_MODE_HGRN : NPE_RECUR_MODE_DIAG) << NPE_RECUR_AUX_MODE_LSB;
      cyc[hg] = bench_run_direct(s, &f);
      if (!cyc[hg]) {
        free(x);
        t.close(t.ctx);
        return 1;
      }
    }
    printf("BENCH recur_hgrn_h%u_t%u_cycles_per_step %.1f cycles\n", hs[j], steps,
           (double)cyc[1] / steps);
    printf("BENCH recur_hgrn_h%u_t%u_of_roofline %.1f %%\n", hs[j], steps,
           100.0 * 2.0 * hs[j] * steps / (double)cyc[1]);
    printf("BENCH recur_diag_h%u_t%u_cycles_per_step %.1f cycles\n", hs[j], steps,
           (double)cyc[0] / steps);
    printf("BENCH recur_hgrn_over_diag_h%u %.3f ratio\n", hs[j], (double)cyc[1] / (double)cyc[0]);
  }
  free(x);
  t.close(t.ctx);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && !strcmp(argv[1], "rowscale")) return bench_rowscale();
  if (argc > 1 && !strcmp(argv[1], "hgrn")) return bench_hgrn();
  if (bench_gated() || bench_rowscale() || bench_hgrn()) return 1;
  static const unsigned lat[2] = {100, 20};
  static const uint32_t hs[4] = {1, 64, 256, 1024};
  const uint32_t elems = 1u << 18; /* 2 MiB of records per run */
  uint32_t *rec = malloc(8u * elems);
  if (!rec) return 1;
  uint64_t r = 99;
  for (uint32_t i = 0; i < 2 * elems; i++) {
    r = r * 6364136223846793005ull + 1442695040888963407ull;
    /* a in [-1, 1) (odd words), b small (even words) */
    rec[i] = (i & 1) ? (uint32_t)((int32_t)(r >> 33) - (1 << 30)) : (uint32_t)(r >> 48);
  }
  for (int l = 0; l < 2; l++) {
    npesim_config c;
    memset(&c, 0, sizeof c);
    c.read_latency = lat[l];
    c.write_latency = lat[l] / 4 + 1;
    npe_transport t;
    if (npe_transport_sim_open(&c, &t)) return 1;
    npesim *s = npe_transport_sim_get(&t);
    const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20), out = NPE_SIM_MEM_BASE + (64u << 20);
    t.mem_write(t.ctx, base, rec, 8u * elems);
    npesim_csr_write(s, NPE_CTRL_REG_OFFSET, 1u << NPE_CTRL_PERF_EN_BIT);
    for (int k = 0; k < 4; k++) {
      for (int last = 0; last < 2; last++) {
        if (last && (l || k != 2)) continue;
        npe_desc_fields f = {0};
        f.op = NPE_OP_RECUR;
        f.n = (uint16_t)hs[k];
        f.t = (uint16_t)(hs[k] == 1 ? 65535 : elems / hs[k]);
        f.addr_a = base;
        f.addr_c = out;
        f.aux = (uint32_t)NPE_RECUR_MODE_DIAG << NPE_RECUR_AUX_MODE_LSB |
                (uint32_t)last << NPE_RECUR_AUX_OUT_LAST_BIT;
        uint64_t cyc = bench_run_direct(s, &f);
        if (!cyc) return 1;
        double epc = (double)f.t * f.n / (double)cyc;
        printf("BENCH recur_diag_h%u_t%u%s_lat%u_elems_per_cycle %.3f elem/cycle\n", hs[k], f.t,
               last ? "_outlast" : "", lat[l], epc);
        printf("BENCH recur_diag_h%u_t%u%s_lat%u_of_dma_roofline %.1f %%\n", hs[k], f.t,
               last ? "_outlast" : "", lat[l], 100 * epc);
      }
    }
    t.close(t.ctx);
  }
  free(rec);
  return 0;
}
