/* SPDX-License-Identifier: Apache-2.0 */
/*
 * sherry_rows.c - the golden Sherry quantiser applied to each row of a
 * matrix, for tests/lm/test_lm.py to check the trainer's mirror of it
 * (tools/lm/models.py sherry_rows_np / sherry_rows) bit for bit.
 *
 * Usage: sherry_rows IN OUT. IN: uint32 rows, uint32 cols, then rows*cols
 * float32 (little-endian, row-major). OUT: rows*cols int8 in {-1, 0, 1}, then
 * rows float32 scales. Exit status 0, or 1 on any error.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "npe_format.h"

int main(int argc, char **argv) {
  if (argc != 3) {
    fprintf(stderr, "usage: sherry_rows IN OUT\n");
    return 1;
  }
  FILE *in = fopen(argv[1], "rb");
  uint32_t dim[2];
  if (!in || fread(dim, 4, 2, in) != 2 || !dim[0] || !dim[1] || dim[1] % 4) {
    fprintf(stderr, "sherry_rows: bad input %s\n", argv[1]);
    return 1;
  }
  size_t rows = dim[0], cols = dim[1];
  float *x = malloc(rows * cols * sizeof *x), *scale = malloc(rows * sizeof *scale);
  uint8_t *code = malloc(rows * cols);
  int8_t *t = malloc(rows * cols);
  if (!x || !scale || !code || !t || fread(x, sizeof *x, rows * cols, in) != rows * cols) {
    fprintf(stderr, "sherry_rows: short input or no memory\n");
    return 1;
  }
  fclose(in);
  for (size_t r = 0; r < rows; r++) {
    int rc = npe_quantize_sherry(x + r * cols, cols, code + r * cols, &scale[r]);
    if (rc) {
      fprintf(stderr, "sherry_rows: row %zu: %s\n", r, npe_strerror(rc));
      return 1;
    }
  }
  /* ternary codes: 0 -> 0, 1 -> +1, 3 -> -1 */
  for (size_t i = 0; i < rows * cols; i++) t[i] = code[i] == 3 ? -1 : code[i] == 1 ? 1 : 0;
  FILE *out = fopen(argv[2], "wb");
  if (!out || fwrite(t, 1, rows * cols, out) != rows * cols ||
      fwrite(scale, sizeof *scale, rows, out) != rows || fclose(out)) {
    fprintf(stderr, "sherry_rows: cannot write %s\n", argv[2]);
    return 1;
  }
  free(x), free(scale), free(code), free(t);
  return 0;
}
