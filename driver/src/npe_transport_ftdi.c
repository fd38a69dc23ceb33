/* SPDX-License-Identifier: Apache-2.0 */
/* npe_transport_ftdi.c - the ftdi:// transport: an FTDI channel through
 * libftdi1 under the board link (npe_link.c). The libftdi calls are in the
 * table at the bottom (npe_ftdi_real_ops); everything above it is tested
 * against a fake (tests/driver/test_link.c). */
#define _DEFAULT_SOURCE
#include "npe_transport_ftdi.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <ftdi.h>
#include <libusb.h>

#include "npe_format.h"

/* ------------------------------------------------------------------------ */
/* The URI                                                                   */
/* ------------------------------------------------------------------------ */
/* 1..4 hex digits up to @p stop; the value into *@p v. */
static int parse_hex16(const char **s, char stop, unsigned *v) {
  const char *p = *s;
  unsigned x = 0;
  int n = 0;
  while (*p && *p != stop) {
    if (!isxdigit((unsigned char)*p) || ++n > 4) return NPE_ERR_INVALID_ARG;
    x = x * 16u + (unsigned)(isdigit((unsigned char)*p) ? *p - '0' : (tolower((unsigned char)*p) - 'a' + 10));
    p++;
  }
  if (!n) return NPE_ERR_INVALID_ARG;
  *v = x;
  *s = p;
  return NPE_OK;
}

int npe_ftdi_parse(const char *rest, npe_ftdi_config *c, char *buf, size_t cap) {
  if (!rest || !c || !buf || strlen(rest) >= cap) return NPE_ERR_INVALID_ARG;
  memset(c, 0, sizeof *c);
  c->vid = NPE_FTDI_DEFAULT_VID;
  c->pid = NPE_FTDI_DEFAULT_PID;
  c->interface = NPE_FTDI_DEFAULT_INTERFACE;
  c->link.baud = 3000000;
  strcpy(buf, rest);
  char *q = strchr(buf, '?');
  if (q) *q++ = 0;
  /* [VID:PID][/SERIAL] */
  const char *p = buf;
  if (*p && *p != '/') {
    if (parse_hex16(&p, ':', &c->vid) || *p++ != ':' || parse_hex16(&p, '/', &c->pid))
      return NPE_ERR_INVALID_ARG;
  }
  if (*p == '/') {
    char *serial = (char *)p + 1;
    if (!*serial) return NPE_ERR_INVALID_ARG;
    for (const char *s = serial; *s; s++)
      if (!isalnum((unsigned char)*s) && *s != '-' && *s != '_') return NPE_ERR_INVALID_ARG;
    c->serial = serial;
  } else if (*p) {
    return NPE_ERR_INVALID_ARG;
  }
  char *save = NULL;
  for (char *kv = q ? strtok_r(q, "&", &save) : NULL; kv; kv = strtok_r(NULL, "&", &save)) {
    char *eq = strchr(kv, '=');
    if (!eq || eq == kv) return NPE_ERR_INVALID_ARG;
    *eq = 0;
    const char *val = eq + 1;
    int rc = npe_link_cfg_set(&c->link, kv, val);
    if (rc <= 0) {
      if (rc) return rc;
      continue;
    }
    if (!strcmp(kv, "interface")) {
      if (!strcmp(val, "A") || !strcmp(val, "a")) c->interface = 1;
      else if (!strcmp(val, "B") || !strcmp(val, "b")) c->interface = 2;
      else return NPE_ERR_INVALID_ARG;
    } else if (!strcmp(kv, "baud")) {
      char *end;
      if (!isdigit((unsigned char)*val)) return NPE_ERR_INVALID_ARG;
      unsigned long v = strtoul(val, &end, 10);
      /* the FT2232H: 12 MHz / (n + fraction), so 183 .. 12000000 */
      if (*end || v < 183 || v > 12000000) return NPE_ERR_INVALID_ARG;
      c->link.baud = (unsigned)v;
    } else {
      return NPE_ERR_INVALID_ARG;
    }
  }
  return NPE_OK;
}

/* ------------------------------------------------------------------------ */
/* Byte I/O on the channel (npe_link_io)                                     */
/* ------------------------------------------------------------------------ */
typedef struct ftdi_io {
  const npe_ftdi_ops *ops;
  void *h;
} ftdi_io;

static int fio_write(void *ctx, const uint8_t *p, size_t n) {
  ftdi_io *f = ctx;
  while (n) {
    int chunk = n > NPE_FTDI_CHUNK_BYTES ? (int)NPE_FTDI_CHUNK_BYTES : (int)n;
    int w = f->ops->write_data(f->h, p, chunk);
    if (w <= 0) return NPE_ERR_IO;
    p += w;
    n -= (size_t)w;
  }
  return NPE_OK;
}

