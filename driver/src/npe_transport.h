/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_transport.h - the one internal interface every transport implements
 * (sim: in-process libnpesim; uart: and ftdi://, the board link of
 * npe_link.c). Everything above it
 * (ring submission, matmul) is transport-independent. Internal to libnpe.
 */
#ifndef NPE_TRANSPORT_H
#define NPE_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>

/** Operations of a transport; every function returns an npe_status. */
typedef struct npe_transport {
  void *ctx;
  /** CSR access at a byte offset; NPE_ERR_DEVICE when the engine answers
   *  SLVERR. */
  int (*csr_read)(void *ctx, uint32_t off, uint32_t *val);
  int (*csr_write)(void *ctx, uint32_t off, uint32_t val);
  /** Device memory access. */
  int (*mem_write)(void *ctx, uint64_t addr, const void *src, size_t len);
  int (*mem_read)(void *ctx, uint64_t addr, void *dst, size_t len);
  /** Lets the device run: returns when the irq is raised or after about
   *  @p budget cycles (simulator) / microseconds (hardware), whichever first. */
  int (*wait)(void *ctx, uint64_t budget);
  /** Device clock cycles so far (0 if unknown). */
  uint64_t (*cycles)(void *ctx);
  /** Releases the transport. */
  void (*close)(void *ctx);
  /** One line on the last failure ("" if none); NULL: the transport has no
   *  messages. */
  const char *(*error)(void *ctx);
  /** 1: a device with its own firmware in front of the engine (the SoC of
   *  docs/SOC.md behind its host port, "sim:?build=soc"): the host reaches
   *  the mailbox and the on-chip RAM with mem_read / mem_write (include/
   *  npe_soc.h's map), never the engine's CSRs (csr_read / csr_write answer
   *  NPE_ERR_UNSUPPORTED); wait returns when the mailbox's DONE raises the
   *  host interrupt. libnpe offloads whole matmuls to the firmware
   *  (npe_offload.c). 0: the host drives the engine's CSRs and ring. */
  int offload;
} npe_transport;

/** Device memory window of a transport (what the DMA may touch). */
typedef struct npe_mem_window {
  uint64_t base, size;
} npe_mem_window;

#endif /* NPE_TRANSPORT_H */
