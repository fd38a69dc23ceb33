/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe rnn --cell hgrn`: one HGRN layer's recurrence (tools/lm/models.py:
 * a = tanh(za), c = (1 - |a|) tanh(zc), g = sigmoid(zg), h_t = a h_{t-1} +
 * c, y_t = g h_t) with its gates on the recurrence unit (RECUR MODE 4,
 * npe_rnn NPE_RNN_HGRN, Q15.16). Random pre-activations za, zc, zg ~
 * U(-3, 3) (what W_ih x_t + b_ih gives; the MATMUL that makes them in a
 * model is not part of this run), rounded to Q15.16, h_0 = 0. Prints
 * cycles, elements per cycle, descriptors, DMA bytes, energy, and the error
 * of every y_t against the float64 cell (exact tanh and exp) on the
 * unrounded inputs; --check compares every y_t and h_T bit for bit with
 * the golden model (npe_recur_hgrn_seq).
 */
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe.h"
#include "npe_cli.h"

int cli_rnn_hgrn(const cli_rnn_hgrn_opts *o) {
  uint32_t T = o->steps, H = o->hidden;
  size_t n = (size_t)T * H;
  double *z = malloc(3 * n * sizeof *z);
  int32_t *x = calloc(4 * n, sizeof *x), *y = malloc(n * sizeof *y), *hl = malloc(H * sizeof *hl);
  int32_t *gy = o->check ? malloc(n * sizeof *gy) : NULL, *gh = o->check ? calloc(H, sizeof *gh) : NULL;
  if (!z || !x || !y || !hl || (o->check && (!gy || !gh))) {
    fprintf(stderr, "npe rnn: out of memory\n");
    free(z), free(x), free(y), free(hl), free(gy), free(gh);
    return NPE_EXIT_FAIL;
  }
  uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + 13;
  for (size_t k = 0; k < n; k++)
    for (int j = 0; j < 3; j++) {
      z[3 * k + (size_t)j] = 6.0 * cli_uniform(&s) - 3.0;
      (void)npe_recur_fix_from_double(z[3 * k + (size_t)j], NPE_RECUR_CELL_FRAC, &x[4 * k + (size_t)j]);
    }
  npe_dev *d = NULL;
  int ex = cli_open_device(o->uri, &d);
  if (!ex) {
    npe_info in;
    npe_get_info(d, &in);
    if (!in.has_recur || !(in.recur_modes >> NPE_RNN_HGRN & 1u) || H > in.recur_state_words) {
      fprintf(stderr, "npe rnn: this engine has no HGRN mode for H = %u (npe info: the recurrence "
                      "unit's modes and state elements)\n", H);
      ex = NPE_EXIT_USAGE;
    }
  }
  npe_stats st;
  memset(&st, 0, sizeof st);
  if (!ex) {
    npe_rnn_seq q = {.cell = NPE_RNN_HGRN, .steps = T, .hidden = H, .x = x, .y = y, .h_last = hl};
    if (o->progress) npe_set_progress(d, cli_rnn_progress, NULL);
    int rc = npe_rnn(d, &q);
    if (o->progress) {
      npe_set_progress(d, NULL, NULL);
      fputc('\n', stderr);
    }
    if (rc) {
      fprintf(stderr, "npe rnn: %s\n", npe_strerror(rc));
      cli_report_engine_error(d, "npe rnn", rc);
      ex = NPE_EXIT_FAIL;
    } else {
      npe_last_stats(d, &st);
    }
  }
  long bad = -1;
  if (!ex && o->check) {
    (void)npe_recur_hgrn_seq(T, H, x, gh, gy); /* valid sizes: cannot fail */
    bad = 0;
    for (size_t k = 0; k < n; k++) bad += y[k] != gy[k];
    for (uint32_t i = 0; i < H; i++) bad += hl[i] != gh[i];
  }
  /* the float64 cell on the unrounded inputs */
  double max_err = 0, sum2 = 0, max_ref = 0;
  for (uint32_t i = 0; !ex && i < H; i++) {
    double h = 0;
    for (uint32_t t = 0; t < T; t++) {
      const double *zk = z + 3 * ((size_t)t * H + i);
      double a = tanh(zk[0]);
      h = a * h + (1 - fabs(a)) * tanh(zk[1]);
      double yr = h / (1 + exp(-zk[2]));
      double e = fabs((double)y[(size_t)t * H + i] / 65536.0 - yr);
      max_err = e > max_err ? e : max_err;
      max_ref = fabs(yr) > max_ref ? fabs(yr) : max_ref;
      sum2 += e * e;
    }
  }
  double rms = sqrt(sum2 / (double)n);
  if (!ex) {
    double epc = st.cycles ? (double)n / (double)st.cycles : 0;
    if (o->json) {
      printf("{\"cell\": \"hgrn\", \"steps\": %u, \"hidden\": %u, \"seed\": %llu, \"cycles\": %llu, "
             "\"elements\": %zu, \"elements_per_cycle\": %.4f, \"cycles_per_step\": %.2f, "
             "\"descriptors\": %llu, \"dma_read_bytes\": %llu, \"dma_write_bytes\": %llu, "
             "\"energy_pj\": %.1f, \"max_abs_err\": %.6g, \"rms_err\": %.6g, \"max_abs_y\": %.6g, "
             "\"golden_mismatches\": ",
             T, H, (unsigned long long)o->seed, (unsigned long long)st.cycles, n, epc,
             (double)st.cycles / T, (unsigned long long)st.descriptors,
             (unsigned long long)st.dma_read_bytes, (unsigned long long)st.dma_write_bytes,
             st.energy_pj, max_err, rms, max_ref);
      if (bad < 0) printf("null}\n");
      else printf("%ld}\n", bad);
    } else {
      printf("cell          hgrn (RECUR MODE 4: gates on the recurrence unit, Q15.16), T = %u, "
             "H = %u, seed %llu\n", T, H, (unsigned long long)o->seed);
      printf("inputs        za, zc, zg ~ U(-3, 3) rounded to Q15.16, h_0 = 0\n");
      printf("cycles        %llu (%.2f per step, %.3f elements per cycle)\n",
             (unsigned long long)st.cycles, (double)st.cycles / T, epc);
      printf("descriptors   %llu, DMA read %llu B, write %llu B, energy %.1f nJ (est)\n",
             (unsigned long long)st.descriptors, (unsigned long long)st.dma_read_bytes,
             (unsigned long long)st.dma_write_bytes, st.energy_pj / 1e3);
      printf("vs float64    max |y err| %.3g, RMS %.3g (max |y| %.3g; exact tanh and exp)\n",
             max_err, rms, max_ref);
      if (bad >= 0)
        printf("golden model  %s\n", bad ? "MISMATCH" : "identical (every y_t and h_T)");
    }
    if (bad > 0) {
      fprintf(stderr, "npe rnn: %ld words differ from the golden model\n", bad);
      ex = NPE_EXIT_FAIL;
    }
  }
  npe_close(d);
  free(z), free(x), free(y), free(hl), free(gy), free(gh);
  return ex;
}
