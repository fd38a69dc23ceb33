/* SPDX-License-Identifier: Apache-2.0 */
/* npe_dev.c - libnpe: opening a device, its info, device-memory buffers. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "npe_internal.h"
#include "npe_regs.h"
#include "npe_transport_sim.h"
#include "npe_transport_ftdi.h"
#include "npe_transport_uio.h"
#include "npe_transport_uart.h"
#include "npe_uri.h"

#define NPE_ID_VALUE 0x4e504531u /* "NPE1" */

unsigned npe_version(void) { return NPE_API_VERSION; }

int npe__dev_check(const npe_dev *d) {
  return d && d->magic == NPE_DEV_MAGIC ? NPE_OK : NPE_ERR_INVALID_ARG;
}

double npe__now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int npe__fill_info(npe_dev *d, uint32_t cap_fmt, uint32_t cap_arr, uint32_t cap_spad,
                   uint32_t cap_recur) {
  npe_info *i = &d->info;
  i->formats = (cap_fmt >> NPE_CAP_FORMATS_FORMATS_OFFSET) & NPE_CAP_FORMATS_FORMATS_MASK;
  i->has_nlu = (cap_fmt >> NPE_CAP_FORMATS_NLU_BIT) & 1u;
  i->has_recur = (cap_fmt >> NPE_CAP_FORMATS_RECUR_BIT) & 1u;
  i->has_ksplit = (cap_fmt >> NPE_CAP_FORMATS_KSPLIT_BIT) & 1u;
  i->has_sherry = (cap_fmt >> NPE_CAP_FORMATS_SHERRY_BIT) & 1u;
  i->has_b_offset = (cap_fmt >> NPE_CAP_FORMATS_B_OFFSET_BIT) & 1u;
  /* CAP_RECUR reads zero when the unit is not built */
  i->recur_state_words = i->has_recur ? (cap_recur >> NPE_CAP_RECUR_STATE_WORDS_OFFSET) &
                                            NPE_CAP_RECUR_STATE_WORDS_MASK
                                      : 0u;
  i->recur_modes =
      i->has_recur ? (cap_recur >> NPE_CAP_RECUR_MODES_OFFSET) & NPE_CAP_RECUR_MODES_MASK : 0u;
  i->rows = (cap_arr >> NPE_CAP_ARRAY_ROWS_OFFSET) & NPE_CAP_ARRAY_ROWS_MASK;
  i->cols = (cap_arr >> NPE_CAP_ARRAY_COLS_OFFSET) & NPE_CAP_ARRAY_COLS_MASK;
  i->lanes = (cap_arr >> NPE_CAP_ARRAY_LANES_OFFSET) & NPE_CAP_ARRAY_LANES_MASK;
  i->spad_a_kib = (cap_spad >> NPE_CAP_SPAD_A_KIB_OFFSET) & NPE_CAP_SPAD_A_KIB_MASK;
  i->spad_b_kib = (cap_spad >> NPE_CAP_SPAD_B_KIB_OFFSET) & NPE_CAP_SPAD_B_KIB_MASK;
  i->spad_c_kib = (cap_spad >> NPE_CAP_SPAD_C_KIB_OFFSET) & NPE_CAP_SPAD_C_KIB_MASK;
  if (!i->rows || !i->cols) return NPE_ERR_DEVICE;
  d->hw.rows = i->rows;
  d->hw.ksplit = i->has_ksplit;
  d->hw.sherry = i->has_sherry;
  d->hw.b_offset = i->has_b_offset;
  d->hw.cols = i->cols;
  d->hw.a_bank_words = i->spad_a_kib * 1024u / 8u / i->rows;
  d->hw.b_bank_words = i->spad_b_kib * 1024u / 8u / i->cols;
  /* output buffer: CAP_ARRAY says how many column groups (CAP_SPAD's KiB
   * are rounded up, too coarse for a small build) */
  uint32_t glog2 = (cap_arr >> NPE_CAP_ARRAY_GROUPS_LOG2_OFFSET) & NPE_CAP_ARRAY_GROUPS_LOG2_MASK;
  d->hw.out_groups = glog2 ? 1u << glog2 : i->spad_c_kib * 1024u / 4u / (i->rows * i->cols);
  /* (0 from an engine older than register map 0.2: one group per ramp) */
  i->nlu_groups = (cap_arr >> NPE_CAP_ARRAY_NLU_GROUPS_OFFSET) & NPE_CAP_ARRAY_NLU_GROUPS_MASK;
  if (i->has_nlu && !i->nlu_groups) i->nlu_groups = 1;
  return NPE_OK;
}

