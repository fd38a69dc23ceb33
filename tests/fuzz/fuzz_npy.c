/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: the .npy reader of the npe tool (driver/cli/cli_npy.c,
 * cli_npy_parse) on arbitrary bytes. Besides memory safety it checks what
 * the reader promises: an accepted file is 2-D with finite float values (or
 * integers of its dtype), and a refused one comes with a message.
 */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  cli_npy a;
  char err[256] = "";
  if (cli_npy_parse(data, size, &a, err, sizeof err)) {
    if (!err[0] || a.v || a.rows || a.cols) abort(); /* a reason, and nothing returned */
    return 0;
  }
  if (!a.v || a.rows == 0 || a.cols == 0 || a.rows > CLI_NPY_MAX_DIM || a.cols > CLI_NPY_MAX_DIM)
    abort();
  for (size_t i = 0; i < (size_t)a.rows * a.cols; i++) {
    double x = a.v[i];
    if (!isfinite(x)) abort();
    if (a.is_int && (x != floor(x) || fabs(x) > 4294967295.0)) abort();
  }
  if (a.fmt_name[0] && !(a.scale > 0)) abort();
  cli_npy_free(&a);
  return 0;
}
