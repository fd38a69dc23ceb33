/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe nlu-report`: for each function, resolution B and noise level, the
 * error of the nonlinear unit against the ideal function (max and RMS over
 * every input code of the function's range), the conversion latency and the
 * estimated energy per activation, with the ramp-ADC paper's own figures
 * printed beside ours and labelled as theirs.
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_cli.h"
#include "npe_cli_nlu.h"
#include "npe_nlu.h"
#include "npe_xbar.h"

static const char nlu_usage[] =
    "Usage: npe nlu-report [--func LIST] [--bits LIST] [--noise LIST]\n"
    "                      [--trials N] [--seed S] [--cols N] [--json]\n"
    "\n"
    "Accuracy, latency and energy of the NPE nonlinear unit (NLU): a ramp ADC\n"
    "whose ramp steps sit at t_j = f^-1(level boundary j), so the count of steps\n"
    "before the comparator flips is f(x) rounded to the nearest of 2^B levels\n"
    "(arXiv 2411.18271, Nature Communications 2025; docs/NLU.md).\n"
    "\n"
    "For every FUNC, B and noise level SIGMA the report converts every Q8.8\n"
    "input code in the function's default input range and prints:\n"
    "  max_err, rms_err  |value(code) - f(x)| against the float64 function, in\n"
    "                    output units; SIGMA 0 is the exact digital staircase\n"
    "                    (the RTL, bit for bit), so its error is quantisation\n"
    "                    only; SIGMA > 0 builds the ramp from conductances with\n"
    "                    programming error SIGMA (fraction of the device range)\n"
    "                    and read noise SIGMA/2, over N seeded trials\n"
    "  lsb               one output step, (out_hi - out_lo) / (2^B - 1)\n"
    "  latency           cycles per conversion, 2^B (all columns in parallel)\n"
    "  e_analog_pj       estimated energy per activation of the analog NLU\n"
    "                    (comparator and counter per ramp step, plus the ramp\n"
    "                    column shared by --cols columns)\n"
    "  e_digital_pj      the same for the digital NLU (rtl/nlu, 8 columns)\n"
    "Energies are estimates from the table printed at the end (sources there\n"
    "and in docs/NLU.md). The paper's own figures follow, marked \"theirs\".\n"
    "\n"
    "Options:\n"
    "  --func LIST    comma-separated functions (default: all): sigmoid, tanh,\n"
    "                 exp, softplus, hardsigmoid, linear, silu, gelu\n"
    "  --bits LIST    comma-separated B values, each 1..8 (default 4,5,6,8)\n"
    "  --noise LIST   comma-separated SIGMA values, each 0..0.5\n"
    "                 (default 0,0.01,0.02,0.05)\n"
    "  --trials N     Monte Carlo trials per noisy row, 1..1000 (default 4)\n"
    "  --seed S       random seed (default 1); same seed, same report\n"
    "  --cols N       columns sharing one ramp, 1..1024 (default 64)\n"
    "  --json         print one JSON object instead of the tables\n"
    "  -h, --help     show this help and exit\n"
    "\n"
    "Exit status: 0 success, 1 failure while running, 2 bad usage or input\n"
    "(message on stderr, nothing on stdout).\n";

#define MAX_LIST 16

static int usage_error(const char *msg, const char *arg) {
  fprintf(stderr, "npe nlu-report: %s '%s'\n(see `npe nlu-report --help`)\n", msg, arg);
  return NPE_EXIT_USAGE;
}

static int parse_double(const char *s, double *out) {
  char *end;
  errno = 0;
  double v = strtod(s, &end);
  if (errno || end == s || *end || !isfinite(v)) return -1;
  *out = v;
  return 0;
}

static int parse_ulong(const char *s, unsigned long long *out) {
  char *end;
  if (!*s || *s == '-') return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 0);
  if (errno || end == s || *end) return -1;
  *out = v;
  return 0;
}

/* Splits a comma list into a copy; returns item count or -1. */
static int split_list(const char *arg, char *buf, size_t cap, char **items) {
  size_t len = strlen(arg);
  if (len == 0 || len >= cap) return -1;
  memcpy(buf, arg, len + 1);
  int n = 0;
  char *p = buf;
  for (;;) {
    if (n == MAX_LIST) return -1;
    items[n++] = p;
    char *c = strchr(p, ',');
    if (!c) break;
    *c = '\0';
    p = c + 1;
  }
  for (int i = 0; i < n; i++)
    if (!*items[i]) return -1;
  return n;
}

typedef struct row {
  npe_nlu_func f;
  unsigned bits;
  double sigma;
  double max_err, rms_err, lsb;
  unsigned latency;
  double e_analog, e_digital;
} row;

/* Energy per activation of one conversion (analog ramp ADC / digital NLU). */
static void nlu_energy(const npe_xbar_energy *e, unsigned bits, unsigned cols, double *ea,
                       double *ed) {
  double steps = (double)((1u << bits) - 1u);
  double ramp_dev_steps = steps * NPE_XBAR_BIAS_DEVICES + steps * (steps - 1) / 2;
  *ea = steps * (e->comp_pj + e->count_pj) + ramp_dev_steps * e->cell_read_pj / cols;
  *ed = steps * e->nlu_step_pj + steps * e->nlu_table_pj / 8.0;
}

static int compute_row(row *r, unsigned trials, uint64_t seed, unsigned *codes) {
  npe_nlu_spec spec;
  npe_nlu_table tab;
  if (npe_nlu_spec_default(r->f, r->bits, &spec) != NPE_OK ||
      npe_nlu_table_gen(&spec, &tab) != NPE_OK)
    return -1;
  int32_t lo = (int32_t)ceil(ldexp(spec.in_lo, 8)), hi = (int32_t)floor(ldexp(spec.in_hi, 8));
  npe_xbar_cfg cfg;
  if (npe_xbar_cfg_default(&cfg, 1, 1) != NPE_OK) return -1;
  npe_xbar_cfg_ideal(&cfg);
  cfg.prog_sigma = r->sigma;
  cfg.read_sigma = r->sigma / 2;
  unsigned n_trials = r->sigma > 0 ? trials : 1;
  double maxe = 0, sum2 = 0;
  long n = 0;
  for (unsigned t = 0; t < n_trials; t++) {
    cfg.seed = seed * 1000003u + t * 7919u + r->bits * 31u + (unsigned)r->f;
    if (npe_xbar_nlu_sweep(&tab, &cfg, lo, hi, codes) != NPE_OK) return -1;
    for (int32_t x = lo; x <= hi; x++) {
      double y;
      if (npe_nlu_code_value(&spec, codes[x - lo], &y) != NPE_OK) return -1;
      double e = fabs(y - npe_nlu_func_value(r->f, ldexp((double)x, -8)));
      if (e > maxe) maxe = e;
      sum2 += e * e;
      n++;
    }
  }
  r->max_err = maxe;
  r->rms_err = sqrt(sum2 / (double)n);
  r->lsb = (spec.out_hi - spec.out_lo) / (double)((1u << r->bits) - 1u);
  r->latency = 1u << r->bits;
  return 0;
}

/* Published figures of the ramp-ADC paper, printed as theirs. */
static const char *const theirs[] = {
    "5-bit NL-ADC demonstrated on a memristor crossbar: 32 ramp devices + 5 "
    "bias-calibration devices per ramp column (Fig. 3a)",
    "NL-ADC tracks read-voltage variation (Vread swept 0.15-0.25 V) where a "
    "conventional ADC does not (Fig. 3b)",
    "energy and throughput for 3-, 4-, 5- and 8-bit NL-ADCs computed at 16 nm, "
    "1 GHz (Fig. 4e; Suppl. Notes S3-S4, Tab. S5); numbers not transcribed here",
    "latency at their 1 GHz normalisation: 2^B ns per conversion, e.g. 32 ns at "
    "B = 5 (derived from their stated clock)",
};

int npe_cmd_nlu_report(int argc, char **argv) {
  npe_nlu_func funcs[MAX_LIST];
  unsigned bits[MAX_LIST] = {4, 5, 6, 8};
  double noise[MAX_LIST] = {0, 0.01, 0.02, 0.05};
  int nf = 0, nb = 4, nn = 4;
  unsigned long long trials = 4, seed = 1, cols = 64;
  int json = 0;
  char buf[512];
  char *items[MAX_LIST];

  for (unsigned i = 0; i < NPE_NLU_FUNC_COUNT; i++) funcs[nf++] = (npe_nlu_func)i;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(nlu_usage, stdout);
      return NPE_EXIT_OK;
    }
    if (!strcmp(a, "--json")) {
      json = 1;
      continue;
    }
    if (strcmp(a, "--func") && strcmp(a, "--bits") && strcmp(a, "--noise") &&
        strcmp(a, "--trials") && strcmp(a, "--seed") && strcmp(a, "--cols"))
      return usage_error("unknown option", a);
    if (i + 1 >= argc) return usage_error("missing value for", a);
    const char *v = argv[++i];
    if (!strcmp(a, "--func")) {
      int n = split_list(v, buf, sizeof buf, items);
      if (n < 0) return usage_error("bad function list", v);
      for (int k = 0; k < n; k++)
        if (npe_nlu_func_from_name(items[k], &funcs[k]) != NPE_OK)
          return usage_error("unknown function", items[k]);
      nf = n;
    } else if (!strcmp(a, "--bits")) {
      int n = split_list(v, buf, sizeof buf, items);
      if (n < 0) return usage_error("bad bits list", v);
      for (int k = 0; k < n; k++) {
        unsigned long long b;
        if (parse_ulong(items[k], &b) || b < NPE_NLU_MIN_BITS || b > NPE_NLU_MAX_BITS)
          return usage_error("bits must be 1..8, got", items[k]);
        bits[k] = (unsigned)b;
      }
      nb = n;
    } else if (!strcmp(a, "--noise")) {
      int n = split_list(v, buf, sizeof buf, items);
      if (n < 0) return usage_error("bad noise list", v);
      for (int k = 0; k < n; k++)
        if (parse_double(items[k], &noise[k]) || noise[k] < 0 || noise[k] > 0.5)
          return usage_error("noise must be 0..0.5, got", items[k]);
      nn = n;
    } else if (!strcmp(a, "--trials")) {
      if (parse_ulong(v, &trials) || trials < 1 || trials > 1000)
        return usage_error("trials must be 1..1000, got", v);
    } else if (!strcmp(a, "--seed")) {
      if (parse_ulong(v, &seed)) return usage_error("bad seed", v);
    } else {
      if (parse_ulong(v, &cols) || cols < 1 || cols > NPE_XBAR_MAX_DIM)
        return usage_error("cols must be 1..1024, got", v);
    }
  }

  /* Compute everything before printing anything. */
  size_t nrows = (size_t)nf * nb * nn;
  row *rows = calloc(nrows, sizeof *rows);
  unsigned *codes = malloc(65536 * sizeof *codes);
  npe_xbar_cfg cfg;
  npe_xbar_energy en;
  npe_xbar_energy_entry et[32];
  size_t ne = 0;
  if (!rows || !codes || npe_xbar_cfg_default(&cfg, (unsigned)cols, (unsigned)cols) != NPE_OK ||
      npe_xbar_energy_default(&cfg, &en) != NPE_OK ||
      npe_xbar_energy_table(&cfg, et, 32, &ne) != NPE_OK) {
    free(rows);
    free(codes);
    fprintf(stderr, "npe nlu-report: out of memory\n");
    return NPE_EXIT_FAIL;
  }
  size_t k = 0;
  for (int i = 0; i < nf; i++)
    for (int j = 0; j < nb; j++)
      for (int m = 0; m < nn; m++, k++) {
        row *r = &rows[k];
        r->f = funcs[i];
        r->bits = bits[j];
        r->sigma = noise[m];
        nlu_energy(&en, r->bits, (unsigned)cols, &r->e_analog, &r->e_digital);
        if (compute_row(r, (unsigned)trials, seed, codes) != 0) {
          free(rows);
          free(codes);
          fprintf(stderr, "npe nlu-report: internal error computing %s B=%u\n",
                  npe_nlu_func_name(r->f), r->bits);
          return NPE_EXIT_FAIL;
        }
      }

  if (json) {
    printf("{\"estimate\":true,\"trials\":%llu,\"seed\":%llu,\"cols\":%llu,\"rows\":[",
           trials, seed, cols);
    for (size_t i = 0; i < nrows; i++) {
      const row *r = &rows[i];
      printf("%s{\"func\":\"%s\",\"bits\":%u,\"sigma\":%g,\"max_err\":%.6g,\"rms_err\":%.6g,"
             "\"lsb\":%.6g,\"latency_cycles\":%u,\"e_analog_pj\":%.6g,\"e_digital_pj\":%.6g}",
             i ? "," : "", npe_nlu_func_name(r->f), r->bits, r->sigma, r->max_err,
             r->rms_err, r->lsb, r->latency, r->e_analog, r->e_digital);
    }
    printf("],\"energy_table\":[");
    for (size_t i = 0; i < ne; i++)
      printf("%s{\"name\":\"%s\",\"value\":%.6g,\"unit\":\"%s\",\"source\":\"%s\"}", i ? "," : "",
             et[i].name, et[i].value, et[i].unit, et[i].source);
    printf("],\"theirs\":{\"paper\":\"arXiv 2411.18271 (Nature Communications 2025)\","
           "\"figures\":[");
    for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++)
      printf("%s\"%s\"", i ? "," : "", theirs[i]);
    printf("]}}\n");
  } else {
    printf("NLU report (estimate): Q8.8 inputs, every code of each function's range;\n"
           "sigma > 0: %llu trials, seed %llu; analog ramp shared by %llu columns\n\n",
           trials, seed, cols);
    printf("%-11s %2s %6s %10s %10s %9s %8s %12s %12s\n", "func", "B", "sigma", "max_err",
           "rms_err", "lsb", "latency", "e_analog_pJ", "e_digital_pJ");
    for (size_t i = 0; i < nrows; i++) {
      const row *r = &rows[i];
      printf("%-11s %2u %6.3f %10.5f %10.5f %9.5f %8u %12.4f %12.4f\n",
             npe_nlu_func_name(r->f), r->bits, r->sigma, r->max_err, r->rms_err, r->lsb,
             r->latency, r->e_analog, r->e_digital);
    }
    printf("\nEnergy and area table (estimates):\n");
    for (size_t i = 0; i < ne; i++)
      printf("  %-18s %12.6g %-16s %s\n", et[i].name, et[i].value, et[i].unit, et[i].source);
    printf("\nTheirs (arXiv 2411.18271, Nature Communications 2025), not measured here:\n");
    for (size_t i = 0; i < sizeof theirs / sizeof theirs[0]; i++) printf("  - %s\n", theirs[i]);
  }
  free(rows);
  free(codes);
  if (fflush(stdout) != 0) return NPE_EXIT_FAIL;
  return NPE_EXIT_OK;
}
