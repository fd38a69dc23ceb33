/* SPDX-License-Identifier: Apache-2.0 */
/* bench_sim.h - helpers of the benchmark programs that drive the simulated
 * engine below libnpe (descriptors and counters through libnpesim). */
#ifndef NPE_BENCH_SIM_H
#define NPE_BENCH_SIM_H

#include <stdint.h>

#include "npe_regs.h"
#include "npe_tiler.h"
#include "npe_transport_sim.h"

/* A 64-bit performance counter, from its _LO register offset. */
static inline uint64_t bench_counter(npesim *s, uint32_t lo_off) {
  uint32_t lo = 0, hi = 0;
  npesim_csr_read(s, lo_off, &lo);
  npesim_csr_read(s, lo_off + 4, &hi);
  return (uint64_t)hi << 32 | lo;
}

/* Writes a 64-byte descriptor into DESC_0..15 (the doorbell is the caller's). */
static inline void bench_post(npesim *s, const uint8_t d[64]) {
  for (int w = 0; w < 16; w++)
    npesim_csr_write(s, NPE_DESC_0_REG_OFFSET + 4u * (uint32_t)w,
                     (uint32_t)d[4 * w] | (uint32_t)d[4 * w + 1] << 8 |
                         (uint32_t)d[4 * w + 2] << 16 | (uint32_t)d[4 * w + 3] << 24);
}

/* One descriptor through DESC_0..15 and the doorbell; its busy cycles
 * (PERF_BUSY_CYCLES, which must count: CTRL.PERF_EN), or 0 on an engine
 * error or a hang. */
static inline uint64_t bench_run_direct(npesim *s, const npe_desc_fields *f) {
  uint8_t d[64];
  npe_desc_encode(f, d);
  bench_post(s, d);
  uint64_t b0 = bench_counter(s, NPE_PERF_BUSY_CYCLES_LO_REG_OFFSET);
  npesim_csr_write(s, NPE_DOORBELL_REG_OFFSET, 1);
  if (npesim_run_until_idle(s, 100000000ull)) return 0;
  uint32_t st = 0;
  npesim_csr_read(s, NPE_STATUS_REG_OFFSET, &st);
  if ((st >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK) return 0;
  return bench_counter(s, NPE_PERF_BUSY_CYCLES_LO_REG_OFFSET) - b0;
}

#endif /* NPE_BENCH_SIM_H */
