/* SPDX-License-Identifier: Apache-2.0 */
/*
 * engine_harness.h - the engine under test through libnpesim, shared by the
 * engine test programs (test_engine.c, test_recur.c): open a simulated
 * engine with a memory latency, back-pressure and seed, set up the command
 * ring, run one descriptor through DESC_0..15 and the doorbell, recover with
 * SOFT_RESET, and check on close that the memory model saw no AXI protocol
 * violation. Check assertions throughout.
 */
#ifndef NPE_ENGINE_HARNESS_H
#define NPE_ENGINE_HARNESS_H

#include <stdlib.h>
#include <string.h>

#include "../golden/unit.h"
#include "npe_regs.h"
#include "npe_ring.h"
#include "npe_tiler.h"
#include "npe_transport_sim.h"
#include "npe_xbar.h"

typedef struct {
  npe_transport t;
  npe_ring ring;
  npe_hw_shape hw;
  npesim *sim;
} eng;

/* A simulated engine as @p c says (its build, memory timing, seed), its
 * ring at the base of memory. */
static inline void eng_open_cfg(eng *e, const npesim_config *c) {
  ck_assert_int_eq(npe_transport_sim_open(c, &e->t), NPE_OK);
  e->sim = npe_transport_sim_get(&e->t);
  npesim_info info;
  npesim_get_info(e->sim, &info);
  e->hw.rows = info.rows;
  e->hw.cols = info.cols;
  e->hw.a_bank_words = info.a_bank_words;
  e->hw.b_bank_words = info.b_bank_words;
  e->hw.out_groups = info.out_groups;
  uint32_t cap_fmt;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_CAP_FORMATS_REG_OFFSET, &cap_fmt), 0);
  e->hw.ksplit = (cap_fmt >> NPE_CAP_FORMATS_KSPLIT_BIT) & 1u;
  e->hw.sherry = (cap_fmt >> NPE_CAP_FORMATS_SHERRY_BIT) & 1u;
  e->hw.b_offset = (cap_fmt >> NPE_CAP_FORMATS_B_OFFSET_BIT) & 1u;
  e->ring.base = NPE_SIM_MEM_BASE;
  e->ring.log2_n = 8;
  ck_assert_int_eq(npe_ring_setup(&e->t, &e->ring), NPE_OK);
}

/* The default build (read latency in cycles, write latency a quarter of
 * it, percent of cycles the memory is ready / valid, flops reset at
 * random); @p xbar_analog puts the analog tile model behind XBAR. */
static inline void eng_open_x(eng *e, unsigned latency, unsigned ready_pct, unsigned valid_pct,
                              uint64_t seed, const npe_xbar_cfg *xbar_analog) {
  npesim_config c;
  memset(&c, 0, sizeof c);
  c.xbar_analog = xbar_analog;
  c.read_latency = latency;
  c.write_latency = latency / 4 + 1;
  c.ready_pct = ready_pct;
  c.valid_pct = valid_pct;
  c.seed = seed;
  c.random_reset = 1;
  eng_open_cfg(e, &c);
}

static inline void eng_open(eng *e, unsigned latency, unsigned ready_pct, unsigned valid_pct,
                            uint64_t seed) {
  eng_open_x(e, latency, ready_pct, valid_pct, seed, NULL);
}

static inline void eng_close(eng *e) {
  char msg[256];
  size_t n = npesim_axi_errors(e->sim, msg, sizeof msg);
  ck_assert_msg(n == 0, "AXI protocol violations: %zu, first: %s", n, msg);
  e->t.close(e->t.ctx);
}

/* SOFT_RESET, then the ring set up again; STATUS.ERR must read 0. */
static inline void soft_reset(eng *e) {
  uint32_t ctrl;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_CTRL_REG_OFFSET, &ctrl), 0);
  ck_assert_int_eq(npesim_csr_write(e->sim, NPE_CTRL_REG_OFFSET,
                                    ctrl | (1u << NPE_CTRL_SOFT_RESET_BIT)), 0);
  ck_assert_int_eq(npesim_run_until_idle(e->sim, 1000000), 0);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_STATUS_REG_OFFSET, &ctrl), 0);
  ck_assert_uint_eq((ctrl >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK, 0);
  ck_assert_int_eq(npe_ring_setup(&e->t, &e->ring), NPE_OK);
}

/* Writes @p f into the DESC CSRs (the doorbell is the caller's). */
static inline void post_direct(eng *e, const npe_desc_fields *f) {
  uint8_t d[64];
  npe_desc_encode(f, d);
  for (int w = 0; w < 16; w++) {
    uint32_t v = (uint32_t)d[4 * w] | (uint32_t)d[4 * w + 1] << 8 |
                 (uint32_t)d[4 * w + 2] << 16 | (uint32_t)d[4 * w + 3] << 24;
    ck_assert_int_eq(npesim_csr_write(e->sim, NPE_DESC_0_REG_OFFSET + 4u * (uint32_t)w, v), 0);
  }
}

