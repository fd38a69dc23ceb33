// SPDX-License-Identifier: Apache-2.0
// npesim_xbar.h - libnpesim internals: the analog crossbar behind the XBAR
// opcode (npesim_xbar.cpp). Not part of the public npesim.h API.
#ifndef NPESIM_XBAR_H
#define NPESIM_XBAR_H

#include <cstdint>

#include "npe_regs.h"
#include "npe_xbar.h"

struct NpesimXbar {
  static constexpr int kMaxN = 64, kMaxK = 64, kMaxM = 16;
  bool analog = false;
  npe_xbar_cfg cfg{};            // the user's tile settings (noise, pulses, seed)
  int8_t wflat[kMaxN * kMaxK]{}; // programmed words, tile order
  int n = 0, kw = 0;
  bool have_w = false, ramp_charged = false;
  int8_t x[kMaxM][kMaxK]{};      // this run's input vectors
  int32_t tbl[512]{};            // NLU_TBL as written by the host
  int32_t ramp[512]{};           // the table the model tile was programmed with
  uint32_t tbl_addr = 0;
  unsigned codes[kMaxM][kMaxN]{};
  npe_xbar *tile = nullptr;
  int bits = -1, shr = -1;
  ~NpesimXbar();
  void csr_written(uint32_t off, uint32_t val);  // after an OKAY CSR write
};

// The simulator whose model the next eval() runs (DPI calls land there).
void npesim_xbar_select(NpesimXbar *x);

#endif
