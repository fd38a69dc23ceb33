/* SPDX-License-Identifier: Apache-2.0 */
/* Benchmark: y = f(W x) for a 64x64 recurrent mat-vec on the analog crossbar
 * tile versus the digital path (MAC array + NLU), latency and estimated
 * energy per activation at B = 5 (the paper's demonstrated resolution) and
 * B = 8. The crossbar latency is measured by running the model; the digital
 * latency by the same model in exact (FPGA) mode. */
#include <stdio.h>

#include "npe_nlu.h"
#include "npe_xbar.h"

static int one(unsigned bits, int print_plain) {
  npe_xbar_cfg cfg;
  npe_xbar_energy e;
  npe_xbar *xb;
  static int16_t w[64 * 64], x[64];
  unsigned codes[64];
  npe_nlu_spec s;
  npe_nlu_table t;
  uint64_t cyc_a = 0, cyc_d = 0, prog = 0, c2;
  double pj_a, pj_d;
  if (npe_xbar_cfg_default(&cfg, 64, 64) || npe_xbar_energy_default(&cfg, &e) ||
      npe_nlu_spec_default(NPE_NLU_SIGMOID, bits, &s) || npe_nlu_table_gen(&s, &t))
    return 1;
  for (int i = 0; i < 64 * 64; i++) w[i] = (int16_t)((i * 37) % 127 - 63);
  for (int i = 0; i < 64; i++) x[i] = (int16_t)((i * 53) % 255 - 127);
  cfg.acc_shift = 6;
  for (int exact = 0; exact <= 1; exact++) {
    cfg.exact = exact;
    if (npe_xbar_create(&cfg, &xb)) return 1;
    if (npe_xbar_program(xb, w, &t, exact ? &c2 : &prog) ||
        npe_xbar_run(xb, x, codes, exact ? &cyc_d : &cyc_a))
      return 1;
    npe_xbar_destroy(xb);
  }
  if (npe_xbar_matvec_cost(&cfg, &e, bits, 1, &pj_a, &c2) ||
      npe_xbar_matvec_cost(&cfg, &e, bits, 0, &pj_d, &c2))
    return 1;
  const char *sfx = print_plain ? "" : (bits == 5 ? "_b5" : "_b8");
  printf("BENCH xbar_matvec64_latency%s %llu cycles\n", sfx, (unsigned long long)cyc_a);
  printf("BENCH xbar_matvec64_energy_per_act%s %.3f pJ\n", sfx, pj_a / 64);
  printf("BENCH digital_matvec64_latency%s %llu cycles\n", sfx, (unsigned long long)cyc_d);
  printf("BENCH digital_matvec64_energy_per_act%s %.3f pJ\n", sfx, pj_d / 64);
  if (print_plain)
    printf("BENCH xbar_program64_cycles %llu cycles\n", (unsigned long long)prog);
  return 0;
}

int main(void) {
  /* Plain names at B = 8 (the RTL's largest), suffixed ones for B = 5. */
  return one(8, 1) || one(5, 0);
}
