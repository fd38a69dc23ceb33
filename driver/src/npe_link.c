/* SPDX-License-Identifier: Apache-2.0 */
/* npe_link.c - the host side of the board link, protocol v2 (npe_link.h,
 * docs/LINK.md): one frame in flight, a reply for each, retries with the
 * same SEQ (the bridge does a repeated write once), bursts that shrink
 * while frames fail and grow back while they do not. */
#include "npe_link.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npe_format.h"
#include "npe_regs.h"

#define LINK_DEFAULT_BAUD 3000000u
#define LINK_DEFAULT_TRIES 8u
#define LINK_DEFAULT_MARGIN_MS 20u
#define LINK_GROW_AFTER 4u     /* clean frames before the burst doubles again */
#define LINK_MAX_WORDS 4096u   /* largest burst this host builds */

typedef struct link_ctx {
  npe_link_io io;
  npe_link_opts o;
  uint8_t seq;
  uint32_t max_words;    /* min(bridge, option) */
  uint32_t burst;        /* words per memory frame now */
  unsigned clean;        /* frames since the last failed attempt */
  uint64_t mem_size;
  uint64_t idle_us;      /* the bridge's quiet time (IDLE_CYCLES) */
  uint64_t timeout_us;   /* of the last attempt, for messages */
  npe_link_stats st;
  uint8_t *frame;        /* request bytes */
  uint32_t *words;       /* reply words */
  char name[128];
  char err[256];
} link_ctx;

static void set_err(link_ctx *l, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(l->err, sizeof l->err, fmt, ap);
  va_end(ap);
}

/* ------------------------------------------------------------------------ */
/* Frames                                                                    */
/* ------------------------------------------------------------------------ */
uint16_t npe_link_crc16(uint16_t crc, const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) {
    crc ^= (uint16_t)(p[i] << 8);
    for (int b = 0; b < 8; b++)
      crc = (uint16_t)(crc & 0x8000u ? (unsigned)(crc << 1) ^ NPE_LINK_CRC_POLY : (unsigned)(crc << 1));
  }
  return crc;
}

static int op_writes(uint8_t op) {
  return op == NPE_LINK_OP_CSR_WRITE || op == NPE_LINK_OP_MEM_WRITE;
}

size_t npe_link_req_bytes(uint8_t op, uint16_t count) {
  return NPE_LINK_REQ_HDR_BYTES + (op_writes(op) ? 4u * count : 0u) + NPE_LINK_CRC_BYTES;
}

size_t npe_link_encode(uint8_t *out, size_t cap, uint8_t seq, uint8_t op, uint16_t count,
                       uint32_t addr, const uint32_t *data) {
  size_t len = npe_link_req_bytes(op, count);
  if (!out || len > cap || (op_writes(op) && count && !data)) return 0;
  uint8_t *p = out;
  *p++ = NPE_LINK_SOF_REQ;
  *p++ = seq;
  *p++ = op;
  *p++ = (uint8_t)count;
  *p++ = (uint8_t)(count >> 8);
  *p++ = (uint8_t)addr;
  *p++ = (uint8_t)(addr >> 8);
  *p++ = (uint8_t)(addr >> 16);
  if (op_writes(op))
    for (uint16_t i = 0; i < count; i++)
      for (int b = 0; b < 4; b++) *p++ = (uint8_t)(data[i] >> (8 * b));
  uint16_t crc = npe_link_crc16(NPE_LINK_CRC_INIT, out + 1, (size_t)(p - out - 1));
  *p++ = (uint8_t)(crc >> 8);
  *p++ = (uint8_t)crc;
  return len;
}

void npe_link_parser_init(npe_link_parser *p, uint32_t *data, size_t data_cap) {
  memset(p, 0, sizeof *p);
  p->data = data;
  p->data_cap = data ? data_cap : 0;
}