/* Runs one descriptor through the DESC CSRs and the doorbell; returns
 * STATUS.ERR and sets *idx / *addr (either may be NULL). */
static inline uint32_t run_direct(eng *e, const npe_desc_fields *f, uint32_t *idx,
                                  uint64_t *addr) {
  post_direct(e, f);
  ck_assert_int_eq(npesim_csr_write(e->sim, NPE_DOORBELL_REG_OFFSET, 1), 0);
  ck_assert_int_eq(npesim_run_until_idle(e->sim, 10000000), 0);
  uint32_t st, lo, hi;
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_STATUS_REG_OFFSET, &st), 0);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_ERR_ADDR_LO_REG_OFFSET, &lo), 0);
  ck_assert_int_eq(npesim_csr_read(e->sim, NPE_ERR_ADDR_HI_REG_OFFSET, &hi), 0);
  if (idx) *idx = (st >> NPE_STATUS_ERR_IDX_OFFSET) & NPE_STATUS_ERR_IDX_MASK;
  if (addr) *addr = (uint64_t)hi << 32 | lo;
  return (st >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
}

/* Fills [addr, addr + bytes) with a pattern; eng_guard_ok() checks it is
 * still there (nothing was written over it). */
static inline void eng_guard_set(eng *e, uint64_t addr, size_t bytes) {
  uint8_t g[256];
  for (size_t i = 0; i < bytes; i++) {
    g[i % sizeof g] = (uint8_t)(0x5a ^ i);
    if (i % sizeof g == sizeof g - 1 || i + 1 == bytes)
      e->t.mem_write(e->t.ctx, addr + i - i % sizeof g, g, i % sizeof g + 1);
  }
}

static inline int eng_guard_ok(eng *e, uint64_t addr, size_t bytes) {
  int ok = 1;
  for (size_t i = 0; i < bytes; i++) {
    uint8_t b;
    e->t.mem_read(e->t.ctx, addr + i, &b, 1);
    ok &= b == (uint8_t)(0x5a ^ i);
  }
  return ok;
}

/* A RECUR DIAG descriptor (docs/REGMAP.md): N = @p h states, T = @p t
 * steps, records at @p rec, h_0 at @p h0 (INIT = LOAD), outputs at @p out. */
static inline npe_desc_fields eng_recur_diag(uint32_t h, uint32_t t, uint64_t rec, uint64_t h0,
                                             uint64_t out, unsigned init, int out_last) {
  npe_desc_fields f = {0};
  f.op = NPE_OP_RECUR;
  f.n = (uint16_t)h;
  f.t = (uint16_t)t;
  f.addr_a = rec;
  f.addr_b = h0;
  f.addr_c = out;
  f.aux = (uint32_t)NPE_RECUR_MODE_DIAG << NPE_RECUR_AUX_MODE_LSB |
          (uint32_t)init << NPE_RECUR_AUX_INIT_LSB |
          (uint32_t)(out_last ? 1u : 0u) << NPE_RECUR_AUX_OUT_LAST_BIT;
  return f;
}

/* Writes @p n DIAG records {b, a} (8 bytes each) to device memory at @p addr. */
static inline void eng_write_records(eng *e, uint64_t addr, const int32_t *a, const int32_t *b,
                                     size_t n) {
  uint32_t *rec = malloc(8 * n);
  ck_assert_ptr_nonnull(rec);
  for (size_t i = 0; i < n; i++) {
    rec[2 * i] = (uint32_t)b[i];
    rec[2 * i + 1] = (uint32_t)a[i];
  }
  ck_assert_int_eq(e->t.mem_write(e->t.ctx, addr, rec, 8 * n), NPE_OK);
  free(rec);
}

/* Descriptors from an array, through the ring; the ring's result. */
typedef struct {
  const npe_desc_fields *f;
  size_t n, i;
} eng_desc_src;

static inline int eng_desc_next(void *ctx, uint8_t d[64]) {
  eng_desc_src *s = ctx;
  if (s->i == s->n) return 0;
  npe_desc_encode(&s->f[s->i++], d);
  return 1;
}

static inline npe_ring_result eng_run_descs(eng *e, const npe_desc_fields *f, size_t n) {
  eng_desc_src src = {f, n, 0};
  npe_ring_stream st;
  memset(&st, 0, sizeof st);
  st.src = eng_desc_next;
  st.src_ctx = &src;
  ck_assert_int_eq(npe_ring_finish(&e->t, &e->ring, &st, 400000000ull, NULL, NULL), NPE_OK);
  return st.res;
}

#endif /* NPE_ENGINE_HARNESS_H */
