/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npesim.h - libnpesim: the NPE engine RTL (npe_top) simulated cycle by cycle
 * by Verilator, with an AXI4 memory model on its DMA port, behind a plain C
 * API. One API for every build of npe_top: npesim_config.build picks it. The
 * driver's sim: transport, the engine tests and the benchmarks use it. Every
 * call advances simulated time only as documented.
 *
 * Thread safety: one npesim must not be used by two threads at once; separate
 * instances are independent (no global state).
 */
#ifndef NPESIM_H
#define NPESIM_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** An engine instance with its memory. Opaque. */
typedef struct npesim npesim;

/** Which build of npe_top a simulator runs; every build is in libnpesim and
 *  behind the same functions. */
typedef enum npesim_build {
  /** The default build: the npe_top parameter defaults (4 x 2 array, every
   *  format, NLU, crossbar with the analog model's DPI). */
  NPESIM_BUILD_FULL = 0,
  /** The small build: the ENGINE_LITE parameters of mk/sim_lib.mk, the
   *  iCE40UP5K configuration (1 x 1 INT8 / ternary array, 17-bit DMA
   *  addresses, no NLU, crossbar or direct descriptors; docs/ARCHITECTURE.md,
   *  "The small build"). Its DMA reaches 128 KiB, so give it mem_base 0 and
   *  mem_size 128 KiB, as libnpe does for "sim:?build=small". It has no
   *  crossbar, so xbar_analog changes nothing. */
  NPESIM_BUILD_SMALL = 1,
  /** The Zynq-7020 board top (fpga/zynq/npe_zynq_top.v): 2 x 2 PEs in every
   *  format and the default build's units, 64 KiB B buffers (BBankWords
   *  4096), 32-bit DMA addresses and bursts of at most 16 beats (the PS's AXI3 HP ports; the
   *  memory model flags a longer one as a protocol error). Its XBAR runs the
   *  exact digital path (as on the FPGA): xbar_analog changes nothing. */
  NPESIM_BUILD_ZYNQ = 2,
  /** The SoC (rtl/soc/npe_soc.sv, docs/SOC.md): the RV32IM core running the
   *  firmware beside a small engine (2 x 2 PEs, every format, no NLU,
   *  crossbar or recurrence unit) with 128 KiB of on-chip RAM and the host
   *  mailbox. The host reaches only the RAM and the mailbox, through the
   *  SoC's host port: npesim_mem_read / _write are accesses on that port
   *  (word by word, a few cycles each: simulated time passes, unlike the
   *  other builds), addresses as include/npe_soc.h's map (RAM at 0, the
   *  mailbox at NPE_SOC_MBOX_BASE); the CSR calls and npesim_run_until_idle
   *  answer -1 (the engine's CSRs are the core's alone); npesim_wait_irq
   *  waits on host_irq_o (the mailbox's DONE; HOST_IRQ_EN is set at
   *  create). npesim_create loads the firmware ELF (npesim_config.firmware)
   *  through the port, sets CORE_RUN and waits for RSP_7 = NPE_SOC_FW_READY
   *  (unless npesim_config.soc_no_boot).
   *  mem_base, mem_size, the latencies, back-pressure, mem_ext and
   *  xbar_analog do not apply; npesim_axi_errors counts the SoC's bus
   *  errors (an access to nothing). */
  NPESIM_BUILD_SOC = 3
} npesim_build;

/** The firmware npesim_create loads into an NPESIM_BUILD_SOC simulator when
 *  npesim_config.firmware is NULL (make firmware builds it; relative to the
 *  working directory). */
#define NPESIM_SOC_FIRMWARE_DEFAULT "build/firmware/npe_soc_fw.elf"