static int read_info(npe_dev *d) {
  uint32_t cap_fmt, cap_arr, cap_spad, cap_recur;
  npe_transport *t = &d->t;
  int rc = t->csr_read(t->ctx, NPE_ID_REG_OFFSET, &d->info.id);
  if (!rc) rc = t->csr_read(t->ctx, NPE_VERSION_REG_OFFSET, &d->info.hw_version);
  if (!rc) rc = t->csr_read(t->ctx, NPE_CAP_FORMATS_REG_OFFSET, &cap_fmt);
  if (!rc) rc = t->csr_read(t->ctx, NPE_CAP_ARRAY_REG_OFFSET, &cap_arr);
  if (!rc) rc = t->csr_read(t->ctx, NPE_CAP_SPAD_REG_OFFSET, &cap_spad);
  if (!rc) rc = t->csr_read(t->ctx, NPE_CAP_RECUR_REG_OFFSET, &cap_recur);
  if (rc) return rc;
  if (d->info.id != NPE_ID_VALUE) return NPE_ERR_DEVICE;
  return npe__fill_info(d, cap_fmt, cap_arr, cap_spad, cap_recur);
}

/* The counting layer between the driver and its transport (npe_dev.t):
 * every CSR access moves a 32-bit word over the host link, every memory
 * access its bytes (frame headers and CRCs of a serial link not counted);
 * and the frames the board link (docs/LINK.md) would take: one per CSR
 * access, one per NPE_LINK_FRAME_BYTES of a memory access. */
#define NPE_LINK_FRAME_BYTES 1024u /* the bridge's MAX_WORDS, 256 words */
static uint64_t mem_frames(size_t len) {
  return len ? (len + NPE_LINK_FRAME_BYTES - 1u) / NPE_LINK_FRAME_BYTES : 1u;
}
static int cnt_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  npe_dev *d = ctx;
  d->link_bytes += 4, d->link_frames++;
  return d->raw.csr_read(d->raw.ctx, off, val);
}
static int cnt_csr_write(void *ctx, uint32_t off, uint32_t val) {
  npe_dev *d = ctx;
  d->link_bytes += 4, d->link_frames++;
  return d->raw.csr_write(d->raw.ctx, off, val);
}
static int cnt_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  npe_dev *d = ctx;
  d->link_bytes += len, d->link_frames += mem_frames(len);
  return d->raw.mem_write(d->raw.ctx, addr, src, len);
}
static int cnt_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  npe_dev *d = ctx;
  d->link_bytes += len, d->link_frames += mem_frames(len);
  return d->raw.mem_read(d->raw.ctx, addr, dst, len);
}
static int cnt_wait(void *ctx, uint64_t budget) {
  npe_dev *d = ctx;
  return d->raw.wait(d->raw.ctx, budget);
}
static uint64_t cnt_cycles(void *ctx) {
  npe_dev *d = ctx;
  return d->raw.cycles(d->raw.ctx);
}
static void cnt_close(void *ctx) {
  npe_dev *d = ctx;
  d->raw.close(d->raw.ctx);
}
static const char *cnt_error(void *ctx) {
  npe_dev *d = ctx;
  return d->raw.error(d->raw.ctx);
}

static void counting_transport(npe_dev *d) {
  d->raw = d->t;
  d->t = (npe_transport){d,           cnt_csr_read, cnt_csr_write, cnt_mem_write,
                         cnt_mem_read, cnt_wait,    cnt_cycles,    cnt_close,
                         d->raw.error ? cnt_error : NULL, d->raw.offload};
}

/* Ring entries on a small memory (a uart: board, sim:?build=small): 64, 4 KiB
 * of its 128 KiB; the small engine, or the UART, is slower than a ring refill. */
#define NPE_SMALL_RING_LOG2 6u

