/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .npy files for the npe tool: a strict reader of 2-D C-order arrays
 * (NumPy format versions 1 to 3; float32/float64 values or integer
 * patterns) that names the problem with any file it refuses, its header
 * parser alone for the .npz reader (cli_npz.c), and writers for the result
 * of `npe matmul --c-out`. The parser works on a memory
 * image so tests/fuzz can run it without files.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

/* dtypes read: descr, bytes, integer?, signed? */
static const struct {
  const char *descr;
  unsigned bytes;
  int is_int, is_signed;
} npy_types[] = {
    {"<f4", 4, 0, 1}, {"<f8", 8, 0, 1}, {"|i1", 1, 1, 1}, {"<i1", 1, 1, 1}, {"|u1", 1, 1, 0},
    {"<u1", 1, 1, 0}, {"<i2", 2, 1, 1}, {"<u2", 2, 1, 0}, {"<i4", 4, 1, 1}, {"<u4", 4, 1, 0},
};

static int fail(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
  return -1;
}

/* The header dictionary, parsed by hand: {'key': value, ...} with the
 * three keys NumPy writes, each once, then spaces, an optional comment and
 * the newline. */
typedef struct {
  const char *s, *end;
} cursor;

static void skip_ws(cursor *c) {
  while (c->s < c->end && (*c->s == ' ' || *c->s == '\t')) c->s++;
}

static int eat(cursor *c, char ch) {
  skip_ws(c);
  if (c->s < c->end && *c->s == ch) {
    c->s++;
    return 1;
  }
  return 0;
}

/* A quoted string ('...' or "...") into buf (at most cap-1 characters). */
static int parse_str(cursor *c, char *buf, size_t cap) {
  skip_ws(c);
  if (c->s >= c->end || (*c->s != '\'' && *c->s != '"')) return -1;
  char q = *c->s++;
  size_t n = 0;
  while (c->s < c->end && *c->s != q) {
    if (*c->s == '\\' || n + 1 >= cap) return -1;
    buf[n++] = *c->s++;
  }
  if (c->s >= c->end) return -1;
  c->s++;
  buf[n] = 0;
  return 0;
}

