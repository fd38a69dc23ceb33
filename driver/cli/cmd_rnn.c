/* SPDX-License-Identifier: Apache-2.0 */
/*
 * `npe rnn`: sequences through the engine's recurrence unit from the command
 * line, through the public libnpe API only (the GRU and LSTM cells are in
 * cmd_rnn_gated.c; this file parses their options): a random DIAG recurrence with
 * cycles, elements per cycle and DMA traffic, errors against float64 and
 * (--check) bit-exact agreement with the golden model; and the parity task,
 * solved exactly with gates of both signs and, with gates in [0, 1], shown
 * out of reach of the best grid-searched recurrence (Grazzi et al., arXiv
 * 2411.12537).
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

static const char rnn_usage[] =
    "Usage: npe rnn [--cell diag] [--steps T] [--hidden H] [--seed S] [--frac F]\n"
    "               [--gates signed|positive] [--check] [--json] [--device URI]\n"
    "               [--progress|--quiet]\n"
    "       npe rnn --cell gru|lstm [--steps T] [--hidden H] [--input I] [--seed S]\n"
    "               [--weights FILE.npz] [--format F|all] [--out FILE.npy]\n"
    "               [--check] [--json] [--device URI|golden] [--progress|--quiet]\n"
    "       npe rnn --cell gla [--steps T] [--dk D] [--dv D] [--chunk C] [--seed S]\n"
    "               [--format F|all] [--check] [--json] [--device URI|golden]\n"
    "               [--progress|--quiet]\n"
    "       npe rnn --task parity [--steps T] [--streams N] [--seed S]\n"
    "               [--gates signed|positive] [--json] [--device URI]\n"
    "\n"
    "Runs a recurrence on the engine's recurrence unit (RECUR opcode,\n"
    "docs/RECUR.md). The DIAG cell is the diagonal gated linear recurrence\n"
    "\n"
    "    h_t[i] = sat32(RNE(a_t[i] * h_{t-1}[i] / 2^30) + b_t[i])\n"
    "\n"
    "on int32: the gate a in Q2.30 (a real gate in [-2, 2)), b and h in QF\n"
    "fixed point (F fraction bits). T steps over H elements run as one job;\n"
    "the driver slices H beyond the unit's on-chip state and chains T beyond\n"
    "65535 steps or beyond device memory.\n"
    "\n"
    "Random run (the default): gates a uniform in [-1, 1] (signed) or [0, 1]\n"
    "(positive), inputs b = sqrt(1 - a^2) x N(0, 1), h_0 = 0, all from --seed,\n"
    "quantised to Q2.30 and QF (round to nearest even). Prints the engine's\n"
    "cycles, elements per cycle (the unit's peak is 1), descriptors and DMA\n"
    "bytes, and the error of every h_t against float64 arithmetic on the\n"
    "unquantised inputs.\n"
    "\n"
    "  --cell C          diag (default), gru, lstm, gla or hgrn (below)\n"
    "  --steps T         timesteps, 1..1000000 (default 256; gru, lstm 100)\n"
    "  --hidden H        state elements, 1..65536 (default 64); gru, lstm: up to\n"
    "                    what the engine takes for the format (an error says it)\n"
    "  --seed S          seed of the random inputs (default 1)\n"
    "  --frac F          diag: fraction bits of b and h, 0..24 (default 16)\n"
    "  --gates G         diag: signed (default) or positive, as above\n"
    "  --check           also compare every h_t bit for bit with the golden\n"
    "                    model (npe_recur_diag_seq; gru, lstm below)\n"
    "  --json            print JSON instead of the table\n"
    "  --device URI      sim: (default) or sim:?latency=N&ready=P&valid=P&seed=S;\n"
    "                    the engine must have the recurrence unit and the cell\n"
    "                    (npe info); gru, lstm: golden runs the golden model\n"
    "                    instead of an engine\n"
    "  --progress        progress on stderr (default when stderr is a terminal)\n"
    "  --quiet           no progress\n"
    "\n"
    "GRU and LSTM (--cell gru, --cell lstm): one layer of torch.nn.GRU or\n"
    "torch.nn.LSTM (batch 1, h_0 = c_0 = 0) on the recurrence unit (RECUR\n"
    "MODE 1 and 2): per step the mat-vec W_hh h_{t-1} runs on the MAC array in\n"
    "the chosen number format with W_hh resident in a B buffer for the whole\n"
    "sequence, and the gates (sigmoid and tanh from a 257-entry table with\n"
    "linear interpolation), h and the LSTM's c are int32 in Q15.16. H is not\n"
    "sliced (a gated cell mixes all of h): the G H x H weights (G = 3 gates for\n"
    "GRU, 4 for LSTM) must fit one B buffer.\n"
    "The input projections do not depend on h: x_t W_ih^T for all T steps run\n"
    "first on the engine as one npe_matmul (x and W_ih quantised per tensor in\n"
    "the format, with the golden quantisers; binary32 out); the host adds\n"
    "b_ih and b_hh and rounds them to Q15.16 records (npe_rnn_records).\n"
    "W_hh is scaled by the power of two 2^Sw whose codes have the least squared\n"
    "error, h enters the mat-vec as h x 2^hshift in the format (int8 and\n"
    "ternary 7, fp4 2, posits 0), and ACC_SHIFT = 16 - hshift - Sw brings the\n"
    "dot products back to Q15.16 (npe_rnn_quantize).\n"
    "Prints per format Sw, hshift, ACC_SHIFT, the recurrence's engine cycles,\n"
    "MACs (G H^2 T) and MAC utilisation, and the error of every h_t against\n"
    "float64 arithmetic with exact exp and tanh and the unquantised weights\n"
    "and inputs (max |err| and RMS); --check runs the same quantised network\n"
    "on the golden model (npe_golden_matmul_f32, npe_recur_gated_seq) and\n"
    "compares every h_t (and the LSTM's c_T) bit for bit.\n"
    "Random weights (no --weights): every weight and bias uniform in\n"
    "[-1/sqrt(H), 1/sqrt(H)] (torch's initialisation), inputs x_t N(0, 1).\n"
    "\n"
    "  --input I         gru, lstm: input size, 1..4096 (default 16)\n"
    "  --format F        gru, lstm: int8 (default), fp4, posit4, posit8,\n"
    "                    posit16, ternary (h and x in INT8, ternary weights),\n"
    "                    or all (one row each)\n"
    "  --weights FILE    gru, lstm: a .npz (numpy.savez, float32 arrays) with\n"
    "                    torch's names: weight_ih_l0 (G H x I), weight_hh_l0\n"
    "                    (G H x H), bias_ih_l0 and bias_hh_l0 (G H; zero when\n"
    "                    absent), and the input sequence x (T x I); T, H and I\n"
    "                    come from the file (no --steps, --hidden, --input)\n"
    "  --out FILE.npy    gru, lstm: every h_t as a T x H float32 .npy (one\n"
    "                    --format)\n"
    "\n"
    "HGRN (--cell hgrn): one HGRN layer's recurrence with its gates on the\n"
    "recurrence unit (RECUR MODE 4, npe_rnn HGRN; tools/lm/models.py's cell):\n"
    "a = tanh(za), c = (1 - |a|) tanh(zc), h_t = a h_{t-1} + c, y_t =\n"
    "sigmoid(zg) h_t, in Q15.16 with the unit's sigmoid / tanh table. Random\n"
    "za, zc, zg uniform in [-3, 3) rounded to Q15.16 (in a model they come\n"
    "from one matmul, W_ih x_t + b_ih), h_0 = 0, --hidden up to the unit's\n"
    "state (1024). Prints cycles, elements per cycle (the unit's peak is 1/2:\n"
    "two record beats per element), DMA bytes, energy, and the error of every\n"
    "y_t against the float64 cell (exact tanh and exp) on the unrounded\n"
    "inputs; --check compares every y_t and h_T with the golden model\n"
    "(npe_recur_hgrn_seq) bit for bit.\n"
    "\n"
    "GLA (--cell gla): one Gated Linear Attention head (S. Yang, B. Wang,\n"
    "Y. Shen, R. Panda, Y. Kim, \"Gated Linear Attention Transformers with\n"
    "Hardware-Efficient Training\", arXiv 2312.06635): S_t = diag(alpha_t)\n"
    "S_{t-1} + k_t^T v_t, o_t = q_t S_t, S_0 = 0, run in the chunkwise form\n"
    "(npe_gla(), docs/RECUR.md): per chunk of C steps the products K~^T V,\n"
    "Q~ S and P V on the MAC array in the format, the state S (dk x dv int32)\n"
    "carried across chunks by one DIAG sequence on the recurrence unit, the\n"
    "decays handled in log space with every exponent <= 0 on the host. Random\n"
    "q, k, v uniform in [-1, 1) and alpha = sigmoid(x)^(1/16), x uniform in\n"
    "[-4, 4] (GLA's gate with tau = 16). Prints per format the engine cycles,\n"
    "cycles per token, MACs and MAC utilisation (all jobs together), and the\n"
    "error of every o_t against the recurrent form in float64 (no chunks, no\n"
    "rounding), relative to max |o|; --check compares every o_t bit for bit\n"
    "with the golden model (npe_gla_golden).\n"
    "\n"
    "  --dk D, --dv D    gla: key and value sizes, 1..1024 (default 64 each)\n"
    "  --chunk C         gla: chunk length, 1..256 (default 16)\n"
    "  --format F        gla: int8 (default), fp4, posit4, posit8, posit16 or\n"
    "                    all (one row each)\n"
    "  (--steps default 256 for gla)\n"
    "\n"
    "Parity (--task parity): N random bit streams x_1..x_T (--streams, default\n"
    "64; T default 256), one per state element. With signed gates the\n"
    "recurrence a_t = 1 - 2 x_t (exactly +1.0 or -1.0 in Q2.30), b_t = 0,\n"
    "h_0 = 1.0 (loaded: INIT = LOAD) gives h_T = (-1)^(x_1 + ... + x_T)\n"
    "exactly: its sign is the parity, on every stream. With --gates positive\n"
    "the gate may not be negative: every recurrence a_t = a(x_t) in [0, 1],\n"
    "b_t = b(x_t) in [-1, 1] on the grid a(0), a(1) in {0, 0.1, .., 1},\n"
    "b(0), b(1) in {-1, -0.8, .., 1} is tried with the best threshold on\n"
    "h_T (either direction) on N training streams, and the best one is run\n"
    "on the engine on N fresh streams: its accuracy stays near 50%, chance.\n"
    "A linear recurrence with gates in [0, 1] cannot track parity; allowing\n"
    "negative gates (eigenvalues) can: R. Grazzi, J. Siems, J. Franke,\n"
    "A. Zela, F. Hutter, M. Pontil, \"Unlocking State-Tracking in Linear RNNs\n"
    "Through Negative Eigenvalues\", arXiv 2411.12537 (ICLR 2025). Every run\n"
    "on the engine is checked bit for bit against the golden model.\n"
    "\n"
    "Exit status: 0 success, 1 failure (device error, golden mismatch, parity\n"
    "not solved with signed gates), 2 bad usage or input (also: a cell, a\n"
    "format or an H the engine does not have, a bad .npz).\n";

typedef struct rnn_opts {
  const char *cell, *task, *uri, *gates, *format, *weights, *out;
  uint32_t steps, hidden, frac, streams, input, dk, dv, chunk;
  uint64_t seed;
  int check, json, progress, positive;
} rnn_opts;

/* A failed run on stderr, with the engine's error when it reported one. */
static void report_error(npe_dev *d, int rc) {
  fprintf(stderr, "npe rnn: %s\n", npe_strerror(rc));
  cli_report_engine_error(d, "npe rnn", rc);
}

