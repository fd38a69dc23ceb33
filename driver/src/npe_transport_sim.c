/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_sim.c - the sim: transport over libnpesim. */
#include "npe_transport_sim.h"

#include <stdlib.h>

#include "npe_format.h"
#include "npe_regs.h"

/* The simulator of the default build, or of the small build. */
typedef struct sim_ctx {
  npesim *s;
  npesim_small *ss;
} sim_ctx;

static int csr_rc(int rc) { return rc == 0 ? NPE_OK : rc > 0 ? NPE_ERR_DEVICE : NPE_ERR_INVALID_ARG; }

static int sim_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  sim_ctx *c = ctx;
  return csr_rc(c->ss ? npesim_small_csr_read(c->ss, off, val) : npesim_csr_read(c->s, off, val));
}

static int sim_csr_write(void *ctx, uint32_t off, uint32_t val) {
  sim_ctx *c = ctx;
  return csr_rc(c->ss ? npesim_small_csr_write(c->ss, off, val) : npesim_csr_write(c->s, off, val));
}

static int sim_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  sim_ctx *c = ctx;
  int rc = c->ss ? npesim_small_mem_write(c->ss, addr, src, len)
                 : npesim_mem_write(c->s, addr, src, len);
  return rc ? NPE_ERR_INVALID_ARG : NPE_OK;
}

static int sim_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  sim_ctx *c = ctx;
  int rc = c->ss ? npesim_small_mem_read(c->ss, addr, dst, len)
                 : npesim_mem_read(c->s, addr, dst, len);
  return rc ? NPE_ERR_INVALID_ARG : NPE_OK;
}

static int sim_wait(void *ctx, uint64_t budget) {
  sim_ctx *c = ctx;
  if (c->ss) npesim_small_wait_irq(c->ss, budget);
  else npesim_wait_irq(c->s, budget);
  return NPE_OK;
}

static uint64_t sim_cycles(void *ctx) {
  sim_ctx *c = ctx;
  return c->ss ? npesim_small_cycles(c->ss) : npesim_cycles(c->s);
}

static void sim_close(void *ctx) {
  sim_ctx *c = ctx;
  if (c->ss) npesim_small_destroy(c->ss);
  else npesim_destroy(c->s);
  free(c);
}

int npe_transport_sim_open(const npesim_config *cfg, int small, npe_transport *t) {
  if (!cfg || !t) return NPE_ERR_INVALID_ARG;
  npesim_config c = *cfg;
  const uint64_t base = small ? NPE_SIM_SMALL_MEM_BASE : NPE_SIM_MEM_BASE;
  const uint64_t size = small ? NPE_SIM_SMALL_MEM_SIZE : NPE_SIM_MEM_SIZE;
  c.mem_base = base;
  c.mem_size = size;
  sim_ctx *x = calloc(1, sizeof *x);
  if (!x) return NPE_ERR_NO_MEM;
  int bad = small ? npesim_small_create(&c, &x->ss) : npesim_create(&c, &x->s);
  if (bad) {
    free(x);
    return c.trace_path ? NPE_ERR_IO : NPE_ERR_INVALID_ARG;
  }
  /* the DMA may touch exactly the simulated memory */
  uint64_t lim = base + size;
  int rc = sim_csr_write(x, NPE_DMA_WIN_BASE_LO_REG_OFFSET, (uint32_t)base);
  if (!rc) rc = sim_csr_write(x, NPE_DMA_WIN_BASE_HI_REG_OFFSET, (uint32_t)(base >> 32));
  if (!rc) rc = sim_csr_write(x, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)lim);
  if (!rc) rc = sim_csr_write(x, NPE_DMA_WIN_LIMIT_HI_REG_OFFSET, (uint32_t)(lim >> 32));
  if (rc) {
    sim_close(x);
    return NPE_ERR_DEVICE;
  }
  t->ctx = x;
  t->csr_read = sim_csr_read;
  t->csr_write = sim_csr_write;
  t->mem_write = sim_mem_write;
  t->mem_read = sim_mem_read;
  t->wait = sim_wait;
  t->cycles = sim_cycles;
  t->close = sim_close;
  return NPE_OK;
}

npesim *npe_transport_sim_get(const npe_transport *t) {
  return t && t->ctx ? ((const sim_ctx *)t->ctx)->s : NULL;
}
