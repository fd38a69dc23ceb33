/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe rnn --cell gla`: one Gated Linear Attention head (arXiv 2312.06635)
 * on the engine through npe_gla(): chunkwise, the products on the MAC array
 * and the state carried across chunks by the recurrence unit. Random q, k,
 * v in [-1, 1) and GLA's decays alpha = sigmoid(x)^(1/16), x ~ U(-4, 4).
 * Per format: cycles, cycles per token, MACs and utilisation, the error
 * against the recurrent form in float64 (npe_gla_ref(), an independent
 * algorithm), and with --check bit-exact agreement with the golden model.
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "npe_cli.h"

typedef struct gla_row {
  npe_fmt f;
  npe_stats st;
  double max_rel, rms_rel; /* o against float64, relative to max |o_ref| */
  long bad;                /* golden mismatches, -1 not checked */
  int rc;
} gla_row;

static int run_one(npe_dev *d, const cli_rnn_gla_opts *o, npe_gla_seq *s, const double *ref,
                   gla_row *r) {
  size_t n = (size_t)s->steps * s->dv;
  float *out = malloc(n * sizeof *out), *gold = o->check && d ? malloc(n * sizeof *gold) : NULL;
  if (!out || (o->check && d && !gold)) {
    free(out), free(gold);
    return NPE_ERR_NO_MEM;
  }
  r->f = s->fmt;
  r->bad = -1;
  if (d) {
    if (o->progress) npe_set_progress(d, cli_rnn_progress, NULL);
    r->rc = npe_gla(d, s, out, NULL);
    if (o->progress) {
      npe_set_progress(d, NULL, NULL);
      fputc('\n', stderr);
    }
    if (r->rc == NPE_OK) npe_last_stats(d, &r->st);
  } else {
    r->rc = npe_gla_golden(s, out, NULL);
  }
  if (r->rc == NPE_OK && gold) {
    r->rc = npe_gla_golden(s, gold, NULL);
    r->bad = 0;
    for (size_t i = 0; i < n; i++) r->bad += memcmp(&out[i], &gold[i], sizeof(float)) != 0;
  }
  if (r->rc == NPE_OK) {
    double mref = 0, em = 0, se = 0;
    for (size_t i = 0; i < n; i++) {
      double e = out[i] - ref[i];
      mref = fmax(mref, fabs(ref[i]));
      em = fmax(em, fabs(e));
      se += e * e;
    }
    if (mref == 0) mref = 1;
    r->max_rel = em / mref;
    r->rms_rel = sqrt(se / (double)n) / mref;
  }
  free(out), free(gold);
  return r->rc;
}

int cli_rnn_gla(const cli_rnn_gla_opts *o) {
  npe_fmt fmts[5];
  int nf = 0;
  if (!strcmp(o->format, "all")) {
    const npe_fmt all[5] = {NPE_FMT_INT8, NPE_FMT_FP4, NPE_FMT_POSIT4, NPE_FMT_POSIT8,
                            NPE_FMT_POSIT16};
    memcpy(fmts, all, sizeof all);
    nf = 5;
  } else {
    if (npe_fmt_from_name(o->format, &fmts[0]) || fmts[0] == NPE_FMT_TERNARY) {
      fprintf(stderr, "npe rnn: format '%s' is not one GLA takes (int8, fp4, posit4, posit8, "
                      "posit16 or all)\n", o->format);
      return NPE_EXIT_USAGE;
    }
    nf = 1;
  }
  const uint32_t T = o->steps, dk = o->dk, dv = o->dv;
  size_t nk = (size_t)T * dk, nv = (size_t)T * dv;
  float *q = malloc(nk * 4), *k = malloc(nk * 4), *g = malloc(nk * 4), *v = malloc(nv * 4);
  double *ref = malloc(nv * sizeof *ref);
  if (!q || !k || !g || !v || !ref) {
    fprintf(stderr, "npe rnn: out of memory\n");
    free(q), free(k), free(g), free(v), free(ref);
    return NPE_EXIT_FAIL;
  }
  uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + 7;
  for (size_t i = 0; i < nk; i++) {
    q[i] = (float)(2 * cli_uniform(&s) - 1);
    k[i] = (float)(2 * cli_uniform(&s) - 1);
    g[i] = (float)(-log1p(exp(-(8 * cli_uniform(&s) - 4))) / 16.0); /* log sigmoid(x) / 16 */
  }
  for (size_t i = 0; i < nv; i++) v[i] = (float)(2 * cli_uniform(&s) - 1);
  npe_gla_seq seq = {fmts[0], T, dk, dv, o->chunk, q, k, v, g};
  int ex = NPE_EXIT_OK, rc = npe_gla_ref(&seq, ref, NULL);
  if (rc != NPE_OK) {
    fprintf(stderr, "npe rnn: %s\n", npe_strerror(rc));
    ex = NPE_EXIT_FAIL;
    goto out;
  }
  npe_dev *d = NULL;
  int engine = strcmp(o->uri, "golden") != 0;
  if (engine && (ex = cli_open_device(o->uri, &d))) goto out;
  if (d) {
    npe_info in;
    npe_get_info(d, &in);
    if (!in.has_recur || !(in.recur_modes & 1u)) {
      fprintf(stderr, "npe rnn: this engine has no recurrence unit (npe info)\n");
      npe_close(d);
      ex = NPE_EXIT_USAGE;
      goto out;
    }
  }
  gla_row rows[5];
  int ran = 0;
  for (int i = 0; i < nf; i++) {
    seq.fmt = fmts[i];
    gla_row *r = &rows[ran];
    memset(r, 0, sizeof *r);
    rc = run_one(d, o, &seq, ref, r);
    if (rc == NPE_ERR_UNSUPPORTED && nf > 1) {
      fprintf(stderr, "npe rnn: %s: not on this engine, skipped\n", npe_fmt_name(fmts[i]));
      continue;
    }
    if (rc != NPE_OK) {
      fprintf(stderr, "npe rnn: gla %s: %s\n", npe_fmt_name(fmts[i]), npe_strerror(rc));
      ex = rc == NPE_ERR_UNSUPPORTED || rc == NPE_ERR_INVALID_ARG ? NPE_EXIT_USAGE : NPE_EXIT_FAIL;
      break;
    }
    if (r->bad > 0) ex = NPE_EXIT_FAIL;
    ran++;
  }
  if (d) npe_close(d);
  if (o->json) {
    printf("{\"cell\": \"gla\", \"steps\": %u, \"dk\": %u, \"dv\": %u, \"chunk\": %u, "
           "\"seed\": %llu, \"device\": \"%s\", \"formats\": [",
           T, dk, dv, o->chunk, (unsigned long long)o->seed, o->uri);
    for (int i = 0; i < ran; i++) {
      const gla_row *r = &rows[i];
      printf("%s{\"format\": \"%s\", \"cycles\": %llu, \"cycles_per_token\": %.1f, "
             "\"macs\": %llu, \"utilisation\": %.4f, \"max_rel_err\": %.6g, \"rms_rel_err\": "
             "%.6g, \"golden_mismatches\": %ld}",
             i ? ", " : "", npe_fmt_name(r->f), (unsigned long long)r->st.cycles,
             (double)r->st.cycles / T, (unsigned long long)r->st.macs[r->f], r->st.utilisation,
             r->max_rel, r->rms_rel, r->bad);
    }
    printf("]}\n");
  } else if (ran) {
    printf("npe rnn: cell gla (Gated Linear Attention, chunkwise), T=%u dk=%u dv=%u chunk=%u, "
           "seed %llu, device %s\n",
           T, dk, dv, o->chunk, (unsigned long long)o->seed, o->uri);
    printf("products        K~^T V, Q~ S, P V per chunk on the MAC array; S across chunks on\n"
           "                the recurrence unit (DIAG); decays and P on the host (docs/RECUR.md)\n");
    printf("error           o against the recurrent form in float64, relative to max |o|\n");
    printf("format       cycles  cyc/token         MACs MAC util  max rel err  rms rel err  golden\n");
    for (int i = 0; i < ran; i++) {
      const gla_row *r = &rows[i];
      const char *gold = r->bad < 0 ? "-" : r->bad ? "MISMATCH" : "exact";
      if (engine)
        printf("%-8s %10llu %10.1f %12llu %7.1f%% %12.3g %12.3g  %s\n", npe_fmt_name(r->f),
               (unsigned long long)r->st.cycles, (double)r->st.cycles / T,
               (unsigned long long)r->st.macs[r->f], 100.0 * r->st.utilisation, r->max_rel,
               r->rms_rel, gold);
      else
        printf("%-8s %10s %10s %12s %8s %12.3g %12.3g  %s\n", npe_fmt_name(r->f), "-", "-", "-",
               "-", r->max_rel, r->rms_rel, "golden model");
    }
  }
out:
  free(q), free(k), free(g), free(v), free(ref);
  return ex;
}
