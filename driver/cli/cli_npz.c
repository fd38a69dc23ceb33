/* SPDX-License-Identifier: Apache-2.0 */
/*
 * .npz files for the npe tool: the ZIP archives numpy.savez writes, one .npy
 * member per array, each *stored* (uncompressed). The reader takes the whole
 * file into memory, walks the central directory (ZIP64 records included),
 * checks every member's local header, bounds and CRC-32, and hands the
 * members to the .npy parser of cli_npy.c. It inflates nothing: a
 * compressed member (numpy.savez_compressed) is an error that says so.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

typedef struct npz_member {
  char name[128];            /* without ".npy" */
  const unsigned char *data; /* the member's bytes (a .npy image) */
  size_t size;
} npz_member;

struct cli_npz {
  const char *who;
  char path[256];
  unsigned char *buf;
  size_t len;
  npz_member *m;
  size_t n;
};

static uint32_t rd16(const unsigned char *p) { return p[0] | (uint32_t)p[1] << 8; }
static uint32_t rd32(const unsigned char *p) { return rd16(p) | rd16(p + 2) << 16; }
static uint64_t rd64(const unsigned char *p) { return rd32(p) | (uint64_t)rd32(p + 4) << 32; }

static uint32_t crc32_of(const unsigned char *p, size_t n) {
  uint32_t c = 0xffffffffu;
  for (size_t i = 0; i < n; i++) {
    c ^= p[i];
    for (int k = 0; k < 8; k++) c = c >> 1 ^ (0xedb88320u & (0u - (c & 1u)));
  }
  return ~c;
}

static int npz_fail(const char *who, const char *path, const char *msg, const char *member) {
  if (member)
    fprintf(stderr, "%s: %s: member '%s': %s\n", who, path, member, msg);
  else
    fprintf(stderr, "%s: %s: %s\n", who, path, msg);
  return -1;
}

/* Fills z->m from the central directory; -1 with a message otherwise. */
static int npz_directory(cli_npz *z) {
  const unsigned char *b = z->buf;
  size_t len = z->len, eocd = SIZE_MAX;
  for (size_t i = len >= 22 ? len - 22 : 0; len >= 22; i--) { /* last EOCD record */
    if (rd32(b + i) == 0x06054b50u) {
      eocd = i;
      break;
    }
    if (i == 0 || len - i > 22 + 65535) break;
  }
  if (eocd == SIZE_MAX)
    return npz_fail(z->who, z->path,
                    "not a .npz (ZIP) file, or truncated: no end-of-central-directory record",
                    NULL);
  uint64_t entries = rd16(b + eocd + 10), cd_size = rd32(b + eocd + 12),
           cd_off = rd32(b + eocd + 16);
  if (entries == 0xffff || cd_off == 0xffffffffu || cd_size == 0xffffffffu) { /* ZIP64 */
    if (eocd < 20 || rd32(b + eocd - 20) != 0x07064b50u)
      return npz_fail(z->who, z->path, "bad ZIP64 end-of-central-directory locator", NULL);
    uint64_t z64 = rd64(b + eocd - 20 + 8);
    if (z64 > len - 56 || rd32(b + z64) != 0x06064b50u)
      return npz_fail(z->who, z->path, "bad ZIP64 end-of-central-directory record", NULL);
    entries = rd64(b + z64 + 32), cd_size = rd64(b + z64 + 40), cd_off = rd64(b + z64 + 48);
  }
  if (cd_off > len || cd_size > len - cd_off || entries > cd_size / 46)
    return npz_fail(z->who, z->path, "truncated or corrupt ZIP central directory", NULL);
  z->m = calloc(entries ? entries : 1, sizeof *z->m);
  if (!z->m) return npz_fail(z->who, z->path, "out of memory", NULL);
  size_t p = cd_off, end = cd_off + cd_size;
  for (uint64_t e = 0; e < entries; e++) {
    if (end - p < 46 || rd32(b + p) != 0x02014b50u)
      return npz_fail(z->who, z->path, "corrupt ZIP central directory entry", NULL);
    uint32_t flags = rd16(b + p + 8), method = rd16(b + p + 10), crc = rd32(b + p + 16);
    uint64_t csize = rd32(b + p + 20), usize = rd32(b + p + 24), loff = rd32(b + p + 42);
    size_t nlen = rd16(b + p + 28), xlen = rd16(b + p + 30), clen = rd16(b + p + 32);
    if (end - p - 46 < nlen + xlen + clen)
      return npz_fail(z->who, z->path, "corrupt ZIP central directory entry", NULL);
    char name[160];
    size_t cn = nlen < sizeof name - 1 ? nlen : sizeof name - 1;
    memcpy(name, b + p + 46, cn);
    name[cn] = 0;
    /* ZIP64 extra field: the 0xffffffff fields, in this order */
    for (size_t x = p + 46 + nlen; x + 4 <= p + 46 + nlen + xlen;) {
      size_t id = rd16(b + x), sz = rd16(b + x + 2), q = x + 4;
      if (q + sz > p + 46 + nlen + xlen) break;
      if (id == 1) {
        if (usize == 0xffffffffu && q + 8 <= x + 4 + sz) usize = rd64(b + q), q += 8;
        if (csize == 0xffffffffu && q + 8 <= x + 4 + sz) csize = rd64(b + q), q += 8;
        if (loff == 0xffffffffu && q + 8 <= x + 4 + sz) loff = rd64(b + q), q += 8;
      }
      x += 4 + sz;
    }
    p += 46 + nlen + xlen + clen;
    if (flags & 1u) return npz_fail(z->who, z->path, "encrypted member", name);
    if (method != 0)
      return npz_fail(z->who, z->path,
                      method == 8 ? "compressed (deflate): only stored members are read "
                                    "(write the file with numpy.savez, not savez_compressed)"
                                  : "compressed: only stored members are read (numpy.savez)",
                      name);
    if (csize != usize) return npz_fail(z->who, z->path, "stored sizes differ", name);
    if (loff > len || len - loff < 30 || rd32(b + loff) != 0x04034b50u)
      return npz_fail(z->who, z->path, "truncated or corrupt: bad local header", name);
    size_t data = loff + 30 + rd16(b + loff + 26) + rd16(b + loff + 28);
    if (data > len || len - data < csize)
      return npz_fail(z->who, z->path, "truncated: the member's data runs past the end", name);
    if (crc32_of(b + data, csize) != crc)
      return npz_fail(z->who, z->path, "CRC-32 mismatch: the file is corrupt", name);
    size_t nl = strlen(name);
    if (nl < 5 || strcmp(name + nl - 4, ".npy") || nl - 4 >= sizeof z->m[0].name)
      return npz_fail(z->who, z->path, "not an .npy member (is this a numpy .npz?)", name);
    npz_member *m = &z->m[z->n++];
    memcpy(m->name, name, nl - 4);
    m->name[nl - 4] = 0;
    m->data = b + data;
    m->size = csize;
  }
  return 0;
}