static void print_stats_json(const npe_stats *st) {
  printf("\"cycles\": %llu, \"elements\": %llu, \"elems_per_cycle\": %.4f, \"energy_pj\": %.1f, "
         "\"descriptors\": %llu, \"dma_read_bytes\": %llu, \"dma_write_bytes\": %llu",
         (unsigned long long)st->cycles, (unsigned long long)st->recur_elems, st->utilisation,
         st->energy_pj,
         (unsigned long long)st->descriptors, (unsigned long long)st->dma_read_bytes,
         (unsigned long long)st->dma_write_bytes);
}

static void print_stats_table(const npe_stats *st) {
  printf("cycles          %llu\nelements        %llu\nelems/cycle     %.4f\n"
         "descriptors     %llu\ndma read bytes  %llu\ndma write bytes %llu\n",
         (unsigned long long)st->cycles, (unsigned long long)st->recur_elems, st->utilisation,
         (unsigned long long)st->descriptors, (unsigned long long)st->dma_read_bytes,
         (unsigned long long)st->dma_write_bytes);
}

/* The random DIAG run. */
static int run_random(npe_dev *d, const rnn_opts *o) {
  uint32_t T = o->steps, H = o->hidden;
  size_t n = (size_t)T * H;
  int32_t *a = malloc(n * 4), *b = malloc(n * 4), *h = malloc(n * 4);
  double *af = malloc(n * 8), *bf = malloc(n * 8), *ref = malloc(n * 8), *st = calloc(H, 8);
  int32_t *gold = o->check ? malloc(n * 4) : NULL, *gs = calloc(H, 4);
  if (!a || !b || !h || !af || !bf || !ref || !st || (o->check && !gold) || !gs) {
    fprintf(stderr, "npe rnn: out of memory\n");
    free(a), free(b), free(h), free(af), free(bf), free(ref), free(st), free(gold), free(gs);
    return NPE_EXIT_FAIL;
  }
  uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + 1;
  for (size_t i = 0; i < n; i++) {
    double g = o->positive ? cli_uniform(&s) : 2.0 * cli_uniform(&s) - 1.0;
    af[i] = g;
    bf[i] = sqrt(1.0 - g * g) * cli_gauss(&s);
    npe_recur_gate_from_double(af[i], &a[i]);
    npe_recur_fix_from_double(bf[i], o->frac, &b[i]);
  }
  int ex = NPE_EXIT_OK;
  npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = H, .a = a, .b = b, .h = h};
  if (o->progress) npe_set_progress(d, cli_rnn_progress, NULL);
  int rc = npe_rnn(d, &q);
  npe_set_progress(d, NULL, NULL);
  if (o->progress) fprintf(stderr, "\r%40s\r", "");
  npe_stats stats;
  long bad = -1;
  double mx = 0, sum = 0;
  if (rc) {
    report_error(d, rc);
    ex = NPE_EXIT_FAIL;
  } else {
    npe_last_stats(d, &stats);
    npe_recur_diag_ref(T, H, af, bf, st, ref);
    if (o->check) {
      npe_recur_diag_seq(T, H, a, b, gs, gold);
      bad = 0;
      for (size_t i = 0; i < n; i++) bad += gold[i] != h[i];
      if (bad) ex = NPE_EXIT_FAIL;
    }
    for (size_t i = 0; i < n; i++) {
      double e = fabs(npe_recur_fix_to_double(h[i], o->frac) - ref[i]);
      sum += e;
      if (e > mx) mx = e;
    }
    if (o->json) {
      printf("{\"cell\": \"diag\", \"steps\": %u, \"hidden\": %u, \"frac\": %u, \"gates\": \"%s\", "
             "\"seed\": %llu, \"device\": \"%s\", ",
             T, H, o->frac, o->gates, (unsigned long long)o->seed, o->uri);
      print_stats_json(&stats);
      printf(", \"max_err\": %.6g, \"mean_err\": %.6g, \"golden_mismatches\": ", mx,
             sum / (double)n);
      if (bad < 0) printf("null}\n");
      else printf("%ld}\n", bad);
    } else {
      printf("npe rnn: cell diag, T=%u H=%u, b and h in Q%u.%u, gates %s, seed %llu, device %s\n",
             T, H, 31 - o->frac, o->frac, o->gates, (unsigned long long)o->seed, o->uri);
      print_stats_table(&stats);
      printf("max |err|       %.6g (every h_t against float64 on the unquantised inputs)\n"
             "mean |err|      %.6g\n", mx, sum / (double)n);
      if (bad < 0) printf("golden          not checked (--check)\n");
      else if (!bad) printf("golden          exact (%zu states bit for bit)\n", n);
      else printf("golden          %ld of %zu states differ\n", bad, n);
    }
  }
  free(a), free(b), free(h), free(af), free(bf), free(ref), free(st), free(gold), free(gs);
  return ex;
}

