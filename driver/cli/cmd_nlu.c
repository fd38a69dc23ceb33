/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe nlu-report`: for each function, resolution B and noise level, the
 * error of the nonlinear unit against the ideal function (max and RMS over
 * every input code of the function's range), the conversion latency and the
 * estimated energy per activation, with the ramp-ADC paper's own figures
 * printed beside ours and labelled as theirs. Every energy and area comes
 * from libnpe's energy table (npe_energy_table(), npe.h) through the
 * crossbar model's npe_xbar_energy_default() / npe_xbar_nlu_conv_energy().
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
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
    "Energies are estimates from libnpe's energy table (npe_energy_table());\n"
    "the entries used are printed at the end with their units, areas and\n"
    "sources (docs/NLU.md). Then the paper's own figures, each labelled\n"
    "\"paper (arXiv 2411.18271)\" with its figure, beside ours; numbers the\n"
    "paper reports that could not be retrieved are marked so, never guessed.\n"
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

/* The ramp-ADC paper beside this model. "theirs" is what the paper states,
 * with the figure it is stated in; only the abstract and the figure
 * captions could be retrieved offline (docs/NLU.md lists the searches), so
 * the paper's numeric energy, throughput, area and error values are
 * reported as not retrieved rather than guessed. */
#define PAPER "paper (arXiv 2411.18271)"
#define PAPER_REF                                                                       \
  "Yang, Mao et al., Efficient Nonlinear Function Approximation in Analog Resistive " \
  "Crossbars for Recurrent Neural Networks, arXiv 2411.18271 "                         \
  "(https://arxiv.org/abs/2411.18271); Nature Communications 16 (2025), "              \
  "doi:10.1038/s41467-025-56254-6"

typedef struct beside {
  const char *what;   /* the quantity */
  const char *ours;   /* this model / RTL */
  const char *theirs; /* what the paper states */
  const char *where;  /* figure or section of the paper */
} beside;

static const beside besides[] = {
    {"demonstrated resolution", "B = 1..8 (RTL, model); B = 5 in the benches",
     "5-bit NL-ADC on memristor crossbar arrays", "Fig. 3a"},
    {"ramp devices per column", "2^B - 1 increments + 5 bias (31 + 5 at B = 5)",
     "32 ramp + 5 bias-calibration conductances (5 bits)", "Fig. 3a"},
    {"device faults", "stuck-at-OFF 0.2 % default, programming sigma 2 %",
     "stuck-at-OFF devices and high programming error absorbed by the 5 calibration devices",
     "Fig. 3a"},
    {"read voltage", "0.2 V, no Vread error term (ramp and columns scale together)",
     "Vread swept 0.15-0.25 V: the NL-ADC tracks it, a conventional ADC does not", "Fig. 3b"},
    {"functions in the crossbar", "sigmoid, tanh, exp, softplus, hardsigmoid, linear, SiLU, GELU",
     "sigmoid and tanh of an LSTM layer programmed as conductances beside the weights",
     "Fig. 4b"},
    {"cost normalisation", "45 nm digital figures (Horowitz ISSCC'14), 1 ns analog clock",
     "16 nm CMOS, 1 GHz clock", "Fig. 4e"},
    {"resolutions costed", "--bits (default 4,5,6,8)", "3, 4, 5 and 8 bits", "Fig. 4e"},
    {"conversion latency", "2^B cycles (32 at B = 5)",
     "not retrieved; throughput is given at 1 GHz (a 2^B-step ramp at 1 GHz would take "
     "2^B ns: our inference, not their number)",
     "Fig. 4e"},
    {"energy / throughput per activation", "e_analog_pJ, e_digital_pJ above",
     "not retrieved (given in Fig. 4e-f, 5d-e; Suppl. Notes S3-S4, Tab. S5, S9)",
     "Fig. 4e-f, 5d-e"},
    {"area efficiency", "areas in the table above",
     "not retrieved (normalised to 16 nm and 1 GHz)", "Fig. 4e, 5d"},
    {"approximation error", "max_err, rms_err above",
     "not retrieved (INL with and without bias calibration is plotted, values not in the caption)", "Fig. 3a"},
    {"overall claim", "-",
     "\"manifold increase in area-efficiency, energy-efficiency and throughput\" (no number)",
     "abstract"},
};
#define N_BESIDES (sizeof besides / sizeof besides[0])

/* Prints @p s as a JSON string (quotes and backslashes escaped). */
static void json_str(const char *s) {
  putchar('"');
  for (; *s; s++) {
    if (*s == '"' || *s == '\\') putchar('\\');
    putchar(*s);
  }
  putchar('"');
}

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
  if (!rows || !codes) {
    free(rows);
    free(codes);
    fprintf(stderr, "npe nlu-report: out of memory\n");
    return NPE_EXIT_FAIL;
  }
  /* The energy entries this report uses, from libnpe's table. */
  size_t ne = 0;
  const char *const *events = npe_xbar_energy_events(&ne);
  const npe_energy_entry *et[16];
  int rc = ne <= sizeof et / sizeof et[0] ? NPE_OK : NPE_ERR_NO_SPACE;
  for (size_t i = 0; i < ne && rc == NPE_OK; i++) rc = npe_energy_find(events[i], &et[i]);
  if (rc == NPE_OK) rc = npe_xbar_cfg_default(&cfg, (unsigned)cols, (unsigned)cols);
  if (rc == NPE_OK) rc = npe_xbar_energy_default(&cfg, &en);
  if (rc != NPE_OK) {
    free(rows);
    free(codes);
    fprintf(stderr, "npe nlu-report: energy table: %s\n", npe_strerror(rc));
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
        if (npe_xbar_nlu_conv_energy(&cfg, &en, r->bits, &r->e_analog, &r->e_digital) !=
                NPE_OK ||
            compute_row(r, (unsigned)trials, seed, codes) != 0) {
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
    for (size_t i = 0; i < ne; i++) {
      printf("%s{\"name\":", i ? "," : "");
      json_str(et[i]->event);
      printf(",\"value\":%.6g,\"unit\":", et[i]->pj);
      json_str(et[i]->unit);
      printf(",\"source\":");
      json_str(et[i]->source);
      printf(",\"area_um2\":%.6g,\"area_source\":", et[i]->area_um2);
      json_str(et[i]->area_source);
      printf("}");
    }
    printf("],\"theirs\":{\"label\":");
    json_str(PAPER);
    printf(",\"paper\":");
    json_str(PAPER_REF);
    printf(",\"beside_ours\":[");
    for (size_t i = 0; i < N_BESIDES; i++) {
      printf("%s{\"what\":", i ? "," : "");
      json_str(besides[i].what);
      printf(",\"ours\":");
      json_str(besides[i].ours);
      printf(",\"theirs\":");
      json_str(besides[i].theirs);
      printf(",\"where\":");
      json_str(besides[i].where);
      printf("}");
    }
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
    printf("\nEnergy and area entries used (estimates, from libnpe's npe_energy_table();\n"
           "cell read and programming at the default tile):\n");
    printf("  %-17s %10s %-16s %10s\n", "event", "pJ", "unit", "area_um2");
    for (size_t i = 0; i < ne; i++) {
      char area[32] = "-";
      if (et[i]->area_um2 > 0) snprintf(area, sizeof area, "%.6g", et[i]->area_um2);
      printf("  %-17s %10.6g %-16s %10s\n", et[i]->event, et[i]->pj, et[i]->unit, area);
      printf("      energy: %s\n", et[i]->source);
      if (et[i]->area_um2 > 0) printf("      area:   %s\n", et[i]->area_source);
    }
    printf("\nTheirs beside ours. Theirs = %s:\n  %s\n", PAPER, PAPER_REF);
    printf("Only its abstract and figure captions were retrievable; numbers it reports\n"
           "that could not be retrieved are marked \"not retrieved\", not guessed.\n");
    for (size_t i = 0; i < N_BESIDES; i++)
      printf("  %s\n      ours:   %s\n      theirs: %s [%s, %s]\n", besides[i].what,
             besides[i].ours, besides[i].theirs, PAPER, besides[i].where);
  }
  free(rows);
  free(codes);
  if (fflush(stdout) != 0) return NPE_EXIT_FAIL;
  return NPE_EXIT_OK;
}
