/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe matmul`: C = A x B^T on the engine from the command line, through the
 * public libnpe API only, in every format, with errors against float64 and
 * (--check) bit-exact comparison with the golden matmul. The device
 * (cli_info.c), .npy input (cli_npy.c), data (cli_data.c) and the report
 * (cli_report.c) live beside it.
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

static const char matmul_usage[] =
    "Usage: npe matmul --m M --n N --k K [--format F|all] [--out f32|F]\n"
    "                  [--a A.npy --b B.npy [--a-scale S] [--b-scale S|--b-scales S.npy]]\n"
    "                  [--per-row] [--no-b-resident]\n"
    "                  [--c-out C.npy] [--device URI] [--seed S] [--check]\n"
    "                  [--json] [--csv FILE] [--json-out FILE] [--progress|--quiet]\n"
    "                  [--act FUNC [--act-bits B] [--act-frac F]]\n"
    "\n"
    "Runs C = A x B^T on the engine: A is M x K activations, B is N x K weights\n"
    "(one row per output, like nn.Linear). Real-valued inputs (random N(0,1)\n"
    "from --seed, or float32/float64 .npy files) are quantised per tensor to\n"
    "the format, every dot product is accumulated exactly and rounded once.\n"
    "\n"
    "  --m, --n, --k N   shape (the .npy files fix it when given). K above what\n"
    "                    the scratchpads hold (npe info: largest K) runs as K\n"
    "                    tiles chained on the engine, still rounded once; K up\n"
    "                    to 2^24\n"
    "  --format F        fp4, posit4, posit8, posit16, int8, ternary (INT8\n"
    "                    activations x ternary weights), or all (default all)\n"
    "  --out f32|F       output: binary32 (default) or requantised to format F\n"
    "  --a, --b FILE     .npy inputs, 2-D and C-ordered: A is M x K, B is N x K.\n"
    "                    float32/float64 arrays are real values, quantised per\n"
    "                    tensor. An integer array (int8, uint8, int16, uint16,\n"
    "                    int32, uint32) is pre-quantised and used as it is: for\n"
    "                    int8 (and ternary's int8 A) the values -128..127, for\n"
    "                    ternary weights -1, 0, 1, for fp4, posit4, posit8 and\n"
    "                    posit16 the bit patterns (0..2^bits-1); it needs one\n"
    "                    --format. The error columns then compare against the\n"
    "                    float64 product of the values the patterns stand for.\n"
    "                    A malformed file (rank other than 2, an unsupported or\n"
    "                    big-endian dtype, Fortran order, truncated or extra\n"
    "                    data, a garbled or larger than 64 KiB header, NaN or\n"
    "                    Inf) is refused, naming the file and the problem\n"
    "  --a-scale, --b-scale S   scale of a pre-quantised operand: element value\n"
    "                    = decode(pattern) x S (default: the scale recorded in\n"
    "                    the file by --c-out, else 1). With --act a power of two\n"
    "  --no-b-resident   load B for every m-tile (npe_set_b_resident(dev, 0)), as\n"
    "                    an engine without CAP_FORMATS.B_OFFSET would: the same\n"
    "                    results, more DMA bytes (to measure the difference)\n"
    "  --per-row         quantise B with one scale per row (per output channel,\n"
    "                    npe_quantize_rows) instead of one per tensor, and run\n"
    "                    npe_matmul_rows: C[i][j] = dot x scale_a x scale_b[j].\n"
    "                    Binary32 output only (no --out F, no --act)\n"
    "  --b-scales FILE   per-row scales of a pre-quantised (integer) B: a .npy\n"
    "                    of N float32/float64 values, shape (N, 1) or (1, N),\n"
    "                    each finite and > 0; implies --per-row\n"
    "  --c-out FILE      write C as a .npy (needs one --format): binary32 values\n"
    "                    ('<f4', M x N); with --out F the patterns of F ('|i1'\n"
    "                    values for int8, '<u2' for posit16, '|u1' bit patterns\n"
    "                    otherwise), the scale recorded as a comment after the\n"
    "                    header dictionary, '# npe: format=F scale=S' (S a C99\n"
    "                    hex float; value = decode(pattern) x S; NumPy ignores\n"
    "                    it, --a reads it back); with --act the B-bit NLU codes\n"
    "                    ('|u1', comment '# npe: act=FUNC bits=B frac=F')\n"
    "  --device URI      sim: (default) or sim:?latency=N&ready=P&valid=P&seed=S&trace=F,\n"
    "                    or uart:PORT[?...], ftdi://[VID:PID][?...] (a board; see npe info --help)\n"
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

static void progress_cb(double frac, void *ctx) {
  const char *name = ctx;
  fprintf(stderr, "\rnpe matmul: %-8s %5.1f%%", name, 100.0 * frac);
  fflush(stderr);
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

static void err_finish(const err_acc *e, long golden_bad, cli_mm_row *row) {
  row->sqnr_db = e->se == 0 ? INFINITY : 10 * log10(e->sr / e->se);
  row->max_err = e->mx;
  row->golden_mismatch = golden_bad;
}

/* The float64 product of row i of a and row j of b (the unquantised inputs). */
static double dot64(const double *a, const double *b, uint32_t i, uint32_t j, uint32_t k) {
  double dot = 0;
  for (uint32_t t = 0; t < k; t++) dot += a[(size_t)i * k + t] * b[(size_t)j * k + t];
  return dot;
}

/* An input of `npe matmul`: real values quantised per tensor for each row,
 * or pre-quantised patterns with their scale. x holds the real values (for
 * patterns what they stand for): the float64 reference. */
typedef struct {
  const double *x;
  const npe_pats_out *pre; /* NULL: quantise x */
  float scale;
  const float *row_scales; /* pre-quantised B with --b-scales: one per row */
} mm_operand;

/* Per-row (per-output-channel) patterns of B and their scales (--per-row):
 * each row quantised on its own (npe_quant_scale + npe_quantize, as
 * npe_quantize_rows does), or pre-quantised patterns with their scales. */
static int operand_rows(const mm_operand *op, npe_fmt f, uint32_t rows, uint32_t cols,
                        npe_pats_out *p, float *scales) {
  int rc = cli_pats_alloc(f, (size_t)rows * cols, p);
  for (uint32_t r = 0; !rc && r < rows; r++) {
    size_t at = (size_t)r * cols;
    if (op->pre) {
      for (uint32_t c = 0; c < cols; c++)
        npe_pats_set(*p, at + c, npe_pats_get(npe_pats_of(*op->pre), at + c));
      scales[r] = op->row_scales[r];
    } else {
      npe_pats_out row = {0};
      rc = cli_quantise(f, op->x + at, cols, 0, &row, &scales[r]);
      for (uint32_t c = 0; !rc && c < cols; c++)
        npe_pats_set(*p, at + c, npe_pats_get(npe_pats_of(row), c));
      cli_pats_free(&row);
    }
  }
  return rc;
}

/* The patterns of operand @p op in format f (a new array) and its scale. */
static int operand_pats(const mm_operand *op, npe_fmt f, size_t n, int pow2, npe_pats_out *p,
                        float *scale) {
  if (!op->pre) return cli_quantise(f, op->x, n, pow2, p, scale);
  int rc = cli_pats_alloc(f, n, p);
  for (size_t i = 0; !rc && i < n; i++) npe_pats_set(*p, i, npe_pats_get(npe_pats_of(*op->pre), i));
  *scale = op->scale;
  return rc;
}

/* --c-out: the result as a .npy; 0, or NPE_EXIT_FAIL after a message. */
static int write_c(const cli_mm_opts *o, const float *cf, npe_pats c, const char *comment) {
  int rc = cf ? cli_npy_write_f32(o->c_out, o->m, o->n, cf)
              : cli_npy_write_pats(o->c_out, o->m, o->n, c, comment);
  if (rc) {
    perror(o->c_out);
    return NPE_EXIT_FAIL;
  }
  return 0;
}

/* A failed row on stderr, with the engine's error when it reported one. */
static void report_error(npe_dev *d, cli_mm_row *row, int rc) {
  row->golden_mismatch = -1; /* (its table row says "-", not "exact") */
  fprintf(stderr, "npe matmul: %s: %s\n", row->name, npe_strerror(rc));
  const char *why = npe_last_error(d); /* (the SoC's firmware, a link: why) */
  if (why && *why) fprintf(stderr, "npe matmul: %s\n", why);
  if (rc == NPE_ERR_DEVICE && npe_last_stats(d, &row->st) == NPE_OK)
    fprintf(stderr, "npe matmul: engine error code %u at descriptor %u (address 0x%llx)\n",
            row->st.hw_error, row->st.hw_error_index, (unsigned long long)row->st.hw_error_addr);
}

/* --act: the matmul through the NLU; errors against f(float64 product). */
static int run_one_act(npe_dev *d, const cli_mm_opts *o, cli_mm_row *row,
                       const mm_operand *opa, const mm_operand *opb) {
  const double *a = opa->x, *b = opb->x;
  uint32_t m = o->m, n = o->n, k = o->k;
  npe_pats_out pa = {0}, pb = {0};
  float sa, sb, *golden = NULL;
  npe_nlu_spec spec;
  npe_nlu_table tab;
  int rc = operand_pats(opa, row->fa, (size_t)m * k, 1, &pa, &sa);
  if (!rc) rc = operand_pats(opb, row->fb, (size_t)n * k, 1, &pb, &sb);
  if (!rc) rc = npe_nlu_spec_default(o->act, o->act_bits, &spec);
  if (!rc) {
    spec.in_frac_bits = o->act_frac;
    rc = npe_nlu_table_gen(&spec, &tab);
  }
  uint8_t *codes = malloc((size_t)m * n);
  if (!codes && !rc) rc = NPE_ERR_NO_MEM;
  npe_tensor ta = {npe_pats_of(pa), m, k, 0, sa}, tb = {npe_pats_of(pb), n, k, 0, sb};
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
    /* golden: exact dot, binary32 (npe_golden_matmul_f32), NLU input code,
     * staircase */
    if (o->check) {
      golden = malloc((size_t)m * n * sizeof *golden);
      rc = golden ? npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, 1.0f, golden, n)
                  : NPE_ERR_NO_MEM;
      if (rc) report_error(d, row, rc);
    }
    err_acc err = {0, 0, 0};
    long bad = o->check ? 0 : -1;
    for (uint32_t i = 0; !rc && i < m; i++) {
      for (uint32_t j = 0; j < n; j++) {
        double got, ref = npe_nlu_func_value(o->act, dot64(a, b, i, j, k));
        unsigned code = codes[(size_t)i * n + j];
        npe_nlu_code_value(&spec, code, &got);
        err_add(&err, ref, got);
        if (o->check) {
          float g = golden[(size_t)i * n + j];
          int32_t x = 0;
          unsigned want = 0;
          if (g == g) npe_nlu_from_double((double)g * sa * sb, o->act_frac, &x);
          npe_nlu_table_eval(&tab, x, &want);
          if (want != code) bad++;
        }
      }
    }
    if (!rc) err_finish(&err, bad, row);
    if (!rc && o->c_out) { /* the codes, as bytes */
      char com[96];
      snprintf(com, sizeof com, "# npe: act=%s bits=%u frac=%u", o->act_name, o->act_bits,
               o->act_frac);
      rc = write_c(o, NULL, npe_pats_u8(NPE_FMT_POSIT8, codes), com);
    }
  }
  cli_pats_free(&pa), cli_pats_free(&pb), free(codes), free(golden);
  return rc;
}

static int run_one(npe_dev *d, const cli_mm_opts *o, cli_mm_row *row, const mm_operand *opa,
                   const mm_operand *opb) {
  if (o->act_name) return run_one_act(d, o, row, opa, opb);
  const double *a = opa->x, *b = opb->x;
  uint32_t m = o->m, n = o->n, k = o->k;
  npe_pats_out pa = {0}, pb = {0}, cp = {0}, gp = {0};
  float sa, sb, *cf = NULL, *gf = NULL;
  float *rs = o->per_row ? malloc(n * sizeof *rs) : NULL; /* --per-row: B's row scales */
  int rc = o->per_row && !rs ? NPE_ERR_NO_MEM : NPE_OK;
  if (!rc) rc = operand_pats(opa, row->fa, (size_t)m * k, 0, &pa, &sa);
  if (!rc) rc = rs ? operand_rows(opb, row->fb, n, k, &pb, rs)
                   : operand_pats(opb, row->fb, (size_t)n * k, 0, &pb, &sb);
  if (rs) sb = 1.0f;
  int out_fp32 = !o->out_name || !strcmp(o->out_name, "f32");
  npe_fmt fo = NPE_FMT_FP4;
  if (!out_fp32) npe_fmt_from_name(o->out_name, &fo);
  /* the engine's output C and, with --check, the golden model's */
  size_t mn = (size_t)m * n;
  if (!rc && out_fp32) {
    cf = malloc(mn * sizeof *cf);
    gf = o->check ? malloc(mn * sizeof *gf) : NULL;
    if (!cf || (o->check && !gf)) rc = NPE_ERR_NO_MEM;
  } else if (!rc) {
    rc = cli_pats_alloc(fo, mn, &cp);
    if (!rc && o->check) rc = cli_pats_alloc(fo, mn, &gp);
  }
  npe_tensor ta = {npe_pats_of(pa), m, k, 0, sa}, tb = {npe_pats_of(pb), n, k, 0, sb};
  npe_output out = {cf, cp, 0, 0};
  if (!rc) {
    if (o->progress) npe_set_progress(d, progress_cb, (void *)row->name);
    rc = rs ? npe_matmul_rows(d, &ta, &tb, rs, &out) : npe_matmul(d, &ta, &tb, &out);
    npe_set_progress(d, NULL, NULL);
    if (o->progress) fprintf(stderr, "\r%60s\r", "");
  }
  if (!rc && o->check) /* the golden model: what npe_matmul promises, bit for bit */
    rc = out_fp32 ? npe_golden_matmul_f32(ta.data, k, tb.data, k, m, n, k, rs ? 1.0f : sa * sb, gf, n)
                  : npe_golden_matmul_fmt(ta.data, k, tb.data, k, m, n, k, gp, n);
  if (!rc && o->check && rs) /* npe_matmul_rows: then times scale_a x scale_b[j] */
    for (size_t at = 0; at < mn; at++) gf[at] *= sa * rs[at % n];
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
        size_t at = (size_t)i * n + j;
        double got;
        if (out_fp32) {
          got = cf[at];
          if (o->check && memcmp(&gf[at], &cf[at], 4)) bad++;
        } else {
          uint32_t p = npe_pats_get(npe_pats_of(cp), at);
          npe_decode(fo, p, &got);
          got *= out.scale;
          if (o->check && npe_pats_get(npe_pats_of(gp), at) != p) bad++;
        }
        err_add(&err, dot64(a, b, i, j, k), got);
      }
    }
    err_finish(&err, bad, row);
    if (o->c_out) {
      char com[96];
      snprintf(com, sizeof com, "# npe: format=%s scale=%a", npe_fmt_name(fo), (double)out.scale);
      rc = write_c(o, out_fp32 ? cf : NULL, npe_pats_of(cp), com);
    }
  }
  cli_pats_free(&pa), cli_pats_free(&pb), cli_pats_free(&cp), cli_pats_free(&gp);
  free(cf), free(gf), free(rs);
  return rc;
}

/* A scale: finite, > 0, a normal binary32. */
static int parse_scale(const char *s, float *v) {
  char *end;
  double x = strtod(s, &end);
  if (!*s || *end || !(x >= 0x1p-126 && x <= 0x1.fffffep127)) return -1;
  *v = (float)x;
  return 0;
}

/* --b-scales: N per-row scales of the pre-quantised B in @p fb; the float64
 * reference becomes decode(pattern) x scale of its row. Returns an exit
 * status (0 ok, 2 after a message); *out gets the scales (owned). */
static int load_row_scales(const char *path, cli_npy *fb, const npe_pats_out *pats,
                           mm_operand *op, float **out) {
  if (!op->pre) {
    fprintf(stderr, "npe matmul: --b-scales is for a pre-quantised (integer) B; %s holds real "
                    "values ('%s')\n", "--b", fb->descr);
    return NPE_EXIT_USAGE;
  }
  cli_npy sf = {0};
  if (cli_npy_read(path, "npe matmul", &sf)) return NPE_EXIT_USAGE;
  int ex = 0;
  if (sf.is_int || (sf.rows != 1 && sf.cols != 1) || (size_t)sf.rows * sf.cols != fb->rows) {
    fprintf(stderr, "npe matmul: %s: per-row scales must be %u float values, shape (%u, 1) or "
                    "(1, %u); it is '%s' (%u, %u)\n", path, fb->rows, fb->rows, fb->rows,
            sf.descr, sf.rows, sf.cols);
    ex = NPE_EXIT_USAGE;
  }
  float *rs = ex ? NULL : malloc(fb->rows * sizeof *rs);
  if (!ex && !rs) {
    fprintf(stderr, "npe matmul: out of memory\n");
    ex = NPE_EXIT_FAIL;
  }
  for (uint32_t r = 0; !ex && r < fb->rows; r++) {
    if (!(sf.v[r] >= 0x1p-126 && sf.v[r] <= 0x1.fffffep127)) {
      fprintf(stderr, "npe matmul: %s: scale [%u] = %g is not a finite normal value > 0\n", path,
              r, sf.v[r]);
      ex = NPE_EXIT_USAGE;
      break;
    }
    rs[r] = (float)sf.v[r];
  }
  for (uint32_t r = 0; !ex && r < fb->rows; r++)
    for (uint32_t c = 0; c < fb->cols; c++) {
      double v;
      size_t at = (size_t)r * fb->cols + c;
      npe_decode(pats->fmt, npe_pats_get(npe_pats_of(*pats), at), &v);
      fb->v[at] = v * rs[r];
    }
  cli_npy_free(&sf);
  if (ex) {
    free(rs);
    return ex;
  }
  op->row_scales = rs;
  *out = rs;
  return 0;
}

/* Reads --a / --b (@p which) into *op: real values, or pre-quantised
 * patterns of format f (ok_pats: the rows to run have one format for this
 * operand) with scale *given (0: the file's, else 1). Returns an exit
 * status (0 ok, 2 after a message). */
static int load_operand(const char *path, const char *which, int ok_pats, npe_fmt f, float given,
                        int pow2, cli_npy *file, npe_pats_out *pats, mm_operand *op) {
  if (cli_npy_read(path, "npe matmul", file)) return NPE_EXIT_USAGE;
  op->x = file->v, op->pre = NULL, op->scale = 0;
  if (!file->is_int) {
    if (given == 0) return 0;
    fprintf(stderr, "npe matmul: %s: --%s-scale is for pre-quantised (integer) arrays; this one "
                    "holds real values ('%s')\n", path, which, file->descr);
    return NPE_EXIT_USAGE;
  }
  if (!ok_pats) {
    fprintf(stderr, "npe matmul: %s: pre-quantised ('%s') patterns need one --format\n", path,
            file->descr);
    return NPE_EXIT_USAGE;
  }
  if (file->fmt_name[0] && strcmp(file->fmt_name, npe_fmt_name(f)) &&
      !(f == NPE_FMT_INT8 && !strcmp(file->fmt_name, "int8"))) {
    fprintf(stderr, "npe matmul: %s: holds %s patterns (its header says so), not %s\n", path,
            file->fmt_name, npe_fmt_name(f));
    return NPE_EXIT_USAGE;
  }
  float s = given ? given : file->scale > 0 ? (float)file->scale : 1.0f;
  if (pow2 && frexpf(s, &(int){0}) != 0.5f) {
    fprintf(stderr, "npe matmul: %s: scale %g is not a power of two (--act needs one)\n", path,
            (double)s);
    return NPE_EXIT_USAGE;
  }
  size_t n = (size_t)file->rows * file->cols, bad = 0;
  int rc = cli_pats_from_ints(f, file->v, n, pats, &bad);
  if (rc == NPE_ERR_RANGE) {
    fprintf(stderr, "npe matmul: %s: element [%zu, %zu] = %.0f is not a %s pattern (%s)\n",
            path, bad / file->cols, bad % file->cols, file->v[bad], npe_fmt_name(f),
            f == NPE_FMT_INT8 ? "-128..127" : f == NPE_FMT_TERNARY ? "-1, 0, 1"
            : f == NPE_FMT_POSIT16 ? "0..65535" : f == NPE_FMT_POSIT8 ? "0..255" : "0..15");
    return NPE_EXIT_USAGE;
  }
  if (rc) {
    fprintf(stderr, "npe matmul: out of memory\n");
    return NPE_EXIT_FAIL;
  }
  /* the values the patterns stand for: the float64 reference */
  for (size_t i = 0; i < n; i++) {
    double v;
    npe_decode(f, npe_pats_get(npe_pats_of(*pats), i), &v);
    file->v[i] = v * s;
  }
  op->pre = pats, op->scale = s;
  return 0;
}

int npe_cmd_matmul(int argc, char **argv) {
  cli_mm_opts o = {.m = 64, .n = 64, .k = 256, .seed = 1, .uri = "sim:", .fmt_name = "all",
               .progress = -1, .act_bits = 8, .act_frac = 8};
  float a_scale = 0, b_scale = 0;
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
    if (!strcmp(a, "--per-row")) { o.per_row = 1; continue; }
    if (!strcmp(a, "--no-b-resident")) { o.no_b_resident = 1; continue; }
    if (!v) {
      fprintf(stderr, "npe matmul: unknown option '%s' or missing value (see --help)\n", a);
      return NPE_EXIT_USAGE;
    }
    i++;
    int bad = 0;
    uint32_t seed32 = 0;
    if (!strcmp(a, "--m")) bad = cli_parse_u32(v, &o.m, 1, 1u << 16);
    else if (!strcmp(a, "--n")) bad = cli_parse_u32(v, &o.n, 1, 1u << 16);
    else if (!strcmp(a, "--k")) bad = cli_parse_u32(v, &o.k, 1, 1u << 24);
    else if (!strcmp(a, "--seed")) bad = cli_parse_u32(v, &seed32, 0, 0xffffffffu), o.seed = seed32;
    else if (!strcmp(a, "--format")) o.fmt_name = v;
    else if (!strcmp(a, "--out")) o.out_name = v;
    else if (!strcmp(a, "--device")) o.uri = v;
    else if (!strcmp(a, "--a")) o.a_path = v;
    else if (!strcmp(a, "--b")) o.b_path = v;
    else if (!strcmp(a, "--a-scale")) bad = parse_scale(v, &a_scale);
    else if (!strcmp(a, "--b-scale")) bad = parse_scale(v, &b_scale);
    else if (!strcmp(a, "--b-scales")) o.b_scales_path = v, o.per_row = 1;
    else if (!strcmp(a, "--c-out")) o.c_out = v;
    else if (!strcmp(a, "--csv")) o.csv = v;
    else if (!strcmp(a, "--json-out")) o.json_out = v;
    else if (!strcmp(a, "--act")) o.act_name = v;
    else if (!strcmp(a, "--act-bits")) bad = cli_parse_u32(v, &o.act_bits, NPE_NLU_MIN_BITS, NPE_NLU_MAX_BITS);
    else if (!strcmp(a, "--act-frac")) bad = cli_parse_u32(v, &o.act_frac, 0, NPE_NLU_MAX_FRAC_BITS);
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
  if (o.per_row && (o.act_name || (o.out_name && strcmp(o.out_name, "f32")))) {
    fprintf(stderr, "npe matmul: per-row scales (--per-row, --b-scales) give binary32 results: "
                    "no --out F or --act\n");
    return NPE_EXIT_USAGE;
  }
  if (o.b_scales_path && (!o.b_path || b_scale)) {
    fprintf(stderr, "npe matmul: --b-scales goes with a pre-quantised --b and without "
                    "--b-scale\n");
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
  cli_mm_row rows[6];
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
  if (o.c_out && nrows != 1) {
    fprintf(stderr, "npe matmul: --c-out writes one result; give one --format\n");
    return NPE_EXIT_USAGE;
  }
  /* inputs */
  double *a = NULL, *b = NULL;
  cli_npy fa = {0}, fb = {0};
  npe_pats_out pre_a = {0}, pre_b = {0};
  mm_operand opa = {0}, opb = {0};
  float *rsf = NULL; /* --b-scales */
  if (!!o.a_path != !!o.b_path) {
    fprintf(stderr, "npe matmul: --a and --b go together\n");
    return NPE_EXIT_USAGE;
  }
  if (!o.a_path && (a_scale || b_scale)) {
    fprintf(stderr, "npe matmul: --a-scale and --b-scale go with --a and --b\n");
    return NPE_EXIT_USAGE;
  }
  if (o.a_path) {
    int ex = load_operand(o.a_path, "a", nrows == 1, rows[0].fa, a_scale, !!o.act_name, &fa,
                          &pre_a, &opa);
    if (!ex)
      ex = load_operand(o.b_path, "b", nrows == 1, rows[0].fb, b_scale, !!o.act_name, &fb,
                        &pre_b, &opb);
    if (!ex && o.b_scales_path) ex = load_row_scales(o.b_scales_path, &fb, &pre_b, &opb, &rsf);
    else if (!ex && o.per_row && opb.pre) {
      fprintf(stderr, "npe matmul: %s: pre-quantised B with --per-row needs its scales: "
                      "--b-scales FILE.npy\n", o.b_path);
      ex = NPE_EXIT_USAGE;
    }
    if (!ex && fa.cols != fb.cols) {
      fprintf(stderr, "npe matmul: A is %ux%u but B is %ux%u (need M x K and N x K)\n", fa.rows,
              fa.cols, fb.rows, fb.cols);
      ex = NPE_EXIT_USAGE;
    }
    if (!ex && (fa.rows > 1u << 16 || fb.rows > 1u << 16 || fa.cols > 1u << 16)) {
      fprintf(stderr, "npe matmul: A %ux%u, B %ux%u: M, N and K are at most 65536\n", fa.rows,
              fa.cols, fb.rows, fb.cols);
      ex = NPE_EXIT_USAGE;
    }
    if (ex) {
      cli_npy_free(&fa), cli_npy_free(&fb), cli_pats_free(&pre_a), cli_pats_free(&pre_b);
      free(rsf);
      return ex;
    }
    o.m = fa.rows, o.n = fb.rows, o.k = fa.cols;
  } else {
    a = malloc((size_t)o.m * o.k * sizeof *a);
    b = malloc((size_t)o.n * o.k * sizeof *b);
    if (!a || !b) {
      free(a), free(b);
      fprintf(stderr, "npe matmul: out of memory\n");
      return NPE_EXIT_FAIL;
    }
    uint64_t s = o.seed * 0x9E3779B97F4A7C15ull + 1;
    for (size_t i = 0; i < (size_t)o.m * o.k; i++) a[i] = cli_gauss(&s);
    for (size_t i = 0; i < (size_t)o.n * o.k; i++) b[i] = cli_gauss(&s);
    opa.x = a, opb.x = b;
  }
  if (o.progress < 0) o.progress = isatty(2);
  npe_dev *d;
  int ex = cli_open_device(o.uri, &d);
  if (!ex && o.no_b_resident) (void)npe_set_b_resident(d, 0); /* 0 cannot fail on an open device */
  if (ex) {
    free(a), free(b), cli_npy_free(&fa), cli_npy_free(&fb);
    cli_pats_free(&pre_a), cli_pats_free(&pre_b), free(rsf);
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
  npe_info inf;
  npe_get_info(d, &inf);
  if (o.act_name && !inf.has_nlu) {
    fprintf(stderr, "npe matmul: --act needs the nonlinear unit, which this engine does not "
                    "have (npe info: nlu no)\n");
    ex = NPE_EXIT_USAGE;
  }
  for (int i = 0; i < nrows && !ex; i++) {
    if (npe_max_k(d, rows[i].fa, rows[i].fb) == 0) {
      fprintf(stderr, "npe matmul: this engine has no %s (npe info lists its formats)\n",
              rows[i].name);
      ex = NPE_EXIT_USAGE;
      break;
    } else if (o.k > npe_max_k(d, rows[i].fa, rows[i].fb) && !inf.has_ksplit) {
      /* (with K tiles the driver splits any K) */
      fprintf(stderr, "npe matmul: K=%u is beyond this engine's limit of %u for %s "
              "(it has no K tiles: CAP_FORMATS.KSPLIT)\n", o.k,
              npe_max_k(d, rows[i].fa, rows[i].fb), rows[i].name);
      ex = NPE_EXIT_USAGE;
      break;
    }
    int rc = run_one(d, &o, &rows[i], &opa, &opb);
    if (rc) ex = rc == NPE_ERR_INVALID_ARG || rc == NPE_ERR_RANGE ? NPE_EXIT_USAGE : NPE_EXIT_FAIL;
    else if (rows[i].golden_mismatch > 0) ex = NPE_EXIT_FAIL;
  }
  npe_close(d);
  free(a), free(b), cli_npy_free(&fa), cli_npy_free(&fb);
  cli_pats_free(&pre_a), cli_pats_free(&pre_b), free(rsf);
  if (ex == NPE_EXIT_USAGE) return ex;
  cli_report_rows(stdout, &o, rows, nrows, o.json ? CLI_REPORT_JSON : CLI_REPORT_TABLE);
  if (o.c_out && !o.json && !ex) fprintf(stdout, "wrote %s\n", o.c_out);
  const char *paths[2] = {o.csv, o.json_out};
  for (int m = 0; m < 2; m++) {
    if (!paths[m]) continue;
    FILE *f = fopen(paths[m], "w");
    if (!f) {
      perror(paths[m]);
      return NPE_EXIT_FAIL;
    }
    cli_report_rows(f, &o, rows, nrows, m ? CLI_REPORT_JSON : CLI_REPORT_CSV);
    if (fclose(f)) {
      perror(paths[m]);
      return NPE_EXIT_FAIL;
    }
    if (!o.json) fprintf(stdout, "wrote %s\n", paths[m]);
  }
  return ex;
}
