/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe info` and `npe matmul`: the engine from the command line, through
 * the public libnpe API only.
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npe.h"
#include "npe_cli.h"

/* ------------------------------------------------------------------------ */
/* npe info                                                                  */
/* ------------------------------------------------------------------------ */

static const char info_usage[] =
    "Usage: npe info [--device URI] [--json]\n"
    "\n"
    "Opens the engine at URI (default \"sim:\", the Verilator model of the RTL)\n"
    "and prints what it is: identification, formats, MAC array shape, scratchpad\n"
    "sizes, device memory, and the largest K per format pair.\n"
    "\n"
    "  --device URI  sim: or sim:?latency=N&ready=P&valid=P&seed=S&trace=FILE, or\n"
    "                uart:PORT[?baud=N&mem=BYTES&clk=MHZ&timeout=MS] for a board\n"
    "                build (make fpga-icebreaker) on the serial port PORT\n"
    "  --json        machine-readable output\n";

static int open_device(const char *uri, npe_dev **d) {
  int rc = npe_open(uri, d);
  if (rc) {
    fprintf(stderr, "npe: cannot open device '%s': %s\n", uri, npe_strerror(rc));
    return rc == NPE_ERR_INVALID_ARG || rc == NPE_ERR_UNSUPPORTED ? NPE_EXIT_USAGE
                                                                   : NPE_EXIT_FAIL;
  }
  return NPE_EXIT_OK;
}

int npe_cmd_info(int argc, char **argv) {
  const char *uri = "sim:";
  int json = 0;
  for (int i = 0; i < argc; i++) {
    if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
      fputs(info_usage, stdout);
      return NPE_EXIT_OK;
    } else if (!strcmp(argv[i], "--json")) {
      json = 1;
    } else if (!strcmp(argv[i], "--device") && i + 1 < argc) {
      uri = argv[++i];
    } else {
      fprintf(stderr, "npe info: unknown option '%s' (see `npe info --help`)\n", argv[i]);
      return NPE_EXIT_USAGE;
    }
  }
  npe_dev *d;
  int ex = open_device(uri, &d);
  if (ex) return ex;
  npe_info in;
  npe_get_info(d, &in);
  static const npe_fmt pa[6][2] = {{NPE_FMT_FP4, NPE_FMT_FP4},       {NPE_FMT_POSIT4, NPE_FMT_POSIT4},
                                   {NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {NPE_FMT_POSIT16, NPE_FMT_POSIT16},
                                   {NPE_FMT_INT8, NPE_FMT_INT8},     {NPE_FMT_INT8, NPE_FMT_TERNARY}};
  if (json) {
    printf("{\"transport\": \"%s\", \"id\": \"0x%08x\", \"hw_version\": \"0x%08x\", "
           "\"formats\": \"0x%02x\", \"rows\": %u, \"cols\": %u, \"lanes\": %u, "
           "\"spad_a_kib\": %u, \"spad_b_kib\": %u, \"spad_c_kib\": %u, \"mem_bytes\": %llu, "
           "\"max_k\": {",
           in.transport, in.id, in.hw_version, in.formats, in.rows, in.cols, in.lanes,
           in.spad_a_kib, in.spad_b_kib, in.spad_c_kib, (unsigned long long)in.mem_size);
    for (int i = 0; i < 6; i++)
      printf("%s\"%sx%s\": %u", i ? ", " : "", npe_fmt_name(pa[i][0]), npe_fmt_name(pa[i][1]),
             npe_max_k(d, pa[i][0], pa[i][1]));
    printf("}}\n");
  } else {
    printf("transport     %s\nid            0x%08x (%c%c%c%c)\nhw version    0x%08x\n",
           in.transport, in.id, in.id >> 24, (in.id >> 16) & 0xff, (in.id >> 8) & 0xff,
           in.id & 0xff, in.hw_version);
    printf("formats      ");
    for (int f = 0; f < NPE_FMT_COUNT; f++)
      if (in.formats >> f & 1) printf(" %s", npe_fmt_name((npe_fmt)f));
    printf("\nMAC array     %u x %u PEs, up to %u MACs per PE per cycle\n", in.rows, in.cols,
           in.lanes);
    printf("scratchpads   A %u KiB, B %u KiB, out %u KiB (each double-buffered)\n",
           in.spad_a_kib, in.spad_b_kib, in.spad_c_kib);
    if (in.mem_size >= (1ull << 20))
      printf("memory        %llu MiB\nlargest K    ", (unsigned long long)(in.mem_size >> 20));
    else
      printf("memory        %llu KiB\nlargest K    ", (unsigned long long)(in.mem_size >> 10));
    /* the pairs this engine has */
    const char *sep = "";
    for (int i = 0; i < 6; i++) {
      uint32_t kmax = npe_max_k(d, pa[i][0], pa[i][1]);
      if (!kmax) continue;
      printf("%s %sx%s %u", sep, npe_fmt_name(pa[i][0]), npe_fmt_name(pa[i][1]), kmax);
      sep = ",";
    }
    printf("\n");
  }
  npe_close(d);
  return NPE_EXIT_OK;
}

/* ------------------------------------------------------------------------ */
/* npe matmul                                                                */
/* ------------------------------------------------------------------------ */

static const char matmul_usage[] =
    "Usage: npe matmul --m M --n N --k K [--format F|all] [--out f32|F]\n"
    "                  [--a A.npy --b B.npy] [--device URI] [--seed S] [--check]\n"
    "                  [--json] [--csv FILE] [--json-out FILE] [--progress|--quiet]\n"
    "                  [--act FUNC [--act-bits B] [--act-frac F]]\n"
    "\n"
    "Runs C = A x B^T on the engine: A is M x K activations, B is N x K weights\n"
    "(one row per output, like nn.Linear). Real-valued inputs (random N(0,1)\n"
    "from --seed, or float32/float64 .npy files) are quantised per tensor to\n"
    "the format, every dot product is accumulated exactly and rounded once.\n"
    "\n"
    "  --m, --n, --k N   shape (the .npy files fix it when given)\n"
    "  --format F        fp4, posit4, posit8, posit16, int8, ternary (INT8\n"
    "                    activations x ternary weights), or all (default all)\n"
    "  --out f32|F       output: binary32 (default) or requantised to format F\n"
    "  --a, --b FILE     2-D C-order float32/float64 .npy inputs (M x K, N x K)\n"
    "  --device URI      sim: (default) or sim:?latency=N&ready=P&valid=P&seed=S&trace=F,\n"
    "                    or uart:PORT[?baud=N&...] (a board; see npe info --help)\n"
    "  --seed S          seed of the random inputs (default 1)\n"
    "  --check           also compare every output bit for bit with the golden\n"
    "                    model, and report the error against float64\n"
    "  --json            print JSON instead of the table\n"
    "  --csv, --json-out FILE   also write the table as CSV / JSON\n"
    "  --progress        progress on stderr (default when stderr is a terminal)\n"
    "  --quiet           no progress\n"
    "  --act FUNC        apply f through the engine's nonlinear unit (ramp-ADC\n"
    "                    staircase): sigmoid, tanh, exp, softplus, hardsigmoid,\n"
    "                    linear, silu, gelu. Outputs are then B-bit codes; the\n"
    "                    error columns compare their values with f of the float64\n"
    "                    product, and --check with the golden NLU. Operand scales\n"
    "                    are rounded up to powers of two so the engine can fold\n"
    "                    them into the NLU input shift.\n"
    "  --act-bits B      NLU output bits, 1..8 (default 8)\n"
    "  --act-frac F      NLU input fraction bits, 0..14 (default 8; the table's\n"
    "                    default input range, e.g. [-8, 8] for sigmoid, at 2^-F)\n"
    "\n"
    "Columns: cycles and utilisation from the engine's counters (MACs done per\n"
    "peak MAC-cycle), energy as an ESTIMATE from the cited table in libnpe,\n"
    "weight bytes as stored on the device, SQNR and max error of the result\n"
    "against float64 arithmetic on the unquantised inputs, golden = bit-exact\n"
    "agreement with the golden model (with --check).\n"
    "\n"
    "Exit status: 0 success, 1 failure (device error, golden mismatch), 2 bad\n"
    "usage or input.\n";

typedef struct {
  uint32_t m, n, k;
  uint64_t seed;
  const char *uri, *a_path, *b_path, *csv, *json_out, *fmt_name, *out_name, *act_name;
  int check, json, progress;
  uint32_t act_bits, act_frac;
  npe_nlu_func act;
} mm_opts;

typedef struct {
  const char *name;
  npe_fmt fa, fb;
  npe_stats st;
  double sqnr_db, max_err, weight_bytes;
  long golden_mismatch; /* -1 = not checked */
} mm_row;

/* Reads a 2-D C-order float32/float64 .npy into doubles. */
static int read_npy(const char *path, double **out, uint32_t *rows, uint32_t *cols) {
  FILE *f = fopen(path, "rb");
  if (!f) {
    perror(path);
    return -1;
  }
  unsigned char pre[10];
  int ok = fread(pre, 1, 10, f) == 10 && !memcmp(pre, "\x93NUMPY", 6);
  size_t hlen = 0, hdr_bytes = 10;
  if (ok && pre[6] == 1) {
    hlen = pre[8] | (size_t)pre[9] << 8;
  } else if (ok && (pre[6] == 2 || pre[6] == 3)) {
    unsigned char b2[2];
    ok = fread(b2, 1, 2, f) == 2;
    hlen = pre[8] | (size_t)pre[9] << 8 | (size_t)b2[0] << 16 | (size_t)b2[1] << 24;
    hdr_bytes = 12;
  } else {
    ok = 0;
  }
  (void)hdr_bytes;
  char *h = ok && hlen < 65536 ? calloc(hlen + 1, 1) : NULL;
  ok = h && fread(h, 1, hlen, f) == hlen;
  int f8 = ok && strstr(h, "'<f8'") != NULL, f4 = ok && strstr(h, "'<f4'") != NULL;
  unsigned long r = 0, c = 0;
  char *shape = ok ? strstr(h, "'shape':") : NULL;
  ok = ok && (f8 || f4) && strstr(h, "'fortran_order': False") && shape &&
       sscanf(shape, "'shape': (%lu, %lu)", &r, &c) == 2 && r > 0 && c > 0 &&
       r < (1ul << 20) && c < (1ul << 20);
  free(h);
  double *v = ok ? malloc(r * c * sizeof *v) : NULL;
  for (size_t i = 0; v && i < r * c; i++) {
    if (f8) {
      ok = fread(&v[i], 8, 1, f) == 1;
    } else {
      float x;
      ok = fread(&x, 4, 1, f) == 1;
      v[i] = x;
    }
    if (!ok || !isfinite(v[i])) {
      ok = 0;
      break;
    }
  }
  fclose(f);
  if (!ok || !v) {
    fprintf(stderr, "npe matmul: %s: not a 2-D C-order float32/float64 .npy of finite values\n",
            path);
    free(v);
    return -1;
  }
  *out = v;
  *rows = (uint32_t)r;
  *cols = (uint32_t)c;
  return 0;
}

static uint64_t rng(uint64_t *s) {
  *s ^= *s >> 12, *s ^= *s << 25, *s ^= *s >> 27;
  return *s * 0x2545F4914F6CDD1Dull;
}

static double gauss(uint64_t *s) {
  double u1 = ((double)(rng(s) >> 11) + 1) / 9007199254740993.0;
  double u2 = (double)(rng(s) >> 11) / 9007199254740992.0;
  return sqrt(-2 * log(u1)) * cos(6.283185307179586 * u2);
}

static void progress_cb(double frac, void *ctx) {
  const char *name = ctx;
  fprintf(stderr, "\rnpe matmul: %-8s %5.1f%%", name, 100.0 * frac);
  fflush(stderr);
}

/* Quantises x (rows x cols) to f per tensor; patterns into *pat. */
/* A power of two at or above s (so quantised values still fit). */
static float pow2_up(float s) {
  int e;
  float mnt = frexpf(s, &e);
  return mnt == 0.5f ? s : ldexpf(1.0f, e);
}

/* Per-tensor quantisation of x to format f; with pow2 the scale is rounded
 * up to a power of two (the NLU folds such scales into its input shift). */
static int quantise(npe_fmt f, const double *x, uint32_t rows, uint32_t cols, int pow2,
                    void **pat, float *scale) {
  size_t n = (size_t)rows * cols;
  float *xf = malloc(n * sizeof *xf);
  *pat = malloc(n * (f == NPE_FMT_POSIT16 ? 2 : 1));
  if (!xf || !*pat) {
    free(xf);
    return NPE_ERR_NO_MEM;
  }
  for (size_t i = 0; i < n; i++) xf[i] = (float)x[i];
  int rc = npe_quant_scale(f, xf, n, scale);
  if (!rc && pow2) *scale = pow2_up(*scale);
  if (!rc) rc = npe_quantize(f, xf, n, *scale, *pat);
  free(xf);
  return rc;
}

/* Error of the engine's outputs against float64 references: SQNR and max. */
typedef struct {
  double se, sr, mx;
} err_acc;

static void err_add(err_acc *e, double ref, double got) {
  double d = got - ref;
  e->se += d * d, e->sr += ref * ref;
  if (fabs(d) > e->mx || d != d) e->mx = fabs(d);
}

static void err_finish(const err_acc *e, long golden_bad, mm_row *row) {
  row->sqnr_db = e->se == 0 ? INFINITY : 10 * log10(e->sr / e->se);
  row->max_err = e->mx;
  row->golden_mismatch = golden_bad;
}

/* A failed row on stderr, with the engine's error when it reported one. */
static void report_error(npe_dev *d, mm_row *row, int rc) {
  fprintf(stderr, "npe matmul: %s: %s\n", row->name, npe_strerror(rc));
  if (rc == NPE_ERR_DEVICE && npe_last_stats(d, &row->st) == NPE_OK)
    fprintf(stderr, "npe matmul: engine error code %u at descriptor %u (address 0x%llx)\n",
            row->st.hw_error, row->st.hw_error_index, (unsigned long long)row->st.hw_error_addr);
}

/* --act: the matmul through the NLU; errors against f(float64 product). */
static int run_one_act(npe_dev *d, const mm_opts *o, mm_row *row, const double *a,
                       const double *b) {
  uint32_t m = o->m, n = o->n, k = o->k;
  void *pa = NULL, *pb = NULL;
  float sa, sb;
  npe_nlu_spec spec;
  npe_nlu_table tab;
  int rc = quantise(row->fa, a, m, k, 1, &pa, &sa);
  if (!rc) rc = quantise(row->fb, b, n, k, 1, &pb, &sb);
  if (!rc) rc = npe_nlu_spec_default(o->act, o->act_bits, &spec);
  if (!rc) {
    spec.in_frac_bits = o->act_frac;
    rc = npe_nlu_table_gen(&spec, &tab);
  }
  uint8_t *codes = malloc((size_t)m * n);
  if (!codes && !rc) rc = NPE_ERR_NO_MEM;
  npe_tensor ta = {row->fa, m, k, 0, sa, pa}, tb = {row->fb, n, k, 0, sb, pb};
  if (!rc) {
    if (o->progress) npe_set_progress(d, progress_cb, (void *)row->name);
    rc = npe_matmul_nlu(d, &ta, &tb, &tab, o->act_frac, codes, 0);
    npe_set_progress(d, NULL, NULL);
    if (o->progress) fprintf(stderr, "\r%60s\r", "");
    if (rc == NPE_ERR_INVALID_ARG)
      fprintf(stderr, "npe matmul: %s: the operand scales 2^%d x 2^%d and --act-frac %u give "
                      "an NLU input shift outside -15..14; choose another --act-frac\n",
              row->name, ilogbf(sa), ilogbf(sb), o->act_frac);
  }
  if (rc) {
    report_error(d, row, rc);
  } else {
    npe_last_stats(d, &row->st);
    row->weight_bytes = (double)npe_packed_size(row->fb, (size_t)n * k);
    err_acc err = {0, 0, 0};
    long bad = o->check ? 0 : -1;
    size_t ea = row->fa == NPE_FMT_POSIT16 ? 2 : 1, eb = row->fb == NPE_FMT_POSIT16 ? 2 : 1;
    for (uint32_t i = 0; i < m; i++) {
      for (uint32_t j = 0; j < n; j++) {
        double dot = 0, got;
        for (uint32_t t = 0; t < k; t++) dot += a[(size_t)i * k + t] * b[(size_t)j * k + t];
        double ref = npe_nlu_func_value(o->act, dot);
        unsigned code = codes[(size_t)i * n + j];
        npe_nlu_code_value(&spec, code, &got);
        err_add(&err, ref, got);
        if (o->check) { /* golden: exact dot, binary32, NLU input code, staircase */
          npe_quire q;
          float g;
          int32_t x = 0;
          unsigned want = 0;
          npe_quire_clear(&q);
          npe_dot(&q, row->fa, (uint8_t *)pa + (size_t)i * k * ea, row->fb,
                  (uint8_t *)pb + (size_t)j * k * eb, k);
          npe_quire_to_f32(&q, &g);
          if (g == g) npe_nlu_from_double((double)g * sa * sb, o->act_frac, &x);
          npe_nlu_table_eval(&tab, x, &want);
          if (want != code) bad++;
        }
      }
    }
    err_finish(&err, bad, row);
  }
  free(pa), free(pb), free(codes);
  return rc;
}

static int run_one(npe_dev *d, const mm_opts *o, mm_row *row, const double *a, const double *b) {
  if (o->act_name) return run_one_act(d, o, row, a, b);
  uint32_t m = o->m, n = o->n, k = o->k;
  void *pa = NULL, *pb = NULL;
  float sa, sb;
  int rc = quantise(row->fa, a, m, k, 0, &pa, &sa);
  if (!rc) rc = quantise(row->fb, b, n, k, 0, &pb, &sb);
  int out_fp32 = !o->out_name || !strcmp(o->out_name, "f32");
  npe_fmt fo = NPE_FMT_FP4;
  if (!out_fp32) npe_fmt_from_name(o->out_name, &fo);
  size_t osz = out_fp32 ? 4 : (fo == NPE_FMT_POSIT16 ? 2 : 1);
  void *c = malloc((size_t)m * n * osz);
  if (!c && !rc) rc = NPE_ERR_NO_MEM;
  npe_tensor ta = {row->fa, m, k, 0, sa, pa}, tb = {row->fb, n, k, 0, sb, pb};
  npe_output out = {out_fp32, fo, 0, 0, c};
  if (!rc) {
    if (o->progress) npe_set_progress(d, progress_cb, (void *)row->name);
    rc = npe_matmul(d, &ta, &tb, &out);
    npe_set_progress(d, NULL, NULL);
    if (o->progress) fprintf(stderr, "\r%60s\r", "");
  }
  if (rc) {
    report_error(d, row, rc);
  } else {
    npe_last_stats(d, &row->st);
    row->weight_bytes = (double)npe_packed_size(row->fb, (size_t)n * k);
    /* error of the engine's result against float64 on the unquantised inputs */
    err_acc err = {0, 0, 0};
    long bad = o->check ? 0 : -1;
    for (uint32_t i = 0; i < m; i++) {
      for (uint32_t j = 0; j < n; j++) {
        double ref = 0, got;
        for (uint32_t t = 0; t < k; t++) ref += a[(size_t)i * k + t] * b[(size_t)j * k + t];
        size_t at = (size_t)i * n + j;
        if (out_fp32) {
          got = ((float *)c)[at];
        } else {
          uint32_t p = fo == NPE_FMT_POSIT16 ? ((uint16_t *)c)[at] : ((uint8_t *)c)[at];
          npe_decode(fo, p, &got);
          got *= out.scale;
        }
        err_add(&err, ref, got);
        if (o->check) { /* the golden model, element by element */
          npe_quire q;
          npe_quire_clear(&q);
          size_t ea = row->fa == NPE_FMT_POSIT16 ? 2 : 1, eb = row->fb == NPE_FMT_POSIT16 ? 2 : 1;
          npe_dot(&q, row->fa, (uint8_t *)pa + (size_t)i * k * ea, row->fb,
                  (uint8_t *)pb + (size_t)j * k * eb, k);
          if (out_fp32) {
            float g;
            npe_quire_to_f32(&q, &g);
            g = g * (sa * sb);
            if (memcmp(&g, &((float *)c)[at], 4)) bad++;
          } else {
            uint32_t g, p = fo == NPE_FMT_POSIT16 ? ((uint16_t *)c)[at] : ((uint8_t *)c)[at];
            npe_quire_to_fmt(&q, fo, &g);
            if (g != p) bad++;
          }
        }
      }
    }
    err_finish(&err, bad, row);
  }
  free(pa), free(pb), free(c);
  return rc;
}

static void print_rows(FILE *f, const mm_opts *o, const mm_row *r, int n, int mode) {
  /* mode 0 table, 1 csv, 2 json */
  if (mode == 0) {
    if (o->act_name)
      fprintf(f, "C = %s(A x B^T) through the NLU (B=%u, F=%u), M=%u N=%u K=%u, device %s; "
                 "energy is an ESTIMATE\n\n", o->act_name, o->act_bits, o->act_frac, o->m, o->n,
              o->k, o->uri);
    else
      fprintf(f, "C = A x B^T, M=%u N=%u K=%u, device %s; energy is an ESTIMATE\n\n", o->m,
              o->n, o->k, o->uri);
    fprintf(f, "%-8s %10s %7s %11s %9s %9s %10s %12s %8s\n", "format", "cycles", "util",
            "energy_uJ", "pJ/MAC", "w_bytes", "sqnr_dB", "max_err", "golden");
  } else if (mode == 1) {
    fprintf(f, "format,m,n,k,cycles,utilisation,energy_pj,pj_per_mac,weight_bytes,sqnr_db,"
               "max_err,golden_mismatches,host_seconds\n");
  } else {
    fprintf(f, "{\"m\": %u, \"n\": %u, \"k\": %u, \"device\": \"%s\", \"energy\": \"estimate\", "
               "\"rows\": [\n", o->m, o->n, o->k, o->uri);
  }
  for (int i = 0; i < n; i++) {
    const mm_row *x = &r[i];
    uint64_t macs = 0;
    for (int fmt = 0; fmt < NPE_FMT_COUNT; fmt++) macs += x->st.macs[fmt];
    double pj_mac = macs ? x->st.energy_pj / (double)macs : 0;
    char golden[24];
    if (x->golden_mismatch < 0) snprintf(golden, sizeof golden, "-");
    else if (x->golden_mismatch == 0) snprintf(golden, sizeof golden, "exact");
    else snprintf(golden, sizeof golden, "%ld bad", x->golden_mismatch);
    if (mode == 0)
      fprintf(f, "%-8s %10llu %6.1f%% %11.3f %9.3f %9.0f %10.2f %12.4g %8s\n", x->name,
              (unsigned long long)x->st.cycles, 100 * x->st.utilisation, x->st.energy_pj / 1e6,
              pj_mac, x->weight_bytes, x->sqnr_db, x->max_err, golden);
    else if (mode == 1)
      fprintf(f, "%s,%u,%u,%u,%llu,%.4f,%.1f,%.4f,%.0f,%.3f,%.6g,%ld,%.3f\n", x->name, o->m,
              o->n, o->k, (unsigned long long)x->st.cycles, x->st.utilisation, x->st.energy_pj,
              pj_mac, x->weight_bytes, x->sqnr_db, x->max_err, x->golden_mismatch,
              x->st.host_seconds);
    else
      fprintf(f, "  {\"format\": \"%s\", \"cycles\": %llu, \"utilisation\": %.4f, "
                 "\"energy_pj\": %.1f, \"pj_per_mac\": %.4f, \"weight_bytes\": %.0f, "
                 "\"sqnr_db\": %.3f, \"max_err\": %.6g, \"golden_mismatches\": %ld, "
                 "\"host_seconds\": %.3f}%s\n",
              x->name, (unsigned long long)x->st.cycles, x->st.utilisation, x->st.energy_pj,
              pj_mac, x->weight_bytes, x->sqnr_db, x->max_err, x->golden_mismatch,
              x->st.host_seconds, i + 1 < n ? "," : "");
  }
  if (mode == 2) fprintf(f, "]}\n");
}

static int parse_u32(const char *s, uint32_t *v, uint32_t lo, uint32_t hi) {
  char *end;
  unsigned long long x = strtoull(s, &end, 10);
  if (!*s || *end || *s == '-' || x < lo || x > hi) return -1;
  *v = (uint32_t)x;
  return 0;
}

int npe_cmd_matmul(int argc, char **argv) {
  mm_opts o = {.m = 64, .n = 64, .k = 256, .seed = 1, .uri = "sim:", .fmt_name = "all",
               .progress = -1, .act_bits = 8, .act_frac = 8};
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(matmul_usage, stdout);
      return NPE_EXIT_OK;
    }
    if (!strcmp(a, "--check")) { o.check = 1; continue; }
    if (!strcmp(a, "--json")) { o.json = 1; continue; }
    if (!strcmp(a, "--progress")) { o.progress = 1; continue; }
    if (!strcmp(a, "--quiet")) { o.progress = 0; continue; }
    if (!v) {
      fprintf(stderr, "npe matmul: unknown option '%s' or missing value (see --help)\n", a);
      return NPE_EXIT_USAGE;
    }
    i++;
    int bad = 0;
    uint32_t seed32 = 0;
    if (!strcmp(a, "--m")) bad = parse_u32(v, &o.m, 1, 1u << 16);
    else if (!strcmp(a, "--n")) bad = parse_u32(v, &o.n, 1, 1u << 16);
    else if (!strcmp(a, "--k")) bad = parse_u32(v, &o.k, 1, 1u << 16);
    else if (!strcmp(a, "--seed")) bad = parse_u32(v, &seed32, 0, 0xffffffffu), o.seed = seed32;
    else if (!strcmp(a, "--format")) o.fmt_name = v;
    else if (!strcmp(a, "--out")) o.out_name = v;
    else if (!strcmp(a, "--device")) o.uri = v;
    else if (!strcmp(a, "--a")) o.a_path = v;
    else if (!strcmp(a, "--b")) o.b_path = v;
    else if (!strcmp(a, "--csv")) o.csv = v;
    else if (!strcmp(a, "--json-out")) o.json_out = v;
    else if (!strcmp(a, "--act")) o.act_name = v;
    else if (!strcmp(a, "--act-bits")) bad = parse_u32(v, &o.act_bits, NPE_NLU_MIN_BITS, NPE_NLU_MAX_BITS);
    else if (!strcmp(a, "--act-frac")) bad = parse_u32(v, &o.act_frac, 0, NPE_NLU_MAX_FRAC_BITS);
    else {
      fprintf(stderr, "npe matmul: unknown option '%s' (see --help)\n", a);
      return NPE_EXIT_USAGE;
    }
    if (bad) {
      fprintf(stderr, "npe matmul: bad value '%s' for %s\n", v, a);
      return NPE_EXIT_USAGE;
    }
  }
  npe_fmt tmp;
  if (o.out_name && strcmp(o.out_name, "f32") && npe_fmt_from_name(o.out_name, &tmp)) {
    fprintf(stderr, "npe matmul: unknown output '%s' (f32 or a format)\n", o.out_name);
    return NPE_EXIT_USAGE;
  }
  if (o.act_name && npe_nlu_func_from_name(o.act_name, &o.act)) {
    fprintf(stderr, "npe matmul: unknown function '%s' for --act (sigmoid, tanh, exp, softplus, "
                    "hardsigmoid, linear, silu, gelu)\n", o.act_name);
    return NPE_EXIT_USAGE;
  }
  if (o.act_name && o.out_name) {
    fprintf(stderr, "npe matmul: --act gives NLU codes; it does not take --out\n");
    return NPE_EXIT_USAGE;
  }
  /* the rows to run */
  static const struct { const char *name; npe_fmt fa, fb; } all[6] = {
      {"fp4", NPE_FMT_FP4, NPE_FMT_FP4},          {"posit4", NPE_FMT_POSIT4, NPE_FMT_POSIT4},
      {"posit8", NPE_FMT_POSIT8, NPE_FMT_POSIT8}, {"posit16", NPE_FMT_POSIT16, NPE_FMT_POSIT16},
      {"int8", NPE_FMT_INT8, NPE_FMT_INT8},       {"ternary", NPE_FMT_INT8, NPE_FMT_TERNARY}};
  mm_row rows[6];
  int nrows = 0;
  for (int i = 0; i < 6; i++) {
    if (strcmp(o.fmt_name, "all") && strcmp(o.fmt_name, all[i].name)) continue;
    memset(&rows[nrows], 0, sizeof rows[nrows]);
    rows[nrows].name = all[i].name;
    rows[nrows].fa = all[i].fa;
    rows[nrows].fb = all[i].fb;
    nrows++;
  }
  if (!nrows) {
    fprintf(stderr, "npe matmul: unknown format '%s' (fp4, posit4, posit8, posit16, int8, "
                    "ternary, all)\n", o.fmt_name);
    return NPE_EXIT_USAGE;
  }
  /* inputs */
  double *a = NULL, *b = NULL;
  if (!!o.a_path != !!o.b_path) {
    fprintf(stderr, "npe matmul: --a and --b go together\n");
    return NPE_EXIT_USAGE;
  }
  if (o.a_path) {
    uint32_t ar, ac, br, bc;
    if (read_npy(o.a_path, &a, &ar, &ac)) return NPE_EXIT_USAGE;
    if (read_npy(o.b_path, &b, &br, &bc)) {
      free(a);
      return NPE_EXIT_USAGE;
    }
    if (ac != bc) {
      fprintf(stderr, "npe matmul: A is %ux%u but B is %ux%u (need M x K and N x K)\n", ar, ac,
              br, bc);
      free(a), free(b);
      return NPE_EXIT_USAGE;
    }
    o.m = ar, o.n = br, o.k = ac;
  } else {
    a = malloc((size_t)o.m * o.k * sizeof *a);
    b = malloc((size_t)o.n * o.k * sizeof *b);
    if (!a || !b) {
      free(a), free(b);
      fprintf(stderr, "npe matmul: out of memory\n");
      return NPE_EXIT_FAIL;
    }
    uint64_t s = o.seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < (size_t)o.m * o.k; i++) a[i] = gauss(&s);
    for (size_t i = 0; i < (size_t)o.n * o.k; i++) b[i] = gauss(&s);
  }
  if (o.progress < 0) o.progress = isatty(2);
  npe_dev *d;
  int ex = open_device(o.uri, &d);
  if (ex) {
    free(a), free(b);
    return ex;
  }
  /* "all": the formats this engine has (a small board build has INT8 and
   * ternary only) */
  if (!strcmp(o.fmt_name, "all")) {
    npe_info in;
    npe_get_info(d, &in);
    int kept = 0;
    for (int i = 0; i < nrows; i++)
      if (in.formats >> (rows[i].fb == NPE_FMT_TERNARY ? NPE_FMT_TERNARY : rows[i].fa) & 1u)
        rows[kept++] = rows[i];
    nrows = kept;
  }
  for (int i = 0; i < nrows && !ex; i++) {
    if (npe_max_k(d, rows[i].fa, rows[i].fb) == 0) {
      fprintf(stderr, "npe matmul: this engine has no %s (npe info lists its formats)\n",
              rows[i].name);
      ex = NPE_EXIT_USAGE;
      break;
    } else if (o.k > npe_max_k(d, rows[i].fa, rows[i].fb)) {
      fprintf(stderr, "npe matmul: K=%u is beyond this engine's limit of %u for %s\n", o.k,
              npe_max_k(d, rows[i].fa, rows[i].fb), rows[i].name);
      ex = NPE_EXIT_USAGE;
      break;
    }
    int rc = run_one(d, &o, &rows[i], a, b);
    if (rc) ex = rc == NPE_ERR_INVALID_ARG || rc == NPE_ERR_RANGE ? NPE_EXIT_USAGE : NPE_EXIT_FAIL;
    else if (rows[i].golden_mismatch > 0) ex = NPE_EXIT_FAIL;
  }
  npe_close(d);
  free(a), free(b);
  if (ex == NPE_EXIT_USAGE) return ex;
  print_rows(stdout, &o, rows, nrows, o.json ? 2 : 0);
  const char *paths[2] = {o.csv, o.json_out};
  for (int m = 0; m < 2; m++) {
    if (!paths[m]) continue;
    FILE *f = fopen(paths[m], "w");
    if (!f) {
      perror(paths[m]);
      return NPE_EXIT_FAIL;
    }
    print_rows(f, &o, rows, nrows, m + 1);
    if (fclose(f)) {
      perror(paths[m]);
      return NPE_EXIT_FAIL;
    }
    if (!o.json) fprintf(stdout, "wrote %s\n", paths[m]);
  }
  return ex;
}
