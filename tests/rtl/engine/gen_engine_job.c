/* SPDX-License-Identifier: Apache-2.0 */
/*
 * gen_engine_job - builds one fixed matmul job for the engine testbenches
 * that run without the driver (tb_npe_top_icarus.sv, bench_sim_speed.c):
 * a device-memory image (command ring, packed A, packed B, C filled with
 * 0xa5) made by the driver's tiler, and the C region the engine must leave
 * behind, computed by the golden library (npe_golden_matmul_f32).
 *
 *   gen_engine_job [--shape=R:C:AW:BW:G] [--base=ADDR] [--mem=BYTES]
 *                  M N K DIR [FORMAT [FUNC:B:F]]
 *
 * Writes DIR/mem.hex and DIR/expect.hex ($readmemh: one 64-bit word per
 * line, memory word 0 at JOB_MEM_BASE) and prints the plusargs that describe
 * the job (ring size, descriptor count, where C lies) on stdout. FORMAT
 * (default int8) is the operand format of A and B, "ternary" meaning int8
 * activations x ternary weights; results are binary32 on the default engine
 * shape (4 x 2 PEs) or on the one --shape gives (npe_top Rows, Cols,
 * ABankWords, BBankWords, OutGroups; e.g. 1:1:256:256:4 for the small
 * iCE40 build); --base and --mem place the memory image elsewhere than
 * job_layout.h says (the small build's 128 KiB at 0). Operands are fixed pseudo-random valid patterns, so
 * every run is the same. With FUNC:B:F (e.g. sigmoid:6:4) the results go
 * through the NLU: an NLU descriptor before every STORE, 2-byte codes
 * expected from the golden chain (binary32, npe_nlu_from_double,
 * npe_nlu_table_eval), and DIR/tbl.hex holds the table writes, one word
 * per line: NLU_TBL_ADDR index << 17 | the 17-bit threshold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_format.h"
#include "npe_nlu.h"
#include "npe_tiler.h"
#include "job_layout.h"

static uint64_t rng_next(uint64_t *s) {
  /* xorshift64*: fixed seed, same stream on every host */
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * 0x2545f4914f6cdd1dull;
}

static uint64_t align64(uint64_t x) { return (x + 63u) & ~63ull; }

static int write_hex(const char *path, const uint8_t *bytes, size_t nbytes) {
  FILE *f = fopen(path, "w");
  if (!f) {
    perror(path);
    return -1;
  }
  for (size_t w = 0; w < nbytes / 8; w++) {
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = v << 8 | bytes[8 * w + (size_t)i];
    fprintf(f, "%016llx\n", (unsigned long long)v);
  }
  return fclose(f) == 0 ? 0 : -1;
}

/* n valid unpacked patterns of format f in a new array typed by its element
 * width: random bits of the format's width, redrawn while the golden decoder
 * refuses them. Returns 0, or -1 if out of memory. */