int cli_npz_open(const char *path, const char *who, cli_npz **out) {
  cli_npz *z = calloc(1, sizeof *z);
  if (!z) return npz_fail(who, path, "out of memory", NULL);
  z->who = who;
  snprintf(z->path, sizeof z->path, "%s", path);
  FILE *f = fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "%s: %s: cannot open: ", who, path);
    perror(NULL);
    free(z);
    return -1;
  }
  size_t cap = 0;
  for (;;) {
    if (z->len == cap) {
      unsigned char *nb = cap < (1u << 30) ? realloc(z->buf, cap = cap ? 2 * cap : 1 << 20) : NULL;
      if (!nb) break;
      z->buf = nb;
    }
    size_t got = fread(z->buf + z->len, 1, cap - z->len, f);
    z->len += got;
    if (!got) break;
  }
  int bad = ferror(f) || !feof(f);
  fclose(f);
  if (bad || npz_directory(z)) {
    if (bad) npz_fail(who, path, "read error or file too large", NULL);
    cli_npz_close(z);
    return -1;
  }
  *out = z;
  return 0;
}

void cli_npz_close(cli_npz *z) {
  if (!z) return;
  free(z->buf);
  free(z->m);
  free(z);
}

static const npz_member *find(const cli_npz *z, const char *name) {
  for (size_t i = 0; i < z->n; i++)
    if (!strcmp(z->m[i].name, name)) return &z->m[i];
  return NULL;
}

int cli_npz_has(const cli_npz *z, const char *name) { return find(z, name) != NULL; }

int cli_npz_shape(const cli_npz *z, const char *name, int *ndim, uint64_t shape[CLI_NPY_MAX_RANK]) {
  const npz_member *m = find(z, name);
  char msg[256];
  cli_npy_hdr h;
  if (!m) {
    fprintf(stderr, "%s: %s: no array '%s' in the file\n", z->who, z->path, name);
    return -1;
  }
  if (cli_npy_header(m->data, m->size, &h, msg, sizeof msg)) {
    fprintf(stderr, "%s: %s: array '%s': %s\n", z->who, z->path, name, msg);
    return -1;
  }
  *ndim = h.rank;
  for (int i = 0; i < CLI_NPY_MAX_RANK; i++) shape[i] = i < h.rank ? h.dims[i] : 0;
  return 0;
}

/* A member's array: its header, elements and element size. */
typedef struct npz_arr {
  cli_npy_hdr h;
  uint64_t count;
  size_t elem_bytes;
} npz_arr;

/* The parsed member @p name, with @p descr (one of a '|'-separated list,
 * or "<U" for any string) and, unless ndim < 0, that shape; -1 with a
 * message otherwise. */
