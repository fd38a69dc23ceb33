/* SPDX-License-Identifier: Apache-2.0 */
/*
 * libFuzzer target: what `npe format` parses (driver/cli/cmd_format.c).
 * The first byte picks the mode and format; the rest is either the
 * argument list of `npe format encode|decode F ARGS...` (split at NULs and
 * newlines) or the stdin of `npe format dot F`. Checks: the exit status is
 * 0 or 2 (never 1: there is no device to fail), and nothing leaks
 * (LeakSanitizer). Output goes to /dev/null (run with -close_fd_mask=3 to
 * drop the messages on stderr).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  (void)argc, (void)argv;
  if (!freopen("/dev/null", "w", stdout)) abort();
  return 0;
}

static const char *const fmts[8] = {"fp4", "posit4", "posit8", "posit16",
                                    "int8", "ternary", "posit9", ""};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > 4096) return 0;
  unsigned mode = data[0] >> 3 & 3u, sub = data[0] >> 5 & 1u;
  const char *fname = fmts[data[0] & 7u];
  data++, size--;
  int rc;
  if (mode == 2) { /* dot: the rest is stdin */
    npe_fmt f;
    if (npe_fmt_from_name(fname, &f)) return 0;
    FILE *in = fmemopen((void *)(size ? data : (const uint8_t *)""), size ? size : 1, "r");
    if (!in) return 0;
    rc = cli_format_dot(f, in);
    fclose(in);
  } else {
    char *text = malloc(size + 1);
    char **argv = malloc((size + 4) * sizeof *argv);
    if (!text || !argv) abort();
    memcpy(text, data, size);
    text[size] = 0;
    int argc = 0;
    argv[argc++] = mode == 3 ? "decode" : mode == 1 ? "encode" : sub ? "decode" : "encode";
    argv[argc++] = (char *)fname;
    for (char *p = text, *tok = text;; p++) {
      if (*p == 0 || *p == '\n') {
        int end = *p == 0 && p == text + size;
        *p = 0;
        argv[argc++] = tok;
        tok = p + 1;
        if (end) break;
      }
    }
    argv[argc] = NULL;
    rc = npe_cmd_format(argc, argv);
    free(argv);
    free(text);
  }
  fflush(stdout);
  if (rc != NPE_EXIT_OK && rc != NPE_EXIT_USAGE) abort();
  return 0;
}
