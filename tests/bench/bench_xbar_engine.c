/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_xbar_engine: the XBAR opcode on the simulated engine, a 64 x 64 INT8
 * tile and one input vector through a sigmoid at B = 5 and 8: device cycles
 * of PROGRAM and of a run (its NLU phase included; the first run after a new
 * table, and a repeated one), on the exact digital
 * path (the FPGA build) and on the analog tile model (npesim_config.
 * xbar_analog, the model's default non-idealities and programming pulses).
 * Prints "BENCH <name> <value> <unit>" lines only.
 */
#include <stdio.h>
#include <string.h>

#include "npe_nlu.h"
#include "bench_sim.h"
#include "npe_xbar.h"

int main(void) {
  static int8_t w[64 * 64], x[64];
  uint64_t r = 0x1234567;
  for (size_t i = 0; i < sizeof w; i++) w[i] = (int8_t)((r = r * 6364136223846793005ull + 1) >> 57) - 64;
  for (size_t i = 0; i < sizeof x; i++) x[i] = (int8_t)((r = r * 6364136223846793005ull + 1) >> 57) - 64;
  for (int analog = 0; analog < 2; analog++) {
    npe_xbar_cfg xc;
    if (npe_xbar_cfg_default(&xc, 64, 64)) return 1;
    npesim_config c;
    memset(&c, 0, sizeof c);
    c.read_latency = 100;
    c.xbar_analog = analog ? &xc : NULL;
    npe_transport t;
    if (npe_transport_sim_open(&c, &t)) return 1;
    npesim *s = npe_transport_sim_get(&t);
    const uint64_t base = NPE_SIM_MEM_BASE + (1u << 20);
    t.mem_write(t.ctx, base, w, sizeof w);
    t.mem_write(t.ctx, base + 0x10000, x, sizeof x);
    const char *mode = analog ? "analog" : "digital";
    npe_desc_fields f;
    memset(&f, 0, sizeof f);
    f.op = NPE_OP_LOAD, f.spad = 1, f.m = 64, f.k = 64, f.addr_a = base, f.stride_a = 64;
    if (!bench_run_direct(s, &f)) return 1;
    memset(&f, 0, sizeof f);
    f.op = NPE_OP_XBAR, f.flags = 1u << NPE_DESC_FLAG_PROGRAM_BIT;
    f.fmt_a = f.fmt_b = NPE_FMT_INT8, f.n = 64, f.k = 64;
    uint64_t prog = bench_run_direct(s, &f);
    if (!prog) return 1;
    printf("BENCH xbar_engine_%s_program64_cycles %llu cycles\n", mode, (unsigned long long)prog);
    memset(&f, 0, sizeof f);
    f.op = NPE_OP_LOAD, f.m = 1, f.k = 64, f.addr_a = base + 0x10000, f.stride_a = 64;
    if (!bench_run_direct(s, &f)) return 1;
    static const unsigned bits[2] = {5, 8};
    for (int b = 0; b < 2; b++) {
      npe_nlu_spec spec;
      npe_nlu_table tab;
      if (npe_nlu_spec_default(NPE_NLU_SIGMOID, bits[b], &spec)) return 1;
      spec.in_frac_bits = 0;
      if (npe_nlu_table_gen(&spec, &tab)) return 1;
      npesim_csr_write(s, NPE_NLU_TBL_ADDR_REG_OFFSET, 1);
      for (unsigned j = 1; j < (1u << tab.bits); j++)
        npesim_csr_write(s, NPE_NLU_TBL_DATA_REG_OFFSET, (uint32_t)tab.seg_t[0][j - 1] & 0x1ffffu);
      memset(&f, 0, sizeof f);
      f.op = NPE_OP_XBAR, f.fmt_a = f.fmt_b = NPE_FMT_INT8, f.spad = 0x04;
      f.m = 1, f.n = 64, f.k = 64, f.aux = tab.bits | 12u << 12;
      /* the first run after a new table also programs the analog ramp column */
      uint64_t first = bench_run_direct(s, &f), cyc = bench_run_direct(s, &f);
      if (!first || !cyc) return 1;
      printf("BENCH xbar_engine_%s_run64_b%u_first_cycles %llu cycles\n", mode, bits[b],
             (unsigned long long)first);
      printf("BENCH xbar_engine_%s_run64_b%u_cycles %llu cycles\n", mode, bits[b],
             (unsigned long long)cyc);
    }
    t.close(t.ctx);
  }
  return 0;
}