int cli_npy_header(const unsigned char *buf, size_t len, cli_npy_hdr *out, char *err,
                   size_t errlen) {
  memset(out, 0, sizeof *out);
  if (len < 10 || memcmp(buf, "\x93NUMPY", 6))
    return fail(err, errlen, "not a .npy file (no \\x93NUMPY magic)");
  unsigned major = buf[6], minor = buf[7];
  size_t pre = major == 1 ? 10 : 12;
  if ((major < 1 || major > 3) || minor != 0)
    return fail(err, errlen, "unsupported .npy format version %u.%u (1.0, 2.0, 3.0)", major, minor);
  if (len < pre) return fail(err, errlen, "truncated header length");
  size_t hlen = buf[8] | (size_t)buf[9] << 8;
  if (major > 1) hlen |= (size_t)buf[10] << 16 | (size_t)buf[11] << 24;
  if (hlen > CLI_NPY_MAX_HEADER)
    return fail(err, errlen, "header of %zu bytes is larger than the %u-byte limit", hlen,
                CLI_NPY_MAX_HEADER);
  if (len - pre < hlen)
    return fail(err, errlen, "truncated header: %zu of %zu bytes", len - pre, hlen);
  const char *h = (const char *)buf + pre;
  if (hlen == 0 || h[hlen - 1] != '\n')
    return fail(err, errlen, "garbled header: it does not end in a newline");
  for (size_t i = 0; i < hlen; i++)
    if ((unsigned char)h[i] >= 0x80 || (h[i] < 0x20 && h[i] != '\n' && h[i] != '\t'))
      return fail(err, errlen, "garbled header: byte 0x%02x at offset %zu", (unsigned char)h[i],
                  pre + i);
  cursor c = {h, h + hlen - 1};
  char descr[16] = "", key[32];
  int have_descr = 0, have_order = 0, have_shape = 0, fortran = 0, rank = 0;
  unsigned long long dims[CLI_NPY_MAX_RANK];
  if (!eat(&c, '{')) return fail(err, errlen, "garbled header: no '{'");
  while (!eat(&c, '}')) {
    if (parse_str(&c, key, sizeof key) || !eat(&c, ':'))
      return fail(err, errlen, "garbled header at offset %zu: expected 'key':",
                  pre + (size_t)(c.s - h));
    skip_ws(&c);
    if (!strcmp(key, "descr")) {
      if (have_descr++) return fail(err, errlen, "garbled header: 'descr' twice");
      if (c.s < c.end && *c.s == '[')
        return fail(err, errlen, "structured dtype (need a plain numeric array)");
      if (parse_str(&c, descr, sizeof descr))
        return fail(err, errlen, "garbled header: bad 'descr' value");
    } else if (!strcmp(key, "fortran_order")) {
      if (have_order++) return fail(err, errlen, "garbled header: 'fortran_order' twice");
      if (c.end - c.s >= 4 && !memcmp(c.s, "True", 4)) fortran = 1, c.s += 4;
      else if (c.end - c.s >= 5 && !memcmp(c.s, "False", 5)) fortran = 0, c.s += 5;
      else return fail(err, errlen, "garbled header: 'fortran_order' is not True or False");
    } else if (!strcmp(key, "shape")) {
      if (have_shape++) return fail(err, errlen, "garbled header: 'shape' twice");
      if (!eat(&c, '(')) return fail(err, errlen, "garbled header: 'shape' is not a tuple");
      while (!eat(&c, ')')) {
        skip_ws(&c);
        unsigned long long d = 0;
        int digits = 0;
        while (c.s < c.end && *c.s >= '0' && *c.s <= '9') {
          if (d > (1ull << 40)) return fail(err, errlen, "shape dimension too large");
          d = d * 10 + (unsigned)(*c.s++ - '0');
          digits++;
        }
        if (!digits || rank >= CLI_NPY_MAX_RANK)
          return fail(err, errlen, "garbled header: bad 'shape' tuple");
        dims[rank++] = d;
        if (!eat(&c, ',')) {
          if (!eat(&c, ')')) return fail(err, errlen, "garbled header: bad 'shape' tuple");
          break;
        }
      }
    } else {
      return fail(err, errlen, "garbled header: unknown key '%s'", key);
    }
    if (!eat(&c, ',')) {
      if (!eat(&c, '}')) return fail(err, errlen, "garbled header: expected ',' or '}'");
      break;
    }
  }
  skip_ws(&c);
  if (c.s < c.end && *c.s == '#') { /* a comment: "# npe: format=NAME scale=X" is ours */
    char com[128];
    size_t n = (size_t)(c.end - c.s) < sizeof com - 1 ? (size_t)(c.end - c.s) : sizeof com - 1;
    memcpy(com, c.s, n);
    com[n] = 0;
    char name[16];
    int at = 0;
    if (sscanf(com, "# npe: format=%15s scale=%n", name, &at) == 1 && at > 0) {
      char *e;
      double s = strtod(com + at, &e);
      if (e == com + at || !(s > 0) || !isfinite(s) || s > 3.4e38 || s < 1e-38)
        return fail(err, errlen, "bad scale in the npe comment of the header");
      snprintf(out->fmt_name, sizeof out->fmt_name, "%s", name);
      out->scale = s;
    }
    c.s = c.end;
  }
  if (c.s != c.end) return fail(err, errlen, "garbled header: text after the dictionary");
  if (!have_descr || !have_order || !have_shape)
    return fail(err, errlen, "garbled header: missing '%s'",
                !have_descr ? "descr" : !have_order ? "fortran_order" : "shape");
  snprintf(out->descr, sizeof out->descr, "%s", descr);
  out->fortran = fortran;
  out->rank = rank;
  memcpy(out->dims, dims, sizeof dims);
  out->data = buf + pre + hlen;
  out->data_bytes = len - pre - hlen;
  return 0;
}