/* N streams of T bits, x[t * N + k]. */
static void bits(uint8_t *x, uint32_t T, uint32_t N, uint64_t *s) {
  for (size_t i = 0; i < (size_t)T * N; i++) x[i] = (uint8_t)(cli_rng(s) >> 63);
}

/* Runs a(x), b(x) over the streams on the engine from h_0 = 1.0, checks h_T
 * against the golden model. Returns an npe_status; *bad counts mismatches. */
static int run_streams(npe_dev *d, const uint8_t *x, uint32_t T, uint32_t N, const int32_t ga[2],
                       const int32_t gb[2], uint32_t frac, int32_t *last, long *bad,
                       npe_stats *stats) {
  size_t n = (size_t)T * N;
  int32_t *a = malloc(n * 4), *b = malloc(n * 4), *h0 = malloc((size_t)N * 4),
          *gs = malloc((size_t)N * 4);
  int rc = a && b && h0 && gs ? NPE_OK : NPE_ERR_NO_MEM;
  if (!rc) {
    for (size_t i = 0; i < n; i++) a[i] = ga[x[i]], b[i] = gb[x[i]];
    for (uint32_t k = 0; k < N; k++) h0[k] = gs[k] = (int32_t)1 << frac;
    npe_rnn_seq q = {.cell = NPE_RNN_DIAG, .steps = T, .hidden = N, .a = a, .b = b, .h0 = h0,
                     .h_last = last};
    rc = npe_rnn(d, &q);
  }
  if (!rc) {
    npe_last_stats(d, stats);
    npe_recur_diag_seq(T, N, a, b, gs, NULL);
    *bad = 0;
    for (uint32_t k = 0; k < N; k++) *bad += gs[k] != last[k];
  }
  free(a), free(b), free(h0), free(gs);
  return rc;
}

