/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_pe_vectors - writes npe_pe stimulus and golden expected results as hex
 * files for the Icarus testbench (tb_pe_icarus.sv): a smaller run than the
 * Verilator one, for the PE built with a given FormatMask.
 *
 * Usage: gen_pe_vectors MASK PREFIX [SEED]
 *   MASK    hex FormatMask of the PE build (3f = all formats)
 *   writes  PREFIX.stim.hex  one cycle a line: valid clear last read fmt rd_fmt a b
 *                            as bits 41 40 39 38 37:35 34:32 31:16 15:0
 *           PREFIX.exp.hex   one result a line: flags(49:48) fmt(47:32) f32(31:0)
 *           PREFIX.cnt.hex   16 expected counter values (cnt_sel 0..15)
 *   prints  the vvp plusargs that name the files and their lengths.
 */
#include <stdio.h>
#include <stdlib.h>

#include "pe_stim.h"

int main(int argc, char **argv) {
  if (argc < 3) {
    fprintf(stderr, "usage: %s MASK PREFIX [SEED]\n", argv[0]);
    return 2;
  }
  unsigned mask = (unsigned)strtoul(argv[1], NULL, 16) & 0x3f;
  uint64_t seed = argc > 3 ? strtoull(argv[3], NULL, 0) : 1;
  if (!mask) return 2;
  pe_stim s;
  pe_stim_init(&s, seed, mask);
  int all = mask == 0x3f;

  pe_idle(&s, 1); /* the cycle that clears the counters */
  if (mask & (1u << NPE_FMT_FP4)) suite_exhaustive_small(&s, NPE_FMT_FP4);
  if (mask & (1u << NPE_FMT_POSIT4)) suite_exhaustive_small(&s, NPE_FMT_POSIT4);
  static const npe_fmt rnd[] = {NPE_FMT_POSIT8, NPE_FMT_POSIT16, NPE_FMT_INT8, NPE_FMT_TERNARY};
  for (size_t i = 0; i < sizeof rnd / sizeof rnd[0]; i++)
    if (mask & (1u << rnd[i])) suite_random_words(&s, rnd[i], all ? 500 : 1500);
  suite_edges(&s);
  suite_invalid_ternary(&s);
  suite_dots(&s, all ? 30 : 12, 256);
  if (s.bad) {
    fprintf(stderr, "gen_pe_vectors: a golden-library call failed\n");
    return 1;
  }

  char name[4096];
  snprintf(name, sizeof name, "%s.stim.hex", argv[2]);
  FILE *f = fopen(name, "w");
  if (!f) return perror(name), 1;
  for (size_t i = 0; i < s.ncyc; i++) {
    const pe_cycle *c = &s.cyc[i];
    unsigned long long w = ((unsigned long long)c->valid << 41) |
                           ((unsigned long long)c->clear << 40) |
                           ((unsigned long long)c->last << 39) |
                           ((unsigned long long)c->read << 38) |
                           ((unsigned long long)(c->fmt & 7) << 35) |
                           ((unsigned long long)(c->rd_fmt & 7) << 32) |
                           ((unsigned long long)c->a << 16) | c->b;
    fprintf(f, "%011llx\n", w);
  }
  fclose(f);
  snprintf(name, sizeof name, "%s.exp.hex", argv[2]);
  f = fopen(name, "w");
  if (!f) return perror(name), 1;
  for (size_t i = 0; i < s.nres; i++) {
    const pe_result *r = &s.res[i];
    fprintf(f, "%013llx\n", ((unsigned long long)(r->flags & 3) << 48) |
                                ((unsigned long long)r->bits << 32) | r->f32);
  }
  fclose(f);
  snprintf(name, sizeof name, "%s.cnt.hex", argv[2]);
  f = fopen(name, "w");
  if (!f) return perror(name), 1;
  for (unsigned sel = 0; sel < 16; sel++) {
    unsigned long long v = 0;
    if (sel < NPE_FMT_COUNT) v = s.macs[sel];
    else if (sel >= 8 && sel < 8 + NPE_FMT_COUNT) v = s.gated[sel - 8];
    else if (sel == 15) v = s.idle;
    fprintf(f, "%012llx\n", v);
  }
  fclose(f);
  printf("+stim=%s.stim.hex +exp=%s.exp.hex +cnt=%s.cnt.hex +ncyc=%zu +nres=%zu\n", argv[2],
         argv[2], argv[2], s.ncyc, s.nres);
  pe_stim_free(&s);
  return 0;
}