int cli_npy_parse(const unsigned char *buf, size_t len, cli_npy *out, char *err, size_t errlen) {
  memset(out, 0, sizeof *out);
  cli_npy_hdr hd;
  if (cli_npy_header(buf, len, &hd, err, errlen)) return -1;
  const char *descr = hd.descr;
  int fortran = hd.fortran, rank = hd.rank;
  const unsigned long long *dims = hd.dims;
  snprintf(out->fmt_name, sizeof out->fmt_name, "%s", hd.fmt_name);
  out->scale = hd.scale;
  int t = -1;
  for (size_t i = 0; i < sizeof npy_types / sizeof npy_types[0]; i++)
    if (!strcmp(descr, npy_types[i].descr)) t = (int)i;
  if (t < 0) {
    if (descr[0] == '>')
      return fail(err, errlen, "big-endian dtype '%s' (need little-endian)", descr);
    return fail(err, errlen, "dtype '%s' not supported (float32 or float64 values; int8, uint8, "
                "int16, uint16, int32 or uint32 patterns)", descr);
  }
  if (fortran)
    return fail(err, errlen, "Fortran-order array (need C order: np.ascontiguousarray)");
  if (rank != 2) {
    char sh[CLI_NPY_MAX_RANK * 24 + 4] = "(";
    for (int i = 0; i < rank; i++)
      snprintf(sh + strlen(sh), sizeof sh - strlen(sh), "%llu%s", dims[i],
               i + 1 < rank ? ", " : rank == 1 ? ",)" : ")");
    if (!rank) strcat(sh, ")");
    return fail(err, errlen, "shape %s has rank %d; need a 2-D array", sh, rank);
  }
  if (dims[0] == 0 || dims[1] == 0)
    return fail(err, errlen, "empty array, shape (%llu, %llu)", dims[0], dims[1]);
  if (dims[0] > CLI_NPY_MAX_DIM || dims[1] > CLI_NPY_MAX_DIM)
    return fail(err, errlen, "shape (%llu, %llu) exceeds %u in a dimension", dims[0], dims[1],
                CLI_NPY_MAX_DIM);
  unsigned eb = npy_types[t].bytes;
  size_t count = (size_t)dims[0] * (size_t)dims[1], need = count * eb, have = hd.data_bytes;
  if (have < need)
    return fail(err, errlen, "truncated data: %zu bytes, shape (%llu, %llu) of '%s' needs %zu",
                have, dims[0], dims[1], descr, need);
  if (have > need) return fail(err, errlen, "%zu bytes after the data", have - need);
  double *v = malloc(count * sizeof *v);
  if (!v) return fail(err, errlen, "out of memory for %zu elements", count);
  const unsigned char *p = hd.data;
  for (size_t i = 0; i < count; i++, p += eb) {
    uint64_t u = 0;
    for (unsigned b = 0; b < eb; b++) u |= (uint64_t)p[b] << (8 * b);
    double x;
    if (!npy_types[t].is_int) {
      if (eb == 4) {
        uint32_t w = (uint32_t)u;
        float f;
        memcpy(&f, &w, 4);
        x = f;
      } else {
        memcpy(&x, &u, 8);
      }
      if (!isfinite(x)) {
        free(v);
        return fail(err, errlen, "element [%zu, %zu] is %s", i / (size_t)dims[1],
                    i % (size_t)dims[1], isnan(x) ? "NaN" : x > 0 ? "+Inf" : "-Inf");
      }
    } else if (npy_types[t].is_signed) {
      unsigned sh = 64 - 8 * eb;
      x = (double)((int64_t)(u << sh) >> sh);
    } else {
      x = (double)u;
    }
    v[i] = x;
  }
  out->rows = (uint32_t)dims[0];
  out->cols = (uint32_t)dims[1];
  out->is_int = npy_types[t].is_int;
  snprintf(out->descr, sizeof out->descr, "%s", npy_types[t].descr);
  out->v = v;
  return 0;
}