/* ftdi_read_data returns within a latency period with what has arrived;
 * keep asking until something comes or the time is up. */
static int fio_read(void *ctx, uint8_t *p, size_t cap, uint64_t timeout_us, size_t *got) {
  ftdi_io *f = ctx;
  *got = 0;
  const uint64_t end = f->ops->now_us(f->h) + timeout_us;
  int n = cap > NPE_FTDI_CHUNK_BYTES ? (int)NPE_FTDI_CHUNK_BYTES : (int)cap;
  for (;;) {
    int r = f->ops->read_data(f->h, p, n);
    if (r < 0) return NPE_ERR_IO;
    if (r > 0) {
      *got = (size_t)r;
      return NPE_OK;
    }
    if (f->ops->now_us(f->h) >= end) return NPE_OK;
  }
}

static void fio_flush_in(void *ctx) {
  ftdi_io *f = ctx;
  f->ops->purge_rx(f->h);
}

static uint64_t fio_now_us(void *ctx) {
  ftdi_io *f = ctx;
  return f->ops->now_us(f->h);
}

static void fio_sleep_us(void *ctx, uint64_t us) {
  ftdi_io *f = ctx;
  f->ops->sleep_us(f->h, us);
}

static void fio_close(void *ctx) {
  ftdi_io *f = ctx;
  f->ops->usb_close(f->h);
  f->ops->free_ctx(f->h);
  free(f);
}

/* The link's I/O errors name the device and what probably happened. */
static int fail(char *msg, size_t cap, int rc, const char *fmt, const npe_ftdi_config *c,
                const char *detail) {
  if (msg && cap) {
    char dev[96];
    snprintf(dev, sizeof dev, "%04x:%04x%s%s interface %c", c->vid, c->pid,
             c->serial ? " serial " : "", c->serial ? c->serial : "",
             c->interface == 1 ? 'A' : 'B');
    snprintf(msg, cap, fmt, dev, detail ? detail : "");
  }
  return rc;
}

int npe_transport_ftdi_open(const npe_ftdi_config *c, const npe_ftdi_ops *ops,
                            npe_transport *t, char *msg, size_t cap) {
  if (msg && cap) msg[0] = 0;
  if (!c || !t) return NPE_ERR_INVALID_ARG;
  if (!ops) ops = npe_ftdi_real_ops();
  ftdi_io *f = calloc(1, sizeof *f);
  if (!f) return NPE_ERR_NO_MEM;
  f->ops = ops;
  f->h = ops->new_ctx();
  if (!f->h) {
    free(f);
    return fail(msg, cap, NPE_ERR_IO, "ftdi %s: libftdi / libusb cannot start%s", c, NULL);
  }
  int rc = NPE_OK;
  if (ops->set_interface(f->h, c->interface) < 0) {
    rc = fail(msg, cap, NPE_ERR_IO, "ftdi %s: cannot select the interface: %s", c,
              ops->error_string(f->h));
    goto out_free;
  }
  int r = ops->usb_open(f->h, (int)c->vid, (int)c->pid, c->serial);
  if (r == -3) {
    rc = fail(msg, cap, NPE_ERR_IO, "ftdi %s: no such USB device (is the board plugged in? lsusb "
              "lists it)%s", c, NULL);
    goto out_free;
  }
  if (r < 0) {
    if (ops->access_denied(f->h, (int)c->vid, (int)c->pid))
      rc = fail(msg, cap, NPE_ERR_IO,
                "ftdi %s: permission denied on the USB device; add the udev rule "
                "'" NPE_FTDI_UDEV_RULE "' to /etc/udev/rules.d/53-npe-ftdi.rules, run "
                "'sudo udevadm control --reload && sudo udevadm trigger', replug the board%s",
                c, NULL);
    else if (r == -5)
      rc = fail(msg, cap, NPE_ERR_IO, "ftdi %s: interface busy (another program holds it): %s", c,
                ops->error_string(f->h));
    else
      rc = fail(msg, cap, NPE_ERR_IO, "ftdi %s: cannot open: %s", c, ops->error_string(f->h));
    goto out_free;
  }
  const char *what = NULL;
  if (ops->usb_reset(f->h) < 0) what = "reset";
  else if (ops->set_line_8n1(f->h) < 0) what = "8N1";
  else if (ops->set_flowctrl_none(f->h) < 0) what = "no flow control";
  else if (ops->set_baudrate(f->h, (int)c->link.baud) < 0) what = "the baud rate";
  else if (ops->set_latency_timer(f->h, NPE_FTDI_LATENCY_MS) < 0) what = "the latency timer";
  else if (ops->set_chunksizes(f->h, NPE_FTDI_CHUNK_BYTES, NPE_FTDI_CHUNK_BYTES) < 0)
    what = "the chunk sizes";
  else if (ops->purge_rx(f->h) < 0) what = "a purge";
  if (what) {
    char detail[160];
    snprintf(detail, sizeof detail, "%s: %s", what, ops->error_string(f->h));
    rc = fail(msg, cap, NPE_ERR_IO, "ftdi %s: cannot set %s", c, detail);
    ops->usb_close(f->h);
    goto out_free;
  }
  char name[128];
  snprintf(name, sizeof name, "ftdi %04x:%04x", c->vid, c->pid);
  npe_link_io io = {f, fio_write, fio_read, fio_flush_in, fio_now_us, fio_sleep_us, fio_close};
  npe_link_opts o = npe_link_cfg_opts(&c->link, name);
  rc = npe_link_open(&io, &o, t, msg, cap);
  if (!rc) return NPE_OK;
  ops->usb_close(f->h);
out_free:
  ops->free_ctx(f->h);
  free(f);
  return rc;
}

