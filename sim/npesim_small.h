/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npesim_small.h - libnpesim for the small build (the ENGINE_LITE parameters
 * of mk/sim.mk, the iCE40UP5K configuration): the API of npesim.h with the
 * npesim_small prefix, on its own Verilated model. Same semantics, same
 * configuration struct; its memory is usually 128 KiB at 0 (17-bit DMA).
 */
#ifndef NPESIM_SMALL_H
#define NPESIM_SMALL_H

#include "npesim.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct npesim_small npesim_small;

int npesim_small_create(const npesim_config *cfg, npesim_small **out /* out */);
void npesim_small_destroy(npesim_small *s);
int npesim_small_csr_read(npesim_small *s, uint32_t off, uint32_t *val /* out */);
int npesim_small_csr_write(npesim_small *s, uint32_t off, uint32_t val);
int npesim_small_mem_write(npesim_small *s, uint64_t addr, const void *src, size_t len);
int npesim_small_mem_read(npesim_small *s, uint64_t addr, void *dst, size_t len);
void npesim_small_step(npesim_small *s, uint64_t cycles);
int npesim_small_run_until_idle(npesim_small *s, uint64_t max_cycles);
int npesim_small_wait_irq(npesim_small *s, uint64_t max_cycles);
int npesim_small_irq(const npesim_small *s);
uint64_t npesim_small_cycles(const npesim_small *s);
size_t npesim_small_axi_errors(const npesim_small *s, char *buf, size_t cap);
int npesim_small_inject_error(npesim_small *s, uint64_t lo, uint64_t hi, unsigned resp);
void npesim_small_get_info(const npesim_small *s, npesim_info *info /* out */);

#ifdef __cplusplus
}
#endif

#endif /* NPESIM_SMALL_H */