void cli_npy_free(cli_npy *a) {
  free(a->v);
  a->v = NULL;
}

int cli_npy_read(const char *path, const char *who, cli_npy *out) {
  memset(out, 0, sizeof *out);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: %s: %s\n", who, path, strerror(errno));
    return -1;
  }
  /* the whole file, up to the size the largest legal array could need */
  size_t cap = 1 << 16, len = 0;
  unsigned char *buf = malloc(cap);
  char err[256] = "out of memory";
  int rc = buf ? 0 : -1;
  while (!rc) {
    if (len == cap) {
      if (cap >= CLI_NPY_MAX_FILE) {
        snprintf(err, sizeof err, "file larger than %u MiB", CLI_NPY_MAX_FILE >> 20);
        rc = -1;
        break;
      }
      unsigned char *nb = realloc(buf, cap * 2);
      if (!nb) {
        rc = -1;
        break;
      }
      buf = nb, cap *= 2;
    }
    size_t got = fread(buf + len, 1, cap - len, f);
    len += got;
    if (got == 0) {
      if (ferror(f)) snprintf(err, sizeof err, "read error: %s", strerror(errno)), rc = -1;
      break;
    }
  }
  fclose(f);
  if (!rc) rc = cli_npy_parse(buf, len, out, err, sizeof err);
  free(buf);
  if (rc) fprintf(stderr, "%s: %s: %s\n", who, path, err);
  return rc;
}

/* The header NumPy writes: the dict, spaces to a 64-byte boundary, '\n'. */
static int write_npy(const char *path, const char *descr, uint32_t rows, uint32_t cols,
                     const char *comment, const void *data, size_t bytes) {
  char h[256];
  int n = snprintf(h, sizeof h, "{'descr': '%s', 'fortran_order': False, 'shape': (%u, %u), }%s%s",
                   descr, rows, cols, comment ? " " : "", comment ? comment : "");
  if (n < 0 || n > 180) return -1;
  while ((10 + n + 1) % 64) h[n++] = ' ';
  h[n++] = '\n';
  unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)n,
                           (unsigned char)(n >> 8)};
  FILE *f = fopen(path, "wb");
  if (!f) return -1;
  int ok = fwrite(pre, 1, 10, f) == 10 && fwrite(h, 1, (size_t)n, f) == (size_t)n &&
           fwrite(data, 1, bytes, f) == bytes;
  return fclose(f) == 0 && ok ? 0 : -1;
}

int cli_npy_write_f32(const char *path, uint32_t rows, uint32_t cols, const float *v) {
  size_t n = (size_t)rows * cols;
  unsigned char *b = malloc(n ? n * 4 : 1);
  if (!b) return -1;
  for (size_t i = 0; i < n; i++) {
    uint32_t w;
    memcpy(&w, &v[i], 4);
    for (int j = 0; j < 4; j++) b[4 * i + (size_t)j] = (unsigned char)(w >> (8 * j));
  }
  int rc = write_npy(path, "<f4", rows, cols, NULL, b, n * 4);
  free(b);
  return rc;
}

int cli_npy_write_pats(const char *path, uint32_t rows, uint32_t cols, npe_pats p,
                       const char *comment) {
  size_t n = (size_t)rows * cols, eb = p.u16 ? 2 : 1;
  unsigned char *b = malloc(n ? n * eb : 1);
  if (!b) return -1;
  for (size_t i = 0; i < n; i++) {
    uint32_t x = npe_pats_get(p, i);
    b[eb * i] = (unsigned char)x;
    if (eb == 2) b[eb * i + 1] = (unsigned char)(x >> 8);
  }
  /* int8 as signed values; the others as their unsigned bit patterns */
  const char *descr = eb == 2 ? "<u2" : p.fmt == NPE_FMT_INT8 ? "|i1" : "|u1";
  int rc = write_npy(path, descr, rows, cols, comment, b, n * eb);
  free(b);
  return rc;
}