int npe_link_parser_feed(npe_link_parser *p, uint8_t b) {
  switch (p->st) {
    case 0: /* hunting SOF */
      if (b == NPE_LINK_SOF_REP) {
        p->st = 1;
        p->n = 0;
        p->crc = NPE_LINK_CRC_INIT;
      }
      return 0;
    case 1: /* SEQ STATUS COUNT */
      p->crc = npe_link_crc16(p->crc, &b, 1);
      p->hdr[p->n++] = b;
      if (p->n == 4) {
        size_t count = (size_t)p->hdr[2] | (size_t)p->hdr[3] << 8;
        if (count > p->data_cap) {
          p->st = 0;
          return -1;
        }
        p->n = 0;
        p->st = count ? 2 : 3;
      }
      return 0;
    case 2: { /* DATA */
      p->crc = npe_link_crc16(p->crc, &b, 1);
      size_t w = p->n / 4, sh = 8 * (p->n % 4);
      p->data[w] = (sh ? p->data[w] : 0u) | (uint32_t)b << sh;
      p->n++;
      if (p->n == 4 * ((size_t)p->hdr[2] | (size_t)p->hdr[3] << 8)) {
        p->n = 0;
        p->st = 3;
      }
      return 0;
    }
    default: /* CRC */
      p->crc = npe_link_crc16(p->crc, &b, 1);
      if (++p->n < 2) return 0;
      p->st = 0;
      if (p->crc) return -1;
      p->seq = p->hdr[0];
      p->status = p->hdr[1];
      p->count = (uint16_t)(p->hdr[2] | p->hdr[3] << 8);
      return 1;
  }
}

/* ------------------------------------------------------------------------ */
/* One frame, with retries                                                   */
/* ------------------------------------------------------------------------ */
static const char *op_name(uint8_t op) {
  static const char *const names[] = {"HELLO", "CSR write", "CSR read", "memory write",
                                      "memory read"};
  return op < 5 ? names[op] : "?";
}

/* Sends one request and collects its reply. Reads put *@p count words in
 * @p rdata; HELLO puts its words there. Every retry keeps the SEQ, so a
 * bridge that did the frame already answers with the repeat bit and does
 * not do it again. A memory frame may come back shorter (*@p count words
 * done): a read's retry goes with half the words; so does a write's after
 * FRAME_ERR (the bridge did nothing) or after every second attempt with an
 * unknown outcome (no reply, a bad one). Attempts only shrink, so a repeat
 * means at least this attempt's words were written; if an earlier, longer
 * attempt was the one done, its extra words are written again by the next
 * frame (the same data; st.mem_rewrite_words counts the most it can be). NPE_ERR_DEVICE for
 * REFUSED / UNKNOWN_OP, NPE_ERR_IO after o.tries attempts without a good
 * reply or on an I/O failure; l->err says which. */
