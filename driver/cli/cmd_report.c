/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe report`: the area / timing / energy report that `make report`
 * (tools/ppa, docs/PPA.md) leaves in build/ppa, printed or written as
 * Markdown, CSV or JSON, whole or one kind of row.
 *
 * The data is DIR/report.csv (one row per figure, a `kind` and a `name`
 * column first) and, for the whole Markdown report, DIR/report.md. This
 * command reads them; it does not run the synthesis flow.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"

static const char report_usage[] =
    "Usage: npe report [--dir DIR] [--format md|csv|json] [--kind KIND] [-o FILE]\n"
    "       npe report --list [--dir DIR]\n"
    "\n"
    "Prints the silicon report of the engine that `make report` builds: cell\n"
    "area and critical path of every RTL block in the OSU 0.18 um standard\n"
    "cells, the same scaled to 28 nm (Stillmaker & Baas), the PE's energy per\n"
    "MAC per format from gate-level switching activity (180 nm, 28 nm raw and\n"
    "calibrated against Horowitz ISSCC'14), the calibration operators, FPGA\n"
    "resources and published designs beside ours. Method and sources:\n"
    "docs/PPA.md. The command only reads the results; run `make report` first\n"
    "(a few minutes, cached under build/ppa).\n"
    "\n"
    "Options:\n"
    "  --dir DIR        the results directory (default: $NPE_PPA_DIR, else\n"
    "                   build/ppa); it must hold report.csv (and report.md for\n"
    "                   the whole Markdown report)\n"
    "  --format F       md (default), csv or json. md without --kind prints the\n"
    "                   whole report.md; with --kind, a Markdown table of those\n"
    "                   rows. csv and json print the rows of report.csv (all, or\n"
    "                   one kind): JSON as an array of objects, numbers as\n"
    "                   numbers, empty fields left out\n"
    "  --kind KIND      only the rows of one kind: block (area and timing, 180\n"
    "                   nm), block28 (the same at 28 nm), sram, energy (pJ per\n"
    "                   cycle and per MAC, 180 nm), mac28 (pJ/MAC at 28 nm, raw\n"
    "                   and calibrated), calib, fpga, published, accuracy\n"
    "  --list           print the kinds present in the report and their row\n"
    "                   counts, and exit\n"
    "  -o, --output FILE  write to FILE instead of standard output\n"
    "  -h, --help       show this help and exit\n"
    "\n"
    "Exit status: 0 success; 1 FILE cannot be written; 2 bad usage, a missing\n"
    "or malformed report, or a kind with no rows (message on stderr, nothing\n"
    "on stdout).\n"
    "\n"
    "Examples:\n"
    "  make report && npe report\n"
    "  npe report --kind mac28 --format csv\n"
    "  npe report --format json -o ppa.json\n";

#define MAX_COLS 64

typedef struct {
  char **cell; /* rows x ncols, row 0 the header */
  size_t rows, ncols;
} csv_table;

static int report_error(const char *fmt, const char *arg) {
  fprintf(stderr, "npe report: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  return NPE_EXIT_USAGE;
}

static void csv_free(csv_table *t) {
  if (t->cell)
    for (size_t i = 0; i < t->rows * t->ncols; i++) free(t->cell[i]);
  free(t->cell);
  t->cell = NULL;
  t->rows = t->ncols = 0;
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap + 1);
  while (buf) {
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (n < cap) break;
    char *nb = realloc(buf, 2 * cap + 1);
    if (!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  int err = ferror(f);
  fclose(f);
  if (!buf || err) {
    free(buf);
    return NULL;
  }
  buf[n] = '\0';
  if (len) *len = n;
  return buf;
}

/* Parses RFC 4180 CSV (as Python's csv module writes it: quoted fields with
 * "" for a quote, CRLF or LF line ends). Every row must have the header's
 * field count. Returns 0, or -1 with a message in err. */
static int csv_parse(const char *text, csv_table *t, char *err, size_t errlen) {
  size_t cap = 0, n = 0, ncols = 0, col = 0, line = 1;
  char **cells = NULL;
  const char *p = text;
  size_t flen = 0, fcap = 64;
  char *field = malloc(fcap);
  if (!field) goto oom;
  while (*p) {
    /* one field */
    flen = 0;
    if (*p == '"') {
      p++;
      for (;;) {
        if (!*p) {
          snprintf(err, errlen, "line %zu: unterminated quoted field", line);
          goto fail;
        }
        if (*p == '"' && p[1] == '"') p++;
        else if (*p == '"') {
          p++;
          break;
        }
        if (*p == '\n') line++;
        if (flen + 2 > fcap) {
          char *nf = realloc(field, fcap *= 2);
          if (!nf) goto oom;
          field = nf;
        }
        field[flen++] = *p++;
      }
      if (*p && *p != ',' && *p != '\n' && *p != '\r') {
        snprintf(err, errlen, "line %zu: text after a closing quote", line);
        goto fail;
      }
    } else {
      while (*p && *p != ',' && *p != '\n' && *p != '\r') {
        if (*p == '"') {
          snprintf(err, errlen, "line %zu: quote inside an unquoted field", line);
          goto fail;
        }
        if (flen + 2 > fcap) {
          char *nf = realloc(field, fcap *= 2);
          if (!nf) goto oom;
          field = nf;
        }
        field[flen++] = *p++;
      }
    }
    field[flen] = '\0';
    if (n == cap) {
      char **nc = realloc(cells, (cap = cap ? 2 * cap : 256) * sizeof *cells);
      if (!nc) goto oom;
      cells = nc;
    }
    if (!(cells[n] = strdup(field))) goto oom;
    n++;
    col++;
    if (*p == ',') {
      p++;
      continue;
    }
    /* end of a record */
    if (*p == '\r') p++;
    if (*p == '\n') p++;
    if (!ncols) {
      ncols = col;
      if (ncols < 2 || ncols > MAX_COLS) {
        snprintf(err, errlen, "header has %zu columns", ncols);
        goto fail;
      }
    } else if (col != ncols) {
      snprintf(err, errlen, "line %zu has %zu fields, the header %zu", line, col, ncols);
      goto fail;
    }
    col = 0;
    line++;
  }
  if (col) {
    snprintf(err, errlen, "line %zu: incomplete record", line);
    goto fail;
  }
  free(field);
  t->cell = cells;
  t->ncols = ncols;
  t->rows = ncols ? n / ncols : 0;
  return 0;
oom:
  snprintf(err, errlen, "out of memory");
fail:
  free(field);
  for (size_t i = 0; i < n; i++) free(cells[i]);
  free(cells);
  return -1;
}

static const char *at(const csv_table *t, size_t r, size_t c) { return t->cell[r * t->ncols + c]; }

static int is_number(const char *s) {
  if (!*s) return 0;
  char *end;
  errno = 0;
  (void)strtod(s, &end);
  if (*end || errno) return 0;
  /* JSON numbers: no leading '+', no leading '.', no inf/nan, no hex */
  const char *q = s + (*s == '-');
  if (*q < '0' || *q > '9') return 0;
  if (q[0] == '0' && q[1] && q[1] != '.' && q[1] != 'e' && q[1] != 'E') return 0;
  for (; *q; q++)
    if (!strchr("0123456789.eE+-", *q)) return 0;
  return 1;
}

static void json_string(FILE *o, const char *s) {
  fputc('"', o);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(o, "\\%c", c);
    else if (c == '\n') fputs("\\n", o);
    else if (c < 0x20) fprintf(o, "\\u%04x", c);
    else fputc(c, o);
  }
  fputc('"', o);
}

static void csv_field(FILE *o, const char *s) {
  if (!strpbrk(s, ",\"\n\r")) {
    fputs(s, o);
    return;
  }
  fputc('"', o);
  for (; *s; s++) {
    if (*s == '"') fputc('"', o);
    fputc(*s, o);
  }
  fputc('"', o);
}

static void md_field(FILE *o, const char *s) {
  for (; *s; s++) {
    if (*s == '|') fputs("\\|", o);
    else if (*s == '\n' || *s == '\r') fputc(' ', o);
    else fputc(*s, o);
  }
}

static int row_selected(const csv_table *t, size_t r, const char *kind) {
  return !kind || !strcmp(at(t, r, 0), kind);
}

/* The columns that are non-empty in at least one selected row (kind and
 * name always). */
static size_t used_columns(const csv_table *t, const char *kind, size_t *cols) {
  size_t n = 0;
  for (size_t c = 0; c < t->ncols; c++) {
    int used = c < 2;
    for (size_t r = 1; r < t->rows && !used; r++)
      if (row_selected(t, r, kind) && *at(t, r, c)) used = 1;
    if (used) cols[n++] = c;
  }
  return n;
}

static void write_rows(FILE *o, const csv_table *t, const char *kind, const char *format) {
  size_t cols[MAX_COLS];
  size_t nc = used_columns(t, kind, cols);
  if (!strcmp(format, "json")) {
    fputs("[\n", o);
    int first = 1;
    for (size_t r = 1; r < t->rows; r++) {
      if (!row_selected(t, r, kind)) continue;
      fputs(first ? " {" : ",\n {", o);
      first = 0;
      int f1 = 1;
      for (size_t i = 0; i < nc; i++) {
        const char *v = at(t, r, cols[i]);
        if (!*v) continue;
        fputs(f1 ? "" : ", ", o);
        f1 = 0;
        json_string(o, at(t, 0, cols[i]));
        fputs(": ", o);
        if (cols[i] >= 2 && is_number(v)) fputs(v, o);
        else json_string(o, v);
      }
      fputc('}', o);
    }
    fputs(first ? "]\n" : "\n]\n", o);
    return;
  }
  int md = !strcmp(format, "md");
  for (size_t i = 0; i < nc; i++) {
    if (md) {
      fputs(i ? " | " : "| ", o);
      md_field(o, at(t, 0, cols[i]));
    } else {
      if (i) fputc(',', o);
      csv_field(o, at(t, 0, cols[i]));
    }
  }
  fputs(md ? " |\n" : "\n", o);
  if (md) {
    for (size_t i = 0; i < nc; i++) fputs(i >= 2 ? "| ---: " : "| --- ", o);
    fputs("|\n", o);
  }
  for (size_t r = 1; r < t->rows; r++) {
    if (!row_selected(t, r, kind)) continue;
    for (size_t i = 0; i < nc; i++) {
      if (md) {
        fputs(i ? " | " : "| ", o);
        md_field(o, at(t, r, cols[i]));
      } else {
        if (i) fputc(',', o);
        csv_field(o, at(t, r, cols[i]));
      }
    }
    fputs(md ? " |\n" : "\n", o);
  }
}

int npe_cmd_report(int argc, char **argv) {
  const char *dir = getenv("NPE_PPA_DIR");
  const char *format = "md", *kind = NULL, *out_path = NULL;
  int list = 0;
  if (!dir || !*dir) dir = "build/ppa";
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(report_usage, stdout);
      return NPE_EXIT_OK;
    }
    if (!strcmp(a, "--list")) {
      list = 1;
      continue;
    }
    const char **dst = !strcmp(a, "--dir")                         ? &dir
                       : !strcmp(a, "--format")                    ? &format
                       : !strcmp(a, "--kind")                      ? &kind
                       : (!strcmp(a, "-o") || !strcmp(a, "--output")) ? &out_path
                                                                   : NULL;
    if (!dst) {
      report_error("unknown argument '%s'", a);
      fputs("(see `npe report --help`)\n", stderr);
      return NPE_EXIT_USAGE;
    }
    if (i + 1 >= argc || !*argv[i + 1]) return report_error("%s needs a value", a);
    *dst = argv[++i];
  }
  if (strcmp(format, "md") && strcmp(format, "csv") && strcmp(format, "json"))
    return report_error("unknown format '%s' (md, csv or json)", format);

  char path[4096];
  if (snprintf(path, sizeof path, "%s/report.csv", dir) >= (int)sizeof path)
    return report_error("directory name too long: %s", dir);
  char *text = read_file(path, NULL);
  if (!text) {
    fprintf(stderr, "npe report: cannot read %s: %s\n(run `make report` first, or give --dir)\n",
            path, strerror(errno));
    return NPE_EXIT_USAGE;
  }
  csv_table t = {0};
  char err[256];
  int rc = csv_parse(text, &t, err, sizeof err);
  free(text);
  if (rc) {
    fprintf(stderr, "npe report: %s is malformed: %s\n", path, err);
    return NPE_EXIT_USAGE;
  }
  if (t.rows < 1 || strcmp(at(&t, 0, 0), "kind") || strcmp(at(&t, 0, 1), "name")) {
    csv_free(&t);
    fprintf(stderr, "npe report: %s is not a report (its first columns must be kind,name)\n", path);
    return NPE_EXIT_USAGE;
  }
  if (kind) {
    size_t hits = 0;
    for (size_t r = 1; r < t.rows; r++) hits += row_selected(&t, r, kind);
    if (!hits) {
      csv_free(&t);
      fprintf(stderr, "npe report: no rows of kind '%s' in %s (see `npe report --list`)\n", kind,
              path);
      return NPE_EXIT_USAGE;
    }
  }
  char *md = NULL;
  size_t md_len = 0;
  if (!list && !kind && !strcmp(format, "md")) {
    if (snprintf(path, sizeof path, "%s/report.md", dir) >= (int)sizeof path || !(md = read_file(path, &md_len))) {
      csv_free(&t);
      fprintf(stderr, "npe report: cannot read %s (run `make report` first)\n", path);
      return NPE_EXIT_USAGE;
    }
  }
  FILE *o = stdout;
  if (out_path && !(o = fopen(out_path, "w"))) {
    fprintf(stderr, "npe report: cannot write %s: %s\n", out_path, strerror(errno));
    csv_free(&t);
    free(md);
    return NPE_EXIT_FAIL;
  }
  if (list) {
    for (size_t r = 1; r < t.rows; r++) {
      int seen = 0;
      for (size_t q = 1; q < r && !seen; q++) seen = !strcmp(at(&t, q, 0), at(&t, r, 0));
      if (seen) continue;
      size_t count = 0;
      for (size_t q = r; q < t.rows; q++) count += !strcmp(at(&t, q, 0), at(&t, r, 0));
      fprintf(o, "%-10s %zu\n", at(&t, r, 0), count);
    }
  } else if (md) {
    fwrite(md, 1, md_len, o);
    if (md_len && md[md_len - 1] != '\n') fputc('\n', o);
  } else {
    write_rows(o, &t, kind, format);
  }
  int bad = ferror(o);
  if (o != stdout) bad |= fclose(o) != 0;
  free(md);
  csv_free(&t);
  if (bad) {
    fprintf(stderr, "npe report: write error on %s\n", out_path ? out_path : "standard output");
    return NPE_EXIT_FAIL;
  }
  return NPE_EXIT_OK;
}
