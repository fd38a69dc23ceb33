/* SPDX-License-Identifier: Apache-2.0 */
/*
 * npe_fw_main.c - the SoC firmware's command loop (docs/SOC.md): waits for
 * the mailbox's doorbell (the core's external interrupt), checks the
 * request (include/npe_soc.h), plans the matmul with the driver's tiler
 * (driver/src/npe_tiler.c, the same source the host compiles), packs A and
 * B from the host window into the arena, streams the descriptors through
 * the engine's ring, gathers C back into the host window and answers with a
 * status, the cycle counts and the descriptor count. Every malformed
 * request gets a status; nothing waits for ever (the engine wait has a
 * time-out and an engine error resets the engine). The engine's completion
 * is awaited on its interrupt, not by polling its CSRs.
 */
#include <stddef.h>
#include <stdint.h>

#include "npe_format.h"
#include "npe_fw_sys.h"
#include "npe_hal.h"
#include "npe_soc.h"
#include "npe_tiler.h"

#define RING_LOG2 4u                    /* 16 slots, 1 KiB */
#define RING_BYTES (64u << RING_LOG2)

static npe_hal_info g_info;
static npe_hal_ring g_ring;
static volatile uint32_t g_req; /* the doorbell rang (set by the interrupt) */
static uint32_t g_t0;           /* the core's cycle when the request was taken */

static void engine_setup(void) {
  g_ring.base = NPE_SOC_ARENA_BASE;
  g_ring.log2_n = RING_LOG2;
  npe_hal_setup(&g_ring, NPE_SOC_ARENA_BASE, NPE_SOC_ARENA_END);
}

/* The trap vector: the core's external interrupt is the mailbox's doorbell
 * ORed with the engine's interrupt (FLAGS.REQ, FLAGS.ENG_IRQ): the doorbell
 * acknowledged and noted, the engine's INTR_STATE read, cleared and counted
 * (npe_hal_irq); any exception is reported in the mailbox and the firmware
 * stops there. */
__attribute__((interrupt("machine"), aligned(4))) void npe_fw_trap(void) {
  uint32_t cause, epc;
  __asm__ volatile(NPE_ZICSR("csrr %0, mcause") : "=r"(cause));
  if (cause == 0x8000000bu) { /* the doorbell and/or the engine (FLAGS says which) */
    uint32_t flags = npe_mbox_rd(NPE_MBOX_FLAGS);
    if (flags & NPE_MBOX_FLAG_REQ) {
      npe_mbox_wr(NPE_MBOX_REQ_ACK, 1);
      g_req = 1;
    }
    if (flags & NPE_MBOX_FLAG_ENG_IRQ) npe_hal_irq();
    return;
  }
  __asm__ volatile(NPE_ZICSR("csrr %0, mepc") : "=r"(epc));
  npe_mbox_wr(NPE_MBOX_RSP(0), NPE_SOC_ST_TRAP);
  npe_mbox_wr(NPE_MBOX_RSP(5), cause);
  npe_mbox_wr(NPE_MBOX_RSP(6), epc);
  npe_mbox_wr(NPE_MBOX_DONE, 1);
  for (;;) {
  }
}

/* [addr, addr + bytes) inside the host window, aligned to align */
static int host_range_ok(uint32_t addr, uint64_t bytes, uint32_t align) {
  if (addr & (align - 1u)) return 0;
  if (addr - NPE_SOC_HOST_WIN_BASE >= NPE_SOC_HOST_WIN_END - NPE_SOC_HOST_WIN_BASE) return 0;
  return bytes <= (uint64_t)(NPE_SOC_HOST_WIN_END - addr);
}

static npe_pats host_pats(npe_fmt f, uint32_t addr) {
  if (npe_fmt_elem_bytes(f) == 2) return npe_pats_u16(f, (const uint16_t *)(uintptr_t)addr);
  return npe_pats_u8(f, (const uint8_t *)(uintptr_t)addr);
}

static uint32_t align8(uint32_t v) { return (v + 7u) & ~7u; }

typedef struct rsp {
  uint32_t st, busy, descs, detail0, detail1;
} rsp;