/** Creation options; zero-initialise, then set what you need. */
typedef struct npesim_config {
  uint64_t mem_base;        /**< lowest device address of the memory model */
  uint64_t mem_size;        /**< bytes; 0 = 256 MiB. Accesses outside fault (DECERR) */
  unsigned read_latency;    /**< cycles from AR to first R beat (0 = 100) */
  unsigned write_latency;   /**< cycles from last W beat to B (0 = 20) */
  unsigned ready_pct;       /**< AXI ready probability per cycle, 1..100 (0 = 100) */
  unsigned valid_pct;       /**< R/B valid probability per cycle, 1..100 (0 = 100) */
  uint64_t seed;            /**< seeds back-pressure and reset randomisation */
  int random_reset;         /**< non-zero: flops start random (Verilator randReset(2)) */
  const char *trace_path;   /**< FST waveform file, or NULL for none */
  /** NULL: the XBAR opcode runs the exact digital path (as on the FPGA).
   *  Otherwise it runs the analog tile model of models/xbar (npe_xbar.h) with
   *  these settings: non-idealities, pulses, clock, seed; rows, cols, levels,
   *  DAC bits and shift come from each job. Checked by npe_xbar_cfg_check(). */
  const struct npe_xbar_cfg *xbar_analog;
  npesim_build build;       /**< the engine build; 0 = NPESIM_BUILD_FULL */
  /** NULL: the model keeps its own memory. Otherwise mem_size bytes (given,
   *  a multiple of 8) that hold [mem_base, mem_base + mem_size): the DMA and
   *  npesim_mem_* read and write them, e.g. a shared file mapping (the fake
   *  uio: device of tests/driver/test_uio.c). */
  void *mem_ext;
  /** NPESIM_BUILD_SOC: the firmware ELF (RV32, loadable segments inside the
   *  SoC's RAM above NPE_SOC_FW_BASE); NULL = NPESIM_SOC_FIRMWARE_DEFAULT.
   *  npesim_create fails (-1) when it cannot be read or does not come up. */
  const char *firmware;
  /** NPESIM_BUILD_SOC: non-zero leaves the SoC as a board's comes out of
   *  reset: no firmware loaded (firmware is ignored), the core held in reset
   *  (CORE_RUN 0), HOST_IRQ_EN 0; the caller boots it through the host port
   *  (the fake UIO device of tests/driver/test_uio_soc.c, whose uio: loader
   *  does). Other builds: ignored. */
  int soc_no_boot;
} npesim_config;

/** Creates an engine of build cfg->build and its memory, resets it, and
 *  applies the config (NPESIM_BUILD_SOC: and boots its firmware). Returns 0,
 *  or -1 (bad config, unknown build, a firmware that cannot be loaded or
 *  does not come up: *out untouched). */
int npesim_create(const npesim_config *cfg, npesim **out /* out */);

/** Finishes the trace and frees everything. NULL is ignored. */
void npesim_destroy(npesim *s);

/** AXI4-Lite CSR read/write at byte offset @p off (takes a few cycles).
 *  Returns 0 on OKAY, 1 when the engine answered SLVERR, -1 on bad args. */
int npesim_csr_read(npesim *s, uint32_t off, uint32_t *val /* out */);
int npesim_csr_write(npesim *s, uint32_t off, uint32_t val);

/** Device memory access outside the bus (no simulated time). Returns 0, or
 *  -1 if the range is outside the memory. */
int npesim_mem_write(npesim *s, uint64_t addr, const void *src, size_t len);
int npesim_mem_read(npesim *s, uint64_t addr, void *dst, size_t len);

/** Runs @p cycles clock cycles. */
void npesim_step(npesim *s, uint64_t cycles);

/** Runs until STATUS.BUSY reads 0 (polled every 64 cycles) or @p max_cycles
 *  pass. Returns 0 when idle, 1 on timeout. */
int npesim_run_until_idle(npesim *s, uint64_t max_cycles);

/** Runs until the irq output is high or @p max_cycles pass. Returns 0 when
 *  the irq is high, 1 on timeout. */
int npesim_wait_irq(npesim *s, uint64_t max_cycles);

/** Current level of the irq output. */
int npesim_irq(const npesim *s);

/** Clock cycles simulated since creation. */
uint64_t npesim_cycles(const npesim *s);

/** Number of AXI protocol violations the memory model has seen; the first
 *  one's text goes to @p buf (NUL-terminated, may be NULL). */
size_t npesim_axi_errors(const npesim *s, char *buf, size_t cap);

/** Adds a range of device memory that answers every access with SLVERR
 *  (resp 2) or DECERR (resp 3). Returns 0, or -1 on bad args. */
int npesim_inject_error(npesim *s, uint64_t lo, uint64_t hi, unsigned resp);

/** Build parameters of the simulated engine (of its npesim_build). */
typedef struct npesim_info {
  unsigned rows, cols;         /**< PE array */
  unsigned a_bank_words;       /**< 64-bit words per A bank per buffer */
  unsigned b_bank_words;       /**< 64-bit words per B bank per buffer */
  unsigned out_groups;         /**< column groups per output buffer */
} npesim_info;

/** Fills @p info with the shape of @p s's build. */
void npesim_get_info(const npesim *s, npesim_info *info /* out */);

#ifdef __cplusplus
}
#endif

#endif /* NPESIM_H */
