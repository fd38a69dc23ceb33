/* SPDX-License-Identifier: Apache-2.0 */
/*
 * bench_sim_speed - runs the gen_engine_job job on the Verilator model
 * (libnpesim, default build) the way tb_npe_top_icarus.sv runs it under
 * Icarus: same memory image, same CSR sequence, STATUS polled every 64
 * cycles, the same read/write latencies (100/20). It checks C bit-exactly,
 * repeats the job on fresh instances until at least 2 s of wall time, and
 * prints simulated cycles per second of the run loops (creation excluded):
 *
 *   bench_sim_speed +mem=... +exp=... (the plusargs gen_engine_job prints)
 *   -> "bench_sim_speed: PASS ... job_cycles=N cycles_per_s=X"
 */
#define _POSIX_C_SOURCE 199309L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "job_layout.h"
#include "npe_regs.h"
#include "npesim.h"

static const char *arg(int argc, char **argv, const char *key) {
  size_t n = strlen(key);
  for (int i = 1; i < argc; i++)
    if (argv[i][0] == '+' && !strncmp(argv[i] + 1, key, n) && argv[i][n + 1] == '=')
      return argv[i] + n + 2;
  return NULL;
}

static uint64_t *read_hex(const char *path, size_t words) {
  FILE *f = fopen(path, "r");
  uint64_t *v = calloc(words ? words : 1, 8);
  if (!f || !v) return NULL;
  for (size_t i = 0; i < words; i++) {
    unsigned long long x;
    if (fscanf(f, "%llx", &x) != 1) return NULL;
    v[i] = x;
  }
  fclose(f);
  return v;
}

static double now(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

int main(int argc, char **argv) {
  const char *f_mem = arg(argc, argv, "mem"), *f_exp = arg(argc, argv, "exp");
  const char *s_words = arg(argc, argv, "mem_words"), *s_log2 = arg(argc, argv, "ring_log2");
  const char *s_ndesc = arg(argc, argv, "ndesc"), *s_cw = arg(argc, argv, "c_word");
  const char *s_cn = arg(argc, argv, "c_words");
  if (!f_mem || !f_exp || !s_words || !s_log2 || !s_ndesc || !s_cw || !s_cn) {
    fprintf(stderr, "bench_sim_speed: FAIL: missing plusargs\n");
    return 2;
  }
  size_t words = strtoul(s_words, NULL, 0), c_word = strtoul(s_cw, NULL, 0);
  size_t c_words = strtoul(s_cn, NULL, 0);
  uint32_t log2n = (uint32_t)strtoul(s_log2, NULL, 0), ndesc = (uint32_t)strtoul(s_ndesc, NULL, 0);
  uint64_t *img = read_hex(f_mem, words), *exp = read_hex(f_exp, c_words);
  uint64_t *c = calloc(c_words ? c_words : 1, 8);
  if (!img || !exp || !c) {
    fprintf(stderr, "bench_sim_speed: FAIL: cannot read %s or %s\n", f_mem, f_exp);
    return 1;
  }
  const uint64_t base = JOB_MEM_BASE, limit = JOB_MEM_BASE + JOB_MEM_BYTES;

  uint64_t total_cycles = 0, job_cycles = 0;
  double total_s = 0;
  int runs = 0;
  while (total_s < 2.0 || runs < 1) {
    npesim_config cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.mem_base = base;
    cfg.mem_size = JOB_MEM_BYTES;
    cfg.read_latency = 100;
    cfg.write_latency = 20;
    npesim *s;
    if (npesim_create(&cfg, &s) || npesim_mem_write(s, base, img, 8 * words)) {
      fprintf(stderr, "bench_sim_speed: FAIL: cannot create the simulator\n");
      return 1;
    }
    uint64_t c0 = npesim_cycles(s);
    double t0 = now();
    uint32_t head = 0, ctrl = 0, status = 0;
    int rc = npesim_csr_write(s, NPE_DMA_WIN_BASE_LO_REG_OFFSET, (uint32_t)base) |
             npesim_csr_write(s, NPE_DMA_WIN_BASE_HI_REG_OFFSET, (uint32_t)(base >> 32)) |
             npesim_csr_write(s, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)limit) |
             npesim_csr_write(s, NPE_DMA_WIN_LIMIT_HI_REG_OFFSET, (uint32_t)(limit >> 32)) |
             npesim_csr_write(s, NPE_RING_BASE_LO_REG_OFFSET, (uint32_t)base) |
             npesim_csr_write(s, NPE_RING_BASE_HI_REG_OFFSET, (uint32_t)(base >> 32)) |
             npesim_csr_write(s, NPE_RING_SIZE_REG_OFFSET, log2n) |
             npesim_csr_read(s, NPE_RING_HEAD_REG_OFFSET, &head) |
             npesim_csr_write(s, NPE_RING_TAIL_REG_OFFSET, head) |
             npesim_csr_read(s, NPE_CTRL_REG_OFFSET, &ctrl) |
             npesim_csr_write(s, NPE_CTRL_REG_OFFSET, ctrl | 1u << NPE_CTRL_START_BIT);
    uint64_t cs = npesim_cycles(s);
    rc |= npesim_csr_write(s, NPE_RING_TAIL_REG_OFFSET, head + ndesc);
    rc |= npesim_run_until_idle(s, 50000000ull);
    job_cycles = npesim_cycles(s) - cs;
    rc |= npesim_csr_read(s, NPE_STATUS_REG_OFFSET, &status);
    rc |= npesim_csr_read(s, NPE_RING_HEAD_REG_OFFSET, &head);
    total_s += now() - t0;
    total_cycles += npesim_cycles(s) - c0;
    runs++;
    rc |= npesim_mem_read(s, base + 8 * c_word, c, 8 * c_words);
    npesim_destroy(s);
    size_t bad = 0;
    for (size_t i = 0; i < c_words; i++) bad += c[i] != exp[i];
    if (rc || (status >> NPE_STATUS_ERR_OFFSET & NPE_STATUS_ERR_MASK) || head != ndesc || bad) {
      printf("bench_sim_speed: FAIL rc=%d status=%08x head=%u/%u mismatched words=%zu\n", rc,
             status, head, ndesc, bad);
      return 1;
    }
  }
  printf("bench_sim_speed: PASS runs=%d job_cycles=%llu cycles=%llu wall=%.3f s "
         "cycles_per_s=%.0f\n",
         runs, (unsigned long long)job_cycles, (unsigned long long)total_cycles, total_s,
         (double)total_cycles / total_s);
  free(img), free(exp), free(c);
  return 0;
}