static int xfer_n(link_ctx *l, uint8_t op, uint32_t addr, uint16_t *count, const uint32_t *wdata,
                  uint32_t *rdata) {
  const uint8_t seq = l->seq++;
  const int is_mem = op == NPE_LINK_OP_MEM_WRITE || op == NPE_LINK_OP_MEM_READ;
  uint16_t n = *count;
  size_t len = 0;
  unsigned timeouts = 0, ferrs = 0, bad = 0;
  int shrink = 0;         /* the next attempt is cut */
  unsigned unknown = 0;   /* attempts with an unknown outcome */
  uint16_t n_unknown = 0; /* the longest of them */
  for (unsigned attempt = 0; attempt < l->o.tries; attempt++) {
    if (attempt) l->clean = 0;
    if (shrink && is_mem && n > 1) {
      n = (uint16_t)((n + 1) / 2);
      len = 0;
    }
    if (!len) len = npe_link_encode(l->frame, npe_link_req_bytes(op, n), seq, op, n, addr, wdata);
    const uint16_t want = op == NPE_LINK_OP_HELLO ? NPE_LINK_HELLO_WORDS
                          : op == NPE_LINK_OP_CSR_READ || op == NPE_LINK_OP_MEM_READ ? n
                                                                                     : 0;
    shrink = op == NPE_LINK_OP_MEM_READ; /* reads: always */
    l->io.flush_in(l->io.ctx);
    l->st.tries++;
    l->st.tx_bytes += len;
    int rc = l->io.write(l->io.ctx, l->frame, len);
    if (rc) {
      set_err(l, "%s: write failed (device gone?)", l->o.name);
      return NPE_ERR_IO;
    }
    npe_link_parser ps;
    npe_link_parser_init(&ps, l->words, LINK_MAX_WORDS);
    /* the frame and its reply on the wire (10 bits a byte), the bridge's
     * quiet time (a broken frame's FRAME_ERR comes after it), the margin */
    const uint64_t wire = len + NPE_LINK_REP_HDR_BYTES + 4u * want + NPE_LINK_CRC_BYTES;
    l->timeout_us = wire * 10u * 1000000u / l->o.baud + l->idle_us + 1000ull * l->o.timeout_ms;
    const uint64_t deadline = l->io.now_us(l->io.ctx) + l->timeout_us;
    int done = 0; /* 1 good reply, -1 retry */
    while (!done) {
      uint64_t now = l->io.now_us(l->io.ctx);
      if (now >= deadline) {
        timeouts++;
        l->st.timeouts++;
        if (n > n_unknown) n_unknown = n;
        shrink = ++unknown % 2 == 0 || op == NPE_LINK_OP_MEM_READ;
        break;
      }
      uint8_t buf[512];
      size_t got = 0;
      rc = l->io.read(l->io.ctx, buf, sizeof buf, deadline - now, &got);
      if (rc) {
        set_err(l, "%s: read failed (device gone?)", l->o.name);
        return NPE_ERR_IO;
      }
      l->st.rx_bytes += got;
      for (size_t i = 0; i < got && !done; i++) {
        int r = npe_link_parser_feed(&ps, buf[i]);
        if (r < 0) { /* a damaged reply (to this attempt?); wait for the timeout */
          bad++;
          continue;
        }
        if (r == 0) continue;
        const uint8_t stc = ps.status & (uint8_t)~NPE_LINK_REPEAT_BIT;
        if (stc == NPE_LINK_ST_FRAME_ERR) { /* the bridge saw a broken frame, did nothing */
          ferrs++;
          l->st.frame_errs++;
          shrink = 1;
          done = -1;
        } else if (ps.seq != seq) {
          continue; /* a late reply to an earlier frame */
        } else if (stc == NPE_LINK_ST_OK && ps.count != want) {
          bad++;
          if (n > n_unknown) n_unknown = n;
          shrink = ++unknown % 2 == 0 || op == NPE_LINK_OP_MEM_READ;
          done = -1;
        } else {
          done = 1;
        }
      }
    }
    if (done <= 0) continue;
    if (ps.status & NPE_LINK_REPEAT_BIT) {
      l->st.repeats++;
      if (op == NPE_LINK_OP_MEM_WRITE && n_unknown > n) l->st.mem_rewrite_words += n_unknown - n;
    }
    const uint8_t stc = ps.status & (uint8_t)~NPE_LINK_REPEAT_BIT;
    if (stc == NPE_LINK_ST_REFUSED) {
      set_err(l, "%s: the bridge refused %s at 0x%06x (%u words)", l->o.name, op_name(op), addr,
              n);
      return NPE_ERR_DEVICE;
    }
    if (stc != NPE_LINK_ST_OK) {
      set_err(l, "%s: the bridge does not know %s (status 0x%02x)", l->o.name, op_name(op),
              ps.status);
      return NPE_ERR_DEVICE;
    }
    if (want && rdata) memcpy(rdata, l->words, 4u * want);
    l->st.frames++;
    if (op == NPE_LINK_OP_CSR_WRITE) l->st.csr_writes++;
    if (op == NPE_LINK_OP_MEM_WRITE) l->st.mem_write_words += n;
    *count = n;
    if (attempt) { /* the frames that follow: no longer than what worked */
      if (is_mem && n < l->burst) l->burst = n;
    } else if (++l->clean >= LINK_GROW_AFTER && l->burst < l->max_words) {
      l->burst = l->burst * 2 < l->max_words ? l->burst * 2 : l->max_words;
      l->clean = 0;
    }
    l->st.burst_words = l->burst;
    return NPE_OK;
  }
  /* the next frames go in smaller bursts */
  l->burst = l->burst > 1 ? l->burst / 2 : 1;
  l->st.burst_words = l->burst;
  set_err(l,
          "%s: no good reply to %s at 0x%06x (%u words) after %u tries (%u timeouts of %llu ms, "
          "%u FRAME_ERR, %u bad replies); is a protocol v%d bitstream running at %u baud?",
          l->o.name, op_name(op), addr, n, l->o.tries, timeouts,
          (unsigned long long)(l->timeout_us / 1000), ferrs, bad, NPE_LINK_VERSION, l->o.baud);
  return NPE_ERR_IO;
}