static int parity_of(const uint8_t *x, uint32_t T, uint32_t N, uint32_t k) {
  int p = 0;
  for (uint32_t t = 0; t < T; t++) p ^= x[(size_t)t * N + k];
  return p;
}

/* The best accuracy of a threshold on h (either direction) for labels y:
 * sorts by h and sweeps the cut. *thr, *dir: predict 1 when dir * (h - thr)
 * > 0. */
typedef struct { int32_t h; int y; } hy;
static int cmp_hy(const void *p, const void *q) {
  const hy *u = p, *v = q;
  return (u->h > v->h) - (u->h < v->h);
}

static double best_threshold(hy *v, uint32_t N, double *thr, int *dir) {
  qsort(v, N, sizeof *v, cmp_hy);
  uint32_t ones = 0;
  for (uint32_t k = 0; k < N; k++) ones += (uint32_t)v[k].y;
  /* cut before index c: below -> 0, above -> 1 (dir +1), or the reverse */
  uint32_t ones_below = 0, best = 0;
  *thr = (double)v[0].h - 1, *dir = 1;
  for (uint32_t c = 0; c <= N; c++) {
    if (c > 0) ones_below += (uint32_t)v[c - 1].y;
    if (c > 0 && c < N && v[c].h == v[c - 1].h) continue; /* no cut between equal values */
    uint32_t up = (c - ones_below) + (ones - ones_below); /* zeros below + ones above */
    uint32_t down = N - up;
    double t = c == 0 ? (double)v[0].h - 1 : c == N ? (double)v[N - 1].h + 1
                                                    : 0.5 * ((double)v[c - 1].h + v[c].h);
    if (up > best) best = up, *thr = t, *dir = 1;
    if (down > best) best = down, *thr = t, *dir = -1;
  }
  return (double)best / N;
}

