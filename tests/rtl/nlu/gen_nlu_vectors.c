/* SPDX-License-Identifier: Apache-2.0 */
/* Writes the vectors of the Icarus smoke test into directory argv[1]:
 * table.hex (bank A entries 1..15 then bank B, 17-bit hex), cfg.hex (B,
 * two_seg, split), in.hex (input codes) and want.hex (golden codes), for
 * SiLU at B = 4 (a two-segment table exercises both banks). */
#include <stdio.h>
#include <sys/stat.h>

#include "npe_nlu.h"

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: gen_nlu_vectors DIR\n");
    return 2;
  }
  mkdir(argv[1], 0777);
  npe_nlu_spec s;
  npe_nlu_table t;
  if (npe_nlu_spec_default(NPE_NLU_SILU, 4, &s) || npe_nlu_table_gen(&s, &t)) return 1;
  char path[4096];
  FILE *f;
  snprintf(path, sizeof path, "%s/table.hex", argv[1]);
  if (!(f = fopen(path, "w"))) return 1;
  for (unsigned sg = 0; sg < 2; sg++)
    for (unsigned j = 0; j < 15; j++) fprintf(f, "%05x\n", (unsigned)t.seg_t[sg][j] & 0x1ffffu);
  fclose(f);
  snprintf(path, sizeof path, "%s/cfg.hex", argv[1]);
  if (!(f = fopen(path, "w"))) return 1;
  fprintf(f, "%x\n%x\n%04x\n", t.bits, t.nseg == 2, (unsigned)t.split & 0xffffu);
  fclose(f);
  FILE *fi, *fw;
  snprintf(path, sizeof path, "%s/in.hex", argv[1]);
  if (!(fi = fopen(path, "w"))) return 1;
  snprintf(path, sizeof path, "%s/want.hex", argv[1]);
  if (!(fw = fopen(path, "w"))) return 1;
  /* 512 inputs, 64 conversions of 8 columns, spread over the whole range. */
  for (int i = 0; i < 512; i++) {
    int32_t x = -32768 + i * 128 + (i % 7) * 3;
    unsigned c;
    npe_nlu_table_eval(&t, x, &c);
    fprintf(fi, "%04x\n", (unsigned)x & 0xffffu);
    fprintf(fw, "%02x\n", c);
  }
  fclose(fi);
  fclose(fw);
  return 0;
}