/* A frame of exactly @p count words (HELLO, CSRs). */
static int xfer(link_ctx *l, uint8_t op, uint32_t addr, uint16_t count, const uint32_t *wdata,
                uint32_t *rdata) {
  return xfer_n(l, op, addr, &count, wdata, rdata);
}

/* ------------------------------------------------------------------------ */
/* Options                                                                   */
/* ------------------------------------------------------------------------ */
int npe_link_cfg_set(npe_link_cfg *c, const char *key, const char *val) {
  char *end;
  if (!c || !key || !val) return NPE_ERR_INVALID_ARG;
  static const char *const keys[] = {"mem", "clk", "timeout", "tries", "burst"};
  size_t k = 0;
  while (k < sizeof keys / sizeof keys[0] && strcmp(key, keys[k])) k++;
  if (k == sizeof keys / sizeof keys[0]) return 1;
  if (!*val || *val == '-' || *val == '+' || isspace((unsigned char)*val))
    return NPE_ERR_INVALID_ARG;
  errno = 0;
  unsigned long long v = strtoull(val, &end, 0);
  if (*end || errno) return NPE_ERR_INVALID_ARG;
  if (!strcmp(key, "mem")) {
    if (v < 4096 || v > (1ull << 24) || (v & 63)) return NPE_ERR_INVALID_ARG;
    c->mem_size = v;
  } else if (!strcmp(key, "clk")) {
    if (v < 1 || v > 1000) return NPE_ERR_INVALID_ARG;
    c->clk_mhz = (unsigned)v;
  } else if (!strcmp(key, "timeout")) {
    if (v < 1 || v > 600000) return NPE_ERR_INVALID_ARG;
    c->timeout_ms = (unsigned)v;
  } else if (!strcmp(key, "tries")) {
    if (v < 1 || v > 1000) return NPE_ERR_INVALID_ARG;
    c->tries = (unsigned)v;
  } else if (!strcmp(key, "burst")) {
    if (v < 1 || v > LINK_MAX_WORDS) return NPE_ERR_INVALID_ARG;
    c->burst = (unsigned)v;
  }
  return NPE_OK;
}

npe_link_opts npe_link_cfg_opts(const npe_link_cfg *c, const char *name) {
  npe_link_opts o = {name, c->baud, c->clk_mhz, c->timeout_ms, c->tries, c->burst, c->mem_size};
  return o;
}

/* ------------------------------------------------------------------------ */
/* The transport                                                             */
/* ------------------------------------------------------------------------ */
static int link_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  if (off > 0xfffu || (off & 3u)) return NPE_ERR_INVALID_ARG;
  uint32_t v;
  int rc = xfer(ctx, NPE_LINK_OP_CSR_READ, off, 1, NULL, &v);
  if (!rc) *val = v;
  return rc;
}

static int link_csr_write(void *ctx, uint32_t off, uint32_t val) {
  if (off > 0xfffu || (off & 3u)) return NPE_ERR_INVALID_ARG;
  return xfer(ctx, NPE_LINK_OP_CSR_WRITE, off, 1, &val, NULL);
}

static int check_range(const link_ctx *l, uint64_t addr, size_t len) {
  return addr > l->mem_size || len > l->mem_size - addr ? NPE_ERR_INVALID_ARG : NPE_OK;
}

