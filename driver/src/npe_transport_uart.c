/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_uart.c - the uart: transport: a serial port (termios) under
 * the board link (npe_link.c, protocol v2). */
#define _DEFAULT_SOURCE
#include "npe_transport_uart.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "npe_format.h"
#include "npe_link.h"

/* The rates termios can set (the bridge's is 3000000 since link protocol
 * v2; 115200 was the first bitstream's). */
static const struct {
  unsigned baud;
  const char *text;
  speed_t code;
} bauds[] = {{9600, "9600", B9600},          {19200, "19200", B19200},
             {38400, "38400", B38400},       {57600, "57600", B57600},
             {115200, "115200", B115200},    {230400, "230400", B230400},
             {460800, "460800", B460800},    {921600, "921600", B921600},
             {1000000, "1000000", B1000000}, {2000000, "2000000", B2000000},
             {3000000, "3000000", B3000000}};

int npe_uart_parse(const char *rest, npe_uart_config *c, char *buf, size_t cap) {
  if (!rest || !c || !buf || strlen(rest) >= cap) return NPE_ERR_INVALID_ARG;
  memset(c, 0, sizeof *c);
  c->link.baud = 3000000;
  strcpy(buf, rest);
  char *q = strchr(buf, '?');
  if (q) *q++ = 0;
  if (!buf[0]) return NPE_ERR_INVALID_ARG;
  c->path = buf;
  char *save = NULL;
  for (char *kv = q ? strtok_r(q, "&", &save) : NULL; kv; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq || eq == kv) return NPE_ERR_INVALID_ARG;
    *eq = 0;
    int rc = npe_link_cfg_set(&c->link, kv, eq + 1);
    if (rc <= 0) {
      if (rc) return rc;
      continue;
    }
    if (strcmp(kv, "baud")) return NPE_ERR_INVALID_ARG;
    size_t i = 0;
    while (i < sizeof bauds / sizeof bauds[0] && strcmp(bauds[i].text, eq + 1)) i++;
    if (i == sizeof bauds / sizeof bauds[0]) return NPE_ERR_INVALID_ARG;
    c->link.baud = bauds[i].baud;
  }
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Byte I/O on a serial port (npe_link_io)                                   */
/* ------------------------------------------------------------------------ */
typedef struct uart_io {
  int fd;
} uart_io;

static int uart_write(void *ctx, const uint8_t *p, size_t n) {
  uart_io *u = ctx;
  while (n) {
    ssize_t w = write(u->fd, p, n);
    if (w < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (w <= 0) return NPE_ERR_IO;
    p += w;
    n -= (size_t)w;
  }
  return NPE_OK;
}

static uint64_t uart_now_us(void *ctx) {
  (void)ctx;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static int uart_read(void *ctx, uint8_t *p, size_t cap, uint64_t timeout_us, size_t *got) {
  uart_io *u = ctx;
  *got = 0;
  const uint64_t end = uart_now_us(ctx) + timeout_us;
  for (;;) {
    uint64_t now = uart_now_us(ctx);
    int ms = now >= end ? 0 : (int)((end - now + 999) / 1000);
    struct pollfd pf = {u->fd, POLLIN, 0};
    int r = poll(&pf, 1, ms);
    if (r < 0 && errno == EINTR) continue;
    if (r < 0) return NPE_ERR_IO;
    if (r == 0) return NPE_OK; /* nothing in time */
    if (pf.revents & (POLLERR | POLLNVAL)) return NPE_ERR_IO;
    ssize_t n = read(u->fd, p, cap);
    if (n < 0 && (errno == EINTR || errno == EAGAIN)) continue;
    if (n <= 0) return NPE_ERR_IO; /* hung up: the adapter was unplugged */
    *got = (size_t)n;
    return NPE_OK;
  }
}

static void uart_flush_in(void *ctx) { tcflush(((uart_io *)ctx)->fd, TCIFLUSH); }

static void uart_sleep_us(void *ctx, uint64_t us) {
  (void)ctx;
  struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
  nanosleep(&ts, NULL);
}

static void uart_io_close(void *ctx) {
  uart_io *u = ctx;
  close(u->fd);
  free(u);
}

int npe_transport_uart_open(const npe_uart_config *c, npe_transport *t, char *msg, size_t cap) {
  if (msg && cap) msg[0] = 0;
  if (!c || !c->path || !t) return NPE_ERR_INVALID_ARG;
  speed_t speed = B115200;
  for (size_t i = 0; i < sizeof bauds / sizeof bauds[0]; i++)
    if (bauds[i].baud == c->link.baud) speed = bauds[i].code;
  int fd = open(c->path, O_RDWR | O_NOCTTY | O_CLOEXEC);
  if (fd < 0) {
    if (msg) snprintf(msg, cap, "uart %s: %s%s", c->path, strerror(errno),
                      errno == EACCES ? " (add yourself to group dialout)" : "");
    return NPE_ERR_IO;
  }
  struct termios tio;
  if (tcgetattr(fd, &tio)) {
    if (msg) snprintf(msg, cap, "uart %s: not a serial port", c->path);
    close(fd);
    return NPE_ERR_IO;
  }
  cfmakeraw(&tio);
  tio.c_cflag |= CLOCAL | CREAD;
  tio.c_cflag &= ~(tcflag_t)(CSTOPB | CRTSCTS);
  tio.c_cc[VMIN] = 0;
  tio.c_cc[VTIME] = 0;
  if (cfsetispeed(&tio, speed) || cfsetospeed(&tio, speed) || tcsetattr(fd, TCSANOW, &tio)) {
    if (msg) snprintf(msg, cap, "uart %s: cannot set %u baud 8N1", c->path, c->link.baud);
    close(fd);
    return NPE_ERR_IO;
  }
  tcflush(fd, TCIOFLUSH);
  uart_io *u = calloc(1, sizeof *u);
  if (!u) {
    close(fd);
    return NPE_ERR_NO_MEM;
  }
  u->fd = fd;
  char name[300];
  snprintf(name, sizeof name, "uart %s", c->path);
  npe_link_io io = {u, uart_write, uart_read, uart_flush_in, uart_now_us, uart_sleep_us,
                    uart_io_close};
  npe_link_opts o = npe_link_cfg_opts(&c->link, name);
  int rc = npe_link_open(&io, &o, t, msg, cap);
  if (rc) uart_io_close(u);
  return rc;
}
