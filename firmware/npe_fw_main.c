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
#include "npe_recur_plan.h"
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
  uint32_t st, busy, descs, detail0, detail1, plan;
} rsp;

static void matmul(const uint32_t req[8], uint32_t op, rsp *o) {
  uint32_t fa = (req[0] >> 8) & 15u, fb = (req[0] >> 12) & 15u, fout = (req[0] >> 16) & 15u;
  int fp32 = (req[0] >> 24) & 1u;
  uint32_t m = req[1], n = req[2], k = req[3];
  uint32_t addr_a = req[4], addr_b = req[5], addr_c = req[6];
  if (req[0] & ~(0xffffffu | 1u << 24 | NPE_SOC_MM_NO_SHERRY)) {
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
  /* plan as npe_matmul.c does (npe_tiler_plan_matmul): K tiles when K
   * exceeds the scratchpads (the engine chains them with FLAGS.KEEP /
   * ACCUM; without CAP_FORMATS.KSPLIT the tiler refuses: TOO_BIG), a
   * mat-vec for M = 1, ternary B as Sherry codes where the engine has the
   * unpacker and the host allows it; the first of these plans that fits
   * the arena after the ring (npe_tiler_plan_room: Sherry before 2-bit
   * codes, the mat-vec before the plain plan), placed there (A, B, C).
   * B is packed first: weights that are not 3:4 sparse as the plan groups
   * them fail the Sherry packing (one pass over B, no separate check), and
   * the plan is made again with 2-bit codes. */
  npe_pats hb = host_pats((npe_fmt)fb, addr_b), none = hb;
  none.u8 = 0;
  int sherry = fb == NPE_FMT_TERNARY && g_info.hw.sherry && !(req[0] & NPE_SOC_MM_NO_SHERRY);
  const uint32_t dev_a = NPE_SOC_ARENA_BASE + RING_BYTES;
  npe_mm_plan p;
  int rc;
  uint32_t stage;
  for (;;) {
    stage = 0x10000u;
    rc = npe_tiler_plan_room(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb, (npe_fmt)fout, fp32, m, n, k,
                             sherry, none, k, NPE_SOC_ARENA_END - dev_a, &p);
    if (!rc) rc = npe_tiler_place(&p, dev_a);
    if (!rc) stage = 0x40000u, rc = npe_tiler_pack_b(&p, hb, k, (uint8_t *)(uintptr_t)(uint32_t)p.addr_b);
    if (rc == NPE_ERR_RANGE && p.sherry) {
      sherry = 0; /* not 3:4 sparse (or a bad pattern, which the 2-bit packing finds) */
      continue;
    }
    break;
  }
  if (!rc) stage = 0x30000u, rc = npe_tiler_pack_a(&p, host_pats((npe_fmt)fa, addr_a), k, (uint8_t *)(uintptr_t)dev_a);
  if (rc) {
    o->detail0 = stage | (uint32_t)(rc & 0xffff);
    o->st = rc == NPE_ERR_RANGE ? NPE_SOC_ST_BAD_PATTERN
            : rc == NPE_ERR_UNSUPPORTED && stage == 0x10000u ? NPE_SOC_ST_TOO_BIG
                                                              : NPE_SOC_ST_BAD_DIMS;
    return;
  }
  const uint32_t dev_c = (uint32_t)p.addr_c;
#ifdef NPE_FW_PLANT_BUG
  /* planted bug (make soc-plant-test): the last n-block of every m-tile
   * is never planned, so its columns of C are not computed */
  if (p.n_blocks > 1) p.n_blocks--;
#endif
  o->plan = p.k_tiles | (p.sherry ? NPE_SOC_PLAN_SHERRY : 0u) | (p.matvec ? NPE_SOC_PLAN_MATVEC : 0u);
  /* time-out: far above any run of this size (about 1 cycle per MAC word
   * per PE, the bytes the DMA moves (A once per n-block, B once per m-tile
   * with K tiles), and the core's ~1,600 cycles a descriptor), so only a
   * hung engine meets it */
  uint64_t ba = npe_tiler_bytes_a(&p), bb = npe_tiler_bytes_b(&p), bc = npe_tiler_bytes_c(&p);
  uint64_t work = (uint64_t)m * n * (k + 64u) +
                  64u * (ba * p.n_blocks + bb * p.m_tiles + bc) +
                  4096u * npe_tiler_count(&p) + 2000000u;
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

/* A few prepared descriptors as a source (npe_hal_stream) */
typedef struct desc_list {
  uint8_t d[2][64];
  uint32_t n, next;
} desc_list;

static int list_source(void *ctx, uint8_t *slot) {
  desc_list *l = ctx;
  if (l->next >= l->n) return 0;
  for (int i = 0; i < 64; i++) slot[i] = l->d[l->next][i];
  l->next++;
  return 1;
}

/* Streams the list, sums the busy cycles and descriptors into o; on an
 * engine error or a time-out answers for it (and resets the engine): 0. */
/* (-Os: the image must fit 64 KiB with its stack) */
__attribute__((noinline, optimize("Os"))) static int run_list(desc_list *l, uint32_t budget, rsp *o) {
  npe_hal_result res;
  l->next = 0;
  npe_hal_stream(&g_ring, list_source, l, l->n, budget, 0u, 0u, &res);
  o->descs += res.descs;
  o->busy += npe_hal_rd(NPE_PERF_BUSY_CYCLES_LO_REG_OFFSET);
  uint32_t err = (res.status >> NPE_STATUS_ERR_OFFSET) & NPE_STATUS_ERR_MASK;
  if (res.timed_out || err) {
    o->st = res.timed_out ? NPE_SOC_ST_TIMEOUT : NPE_SOC_ST_ENGINE;
    o->detail0 = res.status;
    o->detail1 = res.err_addr;
    npe_hal_reset(&g_ring, NPE_SOC_ARENA_BASE, NPE_SOC_ARENA_END);
    return 0;
  }
  return 1;
}

static void copy_words(int32_t *d, const int32_t *s, uint32_t n) {
  for (uint32_t i = 0; i < n; i++) d[i] = s[i];
}

/* A GRU or LSTM sequence (NPE_SOC_OP_RECUR, cell 1 or 2): W_hh packed by
 * the tiler into the resident mat-vec image (as npe_rnn.c does), LOADed
 * into B buffer 0 by the first descriptor; the host's records copied into
 * the arena chunk by chunk, one RECUR per chunk (LOAD / ZERO, then KEEP);
 * an LSTM whose every h_t is asked runs its last step as a piece of its
 * own with OUT_LAST, so c_T comes out too. */
/* (-Os: the image must fit 64 KiB with its stack) */
__attribute__((noinline, optimize("Os"))) static void recur_gated(const uint32_t req[8], uint32_t cell, rsp *o) {
  int lstm = cell == NPE_SOC_CELL_LSTM;
  uint32_t G = lstm ? 4u : 3u, sn = lstm ? 2u : 1u;
  uint32_t fb = (req[0] >> 12) & 15u, hshift = (req[0] >> 20) & 15u, acc = (req[0] >> 24) & 63u;
  int h0 = (req[0] & NPE_SOC_RECUR_H0) != 0, all = (req[0] & NPE_SOC_RECUR_OUT_ALL) != 0;
  uint32_t T = req[1], H = req[2];
  uint32_t addr_x = req[3], addr_w = req[4], addr_h0 = req[5], addr_o = req[6];
  if (req[0] & 0xc00c0000u) {
    o->st = NPE_SOC_ST_BAD_OP;
    return;
  }
  uint32_t fa = fb == NPE_FMT_TERNARY ? (uint32_t)NPE_FMT_INT8 : fb;
  if (!(g_info.recur_modes >> cell & 1u) || fb >= NPE_FMT_COUNT || !(g_info.formats >> fb & 1u) ||
      !(g_info.formats >> fa & 1u) || !npe_tiler_max_k(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb)) {
    o->st = NPE_SOC_ST_BAD_FORMAT;
    return;
  }
  if (!T || !H || T > 0xffffu || H > 0xffffu) {
    o->st = NPE_SOC_ST_BAD_DIMS;
    return;
  }
  uint32_t eb = (uint32_t)npe_fmt_elem_bytes((npe_fmt)fb);
  uint64_t outw = (all ? (uint64_t)T * H : H) + (lstm ? H : 0u);
  if (!host_range_ok(addr_x, (uint64_t)T * H * 16u, 4) ||
      !host_range_ok(addr_w, (uint64_t)G * H * H * eb, eb) ||
      (h0 && !host_range_ok(addr_h0, (uint64_t)sn * H * 4u, 4)) ||
      !host_range_ok(addr_o, outw * 4u, 4)) {
    o->st = NPE_SOC_ST_BAD_ADDR;
    return;
  }
  npe_mm_plan p;
  if (H > g_info.recur_words || G * H > 0xffffu ||
      npe_tiler_resident_matvec(&g_info.hw, (npe_fmt)fa, (npe_fmt)fb, G * H, H, &p)) {
    o->st = NPE_SOC_ST_TOO_BIG;
    return;
  }
  const uint32_t dev_w = NPE_SOC_ARENA_BASE + RING_BYTES;
  uint64_t wb = npe_tiler_bytes_b(&p);
  uint32_t st_bytes = align8(sn * H * 4u);
  uint64_t dev_h0 = align8((uint32_t)(dev_w + wb)), dev_rec = dev_h0 + st_bytes;
  uint32_t per_step = H * 16u + (all ? H * 4u : 0u);
  uint64_t room = dev_rec + st_bytes + 8u < NPE_SOC_ARENA_END
                      ? NPE_SOC_ARENA_END - dev_rec - st_bytes - 8u : 0u;
  uint32_t tc_max = (uint32_t)(room / per_step);
  if (tc_max > 0xffffu) tc_max = 0xffffu;
  if (!tc_max) {
    o->st = NPE_SOC_ST_TOO_BIG;
    return;
  }
  int rc = npe_tiler_pack_b(&p, host_pats((npe_fmt)fb, addr_w), H, (uint8_t *)(uintptr_t)dev_w);
  if (rc) {
    o->st = rc == NPE_ERR_RANGE ? NPE_SOC_ST_BAD_PATTERN : NPE_SOC_ST_BAD_DIMS;
    o->detail0 = 0x50000u | (uint32_t)(rc & 0xffff);
    return;
  }
  desc_list l;
  npe_desc_fields f = {0};
  f.op = NPE_OP_LOAD;
  f.spad = 1u; /* scratchpad B, buffer 0 */
  f.m = (uint16_t)npe_tiler_resident_rows(&p);
  f.k = (uint16_t)p.row_bytes_b;
  f.addr_a = dev_w;
  f.stride_a = p.row_bytes_b;
  npe_desc_encode(&f, l.d[0]);
  uint32_t aux = cell << NPE_RECUR_AUX_MODE_LSB | hshift << NPE_RECUR_AUX_H_SHIFT_LSB |
                 acc << NPE_RECUR_AUX_ACC_SHIFT_LSB;
  const int32_t *x = (const int32_t *)(uintptr_t)addr_x;
  int32_t *out = (int32_t *)(uintptr_t)addr_o;
  for (uint32_t t0 = 0; t0 < T;) {
    uint32_t left = T - t0, tc = left < tc_max ? left : tc_max;
    int ol = !all;
    if (lstm && all) {
      if (left == 1) ol = 1;          /* the last step: h_T and c_T */
      else if (tc == left) tc--;      /* leaves the last step to a piece of its own */
    }
    uint32_t init = t0 ? NPE_RECUR_INIT_KEEP : h0 ? NPE_RECUR_INIT_LOAD : NPE_RECUR_INIT_ZERO;
    if (init == NPE_RECUR_INIT_LOAD)
      copy_words((int32_t *)(uintptr_t)dev_h0, (const int32_t *)(uintptr_t)addr_h0, sn * H);
    copy_words((int32_t *)(uintptr_t)dev_rec, x + (size_t)t0 * H * 4u, tc * H * 4u);
    uint32_t dev_out = (uint32_t)(dev_rec + (uint64_t)tc * H * 16u);
    uint8_t *d = l.d[t0 ? 0 : 1];
    npe_recur_desc(d, H, tc, dev_rec, dev_h0, dev_out, aux, init, ol);
    npe_desc_set_fmt_a(d, (uint8_t)fa);
    npe_desc_set_fmt_b(d, (uint8_t)fb);
    npe_desc_set_spad(d, 0);
#ifdef NPE_FW_PLANT_RECUR_BUG
    /* planted bug (make soc-plant-recur-test): a later piece starts from
     * zero, not from the state the previous one left */
    if (init == NPE_RECUR_INIT_KEEP)
      npe_recur_desc(d, H, tc, dev_rec, dev_h0, dev_out, aux, NPE_RECUR_INIT_ZERO, ol);
#endif
    l.n = t0 ? 1u : 2u; /* the weights' LOAD first */
    if (!run_list(&l, tc * H * (G * H + 64u) + 200000u, o)) return;
    const int32_t *ho = (const int32_t *)(uintptr_t)dev_out;
    if (!ol) copy_words(out + (size_t)t0 * H, ho, tc * H);
    else if (t0 + tc == T) {
      copy_words(out + (all ? (size_t)(T - 1u) * H : 0u), ho, H);
      if (lstm) copy_words(out + (all ? (size_t)T * H : H), ho + H, H);
    }
    t0 += tc;
  }
  o->st = NPE_SOC_ST_OK;
}

/* A recurrence sequence (NPE_SOC_OP_RECUR, DIAG): the state cut into
 * slices of at most CAP_RECUR.STATE_WORDS elements (npe_recur_slice, the
 * driver's cut), each slice's T steps into chunks that fit the arena; one
 * RECUR descriptor per chunk: the first of a slice with INIT = LOAD (h_0
 * given) or ZERO, the later ones with KEEP (the state the previous RECUR
 * left on chip); without OUT_ALL every chunk writes only its h_T. For each
 * chunk the records are packed from the host's a and b into the arena
 * (npe_recur_diag_record), the descriptor run, the outputs copied back. */
/* (-Os: the image must fit 64 KiB with its stack) */
__attribute__((noinline, optimize("Os"))) static void recur(const uint32_t req[8], rsp *o) {
  uint32_t cell = (req[0] >> 8) & 15u;
  if (cell == NPE_SOC_CELL_GRU || cell == NPE_SOC_CELL_LSTM) {
    recur_gated(req, cell, o);
    return;
  }
  int h0 = (req[0] & NPE_SOC_RECUR_H0) != 0, all = (req[0] & NPE_SOC_RECUR_OUT_ALL) != 0;
  uint32_t T = req[1], H = req[2];
  uint32_t addr_a = req[3], addr_b = req[4], addr_h0 = req[5], addr_o = req[6];
  if (req[0] & ~(0xfffu | NPE_SOC_RECUR_H0 | NPE_SOC_RECUR_OUT_ALL)) {
    o->st = NPE_SOC_ST_BAD_OP;
    return;
  }
  /* the unit must be built with the mode */
  if (cell != NPE_SOC_CELL_DIAG || !(g_info.recur_modes >> NPE_RECUR_MODE_DIAG & 1u) ||
      !g_info.recur_words) {
    o->st = NPE_SOC_ST_BAD_FORMAT;
    return;
  }
  if (!T || !H || T > 0xffffu || H > 0xffffu) {
    o->st = NPE_SOC_ST_BAD_DIMS;
    return;
  }
  uint64_t seq = (uint64_t)T * H * 4u;
  if (!host_range_ok(addr_a, seq, 4) || !host_range_ok(addr_b, seq, 4) ||
      (h0 && !host_range_ok(addr_h0, (uint64_t)H * 4u, 4)) ||
      !host_range_ok(addr_o, all ? seq : (uint64_t)H * 4u, 4)) {
    o->st = NPE_SOC_ST_BAD_ADDR;
    return;
  }
  const int32_t *a = (const int32_t *)(uintptr_t)addr_a, *b = (const int32_t *)(uintptr_t)addr_b;
  const int32_t *hz = (const int32_t *)(uintptr_t)addr_h0;
  int32_t *out = (int32_t *)(uintptr_t)addr_o;
  const uint32_t base = NPE_SOC_ARENA_BASE + RING_BYTES, avail = NPE_SOC_ARENA_END - base;
  uint32_t slices = npe_recur_slices(H, g_info.recur_words);
  for (uint32_t sl = 0; sl < slices; sl++) {
    uint32_t i0, hs;
    npe_recur_slice(H, slices, sl, &i0, &hs);
    for (uint32_t t0 = 0; t0 < T;) {
      uint32_t init = t0 ? NPE_RECUR_INIT_KEEP : h0 ? NPE_RECUR_INIT_LOAD : NPE_RECUR_INIT_ZERO;
      /* the arena: h_0 (LOAD), the records, the outputs; 8-byte aligned */
      uint32_t st_bytes = align8(hs * 4u);
      uint32_t fixed = (init == NPE_RECUR_INIT_LOAD ? st_bytes : 0u) + (all ? 8u : st_bytes);
      uint32_t per_step = hs * 8u + (all ? hs * 4u : 0u);
      uint32_t tc = (avail - fixed) / per_step; /* >= 1: hs <= STATE_WORDS fits (checked below) */
      if (tc > T - t0) tc = T - t0;
      if (tc > 0xffffu) tc = 0xffffu;
      if (!tc) {
        o->st = NPE_SOC_ST_TOO_BIG;
        return;
      }
      uint32_t dev_h0 = base;
      uint32_t dev_rec = base + (init == NPE_RECUR_INIT_LOAD ? st_bytes : 0u);
      uint32_t dev_out = dev_rec + tc * hs * 8u;
      if (init == NPE_RECUR_INIT_LOAD)
        for (uint32_t i = 0; i < hs; i++) ((int32_t *)(uintptr_t)dev_h0)[i] = hz[i0 + i];
      uint8_t *rec = (uint8_t *)(uintptr_t)dev_rec;
      for (uint32_t t = 0; t < tc; t++) {
        const int32_t *ar = a + (size_t)(t0 + t) * H + i0, *br = b + (size_t)(t0 + t) * H + i0;
        for (uint32_t i = 0; i < hs; i++, rec += 8) npe_recur_diag_record(rec, ar[i], br[i]);
      }
      desc_list l;
      l.n = 1;
      npe_recur_desc(l.d[0], hs, tc, dev_rec, dev_h0, dev_out,
                     NPE_RECUR_MODE_DIAG << NPE_RECUR_AUX_MODE_LSB, init, !all);
#ifdef NPE_FW_PLANT_RECUR_BUG
      /* planted bug (make soc-plant-recur-test): a later chunk starts from
       * zero, not from the state the previous one left */
      if (init == NPE_RECUR_INIT_KEEP)
        npe_desc_set_aux(l.d[0], NPE_RECUR_INIT_ZERO << NPE_RECUR_AUX_INIT_LSB |
                                     (all ? 0u : 1u << NPE_RECUR_AUX_OUT_LAST_BIT));
#endif
      /* time-out: about one element a cycle, far above it */
      if (!run_list(&l, tc * hs * 16u + 200000u, o)) return;
      const int32_t *ho = (const int32_t *)(uintptr_t)dev_out;
      if (all) {
        for (uint32_t t = 0; t < tc; t++)
          for (uint32_t i = 0; i < hs; i++) out[(size_t)(t0 + t) * H + i0 + i] = ho[t * hs + i];
      } else if (t0 + tc == T) {
        for (uint32_t i = 0; i < hs; i++) out[i0 + i] = ho[i];
      }
      t0 += tc;
    }
  }
  o->detail0 = slices;
  o->st = NPE_SOC_ST_OK;
}

static void serve(void) {
  uint32_t t0 = npe_hal_cycles();
  uint32_t irqs0 = npe_hal_eng_irqs, reads0 = npe_hal_axil_reads;
  g_t0 = t0;
  uint32_t req[8];
  for (uint32_t i = 0; i < 8; i++) req[i] = npe_mbox_rd(NPE_MBOX_REQ(i));
  rsp o = {NPE_SOC_ST_OK, 0, 0, 0, 0, 0};
  uint32_t op = req[0] & 0xffu;
  if (op == NPE_SOC_OP_PING) {
    o.busy = g_info.cap_array;
    o.descs = g_info.cap_formats;
    o.detail0 = g_info.cap_spad;
    o.detail1 = g_info.cap_recur;
  } else if (op == NPE_SOC_OP_MATMUL || op == NPE_SOC_OP_MATMUL_FAULT ||
             op == NPE_SOC_OP_MATMUL_TIMEOUT) {
    matmul(req, op, &o);
  } else if (op == NPE_SOC_OP_RECUR) {
    recur(req, &o);
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
  npe_mbox_wr(NPE_MBOX_RSP(10), o.plan);
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