static uint32_t get32(const uint8_t *p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Aligned words in bursts; a partly covered word at either end is read,
 * merged and written back. */
static int link_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  link_ctx *l = ctx;
  const uint8_t *s = src;
  int rc = check_range(l, addr, len);
  while (!rc && len) {
    uint32_t at = (uint32_t)(addr & ~3ull), lo = (uint32_t)(addr & 3u);
    if (lo || len < 4) {
      uint32_t w;
      size_t n = 4u - lo < len ? 4u - lo : len;
      rc = xfer(l, NPE_LINK_OP_MEM_READ, at, 1, NULL, &w);
      for (size_t i = 0; i < n; i++) {
        w &= ~(0xffu << (8 * (lo + i)));
        w |= (uint32_t)s[i] << (8 * (lo + i));
      }
      if (!rc) rc = xfer(l, NPE_LINK_OP_MEM_WRITE, at, 1, &w, NULL);
      addr += n, s += n, len -= n;
      continue;
    }
    uint16_t words = (uint16_t)(len / 4 < l->burst ? len / 4 : l->burst);
    uint32_t w[LINK_MAX_WORDS];
    for (size_t i = 0; i < words; i++) w[i] = get32(s + 4 * i);
    rc = xfer_n(l, NPE_LINK_OP_MEM_WRITE, at, &words, w, NULL);
    if (!rc) l->st.payload_bytes += 4u * words;
    addr += 4 * words, s += 4 * words, len -= 4 * words;
  }
  return rc;
}

static int link_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  link_ctx *l = ctx;
  uint8_t *d = dst;
  int rc = check_range(l, addr, len);
  uint32_t w[LINK_MAX_WORDS];
  while (!rc && len) {
    uint32_t at = (uint32_t)(addr & ~3ull), lo = (uint32_t)(addr & 3u);
    size_t span = (lo + len + 3) / 4; /* words touched */
    uint16_t words = (uint16_t)(span < l->burst ? span : l->burst);
    rc = xfer_n(l, NPE_LINK_OP_MEM_READ, at, &words, NULL, w);
    if (rc) break;
    size_t n = 4u * words - lo < len ? 4u * words - lo : len;
    for (size_t i = 0; i < n; i++) d[i] = (uint8_t)(w[(lo + i) / 4] >> (8 * ((lo + i) % 4)));
    l->st.payload_bytes += n;
    addr += n, d += n, len -= n;
  }
  return rc;
}

/* A CSR read over the link takes a round trip already; wait at most a
 * millisecond of the budget (microseconds) before the next poll. */
static int link_wait(void *ctx, uint64_t budget) {
  link_ctx *l = ctx;
  l->io.sleep_us(l->io.ctx, budget < 1000 ? budget : 1000);
  return NPE_OK;
}

/* An estimate: time since the epoch of the I/O at the board clock. */
static uint64_t link_cycles(void *ctx) {
  link_ctx *l = ctx;
  return l->io.now_us(l->io.ctx) * l->o.clk_mhz;
}

static const char *link_error(void *ctx) { return ((link_ctx *)ctx)->err; }

static void link_free(link_ctx *l) {
  free(l->frame);
  free(l->words);
  free(l);
}

static void link_close(void *ctx) {
  link_ctx *l = ctx;
  l->io.close(l->io.ctx);
  link_free(l);
}

int npe_link_get_stats(const npe_transport *t, npe_link_stats *s) {
  if (!t || !s || t->close != link_close) return NPE_ERR_INVALID_ARG;
  *s = ((const link_ctx *)t->ctx)->st;
  return NPE_OK;
}

uint64_t npe_link_mem_size(const npe_transport *t) {
  return t && t->close == link_close ? ((const link_ctx *)t->ctx)->mem_size : 0;
}

