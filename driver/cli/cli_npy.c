/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .npy files for the npe tool: 2-D C-order float32 / float64 arrays (NumPy
 * format versions 1 to 3), read into doubles.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

int cli_read_npy(const char *path, const char *who, double **out, uint32_t *rows,
                 uint32_t *cols) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  unsigned char pre[10];
  int ok = fread(pre, 1, 10, f) == 10 && !memcmp(pre, "\x93NUMPY", 6);
  size_t hlen = 0, hdr_bytes = 10;
  if (ok && pre[6] == 1) {
    hlen = pre[8] | (size_t)pre[9] << 8;
  } else if (ok && (pre[6] == 2 || pre[6] == 3)) {
    unsigned char b2[2];
    ok = fread(b2, 1, 2, f) == 2;
    hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)b2[0] << 16 | (size_t)b2[1] << 24;
    hdr_bytes = 12;
  } else {
    ok = 0;
  }
  (void)hdr_bytes;
  char *h = ok && hlen < 65536 ? calloc(hlen + 1, 1) : NULL;
  ok = h && fread(h, 1, hlen, f) == hlen;
  int f8 = ok && strstr(h, "'<f8'") != NULL, f4 = ok && strstr(h, "'<f4'") != NULL;
  unsigned long r = 0, c = 0;
  char *shape = ok ? strstr(h, "'shape':") : NULL;
  ok = ok && (f8 || f4) && strstr(h, "'fortran_order': False") && shape &&
       sscanf(shape, "'shape': (%lu, %lu)", &r, &c) == 2 && r > 0 && c > 0 &&
       r < (1ul << 20) && c < (1ul << 20);
  free(h);
  double *v = ok ? malloc(r * c * sizeof *v) : NULL;
  for (size_t i = 0; v && i < r * c; i++) {
    if (f8) {
      ok = fread(&v[i], 8, 1, f) == 1;
    } else {
      float x;
      ok = fread(&x, 4, 1, f) == 1;
      v[i] = x;
    }
    if (!ok || !isfinite(v[i])) {
      ok = 0;
      break;
    }
  }
  fclose(f);
  if (!ok || !v) {
    fprintf(stderr, "%s: %s: not a 2-D C-order float32/float64 .npy of finite values\n", who,
            path);
    free(v);
    return -1;
  }
  *out = v;
  *rows = (uint32_t)r;
  *cols = (uint32_t)c;
  return 0;
}
