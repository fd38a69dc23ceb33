/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_recur_engine: the RECUR opcode (DIAG mode) on the simulated engine
 * (64-bit AXI, 100-cycle read latency): state elements updated per cycle
 * for one descriptor of T x H records, against the DMA roofline. A record
 * {a, b} is 8 bytes, one read beat, and the read port moves one beat per
 * cycle, so the roofline is 1 element per cycle (the int32 results, 4 bytes
 * each, go out on the separate write channel). Prints "BENCH <name> <value>
 * <unit>" lines only.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bench_sim.h"

int main(void) {
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