static int get(const cli_npz *z, const char *name, const char *descrs, int ndim,
               const uint64_t *shape, npz_arr *a) {
  const npz_member *m = find(z, name);
  char msg[256];
  if (!m) {
    fprintf(stderr, "%s: %s: no array '%s' in the file\n", z->who, z->path, name);
    return -1;
  }
  if (cli_npy_header(m->data, m->size, &a->h, msg, sizeof msg)) {
    fprintf(stderr, "%s: %s: array '%s': %s\n", z->who, z->path, name, msg);
    return -1;
  }
  const char *d = a->h.descr;
  char want[64], have[24];
  snprintf(want, sizeof want, "|%s|", descrs);
  snprintf(have, sizeof have, "|%s|", d);
  int ok = strstr(want, have) != NULL || (!strcmp(descrs, "<U") && !strncmp(d, "<U", 2));
  if (!ok || a->h.fortran) {
    fprintf(stderr, "%s: %s: array '%s' has dtype %s%s, expected %s\n", z->who, z->path, name, d,
            a->h.fortran ? " in Fortran order" : "", descrs);
    return -1;
  }
  int same = ndim < 0 || ndim == a->h.rank;
  for (int i = 0; same && i < ndim; i++) same = a->h.dims[i] == shape[i];
  if (!same) {
    char got[96] = "(", exp[96] = "(";
    for (int i = 0; i < a->h.rank; i++)
      snprintf(got + strlen(got), sizeof got - strlen(got), "%s%llu", i ? ", " : "",
               a->h.dims[i]);
    for (int i = 0; i < ndim; i++)
      snprintf(exp + strlen(exp), sizeof exp - strlen(exp), "%s%llu", i ? ", " : "",
               (unsigned long long)shape[i]);
    fprintf(stderr, "%s: %s: array '%s' has shape %s), expected %s)\n", z->who, z->path, name,
            got, exp);
    return -1;
  }
  /* element size from the dtype: <f4 <f8 <i8 <i4 |i1, <Un (UTF-32 units) */
  unsigned long es = strtoul(d + 2, NULL, 10);
  if (d[1] == 'U') es *= 4;
  a->count = 1;
  for (int i = 0; i < a->h.rank; i++) a->count *= a->h.dims[i]; /* shape checked above */
  a->elem_bytes = es;
  if (!es || a->h.data_bytes != a->count * es) {
    fprintf(stderr, "%s: %s: array '%s': %zu data bytes, its shape needs %llu\n", z->who,
            z->path, name, a->h.data_bytes, (unsigned long long)(a->count * es));
    return -1;
  }
  return 0;
}

int cli_npz_f32(const cli_npz *z, const char *name, unsigned ndim, const uint64_t *shape,
                float **out) {
  npz_arr a;
  if (get(z, name, "<f4", (int)ndim, shape, &a)) return -1;
  float *v = malloc((a.count ? a.count : 1) * sizeof *v);
  if (!v) return npz_fail(z->who, z->path, "out of memory", name);
  memcpy(v, a.h.data, a.count * sizeof *v);
  for (uint64_t i = 0; i < a.count; i++) {
    if (!isfinite(v[i])) {
      fprintf(stderr, "%s: %s: array '%s' has a NaN or Inf (element %llu)\n", z->who, z->path,
              name, (unsigned long long)i);
      free(v);
      return -1;
    }
  }
  *out = v;
  return 0;
}

int cli_npz_i8(const cli_npz *z, const char *name, unsigned ndim, const uint64_t *shape,
               int8_t **out) {
  npz_arr a;
  if (get(z, name, "|i1", (int)ndim, shape, &a)) return -1;
  int8_t *v = malloc(a.count ? a.count : 1);
  if (!v) return npz_fail(z->who, z->path, "out of memory", name);
  memcpy(v, a.h.data, a.count);
  *out = v;
  return 0;
}

int cli_npz_int(const cli_npz *z, const char *name, long long *v) {
  npz_arr a;
  if (get(z, name, "<i8|<i4", 0, NULL, &a)) return -1;
  if (a.elem_bytes == 8) {
    int64_t x;
    memcpy(&x, a.h.data, 8);
    *v = x;
  } else {
    int32_t x;
    memcpy(&x, a.h.data, 4);
    *v = x;
  }
  return 0;
}

int cli_npz_f64(const cli_npz *z, const char *name, double *v) {
  npz_arr a;
  if (get(z, name, "<f8", 0, NULL, &a)) return -1;
  memcpy(v, a.h.data, 8);
  return 0;
}

int cli_npz_str(const cli_npz *z, const char *name, char *buf, size_t cap) {
  npz_arr a;
  if (get(z, name, "<U", 0, NULL, &a)) return -1;
  size_t n = a.elem_bytes / 4, len = 0;
  for (size_t i = 0; i < n; i++) {
    uint32_t c = rd32(a.h.data + 4 * i);
    if (!c) break; /* NumPy pads with NUL */
    if (c > 127 || len + 1 >= cap) {
      fprintf(stderr, "%s: %s: string '%s' is not short ASCII\n", z->who, z->path, name);
      return -1;
    }
    buf[len++] = (char)c;
  }
  buf[len] = 0;
  return 0;
}