static int random_patterns(npe_fmt f, npe_pats_out *out, size_t n, uint64_t *s) {
  const unsigned bits = npe_fmt_bits(f);
  npe_pats_out v = {f, NULL, NULL};
  if (npe_fmt_elem_bytes(f) == 2) v.u16 = malloc(n * sizeof *v.u16);
  else v.u8 = malloc(n);
  if (!v.u8 && !v.u16) return -1;
  for (size_t i = 0; i < n; i++) {
    uint32_t x;
    double d;
    do {
      x = (uint32_t)(rng_next(s) >> (64 - bits));
    } while (npe_decode(f, x, &d) != NPE_OK);
    npe_pats_set(v, i, x);
  }
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  npe_hw_shape hw = {JOB_HW_ROWS, JOB_HW_COLS, JOB_HW_A_BANK_WORDS, JOB_HW_B_BANK_WORDS,
                     JOB_HW_OUT_GROUPS, 0, 0, 1};
  uint64_t base = JOB_MEM_BASE, mem_bytes = JOB_MEM_BYTES;
  for (;;) {
    char *end = NULL;
    if (argc > 1 && strncmp(argv[1], "--base=", 7) == 0) {
      base = strtoull(argv[1] + 7, &end, 0);
    } else if (argc > 1 && strncmp(argv[1], "--mem=", 6) == 0) {
      mem_bytes = strtoull(argv[1] + 6, &end, 0);
    } else {
      break;
    }
    if (!end || *end || (base & 63u) || !mem_bytes) {
      fprintf(stderr, "gen_engine_job: bad option '%s'\n", argv[1]);
      return 2;
    }
    argv++;
    argc--;
  }
  if (argc > 1 && strncmp(argv[1], "--shape=", 8) == 0) {
    unsigned r, c, aw, bw, g;
    char end;
    if (sscanf(argv[1] + 8, "%u:%u:%u:%u:%u%c", &r, &c, &aw, &bw, &g, &end) != 5 || !r ||
        !c || !aw || !bw || !g) {
      fprintf(stderr, "gen_engine_job: bad --shape '%s' (R:C:AW:BW:G)\n", argv[1] + 8);
      return 2;
    }
    hw = (npe_hw_shape){r, c, aw, bw, g, 0, 0, 1}; /* resident B where it applies */
    argv++;
    argc--;
  }
  if (argc < 5 || argc > 7) {
    fprintf(stderr, "usage: %s [--base=ADDR] [--mem=BYTES] [--shape=R:C:AW:BW:G] M N K DIR "
            "[FORMAT [FUNC:B:F]]\n", argv[0]);
    return 2;
  }
  /* the NLU, if asked for */
  npe_nlu_table tab;
  unsigned act_bits = 0, act_frac = 0;
  uint32_t aux = 0;
  if (argc == 7) {
    char fname[32];
    npe_nlu_func fn;
    npe_nlu_spec spec;
    if (sscanf(argv[6], "%31[a-z]:%u:%u", fname, &act_bits, &act_frac) != 3 ||
        npe_nlu_func_from_name(fname, &fn) || npe_nlu_spec_default(fn, act_bits, &spec)) {
      fprintf(stderr, "gen_engine_job: bad NLU '%s' (FUNC:B:F)\n", argv[6]);
      return 2;
    }
    spec.in_frac_bits = act_frac;
    if (npe_nlu_table_gen(&spec, &tab)) {
      fprintf(stderr, "gen_engine_job: no table for '%s'\n", argv[6]);
      return 2;
    }
    aux = tab.bits | act_frac << 4 | (tab.nseg == 2 ? 1u << 8 : 0u) |
          ((uint32_t)tab.split & 0xffffu) << 16;
  }
  const int fp32 = aux == 0;
  npe_fmt fa = NPE_FMT_INT8, fb = NPE_FMT_INT8;
  if (argc >= 6) {
    if (npe_fmt_from_name(argv[5], &fb) != NPE_OK) {
      fprintf(stderr, "gen_engine_job: unknown format '%s'\n", argv[5]);
      return 2;
    }
    fa = fb == NPE_FMT_TERNARY ? NPE_FMT_INT8 : fb;
  }
  uint32_t m = (uint32_t)strtoul(argv[1], NULL, 0);
  uint32_t n = (uint32_t)strtoul(argv[2], NULL, 0);
  uint32_t k = (uint32_t)strtoul(argv[3], NULL, 0);
  const char *dir = argv[4];

  /* Layout: the ring at the base, then A, B and C, each 64-byte aligned. */
  npe_mm_plan p;
  if (npe_tiler_plan(&hw, fa, fb, NPE_FMT_INT8, fp32, m, n, k, 0, 0, 0, &p) != NPE_OK) {
    fprintf(stderr, "gen_engine_job: M=%u N=%u K=%u does not fit the engine\n", m, n, k);
    return 1;
  }
  if (npe_tiler_set_nlu(&p, aux) != NPE_OK) return 1;
  uint64_t ndesc = npe_tiler_count(&p);
  unsigned ring_log2 = 1;
  while ((1ull << ring_log2) <= ndesc) ring_log2++;
  if (ring_log2 > 15) {
    fprintf(stderr, "gen_engine_job: %llu descriptors do not fit one ring\n",
            (unsigned long long)ndesc);
    return 1;
  }
  uint64_t addr_a = align64(base + 64 * ndesc);
  uint64_t addr_b = align64(addr_a + npe_tiler_bytes_a(&p));
  uint64_t addr_c = align64(addr_b + npe_tiler_bytes_b(&p));
  if (npe_tiler_plan(&hw, fa, fb, NPE_FMT_INT8, fp32, m, n, k, addr_a, addr_b, addr_c, &p) !=
      NPE_OK || npe_tiler_set_nlu(&p, aux) != NPE_OK)
    return 1;
  uint64_t bytes_c = npe_tiler_bytes_c(&p);
  uint64_t end = align64(addr_c + bytes_c);
  if (end - base > mem_bytes) {
    fprintf(stderr, "gen_engine_job: the job needs %llu bytes, the memory has %llu\n",
            (unsigned long long)(end - base), (unsigned long long)mem_bytes);
    return 1;
  }

  /* Operands: row-major unpacked patterns; golden C, binary32. */
  npe_pats_out a, b;
  uint8_t *img = calloc(1, (size_t)(end - base)), *exp = malloc((size_t)bytes_c);
  float *golden = malloc((size_t)m * n * sizeof *golden);
  if (!img || !exp || !golden) return 1;
  uint64_t s = 0x9e3779b97f4a7c15ull;
  if (random_patterns(fa, &a, (size_t)m * k, &s) || random_patterns(fb, &b, (size_t)n * k, &s))
    return 1;

  /* Ring, A, B, C (C's cells and padding start as 0xa5: an unwritten cell shows). */
  npe_tiler_it it;
  memset(&it, 0, sizeof it);
  for (uint64_t i = 0; i < ndesc; i++) {
    if (!npe_tiler_next(&p, &it, img + 64 * i)) return 1;
  }
  if (npe_tiler_pack_a(&p, npe_pats_of(a), k, img + (addr_a - base)) != NPE_OK ||
      npe_tiler_pack_b(&p, npe_pats_of(b), k, img + (addr_b - base)) != NPE_OK)
    return 1;
  memset(img + (addr_c - base), 0xa5, (size_t)bytes_c);
  memset(exp, 0xa5, (size_t)bytes_c);

  /* Golden C: one exact dot product per cell, rounded once to binary32,
   * placed in the engine's C layout. */
  if (npe_golden_matmul_f32(npe_pats_of(a), k, npe_pats_of(b), k, m, n, k, 1.0f, golden, n) !=
      NPE_OK)
    return 1;
  for (uint32_t i = 0; i < m; i++) {
    for (uint32_t j = 0; j < n; j++) {
      float f = golden[(size_t)i * n + j];
      uint32_t bits;
      memcpy(&bits, &f, 4);
      if (aux) { /* the NLU's code, as a 2-byte cell */
        int32_t x = 0;
        unsigned code;
        if (f == f && npe_nlu_from_double(f, act_frac, &x)) return 1;
        if (npe_nlu_table_eval(&tab, x, &code)) return 1;
        uint8_t *cell = exp + npe_tiler_c_offset(&p, i, j);
        cell[0] = (uint8_t)code;
        cell[1] = 0;
        continue;
      }
      uint8_t *cell = exp + npe_tiler_c_offset(&p, i, j);
      for (int by = 0; by < 4; by++) cell[by] = (uint8_t)(bits >> (8 * by));
    }
  }

  char path[4096];
  snprintf(path, sizeof path, "%s/mem.hex", dir);
  if (write_hex(path, img, (size_t)(end - base))) return 1;
  snprintf(path, sizeof path, "%s/expect.hex", dir);
  if (write_hex(path, exp, (size_t)bytes_c)) return 1;

  /* The NLU table writes */
  unsigned tbl_n = 0;
  if (aux) {
    snprintf(path, sizeof path, "%s/tbl.hex", dir);
    FILE *tf = fopen(path, "w");
    if (!tf) {
      perror(path);
      return 1;
    }
    for (unsigned s = 0; s < tab.nseg; s++)
      for (unsigned j = 1; j < (1u << tab.bits); j++, tbl_n++)
        fprintf(tf, "%08x\n", (256u * s + j) << 17 | ((uint32_t)tab.seg_t[s][j - 1] & 0x1ffffu));
    if (fclose(tf)) return 1;
  }

  /* The job as plusargs: offsets in 64-bit words from JOB_MEM_BASE. */
  printf("+mem=%s/mem.hex +exp=%s/expect.hex +cout=%s/c_out.hex +mem_words=%llu "
         "+ring_log2=%u +ndesc=%llu +c_word=%llu +c_words=%llu +m=%u +n=%u +k=%u +fmt=%s "
         "+tbl=%s/tbl.hex +tbl_n=%u +act=%s\n",
         dir, dir, dir, (unsigned long long)((end - base) / 8), ring_log2,
         (unsigned long long)ndesc, (unsigned long long)((addr_c - base) / 8),
         (unsigned long long)(bytes_c / 8), m, n, k, npe_fmt_name(fb), dir, tbl_n,
         argc == 7 ? argv[6] : "none");
  free(a.u8), free(a.u16), free(b.u8), free(b.u16), free(img), free(exp), free(golden);
  return 0;
}