int npe__open_with(const char *uri, const npe_open_hooks *hooks, npe_dev **out, char *msg,
                   size_t cap) {
  if (msg && cap) msg[0] = 0;
  if (!uri || !out) return NPE_ERR_INVALID_ARG;
  npe_uri u;
  char opts[512];
  int rc = npe__uri_parse(uri, &u, opts, sizeof opts);
  if (rc) {
    if (msg && cap)
      snprintf(msg, cap, "%s: %s", uri,
               "bad device URI (npe --help)");
    return rc;
  }
  npe_dev *d = calloc(1, sizeof *d);
  if (!d) return NPE_ERR_NO_MEM;
  uint64_t base = 0, size = 0;
  if (u.kind == NPE_URI_SIM) {
    const int small = u.sim.build == NPESIM_BUILD_SMALL;
    rc = npe_transport_sim_open(&u.sim, &d->t);
    if (rc && msg && cap)
      snprintf(msg, cap, "%s",
               u.sim.build == NPESIM_BUILD_SOC
                   ? "sim: the SoC's firmware cannot be loaded or does not come up "
                     "(make firmware; firmware=PATH)"
                   : "sim: cannot start the simulator (trace file?)");
    strcpy(d->info.transport, small                                ? "sim-small"
                              : u.sim.build == NPESIM_BUILD_ZYNQ ? "sim-zynq"
                              : u.sim.build == NPESIM_BUILD_SOC  ? "sim-soc"
                                                                 : "sim");
    base = small ? NPE_SIM_SMALL_MEM_BASE : NPE_SIM_MEM_BASE;
    size = small ? NPE_SIM_SMALL_MEM_SIZE : NPE_SIM_MEM_SIZE;
    d->ring.log2_n = small ? NPE_SMALL_RING_LOG2 : NPE_RING_LOG2;
  } else if (u.kind == NPE_URI_UIO) {
    rc = npe_transport_uio_open(&u.uio, hooks ? hooks->uio : NULL, &d->t, &base, &size, msg, cap);
    strcpy(d->info.transport, u.uio.soc ? "uio-soc" : "uio");
    d->ring.log2_n = NPE_RING_LOG2;
  } else {
    if (u.kind == NPE_URI_UART) {
      rc = npe_transport_uart_open(&u.uart, &d->t, msg, cap);
      strcpy(d->info.transport, "uart");
    } else {
      rc = npe_transport_ftdi_open(&u.ftdi, hooks ? hooks->ftdi : NULL, &d->t, msg, cap);
      strcpy(d->info.transport, "ftdi");
    }
    if (!rc) size = npe_link_mem_size(&d->t);
    d->ring.log2_n = NPE_SMALL_RING_LOG2;
  }
  if (rc) {
    free(d);
    return rc;
  }
  counting_transport(d);
  if (d->t.offload) { /* the firmware runs the engine: no ring, no heap */
    rc = npe__offload_open(d);
    if (rc) {
      if (msg && cap) snprintf(msg, cap, "%s", d->msg);
      d->t.close(d->t.ctx);
      free(d);
      return rc;
    }
    d->magic = NPE_DEV_MAGIC;
    *out = d;
    return NPE_OK;
  }
  rc = read_info(d);
  d->info.mem_size = size;
  d->ring.base = base;
  if (!rc) rc = npe_ring_setup(&d->t, &d->ring);
  if (rc) {
    if (msg && cap) {
      const char *e = d->t.error ? d->t.error(d->t.ctx) : "";
      snprintf(msg, cap, "%s", *e ? e : "the engine does not identify itself");
    }
    d->t.close(d->t.ctx);
    free(d);
    return rc;
  }
  d->heap_lo = base + (64ull << d->ring.log2_n);
  d->heap_hi = base + size;
  d->magic = NPE_DEV_MAGIC;
  *out = d;
  return NPE_OK;
}

int npe_open(const char *uri, npe_dev **out) { return npe__open_with(uri, NULL, out, NULL, 0); }

int npe_open_msg(const char *uri, npe_dev **out, char *msg, size_t cap) {
  return npe__open_with(uri, NULL, out, msg, cap);
}

const char *npe_last_error(const npe_dev *d) {
  if (npe__dev_check(d)) return "";
  if (d->msg[0]) return d->msg; /* an offloaded job's failure */
  if (!d->t.error) return "";
  return d->t.error(d->t.ctx);
}

/* Frees everything the device owns, then the handle itself: a later call
 * with it is undefined (npe.h). The magic is cleared first, so a stale
 * handle whose memory has not been reused yet is refused rather than used. */
void npe_close(npe_dev *d) {
  if (npe__dev_check(d)) return;
  if (d->job && d->job->rnn) npe__rnn_free(d, d->job);
  if (d->job && d->job->off) npe__offload_free(d, d->job);
  free(d->job);
  for (npe_buf *b = d->bufs, *n; b; b = n) {
    n = b->next;
    free(b);
  }
  d->t.close(d->t.ctx);
  d->magic = 0;
  free(d);
}

