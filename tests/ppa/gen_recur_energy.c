/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_recur_energy.c - the stimulus and the expected results of
 * tests/ppa/tb_recur_energy.sv (tools/ppa/recur_energy.py), from the golden
 * model (golden/src/npe_recur.c), so the gate-level run of the recurrence
 * unit is checked against something other than the RTL it runs beside.
 *
 * Usage: gen_recur_energy MODE N T SEED OUTDIR
 *   MODE diag, gru or lstm; N elements, T steps (N even, N x G <= 256 for
 *   GRU / LSTM: one mat-vec chunk per step). Writes, in $readmemh form:
 *   mem.hex   the DMA's memory, 64-bit words from address 0: the records at
 *             REC_ADDR, h_0 (LSTM: then c_0) at H0_ADDR
 *   exp.hex   every h_t the unit must write (T x N int32, t-major)
 *   mv.hex    GRU / LSTM: the mat-vec results the array returns, step t's G
 *             N rows (row G i + g) as binary32 bits: W_hh (random INT8) x
 *             the INT8 codes of h_{t-1} (npe_recur_h_code), exact
 *   code.hex  GRU / LSTM: the A-buffer words the unit must write (h_0's
 *             codes, then h_1's ... h_T's; 8 INT8 codes a word, element 0
 *             low), (T + 1) x N / 8 words
 * Data: DIAG gates a in [0.5, 1.0) (Q2.30), b and h_0 in [-1, 1) (Q15.16);
 * GRU / LSTM records in [-1, 1), b_hn in [-0.25, 0.25), h_0 in [-0.5,
 * 0.5), c_0 in [-1, 1), HSHIFT 6 (h x 64 as INT8), ACC_SHIFT 2.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_recur.h"

#define REC_ADDR 0x0000u
#define H0_ADDR 0x4000u
#define MEM_BYTES 0x5000u
#define HSHIFT 6u
#define ACC_SHIFT 2

static uint64_t rng_state;
static uint32_t rnd(void) { /* xorshift64* */
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return (uint32_t)((rng_state * 2685821657736338717ull) >> 32);
}
/* uniform in [lo, hi) as an integer */
static int32_t uni(int64_t lo, int64_t hi) { return (int32_t)(lo + (int64_t)(rnd() % (uint64_t)(hi - lo))); }

static FILE *open_out(const char *dir, const char *name) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (!f) {
    fprintf(stderr, "gen_recur_energy: cannot write %s\n", path);
    exit(1);
  }
  return f;
}

