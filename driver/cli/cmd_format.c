/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe format`: the golden format library from the command line, for
 * scripts (encode, decode, dot) and people (report).
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"
#include "npe_format.h"

static const char format_usage[] =
    "Usage: npe format encode FORMAT VALUE...\n"
    "       npe format decode FORMAT HEX...\n"
    "       npe format dot FORMAT < PAIRS\n"
    "       npe format report [--n N] [--k K] [--seed S] [--csv FILE] [--json]\n"
    "\n"
    "The golden number-format library, exactly as the engine computes.\n"
    "\n"
    "FORMAT is one of: fp4 (OCP MX E2M1), posit4 (Posit(4,1)), posit8\n"
    "(Posit(8,0)), posit16 (Posit(16,1)), int8, ternary ({-1,0,+1} as 2-bit\n"
    "two's complement: 0, 1, 3).\n"
    "\n"
    "encode   Rounds each VALUE (decimal or C99 hex-float such as 0x1.8p-3;\n"
    "         nan and inf are accepted) to FORMAT and prints one lower-case hex\n"
    "         pattern per line. Posits round to nearest on the bit string,\n"
    "         ties to the even pattern, never to 0 or NaR; fp4, int8 and ternary\n"
    "         round to nearest-even and saturate.\n"
    "decode   Prints the exact value of each HEX pattern (optional 0x prefix)\n"
    "         as %.17g, one per line; NaR prints as `nar`.\n"
    "dot      Reads lines `A B` of hex patterns from standard input, sums the\n"
    "         products exactly in the 128-bit quire, and prints the sum rounded\n"
    "         once to FORMAT (hex) and, on a second line, rounded once to IEEE\n"
    "         binary32 (%a). Blank lines and lines starting with # are skipped.\n"
    "report   Quantises a seeded N(0,1) tensor of N elements to every format\n"
    "         (per-tensor scale), and runs N/K dot products of length K against\n"
    "         a second such tensor; prints bits per weight, the tensor's RMSE,\n"
    "         max error and SQNR, and the dot products' SQNR, all against\n"
    "         float64. Defaults: --n 65536 --k 256 --seed 1. --csv also writes\n"
    "         the table to FILE; --json prints JSON instead of the table.\n"
    "\n"
    "On a bad format name, number or pattern, encode/decode/dot print an error\n"
    "on stderr, nothing on stdout, and exit with status 2.\n";

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "npe format: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n(see `npe format --help`)\n");
  return NPE_EXIT_USAGE;
}

static int parse_fmt(const char *name, npe_fmt *f) {
  if (npe_fmt_from_name(name, f) != NPE_OK) {
    usage_error("unknown format '%s' (fp4, posit4, posit8, posit16, int8, ternary)",
                name);
    return -1;
  }
  return 0;
}

/* Parses a hex pattern of format f; prints the error and returns -1 if bad. */
static int parse_pattern(npe_fmt f, const char *s, uint32_t *out) {
  const char *p = s;
  if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) p += 2;
  char *end;
  errno = 0;
  unsigned long v = *p && *p != '-' && *p != '+' ? strtoul(p, &end, 16) : 0;
  double d;
  if (!*p || *p == '-' || *p == '+' || *end || errno || v > 0xffff) {
    usage_error("'%s' is not a hex bit pattern", s);
    return -1;
  }
  int rc = npe_decode(f, (uint32_t)v, &d);
  if (rc != NPE_OK) {
    fprintf(stderr, "npe format: pattern '%s' is not a valid %s pattern (%u bits)\n",
            s, npe_fmt_name(f), npe_fmt_bits(f));
    return -1;
  }
  *out = (uint32_t)v;
  return 0;
}

static int hex_digits(npe_fmt f) { return (int)(npe_fmt_bits(f) + 3) / 4; }

static int cmd_encode(npe_fmt f, int n, char **vals) {
  uint32_t *out = calloc((size_t)n + 1, sizeof *out);
  if (!out) return NPE_EXIT_FAIL;
  for (int i = 0; i < n; i++) {
    char *end;
    double x = strtod(vals[i], &end);
    if (!*vals[i] || *end) {
      free(out);
      return usage_error("'%s' is not a number", vals[i]);
    }
    if (npe_encode(f, x, &out[i]) != NPE_OK) {
      fprintf(stderr, "npe format: %s has no encoding of '%s'\n", npe_fmt_name(f),
              vals[i]);
      free(out);
      return NPE_EXIT_USAGE;
    }
  }
  for (int i = 0; i < n; i++) printf("%0*x\n", hex_digits(f), out[i]);
  free(out);
  return NPE_EXIT_OK;
}

static int cmd_decode(npe_fmt f, int n, char **pats) {
  uint32_t *p = calloc((size_t)n + 1, sizeof *p);
  if (!p) return NPE_EXIT_FAIL;
  for (int i = 0; i < n; i++) {
    if (parse_pattern(f, pats[i], &p[i])) {
      free(p);
      return NPE_EXIT_USAGE;
    }
  }
  for (int i = 0; i < n; i++) {
    double v;
    npe_decode(f, p[i], &v);
    if (isnan(v)) puts("nar");
    else printf("%.17g\n", v);
  }
  free(p);
  return NPE_EXIT_OK;
}

int cli_format_dot(npe_fmt f, FILE *in) {
  npe_quire q;
  npe_quire_clear(&q);
  char *line = NULL;
  size_t cap = 0;
  long lineno = 0;
  int status = NPE_EXIT_OK;
  while (getline(&line, &cap, in) >= 0) {
    lineno++;
    char *tok[3] = {0, 0, 0}, *save = NULL;
    int nt = 0;
    for (char *t = strtok_r(line, " \t\r\n", &save); t; t = strtok_r(NULL, " \t\r\n", &save))
      if (nt < 3) tok[nt++] = t; else nt++;
    if (nt == 0 || tok[0][0] == '#') continue;
    uint32_t a, b;
    if (nt != 2) {
      fprintf(stderr, "npe format dot: line %ld: expected two hex patterns `A B`\n", lineno);
      status = NPE_EXIT_USAGE;
      break;
    }
    if (parse_pattern(f, tok[0], &a) || parse_pattern(f, tok[1], &b)) {
      fprintf(stderr, "npe format dot: (on line %ld)\n", lineno);
      status = NPE_EXIT_USAGE;
      break;
    }
    npe_quire_add_product(&q, f, a, f, b);
  }
  if (status == NPE_EXIT_OK && ferror(in)) {
    perror("npe format dot: stdin");
    status = NPE_EXIT_FAIL;
  }
  free(line);
  if (status != NPE_EXIT_OK) return status;
  uint32_t bits;
  float f32;
  npe_quire_to_fmt(&q, f, &bits);
  npe_quire_to_f32(&q, &f32);
  printf("%0*x\n%a\n", hex_digits(f), bits, (double)f32);
  return NPE_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* report                                                                    */
/* ------------------------------------------------------------------------ */

typedef struct {
  const char *name;
  double bits_per_weight;
  npe_metrics tensor, dot;
} report_row;

/* One row: weights w in format fw (or Sherry if sherry), activations a in fa. */
static int report_row_run(report_row *row, int fw, int sherry, npe_fmt fa,
                          const float *w, const float *a, size_t n, size_t k,
                          double *buf_ref, double *buf_ap) {
  npe_fmt fmtw = sherry ? NPE_FMT_TERNARY : (npe_fmt)fw;
  npe_pats_out qw = {0}, qa = {0};
  int rc = cli_pats_alloc(fmtw, n, &qw);
  if (!rc) rc = cli_pats_alloc(fa, n, &qa);
  float sw = 1, sa = 1;
  if (!rc && sherry) rc = npe_quantize_sherry(w, n, qw.u8, &sw);
  else if (!rc) {
    rc = npe_quant_scale(fmtw, w, n, &sw);
    if (!rc) rc = npe_quantize(w, n, sw, qw);
  }
  if (!rc) rc = npe_quant_scale(fa, a, n, &sa);
  if (!rc) rc = npe_quantize(a, n, sa, qa);
  for (size_t i = 0; !rc && i < n; i++) {
    double v;
    npe_decode(fmtw, npe_pats_get(npe_pats_of(qw), i), &v);
    buf_ref[i] = w[i];
    buf_ap[i] = v * sw;
  }
  if (!rc) rc = npe_metrics_compute(buf_ref, buf_ap, n, &row->tensor);
  size_t rows = n / k;
  for (size_t r = 0; !rc && r < rows; r++) { /* row r of a . row r of w */
    double ref = 0, v;
    npe_quire q;
    npe_quire_clear(&q);
    for (size_t i = r * k; i < (r + 1) * k; i++) ref += (double)w[i] * a[i];
    rc = npe_quire_add_dot(&q, npe_pats_at(npe_pats_of(qa), r * k),
                           npe_pats_at(npe_pats_of(qw), r * k), k);
    npe_quire_to_double(&q, &v);
    buf_ref[r] = ref;
    buf_ap[r] = v * sw * sa;
  }
  if (!rc) rc = npe_metrics_compute(buf_ref, buf_ap, rows, &row->dot);
  row->bits_per_weight = sherry ? 1.25 : npe_fmt_bits(fmtw);
  cli_pats_free(&qw);
  cli_pats_free(&qa);
  return rc;
}

static int cmd_report(int argc, char **argv) {
  size_t n = 65536, k = 256;
  uint64_t seed = 1;
  const char *csv = NULL;
  int json = 0;
  for (int i = 0; i < argc; i++) {
    const char *o = argv[i];
    int has = i + 1 < argc;
    char *end = NULL;
    if (!strcmp(o, "--json")) { json = 1; continue; }
    if (!has) return usage_error("option '%s' needs a value or is unknown", o);
    const char *v = argv[++i];
    if (!strcmp(o, "--csv")) { csv = v; continue; }
    unsigned long long x = strtoull(v, &end, 0);
    if (!*v || *end || *v == '-') return usage_error("bad number '%s'", v);
    if (!strcmp(o, "--n")) n = (size_t)x;
    else if (!strcmp(o, "--k")) k = (size_t)x;
    else if (!strcmp(o, "--seed")) seed = x;
    else return usage_error("unknown option '%s'", o);
  }
  if (k == 0 || n < k || n % k || n % 4 || n > (1u << 26))
    return usage_error("%s", "need 0 < K <= N <= 2^26, N a multiple of K and of 4");
  float *w = malloc(n * sizeof *w), *a = malloc(n * sizeof *a);
  double *r1 = malloc(n * sizeof *r1), *r2 = malloc(n * sizeof *r2);
  if (!w || !a || !r1 || !r2) {
    fprintf(stderr, "npe format report: out of memory\n");
    free(w), free(a), free(r1), free(r2);
    return NPE_EXIT_FAIL;
  }
  uint64_t s = seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; i++) w[i] = (float)cli_gauss(&s), a[i] = (float)cli_gauss(&s);
  report_row rows[NPE_FMT_COUNT + 1];
  int nrows = 0, rc = NPE_OK;
  for (int f = 0; f <= NPE_FMT_COUNT && !rc; f++) {
    int sherry = f == NPE_FMT_COUNT;
    npe_fmt fa = (f == NPE_FMT_TERNARY || sherry) ? NPE_FMT_INT8 : (npe_fmt)f;
    rows[nrows].name = sherry ? "sherry" : npe_fmt_name((npe_fmt)f);
    rc = report_row_run(&rows[nrows], f, sherry, fa, w, a, n, k, r1, r2);
    nrows++;
  }
  free(w), free(a), free(r1), free(r2);
  if (rc) {
    fprintf(stderr, "npe format report: %s\n", npe_strerror(rc));
    return NPE_EXIT_FAIL;
  }
  FILE *c = csv ? fopen(csv, "w") : NULL;
  if (csv && !c) {
    perror(csv);
    return NPE_EXIT_FAIL;
  }
  if (c) fprintf(c, "format,bits_per_weight,tensor_rmse,tensor_max_abs,tensor_sqnr_db,dot_sqnr_db\n");
  if (json) printf("{\"n\": %zu, \"k\": %zu, \"seed\": %llu, \"rows\": [\n", n, k,
                   (unsigned long long)seed);
  else printf("Quantisation of N(0,1) weights (N=%zu, seed %llu) and N/K=%zu dot products "
              "of length K=%zu\nagainst float64; ternary and sherry use int8 activations.\n\n"
              "%-8s %9s %12s %12s %12s %12s\n", n, (unsigned long long)seed, n / k, k,
              "format", "bits/w", "rmse", "max_abs", "sqnr_dB", "dot_sqnr_dB");
  for (int i = 0; i < nrows; i++) {
    report_row *r = &rows[i];
    if (json)
      printf("  {\"format\": \"%s\", \"bits_per_weight\": %g, \"tensor_rmse\": %.6g, "
             "\"tensor_max_abs\": %.6g, \"tensor_sqnr_db\": %.4f, \"dot_sqnr_db\": %.4f}%s\n",
             r->name, r->bits_per_weight, r->tensor.rmse, r->tensor.max_abs,
             r->tensor.sqnr_db, r->dot.sqnr_db, i + 1 < nrows ? "," : "");
    else
      printf("%-8s %9.2f %12.6f %12.6f %12.2f %12.2f\n", r->name, r->bits_per_weight,
             r->tensor.rmse, r->tensor.max_abs, r->tensor.sqnr_db, r->dot.sqnr_db);
    if (c)
      fprintf(c, "%s,%g,%.6g,%.6g,%.4f,%.4f\n", r->name, r->bits_per_weight,
              r->tensor.rmse, r->tensor.max_abs, r->tensor.sqnr_db, r->dot.sqnr_db);
  }
  if (json) printf("]}\n");
  if (c && fclose(c)) {
    perror(csv);
    return NPE_EXIT_FAIL;
  }
  if (csv && !json) printf("\nwrote %s\n", csv);
  return NPE_EXIT_OK;
}

int npe_cmd_format(int argc, char **argv) {
  if (argc < 1) {
    fputs(format_usage, stderr);
    return NPE_EXIT_USAGE;
  }
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(format_usage, stdout);
      return NPE_EXIT_OK;
    }
  }
  const char *sub = argv[0];
  if (!strcmp(sub, "report")) return cmd_report(argc - 1, argv + 1);
  int is_enc = !strcmp(sub, "encode"), is_dec = !strcmp(sub, "decode"),
      is_dot = !strcmp(sub, "dot");
  if (!is_enc && !is_dec && !is_dot)
    return usage_error("unknown subcommand '%s' (encode, decode, dot, report)", sub);
  if (argc < 2) return usage_error("%s: FORMAT missing", sub);
  npe_fmt f;
  if (parse_fmt(argv[1], &f)) return NPE_EXIT_USAGE;
  if (is_dot) {
    if (argc != 2) return usage_error("%s", "dot takes FORMAT only; pairs come on stdin");
    return cli_format_dot(f, stdin);
  }
  if (argc < 3) return usage_error("%s: nothing to convert", sub);
  return is_enc ? cmd_encode(f, argc - 2, argv + 2) : cmd_decode(f, argc - 2, argv + 2);
}