static int run_parity(npe_dev *d, const rnn_opts *o) {
  uint32_t T = o->steps, N = o->streams, F = o->frac;
  uint64_t s = o->seed * 0x9E3779B97F4A7C15ull + 5;
  size_t n = (size_t)T * N;
  uint8_t *x = malloc(n), *xt = malloc(n);
  int32_t *last = malloc((size_t)N * 4);
  hy *v = malloc((size_t)N * sizeof *v);
  int32_t *st = malloc((size_t)N * 4);
  if (!x || !xt || !last || !v || !st) {
    fprintf(stderr, "npe rnn: out of memory\n");
    free(x), free(xt), free(last), free(v), free(st);
    return NPE_EXIT_FAIL;
  }
  bits(x, T, N, &s);
  bits(xt, T, N, &s);
  int ex = NPE_EXIT_OK;
  long bad = 0;
  npe_stats stats;
  int32_t ga[2], gb[2];
  double acc = 0, train = 0, thr = 0, best_a[2] = {0, 0}, best_b[2] = {0, 0};
  int dir = 1;
  int rc;
  if (!o->positive) {
    /* a(0) = +1.0, a(1) = -1.0, b = 0: h_T = (-1)^parity exactly */
    ga[0] = NPE_RECUR_GATE_ONE, ga[1] = -NPE_RECUR_GATE_ONE, gb[0] = gb[1] = 0;
    rc = run_streams(d, x, T, N, ga, gb, F, last, &bad, &stats);
    if (!rc) {
      uint32_t right = 0;
      for (uint32_t k = 0; k < N; k++) right += (last[k] < 0) == parity_of(x, T, N, k);
      acc = (double)right / N;
      if (right != N) ex = NPE_EXIT_FAIL;
    }
  } else {
    /* the grid, on the golden model (the engine's arithmetic, bit for bit):
     * the best threshold accuracy on the training streams */
    double best = -1;
    for (int i0 = 0; i0 <= 10; i0++)
      for (int i1 = 0; i1 <= 10; i1++)
        for (int j0 = 0; j0 <= 10; j0++)
          for (int j1 = 0; j1 <= 10; j1++) {
            double av[2] = {i0 / 10.0, i1 / 10.0}, bv[2] = {j0 / 5.0 - 1, j1 / 5.0 - 1};
            int32_t qa[2], qb[2];
            for (int k = 0; k < 2; k++) {
              npe_recur_gate_from_double(av[k], &qa[k]);
              npe_recur_fix_from_double(bv[k], F, &qb[k]);
            }
            for (uint32_t k = 0; k < N; k++) st[k] = (int32_t)1 << F;
            for (uint32_t t = 0; t < T; t++)
              for (uint32_t k = 0; k < N; k++) {
                uint8_t b1 = x[(size_t)t * N + k];
                st[k] = npe_recur_diag_step(qa[b1], qb[b1], st[k]);
              }
            for (uint32_t k = 0; k < N; k++) v[k].h = st[k], v[k].y = parity_of(x, T, N, k);
            double th;
            int dr;
            double a1 = best_threshold(v, N, &th, &dr);
            if (a1 > best) {
              best = a1, thr = th, dir = dr;
              best_a[0] = av[0], best_a[1] = av[1], best_b[0] = bv[0], best_b[1] = bv[1];
              ga[0] = qa[0], ga[1] = qa[1], gb[0] = qb[0], gb[1] = qb[1];
            }
          }
    train = best;
    /* the best recurrence on fresh streams, on the engine */
    rc = run_streams(d, xt, T, N, ga, gb, F, last, &bad, &stats);
    if (!rc) {
      uint32_t right = 0;
      for (uint32_t k = 0; k < N; k++)
        right += (dir * ((double)last[k] - thr) > 0) == parity_of(xt, T, N, k);
      acc = (double)right / N;
    }
  }
  if (rc) {
    report_error(d, rc);
    ex = NPE_EXIT_FAIL;
  } else {
    if (bad) ex = NPE_EXIT_FAIL;
    if (o->json) {
      printf("{\"task\": \"parity\", \"gates\": \"%s\", \"steps\": %u, \"streams\": %u, "
             "\"seed\": %llu, \"device\": \"%s\", \"accuracy\": %.4f, ",
             o->gates, T, N, (unsigned long long)o->seed, o->uri, acc);
      if (o->positive)
        printf("\"train_accuracy\": %.4f, \"best\": {\"a0\": %g, \"a1\": %g, \"b0\": %g, "
               "\"b1\": %g, \"threshold\": %.6g, \"direction\": %d}, ",
               train, best_a[0], best_a[1], best_b[0], best_b[1],
               thr / (double)(1u << F), dir);
      print_stats_json(&stats);
      printf(", \"golden_mismatches\": %ld}\n", bad);
    } else {
      printf("npe rnn: parity of %u random %u-bit streams, gates %s, seed %llu, device %s\n", N,
             T, o->gates, (unsigned long long)o->seed, o->uri);
      if (!o->positive) {
        printf("recurrence      a_t = 1 - 2 x_t (+-1.0 exactly), b_t = 0, h_0 = 1.0: h_T = "
               "(-1)^parity\n");
        printf("accuracy        %.1f%% (sign of h_T on the engine)\n", 100 * acc);
      } else {
        printf("best on grid    a(0) = %g, a(1) = %g, b(0) = %g, b(1) = %g, predict 1 when "
               "h_T %s %.6g\n", best_a[0], best_a[1], best_b[0], best_b[1], dir > 0 ? ">" : "<",
               thr / (double)(1u << F));
        printf("train accuracy  %.1f%% (best of 14641 recurrences x thresholds, %u streams)\n",
               100 * train, N);
        printf("accuracy        %.1f%% on %u fresh streams on the engine (chance: 50%%); gates "
               "in [0, 1] cannot count mod 2 (arXiv 2411.12537)\n", 100 * acc, N);
      }
      print_stats_table(&stats);
      printf("golden          %s\n", bad ? "MISMATCH" : "exact (h_T bit for bit)");
    }
  }
  free(x), free(xt), free(last), free(v), free(st);
  return ex;
}