static void put32(uint8_t *mem, uint32_t addr, int32_t v) {
  for (int b = 0; b < 4; b++) mem[addr + (uint32_t)b] = (uint8_t)((uint32_t)v >> (8 * b));
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: gen_recur_energy diag|gru|lstm N T SEED OUTDIR\n");
    return 2;
  }
  const char *mode = argv[1], *dir = argv[5];
  long n = strtol(argv[2], NULL, 10), t_n = strtol(argv[3], NULL, 10);
  rng_state = 0x9e3779b97f4a7c15ull ^ (uint64_t)strtoull(argv[4], NULL, 10);
  int diag = !strcmp(mode, "diag"), lstm = !strcmp(mode, "lstm");
  unsigned g_n = lstm ? 4u : 3u;
  if (!diag && !lstm && strcmp(mode, "gru")) {
    fprintf(stderr, "gen_recur_energy: MODE must be diag, gru or lstm, not '%s'\n", mode);
    return 2;
  }
  if (n < 2 || n % 8 || t_n < 1 || (!diag && (long)g_n * n > 256) ||
      (uint64_t)t_n * (uint64_t)n * 16u > H0_ADDR || n * 8 > (long)(MEM_BYTES - H0_ADDR)) {
    fprintf(stderr, "gen_recur_energy: N %ld (a multiple of 8, G N <= 256) or T %ld out of range\n",
            n, t_n);
    return 2;
  }
  static uint8_t mem[MEM_BYTES];
  size_t tn = (size_t)t_n * (size_t)n;
  int32_t *out = calloc(tn, 4), *h = calloc((size_t)n, 4), *c = calloc((size_t)n, 4);
  int32_t *h0 = calloc((size_t)n, 4);
  if (!out || !h || !c || !h0) return 1;
  if (diag) {
    int32_t *a = calloc(tn, 4), *b = calloc(tn, 4);
    if (!a || !b) return 1;
    for (size_t k = 0; k < tn; k++) {
      a[k] = uni(1 << 29, 1 << 30);      /* [0.5, 1.0) in Q2.30 */
      b[k] = uni(-65536, 65536);         /* [-1, 1) in Q15.16 */
      put32(mem, REC_ADDR + 8u * (uint32_t)k, b[k]);
      put32(mem, REC_ADDR + 8u * (uint32_t)k + 4u, a[k]);
    }
    for (long i = 0; i < n; i++) {
      h[i] = h0[i] = uni(-65536, 65536);
      put32(mem, H0_ADDR + 4u * (uint32_t)i, h[i]);
    }
    if (npe_recur_diag_seq((uint32_t)t_n, (uint32_t)n, a, b, h, out) != NPE_OK) return 1;
    free(a);
    free(b);
  } else {
    size_t rows = (size_t)g_n * (size_t)n;
    uint32_t *w = calloc(rows * (size_t)n, 4);
    int32_t *x = calloc(4 * tn, 4);
    if (!w || !x) return 1;
    for (size_t k = 0; k < rows * (size_t)n; k++) w[k] = (uint32_t)uni(-127, 128) & 0xffu;
    for (size_t k = 0; k < tn; k++)
      for (unsigned j = 0; j < 4; j++) {
        x[4 * k + j] = (!lstm && j == 3) ? uni(-16384, 16384) : uni(-65536, 65536);
        put32(mem, REC_ADDR + 16u * (uint32_t)k + 4u * j, x[4 * k + j]);
      }
    for (long i = 0; i < n; i++) {
      h[i] = h0[i] = uni(-32768, 32768);
      put32(mem, H0_ADDR + 4u * (uint32_t)i, h[i]);
      if (lstm) {
        c[i] = uni(-65536, 65536);
        put32(mem, H0_ADDR + 4u * (uint32_t)(n + i), c[i]);
      }
    }
    npe_recur_gated s = {lstm ? NPE_RECUR_LSTM : NPE_RECUR_GRU, NPE_FMT_INT8, NPE_FMT_INT8,
                         HSHIFT, ACC_SHIFT, (uint32_t)n, (uint32_t)t_n, w, x, NULL, 0};
    if (npe_recur_gated_seq(&s, h, lstm ? c : NULL, out) != NPE_OK) return 1;
    /* the array's results and the codes, from h_0 .. h_T */
    FILE *fm = open_out(dir, "mv.hex"), *fc = open_out(dir, "code.hex");
    uint32_t *code = calloc((size_t)n, 4);
    if (!code) return 1;
    for (long t = 0; t <= t_n; t++) {
      const int32_t *ht = t ? out + (size_t)(t - 1) * (size_t)n : h0;
      for (long j = 0; j < n; j++)
        if (npe_recur_h_code(NPE_FMT_INT8, ht[j], HSHIFT, &code[j]) != NPE_OK) return 1;
      for (long j = 0; j < n; j += 8) {
        uint64_t word = 0;
        for (int k = 0; k < 8; k++) word |= (uint64_t)(code[j + k] & 0xffu) << (8 * k);
        fprintf(fc, "%016llx\n", (unsigned long long)word);
      }
      if (t == t_n) break;
      for (size_t o = 0; o < rows; o++) {
        int32_t sum = 0; /* |sum| <= 256 x 127 x 128 < 2^24: exact in binary32 */
        for (long j = 0; j < n; j++) sum += (int32_t)(int8_t)w[o * (size_t)n + (size_t)j] *
                                            (int32_t)(int8_t)code[j];
        float v = (float)sum;
        uint32_t bits;
        memcpy(&bits, &v, 4);
        fprintf(fm, "%08x\n", bits);
      }
    }
    fclose(fm);
    fclose(fc);
    free(code);
    free(w);
    free(x);
  }
  FILE *fe = open_out(dir, "exp.hex");
  for (size_t k = 0; k < tn; k++) fprintf(fe, "%08x\n", (uint32_t)out[k]);
  fclose(fe);
  FILE *fmem = open_out(dir, "mem.hex");
  for (uint32_t a = 0; a < MEM_BYTES; a += 8) {
    uint64_t word = 0;
    for (int b = 0; b < 8; b++) word |= (uint64_t)mem[a + (uint32_t)b] << (8 * b);
    fprintf(fmem, "%016llx\n", (unsigned long long)word);
  }
  fclose(fmem);
  free(out);
  free(h);
  free(c);
  free(h0);
  return 0;
}
