// SPDX-License-Identifier: Apache-2.0
// npesim_xbar.cpp - the DPI side of rtl/engine/npe_xbar_unit.sv (built with
// NPE_XBAR_DPI): with npesim_config.xbar_analog set, the XBAR opcode runs the
// analog tile model of models/xbar instead of the exact digital path. The RTL
// hands over each programmed weight word and each input word; a run programs
// the model tile (W, the NLU table the host wrote through NLU_TBL_*) the first
// time it is needed and returns the model's codes and cycles.
#include "npesim_xbar.h"

#include <cstring>

#include "Vnpe_top__Dpi.h"

namespace {
// The simulator whose model is being evaluated (one thread drives one model).
thread_local NpesimXbar *g_cur = nullptr;

int32_t sext17(uint32_t v) { return (int32_t)(v << 15) >> 15; }
}  // namespace

void npesim_xbar_select(NpesimXbar *x) { g_cur = x; }

NpesimXbar::~NpesimXbar() { npe_xbar_destroy(tile); }

void NpesimXbar::csr_written(uint32_t off, uint32_t val) {
  if (off == NPE_NLU_TBL_ADDR_REG_OFFSET) {
    tbl_addr = val & 0x1ffu;
  } else if (off == NPE_NLU_TBL_DATA_REG_OFFSET) {
    tbl[tbl_addr] = sext17(val);
    tbl_addr = (tbl_addr + 1) & 0x1ffu;
  }
}

int npe_xbar_dpi_analog() { return g_cur && g_cur->analog ? 1 : 0; }

void npe_xbar_dpi_weight(int t, long long word) {
  if (!g_cur || t < 0 || t >= NpesimXbar::kMaxN * NpesimXbar::kMaxK / 8) return;
  for (int i = 0; i < 8; i++) g_cur->wflat[8 * t + i] = (int8_t)((uint64_t)word >> (8 * i));
}

int npe_xbar_dpi_program(int n, int kw) {
  if (!g_cur) return 0;
  NpesimXbar &x = *g_cur;
  x.n = n, x.kw = kw, x.have_w = true;
  npe_xbar_destroy(x.tile);  // the model tile is made at the first run
  x.tile = nullptr;
  x.ramp_charged = false;
  // every weight device (a differential pair each) and the 5 bias devices;
  // the ramp column's 2^B - 1 devices are charged at the first run
  return (int)((2ull * (unsigned)n * 8u * (unsigned)kw + NPE_XBAR_BIAS_DEVICES) *
               x.cfg.prog_pulses * x.cfg.prog_pulse_cycles);
}

void npe_xbar_dpi_input(int r, int w, long long word) {
  if (!g_cur || r < 0 || r >= NpesimXbar::kMaxM || w < 0 || w >= NpesimXbar::kMaxK / 8) return;
  for (int i = 0; i < 8; i++) g_cur->x[r][8 * w + i] = (int8_t)((uint64_t)word >> (8 * i));
}

int npe_xbar_dpi_run(int m, int n, int kw, int bits, int shr) {
  if (!g_cur || !g_cur->have_w || n != g_cur->n || kw != g_cur->kw || m < 1 ||
      m > NpesimXbar::kMaxM)
    return 0;
  NpesimXbar &x = *g_cur;
  const unsigned rows = 8u * (unsigned)kw, cols = (unsigned)n;
  uint64_t cycles = 0;
  // The ramp column holds the table: a new B or new thresholds reprogram it.
  bool new_ramp = bits != x.bits;
  for (unsigned j = 1; j < (1u << bits) && !new_ramp; j++) new_ramp = x.tbl[j] != x.ramp[j];
  if (!x.tile || new_ramp || shr != x.shr) {
    npe_xbar_destroy(x.tile);
    x.tile = nullptr;
    npe_xbar_cfg c = x.cfg;
    c.rows = rows, c.cols = cols;
    c.g_levels = 129;  // weights -128..127 within +-(G-1)
    c.dac_bits = 9;    // inputs -128..127 within +-(2^(d-1) - 1)
    c.acc_shift = (unsigned)shr;
    npe_nlu_table tab;
    std::memset(&tab, 0, sizeof tab);
    tab.bits = (unsigned)bits, tab.nseg = 1;
    for (unsigned j = 1; j < (1u << bits); j++) tab.seg_t[0][j - 1] = x.tbl[j];
    static int16_t w16[NpesimXbar::kMaxN * NpesimXbar::kMaxK];
    for (unsigned o = 0; o < cols; o++)
      for (unsigned i = 0; i < rows; i++) w16[o * rows + i] = x.wflat[o * rows + i];
    if (npe_xbar_create(&c, &x.tile) != NPE_OK) return 0;
    if (npe_xbar_program(x.tile, w16, &tab, nullptr) != NPE_OK) {
      npe_xbar_destroy(x.tile);
      x.tile = nullptr;
      return 0;
    }
    if (new_ramp || !x.ramp_charged)
      cycles += ((1ull << bits) - 1) * x.cfg.prog_pulses * x.cfg.prog_pulse_cycles;
    x.ramp_charged = true;
    x.bits = bits, x.shr = shr;
    std::memcpy(x.ramp, x.tbl, sizeof x.ramp);
  }
  for (int r = 0; r < m; r++) {
    int16_t in[NpesimXbar::kMaxK];
    for (unsigned i = 0; i < rows; i++) in[i] = x.x[r][i];
    uint64_t c = 0;
    if (npe_xbar_run(x.tile, in, x.codes[r], &c) != NPE_OK) return 0;
    cycles += c;
  }
  return (int)(cycles > 0x7fffffffull ? 0x7fffffff : cycles);
}

int npe_xbar_dpi_code(int r, int j) {
  if (!g_cur || r < 0 || r >= NpesimXbar::kMaxM || j < 0 || j >= NpesimXbar::kMaxN) return 0;
  return (int)g_cur->codes[r][j];
}
