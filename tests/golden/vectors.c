/* SPDX-License-Identifier: Apache-2.0 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"

long vec_foreach(const char *file, vec_cb cb, void *ctx) {
  const char *dir = getenv("NPE_VECTORS");
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir ? dir : "tests/vectors", file);
  FILE *f = fopen(path, "r");
  if (!f) return -1;
  char *line = NULL;
  size_t cap = 0;
  long count = 0;
  char **fields = NULL;
  size_t fcap = 0;
  while (getline(&line, &cap, f) >= 0) {
    if (line[0] == '#' || line[0] == '\n') continue;
    int nf = 0;
    for (char *tok = strtok(line, " \n"); tok; tok = strtok(NULL, " \n")) {
      if ((size_t)nf == fcap) {
        fcap = fcap ? 2 * fcap : 64;
        fields = realloc(fields, fcap * sizeof *fields);
        if (!fields) abort();
      }
      fields[nf++] = tok;
    }
    count++;
    if (cb(fields, nf, ctx)) break;
  }
  free(fields);
  free(line);
  fclose(f);
  return count;
}

uint32_t random_pattern(npe_fmt f, uint64_t *s) {
  uint32_t w = npe_fmt_bits(f);
  for (;;) {
    uint32_t p = (uint32_t)(rng_next(s) >> 40) & ((1u << w) - 1);
    double v;
    if (npe_decode(f, p, &v) == NPE_OK) return p;
  }
}
