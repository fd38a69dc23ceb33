/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_sim.c - the sim: transport over libnpesim. */
#include "npe_transport_sim.h"

#include "npe_format.h"
#include "npe_regs.h"

static int csr_rc(int rc) { return rc == 0 ? NPE_OK : rc > 0 ? NPE_ERR_DEVICE : NPE_ERR_INVALID_ARG; }

static int sim_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  return csr_rc(npesim_csr_read(ctx, off, val));
}

static int sim_csr_write(void *ctx, uint32_t off, uint32_t val) {
  return csr_rc(npesim_csr_write(ctx, off, val));
}

static int sim_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  return npesim_mem_write(ctx, addr, src, len) ? NPE_ERR_INVALID_ARG : NPE_OK;
}

static int sim_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  return npesim_mem_read(ctx, addr, dst, len) ? NPE_ERR_INVALID_ARG : NPE_OK;
}

static int sim_wait(void *ctx, uint64_t budget) {
  npesim_wait_irq(ctx, budget);
  return NPE_OK;
}

static uint64_t sim_cycles(void *ctx) { return npesim_cycles(ctx); }

static void sim_close(void *ctx) { npesim_destroy(ctx); }

/* The SoC: no CSRs for the host (the engine's are the core's alone) */
static int soc_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  (void)ctx, (void)off, (void)val;
  return NPE_ERR_UNSUPPORTED;
}

static int soc_csr_write(void *ctx, uint32_t off, uint32_t val) {
  (void)ctx, (void)off, (void)val;
  return NPE_ERR_UNSUPPORTED;
}

int npe_transport_sim_open(const npesim_config *cfg, npe_transport *t) {
  if (!cfg || !t) return NPE_ERR_INVALID_ARG;
  npesim_config c = *cfg;
  if (cfg->build == NPESIM_BUILD_SOC) { /* boots the firmware (npesim_create) */
    npesim *x;
    if (npesim_create(&c, &x)) return c.trace_path ? NPE_ERR_IO : NPE_ERR_DEVICE;
    *t = (npe_transport){x, soc_csr_read, soc_csr_write, sim_mem_write, sim_mem_read, sim_wait,
                         sim_cycles, sim_close, NULL, 1};
    return NPE_OK;
  }
  const int small = cfg->build == NPESIM_BUILD_SMALL;
  const uint64_t base = small ? NPE_SIM_SMALL_MEM_BASE : NPE_SIM_MEM_BASE;
  const uint64_t size = small ? NPE_SIM_SMALL_MEM_SIZE : NPE_SIM_MEM_SIZE;
  c.mem_base = base;
  c.mem_size = size;
  npesim *x;
  if (npesim_create(&c, &x)) return c.trace_path ? NPE_ERR_IO : NPE_ERR_INVALID_ARG;
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
  t->offload = 0;
  return NPE_OK;
}

npesim *npe_transport_sim_get(const npe_transport *t) { return t ? t->ctx : NULL; }