static void matmul(const uint32_t req[8], uint32_t op, rsp *o) {
  uint32_t fa = (req[0] >> 8) & 15u, fb = (req[0] >> 12) & 15u, fout = (req[0] >> 16) & 15u;
  int fp32 = (req[0] >> 24) & 1u;
  uint32_t m = req[1], n = req[2], k = req[3];
  uint32_t addr_a = req[4], addr_b = req[5], addr_c = req[6];
  if (req[0] & 0xfe000000u) {
    o->st = NPE_SOC_ST_BAD_OP;
    return;
  }
  if (fa >= NPE_FMT_COUNT || fb >= NPE_FMT_COUNT || fout >= NPE_FMT_COUNT ||
      !(g_info.formats >> fa & 1u) || !(g_info.formats >> fb & 1u) ||
      (!fp32 && !(g_info.formats >> fout & 1u)) ||
      !npe_tiler_max_k(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb)) {
    o->st = NPE_SOC_ST_BAD_FORMAT;
    return;
  }
  if (!m || !n || !k || m > 0xffffu || n > 0xffffu || k > 0xffffu) {
    o->st = NPE_SOC_ST_BAD_DIMS;
    return;
  }
  uint32_t eb_a = (uint32_t)npe_fmt_elem_bytes((npe_fmt)fa);
  uint32_t eb_b = (uint32_t)npe_fmt_elem_bytes((npe_fmt)fb);
  uint32_t eb_c = fp32 ? 4u : 2u;
  if (!host_range_ok(addr_a, (uint64_t)m * k * eb_a, eb_a) ||
      !host_range_ok(addr_b, (uint64_t)n * k * eb_b, eb_b) ||
      !host_range_ok(addr_c, (uint64_t)m * n * eb_c, eb_c)) {
    o->st = NPE_SOC_ST_BAD_ADDR;
    return;
  }
  if (k > npe_tiler_max_k(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb)) {
    o->st = NPE_SOC_ST_TOO_BIG;
    return;
  }
  /* plan once for the sizes, lay the arena out, plan again with the
   * addresses (as npe_matmul.c does) */
  npe_mm_plan p;
  int rc = npe_tiler_plan(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb, (npe_fmt)fout, fp32, m, n, k, 0,
                          0, 0, &p);
  if (!rc && m == 1) (void)npe_tiler_use_matvec(&p);
  if (rc) {
    o->st = rc == NPE_ERR_UNSUPPORTED ? NPE_SOC_ST_TOO_BIG : NPE_SOC_ST_BAD_DIMS;
    o->detail0 = 0x10000u | (uint32_t)(rc & 0xffff);
    return;
  }
  uint64_t ba = npe_tiler_bytes_a(&p), bb = npe_tiler_bytes_b(&p), bc = npe_tiler_bytes_c(&p);
  uint32_t dev_a = NPE_SOC_ARENA_BASE + RING_BYTES;
  uint64_t end = (uint64_t)dev_a + ba + 8u + bb + 8u + bc;
  if (end > NPE_SOC_ARENA_END) {
    o->st = NPE_SOC_ST_TOO_BIG;
    return;
  }
  uint32_t dev_b = align8(dev_a + (uint32_t)ba), dev_c = align8(dev_b + (uint32_t)bb);
  rc = npe_tiler_plan(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb, (npe_fmt)fout, fp32, m, n, k, dev_a,
                      dev_b, dev_c, &p);
  if (!rc && m == 1) (void)npe_tiler_use_matvec(&p);
#ifdef NPE_FW_PLANT_BUG
  /* planted bug (make soc-plant-test): the last n-block of every m-tile
   * is never planned, so its columns of C are not computed */
  if (!rc && p.n_blocks > 1) p.n_blocks--;
#endif
  uint32_t stage = 0x20000u;
  if (!rc) stage = 0x30000u, rc = npe_tiler_pack_a(&p, host_pats((npe_fmt)fa, addr_a), k, (uint8_t *)(uintptr_t)dev_a);
  if (!rc) stage = 0x40000u, rc = npe_tiler_pack_b(&p, host_pats((npe_fmt)fb, addr_b), k, (uint8_t *)(uintptr_t)dev_b);
  if (rc) {
    o->detail0 = stage | (uint32_t)(rc & 0xffff);
    o->st = rc == NPE_ERR_RANGE ? NPE_SOC_ST_BAD_PATTERN : NPE_SOC_ST_BAD_DIMS;
    return;
  }
  /* time-out: far above any run of this size (about 1 cycle per MAC word
   * per PE plus the bytes moved), so only a hung engine meets it */
  uint64_t work = (uint64_t)m * n * (k + 64u) + 64u * (ba + bb + bc) + 2000000u;
  uint32_t budget = work > 0x7fffffffu ? 0x7fffffffu : (uint32_t)work;
  if (op == NPE_SOC_OP_MATMUL_TIMEOUT) budget = 64u;
  o->detail0 = npe_hal_cycles() - g_t0; /* (OK: when the engine run started) */
  npe_hal_result res;
  npe_hal_run(&g_ring, &p, budget, op == NPE_SOC_OP_MATMUL_FAULT ? 2u : 0u, 0u, &res);
  o->descs = res.descs;
  o->busy = npe_hal_rd(NPE_PERF_BUSY_CYCLES_LO_REG_OFFSET);
  uint32_t err = (res.status >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
  if (res.timed_out || err) {
    o->st = res.timed_out ? NPE_SOC_ST_TIMEOUT : NPE_SOC_ST_ENGINE;
    o->detail0 = res.status;
    o->detail1 = res.err_addr;
    npe_hal_reset(&g_ring, NPE_SOC_ARENA_BASE, NPE_SOC_ARENA_END);
    return;
  }
  o->detail1 = npe_hal_cycles() - g_t0; /* (OK: when the gather started) */
  /* gather: the device layout of C into the host's dense rows */
  const uint8_t *c = (const uint8_t *)(uintptr_t)dev_c;
  for (uint32_t r = 0; r < m; r++) {
    /* an n-block's columns of a row are contiguous (but in the mat-vec's
     * layout): npe_tiler_c_offset once per block, not per element (its
     * divisions cost 36 cycles each on this core) */
    const uint8_t *cell = c;
    uint32_t in_block = 0; /* col % nb */
    for (uint32_t col = 0; col < n; col++) {
      if (p.matvec || in_block == 0) cell = c + npe_tiler_c_offset(&p, r, col);
      else cell += eb_c;
      if (++in_block == p.nb) in_block = 0;
      uint32_t at = addr_c + (r * n + col) * eb_c;
      if (fp32)
        *(uint32_t *)(uintptr_t)at = (uint32_t)cell[0] | (uint32_t)cell[1] << 8 |
                                     (uint32_t)cell[2] << 16 | (uint32_t)cell[3] << 24;
      else
        *(uint16_t *)(uintptr_t)at = (uint16_t)(cell[0] | cell[1] << 8);
    }
  }
  o->st = NPE_SOC_ST_OK;
}

static void serve(void) {
  uint32_t t0 = npe_hal_cycles();
  uint32_t irqs0 = npe_hal_eng_irqs, reads0 = npe_hal_axil_reads;
  g_t0 = t0;
  uint32_t req[8];
  for (uint32_t i = 0; i < 8; i++) req[i] = npe_mbox_rd(NPE_MBOX_REQ(i));
  rsp o = {NPE_SOC_ST_OK, 0, 0, 0, 0};
  uint32_t op = req[0] & 0xffu;
  if (op == NPE_SOC_OP_PING) {
    o.busy = g_info.cap_array;
    o.descs = g_info.formats;
    o.detail0 = g_info.cap_spad;
  } else if (op == NPE_SOC_OP_MATMUL || op == NPE_SOC_OP_MATMUL_FAULT ||
             op == NPE_SOC_OP_MATMUL_TIMEOUT) {
    matmul(req, op, &o);
  } else {
    o.st = NPE_SOC_ST_BAD_OP;
  }
  npe_mbox_wr(NPE_MBOX_RSP(0), o.st);
  npe_mbox_wr(NPE_MBOX_RSP(1), req[7]);
  npe_mbox_wr(NPE_MBOX_RSP(2), o.busy);
  npe_mbox_wr(NPE_MBOX_RSP(3), npe_hal_cycles() - t0);
  npe_mbox_wr(NPE_MBOX_RSP(4), o.descs);
  npe_mbox_wr(NPE_MBOX_RSP(5), o.detail0);
  npe_mbox_wr(NPE_MBOX_RSP(6), o.detail1);
  npe_mbox_wr(NPE_MBOX_RSP(8), npe_hal_eng_irqs - irqs0);
  npe_mbox_wr(NPE_MBOX_RSP(9), npe_hal_axil_reads - reads0);
  npe_mbox_wr(NPE_MBOX_DONE, 1);
}

int main(void) {
  npe_hal_info_read(&g_info);
  engine_setup();
  __asm__ volatile(NPE_ZICSR("csrw mtvec, %0") ::"r"((uint32_t)(uintptr_t)&npe_fw_trap));
  __asm__ volatile(NPE_ZICSR("csrs mie, %0") ::"r"(1u << 11));  /* MEIE */
  npe_fw_puts("npe firmware: ready\n");
  npe_mbox_wr(NPE_MBOX_RSP(7), NPE_SOC_FW_READY);
  for (;;) {
    /* interrupts on while idle (and in the engine waits, npe_hal.c), off
     * while a request is served */
    __asm__ volatile(NPE_ZICSR("csrs mstatus, %0") ::"r"(1u << 3)); /* MIE */
    while (!g_req) __asm__ volatile("wfi");
    __asm__ volatile(NPE_ZICSR("csrc mstatus, %0") ::"r"(1u << 3));
    g_req = 0;
    serve();
  }
}
