/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_uart.c - the uart: transport (serial port, 8-byte frames). */
#define _DEFAULT_SOURCE
#include "npe_transport_uart.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "npe_format.h"
#include "npe_regs.h"

/* Frame opcodes and status bytes of npe_uart_bridge. */
enum { OP_CSR_WRITE = 1, OP_CSR_READ = 2, OP_MEM_WRITE = 3, OP_MEM_READ = 4 };
enum { ST_OK = 0 };

typedef struct uart_ctx {
  int fd;
  unsigned timeout_ms, clk_mhz;
  uint64_t mem_size;
  struct timespec t0;
} uart_ctx;

static const struct {
  unsigned baud;
  speed_t code;
} bauds[] = {{9600, B9600},     {19200, B19200},     {38400, B38400},     {57600, B57600},
             {115200, B115200}, {230400, B230400},   {460800, B460800},   {921600, B921600},
             {1000000, B1000000}, {2000000, B2000000}, {3000000, B3000000}};

int npe_uart_parse(const char *rest, npe_uart_config *c, char *buf, size_t cap) {
  if (!rest || !c || !buf || strlen(rest) >= cap) return NPE_ERR_INVALID_ARG;
  memset(c, 0, sizeof *c);
  c->baud = 115200;
  c->mem_size = 128u << 10;
  c->clk_mhz = 12;
  c->timeout_ms = 1000;
  strcpy(buf, rest);
  char *q = strchr(buf, '?');
  if (q) *q++ = 0;
  if (!buf[0]) return NPE_ERR_INVALID_ARG;
  c->path = buf;
  char *save = NULL;
  for (char *kv = q ? strtok_r(q, "&", &save) : NULL; kv; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '='), *end;
    if (!eq || eq == kv || !eq[1] || eq[1] == '-') return NPE_ERR_INVALID_ARG;
    *eq = 0;
    unsigned long long v = strtoull(eq + 1, &end, 0);
    if (*end) return NPE_ERR_INVALID_ARG;
    if (!strcmp(kv, "baud")) {
      size_t i = 0;
      while (i < sizeof bauds / sizeof bauds[0] && bauds[i].baud != v) i++;
      if (i == sizeof bauds / sizeof bauds[0]) return NPE_ERR_INVALID_ARG;
      c->baud = (unsigned)v;
    } else if (!strcmp(kv, "mem") && v >= 4096 && v <= (1ull << 24) && !(v & 63)) {
      c->mem_size = v;
    } else if (!strcmp(kv, "clk") && v >= 1 && v <= 1000) {
      c->clk_mhz = (unsigned)v;
    } else if (!strcmp(kv, "timeout") && v >= 1 && v <= 600000) {
      c->timeout_ms = (unsigned)v;
    } else {
      return NPE_ERR_INVALID_ARG;
    }
  }
  return NPE_OK;
}

