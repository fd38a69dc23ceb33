/* SPDX-License-Identifier: Apache-2.0 */
/* npe_recur_plan.c - see npe_recur_plan.h. */
#include "npe_recur_plan.h"

#include "npe_regs.h"

void npe_recur_slice(uint32_t h, uint32_t slices, uint32_t s, uint32_t *i0, uint32_t *hs) {
  uint32_t base = h / slices, extra = h % slices;
  *hs = base + (s < extra);
  *i0 = s * base + (s < extra ? s : extra);
}

uint32_t npe_recur_slices(uint32_t h, uint32_t state_words) {
  return state_words ? (uint32_t)(((uint64_t)h + state_words - 1u) / state_words) : 0u;
}

void npe_recur_desc(uint8_t desc[64], uint32_t n, uint32_t t, uint64_t addr_rec,
                    uint64_t addr_h0, uint64_t addr_out, uint32_t aux_mode, uint32_t init,
                    int out_last) {
  for (int i = 0; i < 64; i++) desc[i] = 0;
  npe_desc_set_opcode(desc, NPE_OP_RECUR);
  npe_desc_set_n(desc, (uint16_t)n);
  npe_desc_set_t(desc, (uint16_t)t);
  npe_desc_set_addr_a(desc, addr_rec);
  if (init == NPE_RECUR_INIT_LOAD) npe_desc_set_addr_b(desc, addr_h0);
  npe_desc_set_addr_c(desc, addr_out);
  npe_desc_set_aux(desc, aux_mode | init << NPE_RECUR_AUX_INIT_LSB |
                             (uint32_t)(out_last ? 1u : 0u) << NPE_RECUR_AUX_OUT_LAST_BIT);
}

void npe_recur_diag_record(uint8_t rec[8], int32_t a, int32_t b) {
  uint32_t ub = (uint32_t)b, ua = (uint32_t)a;
  for (int i = 0; i < 4; i++) {
    rec[i] = (uint8_t)(ub >> (8 * i));
    rec[4 + i] = (uint8_t)(ua >> (8 * i));
  }
}
