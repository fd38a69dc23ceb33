/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .npy files for the npe tool: the header parser (NumPy format versions 1 to
 * 3, any dtype, up to CLI_NPY_MAX_DIMS dimensions) that the .npz reader
 * shares, and 2-D C-order float32 / float64 arrays read into doubles.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

/* The value text after 'key': in the header dict, or NULL. */
static const char *dict_value(const char *h, const char *key) {
  const char *p = strstr(h, key);
  if (!p) return NULL;
  p += strlen(key);
  while (*p == ' ') p++;
  return p;
}

const char *cli_npy_parse(const unsigned char *buf, size_t len, cli_npy *out) {
  if (len < 10 || memcmp(buf, "\x93NUMPY", 6)) return "not a .npy array (no \\x93NUMPY magic)";
  size_t hlen, off;
  if (buf[6] == 1) {
    hlen = buf[8] | (size_t)buf[9] << 8, off = 10;
  } else if ((buf[6] == 2 || buf[6] == 3) && len >= 12) {
    hlen = buf[8] | (size_t)buf[9] << 8 | (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
    off = 12;
  } else {
    return "unknown .npy format version";
  }
  if (hlen > 65536 || hlen > len - off) return "truncated .npy header";
  char h[65537];
  memcpy(h, buf + off, hlen);
  h[hlen] = 0;
  cli_npy a;
  memset(&a, 0, sizeof a);
  /* 'descr': '<f4' */
  const char *p = dict_value(h, "'descr':");
  size_t n = 0;
  if (!p || *p != '\'') return "no 'descr' in the .npy header";
  for (p++; *p && *p != '\'' && n + 1 < sizeof a.descr; p++) a.descr[n++] = *p;
  if (*p != '\'') return "bad 'descr' in the .npy header";
  /* 'fortran_order': False */
  p = dict_value(h, "'fortran_order':");
  if (!p || (strncmp(p, "False", 5) && strncmp(p, "True", 4)))
    return "no 'fortran_order' in the .npy header";
  a.fortran = *p == 'T';
  /* 'shape': (), (n,), (r, c), ... */
  p = dict_value(h, "'shape':");
  if (!p || *p != '(') return "no 'shape' in the .npy header";
  a.count = 1;
  for (p++;;) {
    while (*p == ' ') p++;
    if (*p == ')') break;
    char *end;
    unsigned long long d = strtoull(p, &end, 10);
    if (end == p || a.ndim == CLI_NPY_MAX_DIMS || d > (1ull << 32)) return "bad 'shape' in the .npy header";
    a.shape[a.ndim++] = d;
    a.count *= d;
    if (a.count > (1ull << 40)) return "bad 'shape' in the .npy header";
    p = end;
    while (*p == ' ') p++;
    if (*p == ',') p++;
    else if (*p != ')') return "bad 'shape' in the .npy header";
  }
  /* element size from the dtype: <f4 <f8 <i8 |i1 |u1 <U12 ... */
  unsigned long es = 0;
  if (strlen(a.descr) >= 3 && strchr("<|=", a.descr[0])) {
    es = strtoul(a.descr + 2, NULL, 10);
    if (a.descr[1] == 'U') es *= 4; /* UTF-32 code units */
  }
  if (!es) return "unknown dtype in the .npy header";
  a.elem_bytes = es;
  a.data = buf + off + hlen;
  a.data_bytes = len - off - hlen;
  if (a.data_bytes < a.count * es) return "truncated .npy data";
  *out = a;
  return NULL;
}

int cli_read_npy(const char *path, const char *who, double **out, uint32_t *rows,
                 uint32_t *cols) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  unsigned char *buf = NULL;
  size_t len = 0, cap = 0;
  for (;;) { /* the whole file: the header parser works on memory */
    if (len == cap) {
      unsigned char *nb = cap < (1u << 30) ? realloc(buf, cap = cap ? 2 * cap : 65536) : NULL;
      if (!nb) break;
      buf = nb;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (!got) break;
  }
  fclose(f);
  cli_npy a;
  int ok = buf && !cli_npy_parse(buf, len, &a) && a.ndim == 2 && !a.fortran &&
           (!strcmp(a.descr, "<f4") || !strcmp(a.descr, "<f8")) && a.shape[0] > 0 &&
           a.shape[1] > 0 && a.shape[0] < (1ul << 20) && a.shape[1] < (1ul << 20);
  double *v = ok ? malloc(a.count * sizeof *v) : NULL;
  for (size_t i = 0; v && i < a.count; i++) {
    if (a.elem_bytes == 8) {
      memcpy(&v[i], a.data + 8 * i, 8);
    } else {
      float x;
      memcpy(&x, a.data + 4 * i, 4);
      v[i] = x;
    }
    if (!isfinite(v[i])) {
      ok = 0;
      break;
    }
  }
  free(buf);
  if (!ok || !v) {
    fprintf(stderr, "%s: %s: not a 2-D C-order float32/float64 .npy of finite values\n", who,
            path);
    free(v);
    return -1;
  }
  *out = v;
  *rows = (uint32_t)a.shape[0];
  *cols = (uint32_t)a.shape[1];
  return 0;
}