int npe_get_info(npe_dev *d, npe_info *info) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!info) return NPE_ERR_INVALID_ARG;
  *info = d->info;
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Buffers: first fit over the live buffers, kept sorted by address          */
/* ------------------------------------------------------------------------ */

int npe_buf_alloc(npe_dev *d, size_t bytes, npe_buf **out) {
  int rc0 = npe__dev_check(d);
  if (rc0) return rc0;
  if (!out || bytes == 0) return NPE_ERR_INVALID_ARG;
  /* an offload device's memory is its firmware's (the host window is the
   * matmul's own) */
  if (d->t.offload) return NPE_ERR_UNSUPPORTED;
  if (bytes > d->heap_hi - d->heap_lo) return NPE_ERR_NO_MEM;
  size_t span = (bytes + 63u) & ~(size_t)63u;
  uint64_t at = d->heap_lo;
  for (;;) { /* smallest live buffer overlapping [at, at + span) pushes at past it */
    uint64_t bump = 0;
    for (npe_buf *b = d->bufs; b; b = b->next)
      if (b->magic == NPE_BUF_MAGIC && b->addr < at + span && at < b->addr + b->span &&
          b->addr + b->span > bump)
        bump = b->addr + b->span;
    if (!bump) break;
    at = bump;
    if (at + span > d->heap_hi || at + span < at) return NPE_ERR_NO_MEM;
  }
  if (at + span > d->heap_hi) return NPE_ERR_NO_MEM;
  npe_buf *b = calloc(1, sizeof *b);
  if (!b) return NPE_ERR_NO_MEM;
  b->magic = NPE_BUF_MAGIC;
  b->dev = d;
  b->addr = at;
  b->size = bytes;
  b->span = span;
  /* zero it, so no data of an earlier owner leaks */
  static const uint8_t zeros[4096];
  for (size_t off = 0; off < span; off += sizeof zeros) {
    size_t n = span - off < sizeof zeros ? span - off : sizeof zeros;
    int rc = d->t.mem_write(d->t.ctx, at + off, zeros, n);
    if (rc) {
      free(b);
      return rc;
    }
  }
  b->next = d->bufs;
  d->bufs = b;
  *out = b;
  return NPE_OK;
}

static int buf_check(npe_dev *d, const npe_buf *b) {
  int rc = npe__dev_check(d);
  if (rc) return rc;
  if (!b) return NPE_ERR_INVALID_ARG;
  for (const npe_buf *x = d->bufs; x; x = x->next)
    if (x == b) return b->magic == NPE_BUF_MAGIC ? NPE_OK : NPE_ERR_STATE;
  return NPE_ERR_INVALID_ARG; /* not one of this device's */
}

int npe_buf_free(npe_dev *d, npe_buf *b) {
  int rc = buf_check(d, b);
  if (rc) return rc;
  if (d->job && (b == d->job->a || b == d->job->b || b == d->job->c)) return NPE_ERR_BUSY;
  b->magic = 0;
  return NPE_OK;
}

void npe__buf_release(npe_dev *d, npe_buf *b) {
  for (npe_buf **pp = &d->bufs; *pp; pp = &(*pp)->next) {
    if (*pp == b) {
      *pp = b->next;
      free(b);
      return;
    }
  }
}

size_t npe_buf_size(const npe_buf *b) {
  return b && b->magic == NPE_BUF_MAGIC ? b->size : 0;
}

static int buf_range(npe_dev *d, const npe_buf *b, size_t off, size_t len, const void *p) {
  int rc = buf_check(d, b);
  if (rc) return rc;
  if ((len && !p) || off > b->size || len > b->size - off) return NPE_ERR_INVALID_ARG;
  return NPE_OK;
}

int npe_buf_write(npe_dev *d, npe_buf *b, size_t off, const void *src, size_t len) {
  int rc = buf_range(d, b, off, len, src);
  return rc ? rc : d->t.mem_write(d->t.ctx, b->addr + off, src, len);
}

int npe_buf_read(npe_dev *d, npe_buf *b, size_t off, void *dst, size_t len) {
  int rc = buf_range(d, b, off, len, dst);
  return rc ? rc : d->t.mem_read(d->t.ctx, b->addr + off, dst, len);
}

void npe_set_progress(npe_dev *d, npe_progress_fn fn, void *ctx) {
  if (npe__dev_check(d)) return;
  d->progress = fn;
  d->progress_ctx = ctx;
}