/* ------------------------------------------------------------------------ */
/* The real libftdi1 calls: the only lines not run without hardware          */
/* ------------------------------------------------------------------------ */
static void *r_new(void) { return ftdi_new(); }
static void r_free(void *h) { ftdi_free(h); }
static int r_set_interface(void *h, int i) {
  return ftdi_set_interface(h, i == 1 ? INTERFACE_A : INTERFACE_B);
}
static int r_usb_open(void *h, int vid, int pid, const char *serial) {
  return ftdi_usb_open_desc(h, vid, pid, NULL, serial);
}
static int r_usb_close(void *h) { return ftdi_usb_close(h); }
static int r_usb_reset(void *h) { return ftdi_usb_reset(h); }
static int r_set_baudrate(void *h, int baud) { return ftdi_set_baudrate(h, baud); }
static int r_set_line_8n1(void *h) { return ftdi_set_line_property(h, BITS_8, STOP_BIT_1, NONE); }
static int r_set_flowctrl_none(void *h) { return ftdi_setflowctrl(h, SIO_DISABLE_FLOW_CTRL); }
static int r_set_latency_timer(void *h, unsigned char ms) { return ftdi_set_latency_timer(h, ms); }
static int r_set_chunksizes(void *h, unsigned rd, unsigned wr) {
  int r = ftdi_read_data_set_chunksize(h, rd);
  return r < 0 ? r : ftdi_write_data_set_chunksize(h, wr);
}
static int r_purge_rx(void *h) { return ftdi_tciflush(h); }
static int r_write_data(void *h, const uint8_t *p, int n) { return ftdi_write_data(h, p, n); }
static int r_read_data(void *h, uint8_t *p, int n) { return ftdi_read_data(h, p, n); }
static const char *r_error_string(void *h) { return ftdi_get_error_string(h); }
static int r_access_denied(void *h, int vid, int pid) {
  struct ftdi_device_list *list = NULL;
  int denied = 0;
  if (ftdi_usb_find_all(h, &list, vid, pid) > 0) {
    for (struct ftdi_device_list *d = list; d && !denied; d = d->next) {
      char node[64];
      snprintf(node, sizeof node, "/dev/bus/usb/%03u/%03u", libusb_get_bus_number(d->dev),
               libusb_get_device_address(d->dev));
      denied = access(node, R_OK | W_OK) != 0;
    }
  }
  ftdi_list_free(&list);
  return denied;
}
static uint64_t r_now_us(void *h) {
  (void)h;
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}
static void r_sleep_us(void *h, uint64_t us) {
  (void)h;
  struct timespec ts = {(time_t)(us / 1000000u), (long)(us % 1000000u) * 1000L};
  nanosleep(&ts, NULL);
}

const npe_ftdi_ops *npe_ftdi_real_ops(void) {
  static const npe_ftdi_ops real = {
      r_new,          r_free,         r_set_interface,   r_usb_open,          r_usb_close,
      r_usb_reset,    r_set_baudrate, r_set_line_8n1,    r_set_flowctrl_none, r_set_latency_timer,
      r_set_chunksizes, r_purge_rx,   r_write_data,      r_read_data,         r_error_string,
      r_access_denied, r_now_us,      r_sleep_us};
  return &real;
}