int npe_link_open(const npe_link_io *io, const npe_link_opts *o, npe_transport *t, char *msg,
                  size_t cap) {
  if (msg && cap) msg[0] = 0;
  if (!io || !o || !t || !io->write || !io->read || !io->flush_in || !io->now_us ||
      !io->sleep_us || !io->close)
    return NPE_ERR_INVALID_ARG;
  link_ctx *l = calloc(1, sizeof *l);
  if (l) {
    l->frame = malloc(npe_link_req_bytes(NPE_LINK_OP_MEM_WRITE, LINK_MAX_WORDS));
    l->words = malloc(4u * LINK_MAX_WORDS);
  }
  if (!l || !l->frame || !l->words) {
    if (l) link_free(l);
    return NPE_ERR_NO_MEM;
  }
  l->io = *io;
  l->o = *o;
  snprintf(l->name, sizeof l->name, "%s", l->o.name ? l->o.name : "link");
  l->o.name = l->name;
  if (!l->o.baud) l->o.baud = LINK_DEFAULT_BAUD;
  if (!l->o.clk_mhz) l->o.clk_mhz = 12;
  if (!l->o.tries) l->o.tries = LINK_DEFAULT_TRIES;
  if (!l->o.timeout_ms) l->o.timeout_ms = LINK_DEFAULT_MARGIN_MS;
  l->idle_us = 1000; /* until HELLO says */
  uint32_t hello[NPE_LINK_HELLO_WORDS];
  int rc = xfer(l, NPE_LINK_OP_HELLO, 0, 0, NULL, hello);
  if (!rc && hello[NPE_LINK_HELLO_MAGIC] != (NPE_LINK_MAGIC | NPE_LINK_VERSION)) {
    set_err(l, "%s: the bridge speaks link protocol 0x%08x, not v%d", l->o.name,
            hello[NPE_LINK_HELLO_MAGIC], NPE_LINK_VERSION);
    rc = NPE_ERR_IO;
  }
  if (!rc && (hello[NPE_LINK_HELLO_MAX_WORDS] == 0 || hello[NPE_LINK_HELLO_MEM_BYTES] < 4096)) {
    set_err(l, "%s: the bridge reports %u-word bursts and %u bytes of memory", l->o.name,
            hello[NPE_LINK_HELLO_MAX_WORDS], hello[NPE_LINK_HELLO_MEM_BYTES]);
    rc = NPE_ERR_IO;
  }
  if (!rc) {
    l->max_words = hello[NPE_LINK_HELLO_MAX_WORDS] < LINK_MAX_WORDS
                       ? hello[NPE_LINK_HELLO_MAX_WORDS]
                       : LINK_MAX_WORDS;
    if (l->o.max_words && l->o.max_words < l->max_words) l->max_words = l->o.max_words;
    l->burst = l->max_words;
    l->st.burst_words = l->burst;
    l->mem_size = hello[NPE_LINK_HELLO_MEM_BYTES];
    if (l->o.mem_size && l->o.mem_size < l->mem_size) l->mem_size = l->o.mem_size;
    l->idle_us = hello[NPE_LINK_HELLO_IDLE_CYCLES] / l->o.clk_mhz + 1;
  }
  /* the engine's DMA window: the bridge's memory */
  if (!rc) rc = xfer(l, NPE_LINK_OP_CSR_WRITE, NPE_DMA_WIN_BASE_LO_REG_OFFSET, 1, &(uint32_t){0}, NULL);
  if (!rc) rc = xfer(l, NPE_LINK_OP_CSR_WRITE, NPE_DMA_WIN_BASE_HI_REG_OFFSET, 1, &(uint32_t){0}, NULL);
  if (!rc)
    rc = xfer(l, NPE_LINK_OP_CSR_WRITE, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, 1,
              &(uint32_t){(uint32_t)l->mem_size}, NULL);
  if (!rc)
    rc = xfer(l, NPE_LINK_OP_CSR_WRITE, NPE_DMA_WIN_LIMIT_HI_REG_OFFSET, 1,
              &(uint32_t){(uint32_t)(l->mem_size >> 32)}, NULL);
  if (rc) {
    if (msg && cap) snprintf(msg, cap, "%s", l->err);
    link_free(l);
    return rc;
  }
  t->ctx = l;
  t->csr_read = link_csr_read;
  t->csr_write = link_csr_write;
  t->mem_write = link_mem_write;
  t->mem_read = link_mem_read;
  t->wait = link_wait;
  t->cycles = link_cycles;
  t->close = link_close;
  t->error = link_error;
  return NPE_OK;
}
