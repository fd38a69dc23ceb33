/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_transport_uio.h - the uio: transport, for an engine in the
 * programmable logic of a Zynq-class board running Linux (fpga/zynq):
 *  - the CSRs are a map of a UIO device (/dev/uioN, map M), read and written
 *    as 32-bit words;
 *  - device memory is a physically contiguous buffer the engine's DMA
 *    reaches: a u-dma-buf device (/dev/udmabufN: its physical address and
 *    size from sysfs) or a reserved region through /dev/mem (phys= and
 *    size= in the URI); the DMA window is set to exactly that buffer;
 *  - the interrupt comes through the UIO read/write protocol: write 1 (a
 *    4-byte int) to re-enable it, poll and read the 4-byte event count.
 * Every system call goes through an npe_uio_ops table, so tests run the
 * transport against a fake device (tests/driver/test_uio.c: the CSRs
 * forwarded to the simulator, device memory a shared file mapping the
 * simulator's memory model serves). Internal to libnpe.
 */
#ifndef NPE_TRANSPORT_UIO_H
#define NPE_TRANSPORT_UIO_H

#include <stddef.h>
#include <stdint.h>

#include "npe_transport.h"

/** Options of a uio: URI. */
typedef struct npe_uio_config {
  const char *dev;     /**< the UIO node, "/dev/uioN" ("uioN" and "N" are taken too) */
  unsigned map;        /**< its map holding the CSRs (default 0) */
  const char *mem;     /**< the device-memory node: /dev/udmabufN or /dev/mem */
  uint64_t phys;       /**< physical base of device memory (0: from sysfs, u-dma-buf) */
  uint64_t size;       /**< its bytes (0: from sysfs, u-dma-buf) */
  unsigned timeout_ms; /**< longest wait for one interrupt (default 1000) */
  unsigned clk_mhz;    /**< the engine's clock, for cycle estimates (default 100) */
  int soc;             /**< 1: the SoC's host window (npe_soc_zynq_top), an offload device */
  const char *firmware; /**< soc: the ELF to load (NULL: loaded only when none runs, then
                             NPE_UIO_SOC_FIRMWARE_DEFAULT) */
} npe_uio_config;

/** The firmware a SoC with none running gets when the URI names none
 *  (make firmware builds it; relative to the working directory). */
#define NPE_UIO_SOC_FIRMWARE_DEFAULT "build/firmware/npe_soc_fw.elf"

/** The SoC's host window (fpga/rtl/npe_soc_host_axil.sv): 256 KiB, the RAM
 *  at its own addresses, the mailbox at NPE_UIO_SOC_MBOX_OFF; other offsets
 *  answer DECERR. */
#define NPE_UIO_SOC_WIN_BYTES 0x40000u
#define NPE_UIO_SOC_MBOX_OFF  0x20000u
#define NPE_UIO_SOC_MBOX_BYTES 0x1000u

/** Parses the part of a URI after "uio:" ("DEV[?map=M&mem=PATH&phys=ADDR&
 *  size=BYTES&timeout=MS&clk=MHZ]", ADDR and BYTES decimal or 0x-hex; or
 *  "DEV?soc=1[&firmware=PATH&map=M&timeout=MS&clk=MHZ]") into @p c;
 *  strings are copied into @p buf (@p cap bytes). Errors: NPE_ERR_INVALID_ARG
 *  (also mem=, phys= or size= with soc=1, firmware= without it). */
int npe_uio_parse(const char *rest, npe_uio_config *c, char *buf, size_t cap);

/** The system calls the transport makes (@p h is the table's own context).
 *  npe_uio_real_ops() has the real ones; tests pass a fake. */
typedef struct npe_uio_ops {
  void *h;
  /** open(2) with O_RDWR | O_SYNC | O_CLOEXEC: a descriptor, or -errno */
  int (*open)(void *h, const char *path);
  void (*close)(void *h, int fd);
  /** mmap(2) shared, read and write: the mapping, or NULL (errno set) */
  void *(*map)(void *h, int fd, size_t len, uint64_t off);
  void (*unmap)(void *h, void *p, size_t len);
  /** a 32-bit device register access at @p p (volatile, in order) */
  uint32_t (*rd32)(void *h, volatile uint32_t *p);
  void (*wr32)(void *h, volatile uint32_t *p, uint32_t v);
  /** re-enables the interrupt: write(2) of the int 1; 0 or -errno */
  int (*irq_enable)(void *h, int fd);
  /** waits up to @p timeout_us for it: poll(2) then read(2) of the count;
   *  1 it came, 0 timeout, -errno */
  int (*irq_wait)(void *h, int fd, uint64_t timeout_us);
  /** reads a small text file (sysfs) into @p buf, NUL-terminated; bytes or -errno */
  int (*read_file)(void *h, const char *path, char *buf, size_t cap);
  /** monotonic microseconds (the device's cycles are estimated from it) */
  uint64_t (*now_us)(void *h);
} npe_uio_ops;

/** The table of real system calls. */
const npe_uio_ops *npe_uio_real_ops(void);

/** soc=1: opens the UIO device, maps the SoC's 256 KiB window (the map's
 *  sysfs size, when there is one, must be at least that) and checks the
 *  mailbox's ID; boots the firmware when none runs (RSP_7 is not
 *  NPE_SOC_FW_READY) or firmware= names one: validates the ELF (RV32, little
 *  endian, executable, PT_LOAD segments inside [NPE_SOC_FW_BASE,
 *  NPE_SOC_RAM_BYTES), entry at NPE_SOC_FW_BASE) before touching the SoC,
 *  stops the core, writes the segments (bss zeroed) and reads them back,
 *  writes a PING request and rings the doorbell, sets CORE_RUN and waits
 *  (timeout=) for RSP_7 = NPE_SOC_FW_READY and the PING's answer (so a
 *  READY left by an earlier firmware does not count); then HOST_IRQ_EN.
 *  The transport is an offload one (npe_transport.h): mem_read / mem_write
 *  at the SoC's addresses (RAM: any bytes, partial words read-modify-write;
 *  mailbox: whole aligned words; anything else NPE_ERR_INVALID_ARG), the
 *  CSR calls NPE_ERR_UNSUPPORTED, wait the UIO interrupt (the mailbox's
 *  DONE). Errors: NPE_ERR_IO (device, map, the ELF cannot be read),
 *  NPE_ERR_INVALID_ARG (a bad ELF), NPE_ERR_DEVICE (no mailbox, the image
 *  reads back wrong), NPE_ERR_TIMEOUT (the firmware does not come up).
 *  Otherwise: opens the UIO device and the device memory, maps both, sets the DMA
 *  window to the memory, and fills @p t (device addresses are physical
 *  addresses). @p ops NULL: the real calls. *base / *size get the device
 *  memory. Errors (@p msg says which, naming the file and the fix):
 *  NPE_ERR_IO (no such device, permission denied, no device memory named
 *  or found, a map that fails), NPE_ERR_INVALID_ARG, NPE_ERR_NO_MEM,
 *  NPE_ERR_DEVICE (the window cannot be set). */
int npe_transport_uio_open(const npe_uio_config *c, const npe_uio_ops *ops, npe_transport *t,
                           uint64_t *base, uint64_t *size, char *msg, size_t cap);

#endif /* NPE_TRANSPORT_UIO_H */