/* Writes all of @p n bytes. */
static int put(uart_ctx *u, const uint8_t *p, size_t n) {
  while (n) {
    ssize_t w = write(u->fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return NPE_ERR_IO;
    p += w;
    n -= (size_t)w;
  }
  return NPE_OK;
}

/* Reads exactly @p n bytes, each within the reply timeout. */
static int get(uart_ctx *u, uint8_t *p, size_t n) {
  while (n) {
    struct pollfd pf = {u->fd, POLLIN, 0};
    int r = poll(&pf, 1, (int)u->timeout_ms);
    if (r < 0 && errno == EINTR) continue;
    if (r == 0) return NPE_ERR_DEVICE; /* the board does not answer */
    if (r < 0) return NPE_ERR_IO;
    ssize_t got = read(u->fd, p, n);
    if (got < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (got <= 0) return NPE_ERR_IO;
    p += got;
    n -= (size_t)got;
  }
  return NPE_OK;
}

/* One frame; @p rdata gets the data of a read. A refused frame (status not
 * 0) is NPE_ERR_DEVICE. */
static int frame(uart_ctx *u, uint8_t op, uint32_t addr, uint32_t data, uint32_t *rdata) {
  uint8_t f[8] = {op, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16),
                  (uint8_t)data, (uint8_t)(data >> 8), (uint8_t)(data >> 16),
                  (uint8_t)(data >> 24)};
  uint8_t r[5];
  const int is_read = op == OP_CSR_READ || op == OP_MEM_READ;
  int rc = put(u, f, sizeof f);
  if (!rc) rc = get(u, r, is_read ? 5u : 1u);
  if (rc) return rc;
  if (is_read && rdata)
    *rdata = (uint32_t)r[1] | (uint32_t)r[2] << 8 | (uint32_t)r[3] << 16 | (uint32_t)r[4] << 24;
  return r[0] == ST_OK ? NPE_OK : NPE_ERR_DEVICE;
}

static int uart_csr_read(void *ctx, uint32_t off, uint32_t *val) {
  if (off > 0xfffu || (off & 3u)) return NPE_ERR_INVALID_ARG;
  return frame(ctx, OP_CSR_READ, off, 0, val);
}

static int uart_csr_write(void *ctx, uint32_t off, uint32_t val) {
  if (off > 0xfffu || (off & 3u)) return NPE_ERR_INVALID_ARG;
  return frame(ctx, OP_CSR_WRITE, off, val, NULL);
}

static int check_range(const uart_ctx *u, uint64_t addr, size_t len) {
  return addr > u->mem_size || len > u->mem_size - addr ? NPE_ERR_INVALID_ARG : NPE_OK;
}

/* Memory goes in aligned 32-bit words; a partly covered word is read first. */
static int uart_mem_write(void *ctx, uint64_t addr, const void *src, size_t len) {
  uart_ctx *u = ctx;
  const uint8_t *s = src;
  int rc = check_range(u, addr, len);
  while (!rc && len) {
    uint32_t w = 0, at = (uint32_t)(addr & ~3ull), lo = (uint32_t)(addr & 3u);
    size_t n = 4u - lo < len ? 4u - lo : len;
    if (lo || n < 4) rc = frame(u, OP_MEM_READ, at, 0, &w);
    for (size_t i = 0; i < n; i++) {
      w &= ~(0xffu << (8 * (lo + i)));
      w |= (uint32_t)s[i] << (8 * (lo + i));
    }
    if (!rc) rc = frame(u, OP_MEM_WRITE, at, w, NULL);
    addr += n, s += n, len -= n;
  }
  return rc;
}

static int uart_mem_read(void *ctx, uint64_t addr, void *dst, size_t len) {
  uart_ctx *u = ctx;
  uint8_t *d = dst;
  int rc = check_range(u, addr, len);
  while (!rc && len) {
    uint32_t w = 0, at = (uint32_t)(addr & ~3ull), lo = (uint32_t)(addr & 3u);
    size_t n = 4u - lo < len ? 4u - lo : len;
    rc = frame(u, OP_MEM_READ, at, 0, &w);
    for (size_t i = 0; i < n; i++) d[i] = (uint8_t)(w >> (8 * (lo + i)));
    addr += n, d += n, len -= n;
  }
  return rc;
}

/* Polling over the UART is slow already (a CSR read is 13 bytes); wait at
 * most a millisecond of the budget (microseconds) before the next poll. */
static int uart_wait(void *ctx, uint64_t budget) {
  (void)ctx;
  struct timespec ts = {0, (long)(budget < 1000 ? budget : 1000) * 1000L};
  nanosleep(&ts, NULL);
  return NPE_OK;
}

/* An estimate: wall time since open at the board clock (for timeouts). */
static uint64_t uart_cycles(void *ctx) {
  uart_ctx *u = ctx;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  double us = (double)(ts.tv_sec - u->t0.tv_sec) * 1e6 + (double)(ts.tv_nsec - u->t0.tv_nsec) / 1e3;
  return (uint64_t)(us * u->clk_mhz);
}

static void uart_close(void *ctx) {
  uart_ctx *u = ctx;
  close(u->fd);
  free(u);
}

int npe_transport_uart_open(const npe_uart_config *c, npe_transport *t) {
  if (!c || !c->path || !t) return NPE_ERR_INVALID_ARG;
  speed_t speed = B115200;
  for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++)
    if (bauds[i].baud == c->baud) speed = bauds[i].code;
  int fd = open(c->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) return NPE_ERR_IO;
  struct termios tio;
  if (tcgetattr(fd, &tio)) {
    close(fd);
    return NPE_ERR_IO;
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (cfsetispeed(&tio, speed) || cfsetospeed(&tio, speed) || tcsetattr(fd, TCSANOW, &tio)) {
    close(fd);
    return NPE_ERR_IO;
  }
  tcflush(fd, TCIOFLUSH);
  uart_ctx *u = calloc(1, sizeof *u);
  if (!u) {
    close(fd);
    return NPE_ERR_NO_MEM;
  }
  u->fd = fd;
  u->timeout_ms = c->timeout_ms;
  u->clk_mhz = c->clk_mhz;
  u->mem_size = c->mem_size;
  clock_gettime(CLOCK_MONOTONIC, &u->t0);
  /* A frame cut short earlier (say, by a killed host) is dropped by the
   * bridge after about four byte times of silence. */
  struct timespec settle = {0, 50 * 1000000L};
  nanosleep(&settle, NULL);
  tcflush(fd, TCIFLUSH);
  int rc = frame(u, OP_CSR_WRITE, NPE_DMA_WIN_BASE_LO_REG_OFFSET, 0, NULL);
  if (!rc) rc = frame(u, OP_CSR_WRITE, NPE_DMA_WIN_BASE_HI_REG_OFFSET, 0, NULL);
  if (!rc) rc = frame(u, OP_CSR_WRITE, NPE_DMA_WIN_LIMIT_LO_REG_OFFSET, (uint32_t)c->mem_size, NULL);
  if (!rc) rc = frame(u, OP_CSR_WRITE, NPE_DMA_WIN_LIMIT_HI_REG_OFFSET, 0, NULL);
  if (rc) {
    uart_close(u);
    return rc;
  }
  t->ctx = u;
  t->csr_read = uart_csr_read;
  t->csr_write = uart_csr_write;
  t->mem_write = uart_mem_write;
  t->mem_read = uart_mem_read;
  t->wait = uart_wait;
  t->cycles = uart_cycles;
  t->close = uart_close;
  return NPE_OK;
}