int npe_cmd_rnn(int argc, char **argv) {
  rnn_opts o = {.cell = "diag", .uri = "sim:", .gates = "signed", .steps = 256, .hidden = 64,
                .frac = 16, .streams = 64, .seed = 1, .progress = -1, .input = 16, .dk = 64,
                .dv = 64, .chunk = 16};
  int have_cell = 0, have_hidden = 0, have_streams = 0, have_steps = 0, have_input = 0;
  const char *diag_only = NULL, *gated_only = NULL; /* an option of the other kind of cell */
  const char *gla_only = NULL, *hidden_opt = NULL;
  for (int i = 0; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      fputs(rnn_usage, stdout);
      return NPE_EXIT_OK;
    }
    if (!strcmp(a, "--check")) { o.check = 1; continue; }
    if (!strcmp(a, "--json")) { o.json = 1; continue; }
    if (!strcmp(a, "--progress")) { o.progress = 1; continue; }
    if (!strcmp(a, "--quiet")) { o.progress = 0; continue; }
    if (!v) {
      fprintf(stderr, "npe rnn: unknown option '%s' or missing value (see --help)\n", a);
      return NPE_EXIT_USAGE;
    }
    i++;
    int bad = 0;
    uint32_t seed32 = 0;
    if (!strcmp(a, "--cell")) o.cell = v, have_cell = 1;
    else if (!strcmp(a, "--task")) o.task = v;
    else if (!strcmp(a, "--steps")) bad = cli_parse_u32(v, &o.steps, 1, 1000000), have_steps = 1;
    else if (!strcmp(a, "--hidden"))
      bad = cli_parse_u32(v, &o.hidden, 1, 65536), have_hidden = 1, hidden_opt = a;
    else if (!strcmp(a, "--dk")) bad = cli_parse_u32(v, &o.dk, 1, NPE_GLA_MAX_DIM), gla_only = a;
    else if (!strcmp(a, "--dv")) bad = cli_parse_u32(v, &o.dv, 1, NPE_GLA_MAX_DIM), gla_only = a;
    else if (!strcmp(a, "--chunk"))
      bad = cli_parse_u32(v, &o.chunk, 1, NPE_GLA_MAX_CHUNK), gla_only = a;
    else if (!strcmp(a, "--input"))
      bad = cli_parse_u32(v, &o.input, 1, 4096), have_input = 1, gated_only = a;
    else if (!strcmp(a, "--format")) o.format = v, gated_only = a;
    else if (!strcmp(a, "--weights")) o.weights = v, gated_only = a;
    else if (!strcmp(a, "--out")) o.out = v, gated_only = a;
    else if (!strcmp(a, "--streams")) bad = cli_parse_u32(v, &o.streams, 1, 65536), have_streams = 1;
    else if (!strcmp(a, "--seed")) bad = cli_parse_u32(v, &seed32, 0, 0xffffffffu), o.seed = seed32;
    else if (!strcmp(a, "--frac")) bad = cli_parse_u32(v, &o.frac, 0, 24), diag_only = a;
    else if (!strcmp(a, "--gates")) o.gates = v, diag_only = a;
    else if (!strcmp(a, "--device")) o.uri = v;
    else {
      fprintf(stderr, "npe rnn: unknown option '%s' (see --help)\n", a);
      return NPE_EXIT_USAGE;
    }
    if (bad) {
      fprintf(stderr, "npe rnn: bad value '%s' for %s\n", v, a);
      return NPE_EXIT_USAGE;
    }
  }
  if (!strcmp(o.cell, "gla")) {
    const char *other = diag_only ? diag_only : o.task ? "--task" : have_streams ? "--streams"
                      : hidden_opt ? hidden_opt : o.weights ? "--weights" : o.out ? "--out"
                      : have_input ? "--input" : NULL;
    if (other) {
      fprintf(stderr, "npe rnn: %s is not an option of --cell gla (see --help)\n", other);
      return NPE_EXIT_USAGE;
    }
    cli_rnn_gla_opts g = {.steps = have_steps ? o.steps : 256, .dk = o.dk, .dv = o.dv,
                          .chunk = o.chunk, .seed = o.seed, .uri = o.uri,
                          .format = o.format ? o.format : "int8", .check = o.check,
                          .json = o.json, .progress = o.progress < 0 ? isatty(2) : o.progress};
    return cli_rnn_gla(&g);
  }
  if (gla_only) {
    fprintf(stderr, "npe rnn: %s goes with --cell gla (see --help)\n", gla_only);
    return NPE_EXIT_USAGE;
  }
  if (!strcmp(o.cell, "gru") || !strcmp(o.cell, "lstm")) {
    if (diag_only || o.task || have_streams) {
      fprintf(stderr, "npe rnn: %s is not an option of --cell %s (see --help)\n",
              diag_only ? diag_only : o.task ? "--task" : "--streams", o.cell);
      return NPE_EXIT_USAGE;
    }
    cli_rnn_gated_opts g = {.cell = !strcmp(o.cell, "lstm") ? NPE_RNN_LSTM : NPE_RNN_GRU,
                            .steps = have_steps ? o.steps : 100, .hidden = o.hidden,
                            .input = o.input, .seed = o.seed, .uri = o.uri,
                            .format = o.format ? o.format : "int8", .weights = o.weights,
                            .out = o.out, .have_sizes = have_steps || have_hidden || have_input,
                            .check = o.check, .json = o.json,
                            .progress = o.progress < 0 ? isatty(2) : o.progress};
    return cli_rnn_gated(&g);
  }
  if (!strcmp(o.cell, "hgrn")) {
    if (diag_only || gated_only || o.task || have_streams) {
      fprintf(stderr, "npe rnn: %s is not an option of --cell hgrn (see --help)\n",
              diag_only ? diag_only : gated_only ? gated_only : o.task ? "--task" : "--streams");
      return NPE_EXIT_USAGE;
    }
    if (!strcmp(o.uri, "golden")) {
      fprintf(stderr, "npe rnn: --cell hgrn runs on an engine (--check compares it with the "
                      "golden model)\n");
      return NPE_EXIT_USAGE;
    }
    cli_rnn_hgrn_opts g = {.steps = have_steps ? o.steps : 256, .hidden = o.hidden,
                           .seed = o.seed, .uri = o.uri, .check = o.check, .json = o.json,
                           .progress = o.progress < 0 ? isatty(2) : o.progress};
    return cli_rnn_hgrn(&g);
  }
  if (strcmp(o.cell, "diag")) {
    fprintf(stderr, "npe rnn: unknown cell '%s' (diag, gru, lstm, gla, hgrn)\n", o.cell);
    return NPE_EXIT_USAGE;
  }
  if (gated_only) {
    fprintf(stderr, "npe rnn: %s goes with --cell gru or lstm%s (see --help)\n", gated_only,
            strcmp(gated_only, "--format") ? "" : " (or gla)");
    return NPE_EXIT_USAGE;
  }
  if (!strcmp(o.gates, "positive")) o.positive = 1;
  else if (strcmp(o.gates, "signed")) {
    fprintf(stderr, "npe rnn: unknown gates '%s' (signed or positive)\n", o.gates);
    return NPE_EXIT_USAGE;
  }
  if (o.task && strcmp(o.task, "parity")) {
    fprintf(stderr, "npe rnn: unknown task '%s' (parity)\n", o.task);
    return NPE_EXIT_USAGE;
  }
  if (o.task && (have_cell || have_hidden)) {
    fprintf(stderr, "npe rnn: --task parity runs the diag cell on --streams elements; it takes "
                    "no --cell or --hidden\n");
    return NPE_EXIT_USAGE;
  }
  if (!o.task && have_streams) {
    fprintf(stderr, "npe rnn: --streams goes with --task parity\n");
    return NPE_EXIT_USAGE;
  }
  if (o.progress < 0) o.progress = isatty(2);
  npe_dev *d;
  int ex = cli_open_device(o.uri, &d);
  if (ex) return ex;
  npe_info in;
  npe_get_info(d, &in);
  if (!in.has_recur || !(in.recur_modes & 1u)) {
    fprintf(stderr, "npe rnn: this engine has no recurrence unit (npe info)\n");
    npe_close(d);
    return NPE_EXIT_USAGE;
  }
  ex = o.task ? run_parity(d, &o) : run_random(d, &o);
  npe_close(d);
  return ex;
}
